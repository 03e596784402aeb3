"""The QApplication, plus the one event only the application object receives."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

LINK_SCHEMES = ("tel", "callto")


class TvdeskApplication(QApplication):
    # macOS hands `tel:`/`callto:` clicks to the running app as FileOpen events, sent to
    # the application object. (A Python event filter on the whole app would see every
    # event of every widget: slow, and it crashed PySide6 6.11 with WebEngine here.)
    link_opened = Signal(str)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            # PySide6 passes the QFileOpenEvent itself; the stub only knows QEvent
            url = cast(QFileOpenEvent, event).url()
            if url.scheme().lower() in LINK_SCHEMES:
                self.link_opened.emit(url.toString())
                return True
        return super().event(event)
