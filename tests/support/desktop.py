"""Build the composed desktop app in the test process, as `tvdesk.app` does."""

from __future__ import annotations

from typing import Any

from tvdesk.app import Desktop, build_desktop


class ExitRecorder:
    def __init__(self) -> None:
        self.codes: list[int] = []

    def __call__(self, code: int) -> None:
        self.codes.append(code)


def compose(qapp, qtbot, paths, account, token_store, use_tray=True) -> Desktop:
    recorder = ExitRecorder()
    desktop = build_desktop(qapp, paths, account, token_store, use_tray=use_tray,
                            exit_app=recorder)
    desktop.exit_codes = recorder.codes   # what the app asked the event loop to exit with
    desktop.messages.can_ask = lambda: True   # the test plays the person at the screen
    # The main window is built when first needed (a test reading desktop.main_window builds it).
    desktop.windows.built.connect(qtbot.addWidget)
    return desktop


def compose_for_account(qapp, qtbot, home, sandbox, **settings_values) -> Desktop:
    """The app on a real account at `sandbox`, with these settings saved before it starts."""
    from PySide6.QtWidgets import QApplication

    from tvdesk.core.account import Account
    from tvdesk.core.paths import resolve_paths
    from tvdesk.core.settings import Settings, SettingsStore
    from tvdesk.core.token_store import TokenStore

    paths = resolve_paths(home)
    paths.ensure()
    store = SettingsStore(paths.settings_file)
    store.save(Settings(api_base=sandbox.base_url, **settings_values))
    account = Account(api_base=sandbox.base_url, token=sandbox.token, demo=False,
                      settings_store=store)
    QApplication.clipboard().setText("")
    return compose(qapp, qtbot, paths, account, TokenStore(environ={}), use_tray=True)


def ask(qtbot, desktop: Desktop, request: dict[str, Any], timeout: int = 10000) -> dict[str, Any]:
    """The reply the instance server would send for `request` (waits for a dial's outcome)."""
    replies: list[dict[str, Any]] = []
    desktop.requests.handle(request, replies.append)
    qtbot.waitUntil(lambda: bool(replies), timeout=timeout)
    assert len(replies) == 1
    return replies[0]


def ask_later(desktop: Desktop, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Send `request`; the returned list receives its reply when there is one."""
    replies: list[dict[str, Any]] = []
    desktop.requests.handle(request, replies.append)
    return replies


def dial(desktop: Desktop, request) -> list:
    """Start a dial; the returned list receives its DialOutcome."""
    outcomes: list = []
    desktop.dialer.dial(request, outcomes.append)
    return outcomes
