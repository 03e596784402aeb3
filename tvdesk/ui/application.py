"""The QApplication, plus the one event only the application object receives."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

LINK_SCHEMES = ("tel", "callto")


class TvdeskApplication(QApplication):
    link_opened = Signal(str)   # a tel:/callto: link the platform handed to the app


class _MacApplication(TvdeskApplication):
    # macOS hands `tel:`/`callto:` clicks to the running app as FileOpen events, sent to
    # the application object. (A Python event filter on the whole app would see every
    # event of every widget: slow, and it crashed PySide6 6.11 with WebEngine here.)
    def event(self, event: QEvent) -> bool:
        link = link_of_file_open(event)
        if link is not None:
            self.link_opened.emit(link)
            return True
        return super().event(event)


def link_of_file_open(event: QEvent) -> str | None:
    """The tel:/callto: link a FileOpen event carries; None for any other event."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFileOpenEvent

    if event.type() != QEvent.Type.FileOpen:
        return None
    # PySide6 passes the QFileOpenEvent itself; the stub only knows QEvent
    url = cast(QFileOpenEvent, event).url()
    return url.toString() if url.scheme().lower() in LINK_SCHEMES else None


def make_application(argv: list[str]) -> TvdeskApplication:
    """The application object. Only on macOS do its own events pass through Python: each
    would cost a call elsewhere, and the first would create QEvent's enums (milliseconds)
    while the tray is being shown."""
    kind = _MacApplication if sys.platform == "darwin" else TvdeskApplication
    return kind(argv)
