"""What the person sees of the background (hidden) phones: call bars, ringing
windows, Do-Not-Disturb, missed calls, and the connection state for the tray."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from tvdesk.core.dialing import call_topic
from tvdesk.core.history import CallRecord
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import caller_display, caller_target
from tvdesk.core.settings import DndAction
from tvdesk.desktop.quick_dial import QuickDial
from tvdesk.desktop.state import AppState
from tvdesk.phone.background_host import BackgroundPhone
from tvdesk.phone.session import PhoneSession
from tvdesk.phone.states import ConnectionState
from tvdesk.ui.messages import MessageBus

if TYPE_CHECKING:   # the windows' modules load when one is first shown, not at start-up
    from tvdesk.ui.call_bar_window import CallBarWindow
    from tvdesk.ui.ringing_window import RingingWindow

log = logging.getLogger("tvdesk.hidden")


class HiddenCalls(QObject):
    status_changed = Signal(str)   # a ConnectionState value: the tray's summary

    def __init__(self, state: AppState, quick_dial: QuickDial, messages: MessageBus,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._quick_dial = quick_dial
        self._messages = messages
        self.phones: dict[str, BackgroundPhone] = {}
        self.call_bars: dict[str, CallBarWindow] = {}
        self.ringing: dict[str, RingingWindow] = {}
        self._declined: set[str] = set()
        self._told_errors: dict[str, str] = {}   # ramal -> the connection error last told

    # --- phones -----------------------------------------------------------------------

    def watch(self, phone: BackgroundPhone) -> None:
        self.phones[phone.ramal] = phone
        phone.connection_changed.connect(lambda _state: self._update_status())
        phone.connection_changed.connect(lambda state, p=phone: self._tell_connection(p, state))
        phone.session_created.connect(lambda session, p=phone: self._watch_session(p, session))
        self._update_status()

    def forget(self, ramal: str) -> None:
        """The extension's background phone is gone: so are its call bar and ringing window."""
        bar = self.call_bars.pop(ramal, None)
        if bar is not None:
            bar.close()
        ringing = self.ringing.pop(ramal, None)
        if ringing is not None:
            ringing.withdraw()
        self.phones.pop(ramal, None)
        self._declined.discard(ramal)
        self._update_status()

    def forget_all(self) -> None:
        for window in list(self.call_bars.values()) + list(self.ringing.values()):
            window.close()
        self.call_bars.clear()
        self.ringing.clear()
        self.phones.clear()
        self._update_status()

    def _watch_session(self, phone: BackgroundPhone, session: PhoneSession) -> None:
        session.incoming_call.connect(
            lambda number, _id, p=phone, s=session: self._on_incoming(p, s, number))
        session.call_finished.connect(
            lambda remote, direction, answered, p=phone: self._on_finished(
                p, remote, direction, answered))
        session.dialled.connect(lambda number, r=phone.ramal: self._quick_dial.record_dialled(
            r, number))
        session.state_changed.connect(lambda _state: self._update_status())
        session.error.connect(lambda text, p=phone: self._on_error(p, text))
        bar = self.call_bars.get(phone.ramal)
        if bar is not None:
            bar.attach(session, self._state.settings.region)

    def show_call_bar(self, ramal: str) -> None:
        phone = self.phones.get(ramal)
        if phone is None or phone.session is None:
            return
        window = self.call_bars.get(ramal)
        if window is None:
            from tvdesk.ui.call_bar_window import CallBarWindow

            window = CallBarWindow(ramal)
            window.attach(phone.session, self._state.settings.region)
            window.online_toggled.connect(
                lambda r, online: self.phones[r].set_online(online) if r in self.phones else None)
            self.call_bars[ramal] = window
        window.present()

    def _tell_connection(self, phone: BackgroundPhone, state: str) -> None:
        """Say why a background phone cannot connect (an untrusted certificate, the API's
        error), once per reason: it retries with backoff and must not repeat itself."""
        if state == ConnectionState.CONNECTED:
            self._told_errors.pop(phone.ramal, None)
        elif state == ConnectionState.ERROR and phone.last_error \
                and self._told_errors.get(phone.ramal) != phone.last_error:
            self._told_errors[phone.ramal] = phone.last_error
            self._messages.error(_("Extension {ramal}: {error}", ramal=phone.ramal,
                                   error=phone.last_error))

    # --- incoming calls ---------------------------------------------------------------

    def _on_incoming(self, phone: BackgroundPhone, session: PhoneSession, number: str) -> None:
        settings = self._state.settings
        shown = self._display(number)
        if settings.do_not_disturb:
            log.info("incoming call on %s under Do Not Disturb (%s)", phone.ramal,
                     settings.dnd_action)
            if settings.dnd_action is DndAction.DECLINE:
                session.hangup()
            return   # ignored calls ring out in the page and are recorded as missed
        name = settings.favourite_name_for(self._api_value(number) or number, self._api_value)
        from tvdesk.ui.ringing_window import RingingWindow

        window = RingingWindow(number, name, phone.ramal, settings.region)
        window.answered.connect(lambda: self._answer(phone, session))
        window.declined.connect(lambda: self._decline(phone, session))
        window.dismissed.connect(lambda: self.ringing.pop(phone.ramal, None))
        old = self.ringing.pop(phone.ramal, None)
        if old is not None:
            old.withdraw()
        self.ringing[phone.ramal] = window
        log.info("ringing window shown for a call on %s", phone.ramal)
        window.present()
        self._messages.info(_("Incoming call from {caller} on extension {ramal}",
                              caller=f"{name} ({shown})" if name else shown, ramal=phone.ramal),
                            call_topic(phone.ramal))

    def _answer(self, phone: BackgroundPhone, session: PhoneSession) -> None:
        self.ringing.pop(phone.ramal, None)
        session.answer()
        self.show_call_bar(phone.ramal)

    def _decline(self, phone: BackgroundPhone, session: PhoneSession) -> None:
        self.ringing.pop(phone.ramal, None)
        self._declined.add(phone.ramal)
        session.hangup()

    def _on_finished(self, phone: BackgroundPhone, remote: str, direction: str,
                     answered: bool) -> None:
        window = self.ringing.pop(phone.ramal, None)
        if window is not None:
            window.withdraw()
        self._messages.clear(call_topic(phone.ramal))   # "Calling…"/"Incoming call…" is over
        declined = phone.ramal in self._declined
        self._declined.discard(phone.ramal)
        if direction != "incoming" or declined:
            return
        kind = "incoming" if answered else "missed"
        self._quick_dial.record(CallRecord(number=remote, display=self._display(remote),
                                           ramal=phone.ramal, when=time.time(), kind=kind))
        if kind == "missed":
            self._messages.error(_("Missed call from {caller}", caller=self._display(remote)))

    def _on_error(self, phone: BackgroundPhone, text: str) -> None:
        if phone.connection == ConnectionState.CONNECTED:
            self._messages.error(_("Extension {ramal}: {error}", ramal=phone.ramal, error=text))

    # --- status for the tray ----------------------------------------------------------

    def status(self) -> ConnectionState:
        phones = list(self.phones.values())
        if not phones:
            return ConnectionState.IDLE
        if any(p.in_call() for p in phones):
            return ConnectionState.IN_CALL
        for state in (ConnectionState.ERROR, ConnectionState.DISCONNECTED,
                      ConnectionState.CONNECTING):
            if any(p.connection == state for p in phones):
                return state
        return ConnectionState.CONNECTED

    def _update_status(self) -> None:
        self.status_changed.emit(self.status().value)

    def _display(self, number: str) -> str:
        return caller_display(number, self._state.settings.region) or _("Unknown number")

    def _api_value(self, text: str) -> str | None:
        target = caller_target(text, self._state.settings.region)
        return target.api_value if target is not None else None
