"""One running tvdesk per user and config dir, reached over a local socket.

The running app listens on a QLocalServer; `tvdesk`, `tvdesk dial ...` and links
talk to it with one JSON line each way: {"command": "show"} or
{"command": "dial", "ramal": "4000", "number": "+554832830151"}.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("tvdesk.instance")

MAX_REQUEST_BYTES = 8192
COMMANDS = ("show", "dial", "ping", "quit")


def send_to_running_instance(name: str, request: dict[str, Any],
                             timeout_ms: int = 3000) -> dict[str, Any] | None:
    """The running instance's answer, or None when no instance listens."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return None
    socket.write(json.dumps(request).encode("utf-8") + b"\n")
    if not socket.waitForBytesWritten(timeout_ms):
        return {"ok": False, "error": "no answer"}
    answer = b""
    while not answer.endswith(b"\n") and len(answer) <= MAX_REQUEST_BYTES:
        if not socket.bytesAvailable() and not socket.waitForReadyRead(timeout_ms):
            answer += bytes(socket.readAll().data())
            break
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    try:
        reply = json.loads(answer.decode("utf-8") or "null")
    except ValueError:
        reply = None
    return reply if isinstance(reply, dict) else {"ok": False, "error": "no answer"}


class InstanceServer(QObject):
    """Serves requests from later starts; `handler(request) -> reply dict`."""

    def __init__(self, name: str, handler: Callable[[dict[str, Any]], dict[str, Any]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # A stale socket file left by a crash: nobody answers on it, so take it over.
        if send_to_running_instance(self.name, {"command": "ping"}, 500) is None:
            QLocalServer.removeServer(self.name)
            return self._server.listen(self.name)
        return False

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
                if b"\n" in buf:
                    line = bytes(buf).split(b"\n", 1)[0]
                    sock.write(json.dumps(self._answer(line)).encode("utf-8") + b"\n")
                    sock.flush()
                    sock.disconnectFromServer()

            socket.readyRead.connect(on_ready)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():  # data that arrived before readyRead was connected
                on_ready()

    def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return {"ok": False, "error": "bad request"}
        if not isinstance(request, dict) or request.get("command") not in COMMANDS:
            return {"ok": False, "error": "unknown command"}
        if request["command"] == "ping":
            return {"ok": True}
        try:
            return self._handler(request)
        except Exception:
            log.exception("instance request failed")
            return {"ok": False, "error": "internal error"}
