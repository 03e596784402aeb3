"""Hidden and embedded webphones in the composed app, over the real protocol, against
the sandbox: the native call bar, incoming calls, Do Not Disturb, the embedded panel."""

import json

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from support.desktop import compose, compose_for_account, dial

from tvdesk.core.paths import resolve_paths
from tvdesk.core.settings import Extension, Favourite, Settings, SettingsStore
from tvdesk.core.token_store import TokenStore
from tvdesk.ui.dtmf_keypad import dtmf_button_name
from tvdesk.ui.ringing_window import RingingWindow

pytestmark = pytest.mark.webengine


def make_app(qapp, qtbot, tmp_path, sandbox, **settings_values):
    # These tests read the sandbox page's own state (runJavaScript), so its pages run in
    # this process; tests/ui/test_phone_process.py covers the phone process.
    settings_values.setdefault("phone_process", False)
    return compose_for_account(qapp, qtbot, tmp_path / "home", sandbox, **settings_values)


@pytest.fixture
def hidden_app(qapp, qtbot, tmp_path, sandbox):
    desktop = make_app(qapp, qtbot, tmp_path, sandbox,
                       extensions=[Extension("4000", "Recepção", tipo="hidden")],
                       default_ramal="4000",
                       favourites=[Favourite("Suporte TotalVoice", "(48) 3283-0151")])
    qtbot.waitUntil(lambda: "4000" in desktop.dialer.background, timeout=5000)  # after start-up
    phone = desktop.dialer.background["4000"]
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=20000)
    yield desktop, phone
    desktop.shutdown.quit()


def button(parent, name):
    found = parent.findChild(QAbstractButton, name)
    assert found is not None, name
    return found


def frame_dataset(qtbot, page):
    """The sandbox phone's state as its own page shows it (the iframe is same-origin)."""
    result = []
    page.runJavaScript(
        "JSON.stringify(Object.assign({}, document.querySelector("
        "'#widget-evoline-api-container iframe').contentDocument.body.dataset))",
        0, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    return json.loads(result[0])


def post_incoming(sandbox, ramal="4000", numero="+554832830151"):
    response = requests.post(sandbox.base_url + "/sandbox/incoming",
                             json={"ramal": ramal, "numero": numero},
                             headers={"Access-Token": sandbox.token}, timeout=10)
    with response:
        assert response.status_code == 200, response.text


def ringing_windows():
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, RingingWindow) and w.isVisible()]


def test_the_background_phone_connects_and_the_tray_says_so(hidden_app):
    desktop, phone = hidden_app
    assert phone.session.state == "conectado"
    assert desktop.tray.icon.toolTip().endswith("connected")


def test_native_call_bar_drives_a_call_end_to_end(hidden_app, qtbot, sandbox):
    desktop, phone = hidden_app
    dial(desktop, desktop_request("4000", "(48) 3283-0151"))
    window = desktop.hidden.call_bars["4000"]
    bar = window.bar
    qtbot.waitUntil(lambda: phone.session.state == "conversando", timeout=10000)
    assert button(bar, "hangupButton").isEnabled()
    qtbot.mouseClick(button(bar, "keypadButton"), Qt.MouseButton.LeftButton)
    for digit in "12#":
        qtbot.mouseClick(button(bar, dtmf_button_name(digit)), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(bar, "muteButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: frame_dataset(qtbot, phone.session.page).get("muted") == "true",
                    timeout=5000)
    assert frame_dataset(qtbot, phone.session.page)["dtmf"] == "12#"
    qtbot.mouseClick(button(bar, "hangupButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.session.state in ("encerrada", "conectado"), timeout=5000)
    assert not phone.session.muted
    assert desktop.state.history.last().number == "+554832830151"


def desktop_request(ramal, number):
    from tvdesk.core.dialing import DialRequest
    return DialRequest(ramal=ramal, number=number)


def test_an_incoming_call_rings_with_only_the_tray_and_is_answered(hidden_app, qtbot, sandbox):
    desktop, phone = hidden_app
    assert not desktop.main_window.isVisible()
    post_incoming(sandbox)
    qtbot.waitUntil(lambda: len(ringing_windows()) == 1, timeout=10000)
    ringing = ringing_windows()[0]
    assert ringing.findChild(QWidget, "callerNameLabel").text() == "Suporte TotalVoice"
    assert ringing.findChild(QWidget, "callerNumberLabel").text() == "(48) 3283-0151"
    qtbot.mouseClick(ringing.findChild(QWidget, "answerButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.session.state == "conversando", timeout=5000)
    assert desktop.hidden.call_bars["4000"].isVisible()
    phone.session.hangup()
    qtbot.waitUntil(lambda: desktop.state.history.last() is not None, timeout=5000)
    assert desktop.state.history.last().kind == "incoming"


def test_a_declined_call_is_not_missed(hidden_app, qtbot, sandbox):
    desktop, phone = hidden_app
    post_incoming(sandbox, numero="+5511987654321")
    qtbot.waitUntil(lambda: len(ringing_windows()) == 1, timeout=10000)
    qtbot.mouseClick(ringing_windows()[0].findChild(QWidget, "declineButton"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.session.state in ("encerrada", "conectado"), timeout=5000)
    qtbot.wait(300)
    assert desktop.state.history.entries() == []


def test_do_not_disturb_declines_and_records_nothing_ringing(hidden_app, qtbot, sandbox):
    desktop, phone = hidden_app
    desktop.tray.dnd_action.trigger()
    assert desktop.state.settings.do_not_disturb
    assert desktop.tray.icon.toolTip().endswith("do not disturb")
    states = []
    phone.session.state_changed.connect(states.append)
    post_incoming(sandbox)
    qtbot.waitUntil(lambda: "encerrada" in states, timeout=10000)
    assert ringing_windows() == []


def test_a_page_error_does_not_take_the_app_down(hidden_app, qtbot):
    desktop, phone = hidden_app
    assert phone.session.hangup()            # nothing to hang up: the page reports status_erro
    qtbot.waitUntil(lambda: "Extension 4000:" in desktop.main_window.status_label.text(),
                    timeout=5000)
    assert phone.connection == "connected"
    assert phone.session.dial("+554832830151")
    qtbot.waitUntil(lambda: phone.session.state in ("chamando", "conversando"), timeout=5000)


def test_the_embedded_panel_returns_to_idle_at_the_end_of_the_call(qapp, qtbot, tmp_path,
                                                                   sandbox):
    desktop = make_app(qapp, qtbot, tmp_path, sandbox,
                       extensions=[Extension("4001", "Vendas", tipo="embedded")],
                       default_ramal="4001")
    panel = desktop.main_window.embedded_panel
    assert panel.isVisibleTo(desktop.main_window) and panel.is_idle()
    states = []
    panel.call_state_changed.connect(states.append)
    with qtbot.waitSignal(panel.returned_to_idle, timeout=20000):
        dial(desktop, desktop_request("4001", "(48) 3283-0151"))
    assert "conversando" in states and panel.is_idle()
    assert desktop.main_window.isVisible()
    calls = [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]
    assert calls[-1].query["tipo"] == ["embedded"]
    desktop.shutdown.quit()


def test_dial_from_the_call_bar_field_and_the_status_line(hidden_app, qtbot, sandbox):
    desktop, phone = hidden_app
    desktop.hidden.show_call_bar("4000")
    window = desktop.hidden.call_bars["4000"]
    qtbot.waitUntil(lambda: "internet" in window.status_line.text(), timeout=5000)
    phone.session.page.send_command("entrarNaFila", filaId="12")
    qtbot.waitUntil(lambda: "in the queue 12" in window.status_line.text(), timeout=5000)
    field = window.bar.findChild(QWidget, "dialNumberEdit")
    qtbot.keyClicks(field, "4001")
    qtbot.mouseClick(button(window.bar, "dialButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.session.state == "conversando", timeout=5000)
    assert phone.session.remote == "4001"
    # A call made from the call bar is a recent call like any other.
    assert desktop.state.history.last().number == "4001"
    assert desktop.state.history.last().ramal == "4000"
    qtbot.mouseClick(button(window.bar, "hangupButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.session.state == "conectado", timeout=5000)


def test_going_offline_stays_offline_until_asked(hidden_app, qtbot, sandbox):
    desktop, phone = hidden_app
    desktop.hidden.show_call_bar("4000")
    window = desktop.hidden.call_bars["4000"]
    qtbot.mouseClick(button(window, "onlineButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.connection == "disconnected", timeout=5000)
    assert desktop.tray.icon.toolTip().endswith("disconnected")
    fetches = len([r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"])
    qtbot.wait(2500)   # longer than the first reconnection delay
    assert phone.connection == "disconnected"
    assert len([r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]) == fetches
    qtbot.mouseClick(button(window, "onlineButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=10000)


def test_demo_mode_can_ring_a_background_phone_from_the_tray(qapp, qtbot, tmp_path):
    from tvdesk.core.account import start_demo_account

    paths = resolve_paths(tmp_path / "demo")
    paths.ensure()
    SettingsStore(paths.config_dir / "settings-demo.json").save(
        Settings(extensions=[Extension("4000", tipo="floating")], default_ramal="4000"))
    demo = start_demo_account(paths)
    desktop = compose(qapp, qtbot, paths, demo, TokenStore(environ={}), use_tray=True)
    action = desktop.tray.menu.findChild(QAction, "simulateIncomingAction")
    action.trigger()                           # no background phone yet: says what to do
    assert "background + call bar" in desktop.main_window.status_label.text()

    settings = desktop.state.settings
    settings.extensions = [Extension("4000", tipo="hidden")]
    desktop.settings_flow.apply(settings)
    qtbot.waitUntil(lambda: "4000" in desktop.dialer.background
                    and desktop.dialer.background["4000"].connection == "connected", timeout=20000)
    desktop.tray.menu.findChild(QAction, "simulateIncomingAction").trigger()
    qtbot.waitUntil(lambda: len(ringing_windows()) == 1, timeout=10000)
    ringing_windows()[0].decline()
    desktop.shutdown.quit()
