"""One extension's webphone as a state machine, whatever hosts its page.

PhoneSession is the one place where the page's events are interpreted: call state,
remote number, muted, recording, incoming calls, queue and quality. It is also where
"in a call" and "the call ended" are decided, and where the end of a call asks its
host to close its view (`view_close_requested`) when `fechar_fim` was asked for.
Every host feeds it the same way: the phone window (floating), the main-window panel
(embedded) and the background page (hidden). It knows nothing of widgets; the call
bar, the ringing window and the tray listen to it.

Its boundary is messages: it reads `WebphoneEvent`s from its channel's `call_event`
signal and writes commands with `send_command(name, **fields)`. A test feeds it a
fake channel; a later host in another process only needs to carry those messages.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from tvdesk.core.i18n import _
from tvdesk.core.webphone_protocol import WebphoneEvent
from tvdesk.phone.states import CallState

log = logging.getLogger("tvdesk.session")

QUEUE_EVENTS = ("entrou_na_fila", "saiu_da_fila", "pausou_na_fila", "despausou_na_fila")


class WebphoneChannel(Protocol):
    """What a session needs of a page: its events in, commands out."""

    call_event: SignalInstance   # emits WebphoneEvent

    def send_command(self, name: str, **fields: str) -> bool: ...


class PhoneSession(QObject):
    state_changed = Signal(str)        # a CallState value
    remote_changed = Signal(str)       # the other party's number, when known
    error = Signal(str)                # a status_erro text from the page
    muted_changed = Signal(bool)
    recording_changed = Signal(bool)
    incoming_call = Signal(str, str)   # caller number, chamadaRecebidaId
    call_finished = Signal(str, str, bool)  # remote, "incoming"/"outgoing", answered
    quality_changed = Signal(str)      # the page's own words for internet / computer quality
    queue_changed = Signal(str, str)   # entrou_na_fila, pausou_na_fila, ...; filaId or ""
    view_close_requested = Signal()    # the call ended with fechar_fim, or the page closed itself
    dialled = Signal(str)              # an outgoing call went out to this number (any control)

    def __init__(self, channel: WebphoneChannel, ramal: str, parent: QObject | None = None,
                 *, close_at_end: bool = False) -> None:
        super().__init__(parent)
        self.page = channel
        self.ramal = ramal
        self.close_at_end = close_at_end
        self.state: CallState | None = None
        self.remote = ""
        self.muted = False
        self.recording = False
        self.quality: dict[str, str] = {}
        self.queue_state = ""
        self.incoming = False      # the current call rang here
        self.answered = False      # the current call reached conversando
        channel.call_event.connect(self.handle_event)

    def in_call(self) -> bool:
        return self.state is not None and self.state.in_call

    # --- the person's actions ---------------------------------------------------------

    def dial(self, number: str) -> bool:
        """Every outgoing call of a hosted page goes through here, whoever asked for it
        (the dialer, the call bar), so the history hears of each one through `dialled`."""
        if not self.page.send_command("chamaNumero", numero=number):
            return False
        self._set_remote(number)
        self.incoming = False
        self.dialled.emit(number)
        return True

    def answer(self) -> bool:
        return self.page.send_command("answer")

    def hangup(self) -> bool:
        return self.page.send_command("hangup")

    def send_dtmf(self, digit: str) -> bool:
        return self.page.send_command("enviaDTMF", dtmf=digit)

    def toggle_mute(self) -> bool:
        if self.state is not CallState.TALKING or not self.page.send_command("mute"):
            return False
        self.muted = not self.muted   # the protocol has no mute event: track it here
        self.muted_changed.emit(self.muted)
        return True

    def transfer(self, number: str, attended: bool) -> bool:
        return self.page.send_command("transferirConsulta" if attended else "transferir",
                                      numeroTelefone=number)

    def set_recording(self, on: bool) -> bool:
        if not self.page.send_command("recStart" if on else "recStop"):
            return False
        self.recording = on
        self.recording_changed.emit(on)
        return True

    def reconnect(self) -> bool:
        return self.page.send_command("conectar")

    def disconnect_phone(self) -> bool:
        return self.page.send_command("desconectar")

    def quality_text(self) -> str:
        if not self.quality:
            return ""
        return _("internet: {internet} · computer: {computer}",
                 internet=self.quality.get("internet") or "?",
                 computer=self.quality.get("computador") or "?")

    def page_closed_itself(self) -> None:
        """The page called `window.close()` (what the real webphone does with fechar_fim)."""
        log.info("webphone page of %s asked to close", self.ramal)
        self.view_close_requested.emit()

    def page_lost(self) -> None:
        """The renderer died: whatever call there was is gone."""
        if self.in_call():
            self._set_state(CallState.ENDED, close_view=False)

    # --- the page's events ------------------------------------------------------------

    def handle_event(self, event: WebphoneEvent) -> None:
        if event.name == "chegandoChamada":
            number = str(event.fields.get("numeroChegando", ""))
            self.incoming = True
            self.answered = False
            self._set_remote(number)
            log.info("incoming call on %s", self.ramal)
            self.incoming_call.emit(number, str(event.fields.get("chamadaRecebidaId", "")))
        elif event.name == "status_erro":
            self.error.emit(str(event.fields.get("status_erro", "")))
        elif event.name == "stats_webphone":
            self.quality = {key: str(event.fields.get(key, "")) for key in ("internet", "computador")}
            self.quality_changed.emit(self.quality_text())
        elif event.name in QUEUE_EVENTS:
            self.queue_state = event.name
            self.queue_changed.emit(event.name, str(event.fields.get("filaId", "")))
        elif event.call_state:
            self._set_state(CallState(event.call_state))

    def _set_state(self, state: CallState, close_view: bool = True) -> None:
        was_in_call = self.in_call()
        if state is CallState.TALKING:
            self.answered = True
        if state is CallState.ENDED and was_in_call:
            self.call_finished.emit(self.remote, "incoming" if self.incoming else "outgoing",
                                    self.answered)
        if not state.in_call:
            if self.muted:
                self.muted = False
                self.muted_changed.emit(False)
            if self.recording:
                self.recording = False
                self.recording_changed.emit(False)
        if state in (CallState.ENDED, CallState.CONNECTED, CallState.DISCONNECTED):
            self.incoming = False
            self.answered = False
        self.state = state
        self.state_changed.emit(state.value)
        if state is CallState.ENDED and self.close_at_end and close_view:
            log.info("call on %s ended: closing its view", self.ramal)
            self.view_close_requested.emit()

    def _set_remote(self, number: str) -> None:
        if number != self.remote:
            self.remote = number
            self.remote_changed.emit(number)
