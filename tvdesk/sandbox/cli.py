"""``python -m tvdesk.sandbox`` / ``tvdesk sandbox``: run the sandbox in the foreground."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import threading
from typing import Any

from tvdesk.sandbox.server import SandboxConfig, SandboxServer

log = logging.getLogger("tvdesk.sandbox")


def _non_negative(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number != number or number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value!r}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value!r}")
    return number


def _non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value!r}")
    return number


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or "python -m tvdesk.sandbox",
        description=(
            "Local stand-in for the TotalVoice API and its webphone page. "
            "Prints 'base_url: ...' and 'token: ...', then serves until Ctrl+C / SIGTERM. "
            "Defaults can also come from TVDESK_SANDBOX_* environment variables."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0 = any free port)")
    parser.add_argument("--token", help="accepted Access-Token (default: random)")
    parser.add_argument("--answer-after", type=_non_negative, metavar="S",
                        help="seconds 'chamando' before 'conversando'")
    parser.add_argument("--hangup-after", type=_non_negative, metavar="S",
                        help="seconds of 'conversando' before the page hangs up; 0 = never")
    parser.add_argument("--url-ttl", type=_positive_int, metavar="S",
                        help="seconds a signed webphone URL stays valid")
    parser.add_argument("--saldo", type=_non_negative, help="balance; 0 makes /webphone answer 402")
    parser.add_argument("--extra-extensions", type=_non_negative_int, metavar="N",
                        help="extra generated demo extensions (ramal 5000+n)")
    parser.add_argument("--ring-timeout", type=_non_negative, metavar="S",
                        help="seconds an incoming call rings before it is missed; 0 = never")
    parser.add_argument("--microphone-mode", choices=SandboxConfig.MIC_MODES,
                        help="when the webphone page holds the microphone: from the moment it "
                             "connects (connect, the default) or only during calls (call)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    return parser


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    cfg = SandboxConfig.from_env()
    changes: dict[str, Any] = {}
    for name in ("token", "answer_after", "hangup_after", "url_ttl", "saldo", "extra_extensions",
                 "ring_timeout"):
        value = getattr(args, name, None)
        if value is not None and value != "":
            changes[name] = value
    if getattr(args, "microphone_mode", None):
        changes["mic_mode"] = args.microphone_mode
    return dataclasses.replace(cfg, **changes) if changes else cfg


def _setup_logging(verbose: bool) -> None:
    if logging.getLogger().handlers or log.handlers:
        return  # the embedding application configured logging already
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO if verbose else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    cfg = config_from_args(args)
    try:
        server = SandboxServer(cfg, host=args.host, port=args.port)
        server.start()
    except OSError as err:
        print(f"error: cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)
        return 1

    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                previous[signum] = signal.signal(signum, lambda *_: stop.set())
            except (ValueError, OSError):  # pragma: no cover
                pass
    try:
        print(f"base_url: {server.base_url}", flush=True)
        print(f"token: {server.token}", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        for signum, handler in previous.items():
            try:
                signal.signal(signum, handler)
            except (ValueError, OSError):  # pragma: no cover
                pass
    return 0
