"""Keeps the main window and the tray menu in step with the account, settings,
history, clipboard and the background phones' state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from tvdesk.phone.states import ConnectionState

if TYPE_CHECKING:
    from tvdesk.desktop.incoming import HiddenCalls
    from tvdesk.desktop.quick_dial import QuickDial
    from tvdesk.desktop.state import AppState
    from tvdesk.ui.lazy_main_window import LazyMainWindow
    from tvdesk.ui.tray import TrayController


class Presenter(QObject):
    """Made with the tray, before the controllers exist: until `attach` gives it the
    clipboard and the background phones, it shows none and "idle"."""

    def __init__(self, state: AppState, main_window: LazyMainWindow,
                 tray: TrayController | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._quick_dial: QuickDial | None = None
        self._hidden: HiddenCalls | None = None
        self._main_window = main_window
        self._tray = tray

    def attach(self, quick_dial: QuickDial, hidden: HiddenCalls) -> None:
        self._quick_dial, self._hidden = quick_dial, hidden

    def refresh(self) -> None:
        state = self._state
        has_token = bool(state.account.token)
        recent = state.history.entries()
        clipboard = self._quick_dial.clipboard_target if self._quick_dial is not None else None
        window = self._main_window.window   # not built yet: filled in when it is
        if window is not None:
            window.apply(state.settings, state.account.demo, has_token)
            window.show_quick_dial(state.settings.favourites, recent, state.settings.region)
        if self._tray is not None:
            self._tray.rebuild(state.settings, state.account.demo, has_token, recent=recent,
                               clipboard=clipboard)
        self.update_tray_status()

    def update_tray_status(self) -> None:
        if self._tray is None:
            return
        status = self._hidden.status() if self._hidden is not None else ConnectionState.IDLE
        if self._state.settings.do_not_disturb and status not in (ConnectionState.IDLE,
                                                                  ConnectionState.IN_CALL):
            status = ConnectionState.DND
        self._tray.set_status(status.value)
