"""The embedded webphone: a panel in the main window instead of a popup.

It hosts the page the way real integrations do (an iframe allowed to use the
microphone, inside a local host page), so the page's events reach tvdesk. At the end
of a call with `fechar_fim` the panel returns to its idle view; the window stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from tvdesk.core.i18n import _

log = logging.getLogger("tvdesk.embedded")


class EmbeddedPanel(QWidget):
    call_state_changed = Signal(str)
    returned_to_idle = Signal(str)   # ramal

    def __init__(self, open_external: Callable[[QUrl], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("embeddedPanel")
        self.setMinimumWidth(320)
        self._open_external = open_external
        self.idle_label = QLabel(_("No call on the embedded webphone. Pick an extension whose "
                                   "type is embedded and press Call."), wordWrap=True)
        self.idle_label.setObjectName("embeddedIdle")
        self.idle_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.idle_label)
        self.view = None
        self.page = None   # a WebphonePage while a call is shown
        self.ramal = ""
        self.fechar_fim = True
        self.call_state = ""

    def is_idle(self) -> bool:
        return self.view is None

    def in_call(self) -> bool:
        return self.call_state in ("chamando", "conversando")

    def show_webphone(self, profile, url: str, ramal: str, fechar_fim: bool) -> None:
        from PySide6.QtWebEngineWidgets import QWebEngineView  # loaded on the first call

        from tvdesk.ui.webphone_page import WebphonePage

        self.return_to_idle(emit=False)
        self.ramal = ramal
        self.fechar_fim = fechar_fim
        self.view = QWebEngineView(self)
        self.page = WebphonePage(profile, QUrl(url), self._open_external, self.view,
                                 host="embedded")
        self.view.setPage(self.page)
        self.page.call_state_changed.connect(self._on_state)
        self._stack.addWidget(self.view)
        self._stack.setCurrentWidget(self.view)
        self.page.start()

    def _on_state(self, state: str) -> None:
        self.call_state = state
        self.call_state_changed.emit(state)
        if state == "encerrada" and self.fechar_fim:
            log.info("embedded call on %s ended: back to idle", self.ramal)
            self.return_to_idle()

    def return_to_idle(self, emit: bool = True) -> None:
        if self.view is None:
            return
        view, self.view, self.page = self.view, None, None
        self._stack.removeWidget(view)
        view.deleteLater()   # takes its page (and renderer) with it
        self._stack.setCurrentWidget(self.idle_label)
        self.call_state = ""
        if emit:
            self.returned_to_idle.emit(self.ramal)
