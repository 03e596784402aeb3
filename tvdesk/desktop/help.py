"""About tvdesk, its diagnostics report, and the demo's simulated incoming call."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, qVersion
from PySide6.QtWidgets import QWidget

from tvdesk.core.i18n import _
from tvdesk.core.token_store import TokenStore
from tvdesk.desktop.state import AppState
from tvdesk.phone.dialer import Dialer
from tvdesk.phone.states import ConnectionState
from tvdesk.ui.messages import MessageBus
from tvdesk.ui.tray import TrayController

DEMO_CALLER = "+554832830151"


class HelpFlow(QObject):
    def __init__(self, state: AppState, dialer: Dialer, token_store: TokenStore,
                 tray: TrayController | None, messages: MessageBus,
                 dialog_parent: Callable[[], QWidget | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._dialer = dialer
        self._tokens = token_store
        self._tray = tray
        self._messages = messages
        self._dialog_parent = dialog_parent
        self._about_dialog: QWidget | None = None

    def diagnostics(self) -> str:
        from tvdesk.core.api import tls_trust  # requests: only when asked
        from tvdesk.core.diagnostics import build_report

        state = self._state
        account = state.account
        return build_report(
            state.paths, state.settings, api_base=account.api_base, demo=account.demo,
            token_source=self._tokens.source() if not account.demo else "demo sandbox",
            keyring_backend=self._tokens.backend_name(),
            extra=[("system tray", "available" if self._tray is not None else "none"),
                   ("background phones", ", ".join(
                       f"{r}: {p.connection}" for r, p in self._dialer.background.items()) or "-"),
                   ("TLS trust", tls_trust()[1]),
                   ("phone process", self._dialer.phone_process_status()),
                   ("Qt", qVersion())])

    def open_about(self) -> None:
        from PySide6.QtCore import Qt  # here, not at start-up: Qt's enums take ~20 ms

        from tvdesk.ui.about_dialog import AboutDialog

        account = self._state.account
        dialog = AboutDialog(self._state.paths, account.api_base, account.demo,
                             self._tokens.backend_name(), self.diagnostics,
                             self._dialog_parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._about_dialog = dialog   # without a parent, Python's reference keeps it alive
        dialog.show()

    def simulate_incoming_call(self, caller: str = DEMO_CALLER) -> None:
        """Demo mode: the embedded sandbox rings the first connected background phone."""
        sandbox = self._state.account.sandbox
        if sandbox is None:
            return
        connected = [r for r, p in self._dialer.background.items()
                     if p.connection is ConnectionState.CONNECTED]
        if not connected:
            self._messages.error(_(
                "Incoming calls ring on a background phone: in Settings, set an extension's "
                "webphone to 'background + call bar', then try again."))
            return
        try:
            sandbox.incoming_call(connected[0], caller)
        except LookupError:
            self._messages.error(_("The background phone is not connected yet. Try again in a "
                                   "moment."))
