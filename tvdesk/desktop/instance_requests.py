"""Requests from later starts, `tvdesk dial` and links, answered with typed outcomes.

A dial's reply waits for its outcome: the person's answer to the confirmation (up to
its limit) and the API's answer, never the end of the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from tvdesk.core.dialing import DialOutcome, DialRequest, DialSource
from tvdesk.desktop.quick_dial import QuickDial
from tvdesk.phone.dialer import Dialer

log = logging.getLogger("tvdesk.instance")

Reply = Callable[[dict[str, Any]], None]
OUTSIDE_SOURCES = {DialSource.CLI.value: DialSource.CLI, DialSource.LINK.value: DialSource.LINK}


class InstanceRequests(QObject):
    # A later start, a link or `tvdesk dial` asked for a window or a call: "show", "dial" or
    # "dial-clipboard" (never "quit" nor a malformed request), before it is carried out.
    request_arrived = Signal(str)

    def __init__(self, dialer: Dialer, quick_dial: QuickDial, show_main: Callable[[], None],
                 quit_app: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dialer = dialer
        self._quick_dial = quick_dial
        self._show_main = show_main
        self._quit = quit_app

    def handle(self, request: dict[str, Any], reply: Reply) -> None:
        command = request.get("command")
        if command == "show":
            self.request_arrived.emit(command)
            self._show_main()
            reply({"ok": True})
            return
        if command == "quit":
            reply({"ok": True})
            QTimer.singleShot(0, self._quit)  # after the answer has gone out
            return
        ramal = request.get("ramal")
        number = request.get("number")
        source = OUTSIDE_SOURCES.get(str(request.get("source", DialSource.CLI.value)))
        confirmed = request.get("confirmed", False)
        if not isinstance(ramal, (str, type(None))) or not isinstance(number, (str, type(None))) \
                or source is None or not isinstance(confirmed, bool):
            reply({"ok": False, "error": "bad dial request"})
            return
        self.request_arrived.emit("dial-clipboard" if command == "dial-clipboard" else "dial")

        def answer(outcome: DialOutcome) -> None:
            reply(outcome.to_wire())

        if command == "dial-clipboard":
            self._quick_dial.dial_clipboard(source=source, ramal=ramal, confirmed=confirmed,
                                            on_outcome=answer)
        else:
            self._dialer.dial(DialRequest(ramal=ramal, number=number, source=source,
                                          confirmed=confirmed), answer)
