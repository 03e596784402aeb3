"""Quitting, in one order: calls and background phones first, the web engine after its
pages, the workers with a bound, then the event loop. Quitting always works."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from tvdesk.desktop.notifier import Notifier
from tvdesk.desktop.state import AppState
from tvdesk.ops import BackgroundRunner
from tvdesk.phone.dialer import Dialer
from tvdesk.ui.hotkey import GlobalHotkey
from tvdesk.ui.tray import TrayController

log = logging.getLogger("tvdesk.app")

WORKERS_GRACE_MS = 3000


class Shutdown(QObject):
    def __init__(self, state: AppState, dialer: Dialer, hotkey: GlobalHotkey,
                 notifier: Notifier, tray: TrayController | None, runner: BackgroundRunner,
                 exit_app: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._dialer = dialer
        self._hotkey = hotkey
        self._notifier = notifier
        self._tray = tray
        self._runner = runner
        # Not QApplication.quit(): that asks every window, and the main window only hides.
        self._exit_app = exit_app
        self.quitting = False

    def quit(self) -> None:
        if self.quitting:
            return
        self.quitting = True
        log.info("quitting")
        self._dialer.close_all()
        self._dialer.stop_background_phones()
        self._dialer.release_engine()
        self._hotkey.stop()
        self._notifier.close()
        if self._tray is not None:
            self._tray.hide()
        self._runner.wait(WORKERS_GRACE_MS)
        self._state.account.close()
        self._exit_app(0)
