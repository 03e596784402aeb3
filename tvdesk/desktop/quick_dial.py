"""Quick dial: the number on the clipboard, recent calls, redial and favourites."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QClipboard

from tvdesk.core.dialing import DialRequest, DialSource
from tvdesk.core.history import CallRecord
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import DialTarget, find_dialable
from tvdesk.desktop.state import AppState
from tvdesk.phone.dialer import Dialer, OnOutcome, StartedCall
from tvdesk.ui.messages import MessageBus

log = logging.getLogger("tvdesk.quickdial")

MAX_CLIPBOARD_CHARS = 1000  # a whole document on the clipboard is not a number


class QuickDial(QObject):
    clipboard_target_changed = Signal(object)   # DialTarget or None

    def __init__(self, state: AppState, dialer: Dialer, messages: MessageBus,
                 clipboard: QClipboard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._dialer = dialer
        self._messages = messages
        self._clipboard = clipboard
        self.clipboard_target: DialTarget | None = None

    # --- the clipboard ----------------------------------------------------------------

    def clipboard_changed(self) -> None:
        text = self._clipboard.text() or ""
        target = find_dialable(text[:MAX_CLIPBOARD_CHARS], self._state.settings.region)
        if target != self.clipboard_target:
            self.clipboard_target = target
            self.clipboard_target_changed.emit(target)

    def dial_shown_clipboard(self) -> None:
        """The tray's "Call <number>": exactly the number the entry shows, even if the
        clipboard changed while the menu was open."""
        target = self.clipboard_target
        if target is None:
            self._dialer.refuse(None, _("The clipboard holds no number to call."), None)
            return
        self._dialer.dial(DialRequest(number=target.api_value, source=DialSource.CLIPBOARD))

    def dial_clipboard(self, source: DialSource = DialSource.CLIPBOARD, ramal: str | None = None,
                       confirmed: bool = False, on_outcome: OnOutcome | None = None) -> None:
        text = (self._clipboard.text() or "")[:MAX_CLIPBOARD_CHARS]
        if not text.strip():
            self._dialer.refuse(ramal, _("The clipboard holds no number to call."), on_outcome)
            return
        self._dialer.dial(DialRequest(ramal=ramal, number=text, source=source,
                                      confirmed=confirmed), on_outcome)

    # --- recent calls -----------------------------------------------------------------

    def record_started(self, call: StartedCall) -> None:
        self.record(CallRecord(number=call.target.api_value, display=call.target.display,
                               ramal=call.ramal, when=time.time()))

    def record_dialled(self, ramal: str, number: str) -> None:
        """A call placed on a background phone, from the dialer or its call bar."""
        target = find_dialable(number, self._state.settings.region)
        self.record(CallRecord(number=target.api_value if target else number,
                               display=target.display if target else number,
                               ramal=ramal, when=time.time()))

    def record(self, record: CallRecord) -> None:
        try:
            self._state.history.add(record)
        except OSError as error:
            log.warning("could not save the call history: %s", error.strerror)
            self._messages.error(_("Could not save the call history: {reason}",
                                   reason=error.strerror or "?"))
        self._state.history_changed.emit()

    def redial_last(self) -> None:
        last = self._state.history.last()
        if last is None:
            self._messages.error(_("No calls yet."))
            return
        self._dialer.dial(DialRequest(ramal=last.ramal, number=last.number))

    def dial(self, ramal: str | None, number: str | None) -> None:
        """A recent call or a favourite, picked in the tray or the main window."""
        self._dialer.dial(DialRequest(ramal=ramal or None, number=number))

    def clear_history(self) -> None:
        try:
            self._state.history.clear()
        except OSError as error:
            self._messages.error(_("Could not save the call history: {reason}",
                                   reason=error.strerror or "?"))
        self._state.history_changed.emit()

