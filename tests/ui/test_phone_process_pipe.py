"""PhoneProcessLink's pipe, with a stand-in child (no Qt WebEngine): what is sent reaches
the pipe at once, and no handler ever runs in the middle of a send."""

from __future__ import annotations

import sys
import time

import pytest
from PySide6.QtCore import QCoreApplication

from tvdesk.core import phone_wire as wire
from tvdesk.phone.process_host import PhoneProcessLink

pytestmark = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX pipes")

# Answers each line it reads with an event for receiver 1.
ECHO = ("import sys\n"
        "for line in sys.stdin:\n"
        "    sys.stdout.write('{\"ev\": \"title\", \"id\": 1, \"title\": \"seen\"}\\n')\n"
        "    sys.stdout.flush()\n")
# Never reads its input; says a line every 2 ms.
DEAF = ("import sys, time\n"
        "while True:\n"
        "    sys.stdout.write('{\"ev\": \"title\", \"id\": 1, \"title\": \"busy\"}\\n')\n"
        "    sys.stdout.flush()\n"
        "    time.sleep(0.002)\n")


class Receiver:
    def __init__(self) -> None:
        self.events: list[dict] = []
        self.sending = False
        self.heard_while_sending = 0
        self.gone = False

    def on_wire(self, message: dict) -> None:
        self.events.append(message)
        self.heard_while_sending += self.sending

    def on_process_gone(self) -> None:
        self.gone = True


def running_link(qapp, qtbot, program: str) -> tuple[PhoneProcessLink, Receiver]:
    # Owned by the application (as the app's own link is, by its dialer): a QObject left to
    # Python's garbage collector can be destroyed from another thread, mid-test, later.
    link = PhoneProcessLink(lambda: 60.0, qapp, command=lambda: [sys.executable, "-c", program])
    receiver = Receiver()
    assert link.register(receiver) == 1   # starts the stand-in
    qtbot.waitUntil(lambda: link.pid() not in (None, 0), timeout=10000)
    qtbot.wait(200)   # running, and its interpreter up
    return link, receiver


def test_a_message_is_in_the_pipe_when_send_returns(qapp, qtbot):
    link, receiver = running_link(qapp, qtbot, ECHO)
    try:
        for _ in range(20):
            link.send({"op": wire.OPEN_WINDOW, "id": 1, "url": "about:blank"})
            # Not waiting for the event loop (QProcess alone writes on its next turn).
            assert link._process.bytesToWrite() == 0
        qtbot.waitUntil(lambda: len(receiver.events) == 20, timeout=10000)
    finally:
        link.stop()
        link.deleteLater()


def test_a_full_pipe_runs_no_handler_in_the_middle_of_a_send(qapp, qtbot):
    link, receiver = running_link(qapp, qtbot, DEAF)
    try:
        big = {"op": wire.COMMAND, "id": 1, "name": "dtmf", "fields": {"x": "0" * 4096}}
        for _ in range(64):   # far more than a pipe holds: the later sends find it full
            time.sleep(0.01)  # and the child has said something meanwhile
            receiver.sending = True
            link.send(big)
            receiver.sending = False
            QCoreApplication.processEvents()
        assert receiver.heard_while_sending == 0
        assert receiver.events   # what it said was read all the same, between sends
    finally:
        link.stop(wait_ms=500)
        qtbot.waitUntil(lambda: not link.running, timeout=5000)
        link.deleteLater()
