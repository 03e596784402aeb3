"""The account, settings and call history the app runs with now, shared by everyone.

Controllers read `state.settings` when they need it instead of keeping a copy, so a
change made in Settings is seen by the next line of code that runs, in any order.
`settings_changed` and `account_changed` tell the views and background phones.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from tvdesk.core.account import Account
from tvdesk.core.history import DEMO_HISTORY_FILE_NAME, HISTORY_FILE_NAME, CallHistory
from tvdesk.core.i18n import _
from tvdesk.core.paths import AppPaths
from tvdesk.core.settings import Settings, SettingsStore
from tvdesk.ui.messages import MessageBus

log = logging.getLogger("tvdesk.state")


class AppState(QObject):
    settings_changed = Signal()   # after the new settings are in place and saved
    account_changed = Signal()    # after the new account, its settings and history are in place
    history_changed = Signal()

    def __init__(self, paths: AppPaths, account: Account, messages: MessageBus,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self._messages = messages
        self.account = account
        self._load_problems: list[str] = []   # said by say_load_problems, once someone listens
        self.settings = self._load_settings(account.settings_store)
        self.history = self._load_history()

    # --- settings -------------------------------------------------------------------

    def save_settings(self) -> None:
        try:
            self.account.settings_store.save(self.settings)
        except ValueError:
            log.exception("refused to save settings that would not load back")
            self._messages.error(_("These settings cannot be saved; the last saved ones stay."))
        except OSError as error:
            log.warning("could not save settings: %s", error.strerror)
            self._messages.error(_("Could not save the settings: {reason}",
                                   reason=error.strerror or "?"))

    def replace_settings(self, settings: Settings) -> None:
        """New settings take effect at once, everywhere: then they are saved and announced.

        The API address changes only when the person changed it in Settings: an address
        given with --api-base or TVDESK_API_BASE is not in the settings file, and an OK
        that leaves the field alone must not move the running session elsewhere."""
        if not self.account.demo and settings.api_base != self.settings.api_base:
            self.account.api_base = settings.api_base
        self.settings = settings
        self.history.set_limit(settings.history_limit)
        self.save_settings()
        self.settings_changed.emit()
        self.history_changed.emit()

    def settings_edited(self) -> None:
        """A part of the settings was changed in place (DND, imported extensions...)."""
        self.save_settings()
        self.settings_changed.emit()

    # --- account --------------------------------------------------------------------

    def switch_account(self, account: Account) -> None:
        old, self.account = self.account, account
        old.close()
        self.settings = self._load_settings(account.settings_store)
        self.history = self._load_history()
        self.account_changed.emit()
        self.settings_changed.emit()
        self.history_changed.emit()
        self.say_load_problems()

    def _load_settings(self, store: SettingsStore) -> Settings:
        settings = store.load()
        if store.load_problem:
            where = str(store.set_aside_path) if store.set_aside_path else str(store.path)
            text = _("The settings file was damaged and has been set aside ({path}); tvdesk "
                     "restored the last good copy.", path=where) \
                if store.restored_from_backup else \
                _("The settings file was damaged and has been set aside ({path}); "
                  "tvdesk started with default settings.", path=where)
            self._load_problems.append(text)
        return settings

    def _load_history(self) -> CallHistory:
        name = DEMO_HISTORY_FILE_NAME if self.account.demo else HISTORY_FILE_NAME
        history = CallHistory(self.paths.data_dir / name, self.settings.history_limit)
        history.load()
        if history.load_problem:
            self._load_problems.append(_("The call history file was damaged and has been set "
                                         "aside; older calls may be missing."))
        return history

    def say_load_problems(self) -> None:
        """Tell the person what was wrong with the files just loaded. At start-up this
        waits until the desktop is wired, so the words reach the tray or the window."""
        problems, self._load_problems = self._load_problems, []
        for text in problems:
            self._messages.error(text)
