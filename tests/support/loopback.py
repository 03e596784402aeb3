"""Loopback HTTP helpers for the unit tests (imported by conftest.py and test modules)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, dict[str, str], bytes]


def envelope(dados: Any, status: int = 200, sucesso: bool = True, motivo: int = 0,
             mensagem: str = "ok") -> bytes:
    return json.dumps({"status": status, "sucesso": sucesso, "motivo": motivo,
                       "mensagem": mensagem, "dados": dados}).encode()


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    client_port: int


@dataclass
class LoopbackServer:
    """A tiny HTTP/1.1 (keep-alive) server whose answers a test decides."""

    responder: Callable[[str], Reply]
    seen: list[Seen] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    def start(self) -> LoopbackServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.seen.append(Seen(self.path, dict(self.headers.items()),
                                       self.client_address[1]))
                status, headers, body = owner.responder(self.path)
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request, client_address) -> None:
                pass  # a client that speaks TLS to us is expected in one test

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
