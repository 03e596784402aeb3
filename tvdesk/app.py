"""The composition root: parse the command line, then run a subcommand or the desktop app.

Everything the running app is made of is built and wired here, in phases, the tray
first: `load_state` (account, settings, history), `show_tray_first` (the tray and its
menu), then on the event loop's next turn `finish_desktop` (the controllers and their
wiring); `build_desktop` runs them all at once for tests. No other module builds a
controller or reaches for a global. Qt is imported only once a desktop start is sure, so
the command-line subcommands never load it.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tvdesk.cli import (
    DIAL_ANSWER_LIMIT_MS,
    HEADLESS_COMMANDS,
    build_parser,
    run_headless,
    top_level_value_options,
)
from tvdesk.core.dialing import DialRequest, DialSource, call_topic
from tvdesk.core.errors import KeyringUnavailableError
from tvdesk.core.exit_codes import ExitCode
from tvdesk.core.i18n import _, apply_language
from tvdesk.core.logging_setup import configure_logging, rotate_from_now
from tvdesk.core.paths import AppPaths, resolve_paths
from tvdesk.core.terminal_text import for_terminal

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from tvdesk.core.account import Account
    from tvdesk.core.token_store import TokenStore
    from tvdesk.desktop.accounts import AccountFlow
    from tvdesk.desktop.help import HelpFlow
    from tvdesk.desktop.incoming import HiddenCalls
    from tvdesk.desktop.instance_requests import InstanceRequests
    from tvdesk.desktop.notifier import Notifier
    from tvdesk.desktop.presenter import Presenter
    from tvdesk.desktop.quick_dial import QuickDial
    from tvdesk.desktop.settings_flow import SettingsFlow
    from tvdesk.desktop.shutdown import Shutdown
    from tvdesk.desktop.state import AppState
    from tvdesk.ops import BackgroundRunner
    from tvdesk.phone.dialer import Dialer
    from tvdesk.ui.hotkey import GlobalHotkey
    from tvdesk.ui.lazy_main_window import LazyMainWindow
    from tvdesk.ui.main_window import MainWindow
    from tvdesk.ui.messages import MessageBus
    from tvdesk.ui.signal_hold import SignalHold
    from tvdesk.ui.tray import TrayController

log = logging.getLogger("tvdesk.app")

# With the phone process off, the web engine starts in this process when the person shows
# they are about to call (see _wire_intents), this long after the sign: the menu or window
# they opened paints before the GUI thread spends ~0.2 s loading Qt WebEngine.
INTENT_WARM_UP_DELAY_MS = 50


LINK_SCHEMES = ("tel:", "callto:")


class LinkArgumentsError(ValueError):
    pass


def split_link(argv: list[str],
               parser: argparse.ArgumentParser | None = None) -> tuple[list[str], str | None]:
    """Take a `tel:`/`callto:` URI (what a desktop passes on a click) out of argv.

    Only a lone positional argument is a link: the first word that is neither an
    option nor an option's value. After a command name, link-like words belong to the
    command (`tvdesk url --ligar-para tel:+55...`). The link must come last: anything
    after it came out of the link itself (Windows splits `"%1"` on quotes a web page
    can put in a link) and could redirect the token elsewhere.
    """
    index = first_positional(argv, parser)
    if index is None:
        return argv, None
    word = argv[index]
    if not word.lower().startswith(LINK_SCHEMES):
        return argv, None   # a command name (or a mistake argparse will explain)
    if index != len(argv) - 1:
        raise LinkArgumentsError(word)
    return argv[:index], word


def first_positional(argv: list[str], parser: argparse.ArgumentParser | None = None) -> int | None:
    """Where the first word that is neither an option nor an option's value is, if any."""
    takes_value = top_level_value_options(parser or build_parser(commands=False))
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in takes_value:
            index += 2
        elif word.startswith("-"):
            index += 1
        else:
            return index
    return None


def parser_for(argv: list[str]) -> argparse.ArgumentParser:
    """The whole command line when `argv` names a command or asks for help; for a desktop
    start (options and at most a link) the top-level options alone, which is all it
    parses and builds in a fraction of the time."""
    lean = build_parser(commands=False)
    index = first_positional(argv, lean)
    options = [word.split("=", 1)[0] for word in argv[:index] if word.startswith("-")]
    # Help, and the error for an option it does not know, list the commands too.
    known = all(option in lean._option_string_actions and option not in ("-h", "--help")
                for option in options)   # argparse keeps no public table
    if not known or (index is not None and not argv[index].lower().startswith(LINK_SCHEMES)):
        return build_parser()
    return lean


def saved_language(argv: list[str]) -> str | None:
    """The language setting, read before the command line is parsed (no side effects)."""
    basedir = None
    for index, value in enumerate(argv):
        if value == "--basedir" and index + 1 < len(argv):
            basedir = argv[index + 1]
        elif value.startswith("--basedir="):
            basedir = value.split("=", 1)[1]
    config = resolve_paths(basedir).config_dir
    for name in ("settings.json", "settings-demo.json"):
        try:
            value = json.loads((config / name).read_text(encoding="utf-8")).get("language")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value != "auto":
            return value
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--phone-process"]:
        # The frozen app started as its own phone process (tvdesk.phone.process_host).
        from tvdesk.phone.process_child import run

        return run()
    apply_language(saved_language(argv))   # before any text is made: --help, windows
    parser = parser_for(argv)
    try:
        argv, link = split_link(argv, parser)
    except LinkArgumentsError:
        print("tvdesk: " + _("a link must be the last argument; nothing may follow it"),
              file=sys.stderr)
        return ExitCode.BAD_INPUT
    args = parser.parse_args(argv)
    args.link = link
    paths = resolve_paths(args.basedir)
    # A desktop start makes its log file rotating once the tray is up (rotate_from_now).
    configure_logging(paths.log_file, debug=bool(args.debug),
                      rotate=args.command in HEADLESS_COMMANDS)
    if args.command in HEADLESS_COMMANDS:
        if args.sandbox or args.minimized:
            print("tvdesk: " + _(
                "--sandbox and --minimized start the app; they do not apply to 'tvdesk "
                "{command}'. To try the app without an account, run 'tvdesk --sandbox'; for a "
                "sandbox server alone, 'tvdesk sandbox'.", command=args.command), file=sys.stderr)
            return ExitCode.BAD_INPUT
        return run_headless(args)
    try:
        return run_desktop(args, paths)
    except Exception:
        log.exception("tvdesk failed to start")
        print("tvdesk: " + _("could not start; details are in the log: {path}",
                             path=paths.log_file), file=sys.stderr)
        return ExitCode.UNEXPECTED


def run_desktop(args: argparse.Namespace, paths: AppPaths) -> int:
    """Start-up, in phases: the display, the single instance (with the keyring read
    ahead), the account and its state, Qt's application, the tray (the first thing
    painted), then on the event loop's first turn the rest of the desktop and the
    instance server."""
    from tvdesk.ui.qt_environment import XCB_PACKAGES, choose_display, prepare_qt_environment

    display_note, missing_library = choose_display()
    if missing_library:
        print("tvdesk: " + _(
            "the X11 display cannot be used because the system library {library} is missing. "
            "On Debian or Ubuntu: sudo apt install {packages}",
            library=missing_library, packages=XCB_PACKAGES), file=sys.stderr)
        return ExitCode.UNEXPECTED
    for note in prepare_qt_environment(quiet=not args.debug):
        log.warning(note)
    from PySide6.QtCore import QCoreApplication, QSocketNotifier, QTimer, qInstallMessageHandler

    from tvdesk.core.account import resolve_account
    from tvdesk.core.token_store import TokenStore
    from tvdesk.instance_lock import InstanceLock

    request = startup_request(args)
    lock = InstanceLock(paths.config_dir)
    if not lock.acquire():
        return hand_over_to_running_instance(paths, request)
    token_store = TokenStore()
    token_store.take_from_environment()   # before the web engine (or anything) starts a child
    if not args.sandbox:
        token_store.read_ahead()   # the keyring answers while Qt's widget modules load
    from tvdesk.ui.application import make_application

    if display_note:   # said only by the instance that will run without windows
        log.warning(display_note)
        print("tvdesk: " + _("no display found: running without windows; use 'tvdesk dial' "
                             "to call and 'tvdesk quit' to stop."), file=sys.stderr)
    paths.ensure()
    account = resolve_account(paths, args.api_base, args.sandbox, token_store)
    messages, state = load_state(paths, account)   # no Qt application needed yet
    if state.settings.web_pages_in_app_process():
        # A page shown by this process (an embedded extension, or every page with the
        # phone process off) needs this before the application object exists. Creating
        # Qt's namespace enums costs ~20 ms, so a start that shows pages only in the phone
        # process skips it (Qt WebEngine still works without it, GPU sharing aside).
        from PySide6.QtCore import Qt

        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    qInstallMessageHandler(_qt_message_to_log)   # Qt's warnings go to our log, not the terminal
    qapp = make_application(sys.argv[:1])
    qapp.setApplicationName("tvdesk")
    qapp.setDesktopFileName("tvdesk")
    _install_qt_translations(qapp)
    # The tray is the first thing painted; the rest is built on the event loop's first
    # turn, and what the menu is asked meanwhile is held until then (TrayFirst).
    first = show_tray_first(qapp, messages, state)
    if first.tray is not None:
        qapp.sync()   # the dock request goes to the tray host now, not after `finish`
        log.info("tvdesk tray shown")
    servers: list[Any] = []   # the instance socket, once `finish` has made it

    def finish() -> None:
        try:
            finish_start()
        except Exception:   # as before the event loop: said in a sentence, the log has why
            log.exception("tvdesk failed to start")
            print("tvdesk: " + _("could not start; details are in the log: {path}",
                                 path=paths.log_file), file=sys.stderr)
            qapp.exit(ExitCode.UNEXPECTED)

    def finish_start() -> None:
        from tvdesk.single_instance import InstanceServer

        rotate_from_now()
        desktop = finish_desktop(first, qapp, paths, token_store)
        server = InstanceServer(paths.instance_name, desktop.requests.handle, qapp)
        if not server.listen():
            log.warning("could not listen on the instance socket: later starts will not reach "
                        "this one")
        servers.append(server)
        if (not args.minimized and not args.link) or desktop.tray is None:
            desktop.show_main_window()
        if request["command"] != "show":
            QTimer.singleShot(0, lambda: desktop.requests.handle(request, _log_reply))
        qapp.link_opened.connect(desktop.open_link)

        def excepthook(kind: type[BaseException], value: BaseException, traceback: Any) -> None:
            log.error("unexpected error", exc_info=(kind, value, traceback))
            report_unexpected_error(desktop.windows.visible_window(), str(paths.log_file))

        sys.excepthook = excepthook
        _quit_on_signals(qapp, desktop.shutdown.quit, QSocketNotifier)
        log.info("tvdesk ready (%s)", "demo sandbox" if account.demo else account.api_base)

    QTimer.singleShot(0, finish)
    code = qapp.exec()
    for server in servers:
        server.close()
    first.state.account.close()
    lock.release()
    return code


def hand_over_to_running_instance(paths: AppPaths, request: dict[str, Any]) -> int:
    """Another tvdesk runs: give it this start's request and report how it went."""
    from tvdesk.core.dialing import DialOutcome
    from tvdesk.single_instance import forward_to_running_instance

    reply = forward_to_running_instance(paths.instance_name, request,
                                        answer_timeout_ms=DIAL_ANSWER_LIMIT_MS)
    if reply is None:
        print("tvdesk: " + _("another tvdesk holds the lock but does not answer; "
                             "if it hangs, end it and start again."), file=sys.stderr)
        return ExitCode.NOT_RUNNING
    log.info("tvdesk is already running: handed %s over to it", request["command"])
    outcome = DialOutcome.from_wire(reply) if request["command"] == "dial" else None
    if outcome is not None and not outcome.started:
        print(f"tvdesk: {for_terminal(outcome.message)}", file=sys.stderr)
        return outcome.exit_code
    return ExitCode.OK


def _log_reply(reply: dict[str, Any]) -> None:
    log.info("start-up request answered: %s", "ok" if reply.get("ok") else "not done")


def startup_request(args: argparse.Namespace) -> dict[str, Any]:
    """What a start asks of the running instance (or of itself, when it is the first)."""
    if args.link:
        return {"command": "dial", "number": args.link, "source": DialSource.LINK.value}
    return {"command": "show"}


# --- the desktop app, composed ---------------------------------------------------------

@dataclass
class Desktop:
    """What `build_desktop` made, for the event loop and for tests. It builds nothing."""

    state: AppState
    messages: MessageBus
    runner: BackgroundRunner
    dialer: Dialer
    windows: LazyMainWindow   # the main window, built when first needed
    tray: TrayController | None
    notifier: Notifier
    quick_dial: QuickDial
    hidden: HiddenCalls
    accounts: AccountFlow
    settings_flow: SettingsFlow
    help: HelpFlow
    presenter: Presenter
    hotkey: GlobalHotkey
    requests: InstanceRequests
    shutdown: Shutdown

    @property
    def main_window(self) -> MainWindow:
        """The main window, built now if it was not yet."""
        return self.windows.get()

    def show_main_window(self) -> None:
        _show(self.main_window)

    def open_link(self, url: str) -> None:
        """A link from the platform (macOS FileOpen): the same path as a handed-over link."""
        self.requests.handle({"command": "dial", "number": url, "source": DialSource.LINK.value},
                             _log_reply)


@dataclass
class TrayFirst:
    """What start-up shows before anything else: the shared state and the tray with its
    menu. The controllers that act on the menu are built on the event loop's next turn;
    what the menu says meanwhile is held (`tray_hold`) and said again then."""

    messages: MessageBus
    state: AppState
    windows: LazyMainWindow
    tray: TrayController | None
    presenter: Presenter
    tray_hold: SignalHold | None


def load_state(paths: AppPaths, account: Account) -> tuple[MessageBus, AppState]:
    """Phase 1 of the desktop, which needs no QApplication: the message bus, and the
    account with its settings and history. Kept alive by whoever holds them (no Qt parent:
    the app makes them before its QApplication, to read the settings first)."""
    from tvdesk.desktop.state import AppState
    from tvdesk.ui.messages import MessageBus

    messages = MessageBus()
    return messages, AppState(paths, account, messages)


def show_tray_first(qapp: QApplication, messages: MessageBus, state: AppState,
                    use_tray: bool | None = None) -> TrayFirst:
    """Phase 2: the tray, shown, its menu built; the main window waits until first needed.

    Only what the tray needs is imported here; the controllers' modules (the bulk of
    start-up's imports) wait for `finish_desktop`."""
    from tvdesk.desktop.presenter import Presenter
    from tvdesk.ui.lazy_main_window import LazyMainWindow
    from tvdesk.ui.signal_hold import SignalHold
    from tvdesk.ui.tray import TrayController

    tray_wanted = TrayController.available() if use_tray is None else use_tray
    windows = LazyMainWindow(lambda: state.settings.main_window_geometry, qapp)
    messages.question_parent = windows.visible_window
    tray = TrayController(qapp) if tray_wanted else None
    # Without a tray the main window is home: closing it quits (see _on_main_window_close).
    qapp.setQuitOnLastWindowClosed(False)
    presenter = Presenter(state, windows, tray, qapp)
    presenter.refresh()
    hold = SignalHold(tray) if tray is not None else None
    if tray is not None:
        tray.show()
    return TrayFirst(messages, state, windows, tray, presenter, hold)


def finish_desktop(first: TrayFirst, qapp: QApplication, paths: AppPaths,
                   token_store: TokenStore,
                   exit_app: Callable[[int], None] | None = None) -> Desktop:
    """Phases 3 and 4: the controllers, each with one job (dialler, quick dial,
    background phones and incoming calls, account flow, settings flow, help, instance
    requests, shutdown), then the wiring between them, here and nowhere else. Phase 5,
    after the event loop's next turn: clipboard, keyring notice, extension import,
    hotkey, background phones, and the signs of intent that warm the web engine up."""
    from PySide6.QtCore import QTimer

    from tvdesk.desktop.accounts import AccountFlow
    from tvdesk.desktop.help import HelpFlow
    from tvdesk.desktop.incoming import HiddenCalls
    from tvdesk.desktop.instance_requests import InstanceRequests
    from tvdesk.desktop.notifier import Notifier
    from tvdesk.desktop.quick_dial import QuickDial
    from tvdesk.desktop.settings_flow import SettingsFlow
    from tvdesk.desktop.shutdown import Shutdown
    from tvdesk.ops import BackgroundRunner
    from tvdesk.phone.dialer import Dialer
    from tvdesk.ui.hotkey import GlobalHotkey
    from tvdesk.ui.icons import app_icon

    messages, state, windows, tray = first.messages, first.state, first.windows, first.tray
    runner = BackgroundRunner(qapp)
    runner.default_failure = lambda error: messages.error(error.user_message())
    # 3. controllers
    dialer = Dialer(paths, state, runner, messages, app_icon, qapp)
    dialer.embedded_panel_needed = windows.get   # building it sets dialer.embedded_panel
    notifier = Notifier(windows, tray, qapp)
    quick_dial = QuickDial(state, dialer, messages, qapp.clipboard(), qapp)
    hidden = HiddenCalls(state, quick_dial, messages, qapp)
    accounts = AccountFlow(state, token_store, runner, messages, windows.get, qapp)
    hotkey = GlobalHotkey(qapp)
    settings_flow = SettingsFlow(state, accounts, hotkey, messages, windows.get, qapp)
    help_flow = HelpFlow(state, dialer, token_store, tray, messages, windows.visible_window,
                         qapp)
    first.presenter.attach(quick_dial, hidden)
    shutdown = Shutdown(state, dialer, hotkey, notifier, tray, runner,
                        exit_app or qapp.exit, qapp)
    requests = InstanceRequests(dialer, quick_dial, lambda: _show(windows.get()), shutdown.quit,
                                qapp)
    desktop = Desktop(state, messages, runner, dialer, windows, tray, notifier, quick_dial,
                      hidden, accounts, settings_flow, help_flow, first.presenter, hotkey,
                      requests, shutdown)
    # 4. wiring
    _wire(desktop, qapp)
    if first.tray_hold is not None:
        first.tray_hold.release()   # a menu click made while this was being built
    # 5. everything the tray does not need to work waits for the event loop's next turn
    QTimer.singleShot(0, lambda: _after_start(desktop))
    return desktop


def build_desktop(qapp: QApplication, paths: AppPaths, account: Account, token_store: TokenStore,
                  use_tray: bool | None = None,
                  exit_app: Callable[[int], None] | None = None) -> Desktop:
    """The composition root of the running app, all at once (tests; the app itself
    shows the tray first and finishes on the event loop's next turn: `run_desktop`)."""
    first = show_tray_first(qapp, *load_state(paths, account), use_tray=use_tray)
    return finish_desktop(first, qapp, paths, token_store, exit_app)


def _show(window: QWidget) -> None:
    window.show()
    window.raise_()
    window.activateWindow()


def _wire(desktop: Desktop, qapp: QApplication) -> None:
    state, dialer = desktop.state, desktop.dialer
    messages, quick_dial, presenter = desktop.messages, desktop.quick_dial, desktop.presenter
    desktop.windows.built.connect(lambda window: _wire_main_window(desktop, window))
    messages.told.connect(desktop.notifier.show)
    messages.cleared.connect(desktop.notifier.clear)
    # state -> everyone who shows it or runs on it
    state.settings_changed.connect(presenter.refresh)
    state.settings_changed.connect(dialer.sync_background_phones)
    state.settings_changed.connect(quick_dial.clipboard_changed)  # the region may have changed
    state.settings_changed.connect(desktop.settings_flow.apply_hotkey)
    state.history_changed.connect(presenter.refresh)
    state.account_changed.connect(lambda: _on_account_changed(desktop))
    # calls
    dialer.busy_changed.connect(
        lambda busy: desktop.windows.window.set_busy(busy) if desktop.windows.window else None)
    dialer.call_started.connect(quick_dial.record_started)
    dialer.background_phone_added.connect(desktop.hidden.watch)
    dialer.background_phone_removed.connect(desktop.hidden.forget)
    dialer.call_bar_requested.connect(desktop.hidden.show_call_bar)
    dialer.embedded_opened.connect(lambda _ramal: desktop.show_main_window())
    desktop.hidden.status_changed.connect(lambda _status: presenter.update_tray_status())
    qapp.clipboard().dataChanged.connect(quick_dial.clipboard_changed)
    desktop.hotkey.triggered.connect(lambda: quick_dial.dial_clipboard(DialSource.HOTKEY))
    # the tray
    tray = desktop.tray
    if tray is not None:
        tray.dial_extension.connect(lambda ramal: dialer.dial(DialRequest(ramal=ramal)))
        tray.dial_clipboard.connect(quick_dial.dial_shown_clipboard)
        tray.redial_last.connect(quick_dial.redial_last)
        tray.quick_dial.connect(quick_dial.dial)
        tray.clear_history.connect(quick_dial.clear_history)
        tray.show_main.connect(desktop.show_main_window)
        tray.open_settings.connect(desktop.settings_flow.open_settings)
        tray.enter_token.connect(desktop.accounts.open_token_dialog)
        tray.dnd_toggled.connect(desktop.settings_flow.set_do_not_disturb)
        tray.show_about.connect(desktop.help.open_about)
        tray.simulate_incoming.connect(lambda: desktop.help.simulate_incoming_call())
        tray.show_call_bar.connect(desktop.hidden.show_call_bar)
        tray.quit_requested.connect(desktop.shutdown.quit)
        quick_dial.clipboard_target_changed.connect(tray.set_clipboard_target)


def _wire_main_window(desktop: Desktop, window: MainWindow) -> None:
    """The main window, once built: its signals, then what it shows."""
    dialer, quick_dial = desktop.dialer, desktop.quick_dial
    dialer.embedded_panel = window.embedded_panel
    window.embedded_panel.returned_to_idle.connect(
        lambda ramal: desktop.messages.clear(call_topic(ramal)))
    window.call_requested.connect(lambda ramal, number: dialer.dial(
        DialRequest(ramal=ramal, number=number or None)))
    window.quick_dial_requested.connect(quick_dial.dial)
    window.redial_requested.connect(quick_dial.redial_last)
    window.clear_history_requested.connect(quick_dial.clear_history)
    window.open_settings.connect(desktop.settings_flow.open_settings)
    window.enter_token.connect(desktop.accounts.open_token_dialog)
    window.import_extensions.connect(lambda: desktop.accounts.import_extensions())
    window.show_about.connect(desktop.help.open_about)
    window.close_requested.connect(lambda: _on_main_window_close(desktop))
    window.set_busy(dialer.busy)
    desktop.presenter.refresh()
    desktop.notifier.fill(window)   # the last status line, said while it was not built


def _after_start(desktop: Desktop) -> None:
    if desktop.shutdown.quitting:
        return
    desktop.state.say_load_problems()
    desktop.quick_dial.clipboard_changed()
    _wire_intents(desktop)   # after the first clipboard read: a number already there is no sign
    problem = desktop.state.account.keyring_problem
    if problem == "slow":
        desktop.messages.error(_("The system keyring did not answer in time, so tvdesk started "
                                 "in demo mode. Unlock the keyring and start tvdesk again, or "
                                 "set TVDESK_TOKEN."))
    elif problem == "unavailable":
        # Quietly, in the window: on servers and fresh machines this is the norm.
        desktop.notifier.show_in_window(KeyringUnavailableError().user_message(), False)
    desktop.accounts.import_if_empty()
    desktop.settings_flow.apply_hotkey()
    desktop.dialer.sync_background_phones()


def _wire_intents(desktop: Desktop) -> None:
    """Warm the web engine up when the person shows they are about to call, never just
    because the app started: the tray menu about to open, the main window brought up by
    them (tray click, "Open tvdesk", a second `tvdesk` start; not the window a plain start
    shows), a dialable number copied, the hotkey, a link or `tvdesk dial` arriving.
    `warm_engine` off: never in advance (the engine starts with the first call)."""
    from PySide6.QtWidgets import QApplication

    from tvdesk.core.phone_numbers import DialTarget

    def intent() -> None:
        _warm_on_intent(desktop)

    tray = desktop.tray
    if tray is not None:
        tray.menu.aboutToShow.connect(intent)
        tray.show_main.connect(intent)          # a click on the icon, or "Open tvdesk"
    desktop.requests.request_arrived.connect(lambda _command: intent())
    desktop.hotkey.triggered.connect(intent)
    desktop.quick_dial.clipboard_target_changed.connect(
        lambda target: intent() if isinstance(target, DialTarget) else None)
    link_opened = getattr(QApplication.instance(), "link_opened", None)   # TvdeskApplication
    if link_opened is not None:
        link_opened.connect(lambda _url: intent())


def _warm_on_intent(desktop: Desktop) -> None:
    from PySide6.QtCore import QTimer

    settings = desktop.state.settings
    if desktop.shutdown.quitting or not settings.warm_engine:
        return
    if settings.phone_process:
        # Starting the phone process costs this process a few milliseconds: do it now,
        # before the window the person asked for is built, since every millisecond it
        # starts later is one the first call may wait.
        desktop.dialer.warm_up()
        return

    def warm() -> None:
        if not desktop.shutdown.quitting and desktop.state.settings.warm_engine:
            desktop.dialer.warm_up()   # once: it does nothing when the engine is warm

    # In this process the engine's ~0.2 s would hold up the menu or window just opened.
    QTimer.singleShot(INTENT_WARM_UP_DELAY_MS, warm)


def _on_account_changed(desktop: Desktop) -> None:
    desktop.dialer.close_all()
    desktop.dialer.stop_background_phones()
    desktop.hidden.forget_all()


def _on_main_window_close(desktop: Desktop) -> None:
    desktop.state.settings.main_window_geometry = desktop.main_window.geometry_text()
    desktop.state.save_settings()
    if desktop.tray is None:
        desktop.shutdown.quit()
    else:
        desktop.main_window.hide()


def report_unexpected_error(parent: QWidget | None, log_file: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, "tvdesk", _(
        "Something unexpected went wrong. tvdesk keeps running; details are in the log: {path}",
        path=log_file))


def _qt_message_to_log(mode, context, message: str) -> None:
    # Offscreen/GL/plugin notices ("This plugin does not support raise()") are for us, not
    # for the person: they go to the log file, at debug level unless Qt calls them critical.
    from PySide6.QtCore import QtMsgType

    level = logging.WARNING if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) \
        else logging.DEBUG
    logging.getLogger("tvdesk.qt").log(level, "%s", message)


def _install_qt_translations(qapp) -> None:
    """Qt's own texts (OK, Cancel, context menus) in the person's language too."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from tvdesk.core.i18n import current_language

    if current_language() != "pt_BR":
        return
    translator = QTranslator(qapp)
    if translator.load("qtbase_pt_BR", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        qapp.installTranslator(translator)


def _quit_on_signals(qapp, quit_app, notifier_class) -> None:
    """SIGINT/SIGTERM quit cleanly, woken through a socket: no polling timer."""
    import socket

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_args: None)
    notifier = notifier_class(reader.fileno(), notifier_class.Type.Read, qapp)

    def on_signal() -> None:
        try:
            reader.recv(64)
        except OSError:
            pass
        quit_app()

    notifier.activated.connect(on_signal)
    qapp._tvdesk_signal_sockets = (reader, writer, notifier)  # keep them alive


if __name__ == "__main__":
    sys.exit(main())
