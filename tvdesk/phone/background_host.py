"""The hidden webphone of one extension: connected while the app runs.

It asks the API for a `tipo=hidden` URL, hosts it in a page with no view, keeps it
connected (reconnecting with backoff when the connection, the page or the renderer
is lost) and swaps in a fresh signed URL before the current one expires, never in
the middle of a call. A navigation the page's policy refuses is not a loss: the page
stays as it was, and so does a call in it.

The page has no view, so Chromium would treat it as a hidden tab: timers once a second,
then once a minute after a while, and maybe frozen. A phone that must ring all day is
kept visible and Active (and `prepare_qt_environment` turns background throttling off).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, SignalInstance

from tvdesk.core.errors import TvdeskError
from tvdesk.phone.session import PhoneSession
from tvdesk.phone.states import CallState, ConnectionState, certificate_message

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

log = logging.getLogger("tvdesk.hidden")

BACKOFF_SECONDS = (2, 4, 8, 15, 30, 60)
REFRESH_MARGIN = 60       # seconds before `expires` that a fresh URL is fetched
CONNECT_TIMEOUT = 30_000  # ms to reach "conectado" before trying again

# fetch(on_url, on_error): asks the API for a hidden webphone URL off the GUI thread.
FetchUrl = Callable[[Callable[[str], None], Callable[[TvdeskError], None]], None]


def url_expiry(url: str) -> float | None:
    values = parse_qs(urlsplit(url).query).get("expires")
    try:
        return float(values[0]) if values else None
    except ValueError:
        return None


class HiddenPage(Protocol):
    """A view-less webphone page: a `WebphonePage` here, or one in the phone process
    (`tvdesk.phone.process_host.RemotePage`)."""

    call_event: SignalInstance
    load_failed: SignalInstance
    certificate_rejected: SignalInstance
    renderProcessTerminated: SignalInstance

    def start(self) -> None: ...

    def send_command(self, name: str, **fields: str) -> bool: ...

    def blockSignals(self, b: bool) -> bool: ...

    def dispose(self) -> None: ...


# page_factory(url, parent): the hidden page for a webphone URL, not started yet.
PageFactory = Callable[[str, QObject], HiddenPage]


def local_page_factory(profile_provider: Callable[[], QWebEngineProfile],
                       open_external: Callable[[QUrl], object]) -> PageFactory:
    """Hidden pages in this process (Qt WebEngine is loaded on the first one)."""
    def build(url: str, parent: QObject) -> HiddenPage:
        from tvdesk.phone.page import WebphonePage

        page = WebphonePage(profile_provider(), QUrl(url), open_external, parent, host="hidden")
        keep_awake(page)
        return page
    return build


def keep_awake(page: QWebEnginePage) -> None:
    """A page with no view that must answer at once, all day: never throttled or frozen."""
    from PySide6.QtWebEngineCore import QWebEnginePage
    # Visible: no background timer throttling, no intensive throttling. Qt forgets a
    # visibility set before the page's first load starts, so it is set when loads start.
    page.loadStarted.connect(lambda: page.setVisible(True))
    page.setLifecycleState(QWebEnginePage.LifecycleState.Active)

    def stay_active(state: QWebEnginePage.LifecycleState) -> None:
        if state != QWebEnginePage.LifecycleState.Active:
            log.info("the background webphone was %s: made Active again", state.name)
            page.setLifecycleState(QWebEnginePage.LifecycleState.Active)

    page.lifecycleStateChanged.connect(stay_active)


class BackgroundPhone(QObject):
    connection_changed = Signal(str)   # connecting, connected, disconnected, error
    session_created = Signal(object)   # PhoneSession, each time the page is (re)built

    def __init__(self, ramal: str, fetch_url: FetchUrl,
                 profile_provider: Callable[[], QWebEngineProfile] | None,
                 open_external: Callable[[QUrl], object], parent: QObject | None = None, *,
                 page_factory: PageFactory | None = None,
                 backoff: tuple[float, ...] = BACKOFF_SECONDS,
                 refresh_margin: float = REFRESH_MARGIN, min_refresh: float = 5.0) -> None:
        super().__init__(parent)
        self._backoff = backoff
        self._refresh_margin = refresh_margin
        self._min_refresh = min_refresh
        self.ramal = ramal
        self._fetch_url = fetch_url
        if page_factory is None:
            assert profile_provider is not None
            page_factory = local_page_factory(profile_provider, open_external)
        self._page_factory = page_factory
        self.session: PhoneSession | None = None
        self.connection = ConnectionState.DISCONNECTED
        self.last_error = ""
        self._failures = 0
        self._stopped = True
        self._refresh_due = False
        self._offline = False
        self._retry_timer = self._single_shot(self._connect)
        self._refresh_timer = self._single_shot(self._refresh)
        self._connect_timeout = self._single_shot(lambda: self._lost("no connection in time"))

    def _single_shot(self, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(slot)
        return timer

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self._stopped = False
        self._connect()

    def stop(self) -> None:
        self._stopped = True
        for timer in (self._retry_timer, self._refresh_timer, self._connect_timeout):
            timer.stop()
        self._drop_page()
        self._set_connection(ConnectionState.DISCONNECTED)

    def set_online(self, online: bool) -> None:
        """The person's choice: offline disconnects and stays so; online connects again."""
        self._offline = not online
        if self.session is None:
            if online and not self._stopped:
                self._connect()
            return
        if online:
            self.session.reconnect()
        else:
            self._retry_timer.stop()
            self.session.disconnect_phone()

    def in_call(self) -> bool:
        return self.session is not None and self.session.in_call()

    def _connect(self) -> None:
        if self._stopped:
            return
        self._set_connection(ConnectionState.CONNECTING)
        self._fetch_url(self._on_url, self._on_fetch_failed)

    def _on_url(self, url: str) -> None:
        if self._stopped:
            return
        self._drop_page()
        page = self._page_factory(url, self)
        session = PhoneSession(page, self.ramal, self)
        session.state_changed.connect(self._on_state)
        session.error.connect(self._on_page_error)
        page.renderProcessTerminated.connect(lambda *_args: self._on_renderer_gone())
        # Only the host page's own load failing counts; a refused navigation ends its
        # load as "stopped" and leaves the page, the connection and any call as they were.
        page.load_failed.connect(lambda: self._lost("host page did not load"))
        page.certificate_rejected.connect(lambda _host, p=page: self._on_certificate_rejected(p))
        self.session = session
        self._refresh_due = False
        self._schedule_refresh(url)
        self._connect_timeout.start(CONNECT_TIMEOUT)
        page.start()
        self.session_created.emit(session)

    def _on_fetch_failed(self, error: TvdeskError) -> None:
        self.last_error = error.user_message()
        self._set_connection(ConnectionState.ERROR)
        self._retry_later()

    def _on_state(self, state: str) -> None:
        if state == CallState.CONNECTED:
            self._connect_timeout.stop()
            self._failures = 0
            self._set_connection(ConnectionState.CONNECTED)
            if self._refresh_due:
                self._refresh()
        elif state == CallState.DISCONNECTED:
            if self._offline:
                self._set_connection(ConnectionState.DISCONNECTED)   # asked for: no reconnecting
            else:
                self._lost("the webphone disconnected")
        elif state == CallState.ENDED and self._refresh_due:
            QTimer.singleShot(500, self._refresh)

    def _on_renderer_gone(self) -> None:
        if self.session is not None:
            self.session.page_lost()
        self._lost("renderer ended")

    def _on_certificate_rejected(self, page: HiddenPage) -> None:
        # The webphone's certificate was not trusted (never accepted): the page cannot
        # connect, so say why and try again later (the company CA may get added).
        if self.session is None or self.session.page is not page:
            return   # a page already dropped
        self.last_error = certificate_message()
        page.blockSignals(True)   # its load failing next is the same loss, not another
        self._lost("certificate not trusted")

    def _on_page_error(self, text: str) -> None:
        self.last_error = text
        if self.connection != ConnectionState.CONNECTED:
            # Before it ever connected, an error (microphone, invalid link) is final for
            # this page: start over with a fresh one.
            self._lost("error before connecting")

    def _lost(self, why: str) -> None:
        if self._stopped:
            return
        log.info("hidden webphone of %s lost (%s)", self.ramal, why)
        self._connect_timeout.stop()
        self._drop_page()
        self._set_connection(ConnectionState.ERROR if self.last_error
                             else ConnectionState.DISCONNECTED)
        self._retry_later()

    def _retry_later(self) -> None:
        delay = self._backoff[min(self._failures, len(self._backoff) - 1)]
        self._failures += 1
        log.info("reconnecting %s in %s s", self.ramal, delay)
        self._retry_timer.start(int(delay * 1000))

    # --- fresh URLs before they expire ------------------------------------------------

    def _schedule_refresh(self, url: str) -> None:
        expires = url_expiry(url)
        if expires is None:
            return
        delay = max(self._min_refresh, expires - time.time() - self._refresh_margin)
        self._refresh_timer.start(int(min(delay, 24 * 3600) * 1000))

    def _refresh(self) -> None:
        if self._stopped:
            return
        if self.in_call() or self._offline:
            self._refresh_due = True   # never pull the page away mid-call (or while offline)
            return
        log.info("refreshing the hidden webphone of %s before its URL expires", self.ramal)
        self._connect()

    # --- helpers ----------------------------------------------------------------------

    def _drop_page(self) -> None:
        if self.session is not None:
            page = self.session.page
            self.session.deleteLater()
            page.dispose()   # type: ignore[attr-defined]  # a HiddenPage: _on_url built it
            self.session = None

    def _set_connection(self, state: ConnectionState) -> None:
        if state == ConnectionState.CONNECTED:
            self.last_error = ""
        if state != self.connection:
            log.info("hidden webphone of %s: %s", self.ramal, state)
            self.connection = state
            self.connection_changed.emit(state)
