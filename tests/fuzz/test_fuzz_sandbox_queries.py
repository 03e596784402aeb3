"""Property tests: the sandbox answers any query string with its JSON envelope, never a 500.

Raw query strings (malformed percent-encoding, repeated keys, unicode, values up to
8 KB) are sent as they are: the URL of the prepared request is set after `requests`
has (re)quoted it, so nothing is repaired on the way.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tvdesk.sandbox.server import SandboxConfig, SandboxServer

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
TOKEN = "sandbox-fuzz-token"
API_PATHS = ["/webphone", "/ramal/relatorio", "/saldo"]
KNOWN_KEYS = ["ramal", "id_ramal", "ligar_para", "fechar_fim", "tipo", "posicao", "limite",
              "access_token"]
# What a URL may carry as it is: printable ASCII without '#' (a fragment) and space.
RAW_ALPHABET = "".join(chr(c) for c in range(33, 127) if chr(c) not in "#")


@pytest.fixture(scope="module")
def server():
    sandbox = SandboxServer(SandboxConfig(token=TOKEN), host="127.0.0.1", port=0).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


raw_piece = st.text(RAW_ALPHABET, max_size=20)
malformed_percent = st.builds(lambda a, b: f"{a}%{b}", raw_piece,
                              st.text("0123456789abcdefXYZ%g", max_size=2))
encoded_unicode = st.text(max_size=20).map(lambda t: quote(t, safe=""))
encoded_utf8_bytes = st.binary(max_size=10).map(lambda b: quote(b, safe=""))  # may be bad UTF-8
huge = st.integers(1, 8192).flatmap(lambda n: st.sampled_from(["9", "%2B", "a", "%"]).map(
    lambda unit: (unit * n)[:8192]))
plausible = st.sampled_from(["4000", "4001", "101", "102", "+554832830151", "4832830151",
                             "true", "false", "1", "0", "floating", "embedded", "hidden",
                             "", " 4000 ", "%2B554832830151", "+55 48", "-1", "201", "٤٠٠٠"])
value = st.one_of(plausible, plausible, raw_piece, malformed_percent, encoded_unicode,
                  encoded_utf8_bytes, huge)
key = st.one_of(st.sampled_from(KNOWN_KEYS), st.sampled_from(KNOWN_KEYS), raw_piece,
                malformed_percent, encoded_unicode)
pair = st.one_of(st.builds(lambda k, v: f"{k}={v}", key, value), key, st.just(""),
                 st.builds(lambda k, v: f"{k}=={v}", key, value))
# Often a valid start (the first value of a key is the one used), so that the random
# rest also reaches the checks behind the required parameters, and 200s happen.
valid_start = st.sampled_from(["", "", "ramal=4000", "id_ramal=101",
                               "ramal=4001&ligar_para=%2B554832830151&fechar_fim=true",
                               "id_ramal=103&tipo=embedded", "posicao=1&limite=2"])
query = st.builds(lambda start, pairs: "&".join([start, *pairs]) if start else "&".join(pairs),
                  valid_start, st.lists(pair, max_size=8))
ramal_segment = st.one_of(st.sampled_from(["101", "102", "103", "0", "00101", "999999999999",
                                           "1" * 13, "", "relatorio", "%20", "٣"]),
                          st.text(max_size=12).map(lambda t: quote(t.replace("/", ""), safe="")))


def _get(http, server, path: str, raw_query: str, token: str | None):
    prepared = requests.Request("GET", server.base_url + path).prepare()
    prepared.url = f"{server.base_url}{path}?{raw_query}"   # as it is: no re-quoting
    if token is not None:
        prepared.headers["Access-Token"] = token
    return http.send(prepared, timeout=10, allow_redirects=False)


def _envelope(response) -> dict:
    assert response.status_code != 500, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:200]
    doc = json.loads(response.content.decode("utf-8"))
    assert set(doc) >= {"status", "sucesso", "motivo", "mensagem", "dados"}
    assert doc["status"] == response.status_code
    assert doc["sucesso"] == (200 <= response.status_code < 300)
    assert isinstance(doc["mensagem"], str)
    return doc


@FUZZ
@given(path=st.sampled_from(API_PATHS + ["/ramal/{}", "/nao-existe", "/", "/webphone/x",
                                         "/{}"]),
       segment=ramal_segment, raw_query=query,
       token=st.sampled_from([None, TOKEN, "wrong", "", f" {TOKEN} "]))
def test_every_answer_is_an_envelope_and_never_a_500(server, http, path, segment, raw_query,
                                                    token):
    response = _get(http, server, path.format(segment), raw_query, token)
    doc = _envelope(response)
    if response.status_code == 200:
        assert doc["dados"] is not None


@FUZZ
@given(path=st.sampled_from(API_PATHS + ["/ramal/{}"]), segment=ramal_segment, raw_query=query)
def test_with_a_valid_token_only_documented_statuses(server, http, path, segment, raw_query):
    response = _get(http, server, path.format(segment), raw_query, TOKEN)
    _envelope(response)
    event(f"{path} -> {response.status_code}")
    assert response.status_code in {200, 402, 404, 405}, (path, segment, raw_query,
                                                          response.text[:300])
    if path == "/webphone" and response.status_code == 200:
        url = response.json()["dados"]["url"]
        assert url.startswith(server.base_url + "/w3/")


def test_an_empty_balance_gives_402_with_the_envelope(http):
    poor = SandboxServer(SandboxConfig(token=TOKEN, saldo=0), host="127.0.0.1", port=0).start()
    try:
        response = _get(http, poor, "/webphone", "ramal=4000&ligar_para=%2B554832830151", TOKEN)
        assert _envelope(response)["status"] == 402
    finally:
        poor.stop()


def test_non_ascii_digits_are_refused_like_the_api_does(server, http):
    arabic = "%D9%A3" * 11    # eleven ARABIC-INDIC DIGIT THREE
    response = _get(http, server, "/webphone", f"ramal=4000&ligar_para={arabic}", TOKEN)
    assert response.status_code == 405
