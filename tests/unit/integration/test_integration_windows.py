"""Windows registration: the registry entries as data, applied to an in-memory registry.

`FakeRegistry` is a small working HKEY_CURRENT_USER (case-insensitive keys, parents
created on write, keys deletable only when empty), not a mock: the tests look at the
registry it ends up holding.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tvdesk.core import i18n
from tvdesk.integration import integration_for_platform
from tvdesk.integration.windows import (
    CAPABILITIES,
    PROGID,
    REGISTERED_APPLICATIONS,
    USER_CHOICE,
    RegistryValue,
    WindowsIntegration,
    windows_command_line,
    windows_registry_entries,
)

EXE = "C:\\Program Files\\tvdesk\\tvdesk.exe"
LINE = '"C:\\Program Files\\tvdesk\\tvdesk.exe" "%1"'
ICON = '"C:\\Program Files\\tvdesk\\tvdesk.exe",0'


class FakeRegistry:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {}
        self.notifications = 0
        self.read_only = False

    def _key(self, key: str):
        return self.keys.get(key.lower())

    def read(self, key: str, name: str) -> str | None:
        found = self._key(key)
        if found is None or name.lower() not in found[1]:
            return None
        return found[1][name.lower()][1]

    def write(self, key: str, name: str, value: str) -> None:
        if self.read_only:
            raise PermissionError(13, "Access is denied")
        parts = key.split("\\")
        for depth in range(1, len(parts) + 1):
            partial = "\\".join(parts[:depth])
            self.keys.setdefault(partial.lower(), (partial, {}))
        self.keys[key.lower()][1][name.lower()] = (name, value)

    def delete_value(self, key: str, name: str) -> None:
        found = self._key(key)
        if found is not None:
            found[1].pop(name.lower(), None)

    def delete_key_if_empty(self, key: str) -> bool:
        found = self._key(key)
        if found is None:
            return True
        prefix = key.lower() + "\\"
        if found[1] or any(other.startswith(prefix) for other in self.keys):
            return False
        del self.keys[key.lower()]
        return True

    def notify_changed(self) -> None:
        self.notifications += 1

    def snapshot(self) -> dict[str, dict[str, str]]:
        return {name: {n: v for n, v in values.values()} for name, values in self.keys.values()}


def _other_programs(registry: FakeRegistry) -> None:
    """What a typical profile holds before tvdesk: other apps' registrations."""
    registry.write("Software\\RegisteredApplications", "Firefox", "Software\\Mozilla\\Firefox\\Capabilities")
    registry.write("Software\\Classes\\mailto\\shell\\open\\command", "", '"thunderbird.exe" "%1"')
    registry.write("Software\\Classes", "", "")   # Software\\Classes exists, with no values
    registry.delete_value("Software\\Classes", "")
    registry.write("Software\\Microsoft\\Windows\\CurrentVersion\\Run", "OneDrive", "onedrive.exe")


def test_the_entries_exactly():
    assert windows_registry_entries([EXE]) == [
        RegistryValue("Software\\Classes\\tel", "", "URL:tel"),
        RegistryValue("Software\\Classes\\tel", "URL Protocol", ""),
        RegistryValue("Software\\Classes\\tel\\DefaultIcon", "", ICON),
        RegistryValue("Software\\Classes\\tel\\shell\\open\\command", "", LINE),
        RegistryValue("Software\\Classes\\callto", "", "URL:callto"),
        RegistryValue("Software\\Classes\\callto", "URL Protocol", ""),
        RegistryValue("Software\\Classes\\callto\\DefaultIcon", "", ICON),
        RegistryValue("Software\\Classes\\callto\\shell\\open\\command", "", LINE),
        RegistryValue("Software\\Classes\\tvdesk.url", "", "tvdesk phone link"),
        RegistryValue("Software\\Classes\\tvdesk.url", "URL Protocol", ""),
        RegistryValue("Software\\Classes\\tvdesk.url\\DefaultIcon", "", ICON),
        RegistryValue("Software\\Classes\\tvdesk.url\\shell\\open\\command", "", LINE),
        RegistryValue("Software\\tvdesk\\Capabilities", "ApplicationName", "tvdesk"),
        RegistryValue("Software\\tvdesk\\Capabilities", "ApplicationDescription",
                      "Softphone for TotalVoice / Zenvia Voice extensions"),
        RegistryValue("Software\\tvdesk\\Capabilities", "ApplicationIcon", ICON),
        RegistryValue("Software\\tvdesk\\Capabilities\\URLAssociations", "tel", "tvdesk.url"),
        RegistryValue("Software\\tvdesk\\Capabilities\\URLAssociations", "callto", "tvdesk.url"),
        RegistryValue("Software\\RegisteredApplications", "tvdesk", "Software\\tvdesk\\Capabilities"),
    ]


@pytest.mark.parametrize("command, line", [
    ([EXE], LINE),
    (["C:\\Python 3.11\\pythonw.exe", "-m", "tvdesk"],
     '"C:\\Python 3.11\\pythonw.exe" -m tvdesk "%1"'),
    (["C:\\a.exe", "with space", 'say "hi"', "C:\\my dir\\", "C:\\dir\\", ""],
     '"C:\\a.exe" "with space" "say \\"hi\\"" "C:\\my dir\\\\" C:\\dir\\ "" "%1"'),
])
def test_command_lines_quote_for_the_windows_parser(command, line):
    assert windows_command_line(command) == line
    # the arguments after the program follow the C runtime's rules, as the stdlib spells them
    assert windows_command_line(command) == \
        " ".join([f'"{command[0]}"', *(subprocess.list2cmdline([a]) for a in command[1:]), '"%1"'])


def test_install_writes_every_entry_and_tvdesk_handles_the_links():
    registry = FakeRegistry()
    integration = WindowsIntegration([EXE], registry)
    assert integration.status().handled == {"tel": False, "callto": False}
    report = integration.install()
    assert report.ok
    for entry in windows_registry_entries([EXE]):
        assert registry.read(entry.key, entry.name) == entry.value
    assert report.handled == {"tel": True, "callto": True}
    assert registry.notifications == 1
    assert "tel: links open in tvdesk." in report.details


def test_install_is_idempotent():
    registry = FakeRegistry()
    integration = WindowsIntegration([EXE], registry)
    integration.install()
    once = registry.snapshot()
    integration.install()
    assert registry.snapshot() == once


def test_the_person_must_confirm_in_settings_when_windows_has_another_choice():
    registry = FakeRegistry()
    registry.write(USER_CHOICE.format(scheme="tel"), "ProgId", "AppX4ztfk9wxr86nxmzzq47px0nh0e58b8fw")
    report = WindowsIntegration([EXE], registry).install()
    assert report.handled == {"tel": False, "callto": True}
    assert any("ms-settings:defaultapps" in line for line in report.details)
    assert any("AppX4ztfk9wxr86nxmzzq47px0nh0e58b8fw" in line for line in report.details)
    registry.write(USER_CHOICE.format(scheme="tel"), "ProgId", PROGID)
    assert WindowsIntegration([EXE], registry).status().handled == {"tel": True, "callto": True}


def test_remove_gives_back_the_registry_as_it_was():
    registry = FakeRegistry()
    _other_programs(registry)
    before = registry.snapshot()
    integration = WindowsIntegration([EXE], registry)
    integration.install()
    report = integration.remove()
    assert report.ok
    assert report.handled == {"tel": False, "callto": False}
    assert registry.snapshot() == before
    assert any("Removed tvdesk's registration" in line for line in report.details)


def test_remove_without_install_changes_nothing():
    registry = FakeRegistry()
    _other_programs(registry)
    before = registry.snapshot()
    report = WindowsIntegration([EXE], registry).remove()
    assert registry.snapshot() == before
    assert any("nothing to remove" in line for line in report.details)


def test_remove_leaves_a_scheme_another_program_took_over():
    registry = FakeRegistry()
    integration = WindowsIntegration([EXE], registry)
    integration.install()
    skype = '"C:\\Skype\\Skype.exe" "/uri:%1"'
    registry.write("Software\\Classes\\callto\\shell\\open\\command", "", skype)
    report = integration.remove()
    assert registry.read("Software\\Classes\\callto\\shell\\open\\command", "") == skype
    assert registry.read("Software\\Classes\\callto", "URL Protocol") == ""
    assert registry.read("Software\\Classes\\tel\\shell\\open\\command", "") is None
    assert registry._key("Software\\Classes\\tel") is None
    assert registry._key(f"Software\\Classes\\{PROGID}") is None
    assert registry._key("Software\\tvdesk") is None
    assert registry.read(REGISTERED_APPLICATIONS, "tvdesk") is None
    assert any("callto: left Software\\Classes\\callto alone" in line for line in report.details)


def test_remove_after_tvdesk_moved_still_cleans_up():
    registry = FakeRegistry()
    WindowsIntegration(["C:\\old\\tvdesk.exe"], registry).install()
    WindowsIntegration(["C:\\new place\\tvdesk.exe"], registry).remove()
    assert registry.snapshot() == {"Software": {}, "Software\\Classes": {},
                                   "Software\\RegisteredApplications": {}}


def test_status_notices_a_registration_for_another_copy():
    registry = FakeRegistry()
    WindowsIntegration(["C:\\old\\tvdesk.exe"], registry).install()
    report = WindowsIntegration(["C:\\new\\tvdesk.exe"], registry).status()
    assert any("incomplete or points at another copy" in line for line in report.details)


def test_registry_errors_are_words():
    registry = FakeRegistry()
    registry.read_only = True
    report = WindowsIntegration([EXE], registry).install()
    assert not report.ok
    assert report.details == ["Could not write to the Windows registry: Access is denied"]


def test_details_are_translated():
    i18n.set_language("pt_BR")
    report = WindowsIntegration([EXE], FakeRegistry()).install()
    assert "tel: os links abrem no tvdesk." in report.details


def test_integration_for_windows_builds_without_winreg():
    integration = integration_for_platform("win32", command=[EXE])
    assert isinstance(integration, WindowsIntegration)
    assert integration.entries[-1] == RegistryValue(REGISTERED_APPLICATIONS, "tvdesk", CAPABILITIES)


@pytest.mark.skipif(sys.platform != "win32", reason="the real registry exists only on Windows")
def test_the_real_registry_reads_a_missing_value():
    from tvdesk.integration.windows import WinregRegistry

    assert WinregRegistry().read("Software\\tvdesk-test-missing", "x") is None
