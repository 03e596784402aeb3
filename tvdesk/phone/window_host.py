"""The floating host: a window showing one webphone, titled with extension, number and state.

The page's events go to its PhoneSession like every other host's; the window only
shows what the session says and closes when the session asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QIcon
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tvdesk.core.i18n import _
from tvdesk.phone.page import WebphonePage
from tvdesk.phone.session import PhoneSession
from tvdesk.phone.states import certificate_message, state_label

log = logging.getLogger("tvdesk.phone")



class PhoneWindow(QWidget):
    """Closes itself when its session asks (end of call with `fechar_fim`, or the page)."""

    closed = Signal(str)           # ramal
    geometry_changed = Signal(str)  # base64 geometry, saved by the owner
    reload_requested = Signal(str)  # ramal: the page crashed and the person wants it back

    def __init__(self, profile: QWebEngineProfile, url: str, ramal: str, number_display: str,
                 fechar_fim: bool, geometry: str = "", icon: QIcon | None = None,
                 open_external: Callable[[QUrl], object] = QDesktopServices.openUrl) -> None:
        super().__init__()
        self.ramal = ramal
        self.number_display = number_display
        self.fechar_fim = fechar_fim
        self.setObjectName("phoneWindow")
        if icon is not None:
            self.setWindowIcon(icon)
        self.view = QWebEngineView(self)
        self.page = WebphonePage(profile, QUrl(url), open_external, self.view)
        self.view.setPage(self.page)
        self.session = PhoneSession(self.page, ramal, self, close_at_end=fechar_fim)
        self.crash_banner = QWidget(self)
        self.crash_banner.setObjectName("crashBanner")
        banner_layout = QHBoxLayout(self.crash_banner)
        self.crash_label = QLabel(_("The webphone stopped working."), wordWrap=True)
        self.reload_button = QPushButton(_("Reload"))
        self.reload_button.setObjectName("reloadButton")
        self.reload_button.clicked.connect(lambda: self.reload_requested.emit(self.ramal))
        banner_layout.addWidget(self.crash_label, 1)
        banner_layout.addWidget(self.reload_button)
        self.crash_banner.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.crash_banner)
        layout.addWidget(self.view)
        self.page.windowCloseRequested.connect(self.session.page_closed_itself)
        self.page.renderProcessTerminated.connect(self._on_renderer_gone)
        self.page.certificate_rejected.connect(self._on_certificate_rejected)
        self.session.state_changed.connect(lambda _state: self._update_title())
        self.session.view_close_requested.connect(self.close)
        self.page.titleChanged.connect(lambda _title: self._update_title())
        self._update_title()
        if not geometry or not self.restoreGeometry(QByteArray.fromBase64(geometry.encode())):
            self.resize(400, 700)   # the whole sandbox page, keypad included
        self.page.start()

    def in_call(self) -> bool:
        return self.session.in_call()

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def _update_title(self) -> None:
        parts = [_("Extension {ramal}", ramal=self.ramal)]
        if self.number_display:
            parts.append(f"→ {self.number_display}")
        title = " ".join(parts)
        if self.session.state is not None:
            title += f" · {state_label(self.session.state)}"
        self.setWindowTitle(f"{title} — tvdesk")

    def _on_renderer_gone(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                          exit_code: int) -> None:
        # The window stays closable; the call is lost, so offer a fresh webphone.
        log.warning("webphone renderer of %s ended (%s, %s)", self.ramal,
                    getattr(status, "name", status), exit_code)
        self.session.page_lost()
        self.crash_label.setText(_("The webphone stopped working."))
        self.crash_banner.setVisible(True)
        self._update_title()

    def _on_certificate_rejected(self, host: str) -> None:
        # The page stays blank: say why, and offer a fresh page once the CA is added.
        log.warning("webphone page of %s: certificate of %s not trusted", self.ramal, host)
        self.crash_label.setText(certificate_message())
        self.crash_banner.setVisible(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.geometry_changed.emit(bytes(self.saveGeometry().toBase64().data()).decode())
        super().closeEvent(event)
        if event.isAccepted():
            # Free the page and its renderer now, not whenever garbage collection runs.
            self.deleteLater()
            self.closed.emit(self.ramal)
