"""A window showing one webphone: title with extension, number and call state."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QIcon
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tvdesk.core.i18n import _
from tvdesk.ui.call_states import ACTIVE_STATES, state_label
from tvdesk.ui.webphone_page import WebphonePage

log = logging.getLogger("tvdesk.phone")



class PhoneWindow(QWidget):
    """Closes itself at the end of the call when `fechar_fim` was asked for."""

    closed = Signal(str)           # ramal
    geometry_changed = Signal(str)  # base64 geometry, saved by the owner
    reload_requested = Signal(str)  # ramal: the page crashed and the person wants it back

    def __init__(self, profile: QWebEngineProfile, url: str, ramal: str, number_display: str,
                 fechar_fim: bool, geometry: str = "", icon: QIcon | None = None,
                 open_external: Callable[[QUrl], None] = QDesktopServices.openUrl) -> None:
        super().__init__()
        self.ramal = ramal
        self.number_display = number_display
        self.fechar_fim = fechar_fim
        self.call_state = ""
        self.setObjectName("phoneWindow")
        if icon is not None:
            self.setWindowIcon(icon)
        self.view = QWebEngineView(self)
        self.page = WebphonePage(profile, QUrl(url), open_external, self.view)
        self.view.setPage(self.page)
        self.crash_banner = QWidget(self, objectName="crashBanner")
        banner_layout = QHBoxLayout(self.crash_banner)
        self.crash_label = QLabel(_("The webphone stopped working."), wordWrap=True)
        self.reload_button = QPushButton(_("Reload"), objectName="reloadButton")
        self.reload_button.clicked.connect(lambda: self.reload_requested.emit(self.ramal))
        banner_layout.addWidget(self.crash_label, 1)
        banner_layout.addWidget(self.reload_button)
        self.crash_banner.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.crash_banner)
        layout.addWidget(self.view)
        self.page.windowCloseRequested.connect(self._on_page_close_requested)
        self.page.renderProcessTerminated.connect(self._on_renderer_gone)
        self.page.call_state_changed.connect(self._on_call_state)
        self.page.titleChanged.connect(lambda _title: self._update_title())
        self._update_title()
        if not geometry or not self.restoreGeometry(QByteArray.fromBase64(geometry.encode())):
            self.resize(400, 700)   # the whole sandbox page, keypad included
        self.page.start()

    def in_call(self) -> bool:
        return self.call_state in ACTIVE_STATES

    def _update_title(self) -> None:
        parts = [_("Extension {ramal}", ramal=self.ramal)]
        if self.number_display:
            parts.append(f"→ {self.number_display}")
        title = " ".join(parts)
        if self.call_state:
            title += f" · {state_label(self.call_state)}"
        self.setWindowTitle(f"{title} — tvdesk")

    def _on_call_state(self, state: str) -> None:
        self.call_state = state
        self._update_title()
        if state == "encerrada" and self.fechar_fim:
            log.info("call on %s ended: closing its window", self.ramal)
            self.close()

    def _on_renderer_gone(self, status, exit_code: int) -> None:
        # The window stays closable; the call is lost, so offer a fresh webphone.
        log.warning("webphone renderer of %s ended (%s, %s)", self.ramal,
                    getattr(status, "name", status), exit_code)
        self.call_state = ""
        self.crash_banner.setVisible(True)
        self._update_title()

    def _on_page_close_requested(self) -> None:
        log.info("webphone page on %s asked to close its window", self.ramal)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.geometry_changed.emit(bytes(self.saveGeometry().toBase64().data()).decode())
        super().closeEvent(event)
        if event.isAccepted():
            # Free the page and its renderer now, not whenever garbage collection runs.
            self.deleteLater()
            self.closed.emit(self.ramal)
