"""The command line: `tvdesk` starts the app; subcommands script it without a display.

Failures print one line on stderr in the person's language and exit non-zero
(codes in the README); tracebacks go to the log file only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from tvdesk import __version__
from tvdesk.core.account import explicit_api_base
from tvdesk.core.dialing import CONFIRMATION_TIMEOUT, DialOutcome
from tvdesk.core.errors import (
    InstanceUnreachableError,
    InvalidInputError,
    NoTokenError,
    TvdeskError,
)
from tvdesk.core.exit_codes import ExitCode
from tvdesk.core.formatting import format_money
from tvdesk.core.i18n import _
from tvdesk.core.paths import AppPaths, resolve_paths
from tvdesk.core.settings import WEBPHONE_TYPES, SettingsStore, is_valid_ramal
from tvdesk.core.terminal_text import for_terminal, json_for_terminal
from tvdesk.core.token_store import TokenStore

if TYPE_CHECKING:
    from tvdesk.core.api import TotalVoiceClient

log = logging.getLogger("tvdesk.cli")

HEADLESS_COMMANDS = ("url", "extensions", "dial", "quit", "token", "integrate", "sandbox")
API_COMMANDS = ("url", "extensions", "dial", "token")   # the ones an --api-base is for
# How long `tvdesk dial` waits for the running app's answer: the person's confirmation,
# then the API's answer (its own timeouts and retries stay well within the margin).
DIAL_ANSWER_LIMIT_MS = (CONFIRMATION_TIMEOUT + 60) * 1000


def _add_global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--api-base", metavar="URL", default=default,
                        help=_("API address (default: settings, or $TVDESK_API_BASE)"))
    parser.add_argument("--basedir", metavar="DIR", default=default,
                        help=_("keep config, data, logs and web profile in DIR ($TVDESK_HOME)"))
    parser.add_argument("--debug", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help=_("log details to the console"))


def _ramal(value: str) -> str:
    if not is_valid_ramal(value):
        raise argparse.ArgumentTypeError(_("an extension has 3 or 4 digits"))
    return value


def top_level_value_options(parser: argparse.ArgumentParser) -> set[str]:
    """The options before a command that take a value (`--basedir DIR`, ...)."""
    return {option for action in parser._actions   # argparse keeps no public list
            if action.option_strings and action.nargs != 0 for option in action.option_strings}


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line. Without `commands`, only the options a desktop start takes
    (and no command): about 5 ms less on the way to the tray (see app.main)."""
    parser = argparse.ArgumentParser(
        prog="tvdesk", description=_("Desktop softphone for TotalVoice / Zenvia Voice."))
    parser.add_argument("--version", action="version", version=f"tvdesk {__version__}",
                        help=_("show program's version number and exit"))
    _add_global_options(parser, suppress=False)
    parser.add_argument("--sandbox", action="store_true",
                        help=_("run against an embedded demo sandbox (nothing is stored)"))
    parser.add_argument("--minimized", action="store_true",
                        help=_("start in the tray without showing the main window"))
    if not commands:
        parser.set_defaults(command=None)
        return parser
    _add_commands(parser)
    return parser


def _add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _add_global_options(sub, suppress=True)
        return sub

    url = command("url", _("print a webphone URL"))
    which = url.add_mutually_exclusive_group(required=True)
    which.add_argument("--ramal", type=_ramal, help=_("extension number (3-4 digits)"))
    which.add_argument("--id-ramal", type=int, help=_("extension id"))
    url.add_argument("--ligar-para", metavar="NUMBER", help=_("number to dial at once"))
    url.add_argument("--fechar-fim", action="store_true", help=_("close when the call ends"))
    url.add_argument("--tipo", choices=WEBPHONE_TYPES,
                     help=_("webphone type (default: the 'tipo' setting)"))

    extensions = command("extensions", _("list the account's extensions"))
    extensions.add_argument("--json", action="store_true", help=_("print JSON"))

    dial = command("dial", _("call a number through the running app (starts it if needed)"))
    dial.add_argument("number", nargs="?", help=_("the number to call"))
    dial.add_argument("--clipboard", action="store_true",
                      help=_("call the number on the clipboard of the running app"))
    dial.add_argument("--ramal", type=_ramal, help=_("extension to call from (default: settings)"))
    dial.add_argument("--yes", "-y", action="store_true",
                      help=_("dial without asking for confirmation (scripts, CRM integrations)"))

    command("quit", _("quit the running app"))

    token = command("token", _("manage the Access-Token in the system keyring"))
    token_commands = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    token_set = token_commands.add_parser(
        "set", help=_("read the token from stdin or a hidden prompt, check it, store it"))
    token_set.add_argument("--no-check", action="store_true",
                           help=_("store without checking with the API"))
    token_commands.add_parser("status", help=_("say where the token comes from and check it"))
    token_commands.add_parser("clear", help=_("remove the token from the keyring"))
    for sub in token_commands.choices.values():
        _add_global_options(sub, suppress=True)

    integrate = command("integrate", _("make tvdesk the handler of tel: and callto: links"))
    integrate.add_argument("action", choices=("install", "remove", "status"))

    sandbox = command("sandbox", _("run the demo sandbox server alone"))
    sandbox.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
    sandbox.add_argument("--port", type=int, default=0, help=_("port (0: any free port)"))
    sandbox.add_argument("--token", help=_("Access-Token it accepts (default: random)"))
    for option, help_text in sandbox_timing_options().items():
        sandbox.add_argument(option, metavar="N", help=help_text)
    sandbox.add_argument("--microphone-mode", choices=("connect", "call"),
                         help=_("when the demo page holds the microphone: from connecting "
                                "(connect) or only during calls (call)"))


def sandbox_timing_options() -> dict[str, str]:
    """Passed through to `python -m tvdesk.sandbox` as they are (help in the current language)."""
    return {
        "--answer-after": _("seconds of 'chamando' before 'conversando'"),
        "--hangup-after": _("seconds of 'conversando' before the page hangs up (0: never)"),
        "--url-ttl": _("seconds a signed webphone URL stays valid"),
        "--saldo": _("account balance (0: /webphone answers 402)"),
        "--extra-extensions": _("extra generated extensions, to try paging"),
        "--ring-timeout": _("seconds an incoming call rings before it is missed (0: forever)"),
    }


class Cli:
    def __init__(self, args: argparse.Namespace, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.args = args
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.paths: AppPaths = resolve_paths(getattr(args, "basedir", None))
        self.tokens = TokenStore()

    def run(self) -> int:
        explicit = explicit_api_base(getattr(self.args, "api_base", None))
        if explicit is not None and self.args.command in API_COMMANDS \
                and getattr(self.args, "token_command", None) != "clear":
            from tvdesk.core.api import normalize_base_url

            normalize_base_url(explicit)   # refused here, before a dial starts an app with it
        handler = {
            "url": self.cmd_url, "extensions": self.cmd_extensions, "dial": self.cmd_dial,
            "quit": self.cmd_quit, "integrate": self.cmd_integrate,
            "token": self.cmd_token, "sandbox": self.cmd_sandbox,
        }[self.args.command]
        return handler()

    # --- helpers ------------------------------------------------------------------

    def api_base(self) -> str:
        return explicit_api_base(getattr(self.args, "api_base", None)) or \
            SettingsStore(self.paths.settings_file).load().api_base

    def client(self) -> TotalVoiceClient:
        token = self.tokens.get()
        if token is None:
            raise NoTokenError()
        from tvdesk.core.api import TotalVoiceClient  # requests: only for commands that need it

        return TotalVoiceClient(self.api_base(), token)

    def say(self, text: str) -> None:
        """One line; whatever came from outside in it cannot drive the terminal."""
        print(for_terminal(text), file=self.out, flush=True)

    def say_json(self, data: object) -> None:
        print(json_for_terminal(json.dumps(data, ensure_ascii=False, indent=2)), file=self.out,
              flush=True)

    # --- commands -----------------------------------------------------------------

    def cmd_url(self) -> int:
        from tvdesk.core.phone_numbers import normalize  # phonenumbers: only here

        settings = SettingsStore(self.paths.settings_file).load()
        number = normalize(self.args.ligar_para, settings.region).api_value \
            if self.args.ligar_para else None
        with self.client() as client:
            url = client.webphone_url(ramal=self.args.ramal, id_ramal=self.args.id_ramal,
                                      ligar_para=number, fechar_fim=self.args.fechar_fim,
                                      tipo=self.args.tipo or settings.tipo.value)
        self.say(url)
        return ExitCode.OK

    def cmd_extensions(self) -> int:
        with self.client() as client:
            found = client.list_extensions()
        if self.args.json:
            self.say_json([{"ramal": e.ramal, "label": e.label, "id_ramal": e.id_ramal}
                           for e in found])
        elif not found:
            self.say(_("The account has no extensions."))
        else:
            for extension in found:
                ident = f"  (id {extension.id_ramal})" if extension.id_ramal is not None else ""
                self.say(f"{extension.ramal}  {extension.label}{ident}".rstrip())
        return ExitCode.OK

    def cmd_dial(self) -> int:
        """Hands the dial to the running app and waits for its outcome: the person's
        answer to the confirmation (up to CONFIRMATION_TIMEOUT) and the API's answer,
        never the end of the call. Prints the outcome; exits with its code."""
        confirmed = bool(self.args.yes)
        if self.args.clipboard:
            if self.args.number:
                raise InvalidInputError(_("give a number or --clipboard, not both"))
            request = {"command": "dial-clipboard", "ramal": self.args.ramal,
                       "source": "cli", "confirmed": confirmed}
        else:
            if not self.args.number:
                raise InvalidInputError(_("give the number to call, or --clipboard"))
            from tvdesk.core.phone_numbers import normalize  # phonenumbers: only here

            target = normalize(self.args.number, SettingsStore(self.paths.settings_file).load().region)
            request = {"command": "dial", "ramal": self.args.ramal, "number": target.api_value,
                       "source": "cli", "confirmed": confirmed}
        reply = self._send_starting_if_needed(request)
        outcome = DialOutcome.from_wire(reply)
        if outcome is None:
            log.warning("the running app gave no dial outcome: %s", reply.get("error"))
            raise InvalidInputError(_("The running tvdesk did not say whether the call was "
                                      "made; see its window."), exit_code=ExitCode.UNEXPECTED)
        if not outcome.started:
            raise InvalidInputError(outcome.message, exit_code=outcome.exit_code)
        self.say(outcome.message)
        return ExitCode.OK

    def cmd_quit(self) -> int:
        from tvdesk.single_instance import send_to_running_instance

        reply = send_to_running_instance(self.paths.instance_name, {"command": "quit"})
        self.say(_("tvdesk is quitting.") if reply and reply.get("ok")
                 else _("tvdesk is not running."))
        return ExitCode.OK

    def _send_starting_if_needed(self, request: dict[str, Any]) -> dict[str, Any]:
        from tvdesk.single_instance import send_to_running_instance

        name = self.paths.instance_name
        reply = send_to_running_instance(name, request, answer_timeout_ms=DIAL_ANSWER_LIMIT_MS)
        if reply is not None:
            return reply
        log.info("no running instance: starting one")
        import subprocess  # here: the desktop app imports this module at every start

        subprocess.Popen(self._gui_command(), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.2)
            reply = send_to_running_instance(name, request, 1000,
                                             answer_timeout_ms=DIAL_ANSWER_LIMIT_MS)
            if reply is not None:
                return reply
        raise InstanceUnreachableError()

    def _gui_command(self) -> list[str]:
        from tvdesk.core.executables import gui_executable

        base = [gui_executable()] if getattr(sys, "frozen", False) \
            else [sys.executable, "-m", "tvdesk"]
        extra = ["--minimized", "--basedir", str(self.paths.config_dir.parent)] \
            if getattr(self.args, "basedir", None) else ["--minimized"]
        if getattr(self.args, "api_base", None):
            extra += ["--api-base", self.args.api_base]
        return base + extra

    def cmd_token(self) -> int:
        action = self.args.token_command
        if action == "set":
            return self._token_set()
        if action == "clear":
            removed = self.tokens.clear()
            self.say(_("Access-Token removed from the keyring.") if removed
                     else _("No Access-Token was stored in the keyring."))
            return ExitCode.OK
        return self._token_status()

    def _token_set(self) -> int:
        if sys.stdin is not None and sys.stdin.isatty():
            import getpass

            token = getpass.getpass(_("Access-Token (input hidden): "))
        else:
            token = sys.stdin.readline() if sys.stdin is not None else ""
        token = token.strip()
        if not token:
            raise InvalidInputError(_("No token was given (type it at the prompt or pipe it on stdin)."))
        if not self.args.no_check:
            from tvdesk.core.api import TotalVoiceClient

            with TotalVoiceClient(self.api_base(), token) as client:
                balance = client.balance()
            self.say(_("The API accepted the token (balance: {balance}).", balance=format_money(balance)))
        self.tokens.set(token)
        self.say(_("Access-Token stored in the system keyring ({backend}).",
                   backend=self.tokens.backend_name()))
        return ExitCode.OK

    def _token_status(self) -> int:
        source = self.tokens.source()
        self.say(_("Keyring backend: {backend}", backend=self.tokens.backend_name()))
        if source is None:
            raise NoTokenError()
        self.say(_("Token source: {source}", source=_("environment (TVDESK_TOKEN)")
                   if source == "environment" else _("system keyring")))
        with self.client() as client:
            balance = client.balance()
        self.say(_("The API at {url} accepts the token (balance: {balance}).",
                   url=self.api_base(), balance=format_money(balance)))
        return ExitCode.OK

    def cmd_integrate(self) -> int:
        from tvdesk.integration import integration_for_platform

        integration = integration_for_platform(sys.platform)
        report = getattr(integration, self.args.action)()
        for line in report.details:
            self.say(line)
        return ExitCode.OK if report.ok else ExitCode.UNEXPECTED

    def cmd_sandbox(self) -> int:
        from tvdesk.sandbox.cli import main as sandbox_main

        argv = ["--host", self.args.host, "--port", str(self.args.port)]
        if self.args.token:
            argv += ["--token", self.args.token]
        for option in sandbox_timing_options():
            value = getattr(self.args, option[2:].replace("-", "_"))
            if value is not None:
                argv += [option, value]
        if getattr(self.args, "microphone_mode", None):
            argv += ["--microphone-mode", self.args.microphone_mode]
        return sandbox_main(argv)


def run_headless(args: argparse.Namespace) -> int:
    cli = Cli(args)
    try:
        return cli.run()
    except TvdeskError as error:
        one_line = " ".join(error.user_message().split())
        print(f"tvdesk: {for_terminal(one_line)}", file=sys.stderr, flush=True)
        return error.exit_code
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except Exception:
        log.exception("unexpected error in 'tvdesk %s'", args.command)
        print("tvdesk: " + _("unexpected error; details are in the log: {path}",
                             path=cli.paths.log_file), file=sys.stderr, flush=True)
        return ExitCode.UNEXPECTED

