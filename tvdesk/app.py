"""Composition root: parse the command line, then run a subcommand or the desktop app."""

from __future__ import annotations

import json
import logging
import signal
import socket
import sys

from tvdesk.cli import HEADLESS_COMMANDS, build_parser, run_headless
from tvdesk.core.i18n import _, apply_language
from tvdesk.core.logging_setup import configure_logging
from tvdesk.core.paths import resolve_paths

log = logging.getLogger("tvdesk.app")


LINK_SCHEMES = ("tel:", "callto:")


class LinkArgumentsError(ValueError):
    pass


def split_link(argv: list[str]) -> tuple[list[str], str | None]:
    """Take a `tel:`/`callto:` URI (what a desktop passes on a click) out of argv.

    The link must come last: the options before it are the registered command's own,
    while anything after it came out of the link itself (Windows splits `"%1"` on
    quotes a web page can put in a link) and could redirect the token elsewhere.
    """
    for index, value in enumerate(argv):
        if value.lower().startswith(LINK_SCHEMES):
            if index != len(argv) - 1:
                raise LinkArgumentsError(value)
            return argv[:index], value
    return argv, None


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
    apply_language(saved_language(argv))   # before any text is made: --help, windows
    try:
        argv, link = split_link(argv)
    except LinkArgumentsError:
        print("tvdesk: " + _("a link must be the last argument; nothing may follow it"),
              file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    args.link = link
    paths = resolve_paths(args.basedir)
    configure_logging(paths.log_file, debug=bool(args.debug))
    if args.command in HEADLESS_COMMANDS:
        if link:
            print("tvdesk: " + _("a link cannot be combined with a command"), file=sys.stderr)
            return 2
        return run_headless(args)
    try:
        return run_desktop(args, paths)
    except Exception:
        log.exception("tvdesk failed to start")
        print("tvdesk: " + _("could not start; details are in the log: {path}",
                             path=paths.log_file), file=sys.stderr)
        return 1


def run_desktop(args, paths) -> int:
    from tvdesk.ui.qt_environment import XCB_PACKAGES, choose_display, prepare_qt_environment

    display_note, missing_library = choose_display()
    if missing_library:
        print("tvdesk: " + _(
            "the X11 display cannot be used because the system library {library} is missing. "
            "On Debian or Ubuntu: sudo apt install {packages}",
            library=missing_library, packages=XCB_PACKAGES), file=sys.stderr)
        return 1
    if display_note:
        log.warning(display_note)
        print("tvdesk: " + _("no display found: running without windows; use 'tvdesk dial' "
                             "to call and 'tvdesk quit' to stop."), file=sys.stderr)
    for note in prepare_qt_environment(quiet=not args.debug):
        log.warning(note)
    from PySide6.QtCore import QCoreApplication, QSocketNotifier, Qt, QTimer, qInstallMessageHandler

    from tvdesk.core.account import resolve_account
    from tvdesk.core.token_store import TokenStore
    from tvdesk.single_instance import InstanceLock, InstanceServer, forward_to_running_instance
    from tvdesk.ui.application import TvdeskApplication

    request = startup_request(args)
    lock = InstanceLock(paths.config_dir)
    if not lock.acquire():
        reply = forward_to_running_instance(paths.instance_name, request)
        if reply is None:
            print("tvdesk: " + _("another tvdesk holds the lock but does not answer; "
                                 "if it hangs, end it and start again."), file=sys.stderr)
            return 6
        log.info("tvdesk is already running: handed %s over to it", request["command"])
        return 0
    # Qt WebEngine is imported only when the first call opens; it requires this flag
    # before the application object exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    qInstallMessageHandler(_qt_message_to_log)   # Qt's warnings go to our log, not the terminal
    qapp = TvdeskApplication(sys.argv[:1])
    qapp.setApplicationName("tvdesk")
    qapp.setDesktopFileName("tvdesk")
    _install_qt_translations(qapp)
    paths.ensure()

    from tvdesk.ui.desktop_app import DesktopApp, report_unexpected_error

    token_store = TokenStore()
    account = resolve_account(paths, args.api_base, args.sandbox, token_store)
    desktop = DesktopApp(qapp, paths, account, token_store)
    server = InstanceServer(paths.instance_name, desktop.handle_instance_request, desktop)
    if not server.listen():
        log.warning("could not listen on the instance socket: later starts will not reach this one")
    if (not args.minimized and not args.link) or not desktop.use_tray:
        desktop.show_main_window()
    if request["command"] != "show":
        QTimer.singleShot(0, lambda: desktop.handle_instance_request(request))
    qapp.link_opened.connect(desktop.open_link)

    def excepthook(kind, value, traceback) -> None:
        log.error("unexpected error", exc_info=(kind, value, traceback))
        report_unexpected_error(desktop.main_window, str(paths.log_file))

    sys.excepthook = excepthook
    _quit_on_signals(qapp, desktop.quit, QSocketNotifier)
    log.info("tvdesk ready (%s)", "demo sandbox" if account.demo else account.api_base)
    code = qapp.exec()
    server.close()
    desktop.account.close()
    lock.release()
    return code


def startup_request(args) -> dict:
    """What a start asks of the running instance (or of itself, when it is the first)."""
    if args.link:
        return {"command": "dial", "number": args.link, "source": "link"}
    return {"command": "show"}


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
