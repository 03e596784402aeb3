"""A stand-in for tvdesk.phone.session.PhoneSession: same signals and methods.

It records every command it receives in `calls` (as `(name, *args)` tuples) and lets
tests play the page's side with `set_state`, `set_remote`, `emit_error`... Like the
real page, it reports mute and recording changes back through signals; with
`confirms=False` it only records, so tests can check that widgets wait for the session.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class FakePhoneSession(QObject):
    state_changed = Signal(str)
    remote_changed = Signal(str)
    error = Signal(str)
    muted_changed = Signal(bool)
    recording_changed = Signal(bool)

    def __init__(self, ramal: str = "4000", state: str = "conectado", remote: str = "",
                 confirms: bool = True) -> None:
        super().__init__()
        self.ramal = ramal
        self.state = state
        self.remote = remote
        self.muted = False
        self.recording = False
        self.confirms = confirms
        self.calls: list[tuple] = []

    # --- commands (what widgets send) ----------------------------------------------------

    def dial(self, number: str) -> None:
        self.calls.append(("dial", number))

    def answer(self) -> None:
        self.calls.append(("answer",))

    def hangup(self) -> None:
        self.calls.append(("hangup",))

    def send_dtmf(self, digit: str) -> None:
        assert len(digit) == 1 and digit in "0123456789*#", digit
        self.calls.append(("send_dtmf", digit))

    def toggle_mute(self) -> None:
        self.calls.append(("toggle_mute",))
        if self.confirms:
            self.set_muted(not self.muted)

    def transfer(self, number: str, attended: bool) -> None:
        self.calls.append(("transfer", number, attended))

    def set_recording(self, on: bool) -> None:
        self.calls.append(("set_recording", on))
        if self.confirms:
            self.set_recording_state(on)

    # --- the page's side (what tests play) -----------------------------------------------

    def set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def set_remote(self, remote: str) -> None:
        self.remote = remote
        self.remote_changed.emit(remote)

    def emit_error(self, text: str) -> None:
        self.error.emit(text)

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        self.muted_changed.emit(muted)

    def set_recording_state(self, on: bool) -> None:
        self.recording = on
        self.recording_changed.emit(on)

    def commands(self, name: str) -> list[tuple]:
        """The recorded calls of one command, e.g. commands("send_dtmf")."""
        return [call for call in self.calls if call[0] == name]
