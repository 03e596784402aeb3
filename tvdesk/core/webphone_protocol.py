"""The webphone page's postMessage protocol, as data, and a strict parser of its events.

Only the documented event shapes pass; anything else is dropped (and logged without
its payload). Qt-free so it is tested on its own.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("tvdesk.webphone")

CALL_STATES = ("conectado", "desconectado", "chamando", "conversando", "encerrada")
MAX_EVENT_BYTES = 4096

# event name -> {field: accepted types}; `message` itself is implied.
EVENT_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "status": {"status": (str,)},
    "chegandoChamada": {"numeroChegando": (str, int), "numeroDestino": (str, int),
                        "chamadaRecebidaId": (str, int)},
    "chamada_id": {"chamada_id": (str, int)},
    "status_erro": {"status_erro": (str,)},
    "stats_webphone": {"internet": (str, int, float, dict), "computador": (str, int, float, dict)},
    "pausou_na_fila": {"filaId": (str, int)},
    "despausou_na_fila": {"filaId": (str, int)},
    "entrou_na_fila": {"filaId": (str, int)},
    "saiu_da_fila": {"filaId": (str, int)},
}


@dataclass(frozen=True)
class WebphoneEvent:
    name: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def call_state(self) -> str | None:
        return self.fields.get("status") if self.name == "status" else None


def parse_event(payload: str) -> WebphoneEvent | None:
    """The event in a JSON text posted by the page, or None when it is not a documented one."""
    if not isinstance(payload, str) or len(payload.encode("utf-8", "replace")) > MAX_EVENT_BYTES:
        log.info("dropped a webphone message: not text or too large")
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        log.info("dropped a webphone message: not JSON")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        log.info("dropped a webphone message without a 'message' name")
        return None
    name = data["message"]
    allowed = EVENT_FIELDS.get(name)
    if allowed is None:
        log.info("dropped an unknown webphone message")
        return None
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key == "message":
            continue
        kinds = allowed.get(key)
        if kinds is None or isinstance(value, bool) or not isinstance(value, kinds):
            log.info("dropped a %r webphone message with an unexpected field", name)
            return None
        fields[key] = value
    if name == "status" and fields.get("status") not in CALL_STATES:
        log.info("dropped a status message with an unknown state")
        return None
    return WebphoneEvent(name, fields)


# --- commands: what tvdesk may post into the page -------------------------------------

_DTMF = re.compile(r"[0-9*#]")
_DIALABLE = re.compile(r"\+?[0-9]{3,15}")
_QUEUE_ID = re.compile(r"[0-9A-Za-z_-]{1,32}")

# command -> {field: validator}; only these leave Python, and only with valid fields.
COMMAND_FIELDS: dict[str, dict[str, re.Pattern[str]]] = {
    "conectar": {},
    "desconectar": {},
    "chamaNumero": {"numero": _DIALABLE},
    "answer": {},
    "hangup": {},
    "enviaDTMF": {"dtmf": _DTMF},
    "mute": {},
    "transferir": {"numeroTelefone": _DIALABLE},
    "transferirConsulta": {"numeroTelefone": _DIALABLE},
    "recStart": {},
    "recStop": {},
    "pausarNaFila": {"filaId": _QUEUE_ID},
    "despausarNaFila": {"filaId": _QUEUE_ID},
    "entrarNaFila": {"filaId": _QUEUE_ID},
    "sairDaFila": {"filaId": _QUEUE_ID},
}
_OPTIONAL_FIELDS = {"filaId"}


def build_command(name: str, **fields: str) -> str:
    """The JSON of a documented command; ValueError for anything else."""
    allowed = COMMAND_FIELDS.get(name)
    if allowed is None:
        raise ValueError(f"unknown webphone command {name!r}")
    if set(fields) - set(allowed):
        raise ValueError(f"unexpected fields for {name}")
    for key, pattern in allowed.items():
        value = fields.get(key)
        if value is None and key in _OPTIONAL_FIELDS:
            continue
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"invalid {key} for {name}")
    return json.dumps({"message": name, **fields})
