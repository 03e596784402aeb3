"""What every platform's desktop integration shares: the report, the launcher command,
atomic file writes and running a helper tool without ever raising at the person.

Qt-free on purpose: `tvdesk integrate ...` runs from a terminal without a display.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tvdesk.core.executables import gui_executable
from tvdesk.core.i18n import _

log = logging.getLogger("tvdesk.integration")

APP_ID = "tvdesk"
SCHEMES: tuple[str, ...] = ("tel", "callto")
TOOL_TIMEOUT_SECONDS = 15.0


@dataclass
class IntegrationReport:
    """The outcome of status/install/remove.

    `handled` maps each scheme to whether tvdesk is its handler as far as can be told;
    `details` are lines for people, already translated; `ok` is False when something
    that was asked for could not be done (the details say what).
    """

    handled: dict[str, bool] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    ok: bool = True


class Integration(Protocol):
    def status(self) -> IntegrationReport: ...
    def install(self) -> IntegrationReport: ...
    def remove(self) -> IntegrationReport: ...


def describe_handler(report: IntegrationReport, scheme: str, handled: bool,
                     program: str | None) -> None:
    """Record who opens `scheme` links, with a line for people."""
    report.handled[scheme] = handled
    if handled:
        report.details.append(_("{scheme}: links open in tvdesk.", scheme=scheme))
    elif program:
        report.details.append(_("{scheme}: links open with {program}.",
                                scheme=scheme, program=program))
    else:
        report.details.append(_("{scheme}: no program is set to open these links.",
                                scheme=scheme))


def launcher_command(*, platform: str | None = None, executable: str | None = None,
                     frozen: bool | None = None) -> list[str]:
    """The argv that starts tvdesk; the link (`tel:...`) is appended after it.

    A frozen build is its own launcher. Otherwise the `tvdesk` script installed next
    to the interpreter (a venv's bin/ or Scripts/), else `python -m tvdesk`; on Windows
    pythonw.exe so that a link does not flash a console window.
    """
    platform = sys.platform if platform is None else platform
    executable = sys.executable if executable is None else executable
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    interpreter = Path(executable).absolute()
    if frozen:
        return [gui_executable(str(interpreter))]   # never the console twin (tvdesk-cli.exe)
    if platform == "win32":
        folder = interpreter.parent
        for candidate in (folder / "tvdesk.exe", folder / "Scripts" / "tvdesk.exe"):
            if candidate.is_file():
                return [str(candidate)]
        windowless = folder / "pythonw.exe"
        if windowless.is_file():
            interpreter = windowless
        return [str(interpreter), "-m", "tvdesk"]
    script = interpreter.parent / "tvdesk"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [str(interpreter), "-m", "tvdesk"]


def write_text_atomic(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Replace `path` with `text` in one step (temp file + os.replace).

    A symlinked file (dotfile managers) is written through to its target so the link
    survives; an existing file keeps its permissions.
    """
    if path.is_symlink():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        pass
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class ToolResult:
    ok: bool
    stdout: str = ""
    problem: str = ""  # words for people when not ok


def run_tool(argv: list[str], *, env: Mapping[str, str],
             timeout: float = TOOL_TIMEOUT_SECONDS) -> ToolResult:
    """Run a helper program (no shell, with a timeout); failures come back as words."""
    name = Path(argv[0]).name
    # Its own process group (POSIX), so a timeout also ends the children of a shell-script
    # tool such as xdg-mime, which would otherwise keep the output pipes open.
    own_group = os.name == "posix"
    try:
        process = subprocess.Popen(argv, env=dict(env), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=own_group)
    except OSError as error:
        log.warning("could not run %s: %s", argv, error)
        return ToolResult(False, problem=_("Could not run {tool}: {reason}",
                                           tool=name, reason=error.strerror or str(error)))
    with process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process, own_group)
            process.communicate()
            log.warning("%s timed out after %ss", argv, timeout)
            return ToolResult(False, problem=_("{tool} did not finish within {seconds} seconds.",
                                               tool=name, seconds=f"{timeout:g}"))
    if process.returncode != 0:
        log.warning("%s exited with %s: %s", argv, process.returncode, stderr.strip())
        message = stderr.strip().splitlines()[-1:] or [""]
        return ToolResult(False, stdout,
                          _("{tool} failed (exit status {status}). {message}",
                            tool=name, status=process.returncode, message=message[0]).strip())
    return ToolResult(True, stdout)


def _kill(process: subprocess.Popen[str], own_group: bool) -> None:
    if own_group:
        try:
            os.killpg(process.pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            pass
    process.kill()
