"""A connected webphone (embedded or hidden) driven through its documented protocol.

PhoneSession turns the page's events into state (call state, remote number, muted,
recording, incoming calls) and the person's actions into commands. It knows nothing of
widgets: the call bar, the ringing window and the tray all listen to it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from tvdesk.core.i18n import _
from tvdesk.core.webphone_protocol import WebphoneEvent
from tvdesk.ui.webphone_page import WebphonePage

log = logging.getLogger("tvdesk.session")

IN_CALL = ("chamando", "conversando")
QUEUE_EVENTS = ("entrou_na_fila", "saiu_da_fila", "pausou_na_fila", "despausou_na_fila")


class PhoneSession(QObject):
    state_changed = Signal(str)        # conectado, desconectado, chamando, conversando, encerrada
    remote_changed = Signal(str)       # the other party's number, when known
    error = Signal(str)                # a status_erro text from the page
    muted_changed = Signal(bool)
    recording_changed = Signal(bool)
    incoming_call = Signal(str, str)   # caller number, chamadaRecebidaId
    call_finished = Signal(str, str, bool)  # remote, "incoming"/"outgoing", answered
    quality_changed = Signal(str)      # the page's own words for internet / computer quality
    queue_changed = Signal(str, str)   # entrou_na_fila, pausou_na_fila, ...; filaId or ""

    def __init__(self, page: WebphonePage, ramal: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.ramal = ramal
        self.state = ""
        self.remote = ""
        self.muted = False
        self.recording = False
        self.quality: dict[str, str] = {}
        self.queue_state = ""
        self.incoming = False      # the current call rang here
        self.answered = False      # the current call reached conversando
        page.call_event.connect(self._on_event)

    # --- the person's actions ---------------------------------------------------------

    def dial(self, number: str) -> bool:
        self._set_remote(number)
        self.incoming = False
        return self.page.send_command("chamaNumero", numero=number)

    def answer(self) -> bool:
        return self.page.send_command("answer")

    def hangup(self) -> bool:
        return self.page.send_command("hangup")

    def send_dtmf(self, digit: str) -> bool:
        return self.page.send_command("enviaDTMF", dtmf=digit)

    def toggle_mute(self) -> bool:
        if self.state != "conversando" or not self.page.send_command("mute"):
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

    def disconnect(self) -> bool:
        return self.page.send_command("desconectar")

    def quality_text(self) -> str:
        if not self.quality:
            return ""
        return _("internet: {internet} · computer: {computer}",
                 internet=self.quality.get("internet") or "?",
                 computer=self.quality.get("computador") or "?")

    # --- the page's events ------------------------------------------------------------

    def _on_event(self, event: WebphoneEvent) -> None:
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
            self._set_state(event.call_state)

    def _set_state(self, state: str) -> None:
        if state == "conversando":
            self.answered = True
        if state == "encerrada" and self.state in IN_CALL:
            self.call_finished.emit(self.remote, "incoming" if self.incoming else "outgoing",
                                    self.answered)
        if state not in IN_CALL:
            if self.muted:
                self.muted = False
                self.muted_changed.emit(False)
            if self.recording:
                self.recording = False
                self.recording_changed.emit(False)
        if state in ("encerrada", "conectado", "desconectado"):
            self.incoming = False
            self.answered = False
        self.state = state
        self.state_changed.emit(state)

    def _set_remote(self, number: str) -> None:
        if number != self.remote:
            self.remote = number
            self.remote_changed.emit(number)
