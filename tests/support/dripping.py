"""A hostile loopback API: a valid answer sent one byte at a time, or one that never ends.

Plain sockets, so the test decides every byte: `drip_headers` drips the status line and
headers too (requests' read timeout applies per read, so neither ever trips it), and
`endless` sends a chunked body that never ends, as fast as the client reads it.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class DrippingServer:
    body: bytes
    interval: float = 0.5          # seconds between two bytes
    drip_headers: bool = False
    endless: bool = False
    paths: list[str] = field(default_factory=list)
    _listener: socket.socket | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _open: list[socket.socket] = field(default_factory=list)

    @property
    def port(self) -> int:
        assert self._listener is not None
        return self._listener.getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DrippingServer:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(32)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for connection in list(self._open):
            try:
                connection.close()
            except OSError:
                pass
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._open.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                data = connection.recv(4096)
                if not data:
                    return
                request += data
            self.paths.append(request.split(b" ")[1].decode("latin-1"))
            if self.endless:
                self._send_endless(connection)
                return
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(self.body))
            if not self.drip_headers:
                connection.sendall(head)
                head = b""
            for byte in head + self.body:
                if self._stopping.wait(self.interval):
                    return
                connection.sendall(bytes([byte]))
            time.sleep(0.1)
        except OSError:
            pass   # the client gave up: that is the point
        finally:
            connection.close()

    def _send_endless(self, connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"[" * 65536
        framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        while not self._stopping.is_set():
            connection.sendall(framed)
