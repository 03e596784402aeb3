"""The webphone's call states in words for people (no web engine needed to say them)."""

from __future__ import annotations

from tvdesk.core.i18n import _

ACTIVE_STATES = ("chamando", "conversando")


def state_label(state: str) -> str:
    return {
        "conectado": _("ready"),
        "desconectado": _("disconnected"),
        "chamando": _("calling…"),
        "conversando": _("in call"),
        "encerrada": _("call ended"),
    }.get(state, state)
