"""The running desktop app: tray, main window, dialogs and calls, wired together."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from html import escape as html_escape
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, qVersion
from PySide6.QtWidgets import QApplication, QMessageBox

from tvdesk.core.account import Account, start_demo_account
from tvdesk.core.diagnostics import build_report
from tvdesk.core.errors import KeyringUnavailableError, TvdeskError
from tvdesk.core.formatting import format_money
from tvdesk.core.history import (
    DEMO_HISTORY_FILE_NAME,
    HISTORY_FILE_NAME,
    CallHistory,
    CallRecord,
)
from tvdesk.core.i18n import _
from tvdesk.core.paths import AppPaths
from tvdesk.core.phone_numbers import DialTarget, find_dialable
from tvdesk.core.settings import Settings, SettingsStore
from tvdesk.core.token_store import TokenStore
from tvdesk.ui.background import BackgroundRunner
from tvdesk.ui.calls import CallManager, DialRequest, StartedCall
from tvdesk.ui.confirm_dial import ConfirmDialBox
from tvdesk.ui.hidden_calls import HiddenCalls
from tvdesk.ui.hotkey import GlobalHotkey
from tvdesk.ui.main_window import MainWindow
from tvdesk.ui.toast import Toast
from tvdesk.ui.tray import TrayController

log = logging.getLogger("tvdesk.app")

MAX_CLIPBOARD_CHARS = 1000  # a whole document on the clipboard is not a number
WARM_UP_DELAY_MS = 1500


class DesktopApp(QObject):
    def __init__(self, qapp: QApplication, paths: AppPaths, account: Account,
                 token_store: TokenStore, use_tray: bool | None = None,
                 exit_app: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.qapp = qapp
        # Not QApplication.quit(): that asks every window, and the main window only hides.
        self._exit_app = exit_app or qapp.exit
        self.paths = paths
        self.account = account
        self.token_store = token_store
        self.runner = BackgroundRunner(self)
        self._quitting = False
        self.settings = self._load_settings(account.settings_store)
        self.use_tray = TrayController.available() if use_tray is None else use_tray

        self.history = self._load_history()
        self.calls = CallManager(paths, account, self.settings, self.save_settings, self.runner,
                                 self.ask_confirmation, self)
        self.clipboard_target: DialTarget | None = None
        self._confirm_boxes: list[ConfirmDialBox] = []
        self.toast: Toast | None = None
        self.hidden = HiddenCalls(lambda: self.settings, self._add_to_history, self.show_message,
                                  self)
        self.hotkey = GlobalHotkey(self)
        self.hotkey.triggered.connect(lambda: self.dial_clipboard(source="hotkey"))
        self.main_window = MainWindow()
        self.main_window.restore_geometry_from(self.settings.main_window_geometry)
        self.calls.embedded_panel = self.main_window.embedded_panel
        self.tray = TrayController(self) if self.use_tray else None
        # Without a tray the main window is home: closing it quits, and so does the last window.
        qapp.setQuitOnLastWindowClosed(False)
        self._wire()
        self.refresh()
        if self.tray is not None:
            self.tray.show()
        # Everything the tray does not need to appear waits for the event loop's first turn.
        QTimer.singleShot(0, self._after_start)

    def _after_start(self) -> None:
        if self._quitting:
            return
        self._on_clipboard_changed()
        if self.account.keyring_problem == "slow":
            self.show_message(_("The system keyring did not answer in time, so tvdesk started "
                                "in demo mode. Unlock the keyring and start tvdesk again, or "
                                "set TVDESK_TOKEN."), True)
        elif self.account.keyring_problem == "unavailable":
            # Quietly, in the window: on servers and fresh machines this is the norm.
            self.main_window.show_status(KeyringUnavailableError().user_message(), False)
        self._import_if_empty()
        self._apply_hotkey()
        self.calls.sync_background_phones()
        if self.settings.warm_engine:
            QTimer.singleShot(WARM_UP_DELAY_MS, self.calls.warm_up)

    # --- wiring -------------------------------------------------------------------

    def _wire(self) -> None:
        window = self.main_window
        window.call_requested.connect(lambda ramal, number: self.calls.dial(
            DialRequest(ramal=ramal, number=number or None)))
        window.open_settings.connect(self.open_settings)
        window.enter_token.connect(self.open_token_dialog)
        window.import_extensions.connect(lambda: self.import_extensions())
        window.close_requested.connect(self._on_main_window_close)
        self.calls.message.connect(self.show_message)
        self.calls.busy_changed.connect(window.set_busy)
        self.calls.call_started.connect(self._remember_call)
        self.calls.background_phone_added.connect(self.hidden.watch)
        self.calls.call_bar_requested.connect(self.hidden.show_call_bar)
        self.calls.embedded_opened.connect(lambda _ramal: self.show_main_window())
        self.hidden.status_changed.connect(lambda _status: self._update_tray_status())
        self.hidden.message.connect(self.show_message)
        self.qapp.clipboard().dataChanged.connect(self._on_clipboard_changed)
        window.redial_requested.connect(self.redial_last)
        window.show_about.connect(self.open_about)
        window.clear_history_requested.connect(self.clear_history)
        window.quick_dial_requested.connect(lambda ramal, number: self.calls.dial(
            DialRequest(ramal=ramal or None, number=number)))
        if self.tray is not None:
            self.tray.dial_extension.connect(lambda ramal: self.calls.dial(DialRequest(ramal=ramal)))
            self.tray.show_main.connect(self.show_main_window)
            self.tray.open_settings.connect(self.open_settings)
            self.tray.enter_token.connect(self.open_token_dialog)
            self.tray.quit_requested.connect(self.quit)
            self.tray.dial_clipboard.connect(lambda: self.dial_clipboard(source="clipboard"))
            self.tray.redial_last.connect(self.redial_last)
            self.tray.clear_history.connect(self.clear_history)
            self.tray.dnd_toggled.connect(self.set_do_not_disturb)
            self.tray.show_about.connect(self.open_about)
            self.tray.simulate_incoming.connect(self.simulate_incoming_call)
            self.tray.show_call_bar.connect(self.hidden.show_call_bar)
            self.tray.quick_dial.connect(lambda ramal, number: self.calls.dial(
                DialRequest(ramal=ramal or None, number=number)))

    def refresh(self) -> None:
        has_token = bool(self.account.token)
        recent = self.history.entries()
        self.main_window.apply(self.settings, self.account.demo, has_token)
        self.main_window.show_quick_dial(self.settings.favourites, recent, self.settings.region)
        if self.tray is not None:
            self.tray.rebuild(self.settings, self.account.demo, has_token, recent=recent,
                              clipboard=self.clipboard_target)

    # --- quick dial: clipboard, history, favourites ---------------------------------

    def _on_clipboard_changed(self) -> None:
        text = self.qapp.clipboard().text() or ""
        target = find_dialable(text[:MAX_CLIPBOARD_CHARS], self.settings.region)
        if target != self.clipboard_target:
            self.clipboard_target = target
            if self.tray is not None:
                self.tray.set_clipboard_target(target)

    def dial_clipboard(self, source: str, ramal: str | None = None, confirmed: bool = False) -> bool:
        text = self.qapp.clipboard().text() or ""
        if not text.strip():
            self.show_message(_("The clipboard holds no number to call."), True)
            return False
        return self.calls.dial(DialRequest(ramal=ramal, number=text[:MAX_CLIPBOARD_CHARS],
                                           source=source, confirmed=confirmed))

    def _load_history(self) -> CallHistory:
        name = DEMO_HISTORY_FILE_NAME if self.account.demo else HISTORY_FILE_NAME
        history = CallHistory(self.paths.data_dir / name, self.settings.history_limit)
        history.load()
        if history.load_problem:
            QTimer.singleShot(0, lambda: self.show_message(
                _("The call history file was damaged and has been set aside; "
                  "older calls may be missing."), True))
        return history

    def _remember_call(self, call: StartedCall) -> None:
        self._add_to_history(CallRecord(number=call.target.api_value,
                                        display=call.target.display, ramal=call.ramal,
                                        when=time.time()))

    def _add_to_history(self, record: CallRecord) -> None:
        try:
            self.history.add(record)
        except OSError as error:
            log.warning("could not save the call history: %s", error.strerror)
            self.show_message(_("Could not save the call history: {reason}",
                                reason=error.strerror or "?"), True)
        self.refresh()

    def redial_last(self) -> None:
        last = self.history.last()
        if last is None:
            self.show_message(_("No calls yet."), True)
            return
        self.calls.dial(DialRequest(ramal=last.ramal, number=last.number))

    def clear_history(self) -> None:
        try:
            self.history.clear()
        except OSError as error:
            self.show_message(_("Could not save the call history: {reason}",
                                reason=error.strerror or "?"), True)
        self.refresh()

    def set_do_not_disturb(self, on: bool) -> None:
        self.settings.do_not_disturb = on
        self.save_settings()
        self._update_tray_status()

    def _update_tray_status(self) -> None:
        if self.tray is None:
            return
        status = self.hidden.status()
        if self.settings.do_not_disturb and status != "idle" and status != "in_call":
            status = "dnd"
        self.tray.set_status(status)

    def _apply_hotkey(self) -> None:
        if not self.settings.hotkey_enabled:
            self.hotkey.stop()
            return
        problem = self.hotkey.start(self.settings.hotkey)
        if problem:
            self.show_message(problem, True)

    def ask_confirmation(self, target: DialTarget, ramal: str, source: str,
                         answer: Callable[[bool], None]) -> None:
        box = ConfirmDialBox(target, ramal, source, answer,
                             self.main_window if self.main_window.isVisible() else None)
        self._confirm_boxes = [b for b in self._confirm_boxes if b.isVisible()] + [box]
        box.ask()

    def open_link(self, url: str) -> None:
        self.calls.dial(DialRequest(number=url, source="link"))

    # --- settings -----------------------------------------------------------------

    def _load_settings(self, store: SettingsStore) -> Settings:
        settings = store.load()
        if store.load_problem:
            where = str(store.set_aside_path) if store.set_aside_path else str(store.path)
            text = _("The settings file was damaged and has been set aside ({path}); tvdesk "
                     "restored the last good copy.", path=where) \
                if getattr(store, "restored_from_backup", False) else \
                _("The settings file was damaged and has been set aside ({path}); "
                  "tvdesk started with default settings.", path=where)
            QTimer.singleShot(0, lambda: self.show_message(text, True))
        return settings

    def save_settings(self) -> None:
        try:
            self.account.settings_store.save(self.settings)
        except ValueError:
            log.exception("refused to save settings that would not load back")
            self.show_message(_("These settings cannot be saved; the last saved ones stay."), True)
        except OSError as error:
            log.warning("could not save settings: %s", error.strerror)
            self.show_message(_("Could not save the settings: {reason}",
                                reason=error.strerror or "?"), True)

    def apply_settings(self, settings: Settings) -> None:
        api_changed = settings.api_base != self.settings.api_base
        self.settings = settings
        self.history.set_limit(settings.history_limit)
        self._apply_hotkey()
        self.calls.sync_background_phones()
        self._on_clipboard_changed()  # the region may have changed what counts as a number
        self.calls.set_account(self.account, settings)
        self.save_settings()
        if api_changed and not self.account.demo:
            self.account.api_base = settings.api_base
        self.refresh()

    # --- actions ------------------------------------------------------------------

    def show_main_window(self) -> None:
        self.main_window.show()
        self.main_window.raise_()
        self.main_window.activateWindow()

    def show_message(self, text: str, error: bool) -> None:
        self.main_window.show_status(text, error)
        if self.main_window.isVisible():
            return
        if self.tray is not None and self.tray.notify(text, error):
            return
        # No tray balloons here (or no tray): a notice in the corner instead.
        if self.toast is None:
            self.toast = Toast()
        self.toast.notify(html_escape(text), error)

    def open_settings(self) -> None:
        from tvdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.account.demo, self.main_window)
        from tvdesk.integration.autostart import autostart_for_platform

        dialog.load_autostart(autostart_for_platform(sys.platform))
        dialog.settings_accepted.connect(self.apply_settings)
        dialog.change_token.connect(self.open_token_dialog)
        dialog.forget_token.connect(lambda: (dialog.reject(), self.forget_token()))
        dialog.import_extensions.connect(lambda: (dialog.reject(), self.import_extensions()))
        dialog.show()

    def diagnostics(self) -> str:
        return build_report(
            self.paths, self.settings, api_base=self.account.api_base, demo=self.account.demo,
            token_source=self.token_store.source() if not self.account.demo else "demo sandbox",
            keyring_backend=self.token_store.backend_name(),
            extra=[("system tray", "available" if self.tray is not None else "none"),
                   ("background phones", ", ".join(
                       f"{r}: {p.connection}" for r, p in self.calls.background.items()) or "-"),
                   ("Qt", qVersion())])

    def simulate_incoming_call(self, caller: str = "+554832830151") -> None:
        """Demo mode: the embedded sandbox rings the first background (hidden) phone."""
        sandbox = self.account.sandbox
        hidden = [r for r, p in self.calls.background.items() if p.connection == "connected"]
        if sandbox is None:
            return
        if not hidden:
            self.show_message(_("Incoming calls ring on a background phone: in Settings, set an "
                                "extension's webphone to 'background + call bar', then try "
                                "again."), True)
            return
        try:
            sandbox.incoming_call(hidden[0], caller)
        except LookupError:
            self.show_message(_("The background phone is not connected yet. Try again in a "
                                "moment."), True)

    def open_about(self) -> None:
        from tvdesk.ui.about_dialog import AboutDialog

        dialog = AboutDialog(self.paths, self.account.api_base, self.account.demo,
                             self.token_store.backend_name(), self.diagnostics,
                             self.main_window if self.main_window.isVisible() else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._about_dialog = dialog   # without a parent, Python's reference keeps it alive
        dialog.show()

    def open_token_dialog(self) -> None:
        from tvdesk.ui.token_dialog import TokenDialog

        base = self.settings.api_base if not self.account.demo else \
            SettingsStore(self.paths.settings_file).load().api_base
        dialog = TokenDialog(self.token_store, self.runner, base, self.main_window)
        dialog.token_saved.connect(self._on_token_saved)
        dialog.show()

    def _on_token_saved(self, api_base: str, balance: float) -> None:
        store = SettingsStore(self.paths.settings_file)
        self._switch_account(Account(api_base=api_base, token=self.token_store.get(), demo=False,
                                     settings_store=store))
        if self.settings.api_base != api_base:
            self.settings.api_base = api_base
            self.save_settings()
        self.show_message(_("Access-Token saved. Balance: {balance}.",
                            balance=format_money(balance)), False)

    def forget_token(self) -> None:
        try:
            self.token_store.clear()
        except KeyringUnavailableError as error:
            self.show_message(error.user_message(), True)
            return
        self._switch_account(start_demo_account(self.paths))
        self.show_message(_("Access-Token removed from the keyring. Demo mode is on."), False)

    def _switch_account(self, account: Account) -> None:
        self.calls.close_all()
        self.calls.stop_background_phones()
        self.hidden.forget_all()
        self.account.close()
        self.account = account
        self.settings = self._load_settings(account.settings_store)
        self.history = self._load_history()
        self.calls.set_account(account, self.settings)
        self.refresh()
        self._import_if_empty()
        self.calls.sync_background_phones()

    def _import_if_empty(self) -> None:
        if not self.settings.extensions and self.account.token:
            self.import_extensions(announce=False)

    def import_extensions(self, announce: bool = True) -> None:
        account = self.account

        def fetch() -> list:
            return account.client().list_extensions()

        def done(found: list) -> None:
            if account is not self.account:
                return  # the account changed meanwhile
            added = self.settings.merge_extensions(found)
            self.save_settings()
            self.refresh()
            if announce:   # the automatic import at start-up happens quietly
                self.show_message(_("{count} extensions found in the account ({added} new).",
                                    count=len(found), added=added), False)

        def failed(error: TvdeskError) -> None:
            self.show_message(error.user_message(), True)

        self.runner.run(fetch, done, failed)

    def _on_main_window_close(self) -> None:
        self.settings.main_window_geometry = self.main_window.geometry_text()
        self.save_settings()
        if self.tray is None:
            self.quit()
        else:
            self.main_window.hide()

    # --- requests from later starts (single instance) --------------------------------

    def handle_instance_request(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("command") == "show":
            self.show_main_window()
            return {"ok": True}
        if request.get("command") == "quit":
            QTimer.singleShot(0, self.quit)  # after the answer has gone out
            return {"ok": True}
        ramal = request.get("ramal")
        number = request.get("number")
        source = request.get("source", "cli")
        confirmed = request.get("confirmed", False)
        if not isinstance(ramal, (str, type(None))) or not isinstance(number, (str, type(None))) \
                or source not in ("cli", "link") or not isinstance(confirmed, bool):
            return {"ok": False, "error": "bad dial request"}
        if request["command"] == "dial-clipboard":
            started = self.dial_clipboard(source="cli", ramal=ramal, confirmed=confirmed)
        else:
            started = self.calls.dial(DialRequest(ramal=ramal, number=number, source=source,
                                                  confirmed=confirmed))
        return {"ok": started, "asked": started and self.calls.last_dial_asked,
                "error": None if started else self.main_window.status_label.text()}

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        log.info("quitting")
        self.calls.close_all()
        self.calls.stop_background_phones()
        self.calls.release_engine()
        self.hotkey.stop()
        if self.toast is not None:
            self.toast.close()
        if self.tray is not None:
            self.tray.hide()
        self.runner.wait(3000)
        self.account.close()
        self._exit_app(0)


def report_unexpected_error(parent: Any, log_file: str) -> None:
    QMessageBox.warning(parent, "tvdesk", _(
        "Something unexpected went wrong. tvdesk keeps running; details are in the log: {path}",
        path=log_file))
