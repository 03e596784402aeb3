"""The sandbox HTTP API, over real loopback HTTP."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from tvdesk.sandbox.server import SandboxConfig, SandboxServer

TOKEN = "sandbox-test-token"  # the default token of the make_sandbox fixture

LIGAR_PARA_MSG = (
    "Parâmetro ligar_para inválido, formato E.164: [+][DDI][DDD][Número] ex: +5510999999999"
)


def webphone_url(api, **params) -> str:
    status, body = api.get("/webphone", params)
    assert status == 200, body
    assert body["motivo"] == 0 and body["mensagem"] == "url webphone"
    return body["dados"]["url"]


def split_url(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query, keep_blank_values=True)


def raw_get(server: SandboxServer, target: str, headers: dict[str, str] | None = None):
    """GET an exact request-target (no client-side encoding) and return (status, body)."""
    host, port = urlsplit(server.base_url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# ---------------------------------------------------------------- envelope and auth


def test_saldo_envelope(api):
    status, body = api.get("/saldo")
    assert status == 200
    assert body["sucesso"] is True and body["motivo"] == 0
    assert body["dados"] == {"saldo": 42.5}


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_bad_or_missing_token(api, token):
    for path in ("/saldo", "/webphone?ramal=4000", "/ramal/relatorio", "/ramal/101"):
        status, body = api.get(path, token=token)
        assert status == 403
        assert body["motivo"] == 40 and body["mensagem"] == "access token inválido"
        assert body["sucesso"] is False and body["dados"] is None


def test_token_in_query_string(api):
    status, body = api.get("/saldo", {"access_token": TOKEN}, token=None)
    assert status == 200 and body["dados"]["saldo"] == 42.5


def test_unknown_path(api):
    for path in ("/nope", "/", "/conta/xyz"):
        status, body = api.get(path)
        assert (status, body["motivo"], body["mensagem"]) == (404, 90, "path not found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_non_get_is_not_implemented(api, method):
    for path in ("/ramal", "/ramal/101", "/webphone", "/saldo"):
        status, body = api.get(path, method=method)
        assert (status, body["motivo"], body["mensagem"]) == (501, 30, "não implementado")


def test_post_with_body_keeps_connection_usable(sandbox, http):
    headers = {"Access-Token": TOKEN, "Content-Type": "application/json"}
    r = http.post(sandbox.base_url + "/ramal", data=json.dumps({"ramal": "4100"}), headers=headers)
    assert r.status_code == 501 and r.json()["motivo"] == 30
    r = http.get(sandbox.base_url + "/saldo", headers=headers)
    assert r.status_code == 200


def test_keep_alive_single_connection(sandbox):
    host, port = urlsplit(sandbox.base_url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for _ in range(3):
            conn.request("GET", "/saldo", headers={"Access-Token": TOKEN})
            resp = conn.getresponse()
            assert resp.version == 11
            assert int(resp.headers["Content-Length"]) == len(resp.read())
            assert resp.status == 200
    finally:
        conn.close()


# ---------------------------------------------------------------- /ramal


def test_relatorio_defaults(api):
    status, body = api.get("/ramal/relatorio")
    assert status == 200
    dados = body["dados"]
    assert (dados["posicao"], dados["limite"], dados["total"]) == (0, 100, 3)
    rows = dados["relatorio"]
    assert [(r["id"], r["ramal"], r["tags"]) for r in rows] == [
        (101, "4000", "Recepção"),
        (102, "4001", "Vendas"),
        (103, "4002", "Suporte"),
    ]
    expected_fields = {
        "id", "ramal", "login", "bina", "webphone_key", "webphone", "ligacao_externa",
        "ligacao_celular", "gravar_audio", "acesso_gravacoes", "ura_id", "voicemail", "tags",
    }
    for row in rows:
        assert set(row) == expected_fields
        assert "senha" not in row
        assert row["login"] == row["ramal"] + "@sandbox"
        assert re.fullmatch(r"\+\d{12,13}", row["bina"])
        assert re.fullmatch(r"[0-9a-f]{32}", row["webphone_key"])
        assert row["webphone"] is True and row["ura_id"] is None
        assert isinstance(row["tags"], str)
    assert len({r["webphone_key"] for r in rows}) == 3


def test_relatorio_ignores_dates(api):
    status, body = api.get(
        "/ramal/relatorio", {"data_inicio": "2024-01-01", "data_fim": "2024-01-31"}
    )
    assert status == 200 and body["dados"]["total"] == 3


def test_relatorio_paging(make_sandbox, make_api):
    api = make_api(make_sandbox(extra_extensions=250))
    seen = []
    posicao = 0
    while True:
        status, body = api.get("/ramal/relatorio", {"posicao": posicao, "limite": 200})
        assert status == 200
        dados = body["dados"]
        assert dados["total"] == 253 and dados["posicao"] == posicao and dados["limite"] == 200
        if not dados["relatorio"]:
            break
        seen.extend(dados["relatorio"])
        posicao += len(dados["relatorio"])
    assert len(seen) == 253
    assert len({r["id"] for r in seen}) == 253
    assert seen[3]["ramal"] == "5000" and seen[3]["id"] == 1000
    assert seen[-1]["ramal"] == "5249" and seen[-1]["id"] == 1249
    # default limit is 100
    status, body = api.get("/ramal/relatorio", {"posicao": 250})
    assert body["dados"]["limite"] == 100 and len(body["dados"]["relatorio"]) == 3
    status, body = api.get("/ramal/relatorio")
    assert len(body["dados"]["relatorio"]) == 100


@pytest.mark.parametrize(
    "params", [{"limite": 201}, {"limite": "abc"}, {"limite": 0}, {"posicao": "-1"}, {"posicao": "x"}]
)
def test_relatorio_bad_paging(api, params):
    status, body = api.get("/ramal/relatorio", params)
    assert status == 405 and body["motivo"] == 11


def test_ramal_by_id(api):
    status, body = api.get("/ramal/102")
    assert status == 200
    assert body["dados"]["ramal"] == "4001" and body["dados"]["id"] == 102
    assert "senha" not in body["dados"]
    for bad in ("/ramal/999", "/ramal/abc", "/ramal"):
        status, body = api.get(bad)
        assert (status, body["motivo"], body["mensagem"]) == (404, 60, "ramal não encontrado")


# ---------------------------------------------------------------- /webphone


def test_webphone_missing_ramal(api):
    for params in ({}, {"ramal": ""}, {"tipo": "floating", "ligar_para": "4001"}):
        status, body = api.get("/webphone", params)
        assert (status, body["motivo"]) == (405, 10)
        assert body["mensagem"] == "Parâmetro ramal ou id_ramal obrigatório"


@pytest.mark.parametrize("params", [{"ramal": "4999"}, {"id_ramal": "999"}, {"id_ramal": "x"}])
def test_webphone_unknown_ramal(api, params):
    status, body = api.get("/webphone", params)
    assert (status, body["motivo"], body["mensagem"]) == (404, 60, "ramal não encontrada")


@pytest.mark.parametrize("ramal", ["40", "40000", "abcd", "40a0"])
def test_webphone_invalid_ramal(api, ramal):
    status, body = api.get("/webphone", {"ramal": ramal})
    assert (status, body["motivo"]) == (405, 11)
    assert body["mensagem"] == "ramal inválido, informe o ramal com 3 ou 4 dígitos"


@pytest.mark.parametrize(
    "numero", ["+554832830151", "+5510999999999", "4832830151", "48999999999", "4001", "999",
               "554832830151", "5548999999999"],
)
def test_webphone_ligar_para_accepted(api, numero):
    path, query = split_url(webphone_url(api, ramal=4000, ligar_para=numero))
    assert dict(query)["ligar_para"] == numero


@pytest.mark.parametrize(
    "numero", ["12", "+55", "abc", "+55 48 3283 0151", "4832-830151", "<script>", "123456789012345678"],
)
def test_webphone_ligar_para_rejected(api, numero):
    status, body = api.get("/webphone", {"ramal": 4000, "ligar_para": numero})
    assert (status, body["motivo"], body["mensagem"]) == (405, 11, LIGAR_PARA_MSG)


@pytest.mark.parametrize(
    "value, expected",
    [("true", True), ("True", True), ("1", True), ("false", False), ("False", False),
     ("0", False), ("", False), (None, False)],
)
def test_webphone_fechar_fim_encodings(api, value, expected):
    params = {"ramal": "4000"}
    if value is not None:
        params["fechar_fim"] = value
    _, query = split_url(webphone_url(api, **params))
    assert ("fechar_fim", "1") in query if expected else "fechar_fim" not in dict(query)
    _, query = split_url(webphone_url(api, **params, tipo="embedded"))
    assert dict(query)["fechar_fim"] == ("1" if expected else "0")


@pytest.mark.parametrize("value", ["yes", "2", "verdadeiro"])
def test_webphone_fechar_fim_invalid(api, value):
    status, body = api.get("/webphone", {"ramal": 4000, "fechar_fim": value})
    assert (status, body["motivo"]) == (405, 11)


def test_webphone_tipo(api):
    for tipo in (None, "", "floating"):
        params = {"ramal": "4000"} if tipo is None else {"ramal": "4000", "tipo": tipo}
        path, query = split_url(webphone_url(api, **params))
        assert path == "/w3/" and [k for k, _ in query] == ["key", "pop", "expires", "signature"]
    status, body = api.get("/webphone", {"ramal": "4000", "tipo": "popup"})
    assert (status, body["motivo"]) == (405, 11)


def test_webphone_url_shapes(api, sandbox):
    key = api.get("/ramal/101")[1]["dados"]["webphone_key"]
    now = int(time.time())

    def check(url, path, pairs):
        assert url.startswith(sandbox.base_url + path + "?")
        got_path, query = split_url(url)
        assert got_path == path
        assert query[: len(pairs)] == pairs
        rest = query[len(pairs):]
        assert [k for k, _ in rest] == ["expires", "signature"]
        assert now + 600 - 2 <= int(rest[0][1]) <= now + 600 + 2
        assert re.fullmatch(r"[0-9a-f]{64}", rest[1][1])
        assert url.endswith("&signature=" + rest[1][1])

    check(webphone_url(api, ramal=4000), "/w3/", [("key", key), ("pop", "1")])
    check(webphone_url(api, ramal=4000, fechar_fim="true", ligar_para="+554832830151"), "/w3/",
          [("key", key), ("pop", "1"), ("fechar_fim", "1"), ("ligar_para", "+554832830151")])
    check(webphone_url(api, id_ramal=101, tipo="embedded"), "/w3/",
          [("key", key), ("tipo", "embedded"), ("fechar_fim", "0"), ("ver", "2")])
    check(webphone_url(api, id_ramal=101, tipo="embedded", fechar_fim=1, ligar_para="4001"),
          "/w3/", [("key", key), ("tipo", "embedded"), ("fechar_fim", "1"), ("ver", "2"),
                   ("ligar_para", "4001")])
    check(webphone_url(api, ramal=4000, tipo="hidden"), "/w3",
          [("key", key), ("tipo", "hidden"), ("ver", "2")])
    # '+' is percent-encoded in the URL
    assert "ligar_para=%2B554832830151" in webphone_url(api, ramal=4000, ligar_para="+554832830151")


def test_webphone_id_ramal_and_trailing_slash(api):
    status, body = api.get("/webphone/", {"id_ramal": "103"})
    assert status == 200
    key = api.get("/ramal/103")[1]["dados"]["webphone_key"]
    assert dict(split_url(body["dados"]["url"])[1])["key"] == key


def test_webphone_unencoded_query(sandbox):
    """Ruby/Java SDKs do not percent-encode: a raw '+' must survive."""
    status, raw = raw_get(
        sandbox, "/webphone?ramal=4000&ligar_para=+554832830151&fechar_fim=True&tipo=floating",
        {"Access-Token": TOKEN},
    )
    body = json.loads(raw)
    assert status == 200, body
    query = dict(split_url(body["dados"]["url"])[1])
    assert query["ligar_para"] == "+554832830151" and query["fechar_fim"] == "1"


def test_webphone_no_balance(make_sandbox, make_api):
    api = make_api(make_sandbox(saldo=0))
    status, body = api.get("/webphone", {"ramal": "4000"})
    assert (status, body["motivo"], body["mensagem"]) == (402, 9, "saldo insuficiente")
    assert api.get("/saldo")[1]["dados"]["saldo"] == 0


# ---------------------------------------------------------------- the signed page


def test_signed_page_valid(api, http):
    url = webphone_url(api, ramal=4000, ligar_para="+554832830151", fechar_fim="true")
    r = http.get(url)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Sandbox tvdesk — webphone de demonstração" in r.text
    assert "Desligar" in r.text and "Ligar" in r.text
    m = re.search(r'<script type="application/json" id="config">(.*?)</script>', r.text, re.S)
    cfg = json.loads(m.group(1))
    assert cfg == {"ramal": "4000", "bina": "+554832830151", "ligar_para": "+554832830151",
                   "fechar_fim": True, "tipo": "floating", "answer_after": 1.5,
                   "hangup_after": 0.0, "mic_mode": "connect"}
    for asset, ctype in (("webphone.js", "application/javascript"), ("webphone.css", "text/css")):
        a = http.get(api.server.base_url + "/w3/assets/" + asset)
        assert a.status_code == 200 and a.headers["Content-Type"].startswith(ctype)
    for target in ("/w3/assets/../server.py", "/w3/assets/%2e%2e/server.py",
                   "/w3/assets/..%2fserver.py", "/w3/assets/nope.js"):
        assert raw_get(api.server, target)[0] == 404
    assert http.get(api.server.base_url + "/w3/assets/webphone.html").status_code == 404


def test_signed_page_embedded(api, http):
    r = http.get(webphone_url(api, id_ramal=102, tipo="embedded"))
    assert r.status_code == 200 and '"tipo": "embedded"' in r.text and '"ramal": "4001"' in r.text


def test_hidden_script(api, http):
    r = http.get(webphone_url(api, ramal=4000, tipo="hidden", ligar_para="4001"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/javascript")
    assert "widget-evoline-api-container" in r.text
    inner = json.loads(re.search(r"var src = (\".*?\");", r.text).group(1))
    assert urlsplit(inner).path == "/w3/phone.php"
    page = http.get(inner)
    assert page.status_code == 200 and '"tipo": "hidden"' in page.text


def _assert_invalid_link(resp):
    assert resp.status_code == 403
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "Link do webphone expirado ou inválido" in resp.text


def test_signed_page_tampered(api, http, make_sandbox):
    url = webphone_url(api, ramal=4000, ligar_para="+554832830151", fechar_fim="1")
    base, _, query = url.partition("?")
    pairs = query.split("&")
    for i, pair in enumerate(pairs):
        k, v = pair.split("=", 1)
        altered = v[:-1] + ("0" if v[-1] != "0" else "1")
        bad = "&".join(pairs[:i] + [f"{k}={altered}"] + pairs[i + 1:])
        _assert_invalid_link(http.get(f"{base}?{bad}"))
    # a re-encoded but equivalent URL is still valid
    assert http.get(url.replace("%2B", "+")).status_code == 200
    # dropped, added and reordered parameters
    _assert_invalid_link(http.get(url.replace("&pop=1&fechar_fim=1", "&fechar_fim=1&pop=1")))
    _assert_invalid_link(http.get(url.replace("&pop=1", "&pop=1&pop=1")))
    _assert_invalid_link(http.get(url.replace("&pop=1", "&pop=1%20")))
    _assert_invalid_link(http.get(url.replace("?key=", "?x=&key=")))
    _assert_invalid_link(http.get(url.replace("&fechar_fim=1", "")))
    _assert_invalid_link(http.get(url + "&tipo=hidden"))
    _assert_invalid_link(http.get(url.replace("?key=", "?tipo=embedded&key=")))
    _assert_invalid_link(http.get(base))
    # another server's signature (different secret)
    other = make_sandbox()
    _assert_invalid_link(http.get(url.replace(api.server.base_url, other.base_url)))


def test_signed_page_expired(make_sandbox, make_api, http):
    api = make_api(make_sandbox(url_ttl=1))
    url = webphone_url(api, ramal=4000)
    expires = int(dict(split_url(url)[1])["expires"])
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    _assert_invalid_link(http.get(url))


def test_signed_page_not_recorded_as_asset(api, http):
    url = webphone_url(api, ramal=4000)
    http.get(url)
    http.get(api.server.base_url + "/w3/assets/webphone.js")
    paths = [r.path for r in api.server.requests]
    assert paths == ["/webphone", "/w3/"]


# ---------------------------------------------------------------- recording and faults


def test_requests_are_recorded(api):
    api.get("/webphone", {"ramal": "4000", "fechar_fim": "True"})
    api.get("/saldo", token="bad")
    recorded = api.server.requests
    assert [(r.method, r.path) for r in recorded] == [("GET", "/webphone"), ("GET", "/saldo")]
    assert recorded[0].query == {"ramal": ["4000"], "fechar_fim": ["True"]}
    assert recorded[0].headers["Access-Token"] == TOKEN
    assert recorded[1].headers["Access-Token"] == "bad"


def test_inject_fault(api, sandbox, http):
    sandbox.inject_fault(path="/webphone", status=500, body="<html>oops</html>",
                         content_type="text/html", times=2)
    for path in ("/webphone", "/webphone/"):
        r = http.get(sandbox.base_url + path, params={"ramal": 4000},
                     headers={"Access-Token": TOKEN})
        assert r.status_code == 500 and r.text == "<html>oops</html>"
        assert r.headers["Content-Type"] == "text/html"
    assert webphone_url(api, ramal=4000)  # back to normal
    assert len(sandbox.requests) == 3


def test_inject_fault_delay_and_other_path(api, sandbox, http):
    sandbox.inject_fault(path="/saldo/", status=429, content_type="application/json",
                         body='{"status":429}', delay=0.3)
    assert api.get("/webphone", {"ramal": 4000})[0] == 200
    t0 = time.monotonic()
    r = http.get(sandbox.base_url + "/saldo", headers={"Access-Token": TOKEN})
    assert time.monotonic() - t0 >= 0.3
    assert r.status_code == 429 and r.json() == {"status": 429}
    with pytest.raises(requests.exceptions.Timeout):
        sandbox.inject_fault(path="/saldo", status=200, delay=1)
        http.get(sandbox.base_url + "/saldo", headers={"Access-Token": TOKEN}, timeout=0.3)
    assert api.get("/saldo")[0] == 200


# ---------------------------------------------------------------- lifecycle and config


def test_context_manager_and_idempotent_stop():
    with SandboxServer(SandboxConfig(), port=0).start() as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
        assert re.fullmatch(r"sandbox-[0-9a-f]{24}", server.token)
        port = int(server.base_url.rsplit(":", 1)[1])
        # an idle connection must not block stop()
        idle = socket.create_connection(("127.0.0.1", port))
        t0 = time.monotonic()
    assert time.monotonic() - t0 < 1
    server.stop()
    idle.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_stop_with_open_keep_alive_connection(sandbox, http):
    assert http.get(sandbox.base_url + "/saldo", headers={"Access-Token": TOKEN}).ok
    t0 = time.monotonic()
    sandbox.stop()
    assert time.monotonic() - t0 < 2


def test_tokens_are_random():
    assert SandboxConfig().token != SandboxConfig().token


def test_config_from_env():
    base = SandboxConfig(token="b", answer_after=1.0, saldo=5)
    env = {
        "TVDESK_SANDBOX_TOKEN": "from-env",
        "TVDESK_SANDBOX_ANSWER_AFTER": "0.25",
        "TVDESK_SANDBOX_HANGUP_AFTER": "abc",  # ignored
        "TVDESK_SANDBOX_URL_TTL": "30",
        "TVDESK_SANDBOX_SALDO": "-3",  # ignored
        "TVDESK_SANDBOX_EXTRA_EXTENSIONS": "7",
    }
    cfg = SandboxConfig.from_env(base=base, environ=env)
    assert cfg == SandboxConfig(token="from-env", answer_after=0.25, hangup_after=0.0,
                                url_ttl=30, saldo=5, extra_extensions=7)
    assert SandboxConfig.from_env(base=base, environ={}) == base


def test_config_from_os_environ(monkeypatch):
    monkeypatch.setenv("TVDESK_SANDBOX_SALDO", "0")
    monkeypatch.setenv("TVDESK_SANDBOX_URL_TTL", "1.5")  # not an int: ignored
    cfg = SandboxConfig.from_env(base=SandboxConfig(token="x"))
    assert cfg.saldo == 0 and cfg.url_ttl == 600 and cfg.token == "x"
