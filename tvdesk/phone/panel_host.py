"""The embedded host: the webphone as a panel in the main window instead of a popup.

It hosts the page the way real integrations do (an iframe allowed to use the
microphone, inside a local host page), so the page's events reach its PhoneSession.
When the session asks to close the view (end of a call with `fechar_fim`), the panel
returns to its idle view; the window stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from tvdesk.core.i18n import _
from tvdesk.phone.session import PhoneSession

if TYPE_CHECKING:
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from tvdesk.phone.page import WebphonePage

log = logging.getLogger("tvdesk.embedded")


class EmbeddedPanel(QWidget):
    call_state_changed = Signal(str)  # the session's state, for whoever shows it
    returned_to_idle = Signal(str)    # ramal

    def __init__(self, open_external: Callable[[QUrl], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("embeddedPanel")
        self.setMinimumWidth(320)
        self._open_external = open_external
        self.idle_label = QLabel(_("No call on the embedded webphone. Pick an extension whose "
                                   "type is embedded and press Call."), wordWrap=True)
        self.idle_label.setObjectName("embeddedIdle")
        self.idle_label.setTextFormat(Qt.TextFormat.PlainText)
        self.idle_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.idle_label)
        self.view: QWebEngineView | None = None
        self.page: WebphonePage | None = None
        self.session: PhoneSession | None = None
        self.ramal = ""

    def is_idle(self) -> bool:
        return self.view is None

    def in_call(self) -> bool:
        return self.session is not None and self.session.in_call()

    def present(self) -> None:
        window = self.window()
        window.show()
        window.raise_()
        window.activateWindow()

    def show_webphone(self, profile: QObject, url: str, ramal: str, fechar_fim: bool) -> None:
        from PySide6.QtWebEngineWidgets import QWebEngineView  # loaded on the first call

        from tvdesk.phone.page import WebphonePage

        self.return_to_idle(emit=False)
        self.ramal = ramal
        self.view = QWebEngineView(self)
        self.page = WebphonePage(profile, QUrl(url), self._open_external, self.view,  # type: ignore[arg-type]
                                 host="embedded")
        self.view.setPage(self.page)
        self.session = PhoneSession(self.page, ramal, self.view, close_at_end=fechar_fim)
        self.session.state_changed.connect(self.call_state_changed)
        self.session.view_close_requested.connect(self.return_to_idle)
        self.page.windowCloseRequested.connect(self.session.page_closed_itself)
        self._stack.addWidget(self.view)
        self._stack.setCurrentWidget(self.view)
        self.page.start()

    def return_to_idle(self, emit: bool = True) -> None:
        if self.view is None:
            return
        view, self.view, self.page, self.session = self.view, None, None, None
        self._stack.removeWidget(view)
        view.deleteLater()   # takes its page, session and renderer with it
        self._stack.setCurrentWidget(self.idle_label)
        log.info("embedded webphone of %s back to idle", self.ramal)
        if emit:
            self.returned_to_idle.emit(self.ramal)
