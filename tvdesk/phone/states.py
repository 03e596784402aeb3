"""The webphone's call and connection states, defined once, with their words for people.

Qt-free and web-engine-free: the tray, the call bar and the CLI can say a state
without loading anything heavy.
"""

from __future__ import annotations

import enum

from tvdesk.core.i18n import _


class CallState(enum.StrEnum):
    """The `status` values of the webphone's postMessage protocol."""

    CONNECTED = "conectado"        # registered, no call
    DISCONNECTED = "desconectado"
    CALLING = "chamando"           # ringing out (or in)
    TALKING = "conversando"
    ENDED = "encerrada"

    @property
    def in_call(self) -> bool:
        """The one definition of "in a call": ringing or talking."""
        return self in (CallState.CALLING, CallState.TALKING)

    def label(self) -> str:
        return {
            CallState.CONNECTED: _("ready"),
            CallState.DISCONNECTED: _("disconnected"),
            CallState.CALLING: _("calling…"),
            CallState.TALKING: _("in call"),
            CallState.ENDED: _("call ended"),
        }[self]


def state_label(state: str) -> str:
    """Words for a state as the page sent it; unknown text is shown as it is."""
    try:
        return CallState(state).label()
    except ValueError:
        return state


class ConnectionState(enum.StrEnum):
    """A background phone's link to the service, and the tray's summary of all of them."""

    IDLE = "idle"                  # no background phone at all
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    ERROR = "error"
    IN_CALL = "in_call"            # summary only: some phone is in a call
    DND = "dnd"                    # summary only: Do Not Disturb is on


def certificate_message() -> str:
    """What the person reads when the webphone page failed on its certificate."""
    return _("The webphone page's certificate is not trusted, so it cannot be shown. "
             "If your company's network re-signs secure connections, add the company CA "
             "to the certificates the webphone trusts (on Linux, the NSS database "
             "~/.pki/nssdb, with certutil): see Troubleshooting in the README.")
