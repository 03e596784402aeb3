"""What the person sees of the background (hidden) phones: call bars, ringing
windows, Do-Not-Disturb, missed calls, and the connection state for the tray."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tvdesk.core.history import CallRecord
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import find_dialable
from tvdesk.core.settings import Settings
from tvdesk.ui.call_bar import CallBar
from tvdesk.ui.ringing_window import RingingWindow

log = logging.getLogger("tvdesk.hidden")


def queue_words(event: str, queue: str) -> str:
    words = {"entrou_na_fila": _("in the queue"), "despausou_na_fila": _("in the queue"),
             "pausou_na_fila": _("paused in the queue"),
             "saiu_da_fila": _("out of the queue")}.get(event, "")
    return f"{words} {queue}".strip() if words and queue else words


class CallBarWindow(QWidget):
    """A small window holding the call bar of one hidden extension, with its connection."""

    online_toggled = Signal(str, bool)   # ramal, online

    def __init__(self, ramal: str) -> None:
        super().__init__()
        self.ramal = ramal
        self.setObjectName("callBarWindow")
        self.setWindowTitle(_("Extension {ramal} — tvdesk", ramal=ramal))
        self.bar: CallBar | None = None
        self.status_line = QLabel(objectName="phoneStatusLine")
        self.online_button = QPushButton(_("Go offline"), objectName="onlineButton")
        self.online_button.setCheckable(True)
        self.online_button.setChecked(True)
        self.online_button.toggled.connect(self._on_online_toggled)
        footer = QHBoxLayout()
        footer.addWidget(self.status_line, 1)
        footer.addWidget(self.online_button)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.addLayout(footer)
        self._quality = ""
        self._queue = ""

    def attach(self, session, region: str) -> None:
        if self.bar is not None:
            self._layout.removeWidget(self.bar)
            self.bar.deleteLater()
        self.bar = CallBar(session, region, self)
        self._layout.insertWidget(0, self.bar)
        self._quality = session.quality_text()
        self._queue = queue_words(session.queue_state, "")
        session.quality_changed.connect(self._on_quality)
        session.queue_changed.connect(self._on_queue)
        self._show_status()

    def _on_quality(self, text: str) -> None:
        self._quality = text
        self._show_status()

    def _on_queue(self, event: str, queue: str) -> None:
        self._queue = queue_words(event, queue)
        self._show_status()

    def _show_status(self) -> None:
        self.status_line.setText(" · ".join(part for part in (self._quality, self._queue) if part))

    def _on_online_toggled(self, online: bool) -> None:
        self.online_button.setText(_("Go offline") if online else _("Go online"))
        self.online_toggled.emit(self.ramal, online)

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()


class HiddenCalls(QObject):
    status_changed = Signal(str)   # idle, connected, connecting, disconnected, error, in_call
    message = Signal(str, bool)

    def __init__(self, settings_provider: Callable[[], Settings],
                 record_call: Callable[[CallRecord], None],
                 notify: Callable[[str, bool], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings_provider
        self._record_call = record_call
        self._notify = notify
        self.phones: dict[str, object] = {}
        self.call_bars: dict[str, CallBarWindow] = {}
        self.ringing: dict[str, RingingWindow] = {}
        self._declined: set[str] = set()

    # --- phones -----------------------------------------------------------------------

    def watch(self, phone) -> None:
        self.phones[phone.ramal] = phone
        phone.connection_changed.connect(lambda _state: self._update_status())
        phone.session_created.connect(lambda session, p=phone: self._watch_session(p, session))
        self._update_status()

    def forget_all(self) -> None:
        for window in list(self.call_bars.values()) + list(self.ringing.values()):
            window.close()
        self.call_bars.clear()
        self.ringing.clear()
        self.phones.clear()
        self._update_status()

    def _watch_session(self, phone, session) -> None:
        session.incoming_call.connect(
            lambda number, _id, p=phone, s=session: self._on_incoming(p, s, number))
        session.call_finished.connect(
            lambda remote, direction, answered, p=phone: self._on_finished(
                p, remote, direction, answered))
        session.state_changed.connect(lambda _state: self._update_status())
        session.error.connect(lambda text, p=phone: self._on_error(p, text))
        bar = self.call_bars.get(phone.ramal)
        if bar is not None:
            bar.attach(session, self._settings().region)

    def show_call_bar(self, ramal: str) -> None:
        phone = self.phones.get(ramal)
        if phone is None or phone.session is None:
            return
        window = self.call_bars.get(ramal)
        if window is None:
            window = CallBarWindow(ramal)
            window.attach(phone.session, self._settings().region)
            window.online_toggled.connect(
                lambda r, online: self.phones[r].set_online(online) if r in self.phones else None)
            self.call_bars[ramal] = window
        window.present()

    # --- incoming calls ---------------------------------------------------------------

    def _on_incoming(self, phone, session, number: str) -> None:
        settings = self._settings()
        shown = self._display(number)
        if settings.do_not_disturb:
            log.info("incoming call on %s under Do Not Disturb (%s)", phone.ramal,
                     settings.dnd_action)
            if settings.dnd_action == "decline":
                session.hangup()
            return   # ignored calls ring out in the page and are recorded as missed
        name = settings.favourite_name_for(self._api_value(number) or number, self._api_value)
        window = RingingWindow(number, name, phone.ramal, settings.region)
        window.answered.connect(lambda: self._answer(phone, session))
        window.declined.connect(lambda: self._decline(phone, session))
        window.dismissed.connect(lambda: self.ringing.pop(phone.ramal, None))
        old = self.ringing.pop(phone.ramal, None)
        if old is not None:
            old.withdraw()
        self.ringing[phone.ramal] = window
        log.info("ringing window shown for a call on %s", phone.ramal)
        window.show()
        window.raise_()
        self._notify(_("Incoming call from {caller} on extension {ramal}",
                       caller=f"{name} ({shown})" if name else shown, ramal=phone.ramal), False)

    def _answer(self, phone, session) -> None:
        self.ringing.pop(phone.ramal, None)
        session.answer()
        self.show_call_bar(phone.ramal)

    def _decline(self, phone, session) -> None:
        self.ringing.pop(phone.ramal, None)
        self._declined.add(phone.ramal)
        session.hangup()

    def _on_finished(self, phone, remote: str, direction: str, answered: bool) -> None:
        window = self.ringing.pop(phone.ramal, None)
        if window is not None:
            window.withdraw()
        declined = phone.ramal in self._declined
        self._declined.discard(phone.ramal)
        if direction != "incoming" or declined:
            return
        kind = "incoming" if answered else "missed"
        self._record_call(CallRecord(number=remote, display=self._display(remote),
                                     ramal=phone.ramal, when=time.time(), kind=kind))
        if kind == "missed":
            self._notify(_("Missed call from {caller}", caller=self._display(remote)), True)

    def _on_error(self, phone, text: str) -> None:
        if phone.connection == "connected":
            self.message.emit(_("Extension {ramal}: {error}", ramal=phone.ramal, error=text), True)

    # --- status for the tray ----------------------------------------------------------

    def status(self) -> str:
        phones = list(self.phones.values())
        if not phones:
            return "idle"
        if any(p.in_call() for p in phones):
            return "in_call"
        for state in ("error", "disconnected", "connecting"):
            if any(p.connection == state for p in phones):
                return state
        return "connected"

    def _update_status(self) -> None:
        self.status_changed.emit(self.status())

    def _display(self, number: str) -> str:
        target = find_dialable(number, self._settings().region)
        return target.display if target is not None else number

    def _api_value(self, text: str) -> str | None:
        target = find_dialable(text, self._settings().region)
        return target.api_value if target is not None else None
