"""TLS is verified against the operating system's trust store, not only certifi's: a
company CA that re-signs TLS is trusted where the system trusts it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import trustme
from support.https_server import https_server

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
    with https_server(ca, SALDO, "application/json") as (url, _hits):
        yield url, tmp_path / "company-ca.pem"


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
