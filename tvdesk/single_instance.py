"""One running tvdesk per user and config dir, reached over a local socket.

Who is "the" instance is decided by a lock file (QLockFile: a crashed instance's
lock is recognised as stale by its dead PID), not by who binds the socket first,
so two quick starts cannot both win. The running app listens on a QLocalServer;
later starts, `tvdesk dial ...` and links talk to it with one JSON line each way:
{"command": "show"} or {"command": "dial", "number": "tel:+55...", "source": "link"}.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("tvdesk.instance")

MAX_REQUEST_BYTES = 8192
COMMANDS = ("show", "dial", "dial-clipboard", "ping", "quit")


def send_to_running_instance(name: str, request: dict[str, Any], timeout_ms: int = 3000,
                             answer_timeout_ms: int | None = None) -> dict[str, Any] | None:
    """The running instance's answer, or None when no instance listens.

    `answer_timeout_ms` bounds the wait for the answer once the request is sent (a dial
    is answered when the person has confirmed it and the API has answered).
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return None
    socket.write(json.dumps(request).encode("utf-8") + b"\n")
    if not socket.waitForBytesWritten(timeout_ms):
        return {"ok": False, "error": "no answer"}
    deadline = time.monotonic() + (answer_timeout_ms or timeout_ms) / 1000
    answer = b""
    while not answer.endswith(b"\n") and len(answer) <= MAX_REQUEST_BYTES:
        left_ms = int((deadline - time.monotonic()) * 1000)
        if not socket.bytesAvailable() and (left_ms <= 0 or not socket.waitForReadyRead(left_ms)):
            answer += bytes(socket.readAll().data())
            break
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    try:
        reply = json.loads(answer.decode("utf-8") or "null")
    except ValueError:
        reply = None
    return reply if isinstance(reply, dict) else {"ok": False, "error": "no answer"}


def forward_to_running_instance(name: str, request: dict[str, Any],
                                wait_seconds: float = 15.0,
                                answer_timeout_ms: int | None = None) -> dict[str, Any] | None:
    """Send to the instance holding the lock, waiting while it is still starting up."""
    deadline = time.monotonic() + wait_seconds
    while True:
        reply = send_to_running_instance(name, request, 2000, answer_timeout_ms)
        if reply is not None or time.monotonic() >= deadline:
            return reply
        time.sleep(0.1)


Reply = Callable[[dict[str, Any]], None]


class InstanceServer(QObject):
    """Serves requests from later starts: `handler(request, reply)` calls `reply(dict)`
    once, now or later (a dial answers when its outcome is known)."""

    def __init__(self, name: str, handler: Callable[[dict[str, Any], Reply], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        """Call with the InstanceLock (tvdesk.instance_lock) held: any socket left over is
        a crashed instance's."""
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()

            def on_ready(sock: QLocalSocket = socket, buf: bytearray = buffer) -> None:
                buf.extend(bytes(sock.readAll().data()))
                if len(buf) > MAX_REQUEST_BYTES:
                    sock.abort()
                    return
                if b"\n" in buf and not sock.property("tvdesk-asked"):
                    sock.setProperty("tvdesk-asked", True)
                    line = bytes(buf).split(b"\n", 1)[0]
                    self._answer(line, functools.partial(self._send_reply, sock))

            socket.readyRead.connect(on_ready)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():  # data that arrived before readyRead was connected
                on_ready()

    @staticmethod
    def _send_reply(sock: QLocalSocket, reply: dict[str, Any]) -> None:
        if not shiboken_alive(sock) or sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
            log.info("the asker left before its answer was ready")
            return
        sock.write(json.dumps(reply).encode("utf-8") + b"\n")
        sock.flush()
        sock.disconnectFromServer()

    def _answer(self, line: bytes, reply: Reply) -> None:
        try:
            request = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            reply({"ok": False, "error": "bad request"})
            return
        if not isinstance(request, dict) or request.get("command") not in COMMANDS:
            reply({"ok": False, "error": "unknown command"})
            return
        if request["command"] == "ping":
            reply({"ok": True})
            return
        try:
            self._handler(request, reply)
        except Exception:
            log.exception("instance request failed")
            reply({"ok": False, "error": "internal error"})


def shiboken_alive(obj: QObject) -> bool:
    from shiboken6 import isValid

    return bool(isValid(obj))
