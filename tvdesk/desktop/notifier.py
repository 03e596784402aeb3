"""Where what the person is told appears: the main window's status line when it is
showing, otherwise a tray balloon, otherwise a notice in the corner of the screen."""

from __future__ import annotations

from PySide6.QtCore import QObject

from tvdesk.ui.main_window import MainWindow
from tvdesk.ui.messages import Message
from tvdesk.ui.toast import Toast
from tvdesk.ui.tray import TrayController


class Notifier(QObject):
    def __init__(self, main_window: MainWindow, tray: TrayController | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._main_window = main_window
        self._tray = tray
        self.toast: Toast | None = None

    def show(self, message: Message) -> None:
        self._main_window.show_status(message.text, message.error, message.topic)
        if self._main_window.isVisible():
            return
        if self._tray is not None and self._tray.notify(message.text, message.error):
            return
        if self.toast is None:
            self.toast = Toast()
        self.toast.notify(message.text, message.error)

    def clear(self, topic: str) -> None:
        self._main_window.clear_status(topic)

    def close(self) -> None:
        if self.toast is not None:
            self.toast.close()
