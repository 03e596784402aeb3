"""TLS is verified against the operating system's trust store, not only certifi's: a
company CA that re-signs TLS is trusted where the system trusts it."""

from __future__ import annotations

import http.server
import json
import os
import ssl
import subprocess
import sys
import threading

import pytest
import trustme

SALDO = json.dumps({"status": 200, "sucesso": True, "motivo": 0, "mensagem": "saldo atual",
                    "dados": {"saldo": 12.5}}).encode()

CLIENT = """
import sys
from tvdesk.core.api import TotalVoiceClient, tls_trust
from tvdesk.core.errors import TvdeskError
if sys.argv[2] == "certifi":
    import tvdesk.core.api as api
    api._trust = (None, "certifi bundle")
try:
    with TotalVoiceClient(sys.argv[1], "token-for-tls-test-123") as client:
        print("balance", client.balance(), tls_trust()[1])
except TvdeskError as error:
    print("refused", type(error).__name__)
"""


@pytest.fixture
def company_ca_server(tmp_path):
    """An HTTPS API on loopback whose certificate comes from a CA that only the 'system'
    store of the child process knows (SSL_CERT_FILE is where OpenSSL's store is read)."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "company-ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(SALDO)))
            self.end_headers()
            self.wfile.write(SALDO)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_port}", tmp_path / "company-ca.pem"
    server.shutdown()
    server.server_close()


def run_client(base, ca_file, mode):
    env = dict(os.environ, SSL_CERT_FILE=str(ca_file))
    env.pop("SSL_CERT_DIR", None)
    return subprocess.run([sys.executable, "-c", CLIENT, base, mode], env=env,
                          capture_output=True, text=True, timeout=60).stdout.strip()


def test_a_ca_only_in_the_system_store_is_trusted(company_ca_server):
    base, ca_file = company_ca_server
    assert run_client(base, ca_file, "system").startswith("balance 12.5 system trust store")
    # certifi alone would refuse it: what tvdesk did before.
    assert run_client(base, ca_file, "certifi") == "refused TlsError"
