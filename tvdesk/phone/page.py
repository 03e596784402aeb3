"""The web page that hosts a TotalVoice webphone, with an explicit security policy.

- The microphone is granted to the origin of the URL the API returned, and nothing
  else is granted to anyone.
- Navigation stays on that origin; a host page (hidden, embedded) stays what tvdesk
  loaded. A refused navigation leaves the page as it was.
- No popup page ever exists inside tvdesk: `window.open` without a click returns null,
  and a popup a click asks for is dropped at once.
- The system browser gets a link to another http(s) origin only when the person really
  clicked it (a trusted click, seen from the isolated world below) or when a click
  opened a popup; at most `MAX_EXTERNAL_OPENS` over the page's life, and never from a
  background (hidden) page. Chromium reports a script's `location = ...` as a link
  click too, so a navigation request never opens anything by itself.
- The page's `postMessage` events reach Python through a QWebChannel living in an
  isolated JavaScript world: the page itself cannot see or call the bridge, and the
  bridge only passes documented event shapes (`core.webphone_protocol`).
- A certificate Chromium does not trust is never accepted: the error is rejected and
  reported (`certificate_rejected`) so the host can say why the page stayed blank.
  On Linux Chromium trusts NSS (`~/.pki/nssdb`), not `/etc/ssl/certs`, so a company CA
  the API client trusts may still be unknown here.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from html import escape as html_escape

from PySide6.QtCore import QFile, QIODevice, QObject, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEngineCertificateError,
    QWebEngineLoadingInfo,
    QWebEngineNewWindowRequest,
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
)

from tvdesk.core.redact import redact
from tvdesk.core.webphone_protocol import WebphoneEvent, build_command, parse_event
from tvdesk.core.webphone_url import origin_of, same_origin
from tvdesk.phone.states import certificate_message  # noqa: F401 - hosts import it from here

log = logging.getLogger("tvdesk.webphone")

MAX_EXTERNAL_OPENS = 3        # addresses one page may send to the system browser, ever
EXTERNAL_OPEN_INTERVAL = 1.0  # seconds between two of them: a double click opens one
LOGGED_REFUSALS = 20          # refusals logged per page; a page looping on them floods nothing

_BRIDGE_LISTENER = """
(function (origin) {
  if (window.__tvdeskBridge) { return; }
  window.__tvdeskBridge = true;
  var bridge = null;
  // A link to another http(s) origin that the person really clicked (isTrusted: no
  // script can fake it) goes to the system browser through the bridge, never by
  // navigating. This listener is registered first, at document creation.
  window.addEventListener('click', function (event) {
    if (!event.isTrusted) { return; }
    var path = event.composedPath();
    for (var i = 0; i < path.length; i++) {
      var node = path[i];
      if (node && (node.localName === 'a' || node.localName === 'area')
          && typeof node.href === 'string' && node.href) {
        var target;
        try { target = new URL(node.href); } catch (e) { return; }
        if ((target.protocol !== 'http:' && target.protocol !== 'https:')
            || target.origin === origin) { return; }
        event.preventDefault();
        if (bridge) { bridge.open_link(target.href); }
        return;
      }
    }
  }, true);
  new QWebChannel(qt.webChannelTransport, function (channel) {
    bridge = channel.objects.tvdeskBridge;
    window.addEventListener('message', function (event) {
      // Only the webphone's own origin speaks: the page posting to itself (floating) or
      // the webphone iframe posting to tvdesk's host page (embedded, hidden).
      if (event.origin !== origin) { return; }
      var text;
      try { text = JSON.stringify(event.data); } catch (e) { return; }
      if (typeof text === 'string') { bridge.post(text); }
    });
  });
})(%s);
"""

# Commands go into the webphone iframe from the isolated world, where the page's own
# scripts cannot intercept or fake them.
_POST_COMMAND = """
(function (command, origin) {
  var frame = document.querySelector('#widget-evoline-api-container iframe');
  if (!frame || !frame.contentWindow) { return false; }
  frame.contentWindow.postMessage(command, origin);
  return true;
})(%s, %s);
"""

HOST_PAGES = {
    # As the public examples host the hidden webphone: its script injects the iframe.
    "hidden": ('<!doctype html><html><head><meta charset="utf-8"></head><body>'
               '<div id="widget-evoline-api-container"></div>'
               '<script src="{url}"></script></body></html>'),
    # As real integrations embed it: an iframe allowed to use the microphone.
    "embedded": ('<!doctype html><html><head><meta charset="utf-8"><style>'
                 'html,body,#widget-evoline-api-container,iframe{{margin:0;border:0;'
                 'width:100%;height:100%;overflow:hidden}}</style></head><body>'
                 '<div id="widget-evoline-api-container">'
                 '<iframe allow="microphone" src="{url}"></iframe></div></body></html>'),
}


def _bridge_script(origin: str) -> QWebEngineScript:
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("qwebchannel.js is missing from the Qt WebEngine resources")
    library = bytes(source.readAll().data()).decode("utf-8")
    source.close()
    script = QWebEngineScript()
    script.setName("tvdesk-bridge")
    script.setWorldId(QWebEngineScript.ScriptWorldId.ApplicationWorld)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setRunsOnSubFrames(False)
    script.setSourceCode(library + _BRIDGE_LISTENER % json.dumps(origin))
    return script


class WebphoneBridge(QObject):
    """The one object the isolated world can call: text in, validated events out."""

    event_received = Signal(object)  # WebphoneEvent
    link_clicked = Signal(str)       # a link to another origin the person clicked

    @Slot(str)
    def post(self, payload: str) -> None:
        event = parse_event(payload)
        if event is not None:
            self.event_received.emit(event)

    @Slot(str)
    def open_link(self, url: str) -> None:
        self.link_clicked.emit(url)


class WebphonePage(QWebEnginePage):
    call_event = Signal(object)        # WebphoneEvent, interpreted by its PhoneSession
    microphone_granted = Signal(str)   # origin
    load_failed = Signal()             # what start() loaded did not load (never a refusal)
    certificate_rejected = Signal(str)  # the host whose certificate was not trusted

    def __init__(self, profile: QWebEngineProfile, webphone_url: QUrl,
                 open_external: Callable[[QUrl], object], parent: QObject | None = None,
                 host: str | None = None) -> None:
        super().__init__(profile, parent)
        self.webphone_url = QUrl(webphone_url)
        self.host = host   # None: the webphone is the page; "hidden"/"embedded": our host page
        self.origin = origin_of(self.webphone_url.toString())
        self._expect_host_page = False
        self._own_load_pending = False
        self._open_external = open_external
        self._external_opens = 0
        self._last_external_open: float | None = None
        self._refusals = 0
        self.permissionRequested.connect(self._on_permission_requested)
        self.newWindowRequested.connect(self._on_new_window_requested)
        self.loadingChanged.connect(self._on_loading_changed)
        self.certificateError.connect(self._on_certificate_error)
        # Without a click, window.open() gets null and no window is made at all.
        self.settings().setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)

        self.bridge = WebphoneBridge(self)
        self.bridge.event_received.connect(self._on_event)
        self.bridge.link_clicked.connect(self._on_link_clicked)
        channel = QWebChannel(self)
        channel.registerObject("tvdeskBridge", self.bridge)
        self.setWebChannel(channel, QWebEngineScript.ScriptWorldId.ApplicationWorld)
        self.scripts().insert(_bridge_script(self.origin))

    def start(self) -> None:
        self._own_load_pending = True
        if self.host is None:
            self.load(self.webphone_url)
            return
        html = HOST_PAGES[self.host].format(url=html_escape(self.webphone_url.toString(),
                                                            quote=True))
        # The host page takes the webphone's origin, so its iframe is same-origin and
        # the microphone is asked by, and granted to, that origin only.
        self._expect_host_page = True
        self.setHtml(html, QUrl(self.origin + "/"))

    def dispose(self) -> None:
        """Done with this page: it goes (with its renderer) once control returns."""
        self.deleteLater()

    def send_command(self, name: str, **fields: str) -> bool:
        """Post a documented command into the webphone iframe; False if refused here."""
        try:
            command = build_command(name, **fields)
        except ValueError as error:
            log.warning("refused to send a webphone command: %s", error)
            return False
        if self.host is None:
            log.warning("commands need a host page (embedded or hidden webphone)")
            return False
        log.debug("webphone command %s", name)
        self.runJavaScript(_POST_COMMAND % (command, json.dumps(self.origin)),
                           QWebEngineScript.ScriptWorldId.ApplicationWorld)
        return True

    # --- policy ---------------------------------------------------------------------

    def _on_permission_requested(self, permission: QWebEnginePermission) -> None:
        kind = permission.permissionType()
        origin = permission.origin()
        if kind == QWebEnginePermission.PermissionType.MediaAudioCapture \
                and same_origin(origin.toString(), self.webphone_url.toString()):
            permission.grant()
            log.info("microphone granted to %s", origin.toString())
            self.microphone_granted.emit(origin.toString())
        else:
            permission.deny()
            log.info("permission %s denied to %s", kind.name, redact(origin.toString()))

    def acceptNavigationRequest(self, url: QUrl | str,
                                nav_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        url = QUrl(url)   # Qt always passes a QUrl; the base also takes text from Python
        if self._expect_host_page and is_main_frame and url.scheme() == "data":
            self._expect_host_page = False
            return True   # our own host page, loaded once by setHtml()
        if is_main_frame and self.host is not None:
            # The main frame is tvdesk's host page: nothing replaces it, on any origin.
            self._refused("a navigation of the host page", url)
            return False
        if same_origin(url.toString(), self.webphone_url.toString()):
            return True
        if not is_main_frame:
            self._refused("a frame navigation to another origin", url)
            return False
        # A link the person clicked never gets here (the isolated world hands it over);
        # what does is a script's navigation, whatever Chromium calls it.
        self._refused("a navigation away from the webphone", url)
        return False

    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> None:  # type: ignore[override]
        return None   # no popup page, ever; _on_new_window_requested saw its address

    def _on_new_window_requested(self, request: QWebEngineNewWindowRequest) -> None:
        url = request.requestedUrl()
        if not request.isUserInitiated():
            self._refused("a popup nobody clicked for", url)
        elif url.scheme().lower() not in ("http", "https"):
            self._refused(f"a popup to a {url.scheme() or 'blank'} address", None)
        else:
            self._send_to_browser(url)
        # Not opened in any page: Chromium drops the new window at once.

    def _on_link_clicked(self, text: str) -> None:
        url = QUrl(text)
        if url.scheme().lower() in ("http", "https") and url.isValid():
            self._send_to_browser(url)

    def _send_to_browser(self, url: QUrl) -> None:
        if self.host == "hidden":
            self._refused("the system browser to a background webphone", url)
            return
        if self._external_opens >= MAX_EXTERNAL_OPENS:
            self._refused(f"more than {MAX_EXTERNAL_OPENS} browser tabs for one webphone", url)
            return
        now = time.monotonic()
        if self._last_external_open is not None \
                and now - self._last_external_open < EXTERNAL_OPEN_INTERVAL:
            self._refused("another browser tab so soon", url)
            return
        self._last_external_open = now
        self._external_opens += 1
        log.info("sent to the system browser: %s", redact(url.toString()))
        self._open_external(url)

    def _refused(self, what: str, url: QUrl | None) -> None:
        self._refusals += 1
        if self._refusals > LOGGED_REFUSALS:
            return
        shown = f": {redact(url.toString())[:200]}" if url is not None else ""
        log.info("refused %s%s", what, shown)
        if self._refusals == LOGGED_REFUSALS:
            log.info("this page keeps asking: its further refusals are not logged")

    def _on_certificate_error(self, error: QWebEngineCertificateError) -> None:
        # Never accepted, whatever it is: rejected, reported, and the host says so.
        url = error.url()
        log.warning("the webphone page's certificate was not trusted (%s): %s",
                    redact(error.description())[:200], redact(url.toString())[:200])
        error.rejectCertificate()
        self.certificate_rejected.emit(url.host())

    def _on_loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        # Only the end of what start() loaded counts. A refused navigation ends as
        # "stopped", never as "failed", and leaves the page as it was.
        status = info.status()
        if not self._own_load_pending or status in (
                QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus,
                QWebEngineLoadingInfo.LoadStatus.LoadStoppedStatus):
            return
        self._own_load_pending = False
        if status == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            log.info("the webphone page did not load: %s", redact(info.errorString()))
            self.load_failed.emit()

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel,
                                 message: str, line: int, source: str) -> None:
        log.debug("page console: %s", redact(message)[:300])

    # --- events ---------------------------------------------------------------------

    def _on_event(self, event: WebphoneEvent) -> None:
        log.debug("webphone event %s %s", event.name, event.call_state or "")
        self.call_event.emit(event)
