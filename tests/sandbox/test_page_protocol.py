"""The webphone page's postMessage protocol, hosted like the app hosts it.

A host page (loaded with setHtml and the sandbox origin as base URL) holds the hidden
loader script or an embedded iframe, records every event it receives into
``window.__events`` and sends commands with ``webphone.contentWindow.postMessage``.
The environment (offscreen Qt, fake media device) is set in conftest.py.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

pytest.importorskip("PySide6.QtWebEngineCore")

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEnginePermission, QWebEngineProfile

TOKEN = "sandbox-test-token"  # the default token of the make_sandbox fixture
CALLER = "+554832830151"

if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

pytestmark = pytest.mark.webengine

RECORDER = """<script>
window.__events = [];
window.addEventListener('message', function (e) {
  if (e.source === window) return;
  try { window.__events.push(JSON.parse(JSON.stringify(e.data))); } catch (err) {}
});
</script>"""

HIDDEN_HOST = """<!doctype html><html><head><meta charset="utf-8">{recorder}</head><body>
<div id="widget-evoline-api-container"></div>
<script src="{url}"></script>
</body></html>"""

EMBEDDED_HOST = """<!doctype html><html><head><meta charset="utf-8">{recorder}</head><body>
<iframe id="webphone" allow="microphone" src="{url}" width="360" height="560"></iframe>
</body></html>"""


class Host:
    def __init__(self, qtbot, server) -> None:
        self.qtbot = qtbot
        self.server = server
        self.profile = QWebEngineProfile()
        self.profile.setPersistentPermissionsPolicy(
            QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime
        )
        self.page = QWebEnginePage(self.profile)
        self.permissions: list[str] = []
        self.page.permissionRequested.connect(self._on_permission)
        self.seen = 0  # events already consumed by expect()

    def _on_permission(self, permission: QWebEnginePermission) -> None:
        self.permissions.append(permission.origin().toString().rstrip("/"))
        permission.grant()

    def load(self, template: str, url: str) -> None:
        html = template.format(recorder=RECORDER, url=url.replace("&", "&amp;"))
        self.page.setHtml(html, QUrl(self.server.base_url + "/"))

    def js(self, code: str):
        box: list = []
        self.page.runJavaScript(code, 0, box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=5000)
        return box[0]

    def events(self) -> list[dict]:
        return json.loads(self.js("JSON.stringify(window.__events || [])"))

    def send(self, **msg) -> None:
        self.js(f"webphone.contentWindow.postMessage({json.dumps(msg)}, '*'); true")

    def dataset(self) -> dict:
        return json.loads(self.js(
            "(function(){var f=document.querySelector('iframe');"
            "var b=f&&f.contentDocument&&f.contentDocument.body;"
            "return JSON.stringify(b?Object.assign({}, b.dataset):{});})()"
        ))

    def frame_text(self) -> str:
        return self.js("document.querySelector('iframe').contentDocument.body.innerText")

    def expect(self, *wanted: str, timeout: int = 8000) -> list[dict]:
        """Wait until the new events, as short names, are exactly ``wanted``; consume them.

        A name is the status for ``status`` events, else the message.
        """
        got: list[dict] = []

        def check() -> bool:
            nonlocal got
            got = self.events()[self.seen:]
            return len(got) >= len(wanted)

        self.qtbot.waitUntil(check, timeout=timeout)
        got = got[: len(wanted)]
        names = [e.get("status") if e.get("message") == "status" else e["message"] for e in got]
        assert names == list(wanted), got
        self.seen += len(wanted)
        return got

    def quiet(self, ms: int = 250) -> None:
        """Nothing more arrives for ``ms``."""
        self.qtbot.wait(ms)
        extra = self.events()[self.seen:]
        assert extra == [], extra

    def close(self) -> None:
        self.page.permissionRequested.disconnect(self._on_permission)
        shiboken6.delete(self.page)
        shiboken6.delete(self.profile)


@pytest.fixture
def host(qtbot, qapp):
    made: list[Host] = []

    def factory(server) -> Host:
        h = Host(qtbot, server)
        made.append(h)
        return h

    yield factory
    for h in made:
        h.close()


def webphone_url(server, http, **params) -> str:
    r = http.get(server.base_url + "/webphone", params=params, headers={"Access-Token": TOKEN})
    assert r.status_code == 200, r.text
    return r.json()["dados"]["url"]


def ring(server, http, ramal="4000", numero=CALLER, **extra):
    return http.post(server.base_url + "/sandbox/incoming", json={"ramal": ramal, "numero": numero, **extra},
                     headers={"Access-Token": TOKEN}, timeout=10)


def start_hidden(host, server, http, ramal="4000") -> Host:
    h = host(server)
    h.load(HIDDEN_HOST, webphone_url(server, http, ramal=ramal, tipo="hidden"))
    h.expect("conectado", "stats_webphone")
    return h


def test_hidden_outgoing_call_and_in_call_commands(make_sandbox, http, host):
    server = make_sandbox(answer_after=0.1, hangup_after=0)
    h = start_hidden(host, server, http)
    assert h.permissions == [server.base_url]
    stats = h.events()[1]
    assert stats == {"message": "stats_webphone", "internet": "boa", "computador": "bom"}
    assert h.dataset()["tipo"] == "hidden" and h.dataset()["events"] == "aberto"

    # no call yet: errors that leave the phone usable
    h.send(message="hangup")
    assert h.expect("status_erro")[0] == {"message": "status_erro", "status_erro": "nenhuma chamada ativa"}
    h.send(message="answer")
    assert h.expect("status_erro")[0]["status_erro"] == "nenhuma chamada para atender"
    h.send(message="enviaDTMF", dtmf="1")
    assert h.expect("status_erro")[0]["status_erro"] == "nenhuma chamada em conversação"
    h.send(message="chamaNumero", numero="12")
    assert h.expect("status_erro")[0]["status_erro"] == "número inválido"
    h.send(message="fazCafe")  # unknown: ignored
    h.quiet(150)

    h.send(message="chamaNumero", numero=CALLER)
    got = h.expect("chamando", "conversando", "chamada_id")
    assert isinstance(got[2]["chamada_id"], int)
    h.send(message="chamaNumero", numero="4001")
    assert h.expect("status_erro")[0]["status_erro"] == "já existe uma chamada em andamento"

    for digit in "12#*9":
        h.send(message="enviaDTMF", dtmf=digit)
    h.send(message="enviaDTMF", dtmf="x")
    assert h.expect("status_erro")[0]["status_erro"] == "dígito DTMF inválido"
    h.send(message="mute")
    h.send(message="recStart")
    h.qtbot.waitUntil(lambda: h.dataset().get("recording") == "true", timeout=3000)
    ds = h.dataset()
    assert (ds["dtmf"], ds["muted"], ds["state"]) == ("12#*9", "true", "conversando")
    assert ds["direction"] == "saida"
    assert "12#*9" in h.frame_text()
    h.send(message="mute")
    h.send(message="recStop")
    h.qtbot.waitUntil(lambda: h.dataset().get("recording") == "false", timeout=3000)
    assert h.dataset()["muted"] == "false"

    # blind transfer: the call ends for us, the phone goes back to idle
    h.send(message="transferir", numeroTelefone="4002")
    h.expect("encerrada", "conectado")
    ds = h.dataset()
    assert (ds["transferredTo"], ds["endReason"], ds["state"]) == ("4002", "transferida", "conectado")

    # attended transfer: consult, stay in the call, hangup completes it
    h.send(message="chamaNumero", numero="4001")
    h.expect("chamando", "conversando", "chamada_id")
    assert "transferredTo" not in h.dataset() and h.dataset()["dtmf"] == ""
    h.send(message="transferirConsulta", numeroTelefone="+5548999990000")
    h.qtbot.waitUntil(lambda: h.dataset().get("consulting") == "+5548999990000", timeout=3000)
    h.send(message="transferirConsulta", numeroTelefone="4002")
    assert h.expect("status_erro")[0]["status_erro"] == "já existe uma consulta em andamento"
    assert h.dataset()["state"] == "conversando"
    h.send(message="hangup")
    h.expect("encerrada", "conectado")
    ds = h.dataset()
    assert (ds["transferredTo"], ds["endReason"]) == ("+5548999990000", "transferida")
    assert "consulting" not in ds

    # plain hangup, then queue commands
    h.send(message="chamaNumero", numero="4001")
    h.expect("chamando", "conversando", "chamada_id")
    h.send(message="recStart")
    h.send(message="hangup")
    h.expect("encerrada", "conectado")
    assert (h.dataset()["endReason"], h.dataset()["recording"]) == ("desligada", "false")

    h.send(message="pausarNaFila", filaId=12)
    h.send(message="despausarNaFila", filaId=12)
    h.send(message="entrarNaFila")
    h.send(message="sairDaFila", filaId="7")
    h.send(message="pausarNaFila", filaId="abc")
    got = h.expect("pausou_na_fila", "despausou_na_fila", "entrou_na_fila", "saiu_da_fila", "status_erro")
    assert got[:4] == [
        {"message": "pausou_na_fila", "filaId": 12},
        {"message": "despausou_na_fila", "filaId": 12},
        {"message": "entrou_na_fila"},
        {"message": "saiu_da_fila", "filaId": "7"},
    ]
    assert got[4]["status_erro"] == "fila inválida"
    h.quiet(150)


def test_hidden_incoming_calls_answer_decline_missed(make_sandbox, http, host):
    server = make_sandbox(answer_after=0.1, hangup_after=0, ring_timeout=30)
    h = start_hidden(host, server, http)
    assert server.connected_webphones("4000") == 1

    r = ring(server, http)
    assert r.status_code == 200, r.text
    recebida = r.json()["dados"]["chamadaRecebidaId"]
    got = h.expect("chegandoChamada", "chamando")
    assert got[0] == {"message": "chegandoChamada", "numeroChegando": CALLER,
                      "numeroDestino": "+554832830151", "chamadaRecebidaId": recebida}
    assert h.dataset()["direction"] == "entrada" and CALLER in h.frame_text()
    h.send(message="answer")
    got = h.expect("conversando", "chamada_id")
    assert got[1]["chamada_id"] == recebida
    h.send(message="enviaDTMF", dtmf="5")
    h.qtbot.waitUntil(lambda: h.dataset().get("dtmf") == "5", timeout=3000)
    h.send(message="hangup")
    h.expect("encerrada", "conectado")
    assert h.dataset()["endReason"] == "desligada"

    # declined
    assert ring(server, http, numero="4001").status_code == 200
    h.expect("chegandoChamada", "chamando")
    h.send(message="hangup")
    h.expect("encerrada", "conectado")
    assert h.dataset()["endReason"] == "recusada"

    # the caller gives up
    recebida = ring(server, http).json()["dados"]["chamadaRecebidaId"]
    h.expect("chegandoChamada", "chamando")
    r = http.post(server.base_url + "/sandbox/incoming", headers={"Access-Token": TOKEN},
                  json={"ramal": "4000", "desligar": True, "chamadaRecebidaId": recebida})
    assert r.status_code == 200, r.text
    h.expect("encerrada", "conectado")
    assert h.dataset()["endReason"] == "abandonada"

    # nobody answers
    server.config = dataclasses.replace(server.config, ring_timeout=1)
    ring(server, http)
    h.expect("chegandoChamada", "chamando")
    h.expect("encerrada", "conectado", timeout=5000)
    assert h.dataset()["endReason"] == "perdida"
    h.send(message="answer")
    assert h.expect("status_erro")[0]["status_erro"] == "nenhuma chamada para atender"


def test_desconectar_and_conectar(make_sandbox, http, host):
    server = make_sandbox(answer_after=0.1, hangup_after=0)
    h = start_hidden(host, server, http, ramal="4001")
    h.send(message="desconectar")
    h.expect("desconectado")
    h.qtbot.waitUntil(lambda: server.connected_webphones("4001") == 0, timeout=5000)
    assert ring(server, http, ramal="4001").json()["motivo"] == 60
    h.send(message="chamaNumero", numero="4000")
    assert h.expect("status_erro")[0]["status_erro"] == "webphone desconectado"
    h.send(message="conectar")
    h.expect("conectado", "stats_webphone")
    h.send(message="chamaNumero", numero="4000")
    h.expect("chamando", "conversando", "chamada_id")
    h.send(message="desconectar")  # ends the call first
    h.expect("encerrada", "desconectado")
    h.quiet(400)  # no return to "conectado" while disconnected


def test_embedded_iframe_returns_to_idle(make_sandbox, http, host, qtbot):
    server = make_sandbox(answer_after=0.1, hangup_after=0.3, ring_timeout=30)
    closed: list[bool] = []
    h = host(server)
    h.page.windowCloseRequested.connect(lambda: closed.append(True))
    h.load(EMBEDDED_HOST, webphone_url(server, http, ramal="4002", tipo="embedded", fechar_fim="true"))
    h.expect("conectado", "stats_webphone")
    assert h.dataset()["tipo"] == "embedded"
    assert "Simular chamada recebida" in h.frame_text() and "Ligar" in h.frame_text()
    h.send(message="chamaNumero", numero="4000")
    h.expect("chamando", "conversando", "chamada_id", "encerrada", "conectado")  # hangup_after
    # the demo button rings this extension through the server
    h.js("document.querySelector('iframe').contentDocument.getElementById('simular').click(); true")
    got = h.expect("chegandoChamada", "chamando")
    assert got[0]["numeroChegando"].startswith("+55489")
    assert "Atender" in h.frame_text() and "Recusar" in h.frame_text()
    h.js("document.querySelector('iframe').contentDocument.getElementById('atender').click(); true")
    h.expect("conversando", "chamada_id", "encerrada", "conectado")
    assert h.dataset()["state"] == "conectado"
    assert not closed


def test_floating_page_accepts_incoming_calls(make_sandbox, http, host):
    """A top-level floating page (events to itself) also rings; it stays on 'encerrada'."""
    server = make_sandbox(answer_after=0.1, hangup_after=0, ring_timeout=30)
    h = host(server)
    url = webphone_url(server, http, ramal="4000")
    h.page.load(QUrl(url))
    h.qtbot.waitUntil(lambda: server.connected_webphones("4000") == 1, timeout=8000)
    state = lambda: h.js("document.body.dataset.state")  # noqa: E731
    h.qtbot.waitUntil(lambda: state() == "conectado", timeout=5000)
    assert ring(server, http).status_code == 200
    h.qtbot.waitUntil(lambda: state() == "chamando", timeout=5000)
    h.js("window.postMessage({message: 'answer'}, '*'); true")
    h.qtbot.waitUntil(lambda: state() == "conversando", timeout=5000)
    h.js("window.postMessage({message: 'hangup'}, '*'); true")
    h.qtbot.waitUntil(lambda: state() == "encerrada", timeout=5000)
    h.qtbot.wait(400)
    assert state() == "encerrada"
