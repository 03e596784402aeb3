"""The phone process: Qt WebEngine and the webphone pages, in a child of the tray app.

Once Qt WebEngine has started in a process, its browser side, zygote and utility
processes stay for the life of that process. Hosting it here lets the tray process
stay small all day: it starts this process when the person shows they are about to
call, and lets it exit a while after the last call (`tvdesk.phone.process_host`).
A renderer or GPU crash here can never take the tray down.

It hosts floating phone windows (`PhoneWindow`, the same class as in-process, so the
same policy and the same look) and view-less pages for background phones. The tray
process keeps every decision: which URL, when to reconnect, what a call means (its
`PhoneSession`s read the events forwarded from here). This side only shows pages,
applies the page policy (`WebphonePage`), and forwards what happens.

It reads operations from standard input and writes events to standard output, one
JSON object a line (`tvdesk.core.phone_wire`); standard output is kept for that alone.
It exits when told to, or when its standard input closes (the tray process is gone).
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
from typing import IO, Any

from tvdesk.core import phone_wire as wire
from tvdesk.core.i18n import apply_language
from tvdesk.core.redact import RedactingFilter, redact

# After a call's window closed, its page and then the shared renderer go; the new warm
# page waits this long so that it starts a fresh renderer rather than join the old one.
RENDERER_RENEW_DELAY_MS = 250

# The warm page lists the media devices: that starts Chromium's audio service (a
# utility process connecting to PulseAudio/PipeWire), which the first call's
# getUserMedia would otherwise wait for, about 50 ms here. Listing opens no capture
# stream and asks no permission (labels stay hidden). A local base address makes it a
# secure context, where navigator.mediaDevices exists; the page loads nothing else.
WARM_PAGE = ("<!doctype html><title>tvdesk</title><script>"
             "if (navigator.mediaDevices) { navigator.mediaDevices.enumerateDevices()"
             ".catch(function () {}); }</script>")
WARM_PAGE_BASE = "file:///tvdesk-warm-up/"

log = logging.getLogger("tvdesk.phone.process")


class WireLogHandler(logging.Handler):
    """Log lines travel to the tray process, which writes them to the one log file."""

    def __init__(self, send: Any) -> None:
        super().__init__()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._send({"ev": wire.LOG, "level": record.levelno, "name": record.name,
                        "message": record.getMessage()})
        except Exception:   # noqa: BLE001 - a log line must never break the phone
            pass


class Wire:
    """Both directions of the pipe, usable before Qt exists and from any thread."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._lock = threading.Lock()
        self._for_gui: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.wake: Any = None   # set once the GUI side can take messages

    def send(self, message: dict[str, Any]) -> None:
        data = wire.encode(message)
        with self._lock:
            try:
                self._out.write(data)
                self._out.flush()
            except (OSError, ValueError):
                pass   # the tray process is gone; end of input follows

    def read_forever(self, source: IO[bytes], fetcher: UrlFetcher) -> None:
        """On a thread, from the first moment: a webphone URL is fetched at once (while
        Qt starts); everything else waits for the GUI thread."""
        for line in source:
            message = wire.decode(line)
            if message is None:
                continue
            if message.get("op") == wire.FETCH_URL:
                fetcher.fetch(message)
                continue
            self._hand_over(message)
        self._hand_over(None)

    def _hand_over(self, message: dict[str, Any] | None) -> None:
        self._for_gui.put(message)
        wake = self.wake
        if wake is not None:
            try:
                wake()
            except RuntimeError:
                pass   # the GUI side is gone already: the process is ending

    def take(self) -> list[dict[str, Any] | None]:
        messages = []
        while True:
            try:
                messages.append(self._for_gui.get_nowait())
            except queue.Empty:
                return messages


class UrlFetcher:
    """Asks the API for webphone URLs here, so that the tray process never loads the HTTP
    stack for a call (about 15 MB it would keep all day). The token arrives with each
    request on the pipe and is only held by the client it builds; errors go back as the
    sentence for people and the exit code, never with the token or a URL's key."""

    def __init__(self, wire_: Wire) -> None:
        self._wire = wire_
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def prepare(self) -> None:
        try:
            from tvdesk.core.api import warm_up

            warm_up()   # the client's one-time work, ahead of the first request
        except Exception as error:   # noqa: BLE001 - the first request then does it
            log.warning("the HTTP client could not warm up (%s)", type(error).__name__)

    def fetch(self, message: dict[str, Any]) -> None:
        threading.Thread(target=self._fetch, args=(message,), name="webphone-url",
                         daemon=True).start()

    def _client(self, api_base: str, token: str) -> Any:
        from tvdesk.core.api import TotalVoiceClient, normalize_base_url

        base = normalize_base_url(api_base)
        with self._lock:
            client = self._clients.get((base, token))
            if client is None:
                for old in self._clients.values():
                    old.close()
                self._clients = {(base, token): TotalVoiceClient(base, token)}
                client = self._clients[(base, token)]
            return client

    def _fetch(self, message: dict[str, Any]) -> None:
        from tvdesk.core.errors import TvdeskError

        request = message.get("id")
        try:
            params = message.get("params") or {}
            url = self._client(str(message["api_base"]), str(message["token"])).webphone_url(
                ramal=str(params["ramal"]),
                ligar_para=str(params["ligar_para"]) if params.get("ligar_para") else None,
                fechar_fim=bool(params.get("fechar_fim")), tipo=str(params.get("tipo")))
        except TvdeskError as error:
            self._wire.send({"ev": wire.URL_FAILED, "id": request,
                             "message": error.user_message(), "exit_code": int(error.exit_code)})
            return
        except Exception as error:   # noqa: BLE001 - the tray hears of every failure
            log.error("webphone URL request failed unexpectedly (%s: %s)", type(error).__name__,
                      redact(str(error)))
            self._wire.send({"ev": wire.URL_FAILED, "id": request, "message": "",
                             "exit_code": 1})
            return
        self._wire.send({"ev": wire.URL, "id": request, "url": url})


class PhoneProcess:
    """The phone process's objects: its app, profile, windows and pages, by id."""

    def __init__(self, wire_: Wire) -> None:
        from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
        from PySide6.QtWidgets import QApplication

        self._wire = wire_
        self.send = wire_.send
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        existing = QApplication.instance()
        self.qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
        self.qapp.setApplicationName("tvdesk")
        self.qapp.setDesktopFileName("tvdesk")
        self.qapp.setQuitOnLastWindowClosed(False)

        class Inbox(QObject):
            arrived = Signal()   # messages wait in the wire's queue

        self.inbox = Inbox()
        self.inbox.arrived.connect(self._drain)
        self.windows: dict[int, Any] = {}
        self._geometries: dict[int, str] = {}   # a closing window's last geometry
        self.pages: dict[int, Any] = {}
        self._profile: Any = None
        self._spare: Any = None
        # Pages share one renderer (the tray decided, see phone_process_environment): the
        # warm page gets a fresh one after each call, so none keeps growing.
        self._renew_renderer = os.environ.get(wire.ONE_RENDERER_ENV) == "1"
        self._quitting = False
        wire_.wake = self.inbox.arrived.emit
        self.inbox.arrived.emit()   # what came while Qt was starting

    def _drain(self) -> None:
        for message in self._wire.take():
            self.handle(message)

    # --- operations -------------------------------------------------------------------

    def handle(self, message: dict[str, Any] | None) -> None:
        if message is None or message.get("op") == wire.QUIT:
            if not self._quitting:   # "quit", then the end of input: one quit
                log.info("phone process: quitting")
                self.quit()
            return
        op, ident = message.get("op"), message.get("id")
        try:
            if op == wire.OPEN_WINDOW:
                self.open_window(int(message["id"]), message)
            elif op == wire.PRESENT_WINDOW and ident in self.windows:
                self.windows[ident].present()
            elif op == wire.CLOSE_WINDOW and ident in self.windows:
                self.windows[ident].close()
            elif op == wire.OPEN_PAGE:
                self.open_page(int(message["id"]), str(message["url"]),
                               str(message.get("host", "hidden")))
            elif op == wire.CLOSE_PAGE:
                self.close_page(ident)
            elif op == wire.COMMAND and ident in self.pages:
                fields = message.get("fields") or {}
                self.pages[ident].send_command(str(message.get("name", "")),
                                               **{str(k): str(v) for k, v in fields.items()})
            else:
                log.debug("phone process: nothing to do for %s", op)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("phone process: malformed %s (%s)", op, type(error).__name__)

    def profile(self) -> Any:
        if self._profile is None:
            from tvdesk.phone.profile import create_web_profile
            self._profile = create_web_profile(None, self.qapp)
        return self._profile

    def warm_up(self) -> None:
        """Start Chromium now (a blank page), so the first call finds it running."""
        # Imported now, not when the first call arrives.
        import tvdesk.phone.background_host
        import tvdesk.phone.window_host  # noqa: F401
        self._spare = self._new_spare()
        self._spare.loadFinished.connect(self._on_warm)

    def _on_warm(self, _ok: bool) -> None:
        log.info("web engine warmed up")
        self.send({"ev": wire.READY})

    def _renew_spare(self) -> None:
        """Drop the warm page, and with it (no other page left) the shared renderer; a new
        warm page starts a fresh renderer a moment later, off any call's path."""
        from PySide6.QtCore import QTimer

        if self._spare is None or self.windows or self.pages or self._quitting:
            return
        old, self._spare = self._spare, None
        old.deleteLater()
        QTimer.singleShot(RENDERER_RENEW_DELAY_MS, self._warm_again)

    def _warm_again(self) -> None:
        if self._spare is None and not self._quitting:
            self._spare = self._new_spare()

    def _new_spare(self) -> Any:
        """A blank page: it keeps Chromium, and a renderer, running for the next call, and
        has Chromium start its audio service (see WARM_PAGE)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtWebEngineCore import QWebEnginePage

        page = QWebEnginePage(self.profile(), self.qapp)
        page.setHtml(WARM_PAGE, QUrl(WARM_PAGE_BASE))
        return page

    def open_window(self, ident: int, message: dict[str, Any]) -> None:
        from PySide6.QtGui import QIcon

        from tvdesk.phone.window_host import PhoneWindow
        from tvdesk.resources import resources_root

        icon_file = resources_root() / "icons" / (
            "tvdesk-demo.svg" if message.get("demo") else "tvdesk.svg")
        window = PhoneWindow(self.profile(), str(message["url"]), str(message["ramal"]),
                             str(message.get("shown", "")), bool(message.get("fechar_fim")),
                             geometry=str(message.get("geometry", "")),
                             icon=QIcon(str(icon_file)), open_external=self._open_external)
        self.windows[ident] = window
        self._forward_page(ident, window.page)
        window.reload_requested.connect(
            lambda _ramal: self.send({"ev": wire.RELOAD_REQUESTED, "id": ident}))
        # PhoneWindow says its geometry just before it says it closed: both go in one event.
        window.geometry_changed.connect(lambda text: self._geometries.__setitem__(ident, text))
        window.closed.connect(lambda _ramal: self._window_closed(ident))
        window.windowTitleChanged.connect(lambda title: self.send(
            {"ev": wire.TITLE, "id": ident, "title": title}))
        self.send({"ev": wire.TITLE, "id": ident, "title": window.windowTitle()})
        window.present()
        self.send({"ev": wire.WINDOW_SHOWN, "id": ident})

    def _window_closed(self, ident: int) -> None:
        self.windows.pop(ident, None)
        self.send({"ev": wire.WINDOW_CLOSED, "id": ident,
                   "geometry": self._geometries.pop(ident, "")})
        if self._renew_renderer:
            self._renew_spare()

    def open_page(self, ident: int, url: str, host: str) -> None:
        from PySide6.QtCore import QUrl

        from tvdesk.phone.background_host import keep_awake
        from tvdesk.phone.page import WebphonePage

        self.close_page(ident)
        page = WebphonePage(self.profile(), QUrl(url), self._open_external, self.qapp, host=host)
        keep_awake(page)
        self.pages[ident] = page
        self._forward_page(ident, page)
        page.load_failed.connect(lambda: self.send({"ev": wire.LOAD_FAILED, "id": ident}))
        page.start()

    def close_page(self, ident: Any) -> None:
        page = self.pages.pop(ident, None)
        if page is not None:
            page.blockSignals(True)
            page.deleteLater()

    def _forward_page(self, ident: int, page: Any) -> None:
        page.call_event.connect(lambda event: self.send(
            {"ev": wire.PAGE_EVENT, "id": ident, "name": event.name, "fields": event.fields}))
        page.certificate_rejected.connect(lambda host: self.send(
            {"ev": wire.CERTIFICATE_REJECTED, "id": ident, "host": host}))
        page.renderProcessTerminated.connect(lambda *_args: self.send(
            {"ev": wire.RENDERER_GONE, "id": ident}))

    def _open_external(self, url: Any) -> bool:
        # The page's policy already decided (a real click, at most three a page); the
        # tray process opens it, so one place owns the system browser.
        self.send({"ev": wire.OPEN_EXTERNAL, "url": url.toString()})
        return True

    def quit(self) -> None:
        self._quitting = True
        self._wire.wake = None   # nothing more is handed to this side
        for window in list(self.windows.values()):
            window.close()
        for ident in list(self.pages):
            self.close_page(ident)
        if self._spare is not None:
            self._spare.deleteLater()
            self._spare = None
        self.qapp.quit()

    def release(self) -> None:
        """After the event loop: pages and windows go first, then their profile, or Qt
        WebEngine warns that a page outlived it (and may crash on the way out)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        self._wire.wake = None
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if self._profile is not None:
            self._profile.deleteLater()
            self._profile = None
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run(argv: list[str] | None = None) -> int:
    """The phone process's main: `python -m tvdesk.phone.process_child` (or the frozen
    app with `--phone-process`)."""
    # Standard output carries the wire alone: keep it, and send fd 1 to stderr so that
    # nothing else (a library's print, Chromium) can write into the wire.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # The tray process prepared the environment Qt WebEngine needs (root, microphone,
    # throttling) before starting this one, and chose the language.
    apply_language(os.environ.get("TVDESK_LANGUAGE") or None)
    pipe = Wire(out)
    root = logging.getLogger("tvdesk")
    root.handlers[:] = [WireLogHandler(pipe.send)]
    root.addFilter(RedactingFilter())
    root.setLevel(logging.DEBUG if os.environ.get("TVDESK_PHONE_DEBUG") else logging.INFO)
    root.propagate = False
    fetcher = UrlFetcher(pipe)
    threading.Thread(target=pipe.read_forever, args=(sys.stdin.buffer, fetcher),
                     name="phone-wire", daemon=True).start()
    # The HTTP client loads while Qt starts, not when the first call's URL is wanted.
    threading.Thread(target=fetcher.prepare, name="http-client", daemon=True).start()
    phone = PhoneProcess(pipe)
    phone.warm_up()
    log.info("phone process started (pid %s)", os.getpid())
    code = phone.qapp.exec()
    phone.release()
    return code


if __name__ == "__main__":
    sys.exit(run())
