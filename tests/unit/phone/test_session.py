"""PhoneSession, the one interpreter of the webphone's events, fed by a fake page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal

from tvdesk.core.webphone_protocol import build_command, parse_event
from tvdesk.phone.session import PhoneSession
from tvdesk.phone.states import CallState, ConnectionState, state_label


class FakeChannel(QObject):
    """What a host page offers a session: events in, commands out (recorded)."""

    call_event = Signal(object)

    def __init__(self, accepts: bool = True) -> None:
        super().__init__()
        self.sent: list[dict] = []
        self.accepts = accepts

    def send_command(self, name: str, **fields: str) -> bool:
        build_command(name, **fields)   # the real validation: raises on a bad command
        if self.accepts:
            self.sent.append({"message": name, **fields})
        return self.accepts

    def post(self, payload: str) -> None:
        """The page posts a message: only documented shapes reach the session."""
        event = parse_event(payload)
        if event is not None:
            self.call_event.emit(event)

    def status(self, state: str) -> None:
        self.post(f'{{"message": "status", "status": "{state}"}}')


@pytest.fixture
def channel(qapp):
    return FakeChannel()


@pytest.fixture
def session(channel):
    return PhoneSession(channel, "4000")


def record(signal) -> list:
    seen: list = []
    signal.connect(lambda *args: seen.append(args if len(args) != 1 else args[0]))
    return seen


def test_in_call_is_ringing_or_talking_and_nothing_else(session, channel):
    assert not session.in_call() and session.state is None
    for state, in_call in (("conectado", False), ("chamando", True), ("conversando", True),
                           ("encerrada", False), ("desconectado", False)):
        channel.status(state)
        assert session.state == state and session.in_call() is in_call
    assert [s for s in CallState if s.in_call] == [CallState.CALLING, CallState.TALKING]


def test_an_outgoing_call_finishes_once_and_is_recorded_as_dialled(session, channel):
    finished, dialled = record(session.call_finished), record(session.dialled)
    channel.status("conectado")
    assert session.dial("+554832830151")
    assert channel.sent == [{"message": "chamaNumero", "numero": "+554832830151"}]
    for state in ("chamando", "conversando", "encerrada", "encerrada", "conectado"):
        channel.status(state)
    assert dialled == ["+554832830151"]
    assert finished == [("+554832830151", "outgoing", True)]


def test_a_refused_dial_is_not_recorded(qapp):
    channel = FakeChannel(accepts=False)
    session = PhoneSession(channel, "4000")
    dialled = record(session.dialled)
    assert session.dial("+554832830151") is False
    assert dialled == [] and session.remote == ""


def test_incoming_calls_answered_and_missed(session, channel):
    incoming, finished = record(session.incoming_call), record(session.call_finished)
    for answered in (True, False, True):
        channel.status("conectado")
        channel.post('{"message": "chegandoChamada", "numeroChegando": "+554832830151",'
                     ' "chamadaRecebidaId": 7}')
        channel.status("chamando")
        if answered:
            assert session.answer()
            channel.status("conversando")
        channel.status("encerrada")
    assert incoming == [("+554832830151", "7")] * 3
    assert finished == [("+554832830151", "incoming", True), ("+554832830151", "incoming", False),
                        ("+554832830151", "incoming", True)]
    assert [c["message"] for c in channel.sent] == ["answer", "answer"]


def test_the_end_of_a_call_asks_the_host_to_close_only_with_fechar_fim(qapp):
    for close_at_end, expected in ((True, 1), (False, 0)):
        channel = FakeChannel()
        session = PhoneSession(channel, "4000", close_at_end=close_at_end)
        closes = record(session.view_close_requested)
        for state in ("conectado", "chamando", "conversando", "encerrada"):
            channel.status(state)
        assert len(closes) == expected


def test_the_page_closing_itself_also_closes_the_view(session):
    closes = record(session.view_close_requested)
    session.page_closed_itself()
    assert len(closes) == 1


def test_a_lost_renderer_ends_the_call_without_closing_the_view(qapp):
    channel = FakeChannel()
    session = PhoneSession(channel, "4000", close_at_end=True)
    closes, finished = record(session.view_close_requested), record(session.call_finished)
    channel.status("chamando")
    session.page_lost()
    assert session.state is CallState.ENDED and not session.in_call()
    assert closes == [] and finished == [("", "outgoing", False)]
    session.page_lost()                       # nothing more to end
    assert len(finished) == 1


def test_mute_and_recording_are_tracked_and_reset_at_the_end(session, channel):
    muted, recording = record(session.muted_changed), record(session.recording_changed)
    channel.status("chamando")
    assert session.toggle_mute() is False     # only while talking
    channel.status("conversando")
    assert session.toggle_mute() and session.muted
    assert session.set_recording(True) and session.recording
    channel.status("encerrada")
    assert not session.muted and not session.recording
    assert muted == [True, False] and recording == [True, False]


def test_queue_and_quality_events(session, channel):
    queue, quality = record(session.queue_changed), record(session.quality_changed)
    channel.post('{"message": "entrou_na_fila", "filaId": 12}')
    channel.post('{"message": "pausou_na_fila", "filaId": "12"}')
    channel.post('{"message": "saiu_da_fila"}')
    channel.post('{"message": "stats_webphone", "internet": "boa", "computador": "bom"}')
    assert queue == [("entrou_na_fila", "12"), ("pausou_na_fila", "12"), ("saiu_da_fila", "")]
    assert session.queue_state == "saiu_da_fila"
    assert quality == ["internet: boa · computer: bom"]


def test_errors_and_undocumented_messages(session, channel):
    errors, states = record(session.error), record(session.state_changed)
    channel.post('{"message": "status_erro", "status_erro": "Nenhuma chamada ativa"}')
    channel.post('{"message": "status", "status": "hacked"}')
    channel.post('{"message": "evil", "payload": 1}')
    channel.post("not json")
    assert errors == ["Nenhuma chamada ativa"] and states == []


def test_commands_are_validated_before_they_leave(session, channel):
    channel.status("conversando")
    assert session.send_dtmf("5") and session.transfer("4001", attended=True)
    with pytest.raises(ValueError):
        session.send_dtmf("55")
    assert channel.sent[-1] == {"message": "transferirConsulta", "numeroTelefone": "4001"}


def test_state_words():
    assert state_label("conversando") == "in call" and state_label("weird") == "weird"
    assert ConnectionState("in_call") is ConnectionState.IN_CALL
