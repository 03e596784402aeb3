"""The account flow: enter or change the Access-Token, forget it, import extensions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from tvdesk.core.account import Account, start_demo_account
from tvdesk.core.errors import KeyringUnavailableError
from tvdesk.core.formatting import format_money
from tvdesk.core.i18n import _
from tvdesk.core.settings import Extension, SettingsStore
from tvdesk.core.token_store import TokenStore
from tvdesk.desktop.state import AppState
from tvdesk.ops import BackgroundRunner, QueryOp
from tvdesk.ui.messages import MessageBus

log = logging.getLogger("tvdesk.accounts")


class AccountFlow(QObject):
    def __init__(self, state: AppState, token_store: TokenStore, runner: BackgroundRunner,
                 messages: MessageBus, dialog_parent: Callable[[], QWidget | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._tokens = token_store
        self._runner = runner
        self._messages = messages
        self._dialog_parent = dialog_parent
        self._announce_import = True

    # --- the token ----------------------------------------------------------------------

    def open_token_dialog(self) -> None:
        from tvdesk.ui.token_dialog import TokenDialog

        state = self._state
        base = state.settings.api_base if not state.account.demo else \
            SettingsStore(state.paths.settings_file).load().api_base
        dialog = TokenDialog(self._tokens, self._runner, base, self._dialog_parent())
        dialog.token_saved.connect(self._on_token_saved)
        dialog.show()

    def _on_token_saved(self, api_base: str, balance: float) -> None:
        store = SettingsStore(self._state.paths.settings_file)
        self._state.switch_account(Account(api_base=api_base, token=self._tokens.get(),
                                           demo=False, settings_store=store))
        if self._state.settings.api_base != api_base:
            self._state.settings.api_base = api_base
            self._state.settings_edited()
        self._messages.info(_("Access-Token saved. Balance: {balance}.",
                              balance=format_money(balance)))
        self.import_if_empty()

    def forget_token(self) -> None:
        try:
            self._tokens.clear()
        except KeyringUnavailableError as error:
            self._messages.error(error.user_message())
            return
        self._state.switch_account(start_demo_account(self._state.paths))
        self._messages.info(_("Access-Token removed from the keyring. Demo mode is on."))
        self.import_if_empty()

    # --- extensions ---------------------------------------------------------------------

    def import_if_empty(self) -> None:
        """At start-up and after a switch: quietly, since nobody asked for it."""
        if not self._state.settings.extensions and self._state.account.token:
            self.import_extensions(announce=False)

    def import_extensions(self, announce: bool = True) -> None:
        account = self._state.account
        QueryOp("import extensions", lambda: account.client().list_extensions(),
                lambda found: self._on_imported(account, found, announce)).run_in(self._runner)

    def _on_imported(self, account: Account, found: list[Extension], announce: bool) -> None:
        if account is not self._state.account:
            return  # the account changed meanwhile
        added = self._state.settings.merge_extensions(found)
        self._state.settings_edited()
        if announce:
            self._messages.info(_("{count} extensions found in the account ({added} new).",
                                  count=len(found), added=added))
