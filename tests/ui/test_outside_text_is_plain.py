"""Text from a server or a web page is shown as text in native windows, never as markup,
and a caller "number" with anything else in it is never mined for another number."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from support.fake_phone_session import FakePhoneSession

from tvdesk.core.phone_numbers import caller_display, caller_target
from tvdesk.ui.call_bar import CallBar
from tvdesk.ui.ringing_window import RingingWindow

MARKUP = '<font color=red>+55 48 3283-0151</font><img src="file:///etc/hostname">'


def labels_of(widget):
    return widget.findChildren(QLabel)


def assert_all_plain(widget):
    rich = [label.objectName() or label.text() for label in labels_of(widget)
            if label.textFormat() != Qt.TextFormat.PlainText]
    assert rich == []


def test_the_ringing_window_shows_a_marked_up_caller_as_text(qtbot):
    window = RingingWindow(MARKUP, None, "4000", "BR")
    qtbot.addWidget(window)
    window.present()
    assert_all_plain(window)
    assert window.number_label.text().startswith("<font color=red>")   # literally, shortened
    assert "(48) 3283-0151" not in window.number_label.text()          # not mined for a number


def test_the_call_bar_shows_page_errors_and_remotes_as_text(qtbot):
    session = FakePhoneSession(ramal="4000", state="conversando")
    bar = CallBar(session)
    qtbot.addWidget(bar)
    bar.show()
    session.set_remote(MARKUP)
    session.emit_error('<b style="color:red">falha</b><img src="file:///etc/passwd">')
    assert_all_plain(bar)
    shown = [label.text() for label in labels_of(bar)]
    assert any(text.startswith("<b style=") for text in shown)


@pytest.mark.parametrize("text, shown", [
    ("+554832830151", "(48) 3283-0151"),
    (" (48) 3283-0151 ", "(48) 3283-0151"),
    ("4001", "4001"),
    ("Ligue: +55 48 3283-0151", "Ligue: +55 48 3283-0151"),
    ("+55 48 3283-0151 / +55 11 98765-4321", "+55 48 3283-0151 / +55 11 98765-4321"),
    ("anonymous\x1b[2J", "anonymous[2J"),
    ("", ""),
])
def test_a_caller_is_a_number_only_when_it_is_just_a_number(text, shown):
    assert caller_display(text, "BR") == shown
    assert (caller_target(text, "BR") is not None) == (shown in ("(48) 3283-0151", "4001"))


def test_an_api_message_with_markup_is_shown_as_text_in_the_main_window(qapp, qtbot, tmp_path,
                                                                         make_sandbox):
    import json

    from support.desktop import compose_for_account, dial

    from tvdesk.core.dialing import DialRequest
    from tvdesk.core.settings import Extension

    sandbox = make_sandbox()
    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", sandbox,
                                  extensions=[Extension("4000")], default_ramal="4000")
    desktop.show_main_window()
    mensagem = '<img src="file:///etc/hostname"><font color=red>Parâmetro inválido</font>'
    sandbox.inject_fault(path="/webphone", status=405, content_type="application/json",
                         body=json.dumps({"status": 405, "sucesso": False, "motivo": 11,
                                          "mensagem": mensagem, "dados": None}))
    outcomes = dial(desktop, DialRequest(ramal="4000", number="4001"))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
    status = desktop.main_window.status_label
    assert status.textFormat() == Qt.TextFormat.PlainText and mensagem in status.text()
    assert_all_plain(desktop.main_window)
    desktop.shutdown.quit()
