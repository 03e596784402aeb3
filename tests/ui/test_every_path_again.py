"""The paths people walk again and again, in process: the composed app, real widgets,
the sandbox over HTTP. (The same walks through the real app process under a real X
server are in tests/scenarios.)"""

from __future__ import annotations

import copy

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from support.desktop import ask_later, compose_for_account, dial

from tvdesk.core.dialing import DialRequest
from tvdesk.core.settings import Extension, SettingsStore, WebphoneType
from tvdesk.ui.confirm_dial import ConfirmDialBox


@pytest.fixture
def desktop(qapp, qtbot, tmp_path, make_sandbox):
    sandbox = make_sandbox(answer_after=0.2, hangup_after=0.4)
    desktop = compose_for_account(
        qapp, qtbot, tmp_path / "home", sandbox, default_ramal="4000", warm_engine=False,
        extensions=[Extension("4000"), Extension("4001"), Extension("4002")])
    desktop.sandbox = sandbox
    yield desktop
    desktop.shutdown.quit()


def webphone_calls(sandbox):
    return [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]


def open_confirmations():
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, ConfirmDialBox) and w.isVisible()]


@pytest.mark.webengine
def test_ten_outside_dials_confirmed_and_cancelled_in_turn(desktop, qtbot):
    sandbox = desktop.sandbox
    numbers = [f"+55483283{index:04d}" for index in range(10)]
    for index, number in enumerate(numbers):
        source = "link" if index % 3 == 0 else "cli"
        shown = f"tel:{number}" if source == "link" else number
        replies = ask_later(desktop, {"command": "dial", "number": shown, "source": source})
        qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
        box = open_confirmations()[0]
        if index % 2 == 0:
            qtbot.mouseClick(box.call_button, Qt.MouseButton.LeftButton)
        else:
            box.reject()
        qtbot.waitUntil(lambda r=replies: bool(r), timeout=10000)
        reply = replies[0]
        assert reply["result"] == ("started" if index % 2 == 0 else "cancelled"), reply
        assert "internal error" not in str(reply)
        desktop.dialer.close_all()
        qtbot.waitUntil(lambda: desktop.dialer.windows == {}, timeout=5000)
    assert [c.query["ligar_para"][0] for c in webphone_calls(sandbox)] == numbers[0::2]
    assert [r.number for r in desktop.state.history.entries()] == list(reversed(numbers[0::2]))


def test_a_link_arriving_while_a_confirmation_is_open(desktop, qtbot):
    first = ask_later(desktop, {"command": "dial", "number": "+5548999990001", "source": "cli"})
    qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
    second = ask_later(desktop, {"command": "dial", "number": "tel:+5548999990002",
                                 "source": "link"})
    qtbot.waitUntil(lambda: len(open_confirmations()) == 2, timeout=3000)
    by_text = {box.text(): box for box in open_confirmations()}
    by_text["Call (48) 99999-0002?"].reject()
    qtbot.waitUntil(lambda: bool(second), timeout=3000)
    assert second[0]["result"] == "cancelled" and first == []
    by_text["Call (48) 99999-0001?"].reject()
    qtbot.waitUntil(lambda: bool(first), timeout=3000)
    assert first[0]["result"] == "cancelled"
    assert webphone_calls(desktop.sandbox) == [] and open_confirmations() == []


def test_an_unanswered_confirmation_is_withdrawn_and_not_dialled(desktop, qtbot):
    desktop.messages._confirmation_timeout = 0.3
    replies = ask_later(desktop, {"command": "dial", "number": "+554832830151", "source": "cli"})
    qtbot.waitUntil(lambda: bool(replies), timeout=5000)
    assert replies[0]["result"] == "cancelled" and replies[0]["exit_code"] == 8
    assert "in time" in replies[0]["message"]
    assert open_confirmations() == [] and webphone_calls(desktop.sandbox) == []


def test_headless_the_app_refuses_at_once_and_suggests_yes(desktop, qtbot):
    desktop.messages.can_ask = lambda: False
    replies = ask_later(desktop, {"command": "dial", "number": "+554832830151", "source": "cli"})
    assert replies and replies[0]["exit_code"] == 9 and "--yes" in replies[0]["message"]
    assert webphone_calls(desktop.sandbox) == []


def test_an_extension_the_account_does_not_have_is_refused(desktop, qtbot):
    replies = ask_later(desktop, {"command": "dial", "number": "+554832830151",
                                  "ramal": "9999", "source": "cli", "confirmed": True})
    assert replies[0]["result"] == "refused" and replies[0]["exit_code"] == 2
    assert "9999" in replies[0]["message"]
    assert webphone_calls(desktop.sandbox) == []


def test_an_api_error_is_a_failed_outcome_with_its_code(desktop, qtbot):
    desktop.sandbox.inject_fault(path="/webphone", status=404, times=1)
    outcomes = dial(desktop, DialRequest(ramal="4001", number="+554832830151"))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
    assert outcomes[0].result.value == "failed" and outcomes[0].exit_code == 4


@pytest.mark.webengine
def test_a_type_changed_in_settings_takes_effect_at_the_first_ok(desktop, qtbot):
    for tipo in (WebphoneType.HIDDEN, WebphoneType.FLOATING, WebphoneType.HIDDEN):
        settings = copy.deepcopy(desktop.state.settings)
        settings.find_extension("4001").tipo = tipo
        desktop.settings_flow.apply(settings)                     # one OK
        if tipo is WebphoneType.HIDDEN:
            assert "4001" in desktop.dialer.background
            phone = desktop.dialer.background["4001"]
            qtbot.waitUntil(lambda p=phone: p.connection == "connected", timeout=15000)
            outcomes = dial(desktop, DialRequest(ramal="4001", number="4002"))
            assert outcomes[0].started
            qtbot.waitUntil(lambda p=phone: p.session.state in ("chamando", "conversando"),
                            timeout=5000)
            phone.session.hangup()
            qtbot.waitUntil(lambda p=phone: not p.in_call(), timeout=5000)
        else:
            assert "4001" not in desktop.dialer.background
    hidden_urls = [c for c in webphone_calls(desktop.sandbox) if c.query.get("tipo") == ["hidden"]]
    assert len(hidden_urls) >= 2
    assert [e.tipo for e in SettingsStore(desktop.state.paths.settings_file).load().extensions] \
        == ["floating", "hidden", "floating"]


def test_status_lines_do_not_outlive_what_they_are_about(desktop, qtbot):
    window = desktop.main_window
    desktop.show_main_window()
    qtbot.waitUntil(lambda: window.extension_list.count() == 3, timeout=5000)
    for attempt in range(3):
        window.number_edit.setText("48 3283")
        qtbot.mouseClick(window.call_button, Qt.MouseButton.LeftButton)
        assert "too short" in window.status_label.text()
        qtbot.keyClicks(window.number_edit, "0")                  # the input changes
        assert window.status_label.text() == "", attempt
    window.number_edit.clear()


def test_incoming_call_line_goes_when_the_call_is_over(desktop, qtbot):
    desktop.messages.info("Incoming call from (48) 3283-0151 on extension 4000", "call:4000")
    assert "Incoming" in desktop.main_window.status_label.text()
    desktop.messages.clear("call:4001")                           # another call's end
    assert "Incoming" in desktop.main_window.status_label.text()
    desktop.messages.clear("call:4000")
    assert desktop.main_window.status_label.text() == ""


def test_settings_ok_keeps_an_address_given_on_the_command_line(qapp, qtbot, tmp_path,
                                                                 make_sandbox):
    sandbox = make_sandbox()
    # The settings file names the documented host; the session runs on --api-base.
    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", sandbox,
                                  extensions=[Extension("4000")], default_ramal="4000")
    desktop.state.settings.api_base = "https://api.totalvoice.com.br"
    for _ in range(2):
        desktop.settings_flow.apply(copy.deepcopy(desktop.state.settings))   # OK, no change
        assert desktop.state.account.api_base == sandbox.base_url
    changed = copy.deepcopy(desktop.state.settings)
    changed.api_base = "https://voice-api.zenvia.com"
    desktop.settings_flow.apply(changed)                                     # the person's choice
    assert desktop.state.account.api_base == "https://voice-api.zenvia.com"
    desktop.shutdown.quit()


def test_a_platform_link_takes_the_same_path_as_a_handed_over_one(desktop, qtbot):
    for _ in range(2):
        desktop.open_link("tel:+55-48-3283-0151")       # what macOS FileOpen delivers
        qtbot.waitUntil(lambda: len(open_confirmations()) == 1, timeout=3000)
        open_confirmations()[0].reject()
        qtbot.waitUntil(lambda: desktop.main_window.status_label.text() == "Call cancelled.",
                        timeout=3000)
    assert webphone_calls(desktop.sandbox) == []
