"""Conformance with the official, unmodified Node SDK (totalvoice-node 1.12.0).

Runs ``tests/sandbox/node/conformance.js`` with node; installs the locked
dependencies with ``npm ci`` first when ``node_modules`` is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

TOKEN = "sandbox-test-token"  # the default token of the make_sandbox fixture

NODE_DIR = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="module")
def node_ready() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node/npm not on PATH: cannot run the totalvoice-node conformance test")
    if not (NODE_DIR / "node_modules" / "totalvoice-node" / "package.json").is_file():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR, check=True, capture_output=True, timeout=300,
        )
    return node


def test_node_sdk_conformance(node_ready, sandbox, http):
    proc = subprocess.run(
        [node_ready, "conformance.js", sandbox.base_url, TOKEN],
        cwd=NODE_DIR, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)

    wp = result["webphone"]
    assert wp["ok"] is True, wp
    assert wp["data"]["status"] == 200 and wp["data"]["mensagem"] == "url webphone"
    url = wp["data"]["dados"]["url"]
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["ligar_para"] == "+554832830151" and query["fechar_fim"] == "1"
    assert http.get(url).status_code == 200

    emb = result["webphone_embedded"]
    assert emb["ok"] is True, emb
    assert dict(parse_qsl(urlsplit(emb["data"]["dados"]["url"]).query))["tipo"] == "embedded"

    # what the SDK actually sent: Node sends no `tipo`, booleans as true/false
    sent = [r for r in sandbox.requests if r.path == "/webphone"]
    assert sent[0].query == {"ramal": ["4000"], "ligar_para": ["+554832830151"],
                             "fechar_fim": ["true"]}
    assert sent[0].headers["User-Agent"] == "lib-node/1.12.0"
    assert sent[1].query["fechar_fim"] == ["false"]

    assert result["webphone_missing"]["ok"] is False
    assert result["webphone_missing"]["data"]["motivo"] == 10
    assert result["webphone_bad_number"]["data"]["motivo"] == 11

    rel = result["relatorio"]
    assert rel["ok"] is True
    assert [r["ramal"] for r in rel["data"]["dados"]["relatorio"]] == ["4000", "4001", "4002"]
    assert result["ramal"]["data"]["dados"]["id"] == 101

    assert result["saldo"]["data"]["dados"] == {"saldo": 42.5}

    bad = result["bad_token"]
    assert bad["ok"] is False
    assert bad["data"]["motivo"] == 40 and bad["data"]["status"] == 403
    assert bad["data"]["mensagem"] == "access token inválido"
