"""Where what the person is told appears: the main window's status line when it is
showing, otherwise a tray balloon, otherwise a notice in the corner of the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from tvdesk.ui.lazy_main_window import LazyMainWindow
    from tvdesk.ui.main_window import MainWindow
    from tvdesk.ui.messages import Message
    from tvdesk.ui.toast import Toast
    from tvdesk.ui.tray import TrayController


class Notifier(QObject):
    def __init__(self, main_window: LazyMainWindow, tray: TrayController | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._main_window = main_window
        self._tray = tray
        self.toast: Toast | None = None
        # The status line a main window not built yet shows once it is.
        self._status: tuple[str, bool, str] | None = None

    def show(self, message: Message) -> None:
        self.show_in_window(message.text, message.error, message.topic)
        if self._main_window.is_visible():
            return
        if self._tray is not None and self._tray.notify(message.text, message.error):
            return
        if self.toast is None:
            from tvdesk.ui.toast import Toast  # the first notice without a tray or window

            self.toast = Toast()
        self.toast.notify(message.text, message.error)

    def show_in_window(self, text: str, error: bool, topic: str = "") -> None:
        """The main window's status line only (now, or once the window is built)."""
        self._status = (text, error, topic)
        if self._main_window.window is not None:
            self._main_window.window.show_status(text, error, topic)

    def clear(self, topic: str) -> None:
        if self._status is not None and topic and self._status[2] == topic:
            self._status = None
        if self._main_window.window is not None:
            self._main_window.window.clear_status(topic)

    def fill(self, window: MainWindow) -> None:
        """A main window just built shows the status line it would have shown."""
        if self._status is not None:
            window.show_status(*self._status)

    def close(self) -> None:
        if self.toast is not None:
            self.toast.close()
