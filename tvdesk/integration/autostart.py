"""Open tvdesk at login, in the tray, per user and without administrator rights.

    auto = autostart_for_platform(sys.platform)
    auto.is_enabled() / auto.enable() / auto.disable()   # AutostartError(words) on failure
    auto.describe()                                        # where it lives, for people

The started command is `launcher_command()` plus `--minimized`.

- Linux and other XDG desktops (XDG Autostart spec): `$XDG_CONFIG_HOME/autostart/tvdesk.desktop`.
  A file there that runs tvdesk counts as tvdesk's even when the person edited it (say,
  another Exec); `enable` leaves such a file alone while it is switched on, `disable`
  removes it. A file there that starts something else is left alone by both. `Hidden=true`
  and `X-GNOME-Autostart-enabled=false` (what desktops' startup settings write) mean off.
  A system-wide `$XDG_CONFIG_DIRS/autostart/tvdesk.desktop` (from a package) is turned off
  the spec's way: a per-user copy with `Hidden=true`.
- Windows: the string value `tvdesk` under `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`.
  Task Manager's Startup apps switch lives apart, as a binary value `tvdesk` under
  `...\\Explorer\\StartupApproved\\Run` (first byte even: on, odd: off; no value: on).
  `is_enabled` reports off when that switch is off (read through `read_binary` when the
  registry has one, or winreg on Windows); `enable` deletes that value, which switches it
  back on; `disable` deletes both values.
- macOS: the launch agent `~/Library/LaunchAgents/br.com.tvdesk.plist` (RunAtLoad). launchd
  reads it at the next login; nothing is loaded now, and `disable` does not stop a running
  tvdesk. Since macOS 13 the person can also switch it off in System Settings > General >
  Login Items, which tvdesk cannot read.

Windows and macOS entries are tvdesk's by name and are rewritten when they differ.
"""

from __future__ import annotations

import errno
import os
import plistlib
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from tvdesk.core.i18n import _
from tvdesk.integration.common import APP_ID, launcher_command, log, write_text_atomic
from tvdesk.integration.linux import _xdg_dir, exec_argument
from tvdesk.integration.macos import BUNDLE_IDENTIFIER
from tvdesk.integration.windows import RegistryAccess, UsesRegistry, windows_command_line

MINIMIZED = "--minimized"
AUTOSTART_FILE_NAME = f"{APP_ID}.desktop"
GROUP = "Desktop Entry"
RUN_KEY = "Software\\Microsoft\\Windows\\CurrentVersion\\Run"
STARTUP_APPROVED_KEY = "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run"
RUN_VALUE_NAME = APP_ID
LAUNCH_AGENT_LABEL = BUNDLE_IDENTIFIER
LAUNCH_AGENT_FILE_NAME = f"{LAUNCH_AGENT_LABEL}.plist"

__all__ = ["AutostartError", "Autostart", "LinuxAutostart", "WindowsAutostart", "MacAutostart",
           "autostart_for_platform", "autostart_command", "xdg_autostart_entry",
           "windows_run_value", "launch_agent_plist", "runs_tvdesk"]


class AutostartError(Exception):
    """enable/disable failed; `user_message` (also str(error)) is for people, translated."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class Autostart(Protocol):
    def is_enabled(self) -> bool: ...
    def enable(self) -> None: ...
    def disable(self) -> None: ...
    def describe(self) -> str: ...


def autostart_command(command: list[str]) -> list[str]:
    """The launcher `command` with `--minimized` (once)."""
    command = list(command)
    return command if command[-1:] == [MINIMIZED] else [*command, MINIMIZED]


_TVDESK_WORD = re.compile(r"^tvdesk(?:[-_.].*)?$", re.IGNORECASE)


def runs_tvdesk(arguments: list[str]) -> bool:
    """Whether a command line starts tvdesk: some word of it is a program or module named
    tvdesk (`/opt/tvdesk/tvdesk`, `python -m tvdesk`, `tvdesk-1.2.AppImage`,
    `sh -c "sleep 5; tvdesk --minimized"`)."""
    for argument in arguments:
        for word in re.split(r"[\s;&|()]+", argument):
            name = re.split(r"[\\/]", word)[-1]
            if name and _TVDESK_WORD.match(name):
                return True
    return False


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _blocking_file(path: Path) -> Path | None:
    """The first ancestor folder of `path` that is a file instead."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def _write_error(path: Path, error: OSError) -> AutostartError:
    blocker = _blocking_file(path) if error.errno in (errno.EEXIST, errno.ENOTDIR) else None
    if blocker is not None:
        reason = _("{folder} is a file, but it must be a folder (rename or remove that file)",
                   folder=blocker)
    else:
        reason = _reason(error)
    log.warning("autostart: cannot write %s: %s", path, error)
    return AutostartError(_("Could not write {path}: {reason}", path=path, reason=reason))


def _remove_error(path: Path, error: OSError) -> AutostartError:
    log.warning("autostart: cannot remove %s: %s", path, error)
    return AutostartError(_("Could not remove {path}: {reason}", path=path,
                            reason=_reason(error)))


def _not_ours_error(path: Path) -> AutostartError:
    return AutostartError(_("{path} already exists and was not made by tvdesk, so tvdesk "
                            "leaves it alone. Rename or remove it, then try again.", path=path))


# --- Linux: XDG Autostart ---------------------------------------------------------------------

def xdg_autostart_entry(command: list[str], *, hidden: bool = False) -> str:
    """The autostart desktop entry for launcher `command`; `hidden` turns off a system one."""
    exec_value = " ".join(exec_argument(part) for part in autostart_command(command))
    return (
        f"[{GROUP}]\n"
        "Type=Application\n"
        "Name=tvdesk\n"
        "Comment=Start tvdesk in the tray when you log in\n"
        "Comment[pt_BR]=Inicia o tvdesk na bandeja quando você entra na sessão\n"
        f"Exec={exec_value}\n"
        "Icon=tvdesk\n"
        "Terminal=false\n"
        "NoDisplay=false\n"
        + ("Hidden=true\nX-GNOME-Autostart-enabled=false\n" if hidden
           else "X-GNOME-Autostart-enabled=true\n")
    )


_STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _unescape_string(value: str) -> str:
    """The key file's string escapes (\\s \\n \\t \\r \\\\); others are kept as they are."""
    out, index = [], 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value) and value[index + 1] in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[value[index + 1]])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def exec_arguments(value: str) -> list[str]:
    """The argv of an Exec value as written in the file (the reverse of `exec_argument`);
    field codes such as %u are dropped, %% is a %. Lenient with malformed quoting."""
    text = _unescape_string(value)
    arguments: list[str] = []
    current: list[str] = []
    started = quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\" and index + 1 < len(text) and text[index + 1] in '"`$\\':
                current.append(text[index + 1])
                index += 2
                continue
            if char == '"':
                quoted = False
            else:
                current.append(char)
        elif char in " \t\n":
            if started:
                arguments.append("".join(current))
                current, started = [], False
        elif char == '"':
            quoted = started = True
        else:
            current.append(char)
            started = True
        index += 1
    if started:
        arguments.append("".join(current))
    result = []
    for argument in arguments:
        if re.fullmatch(r"%[a-zA-Z]", argument):
            continue
        result.append(argument.replace("%%", "%"))
    return result


def desktop_entry_values(text: str) -> dict[str, str] | None:
    """The keys of the [Desktop Entry] group (first occurrence wins), None without one."""
    values: dict[str, str] = {}
    group: str | None = None
    seen = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped[1:-1]
            seen = seen or group == GROUP
            continue
        if group != GROUP:
            continue
        key, sep, value = stripped.partition("=")
        if sep:
            values.setdefault(key.strip(), value.strip())
    return values if seen else None


def _switched_on(values: Mapping[str, str]) -> bool:
    return (values.get("Hidden", "false").lower() != "true"
            and values.get("X-GNOME-Autostart-enabled", "true").lower() != "false")


class _Entry:
    """What one autostart file holds, as far as tvdesk cares."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.exists = path.exists() or path.is_symlink()
        self.ours = False
        self.on = False
        self.arguments: list[str] = []
        if not self.exists:
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            log.info("autostart: cannot read %s: %s", path, error)
            return
        values = desktop_entry_values(text)
        if values is None:
            return
        self.arguments = exec_arguments(values.get("Exec", ""))
        self.ours = runs_tvdesk(self.arguments)
        self.on = self.ours and _switched_on(values)

    @property
    def stale(self) -> bool:
        """Its program is an absolute path that is no longer there (tvdesk moved)."""
        program = self.arguments[0] if self.arguments else ""
        return os.path.isabs(program) and not os.path.exists(program)


class LinuxAutostart:
    def __init__(self, command: list[str], environ: Mapping[str, str], home: Path) -> None:
        self.command = list(command)
        self.home = Path(home)
        self.config_home = _xdg_dir(environ, "XDG_CONFIG_HOME", self.home / ".config")
        system = environ.get("XDG_CONFIG_DIRS", "") or "/etc/xdg"
        self.config_dirs = [Path(p) for p in system.split(":") if os.path.isabs(p)]

    @property
    def entry_file(self) -> Path:
        return self.config_home / "autostart" / AUTOSTART_FILE_NAME

    def _system_entry(self) -> _Entry | None:
        """The first system-wide tvdesk.desktop (the most important folder wins)."""
        for folder in self.config_dirs:
            entry = _Entry(folder / "autostart" / AUTOSTART_FILE_NAME)
            if entry.exists:
                return entry
        return None

    def is_enabled(self) -> bool:
        user = _Entry(self.entry_file)
        if user.exists:
            return user.on
        system = self._system_entry()
        return system is not None and system.on

    def enable(self) -> None:
        user = _Entry(self.entry_file)
        if user.exists and not user.ours:
            raise _not_ours_error(self.entry_file)
        if user.on and not user.stale:
            return  # switched on already, perhaps edited by the person: keep it
        if not user.exists:
            system = self._system_entry()
            if system is not None and system.on:
                return
        self._write(xdg_autostart_entry(self.command))

    def disable(self) -> None:
        user = _Entry(self.entry_file)
        if user.exists and not user.ours:
            return  # not ours; it does not start tvdesk either
        system = self._system_entry()
        if system is not None and system.on:
            if not (user.exists and not user.on):
                self._write(xdg_autostart_entry(self.command, hidden=True))
            return
        if user.exists:
            try:
                self.entry_file.unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                raise _remove_error(self.entry_file, error) from None

    def _write(self, text: str) -> None:
        try:
            write_text_atomic(self.entry_file, text)
        except OSError as error:
            raise _write_error(self.entry_file, error) from None

    def describe(self) -> str:
        return _("Autostart entry: {path}", path=self.entry_file)


# --- Windows: the Run key -------------------------------------------------------------------

def windows_run_value(command: list[str]) -> str:
    """The Run value for launcher `command`: `"<program>" ... --minimized`, quoted like the
    link handler's command line, without the link."""
    line = windows_command_line(autostart_command(command))
    suffix = ' "%1"'
    if not line.endswith(suffix):  # pragma: no cover - windows_command_line's contract
        raise AssertionError(line)
    return line[:-len(suffix)]


def _read_binary(registry: RegistryAccess, key: str, name: str) -> bytes | None:
    reader = getattr(registry, "read_binary", None)
    if reader is not None:
        return reader(key, name)
    from tvdesk.integration.windows import WinregRegistry

    if not isinstance(registry, WinregRegistry):
        return None
    if sys.platform != "win32":   # never here: a WinregRegistry exists only on Windows
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
            value, kind = winreg.QueryValueEx(handle, name)
    except FileNotFoundError:
        return None
    return bytes(value) if kind == winreg.REG_BINARY else None


class WindowsAutostart(UsesRegistry):

    @property
    def value(self) -> str:
        return windows_run_value(self.command)

    def _switched_off_in_task_manager(self) -> bool:
        data = _read_binary(self.registry, STARTUP_APPROVED_KEY, RUN_VALUE_NAME)
        return bool(data and data[0] & 1)

    def is_enabled(self) -> bool:
        try:
            return bool(self.registry.read(RUN_KEY, RUN_VALUE_NAME)) and \
                not self._switched_off_in_task_manager()
        except OSError as error:
            log.warning("autostart: cannot read the registry: %s", error)
            return False

    def enable(self) -> None:
        try:
            if self.registry.read(RUN_KEY, RUN_VALUE_NAME) != self.value:
                self.registry.write(RUN_KEY, RUN_VALUE_NAME, self.value)
            self.registry.delete_value(STARTUP_APPROVED_KEY, RUN_VALUE_NAME)
        except OSError as error:
            log.warning("autostart: cannot write the registry: %s", error)
            raise AutostartError(_("Could not change the Windows registry: {reason}",
                                   reason=_reason(error))) from None

    def disable(self) -> None:
        try:
            self.registry.delete_value(RUN_KEY, RUN_VALUE_NAME)
            self.registry.delete_value(STARTUP_APPROVED_KEY, RUN_VALUE_NAME)
        except OSError as error:
            log.warning("autostart: cannot change the registry: %s", error)
            raise AutostartError(_("Could not change the Windows registry: {reason}",
                                   reason=_reason(error))) from None

    def describe(self) -> str:
        return _('Registry value "{name}" in HKEY_CURRENT_USER\\{key}',
                 name=RUN_VALUE_NAME, key=RUN_KEY)


# --- macOS: a launch agent ------------------------------------------------------------------

def launch_agent_plist(command: list[str]) -> dict[str, Any]:
    return {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": autostart_command(command),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }


def launch_agent_text(command: list[str]) -> str:
    return plistlib.dumps(launch_agent_plist(command), sort_keys=True).decode("utf-8")


class MacAutostart:
    def __init__(self, command: list[str], home: Path) -> None:
        self.command = list(command)
        self.home = Path(home)

    @property
    def agent_file(self) -> Path:
        return self.home / "Library" / "LaunchAgents" / LAUNCH_AGENT_FILE_NAME

    def _current(self) -> dict[str, Any] | None:
        try:
            with self.agent_file.open("rb") as handle:
                loaded = plistlib.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, plistlib.InvalidFileException, ValueError) as error:
            log.info("autostart: cannot read %s: %s", self.agent_file, error)
            return None
        return loaded if isinstance(loaded, dict) else None

    def is_enabled(self) -> bool:
        current = self._current()
        return current is not None and current.get("Disabled") is not True \
            and current.get("RunAtLoad") is True

    def enable(self) -> None:
        if self._current() == launch_agent_plist(self.command):
            return
        try:
            write_text_atomic(self.agent_file, launch_agent_text(self.command))
        except OSError as error:
            raise _write_error(self.agent_file, error) from None

    def disable(self) -> None:
        try:
            self.agent_file.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise _remove_error(self.agent_file, error) from None

    def describe(self) -> str:
        return _("Launch agent: {path} (macOS reads it at your next login)",
                 path=self.agent_file)


def autostart_for_platform(platform: str, *, command: list[str] | None = None,
                           environ: Mapping[str, str] | None = None, home: Path | None = None,
                           registry: RegistryAccess | None = None) -> Autostart:
    """Open-at-login for `platform` (a `sys.platform` value); XDG for every other Unix.

    `command` is the launcher (default `launcher_command()`); `--minimized` is added.
    """
    command = launcher_command(platform=platform) if command is None else list(command)
    if platform == "win32":
        return WindowsAutostart(command, registry)
    home = Path.home() if home is None else Path(home)
    if platform == "darwin":
        return MacAutostart(command, home)
    return LinuxAutostart(command, os.environ if environ is None else environ, home)
