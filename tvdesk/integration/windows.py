"""tel:/callto: links on Windows, per user (HKEY_CURRENT_USER, no administrator).

The registration is described as data first (`windows_registry_entries`) and applied
through a small `RegistryAccess` interface, so it is testable on any platform; the real
implementation imports `winreg` only when it is built.

Three layers, after Microsoft's "Registering an Application to a URI Scheme" and
"Default Programs": the scheme keys under Software\\Classes (which make tvdesk the
handler at once where no per-user choice exists yet), a ProgID `tvdesk.url`, and
Capabilities + RegisteredApplications, which list tvdesk in Settings > Default apps.
Since Windows 8 the choice itself (the UserChoice key) can only be made by the person
in Settings; status reads it to tell what really happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tvdesk.core.i18n import _
from tvdesk.integration.common import (
    APP_ID,
    SCHEMES,
    IntegrationReport,
    describe_handler,
    log,
)

CLASSES = "Software\\Classes"
PROGID = f"{APP_ID}.url"
APP_KEY = f"Software\\{APP_ID}"
CAPABILITIES = f"{APP_KEY}\\Capabilities"
REGISTERED_APPLICATIONS = "Software\\RegisteredApplications"
USER_CHOICE = "Software\\Microsoft\\Windows\\Shell\\Associations\\UrlAssociations\\{scheme}\\UserChoice"
APPLICATION_DESCRIPTION = "Softphone for TotalVoice / Zenvia Voice extensions"
SETTINGS_URI = "ms-settings:defaultapps"


@dataclass(frozen=True)
class RegistryValue:
    """One string value (REG_SZ) under HKEY_CURRENT_USER; `name` "" is the key's default."""

    key: str
    name: str
    value: str


def _quote_argument(argument: str) -> str:
    """Quote for the Microsoft C runtime's command-line parser (CommandLineToArgvW)."""
    if argument and not any(char in argument for char in ' \t\n\v"'):
        return argument
    quoted, backslashes = ['"'], 0
    for char in argument:
        if char == "\\":
            backslashes += 1
            continue
        if char == '"':
            quoted.append("\\" * (backslashes * 2 + 1) + '"')
        else:
            quoted.append("\\" * backslashes + char)
        backslashes = 0
    quoted.append("\\" * (backslashes * 2) + '"')
    return "".join(quoted)


def windows_command_line(command: list[str]) -> str:
    """`"<program>" args... "%1"`: the program is always quoted (a path with spaces), and
    the link is one argument whatever it holds."""
    program, *arguments = command
    return " ".join([f'"{program}"', *(_quote_argument(a) for a in arguments), '"%1"'])


def windows_registry_entries(command: list[str]) -> list[RegistryValue]:
    line = windows_command_line(command)
    icon = f'"{command[0]}",0'
    entries: list[RegistryValue] = []
    for scheme in SCHEMES:
        base = f"{CLASSES}\\{scheme}"
        entries += [
            RegistryValue(base, "", f"URL:{scheme}"),
            RegistryValue(base, "URL Protocol", ""),
            RegistryValue(f"{base}\\DefaultIcon", "", icon),
            RegistryValue(f"{base}\\shell\\open\\command", "", line),
        ]
    progid = f"{CLASSES}\\{PROGID}"
    entries += [
        RegistryValue(progid, "", "tvdesk phone link"),
        RegistryValue(progid, "URL Protocol", ""),
        RegistryValue(f"{progid}\\DefaultIcon", "", icon),
        RegistryValue(f"{progid}\\shell\\open\\command", "", line),
        RegistryValue(CAPABILITIES, "ApplicationName", APP_ID),
        RegistryValue(CAPABILITIES, "ApplicationDescription", APPLICATION_DESCRIPTION),
        RegistryValue(CAPABILITIES, "ApplicationIcon", icon),
    ]
    entries += [RegistryValue(f"{CAPABILITIES}\\URLAssociations", scheme, PROGID)
                for scheme in SCHEMES]
    entries.append(RegistryValue(REGISTERED_APPLICATIONS, APP_ID, CAPABILITIES))
    return entries


class RegistryAccess(Protocol):
    """The slice of HKEY_CURRENT_USER that tvdesk uses; key paths are relative to HKCU."""

    def read(self, key: str, name: str) -> str | None:
        """A string value, or None when the key or value is missing (or not a string)."""

    def write(self, key: str, name: str, value: str) -> None:
        """Set a REG_SZ value, creating the key and its parents."""

    def delete_value(self, key: str, name: str) -> None:
        """Delete a value; a missing key or value is fine."""

    def delete_key_if_empty(self, key: str) -> bool:
        """Delete `key` when it has no values and no subkeys; True when it is gone."""

    def notify_changed(self) -> None:
        """Tell the shell that associations changed."""


class WinregRegistry:
    """RegistryAccess over the real HKEY_CURRENT_USER (Windows only)."""

    def __init__(self) -> None:
        import winreg  # Windows only: this module must import everywhere

        self._winreg = winreg

    def read(self, key: str, name: str) -> str | None:
        winreg = self._winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                value, kind = winreg.QueryValueEx(handle, name)
        except FileNotFoundError:
            return None
        return value if kind in (winreg.REG_SZ, winreg.REG_EXPAND_SZ) else None

    def write(self, key: str, name: str, value: str) -> None:
        winreg = self._winreg
        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

    def delete_value(self, key: str, name: str) -> None:
        winreg = self._winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
                winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            pass

    def delete_key_if_empty(self, key: str) -> bool:
        winreg = self._winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                subkeys, values, _modified = winreg.QueryInfoKey(handle)
        except FileNotFoundError:
            return True
        if subkeys or values:
            return False
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)
        return True

    def notify_changed(self) -> None:
        import ctypes

        shcne_assocchanged, shcnf_idlist = 0x08000000, 0x0000
        try:
            ctypes.windll.shell32.SHChangeNotify(shcne_assocchanged, shcnf_idlist, None, None)  # type: ignore[attr-defined]
        except (AttributeError, OSError) as error:
            log.info("SHChangeNotify: %s", error)


def _depth_first(keys: set[str]) -> list[str]:
    return sorted(keys, key=lambda key: (-key.count("\\"), key))


def _with_parents(keys: set[str], stop_at: str) -> set[str]:
    """`keys` and their parents, up to but not including `stop_at`."""
    result = set()
    for key in keys:
        while key.lower().startswith(stop_at.lower() + "\\"):
            result.add(key)
            key = key.rsplit("\\", 1)[0]
    return result


class UsesRegistry:
    """A command plus the registry it is written to: the real one unless a test's is given."""

    def __init__(self, command: list[str], registry: RegistryAccess | None = None) -> None:
        self.command = list(command)
        self._registry = registry

    @property
    def registry(self) -> RegistryAccess:
        if self._registry is None:
            self._registry = WinregRegistry()   # imports winreg: Windows only
        return self._registry


class WindowsIntegration(UsesRegistry):

    @property
    def entries(self) -> list[RegistryValue]:
        return windows_registry_entries(self.command)

    def _our_command_lines(self) -> set[str]:
        """This launcher's line, and the one tvdesk wrote earlier into its own ProgID
        (which differs when tvdesk moved since)."""
        lines = {windows_command_line(self.command)}
        earlier = self.registry.read(f"{CLASSES}\\{PROGID}\\shell\\open\\command", "")
        if earlier:
            lines.add(earlier)
        return lines

    def status(self) -> IntegrationReport:
        report = IntegrationReport()
        try:
            return self._status(report)
        except OSError as error:
            report.ok = False
            report.details.append(_("Could not read the Windows registry: {reason}",
                                    reason=error.strerror or str(error)))
            report.handled = {scheme: False for scheme in SCHEMES}
            return report

    def _status(self, report: IntegrationReport) -> IntegrationReport:
        registry = self.registry
        registered = all(registry.read(e.key, e.name) == e.value for e in self.entries)
        if registered:
            report.details.append(_("tvdesk is registered for tel: and callto: links for this "
                                    "Windows user."))
        elif registry.read(REGISTERED_APPLICATIONS, APP_ID) is not None:
            report.details.append(_("tvdesk's registration is incomplete or points at another "
                                    "copy of tvdesk; run 'tvdesk integrate install' again."))
        else:
            report.details.append(_("tvdesk is not registered for tel: and callto: links."))
        ours = self._our_command_lines()
        for scheme in SCHEMES:
            program: str | None
            choice = registry.read(USER_CHOICE.format(scheme=scheme), "ProgId")
            if choice:
                handled = choice.lower() == PROGID.lower()
                program = choice
            else:
                command = registry.read(f"{CLASSES}\\{scheme}\\shell\\open\\command", "")
                handled = command in ours
                program = command
            describe_handler(report, scheme, handled, program)
        if registered and not all(report.handled.values()):
            report.details.append(_("Windows asks you to confirm the choice: open Settings > "
                                    "Apps > Default apps ({uri}), pick tvdesk, and choose it "
                                    "for TEL and CALLTO.", uri=SETTINGS_URI))
        return report

    def install(self) -> IntegrationReport:
        report = IntegrationReport()
        try:
            for entry in self.entries:
                self.registry.write(entry.key, entry.name, entry.value)
        except OSError as error:
            report.ok = False
            report.details.append(_("Could not write to the Windows registry: {reason}",
                                    reason=error.strerror or str(error)))
            return report
        self.registry.notify_changed()
        after = self.status()
        report.handled = after.handled
        report.details += after.details
        report.ok = after.ok
        return report

    def remove(self) -> IntegrationReport:
        report = IntegrationReport()
        try:
            removed = self._remove(report)
        except OSError as error:
            report.ok = False
            report.details.append(_("Could not change the Windows registry: {reason}",
                                    reason=error.strerror or str(error)))
            return report
        self.registry.notify_changed()
        if not removed:
            report.details.append(_("tvdesk was not registered for tel: and callto: links; "
                                    "nothing to remove."))
        after = self.status()
        report.handled = after.handled
        report.details += after.details
        report.ok = report.ok and after.ok
        return report

    def _remove(self, report: IntegrationReport) -> bool:
        registry = self.registry
        ours = self._our_command_lines()
        entries = self.entries
        to_remove: list[RegistryValue] = []
        owned_by_scheme: list[RegistryValue] = []
        for scheme in SCHEMES:
            base = f"{CLASSES}\\{scheme}"
            command = registry.read(f"{base}\\shell\\open\\command", "")
            if command is not None and command not in ours:
                report.details.append(_("{scheme}: left {key} alone; another program "
                                        "handles these links now.", scheme=scheme, key=base))
                continue
            scheme_entries = [e for e in entries if e.key.lower() == base.lower()
                              or e.key.lower().startswith(base.lower() + "\\")]
            if command is None:  # half a registration: take back only what is exactly ours
                to_remove += scheme_entries
            else:
                owned_by_scheme += scheme_entries
        # The ProgID and the Capabilities are tvdesk's by name, whatever they hold.
        own_prefixes = (f"{CLASSES}\\{PROGID}".lower(), APP_KEY.lower())
        owned = owned_by_scheme + [e for e in entries
                                   if any(e.key.lower() == p or e.key.lower().startswith(p + "\\")
                                          for p in own_prefixes)]
        removed = False
        for entry in to_remove:
            current = registry.read(entry.key, entry.name)
            if current is not None and (current == entry.value or current in ours):
                registry.delete_value(entry.key, entry.name)
                removed = True
        for entry in owned:
            if registry.read(entry.key, entry.name) is not None:
                registry.delete_value(entry.key, entry.name)
                removed = True
        if registry.read(REGISTERED_APPLICATIONS, APP_ID) == CAPABILITIES:
            registry.delete_value(REGISTERED_APPLICATIONS, APP_ID)
            removed = True
        keys = _with_parents({e.key for e in to_remove}, CLASSES) | \
            _with_parents({e.key for e in owned if e.key.lower().startswith(CLASSES.lower())},
                          CLASSES) | \
            _with_parents({e.key for e in owned if e.key.lower().startswith(APP_KEY.lower())},
                          "Software")
        for key in _depth_first(keys):
            registry.delete_key_if_empty(key)
        if removed:
            report.details.append(_("Removed tvdesk's registration for tel: and callto: links."))
        return removed
