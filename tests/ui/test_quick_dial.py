"""Clipboard, confirmation, history and favourites in the composed app (pytest-qt)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from support.desktop import ask, ask_later, compose_for_account

from tvdesk.core.dialing import DialRequest
from tvdesk.core.settings import Extension, Favourite
from tvdesk.ui.confirm_dial import ConfirmDialBox


@pytest.fixture
def app(qapp, qtbot, tmp_path, sandbox):
    desktop = compose_for_account(
        qapp, qtbot, tmp_path / "home", sandbox,
        extensions=[Extension("4000"), Extension("4001")], default_ramal="4000",
        favourites=[Favourite("Suporte TotalVoice", "(48) 3283-0151")])
    yield desktop
    desktop.shutdown.quit()


def webphone_calls(sandbox):
    return [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]


def open_confirmations():
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, ConfirmDialBox) and w.isVisible()]


def test_the_tray_follows_the_clipboard(app, qtbot):
    action = app.tray.clipboard_action
    assert not action.isEnabled()
    QApplication.clipboard().setText("Ligar para: (48) 3283-0151 amanhã")
    qtbot.waitUntil(lambda: action.isEnabled(), timeout=3000)
    assert action.text() == "Call (48) 3283-0151"
    assert app.tray.menu.actions()[0] is action          # the first entry
    QApplication.clipboard().setText("nothing to call here")
    qtbot.waitUntil(lambda: not action.isEnabled(), timeout=3000)
    assert action.text() == "Call the number on the clipboard"


@pytest.mark.webengine
def test_a_link_asks_first_and_dials_once_confirmed(app, qtbot, sandbox):
    replies = ask_later(app, {"command": "dial", "number": "tel:+55-48-3283-0151",
                              "source": "link"})
    qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
    box = open_confirmations()[0]
    assert box.text() == "Call (48) 3283-0151?"
    assert "extension 4000" in box.informativeText() and "a link" in box.informativeText()
    assert webphone_calls(sandbox) == [] and replies == []   # nothing goes out before the yes
    with qtbot.waitSignal(app.dialer.window_opened, timeout=10000):
        qtbot.mouseClick(box.call_button, Qt.MouseButton.LeftButton)
    assert [c.query["ligar_para"] for c in webphone_calls(sandbox)] == [["+554832830151"]]
    assert replies[0]["ok"] is True and replies[0]["result"] == "started"
    assert app.state.history.last().number == "+554832830151"
    assert app.tray.menu.findChild(type(app.tray.clipboard_action), "redialAction") is not None


def test_a_declined_link_sends_nothing(app, qtbot, sandbox):
    replies = ask_later(app, {"command": "dial", "number": "callto:+5511987654321",
                              "source": "link"})
    qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
    open_confirmations()[0].reject()
    qtbot.waitUntil(lambda: "cancelled" in app.main_window.status_label.text(), timeout=3000)
    assert replies == [{"ok": False, "result": "cancelled", "message": "Call cancelled.",
                        "exit_code": 8, "ramal": "4000"}]
    assert webphone_calls(sandbox) == []
    assert app.state.history.entries() == []


def test_a_premium_rate_link_asks_even_with_confirmation_off(app, qtbot, sandbox):
    app.state.settings.confirm_external_dials = False
    ask_later(app, {"command": "dial", "number": "tel:0900 123 4567", "source": "link"})
    qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
    box = open_confirmations()[0]
    assert "premium-rate" in box.informativeText()
    box.reject()
    assert webphone_calls(sandbox) == []


def test_cli_with_yes_dials_without_asking_and_junk_is_refused(app, qtbot, sandbox):
    reply = ask(qtbot, app, {"command": "dial", "number": "11 9876A-4321",
                                         "source": "cli"})
    assert reply["ok"] is False and "letters" in reply["message"] and reply["exit_code"] == 2
    reply = ask(qtbot, app, {"command": "dial", "number": "+554832830151",
                             "source": "cli", "confirmed": True})
    assert reply["ok"] is True and reply["message"].startswith("Calling (48) 3283-0151")
    assert len(webphone_calls(sandbox)) == 1
    assert open_confirmations() == []


def test_unknown_dial_sources_are_refused(app, qtbot):
    reply = ask(qtbot, app, {"command": "dial", "number": "4001", "source": "app",
                                         "confirmed": True})
    assert reply["ok"] is False


@pytest.mark.webengine
def test_history_redial_and_clear(app, qtbot, sandbox):
    app.show_main_window()
    app.dialer.dial(DialRequest(ramal="4001", number="(11) 98765-4321"))
    qtbot.waitUntil(lambda: app.state.history.last() is not None, timeout=5000)
    assert app.main_window.recent_list.count() == 1
    assert "(11) 98765-4321" in app.main_window.recent_list.item(0).text()
    assert "4001" in app.main_window.recent_list.item(0).text()
    app.dialer.close_all()
    app.quick_dial.redial_last()
    qtbot.waitUntil(lambda: len(webphone_calls(sandbox)) == 2, timeout=5000)
    assert webphone_calls(sandbox)[1].query["ramal"] == ["4001"]
    app.quick_dial.clear_history()
    assert app.state.history.entries() == [] and app.main_window.recent_list.count() == 0


def test_favourites_appear_in_the_tray_and_the_main_window(app):
    app.tray.favourites_menu.aboutToShow.emit()     # filled when opened
    app.show_main_window()
    texts = [a.text() for a in app.tray.favourites_menu.actions()]
    assert texts == ["Suporte TotalVoice — (48) 3283-0151"]
    assert app.main_window.favourites_list.item(0).text() == "Suporte TotalVoice — (48) 3283-0151"


def test_dial_clipboard_from_the_command_line_asks_then_dials(app, qtbot, sandbox):
    QApplication.clipboard().setText("WhatsApp +55 (11) 98765-4321")
    replies = ask_later(app, {"command": "dial-clipboard", "source": "cli"})
    qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
    box = open_confirmations()[0]
    assert box.text() == "Call (11) 98765-4321?" and "command line" in box.informativeText()
    box.reject()
    qtbot.waitUntil(lambda: bool(replies), timeout=3000)
    assert replies[0]["result"] == "cancelled"
    QApplication.clipboard().setText("")
    reply = ask(qtbot, app, {"command": "dial-clipboard", "source": "cli",
                                         "confirmed": True})
    assert reply["ok"] is False and "no number" in reply["message"]
    assert webphone_calls(sandbox) == []


def test_the_tray_dials_exactly_the_number_it_shows(app, qtbot, sandbox):
    action = app.tray.clipboard_action
    QApplication.clipboard().setText("Ligar para: (48) 3283-0151")
    qtbot.waitUntil(lambda: action.text() == "Call (48) 3283-0151", timeout=3000)
    # The clipboard changes while the menu is open, before dataChanged is handled.
    app.quick_dial._clipboard.blockSignals(True)
    QApplication.clipboard().setText("(11) 98765-4321")
    action.trigger()
    app.quick_dial._clipboard.blockSignals(False)
    qtbot.waitUntil(lambda: len(webphone_calls(sandbox)) == 1, timeout=5000)
    assert webphone_calls(sandbox)[0].query["ligar_para"] == ["+554832830151"]
    assert open_confirmations() == []               # a national number from the tray: no question


@pytest.mark.parametrize("copied, why", [("0900 123 4567", "premium-rate"),
                                         ("+44 20 7946 0958", "international")])
def test_costly_numbers_from_the_clipboard_ask_even_with_confirmation_off(app, qtbot, sandbox,
                                                                          copied, why):
    app.state.settings.confirm_external_dials = False
    QApplication.clipboard().setText(copied)
    qtbot.waitUntil(lambda: app.tray.clipboard_action.isEnabled(), timeout=3000)
    app.tray.clipboard_action.trigger()
    qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
    box = open_confirmations()[0]
    assert why in box.informativeText()
    box.reject()
    replies = ask(qtbot, app, {"command": "dial", "number": copied, "source": "cli",
                               "confirmed": True})   # --yes skips the question
    assert replies["ok"] is True
    assert len(webphone_calls(sandbox)) == 1
