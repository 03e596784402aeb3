"""The main window, built the first time it is needed.

This module is small on purpose: the tray appears before the main window's module (and
the widgets it pulls in) is even imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from tvdesk.ui.main_window import MainWindow


class LazyMainWindow(QObject):
    """The main window, built the first time it is needed: shown, or a dialog wants a
    parent. A tvdesk started minimized waits in the tray without it, which keeps start-up
    short and the idle app small; `built` lets its owner wire it up and fill it in."""

    built = Signal(object)   # MainWindow

    def __init__(self, geometry: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._geometry = geometry
        self._window: MainWindow | None = None

    @property
    def window(self) -> MainWindow | None:
        """The window if it was built; None otherwise (nothing is built here)."""
        return self._window

    def get(self) -> MainWindow:
        if self._window is None:
            from tvdesk.ui.main_window import MainWindow

            window = MainWindow()
            window.restore_geometry_from(self._geometry())
            self._window = window
            self.built.emit(window)
        return self._window

    def is_visible(self) -> bool:
        return self._window is not None and self._window.isVisible()

    def visible_window(self) -> MainWindow | None:
        """A parent for a dialog that should sit on the window, when the window shows."""
        return self._window if self.is_visible() else None
