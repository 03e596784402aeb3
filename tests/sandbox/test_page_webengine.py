"""The sandbox webphone page in a real Qt WebEngine page (offscreen, fake media device).

The environment (QT_QPA_PLATFORM, QTWEBENGINE_CHROMIUM_FLAGS, ...) is set in conftest.py
before Qt is imported.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6.QtWebEngineCore")

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
    QWebEngineScript,
)

TOKEN = "sandbox-test-token"  # the default token of the make_sandbox fixture

if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

pytestmark = pytest.mark.webengine

# Records every postMessage event the page receives into window.__events (top-level:
# the page's own events arrive at the window itself).
RECORDER = """
window.__events = [];
window.addEventListener('message', function (e) {
  try { window.__events.push(JSON.parse(JSON.stringify(e.data))); } catch (err) {}
});
"""

MIC = QWebEnginePermission.PermissionType.MediaAudioCapture


class Harness:
    def __init__(self, qtbot, grant: bool) -> None:
        self.qtbot = qtbot
        self.profile = QWebEngineProfile()  # off-the-record, nothing persisted
        self.profile.setPersistentPermissionsPolicy(
            QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime
        )
        self.page = QWebEnginePage(self.profile)
        script = QWebEngineScript()
        script.setName("recorder")
        script.setSourceCode(RECORDER)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        self.page.scripts().insert(script)
        self.permissions: list[tuple[QWebEnginePermission.PermissionType, str]] = []
        self.grant = grant
        self.page.permissionRequested.connect(self._on_permission)

    def _on_permission(self, permission: QWebEnginePermission) -> None:
        self.permissions.append(
            (permission.permissionType(), permission.origin().toString().rstrip("/"))
        )
        if self.grant:
            permission.grant()
        else:
            permission.deny()

    def js(self, code: str):
        box: list = []
        self.page.runJavaScript(code, 0, box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=5000)
        return box[0]

    def state(self) -> dict:
        return json.loads(self.js(
            "JSON.stringify({state: (document.body && document.body.dataset.state) || null,"
            " mic: (document.body && document.body.dataset.mic) || null,"
            " events: window.__events || [], text: document.body ? document.body.innerText : ''})"
        ))

    def wait_state(self, wanted: str, timeout: int = 10000) -> dict:
        last: dict = {}

        def check() -> bool:
            nonlocal last
            last = self.state()
            return last.get("state") == wanted

        self.qtbot.waitUntil(check, timeout=timeout)
        return last

    def close(self) -> None:
        self.page.permissionRequested.disconnect(self._on_permission)
        shiboken6.delete(self.page)  # the page must go before its profile
        shiboken6.delete(self.profile)


@pytest.fixture
def harness(qtbot, qapp):
    made: list[Harness] = []

    def factory(grant: bool = True) -> Harness:
        h = Harness(qtbot, grant)
        made.append(h)
        return h

    yield factory
    for h in made:
        h.close()


def fresh_url(server, http, **params) -> str:
    r = http.get(server.base_url + "/webphone", params=params, headers={"Access-Token": TOKEN})
    assert r.status_code == 200, r.text
    return r.json()["dados"]["url"]


def statuses(events: list[dict]) -> list[str]:
    return [e.get("status") or e["message"] for e in events
            if e.get("message") in ("status", "chamada_id", "status_erro")]


def test_call_flow_with_fechar_fim_closes_window(make_sandbox, http, harness, qtbot):
    server = make_sandbox(answer_after=0.2, hangup_after=0.5)
    url = fresh_url(server, http, ramal="4000", ligar_para="+554832830151", fechar_fim="1")
    h = harness(grant=True)
    with qtbot.waitSignal(h.page.windowCloseRequested, timeout=15000):
        h.page.load(QUrl(url))
    assert h.permissions == [(MIC, server.base_url)]
    snap = h.state()
    assert snap["state"] == "encerrada" and snap["mic"] == "granted"
    assert "Sandbox tvdesk — webphone de demonstração" in snap["text"]
    assert "+554832830151" in snap["text"] and "4000" in snap["text"]
    assert statuses(snap["events"]) == [
        "conectado", "chamando", "conversando", "chamada_id", "encerrada"]
    chamada = next(e for e in snap["events"] if e["message"] == "chamada_id")
    assert isinstance(chamada["chamada_id"], int)


def test_denied_microphone_is_an_error(make_sandbox, http, harness):
    server = make_sandbox(answer_after=0.2)
    url = fresh_url(server, http, ramal="4001", ligar_para="4000")
    h = harness(grant=False)
    h.page.load(QUrl(url))
    snap = h.wait_state("erro")
    assert snap["mic"] == "denied"
    assert h.permissions == [(MIC, server.base_url)]
    assert [e["message"] for e in snap["events"]] == ["status_erro"]
    assert snap["events"][0]["status_erro"].startswith("microfone indisponível: ")
    assert "microfone indisponível" in snap["text"]


def test_commands_from_parent_and_no_close_without_fechar_fim(make_sandbox, http, harness, qtbot):
    server = make_sandbox(answer_after=0.1, hangup_after=0)
    url = fresh_url(server, http, id_ramal="103", tipo="embedded")
    h = harness(grant=True)
    closed: list[bool] = []
    h.page.windowCloseRequested.connect(lambda: closed.append(True))
    h.page.load(QUrl(url))
    snap = h.wait_state("conectado")
    assert "Ligar" in snap["text"] and "4002" in snap["text"]
    h.js("window.postMessage({message: 'chamaNumero', numero: '4001'}, '*'); true")
    h.wait_state("conversando")
    qtbot.wait(300)  # hangup_after=0: nobody hangs up by itself
    assert h.state()["state"] == "conversando"
    h.js("window.postMessage({message: 'hangup'}, '*'); true")
    snap = h.wait_state("encerrada")
    qtbot.wait(400)
    assert not closed
    assert statuses(snap["events"]) == [
        "conectado", "chamando", "conversando", "chamada_id", "encerrada"]


def test_altered_url_shows_invalid_link_page(make_sandbox, http, harness, qtbot):
    server = make_sandbox()
    url = fresh_url(server, http, ramal="4000", ligar_para="+554832830151")
    altered = url.replace("ligar_para=%2B554832830151", "ligar_para=%2B554832830152")
    assert altered != url
    h = harness(grant=True)
    with qtbot.waitSignal(h.page.loadFinished, timeout=15000):
        h.page.load(QUrl(altered))
    snap = h.state()
    assert snap["state"] == "link-invalido"
    assert "Link do webphone expirado ou inválido" in snap["text"]
    assert h.permissions == []


def mic_snapshot(h: Harness) -> dict:
    return json.loads(h.js(
        "JSON.stringify({mode: document.body.dataset.micMode,"
        " requests: document.body.dataset.micRequests, mic: document.body.dataset.mic})"))


def test_call_mode_holds_no_microphone_while_idle(make_sandbox, http, harness, qtbot):
    server = make_sandbox(answer_after=0.1, hangup_after=0, mic_mode="call")
    url = fresh_url(server, http, ramal="4000", tipo="embedded")
    h = harness(grant=True)
    h.page.load(QUrl(url))
    h.wait_state("conectado")
    qtbot.wait(300)
    assert mic_snapshot(h) == {"mode": "call", "requests": "0", "mic": "idle"}
    assert h.permissions == []   # getUserMedia was never called before the call
    h.js("window.postMessage({message: 'chamaNumero', numero: '4001'}, '*'); true")
    h.wait_state("conversando")
    assert mic_snapshot(h) == {"mode": "call", "requests": "1", "mic": "granted"}
    assert h.permissions == [(MIC, server.base_url)]
    h.js("window.postMessage({message: 'hangup'}, '*'); true")
    snap = h.wait_state("conectado")   # back to idle after the call: microphone released
    assert mic_snapshot(h)["mic"] == "idle"
    assert statuses(snap["events"]) == [
        "conectado", "chamando", "conversando", "chamada_id", "encerrada", "conectado"]


def test_call_mode_refused_microphone_fails_the_dial_only(make_sandbox, http, harness, qtbot):
    server = make_sandbox(answer_after=0.1, mic_mode="call")
    url = fresh_url(server, http, ramal="4000", tipo="embedded")
    h = harness(grant=False)
    h.page.load(QUrl(url))
    h.wait_state("conectado")
    h.js("window.postMessage({message: 'chamaNumero', numero: '4001'}, '*'); true")
    qtbot.waitUntil(lambda: any(e.get("message") == "status_erro" for e in h.state()["events"]),
                    timeout=10000)
    snap = h.state()
    assert snap["state"] == "conectado" and snap["mic"] == "denied"
    erro = next(e for e in snap["events"] if e["message"] == "status_erro")
    assert erro["status_erro"].startswith("microfone indisponível: ")
