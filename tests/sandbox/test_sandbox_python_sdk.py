"""Conformance with the official, unmodified Python SDK (totalvoice==1.7.0).

``Cliente.__init__`` ignores its host argument and hard-codes
https://voice-api.zenvia.com, so the base URL is changed by setting ``client.host``.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

TOKEN = "sandbox-test-token"  # the default token of the make_sandbox fixture

totalvoice_cliente = pytest.importorskip("totalvoice.cliente")


@pytest.fixture
def client(sandbox):
    c = totalvoice_cliente.Cliente(TOKEN, sandbox.base_url)
    assert c.host == "https://voice-api.zenvia.com"  # the SDK ignores the argument
    c.host = sandbox.base_url
    return c


def as_json(raw: bytes) -> dict:
    assert isinstance(raw, bytes)
    return json.loads(raw.decode("utf-8"))


def url_query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_get_webphone_floating(client, sandbox):
    body = as_json(client.webphone.get_webphone("floating", None, 4000))
    assert body["status"] == 200 and body["sucesso"] is True and body["motivo"] == 0
    assert body["mensagem"] == "url webphone"
    url = body["dados"]["url"]
    assert url.startswith(sandbox.base_url + "/w3/?key=")
    assert "fechar_fim" not in url_query(url)
    req = sandbox.requests[-1]
    assert req.path == "/webphone"
    assert req.query == {"tipo": ["floating"], "ramal": ["4000"]}
    assert req.headers["Access-Token"] == TOKEN
    assert req.headers["User-Agent"] == "lib-python/1.7.0"


def test_get_webphone_ligar_para_fechar_fim(client, sandbox, http):
    body = as_json(client.webphone.get_webphone(
        "floating", None, 4000, ligar_para="+554832830151", fechar_fim=True))
    assert body["status"] == 200, body
    assert sandbox.requests[-1].query["fechar_fim"] == ["True"]
    query = url_query(body["dados"]["url"])
    assert query["fechar_fim"] == "1" and query["ligar_para"] == "+554832830151"
    assert http.get(body["dados"]["url"]).status_code == 200


def test_get_webphone_by_id_embedded(client, sandbox):
    body = as_json(client.webphone.get_webphone("embedded", id_ramal=102, fechar_fim=False))
    assert body["status"] == 200, body
    assert sandbox.requests[-1].query == {
        "tipo": ["embedded"], "id_ramal": ["102"], "fechar_fim": ["False"]}
    assert url_query(body["dados"]["url"])["fechar_fim"] == "0"


def test_get_webphone_errors(client):
    body = as_json(client.webphone.get_webphone("floating"))
    assert (body["status"], body["motivo"]) == (405, 10)
    body = as_json(client.webphone.get_webphone("floating", None, 4999))
    assert (body["status"], body["motivo"]) == (404, 60)
    body = as_json(client.webphone.get_webphone("floating", None, 4000, ligar_para="abc"))
    assert (body["status"], body["motivo"]) == (405, 11)


def test_ramal_relatorio_and_by_id(client):
    body = as_json(client.ramal.get_relatorio())
    assert body["status"] == 200
    assert [r["ramal"] for r in body["dados"]["relatorio"]] == ["4000", "4001", "4002"]
    body = as_json(client.ramal.get_by_id("101"))
    assert body["status"] == 200 and body["dados"]["ramal"] == "4000"
    body = as_json(client.ramal.get_by_id("9999"))
    assert (body["status"], body["motivo"]) == (404, 60)


def test_saldo(client):
    body = as_json(client.minha_conta.get_saldo())
    assert body == {"status": 200, "sucesso": True, "motivo": 0, "mensagem": "saldo",
                    "dados": {"saldo": 42.5}}


def test_bad_token(sandbox):
    c = totalvoice_cliente.Cliente("not-the-token")
    c.host = sandbox.base_url
    for raw in (c.minha_conta.get_saldo(), c.webphone.get_webphone("floating", None, 4000)):
        body = as_json(raw)
        assert (body["status"], body["sucesso"], body["motivo"]) == (403, False, 40)
        assert body["mensagem"] == "access token inválido"
