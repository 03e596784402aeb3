"""``POST /sandbox/incoming`` and the page's event stream, over plain HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tvdesk.sandbox.server import SandboxConfig

TOKEN = "sandbox-test-token"


def webphone_url(server, http, **params) -> str:
    r = http.get(server.base_url + "/webphone", params=params, headers={"Access-Token": TOKEN})
    assert r.status_code == 200, r.text
    return r.json()["dados"]["url"]


def post(server, http, body, token: str | None = TOKEN, method: str = "POST", raw: bytes | None = None):
    headers = {"Access-Token": token} if token is not None else {}
    payload = {"data": raw} if raw is not None else {"json": body}
    r = http.request(method, server.base_url + "/sandbox/incoming", headers=headers, timeout=10, **payload)
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    doc = r.json()
    assert set(doc) == {"status", "sucesso", "motivo", "mensagem", "dados"}
    assert doc["status"] == r.status_code
    return r.status_code, doc


class Stream:
    """A raw event-stream reader on its own socket (like the page's EventSource)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        target = "/w3/events?" + parts.query
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        self.status_line, _, headers = head.partition(b"\r\n")
        self.headers = headers.decode().lower()

    def _until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError(self.buf)
            self.buf += chunk
        head, _, self.buf = self.buf.partition(sep)
        return head

    def next_event(self) -> tuple[str, dict]:
        while True:
            block = self._until(b"\n\n").decode()
            lines = [ln for ln in block.split("\n") if ln and not ln.startswith((":", "retry:"))]
            if lines:
                fields = dict(ln.split(": ", 1) for ln in lines)
                return fields["event"], json.loads(fields["data"])

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def stream_factory():
    made: list[Stream] = []

    def factory(url: str) -> Stream:
        s = Stream(url)
        made.append(s)
        return s

    yield factory
    for s in made:
        s.close()


def wait_for(cond, timeout=5.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not met"
        time.sleep(0.02)


def test_incoming_requires_token_and_post(sandbox, http):
    assert post(sandbox, http, {"ramal": "4000", "numero": "4001"}, token=None)[0] == 403
    status, doc = post(sandbox, http, {"ramal": "4000", "numero": "4001"}, token="wrong")
    assert (status, doc["motivo"], doc["mensagem"]) == (403, 40, "access token inválido")
    status, doc = post(sandbox, http, None, method="GET")
    assert (status, doc["motivo"]) == (405, 30)


@pytest.mark.parametrize("body, status, motivo", [
    (b"{not json", 400, 10),
    (b"[1, 2]", 400, 10),
    (b"", 400, 10),
    (json.dumps({"numero": "4001"}).encode(), 405, 10),
    (json.dumps({"ramal": "12", "numero": "4001"}).encode(), 405, 11),
    (json.dumps({"ramal": ["4000"], "numero": "4001"}).encode(), 405, 11),
    (json.dumps({"ramal": "4000"}).encode(), 405, 10),
    (json.dumps({"ramal": "4000", "numero": "abc"}).encode(), 405, 11),
    (json.dumps({"ramal": "4000", "numero": 4001}).encode(), 405, 11),
    (json.dumps({"ramal": "4000", "desligar": "yes"}).encode(), 405, 11),
    (json.dumps({"ramal": "4000", "desligar": True, "chamadaRecebidaId": "x"}).encode(), 405, 11),
    (json.dumps({"ramal": "9999", "numero": "4001"}).encode(), 404, 60),
    (json.dumps({"ramal": "4000", "numero": "4001"}).encode(), 404, 60),  # no page connected
    (json.dumps({"ramal": 4000, "desligar": True}).encode(), 404, 60),
])
def test_incoming_validation(sandbox, http, body, status, motivo):
    got_status, doc = post(sandbox, http, None, raw=body)
    assert (got_status, doc["motivo"], doc["sucesso"]) == (status, motivo, False), doc
    assert doc["mensagem"]


def test_incoming_reaches_connected_streams(make_sandbox, http, stream_factory):
    server = make_sandbox(ring_timeout=7)
    url = webphone_url(server, http, ramal="4000", tipo="embedded")
    s1 = stream_factory(url)
    assert s1.status_line.startswith(b"HTTP/1.1 200")
    assert "content-type: text/event-stream" in s1.headers
    s2 = stream_factory(webphone_url(server, http, ramal="4000"))
    other = stream_factory(webphone_url(server, http, ramal="4001"))
    wait_for(lambda: server.connected_webphones("4000") == 2)
    assert server.connected_webphones("4001") == 1

    status, doc = post(server, http, {"ramal": "4000", "numero": "+554832830151"})
    assert status == 200 and doc["sucesso"] and doc["motivo"] == 0
    recebida = doc["dados"]["chamadaRecebidaId"]
    assert doc["dados"] == {"chamadaRecebidaId": recebida} and isinstance(recebida, int)
    expected = {"chamadaRecebidaId": recebida, "numeroChegando": "+554832830151",
                "numeroDestino": "+554832830151", "ring_timeout": 7.0}
    assert s1.next_event() == ("incoming", expected)
    assert s2.next_event() == ("incoming", expected)

    status, doc = post(server, http, {"ramal": "4001", "numero": "4000", "numeroDestino": "+551140040000"})
    assert status == 200
    event, data = other.next_event()
    assert event == "incoming" and data["numeroDestino"] == "+551140040000"

    status, doc = post(server, http, {"ramal": "4000", "desligar": True, "chamadaRecebidaId": recebida})
    assert status == 200 and doc["dados"] == {"chamadaRecebidaId": recebida}
    assert s1.next_event() == ("cancel", {"chamadaRecebidaId": recebida})
    assert s2.next_event() == ("cancel", {"chamadaRecebidaId": recebida})

    # the python helper does the same
    recebida2 = server.incoming_call("4000", "4002")
    assert s2.next_event()[1]["chamadaRecebidaId"] == recebida2
    with pytest.raises(LookupError):
        server.incoming_call("4002")

    # a closed page is noticed without waiting for a heartbeat
    s1.close()
    s2.close()
    wait_for(lambda: server.connected_webphones("4000") == 0, timeout=3)
    assert post(server, http, {"ramal": "4000", "numero": "4001"})[0] == 404
    # the event stream is not an API request
    assert not any(r.path == "/w3/events" for r in server.requests)


def test_event_stream_needs_a_signed_link_but_not_a_fresh_one(make_sandbox, http, stream_factory):
    server = make_sandbox(url_ttl=1)
    url = webphone_url(server, http, ramal="4000", tipo="embedded")
    r = http.get(server.base_url + "/w3/events?key=x&expires=1&signature=" + "0" * 64, timeout=5)
    assert r.status_code == 403
    tampered = url.replace("tipo=embedded", "tipo=floating")
    r = http.get(tampered.replace("/w3/?", "/w3/events?"), timeout=5)
    assert r.status_code == 403
    time.sleep(1.1)
    assert http.get(url, timeout=5).status_code == 403  # the page link expired...
    s = stream_factory(url)  # ...but an opened page keeps its event stream
    assert s.status_line.startswith(b"HTTP/1.1 200")
    # the page's demo button
    r = http.post(url.replace("/w3/?", "/w3/simulate?"), timeout=5)
    assert r.status_code == 200 and r.json()["dados"]["chamadaRecebidaId"]
    event, data = s.next_event()
    assert event == "incoming" and data["numeroChegando"].startswith("+55489")
    assert http.get(url.replace("/w3/?", "/w3/simulate?"), timeout=5).status_code == 405


def test_heartbeat_and_prompt_stop(make_sandbox, http, stream_factory):
    server = make_sandbox()
    server._sse_heartbeat = 0.1
    s = stream_factory(webphone_url(server, http, ramal="4000"))
    s.sock.settimeout(3)
    s._until(b": ping\n\n")
    streams = [stream_factory(webphone_url(server, http, ramal="4001")) for _ in range(3)]
    wait_for(lambda: server.connected_webphones("4001") == 3)
    threads_before = threading.active_count()
    t0 = time.monotonic()
    server.stop()
    assert time.monotonic() - t0 < 2
    for st in [s, *streams]:
        st.sock.settimeout(3)
        with pytest.raises(EOFError):
            while True:
                st._until(b"\n\n")
    wait_for(lambda: threading.active_count() < threads_before, timeout=3)


def test_ring_timeout_config():
    assert SandboxConfig().ring_timeout == 20.0
    base = SandboxConfig(token="t")
    cfg = SandboxConfig.from_env(base=base, environ={"TVDESK_SANDBOX_RING_TIMEOUT": "1.5"})
    assert cfg.ring_timeout == 1.5
    cfg = SandboxConfig.from_env(base=base, environ={"TVDESK_SANDBOX_RING_TIMEOUT": "-1"})
    assert cfg.ring_timeout == 20.0


def test_cli_ring_timeout(monkeypatch):
    from tvdesk.sandbox.cli import build_parser, config_from_args

    monkeypatch.delenv("TVDESK_SANDBOX_RING_TIMEOUT", raising=False)
    args = build_parser().parse_args(["--ring-timeout", "3"])
    assert config_from_args(args).ring_timeout == 3.0
