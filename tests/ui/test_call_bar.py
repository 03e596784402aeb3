"""The call bar, driven like a person would, against a fake phone session."""

import pytest
from PySide6.QtCore import Qt
from support.fake_phone_session import FakePhoneSession

from tvdesk.core import i18n
from tvdesk.ui.call_bar import CallBar, format_duration
from tvdesk.ui.dtmf_keypad import DTMF_DIGITS, dtmf_button_name

LEFT = Qt.MouseButton.LeftButton
IN_CALL_BUTTONS = ("muteButton", "keypadButton", "transferButton", "recordButton")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def session(qapp):
    return FakePhoneSession(ramal="4000", state="conectado")


@pytest.fixture
def bar(qtbot, session, clock):
    widget = CallBar(session, clock=clock)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def child(bar, name):
    widget = bar.findChild(object, name)
    assert widget is not None, name
    return widget


def enabled(bar):
    names = ("dialButton", "dialNumberEdit", *IN_CALL_BUTTONS, "hangupButton")
    return {name for name in names if child(bar, name).isEnabled()}


def in_call(session, remote="+554832830151"):
    session.set_remote(remote)
    session.set_state("chamando")
    session.set_state("conversando")


# --- what it shows ----------------------------------------------------------------------

def test_shows_extension_state_and_the_remote_number_for_people(bar, session):
    assert child(bar, "ramalLabel").text() == "Extension 4000"
    assert child(bar, "stateLabel").text() == "ready"
    assert not child(bar, "remoteLabel").isVisible()
    session.set_remote("+554832830151")
    assert child(bar, "remoteLabel").text() == "(48) 3283-0151"
    assert child(bar, "remoteLabel").isVisible()
    session.set_remote("+14155550100")
    assert child(bar, "remoteLabel").text() == "+1 415-555-0100"
    session.set_remote("anonymous")               # not a number: shown as it came
    assert child(bar, "remoteLabel").text() == "anonymous"


def test_starts_from_the_sessions_current_state(qtbot, clock):
    session = FakePhoneSession(ramal="4001", state="desconectado", remote="4002")
    bar = CallBar(session, clock=clock)
    qtbot.addWidget(bar)
    assert child(bar, "stateLabel").text() == "disconnected"
    assert child(bar, "remoteLabel").text() == "4002"
    assert enabled(bar) == set()


@pytest.mark.parametrize("state, expected", [
    ("desconectado", set()),
    ("conectado", {"dialButton", "dialNumberEdit"}),
    ("chamando", {"hangupButton"}),
    ("conversando", {*IN_CALL_BUTTONS, "hangupButton"}),
    ("encerrada", {"dialButton", "dialNumberEdit"}),
])
def test_buttons_are_enabled_only_where_they_make_sense(bar, session, state, expected):
    session.set_state(state)
    assert enabled(bar) == expected


def test_state_words_follow_the_session(bar, session):
    for state, words in [("chamando", "calling…"), ("conversando", "in call"),
                         ("encerrada", "call ended"), ("desconectado", "disconnected")]:
        session.set_state(state)
        assert child(bar, "stateLabel").text() == words


# --- dialling ---------------------------------------------------------------------------

def test_an_invalid_number_is_explained_and_not_dialled(qtbot, bar, session):
    qtbot.keyClicks(child(bar, "dialNumberEdit"), "12345")
    qtbot.mouseClick(child(bar, "dialButton"), LEFT)
    message = child(bar, "dialMessageLabel")
    assert message.isVisible()
    assert message.text() == "'12345' is too short to be a phone number."
    assert session.calls == []
    qtbot.keyClicks(child(bar, "dialNumberEdit"), "6")  # typing again clears the message
    assert not message.isVisible()


def test_an_empty_field_is_explained(qtbot, bar, session):
    qtbot.mouseClick(child(bar, "dialButton"), LEFT)
    assert child(bar, "dialMessageLabel").text() == "There is no number to call."
    assert session.calls == []


def test_a_valid_number_is_dialled_in_e164(qtbot, bar, session):
    qtbot.keyClicks(child(bar, "dialNumberEdit"), "(48) 3283-0151")
    qtbot.mouseClick(child(bar, "dialButton"), LEFT)
    assert session.calls == [("dial", "+554832830151")]
    assert not child(bar, "dialMessageLabel").isVisible()
    assert child(bar, "dialNumberEdit").text() == ""


def test_enter_in_the_field_dials_and_extensions_go_as_they_are(qtbot, bar, session):
    qtbot.keyClicks(child(bar, "dialNumberEdit"), "4001")
    qtbot.keyClick(child(bar, "dialNumberEdit"), Qt.Key.Key_Return)
    assert session.calls == [("dial", "4001")]


def test_dialling_works_again_after_a_call_ended(qtbot, bar, session):
    in_call(session)
    session.set_state("encerrada")
    qtbot.keyClicks(child(bar, "dialNumberEdit"), "+55 11 98765-4321")
    qtbot.mouseClick(child(bar, "dialButton"), LEFT)
    assert session.commands("dial") == [("dial", "+5511987654321")]


def test_nothing_is_dialled_while_disconnected(bar, session):
    session.set_state("desconectado")
    child(bar, "dialNumberEdit").setText("4001")
    bar.dial()
    assert session.calls == []


# --- the call timer ---------------------------------------------------------------------

def test_format_duration():
    assert format_duration(0) == "00:00"
    assert format_duration(65) == "01:05"
    assert format_duration(3599) == "59:59"
    assert format_duration(3600) == "1:00:00"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(-3) == "00:00"


def test_the_timer_runs_only_while_talking(bar, session, clock):
    timer_label = child(bar, "timerLabel")
    assert not bar.call_timer.isActive()          # idle: nothing ticking
    session.set_state("chamando")
    assert not bar.call_timer.isActive()
    assert timer_label.text() == ""
    session.set_state("conversando")
    assert bar.call_timer.isActive()
    assert timer_label.text() == "00:00"
    clock.now += 65
    bar.tick()
    assert timer_label.text() == "01:05"
    clock.now += 3660
    bar.tick()
    assert timer_label.text() == "1:02:05"
    clock.now += 3
    session.set_state("encerrada")
    assert not bar.call_timer.isActive()
    assert timer_label.text() == "1:02:08"         # the final duration stays on show
    clock.now += 100
    bar.tick()
    assert timer_label.text() == "1:02:08"
    session.set_state("chamando")                 # the next call starts from nothing
    assert timer_label.text() == ""


def test_a_repeated_conversando_does_not_restart_the_timer(bar, session, clock):
    in_call(session)
    clock.now += 10
    session.set_state("conversando")
    assert child(bar, "timerLabel").text() == "00:10"


def test_the_qtimer_ticks_in_real_time(qtbot, session):
    bar = CallBar(session)                         # the real monotonic clock
    qtbot.addWidget(bar)
    in_call(session)
    qtbot.waitUntil(lambda: bar.timer_label.text() == "00:01", timeout=2500)


# --- in-call controls -------------------------------------------------------------------

def test_mute_mirrors_the_session(qtbot, bar, session):
    in_call(session)
    mute = child(bar, "muteButton")
    qtbot.mouseClick(mute, LEFT)
    assert session.calls[-1] == ("toggle_mute",)
    assert mute.isChecked()
    assert mute.accessibleName() == "Unmute the microphone"
    qtbot.mouseClick(mute, LEFT)
    assert not mute.isChecked()
    session.set_muted(True)                        # muted from elsewhere (the page)
    assert mute.isChecked()


def test_mute_waits_for_the_session_to_confirm(qtbot, bar, session):
    session.confirms = False
    in_call(session)
    mute = child(bar, "muteButton")
    qtbot.mouseClick(mute, LEFT)
    assert session.commands("toggle_mute") == [("toggle_mute",)]
    assert not mute.isChecked()                   # not muted until the session says so
    session.set_muted(True)
    assert mute.isChecked()


def test_record_mirrors_the_session(qtbot, bar, session):
    in_call(session)
    record = child(bar, "recordButton")
    qtbot.mouseClick(record, LEFT)
    assert session.calls[-1] == ("set_recording", True)
    assert record.isChecked()
    qtbot.mouseClick(record, LEFT)
    assert session.calls[-1] == ("set_recording", False)
    assert not record.isChecked()
    session.confirms = False
    qtbot.mouseClick(record, LEFT)
    assert session.calls[-1] == ("set_recording", True)
    assert not record.isChecked()
    session.set_recording_state(True)
    assert record.isChecked()


def test_keypad_buttons_send_dtmf(qtbot, bar, session):
    in_call(session)
    keypad = child(bar, "dtmfKeypad")
    assert not keypad.isVisible()
    qtbot.mouseClick(child(bar, "keypadButton"), LEFT)
    assert keypad.isVisible()
    for digit in DTMF_DIGITS:
        qtbot.mouseClick(child(bar, dtmf_button_name(digit)), LEFT)
    assert [call[1] for call in session.commands("send_dtmf")] == list(DTMF_DIGITS)
    assert len(keypad.buttons) == 12
    session.set_state("encerrada")                # the keypad folds away with the call
    assert not keypad.isVisible()
    assert not child(bar, "keypadButton").isChecked()


def test_typed_digits_send_dtmf_during_a_call(qtbot, bar, session):
    in_call(session)
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_5)
    qtbot.keyClicks(bar, "*#")
    qtbot.keyClicks(bar, "a")                      # not a tone
    qtbot.keyClicks(child(bar, "muteButton"), "9")  # focus on a button: still the bar's
    assert [call[1] for call in session.commands("send_dtmf")] == ["5", "*", "#", "9"]


def test_typed_digits_send_nothing_outside_a_call(qtbot, bar, session):
    session.set_state("chamando")
    qtbot.keyClicks(bar, "123")
    assert session.commands("send_dtmf") == []


def transfer_dialog(qtbot, bar, session):
    in_call(session)
    qtbot.mouseClick(child(bar, "transferButton"), LEFT)
    dialog = bar.transfer_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_blind_transfer_refuses_bad_numbers_then_sends_a_good_one(qtbot, bar, session):
    dialog = transfer_dialog(qtbot, bar, session)
    message = dialog.findChild(object, "transferMessageLabel")
    qtbot.keyClicks(dialog.number_edit, "12a")
    assert message.text() == "'12a' has letters; a phone number has only digits."  # live
    qtbot.mouseClick(dialog.findChild(object, "transferBlindButton"), LEFT)
    assert session.commands("transfer") == []
    assert dialog.isVisible()
    dialog.number_edit.clear()
    qtbot.keyClicks(dialog.number_edit, "48 3283-0151")
    assert message.text() == "Transfer to (48) 3283-0151"
    qtbot.mouseClick(dialog.findChild(object, "transferBlindButton"), LEFT)
    assert session.commands("transfer") == [("transfer", "+554832830151", False)]
    assert not dialog.isVisible()


def test_attended_transfer(qtbot, bar, session):
    dialog = transfer_dialog(qtbot, bar, session)
    qtbot.keyClicks(dialog.number_edit, "4002")
    qtbot.mouseClick(dialog.findChild(object, "transferAttendedButton"), LEFT)
    assert session.commands("transfer") == [("transfer", "4002", True)]


def test_the_transfer_dialog_closes_when_the_call_ends(qtbot, bar, session):
    dialog = transfer_dialog(qtbot, bar, session)
    session.set_state("encerrada")
    assert not dialog.isVisible()
    assert bar.transfer_dialog is None
    assert session.commands("transfer") == []


def test_hangup(qtbot, bar, session):
    session.set_state("chamando")
    qtbot.mouseClick(child(bar, "hangupButton"), LEFT)
    assert session.calls == [("hangup",)]
    session.set_state("conversando")
    qtbot.mouseClick(child(bar, "hangupButton"), LEFT)
    assert session.calls == [("hangup",), ("hangup",)]


def test_errors_show_until_the_next_state_change(bar, session):
    label = child(bar, "errorLabel")
    assert not label.isVisible()
    session.emit_error("Ramal não registrado")
    assert label.isVisible()
    assert label.text() == "Ramal não registrado"
    session.set_state("desconectado")
    assert not label.isVisible()
    assert label.text() == ""


# --- fit and finish ---------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "pt_BR"])
def test_fits_a_narrow_column(qtbot, language):
    i18n.set_language(language)
    try:
        session = FakePhoneSession(state="conversando", remote="+554832830151")
        bar = CallBar(session)
        qtbot.addWidget(bar)
        assert bar.minimumSizeHint().width() <= 360
        session.set_muted(True)
        session.set_recording_state(True)
        bar.keypad_button.setChecked(True)
        session.emit_error("Não foi possível transferir a ligação para o número informado.")
        assert bar.minimumSizeHint().width() <= 360
    finally:
        i18n.set_language("en")


def test_every_button_has_an_accessible_name(bar):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    widgets = bar.findChildren(QAbstractButton) + bar.findChildren(QLineEdit)
    named = [w for w in widgets if w.objectName()]  # not the line edit's own clear button
    assert len(named) >= 5 + 12 + 2
    for widget in named:
        assert widget.accessibleName(), widget.objectName()
