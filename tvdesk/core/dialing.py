"""What a dial asks for and how it ended, as types (no Qt).

Every dial, wherever it comes from (the main window, the tray, the clipboard, a
`tel:` link, the hotkey, `tvdesk dial`), is a `DialRequest` and ends in exactly one
`DialOutcome`: started, cancelled by the person, refused before anything was sent,
or failed with the API's error. The running app hands the outcome back to
`tvdesk dial`, which prints its message and exits with its code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tvdesk.core.exit_codes import ExitCode

if TYPE_CHECKING:
    from tvdesk.core.phone_numbers import DialTarget


class DialSource(enum.Enum):
    APP = "app"              # typed or picked in tvdesk itself (main window, tray, quick dial)
    CLIPBOARD = "clipboard"  # the tray's "Call <number on the clipboard>"
    LINK = "link"            # a clicked tel:/callto: link
    HOTKEY = "hotkey"        # the global clipboard hotkey
    CLI = "cli"              # `tvdesk dial`

    @property
    def from_outside(self) -> bool:
        """Numbers from outside tvdesk are shown to the person before they are dialled."""
        return self in (DialSource.LINK, DialSource.HOTKEY, DialSource.CLI)


@dataclass(frozen=True)
class DialRequest:
    ramal: str | None = None      # None: the default extension
    number: str | None = None     # as typed or copied; None: just open the phone
    source: DialSource = DialSource.APP
    confirmed: bool = False       # the person (or `tvdesk dial --yes`) already said yes

    def needs_confirmation(self, target: DialTarget | None, confirm_setting: bool,
                           home_region: str) -> bool:
        """Numbers from outside tvdesk are shown before they are dialled, unless the
        setting is off; premium-rate and international ones always, the tray's clipboard
        entry included. Only `tvdesk dial --yes` (or the person's own yes) skips it."""
        if target is None or self.confirmed or self.source is DialSource.APP:
            return False
        if is_costly(target, home_region):
            return True
        return confirm_setting and self.source.from_outside


def is_international(target: DialTarget, home_region: str) -> bool:
    return not target.is_extension and bool(target.region_code) \
        and target.region_code != home_region


def is_costly(target: DialTarget, home_region: str) -> bool:
    """A call that costs more than the person may think: premium rate, or abroad."""
    return target.is_premium_rate or is_international(target, home_region)


class DialResult(enum.Enum):
    STARTED = "started"      # the API gave a webphone URL (or the background phone dialled)
    CANCELLED = "cancelled"  # the person said no, or did not answer in time
    REFUSED = "refused"      # nothing was sent: bad number, unknown extension, busy, no token
    FAILED = "failed"        # the API (or the network) answered with an error


@dataclass(frozen=True)
class DialOutcome:
    result: DialResult
    message: str              # one sentence in the person's language
    exit_code: ExitCode
    ramal: str | None = None

    @property
    def started(self) -> bool:
        return self.result is DialResult.STARTED

    def to_wire(self) -> dict[str, Any]:
        """As it travels to `tvdesk dial` over the instance socket."""
        return {"ok": self.started, "result": self.result.value, "message": self.message,
                "exit_code": int(self.exit_code), "ramal": self.ramal}

    @classmethod
    def from_wire(cls, reply: dict[str, Any]) -> DialOutcome | None:
        """The outcome in a reply, or None when the reply does not hold a valid one."""
        try:
            result = DialResult(reply.get("result"))
            code = ExitCode(int(reply.get("exit_code")))  # type: ignore[arg-type]  # checked below
        except (TypeError, ValueError):
            return None
        message = reply.get("message")
        ramal = reply.get("ramal")
        if not isinstance(message, str) or not isinstance(ramal, (str, type(None))):
            return None
        return cls(result, message, code, ramal)


class ConfirmationAnswer(enum.Enum):
    YES = "yes"
    NO = "no"
    NO_ANSWER = "no_answer"   # the question was withdrawn after CONFIRMATION_TIMEOUT


CONFIRMATION_TIMEOUT = 120   # seconds a confirmation waits for the person before it is withdrawn


# Status-line topics: a line about something that is over is taken back by its topic.
NUMBER_TOPIC = "number"   # a refusal of the number typed in the main window


def call_topic(ramal: str) -> str:
    """The topic of an extension's call: cleared when that call is over."""
    return f"call:{ramal}"
