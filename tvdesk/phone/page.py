"""The web page that hosts a TotalVoice webphone, with an explicit security policy.

- The microphone is granted to the origin of the URL the API returned, and nothing
  else is granted to anyone.
- Navigation stays on that origin. A link the person clicks to another http(s)
  origin opens in the system browser; any other navigation away is refused.
- Popups (`window.open`, target=_blank) never open inside: their address goes to the
  system browser.
- The page's `postMessage` events reach Python through a QWebChannel living in an
  isolated JavaScript world: the page itself cannot see or call the bridge, and the
  bridge only passes documented event shapes (`core.webphone_protocol`).
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
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
    QWebEngineScript,
)

from tvdesk.core.redact import redact
from tvdesk.core.webphone_protocol import WebphoneEvent, build_command, parse_event
from tvdesk.core.webphone_url import origin_of, same_origin

log = logging.getLogger("tvdesk.webphone")

EXTERNAL_OPEN_INTERVAL = 3.0  # seconds between two pages sent to the system browser

_BRIDGE_LISTENER = """
(function (origin) {
  if (window.__tvdeskBridge) { return; }
  window.__tvdeskBridge = true;
  new QWebChannel(qt.webChannelTransport, function (channel) {
    var bridge = channel.objects.tvdeskBridge;
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

    @Slot(str)
    def post(self, payload: str) -> None:
        event = parse_event(payload)
        if event is not None:
            self.event_received.emit(event)


class _PopupCatcher(QWebEnginePage):
    """Stands in for a popup: hands its address to the system browser and goes away."""

    def __init__(self, profile: QWebEngineProfile, open_external: Callable[[QUrl], object],
                 parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self._open_external = open_external

    def acceptNavigationRequest(self, url: QUrl | str,
                                nav_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        url = QUrl(url)   # Qt always passes a QUrl; the base also takes text from Python
        if url.scheme().lower() in ("http", "https"):
            self._open_external(url)
        else:
            log.info("popup to a %s: address refused", url.scheme() or "blank")
        self.deleteLater()
        return False


class WebphonePage(QWebEnginePage):
    call_event = Signal(object)        # WebphoneEvent, interpreted by its PhoneSession
    microphone_granted = Signal(str)   # origin

    def __init__(self, profile: QWebEngineProfile, webphone_url: QUrl,
                 open_external: Callable[[QUrl], object], parent: QObject | None = None,
                 host: str | None = None) -> None:
        super().__init__(profile, parent)
        self.webphone_url = QUrl(webphone_url)
        self.host = host   # None: the webphone is the page; "hidden"/"embedded": our host page
        self.origin = origin_of(self.webphone_url.toString())
        self._expect_host_page = False
        self._open_external = open_external
        self._last_external_open = -EXTERNAL_OPEN_INTERVAL
        self.permissionRequested.connect(self._on_permission_requested)

        self.bridge = WebphoneBridge(self)
        self.bridge.event_received.connect(self._on_event)
        channel = QWebChannel(self)
        channel.registerObject("tvdeskBridge", self.bridge)
        self.setWebChannel(channel, QWebEngineScript.ScriptWorldId.ApplicationWorld)
        self.scripts().insert(_bridge_script(self.origin))

    def start(self) -> None:
        if self.host is None:
            self.load(self.webphone_url)
            return
        html = HOST_PAGES[self.host].format(url=html_escape(self.webphone_url.toString(),
                                                            quote=True))
        # The host page takes the webphone's origin, so its iframe is same-origin and
        # the microphone is asked by, and granted to, that origin only.
        self._expect_host_page = True
        self.setHtml(html, QUrl(self.origin + "/"))

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
        if same_origin(url.toString(), self.webphone_url.toString()):
            return True
        if self._expect_host_page and is_main_frame and url.scheme() == "data":
            self._expect_host_page = False
            return True   # our own host page, loaded once by setHtml()
        if not is_main_frame:
            log.info("refused a frame navigation to another origin: %s", redact(url.toString()))
            return False
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked \
                and url.scheme().lower() in ("http", "https"):
            self._send_to_browser(url)
            return False
        log.info("refused a navigation away from the webphone: %s", redact(url.toString()))
        return False

    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        return _PopupCatcher(self.profile(), self._send_to_browser, self)

    def _send_to_browser(self, url: QUrl) -> None:
        # Chromium reports a script's `location = ...` as a link click too, so a page
        # could open browser tabs in a loop: allow one every few seconds.
        now = time.monotonic()
        if now - self._last_external_open < EXTERNAL_OPEN_INTERVAL:
            log.info("refused to open another browser tab so soon: %s", redact(url.toString()))
            return
        self._last_external_open = now
        log.info("sent to the system browser: %s", redact(url.toString()))
        self._open_external(url)

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel,
                                 message: str, line: int, source: str) -> None:
        log.debug("page console: %s", redact(message)[:300])

    # --- events ---------------------------------------------------------------------

    def _on_event(self, event: WebphoneEvent) -> None:
        log.debug("webphone event %s %s", event.name, event.call_state or "")
        self.call_event.emit(event)
