"""The tray side of the phone process: start it on intent, host pages in it, let it go.

`PhoneProcessLink` owns the child (`tvdesk.phone.process_child`): it starts it when a
page is wanted or the person shows they are about to call, carries the messages both
ways, and, once no page is left, keeps it warm for `linger()` seconds and then tells
it to quit, which hands all of Qt WebEngine's memory back. A background phone keeps a
page, so it keeps the process.

`RemoteWindow` (a floating phone window) and `RemotePage` (a background phone's page)
stand in for `PhoneWindow` and `WebphonePage`: the same signals and methods, carried
over the link. Their events feed `PhoneSession`s here, so every decision stays in the
tray process. If the phone process dies, each of them reports its page lost, as a
crashed renderer would be.

Nothing secret goes in the child's command line or environment: webphone URLs travel
on its standard input, and `TVDESK_TOKEN` is removed from its environment.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, QUrl, Signal

import tvdesk
from tvdesk.core import phone_wire as wire
from tvdesk.core.errors import TvdeskError
from tvdesk.core.executables import gui_executable
from tvdesk.core.i18n import _, current_language
from tvdesk.core.redact import redact
from tvdesk.core.webphone_protocol import WebphoneEvent, build_command, parse_event
from tvdesk.core.webphone_url import check_webphone_for_api
from tvdesk.phone.session import PhoneSession

log = logging.getLogger("tvdesk.phone.process")

QUIT_GRACE_MS = 5000        # after "quit", how long before the process is killed
# A URL request answered by neither the API nor the phone process in this long has failed
# (the API client itself gives up after 20 s; starting the phone process takes a few).
URL_ANSWER_LIMIT_MS = 35_000
MAX_LOG_LINES_PER_S = 200   # a child flooding its error output floods no log file


def phone_process_command() -> list[str]:
    """How to start the phone process: the frozen app with a hidden switch, or Python."""
    if getattr(sys, "frozen", False):
        return [gui_executable(), "--phone-process"]   # windowed, even from tvdesk-cli.exe
    return [sys.executable, "-m", "tvdesk.phone.process_child"]


ONE_RENDERER_FLAG = "--renderer-process-limit=1"


def with_one_renderer(flags: str) -> str:
    """`flags` plus one renderer process for all pages, unless the person set a limit."""
    if "--renderer-process-limit" in flags:
        return flags
    return (flags + " " + ONE_RENDERER_FLAG).strip()


def phone_process_environment(one_renderer: bool = False) -> QProcessEnvironment:
    """The child's environment. `one_renderer` (when no background phone is set up):
    its pages share one renderer process, the one its blank warm page keeps running, so a
    call's page starts without waiting for a new renderer (about a fifth off a warm call
    here). After each call the child gives its warm page a fresh renderer
    (`ONE_RENDERER_ENV`), so memory does not build up call after call in a shared one.
    With a background phone, whose page lives all day, every page keeps its own renderer."""
    env = QProcessEnvironment.systemEnvironment()
    env.remove("TVDESK_TOKEN")   # the phone process never talks to the API
    flags = env.value("QTWEBENGINE_CHROMIUM_FLAGS", "")
    shared = with_one_renderer(flags) if one_renderer else flags
    if shared != flags:   # not when the person set a limit of their own
        env.insert("QTWEBENGINE_CHROMIUM_FLAGS", shared)
        env.insert(wire.ONE_RENDERER_ENV, "1")
    else:
        env.remove(wire.ONE_RENDERER_ENV)
    env.insert("TVDESK_LANGUAGE", current_language())
    if logging.getLogger("tvdesk").isEnabledFor(logging.DEBUG):
        env.insert("TVDESK_PHONE_DEBUG", "1")   # --debug: the phone process's details too
    else:
        env.remove("TVDESK_PHONE_DEBUG")
    if not getattr(sys, "frozen", False):
        # Run the same tvdesk as this process, wherever it was imported from.
        source = os.path.dirname(os.path.dirname(os.path.abspath(tvdesk.__file__)))
        paths = [source, *filter(None, env.value("PYTHONPATH", "").split(os.pathsep))]
        env.insert("PYTHONPATH", os.pathsep.join(dict.fromkeys(paths)))
    return env


class WireReceiver(Protocol):
    def on_wire(self, message: dict[str, Any]) -> None: ...

    def on_process_gone(self) -> None: ...


class PhoneProcessLink(QObject):
    open_external = Signal(QUrl)   # a link the person clicked in a page

    def __init__(self, linger: Callable[[], float], parent: QObject | None = None,
                 command: Callable[[], list[str]] = phone_process_command,
                 one_renderer: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self._linger = linger
        self._one_renderer = one_renderer   # asked at each start (see phone_process_environment)
        self._command = command
        self._process: QProcess | None = None
        self._queue: list[bytes] = []
        self._receivers: dict[int, WireReceiver] = {}
        self._ids = itertools.count(1)
        self._quitting = False
        self.is_ready = False
        self.starts = 0        # how many times a process was started (for tests, diagnostics)
        self._linger_timer = QTimer(self)
        self._linger_timer.setSingleShot(True)
        self._linger_timer.timeout.connect(self._linger_over)
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self._kill)

    # --- the process ------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None

    def pid(self) -> int | None:
        return int(self._process.processId()) if self._process is not None else None

    def ensure_running(self) -> None:
        """Start the process if it is not running; with no page, it lingers, then goes."""
        if self._quitting and self._process is not None:
            self._let_go()   # told to quit already: a fresh one serves this intent
        if self._process is None:
            self._start()
        if not self._receivers and self.is_ready:
            self._start_linger()   # once more: a new sign of intent (before ready, see READY)

    def _start(self) -> None:
        program, *arguments = self._command()
        process = QProcess(self)
        process.setProcessEnvironment(phone_process_environment(self._one_renderer()))
        process.readyReadStandardOutput.connect(self._read_output)
        process.readyReadStandardError.connect(self._read_errors)
        process.started.connect(self._flush)
        process.finished.connect(lambda code, status, p=process: self._safely(
            self._finished, p, code, status))
        process.errorOccurred.connect(lambda error, p=process: self._safely(self._failed, p, error))
        self._process = process
        self._quitting = False
        self.is_ready = False
        self.starts += 1
        log.info("starting the phone process")
        process.start(program, arguments)

    def stop(self, wait_ms: int = 3000) -> None:
        """Quit now (the app is quitting): pages first, then the process."""
        self._linger_timer.stop()
        process = self._process
        if process is None:
            return
        self._quitting = True
        self.send({"op": wire.QUIT})
        process.closeWriteChannel()
        if not process.waitForFinished(wait_ms):
            process.kill()
            process.waitForFinished(1000)

    def _start_linger(self) -> None:
        seconds = max(0.0, float(self._linger()))
        log.info("phone process idle: it goes in %s s unless a call comes", seconds)
        self._linger_timer.start(int(seconds * 1000))

    def _linger_over(self) -> None:
        if self._receivers or self._process is None:
            return
        log.info("no call for a while: the phone process exits and gives its memory back")
        self._quitting = True
        self.send({"op": wire.QUIT})
        self._process.closeWriteChannel()
        self._kill_timer.start(QUIT_GRACE_MS)

    def _kill(self) -> None:
        if self._process is not None:
            log.warning("the phone process did not quit in time: killed")
            self._process.kill()

    @staticmethod
    def _safely(handler: Callable[..., None], *args: Any) -> None:
        try:
            handler(*args)
        except RuntimeError:
            pass   # the link itself is being deleted (the app or a test is ending)

    def _finished(self, process: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if process is not self._process:
            process.deleteLater()   # one that was let go
            return
        self._kill_timer.stop()
        self._linger_timer.stop()
        self._read_output()
        asked = self._quitting
        self._process = None
        self._queue.clear()
        self.is_ready = False
        process.deleteLater()
        if asked:
            log.info("phone process exited")
        else:
            log.warning("phone process ended unexpectedly (%s, exit code %s)",
                        getattr(status, "name", status), code)
        receivers, self._receivers = self._receivers, {}
        for receiver in receivers.values():
            receiver.on_process_gone()

    def _failed(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and process is self._process:
            log.error("the phone process could not start (%s)", getattr(error, "name", error))
            self._finished(process, -1, QProcess.ExitStatus.CrashExit)

    # --- pages -------------------------------------------------------------------------

    def register(self, receiver: WireReceiver) -> int:
        """A new page or window: its id on the wire. The process starts if needed."""
        if self._quitting and self._process is not None:
            self._let_go()   # on its way out: a fresh one takes the page
        ident = next(self._ids)
        self._receivers[ident] = receiver
        self._linger_timer.stop()
        if self._process is None:
            self._start()
        return ident

    def _let_go(self) -> None:
        """Forget a process that was told to quit; it is killed if it does not."""
        process, self._process = self._process, None
        self._kill_timer.stop()
        self._queue.clear()

        def kill_if_still_there() -> None:
            try:
                if process is not None and process.state() != QProcess.ProcessState.NotRunning:
                    process.kill()
            except RuntimeError:
                pass   # already finished and deleted
        QTimer.singleShot(QUIT_GRACE_MS, kill_if_still_there)

    def unregister(self, ident: int) -> None:
        if self._receivers.pop(ident, None) is not None and not self._receivers \
                and self._process is not None and not self._quitting and self.is_ready:
            self._start_linger()

    def page_count(self) -> int:
        return len(self._receivers)

    def fetch_url(self, api_base: str, token: str, params: dict[str, Any],
                  on_url: Callable[[str], None], on_error: Callable[[TvdeskError], None]) -> None:
        """Ask the API for a webphone URL from the phone process (started if need be)."""
        UrlRequest(self, api_base, token, params, on_url, on_error)

    # --- the wire ----------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        if self._process is None:
            return
        data = wire.encode(message)
        if self._process.state() == QProcess.ProcessState.Running:
            self._process.write(data)
            self._hand_over_now(self._process)
        else:
            self._queue.append(data)

    def _hand_over_now(self, process: QProcess) -> None:
        """Put what was written into the pipe now. QProcess would write it when control
        returns to the event loop, after whatever the caller still does (for a call: the
        history, the person told, the caller answered), 5-10 ms later.

        The child always reads its input, so the pipe takes it at once. Were it full,
        Qt would read the child's output while waiting: no handler may run in the middle
        of the caller's work, so signals are held and what they would say is done on the
        loop's next turn."""
        process.blockSignals(True)
        try:
            written = process.waitForBytesWritten(0)
        finally:
            process.blockSignals(False)
        if written:
            return   # nothing else happened meanwhile
        QTimer.singleShot(0, self._read_output)
        QTimer.singleShot(0, self._read_errors)
        if process.state() == QProcess.ProcessState.NotRunning:
            code, status = process.exitCode(), process.exitStatus()
            QTimer.singleShot(0, lambda: self._safely(self._finished, process, code, status))

    def _flush(self) -> None:
        if self._process is not None:
            for data in self._queue:
                self._process.write(data)
        self._queue.clear()

    def _read_output(self) -> None:
        process = self._process
        while process is not None and process.canReadLine():
            message = wire.decode(bytes(process.readLine().data()))
            if message is not None:
                self._dispatch(message)
            process = self._process

    def _read_errors(self) -> None:
        # Chromium's own chatter; kept at debug level, redacted like every log line.
        if self._process is None:
            return
        text = bytes(self._process.readAllStandardError().data()).decode("utf-8", "replace")
        for line in text.splitlines()[:MAX_LOG_LINES_PER_S]:
            if line.strip():
                log.debug("phone process: %s", redact(line))

    def _dispatch(self, message: dict[str, Any]) -> None:
        event = message.get("ev")
        if event == wire.LOG:
            level = message.get("level")
            logging.getLogger(str(message.get("name") or "tvdesk.phone.process")).log(
                level if isinstance(level, int) else logging.INFO, "%s",
                str(message.get("message", "")))
        elif event == wire.READY:
            self.is_ready = True
            if not self._receivers:
                self._start_linger()   # the linger counts from when the engine is up
        elif event == wire.OPEN_EXTERNAL:
            url = QUrl(str(message.get("url", "")))
            if url.scheme() in ("http", "https"):
                self.open_external.emit(url)
        else:
            receiver = self._receivers.get(message.get("id"))   # type: ignore[arg-type]
            if receiver is not None:
                receiver.on_wire(message)


class PhoneProcessFailed(TvdeskError):
    """A webphone URL asked through the phone process did not come back: the process
    ended, or neither it nor the API answered in time."""

    def user_message(self) -> str:
        return _("The webphone could not be started. Try again; if it keeps failing, the "
                 "log has the details.")


class ApiAnswer(TvdeskError):
    """The API's (or the client's) refusal, as the phone process worded it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self._message = message
        self.exit_code = exit_code

    def user_message(self) -> str:
        return self._message or PhoneProcessFailed().user_message()


class UrlRequest(QObject):
    """One webphone URL asked of the API through the phone process; exactly one of
    `on_url` or `on_error` is called."""

    def __init__(self, link: PhoneProcessLink, api_base: str, token: str, params: dict[str, Any],
                 on_url: Callable[[str], None], on_error: Callable[[TvdeskError], None]) -> None:
        super().__init__(link)
        self._link = link
        self._api_base = api_base
        self._on_url = on_url
        self._on_error = on_error
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._finish(error=PhoneProcessFailed()))
        self.ident = link.register(self)
        self._timer.start(URL_ANSWER_LIMIT_MS)
        link.send({"op": wire.FETCH_URL, "id": self.ident, "api_base": api_base,
                   "token": token, "params": params})

    def on_wire(self, message: dict[str, Any]) -> None:
        if message.get("ev") == wire.URL:
            self._finish(url=str(message.get("url", "")))
        elif message.get("ev") == wire.URL_FAILED:
            code = message.get("exit_code")
            self._finish(error=ApiAnswer(str(message.get("message", "")),
                                         code if isinstance(code, int) else 1))

    def on_process_gone(self) -> None:
        self._finish(error=PhoneProcessFailed())

    def _finish(self, url: str | None = None, error: TvdeskError | None = None) -> None:
        if self.ident < 0:
            return   # answered already
        self._timer.stop()
        ident, self.ident = self.ident, -1
        if url:
            # The same host policy as a URL fetched here: the tray decides, not the child.
            try:
                check_webphone_for_api(url, self._api_base)
            except TvdeskError as refused:
                self._on_error(refused)
            else:
                self._on_url(url)
        else:
            self._on_error(error or PhoneProcessFailed())
        # After the answer: the page it opens is registered by now, so the process is never
        # without a page in between (no linger started and stopped for nothing).
        self._link.unregister(ident)
        self.deleteLater()


class _ForwardedEvents(QObject):
    """A floating page's events, as its PhoneSession reads them; commands need a host page."""

    call_event = Signal(object)   # WebphoneEvent

    def send_command(self, name: str, **fields: str) -> bool:
        return False


class RemoteWindow(QObject):
    """A floating phone window shown by the phone process (see `PhoneWindow`)."""

    shown = Signal()                 # the phone process shows it now
    closed = Signal(str)             # ramal
    geometry_changed = Signal(str)   # base64 geometry, saved by the owner
    reload_requested = Signal(str)   # ramal

    def __init__(self, link: PhoneProcessLink, url: str, ramal: str, number_display: str,
                 fechar_fim: bool, geometry: str = "", demo: bool = False) -> None:
        super().__init__(link)
        self.ramal = ramal
        self.number_display = number_display
        self.fechar_fim = fechar_fim
        self._link = link
        self._title = ""
        self._open = True
        self.lost = False   # the phone process ended under it
        self.channel = _ForwardedEvents(self)
        # The window closes itself at the end of a call (its own session decides, with
        # the same code); this session tells the tray what the call is doing.
        self.session = PhoneSession(self.channel, ramal, self)
        self.ident = link.register(self)
        link.send({"op": wire.OPEN_WINDOW, "id": self.ident, "url": url, "ramal": ramal,
                   "shown": number_display, "fechar_fim": fechar_fim, "geometry": geometry,
                   "demo": demo})

    def in_call(self) -> bool:
        return self.session.in_call()

    def windowTitle(self) -> str:   # the name PhoneWindow has
        return self._title

    def present(self) -> None:
        self._link.send({"op": wire.PRESENT_WINDOW, "id": self.ident})

    def close(self) -> bool:
        self._link.send({"op": wire.CLOSE_WINDOW, "id": self.ident})
        return True

    def on_wire(self, message: dict[str, Any]) -> None:
        event = message.get("ev")
        if event == wire.PAGE_EVENT:
            parsed = _event_from(message)
            if parsed is not None:
                self.channel.call_event.emit(parsed)
        elif event == wire.WINDOW_SHOWN:
            self.shown.emit()
        elif event == wire.TITLE:
            self._title = str(message.get("title", ""))
        elif event == wire.RENDERER_GONE:
            self.session.page_lost()
        elif event == wire.RELOAD_REQUESTED:
            self.reload_requested.emit(self.ramal)
        elif event == wire.WINDOW_CLOSED:
            self._gone(str(message.get("geometry", "")))

    def on_process_gone(self) -> None:
        self.lost = True
        self.session.page_lost()
        self._gone("")

    def _gone(self, geometry: str) -> None:
        if not self._open:
            return
        self._open = False
        self._link.unregister(self.ident)
        if geometry:
            self.geometry_changed.emit(geometry)
        self.closed.emit(self.ramal)
        self.deleteLater()


class RemotePage(QObject):
    """A background phone's view-less page in the phone process (see `WebphonePage`)."""

    call_event = Signal(object)               # WebphoneEvent
    load_failed = Signal()
    certificate_rejected = Signal(str)        # host
    renderProcessTerminated = Signal(object, int)   # the name WebphonePage has

    def __init__(self, link: PhoneProcessLink, url: str, parent: QObject | None = None,
                 host: str = "hidden") -> None:
        super().__init__(parent)
        self._link = link
        self._url = url
        self._host = host
        self.ident: int | None = None

    def start(self) -> None:
        self.ident = self._link.register(self)
        self._link.send({"op": wire.OPEN_PAGE, "id": self.ident, "url": self._url,
                         "host": self._host})

    def send_command(self, name: str, **fields: str) -> bool:
        try:
            build_command(name, **fields)   # refused here exactly as the page would
        except ValueError as error:
            log.warning("refused to send a webphone command: %s", error)
            return False
        if self.ident is None or not self._link.running:
            return False
        self._link.send({"op": wire.COMMAND, "id": self.ident, "name": name, "fields": fields})
        return True

    def dispose(self) -> None:
        if self.ident is not None:
            self._link.send({"op": wire.CLOSE_PAGE, "id": self.ident})
            self._link.unregister(self.ident)
            self.ident = None
        self.deleteLater()

    def on_wire(self, message: dict[str, Any]) -> None:
        event = message.get("ev")
        if event == wire.PAGE_EVENT:
            parsed = _event_from(message)
            if parsed is not None:
                self.call_event.emit(parsed)
        elif event == wire.LOAD_FAILED:
            self.load_failed.emit()
        elif event == wire.CERTIFICATE_REJECTED:
            self.certificate_rejected.emit(str(message.get("host", "")))
        elif event == wire.RENDERER_GONE:
            self.renderProcessTerminated.emit(None, -1)

    def on_process_gone(self) -> None:
        self.ident = None
        self.renderProcessTerminated.emit(None, -1)


def _event_from(message: dict[str, Any]) -> WebphoneEvent | None:
    """An event the phone process forwarded. It was parsed strictly there; it is parsed
    again here by the same parser, since the tray trusts no other process's text."""
    fields = message.get("fields")
    if not isinstance(fields, dict):
        return None
    return parse_event(json.dumps({**fields, "message": str(message.get("name", ""))}))
