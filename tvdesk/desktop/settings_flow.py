"""The Settings dialog, and what a change of settings sets in motion."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from tvdesk.core.settings import Settings
from tvdesk.desktop.accounts import AccountFlow
from tvdesk.desktop.state import AppState
from tvdesk.ui.hotkey import GlobalHotkey
from tvdesk.ui.messages import MessageBus


class SettingsFlow(QObject):
    def __init__(self, state: AppState, accounts: AccountFlow, hotkey: GlobalHotkey,
                 messages: MessageBus, dialog_parent: Callable[[], QWidget | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._accounts = accounts
        self._hotkey = hotkey
        self._messages = messages
        self._dialog_parent = dialog_parent

    def open_settings(self) -> None:
        from tvdesk.integration.autostart import autostart_for_platform
        from tvdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._state.settings, self._state.account.demo,
                                self._dialog_parent())
        dialog.load_autostart(autostart_for_platform(sys.platform))
        dialog.settings_accepted.connect(self.apply)
        dialog.change_token.connect(self._accounts.open_token_dialog)

        def forget_token() -> None:
            dialog.reject()
            self._accounts.forget_token()

        def import_extensions() -> None:
            dialog.reject()
            self._accounts.import_extensions()

        dialog.forget_token.connect(forget_token)
        dialog.import_extensions.connect(import_extensions)
        dialog.show()

    def apply(self, settings: Settings) -> None:
        """The new settings are in place first; everyone that reacts reads them."""
        self._state.replace_settings(settings)

    def set_do_not_disturb(self, on: bool) -> None:
        self._state.settings.do_not_disturb = on
        self._state.settings_edited()

    def apply_hotkey(self) -> None:
        settings = self._state.settings
        if not settings.hotkey_enabled:
            self._hotkey.stop()
            return
        problem = self._hotkey.start(settings.hotkey)
        if problem:
            self._messages.error(problem)
