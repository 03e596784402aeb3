"""parse_event(): only the documented webphone events pass."""

from __future__ import annotations

import json

import pytest

from tvdesk.core.webphone_protocol import CALL_STATES, MAX_EVENT_BYTES, WebphoneEvent, parse_event


def event(**data):
    return json.dumps(data)


@pytest.mark.parametrize("state", CALL_STATES)
def test_status_events(state):
    parsed = parse_event(event(message="status", status=state))
    assert parsed == WebphoneEvent("status", {"status": state})
    assert parsed.call_state == state


def test_call_states_are_the_documented_ones():
    assert set(CALL_STATES) == {"conectado", "desconectado", "chamando", "conversando", "encerrada"}


@pytest.mark.parametrize("data", [
    {"message": "chegandoChamada", "numeroChegando": "+5511987654321",
     "numeroDestino": "4000", "chamadaRecebidaId": 123},
    {"message": "chegandoChamada", "numeroChegando": 5511987654321},
    {"message": "chamada_id", "chamada_id": 987},
    {"message": "chamada_id", "chamada_id": "987"},
    {"message": "status_erro", "status_erro": "microfone bloqueado"},
    {"message": "stats_webphone", "internet": "boa", "computador": 0.9},
    {"message": "stats_webphone", "internet": {"jitter": 3}, "computador": 1},
    {"message": "pausou_na_fila", "filaId": 7},
    {"message": "despausou_na_fila", "filaId": "7"},
    {"message": "entrou_na_fila"},
    {"message": "saiu_da_fila", "filaId": 7},
])
def test_documented_events_pass(data):
    parsed = parse_event(json.dumps(data))
    fields = {k: v for k, v in data.items() if k != "message"}
    assert parsed == WebphoneEvent(data["message"], fields)
    assert parsed.call_state is None


@pytest.mark.parametrize("payload", [
    event(message="chamaNumero", numero="4000"),         # a command, not an event
    event(message="eval", code="alert(1)"),
    event(message="STATUS", status="conectado"),
    event(message="__proto__"),
    event(status="conectado"),                           # no name
    event(message=42),
    event(message=None),
    event(message="status", status="conectado", extra=1),
    event(message="status", status="conectado", numero="4000"),
    event(message="chamada_id", chamada_id=1, status="encerrada"),
    event(message="status", status=1),
    event(message="status", status=["encerrada"]),
    event(message="status", status=None),
    event(message="chamada_id", chamada_id=1.5),
    event(message="chamada_id", chamada_id=True),
    event(message="pausou_na_fila", filaId=False),
    event(message="stats_webphone", internet=True),
    event(message="status_erro", status_erro={"x": 1}),
    event(message="status", status="hacked"),
    event(message="status", status="Encerrada"),
    event(message="status"),                             # a status without a state
    "not json",
    "{'message': 'status'}",
    "",
    "[]",
    '"status"',
    "null",
])
def test_anything_else_is_dropped(payload):
    assert parse_event(payload) is None


@pytest.mark.parametrize("payload", [None, b'{"message": "status", "status": "conectado"}', 42])
def test_non_text_is_dropped(payload):
    assert parse_event(payload) is None


def test_size_limit():
    base = {"message": "status_erro", "status_erro": ""}
    room = MAX_EVENT_BYTES - len(json.dumps(base))
    fits = json.dumps({**base, "status_erro": "x" * room})
    assert len(fits.encode()) == MAX_EVENT_BYTES
    assert parse_event(fits) is not None
    too_big = json.dumps({**base, "status_erro": "x" * (room + 1)})
    assert parse_event(too_big) is None


def test_size_is_counted_in_bytes_not_characters():
    base = {"message": "status_erro", "status_erro": ""}
    chars = (MAX_EVENT_BYTES - len(json.dumps(base))) // 2 + 10
    payload = json.dumps({**base, "status_erro": "é" * chars}, ensure_ascii=False)
    assert len(payload) < MAX_EVENT_BYTES < len(payload.encode())
    assert parse_event(payload) is None


def test_dropped_payloads_are_not_logged(caplog):
    caplog.set_level("DEBUG", logger="tvdesk.webphone")
    parse_event(event(message="status", status="conectado", secret="key=abc-payload-value"))
    parse_event(event(message="unknown-name-zz", x="abc-payload-value"))
    assert len(caplog.records) == 2
    assert "abc-payload-value" not in caplog.text
    assert "unknown-name-zz" not in caplog.text


# --- commands -------------------------------------------------------------------------

import json as _json

from tvdesk.core.webphone_protocol import build_command


@pytest.mark.parametrize(("name", "fields"), [
    ("chamaNumero", {"numero": "+554832830151"}),
    ("chamaNumero", {"numero": "4001"}),
    ("enviaDTMF", {"dtmf": "#"}),
    ("transferirConsulta", {"numeroTelefone": "+5511987654321"}),
    ("hangup", {}),
    ("entrarNaFila", {}),
    ("pausarNaFila", {"filaId": "12"}),
])
def test_documented_commands_are_built(name, fields):
    assert _json.loads(build_command(name, **fields)) == {"message": name, **fields}


@pytest.mark.parametrize(("name", "fields"), [
    ("eval", {}),
    ("chamaNumero", {}),
    ("chamaNumero", {"numero": "123'); alert(1); ('"}),
    ("enviaDTMF", {"dtmf": "12"}),
    ("enviaDTMF", {"dtmf": "A"}),
    ("hangup", {"extra": "x"}),
    ("transferir", {"numeroTelefone": "+55 11 98765-4321"}),
])
def test_anything_else_is_refused(name, fields):
    with pytest.raises(ValueError):
        build_command(name, **fields)
