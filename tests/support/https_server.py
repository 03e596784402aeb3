"""An HTTPS server on loopback whose certificate comes from a throwaway (trustme) CA."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def https_server(ca, body: bytes, content_type: str,
                 quiet_handshakes: bool = False) -> Iterator[tuple[str, list[str]]]:
    """Serve `body` to every GET; yields the base URL and the paths requested (only the
    requests that got through TLS). `quiet_handshakes`: refused handshakes are expected."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    if quiet_handshakes:
        server.handle_error = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
