"""Compact native call controls for one phone session: dial, mute, keypad, transfer,
record, hang up, with the extension, the other party, the call state and a timer.

The bar talks to the session only through its signals and methods (a PhoneSession or
anything shaped like one), so it never reaches into the webphone page itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import DEFAULT_REGION, caller_display, normalize
from tvdesk.phone.states import CallState, state_label
from tvdesk.ui.dtmf_keypad import DTMF_DIGITS, DtmfKeypad
from tvdesk.ui.plain_text import plain_label

# Where each control makes sense; everything else is disabled (all of it when disconnected).
DIAL_STATES = frozenset({CallState.CONNECTED, CallState.ENDED})
HANGUP_STATES = frozenset(state for state in CallState if state.in_call)
IN_CALL_STATES = frozenset({CallState.TALKING})  # mute, keypad, transfer, record

_ERROR_STYLE = "color: #b00020;"
_OK_STYLE = "color: #2e7d32;"
_HANGUP_STYLE = (
    "QToolButton { background-color: #c62828; color: white; border: 1px solid #8e0000;"
    " border-radius: 4px; padding: 4px 8px; font-weight: bold; }"
    "QToolButton:hover { background-color: #d32f2f; }"
    "QToolButton:pressed { background-color: #8e0000; }"
    "QToolButton:disabled { background-color: #e8b4b4; color: #fbeaea; border-color: #e8b4b4; }"
    "QToolButton:focus { border: 2px solid #1565c0; }"
)


def format_duration(seconds: float) -> str:
    """mm:ss for a call, h:mm:ss once it passes an hour."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def display_number(text: str, region: str = DEFAULT_REGION) -> str:
    """A number as people read it ("(48) 3283-0151"), or the text as it came."""
    return caller_display(text, region)


def _parse_number(text: str, region: str) -> tuple[str | None, str]:
    """(api_value, display) for a good number, (None, reason) for a bad one."""
    try:
        target = normalize(text, region)
    except InvalidPhoneNumberError as error:
        return None, error.user_message()
    return target.api_value, target.display


class TransferDialog(QDialog):
    """Asks where to send the call; blind ("Transfer") or attended ("Attended")."""

    transfer_requested = Signal(str, bool)  # api_value, attended

    def __init__(self, region: str = DEFAULT_REGION, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.region = region
        self.setObjectName("transferDialog")
        self.setWindowTitle(_("Transfer call — tvdesk"))
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("transferNumberEdit")
        self.number_edit.setPlaceholderText(_("Number or extension"))
        self.number_edit.setAccessibleName(_("Number to transfer the call to"))
        self.message_label = plain_label("", self)
        self.message_label.setObjectName("transferMessageLabel")
        self.message_label.setWordWrap(True)
        self.blind_button = QPushButton(_("Transfer"), self)
        self.blind_button.setObjectName("transferBlindButton")
        self.blind_button.setAccessibleName(_("Transfer the call now"))
        self.blind_button.setToolTip(_("Send the call to this number now"))
        self.attended_button = QPushButton(_("Attended"), self)
        self.attended_button.setObjectName("transferAttendedButton")
        self.attended_button.setAccessibleName(_("Talk to them first, then transfer"))
        self.attended_button.setToolTip(_("Talk to them first, then transfer"))
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName("transferCancelButton")
        for button in (self.blind_button, self.attended_button, self.cancel_button):
            button.setAutoDefault(False)
        self.blind_button.setDefault(True)  # Enter in the field: the common, blind transfer

        buttons = QHBoxLayout()
        buttons.addWidget(self.blind_button)
        buttons.addWidget(self.attended_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Transfer to:"), self))
        layout.addWidget(self.number_edit)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)

        self.number_edit.textChanged.connect(self._preview)
        self.blind_button.clicked.connect(lambda: self._request(False))
        self.attended_button.clicked.connect(lambda: self._request(True))
        self.cancel_button.clicked.connect(self.reject)

    def _preview(self, text: str) -> None:
        if not text.strip():
            self._say("")
            return
        api_value, shown = _parse_number(text, self.region)
        self._say(_("Transfer to {number}", number=shown) if api_value else shown,
                  error=api_value is None)

    def _request(self, attended: bool) -> None:
        api_value, shown = _parse_number(self.number_edit.text(), self.region)
        if api_value is None:
            self._say(shown, error=True)
            self.number_edit.setFocus()
            return
        self.transfer_requested.emit(api_value, attended)
        self.accept()

    def _say(self, text: str, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(_ERROR_STYLE if error else _OK_STYLE)


class CallBar(QWidget):
    """Call controls for `session`; numbers are read in `region` (Brazil by default).

    `clock` (seconds, monotonic) exists for tests; the timer shows the time since the
    call was answered, not a count of ticks, so a busy GUI thread cannot slow it down.
    """

    def __init__(self, session: Any, region: str = DEFAULT_REGION, parent: QWidget | None = None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.session = session
        self.region = region
        self._clock = clock
        self._call_started: float | None = None
        self._state = ""
        self._muted = False
        self._recording = False
        self.transfer_dialog: TransferDialog | None = None
        self.setObjectName("callBar")
        self.setAccessibleName(_("Call controls"))
        # The bar itself can hold focus, so digits typed on it become DTMF tones.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.ramal_label = plain_label("", self)
        self.ramal_label.setObjectName("ramalLabel")
        self.state_label = plain_label("", self)
        self.state_label.setObjectName("stateLabel")
        self.timer_label = plain_label("", self)
        self.timer_label.setObjectName("timerLabel")
        self.timer_label.setAccessibleName(_("Call duration"))
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.remote_label = plain_label("", self)
        self.remote_label.setObjectName("remoteLabel")
        self.remote_label.setAccessibleName(_("Other party"))
        self.remote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.remote_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.remote_label.setFont(font)

        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("dialNumberEdit")
        self.number_edit.setPlaceholderText(_("Number or extension"))
        self.number_edit.setAccessibleName(_("Number to call"))
        self.number_edit.setClearButtonEnabled(True)
        self.dial_button = QPushButton(_("Call"), self)
        self.dial_button.setObjectName("dialButton")
        self.dial_button.setAccessibleName(_("Call the number"))
        self.dial_button.setAutoDefault(False)
        self.dial_message_label = plain_label("", self)
        self.dial_message_label.setObjectName("dialMessageLabel")
        self.dial_message_label.setWordWrap(True)
        self.dial_message_label.setStyleSheet(_ERROR_STYLE)
        self.dial_message_label.hide()

        self.mute_button = self._control("muteButton", _("Mute"), _("Mute the microphone"),
                                         checkable=True)
        self.keypad_button = self._control("keypadButton", _("Keypad"), _("Show the keypad"),
                                           checkable=True)
        self.transfer_button = self._control("transferButton", _("Transfer"),
                                             _("Transfer the call"))
        self.record_button = self._control("recordButton", _("Record"), _("Record the call"),
                                           checkable=True)
        self.hangup_button = self._control("hangupButton", _("Hang up"), _("Hang up"))
        self.hangup_button.setStyleSheet(_HANGUP_STYLE)

        self.keypad = DtmfKeypad(self)
        self.keypad.hide()

        self.error_label = plain_label("", self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.hide()

        header = QHBoxLayout()
        header.addWidget(self.ramal_label)
        header.addWidget(plain_label("·", self))
        header.addWidget(self.state_label, 1)
        header.addWidget(self.timer_label)
        dial_row = QHBoxLayout()
        dial_row.addWidget(self.number_edit, 1)
        dial_row.addWidget(self.dial_button)
        controls = QHBoxLayout()
        controls.setSpacing(4)
        for button in (self.mute_button, self.keypad_button, self.transfer_button,
                       self.record_button, self.hangup_button):
            controls.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.remote_label)
        layout.addLayout(dial_row)
        layout.addWidget(self.dial_message_label)
        layout.addLayout(controls)
        layout.addWidget(self.keypad)
        layout.addWidget(self.error_label)

        # Runs only while a call is being talked on; idle bars cost nothing.
        self.call_timer = QTimer(self)
        self.call_timer.setInterval(1000)
        self.call_timer.timeout.connect(self.tick)

        self.dial_button.clicked.connect(self.dial)
        self.number_edit.returnPressed.connect(self.dial)
        self.number_edit.textEdited.connect(lambda _text: self._say_dial(""))
        self.mute_button.clicked.connect(self._on_mute_clicked)
        self.record_button.clicked.connect(self._on_record_clicked)
        self.keypad_button.toggled.connect(self.keypad.setVisible)
        self.keypad.digit_pressed.connect(self._send_dtmf)
        self.transfer_button.clicked.connect(self.open_transfer)
        self.hangup_button.clicked.connect(self._hangup)

        session.state_changed.connect(self._on_state_changed)
        session.remote_changed.connect(self._on_remote_changed)
        session.error.connect(self._on_error)
        session.muted_changed.connect(self._on_muted_changed)
        session.recording_changed.connect(self._on_recording_changed)

        self._on_remote_changed(getattr(session, "remote", "") or "")
        self._on_muted_changed(bool(getattr(session, "muted", False)))
        self._on_recording_changed(bool(getattr(session, "recording", False)))
        self._on_state_changed(getattr(session, "state", "") or "desconectado")

    # --- building ----------------------------------------------------------------------

    def _control(self, name: str, text: str, description: str,
                 checkable: bool = False) -> QToolButton:
        # QToolButton, not QPushButton: push buttons insist on ~80 px each in most
        # styles, and five of them would not fit a 360 px bar.
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setAccessibleName(description)
        button.setToolTip(description)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setMinimumHeight(30)
        return button

    # --- what the person does ----------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    def dial(self) -> None:
        """Dial what is in the number field, or say why it cannot be dialled."""
        if self._state not in DIAL_STATES:
            return
        api_value, shown = _parse_number(self.number_edit.text(), self.region)
        if api_value is None:
            self._say_dial(shown)
            self.number_edit.setFocus()
            return
        self._say_dial("")
        self.number_edit.clear()
        self.session.dial(api_value)

    def open_transfer(self) -> TransferDialog | None:
        """Show the transfer dialog (one at a time); returns it, for tests and callers."""
        if self._state not in IN_CALL_STATES:
            return None
        if self.transfer_dialog is None:
            dialog = TransferDialog(self.region, self)
            dialog.transfer_requested.connect(self._transfer)
            dialog.finished.connect(self._forget_transfer_dialog)
            self.transfer_dialog = dialog
        self.transfer_dialog.show()
        self.transfer_dialog.raise_()
        self.transfer_dialog.activateWindow()
        self.transfer_dialog.number_edit.setFocus()
        return self.transfer_dialog

    def tick(self) -> None:
        """Refresh the call timer (the QTimer calls this once a second during a call)."""
        if self._call_started is not None:
            self.timer_label.setText(format_duration(self._clock() - self._call_started))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        digit = event.text()
        if len(digit) == 1 and digit in DTMF_DIGITS and self._state in IN_CALL_STATES:
            self._send_dtmf(digit)
            event.accept()
            return
        super().keyPressEvent(event)

    def _send_dtmf(self, digit: str) -> None:
        if self._state in IN_CALL_STATES:
            self.session.send_dtmf(digit)

    def _transfer(self, api_value: str, attended: bool) -> None:
        if self._state in IN_CALL_STATES:
            self.session.transfer(api_value, attended)

    def _hangup(self) -> None:
        if self._state in HANGUP_STATES:
            self.session.hangup()

    def _on_mute_clicked(self) -> None:
        # The button shows what the session says, not what was clicked: it flips when
        # muted_changed arrives, so it never claims a mute the page did not do.
        self.mute_button.setChecked(self._muted)
        self.session.toggle_mute()

    def _on_record_clicked(self) -> None:
        self.record_button.setChecked(self._recording)
        self.session.set_recording(not self._recording)

    def _forget_transfer_dialog(self, _result: int) -> None:
        dialog, self.transfer_dialog = self.transfer_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    # --- what the session says ---------------------------------------------------------

    def _on_ramal(self, ramal: str) -> None:
        self.ramal_label.setText(_("Extension {ramal}", ramal=ramal) if ramal else "")

    def _on_state_changed(self, state: str) -> None:
        previous, self._state = self._state, state
        self._on_ramal(getattr(self.session, "ramal", "") or "")
        self.error_label.clear()
        self.error_label.hide()
        self.state_label.setText(state_label(state))
        self.state_label.setAccessibleName(_("Call state: {state}", state=state_label(state)))

        if state == "conversando":
            if previous != "conversando" or self._call_started is None:
                self._call_started = self._clock()
            self.tick()
            if not self.call_timer.isActive():
                self.call_timer.start()
        else:
            if self._call_started is not None:
                self.tick()  # the final duration stays on show after the call
            self._call_started = None
            self.call_timer.stop()
            if state == "chamando":
                self.timer_label.clear()

        in_call = state in IN_CALL_STATES
        can_dial = state in DIAL_STATES
        self.number_edit.setEnabled(can_dial)
        self.dial_button.setEnabled(can_dial)
        for button in (self.mute_button, self.keypad_button, self.transfer_button,
                       self.record_button):
            button.setEnabled(in_call)
        self.hangup_button.setEnabled(state in HANGUP_STATES)
        if not in_call:
            self.keypad_button.setChecked(False)
            if self.transfer_dialog is not None:
                self.transfer_dialog.reject()
        if not can_dial:
            self._say_dial("")

    def _on_remote_changed(self, remote: str) -> None:
        shown = display_number(remote, self.region)
        self.remote_label.setText(shown)
        self.remote_label.setVisible(bool(shown))

    def _on_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _on_muted_changed(self, muted: bool) -> None:
        self._muted = muted
        # The text stays "Mute" (a checked button reads as on); "Unmute" would not fit
        # 360 px in Portuguese. Screen readers hear the action in the accessible name.
        self.mute_button.setChecked(muted)
        self.mute_button.setAccessibleName(_("Unmute the microphone") if muted
                                           else _("Mute the microphone"))

    def _on_recording_changed(self, recording: bool) -> None:
        self._recording = recording
        self.record_button.setChecked(recording)
        self.record_button.setAccessibleName(_("Stop recording the call") if recording
                                             else _("Record the call"))

    def _say_dial(self, text: str) -> None:
        self.dial_message_label.setText(text)
        self.dial_message_label.setVisible(bool(text))
