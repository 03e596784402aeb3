"""Open at login: the generated entries exactly, and enable/disable in a temporary home
(Linux, macOS) or the in-memory registry (Windows). The real home is never touched."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_integration_windows import FakeRegistry

from tvdesk.core import i18n
from tvdesk.integration import launcher_command
from tvdesk.integration.autostart import (
    RUN_KEY,
    STARTUP_APPROVED_KEY,
    AutostartError,
    LinuxAutostart,
    MacAutostart,
    WindowsAutostart,
    autostart_command,
    autostart_for_platform,
    exec_arguments,
    launch_agent_plist,
    runs_tvdesk,
    windows_run_value,
    xdg_autostart_entry,
)

COMMAND = ["/opt/tv desk/bin/python3", "-m", "tvdesk"]
EXPECTED_ENTRY = (
    "[Desktop Entry]\n"
    "Type=Application\n"
    "Name=tvdesk\n"
    "Comment=Start tvdesk in the tray when you log in\n"
    "Comment[pt_BR]=Inicia o tvdesk na bandeja quando você entra na sessão\n"
    'Exec="/opt/tv desk/bin/python3" -m tvdesk --minimized\n'
    "Icon=tvdesk\n"
    "Terminal=false\n"
    "NoDisplay=false\n"
    "X-GNOME-Autostart-enabled=true\n"
)
EXE = "C:\\Program Files\\tvdesk\\tvdesk.exe"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_CONFIG_DIRS": str(tmp_path / "system-config")}


def _linux(environ, home, command=None) -> LinuxAutostart:
    auto = autostart_for_platform("linux", command=command or [sys.executable, "-m", "tvdesk"],
                                  environ=environ, home=home)
    assert isinstance(auto, LinuxAutostart)
    return auto


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


# --- shared -----------------------------------------------------------------------------------

def test_the_command_is_the_launcher_started_minimized():
    assert autostart_command(["tvdesk"]) == ["tvdesk", "--minimized"]
    assert autostart_command(["tvdesk", "--minimized"]) == ["tvdesk", "--minimized"]
    auto = autostart_for_platform(sys.platform, environ={}, home=Path("/nonexistent"),
                                  registry=FakeRegistry())
    assert auto.command == launcher_command()


@pytest.mark.parametrize("argv, expected", [
    (["/usr/bin/tvdesk"], True),
    (["/usr/bin/python3", "-m", "tvdesk", "--minimized"], True),
    (["/home/ana/Apps/tvdesk-1.2-x86_64.AppImage"], True),
    (["C:\\Program Files\\tvdesk\\tvdesk.exe"], True),
    (["sh", "-c", "sleep 5; tvdesk --minimized"], True),
    (["/usr/bin/TVDesk"], True),
    (["/usr/bin/firefox"], False),
    (["/usr/bin/tvdesktop-helper"], False),
    ([], False),
])
def test_what_runs_tvdesk(argv, expected):
    assert runs_tvdesk(argv) is expected


# --- Linux ------------------------------------------------------------------------------------

def test_the_linux_entry_exactly():
    assert xdg_autostart_entry(COMMAND) == EXPECTED_ENTRY
    assert xdg_autostart_entry(["tvdesk"]).splitlines()[5] == "Exec=tvdesk --minimized"


@pytest.mark.parametrize("command", [
    COMMAND,
    ["/home/ana/my $dir/tvdesk", "--basedir", "/tmp/50% off \"x\"\\y"],
    ["/usr/bin/tvdesk"],
])
def test_the_exec_line_reads_back_as_the_command(command):
    line = next(text for text in xdg_autostart_entry(command).splitlines()
                if text.startswith("Exec="))
    assert exec_arguments(line[len("Exec="):]) == [*command, "--minimized"]


def test_exec_arguments_drop_field_codes():
    assert exec_arguments('"/a b/tvdesk" %u --x=100%%') == ["/a b/tvdesk", "--x=100%"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (apt-get install desktop-file-utils)")
@pytest.mark.parametrize("hidden", [False, True])
def test_the_linux_entry_is_valid(tmp_path, hidden):
    path = tmp_path / "tvdesk.desktop"
    path.write_text(xdg_autostart_entry(COMMAND, hidden=hidden), encoding="utf-8")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout


def test_enable_and_disable_on_linux(tmp_path, environ, home):
    auto = _linux(environ, home)
    entry = tmp_path / "config" / "autostart" / "tvdesk.desktop"
    assert auto.entry_file == entry
    assert not auto.is_enabled()
    auto.enable()
    assert auto.is_enabled()
    assert entry.read_text(encoding="utf-8") == xdg_autostart_entry([sys.executable, "-m", "tvdesk"])
    auto.enable()  # idempotent
    assert _files(tmp_path) == {"config/autostart/tvdesk.desktop": entry.read_text("utf-8")}
    auto.disable()
    assert not auto.is_enabled()
    assert not entry.exists()
    assert (tmp_path / "config" / "autostart").is_dir()
    auto.disable()  # idempotent
    assert not home.exists()
    assert auto.describe() == f"Autostart entry: {entry}"


def test_the_default_folder_is_in_home(home):
    auto = _linux({"XDG_CONFIG_HOME": "relative/is/ignored"}, home)
    assert auto.entry_file == home / ".config" / "autostart" / "tvdesk.desktop"
    auto.enable()
    assert auto.entry_file.is_file()


def test_disable_leaves_the_other_autostart_entries(tmp_path, environ, home):
    folder = tmp_path / "config" / "autostart"
    folder.mkdir(parents=True)
    (folder / "firefox.desktop").write_text("[Desktop Entry]\nExec=firefox\n", encoding="utf-8")
    auto = _linux(environ, home)
    auto.enable()
    auto.disable()
    assert [p.name for p in folder.iterdir()] == ["firefox.desktop"]


@pytest.mark.parametrize("switch_off", ["Hidden=true", "X-GNOME-Autostart-enabled=false"])
def test_switched_off_by_the_desktop_means_disabled(environ, home, switch_off):
    auto = _linux(environ, home)
    auto.enable()
    text = auto.entry_file.read_text(encoding="utf-8")
    text = text.replace("X-GNOME-Autostart-enabled=true\n", "") + switch_off + "\n"
    auto.entry_file.write_text(text, encoding="utf-8")
    assert not auto.is_enabled()
    auto.enable()  # turning it on again from tvdesk writes tvdesk's entry
    assert auto.is_enabled()
    assert auto.entry_file.read_text(encoding="utf-8") == xdg_autostart_entry(auto.command)


def test_an_entry_the_person_edited_still_counts_as_ours(environ, home):
    auto = _linux(environ, home)
    auto.entry_file.parent.mkdir(parents=True)
    edited = ("[Desktop Entry]\nType=Application\nName=My phone\n"
              "Exec=sh -c \"sleep 10; exec tvdesk --minimized\"\n")
    auto.entry_file.write_text(edited, encoding="utf-8")
    assert auto.is_enabled()
    auto.enable()
    assert auto.entry_file.read_text(encoding="utf-8") == edited  # kept as the person made it
    auto.disable()
    assert not auto.entry_file.exists()


def test_an_entry_for_a_moved_tvdesk_is_rewritten(environ, home, tmp_path):
    auto = _linux(environ, home)
    auto.entry_file.parent.mkdir(parents=True)
    auto.entry_file.write_text(xdg_autostart_entry([str(tmp_path / "gone" / "tvdesk")]),
                               encoding="utf-8")
    assert auto.is_enabled()
    auto.enable()
    assert auto.entry_file.read_text(encoding="utf-8") == xdg_autostart_entry(auto.command)


def test_a_file_that_starts_another_program_is_left_alone(environ, home):
    auto = _linux(environ, home)
    auto.entry_file.parent.mkdir(parents=True)
    foreign = "[Desktop Entry]\nType=Application\nName=Something\nExec=/usr/bin/something-else\n"
    auto.entry_file.write_text(foreign, encoding="utf-8")
    assert not auto.is_enabled()
    with pytest.raises(AutostartError) as caught:
        auto.enable()
    assert str(caught.value) == (f"{auto.entry_file} already exists and was not made by tvdesk, "
                                 "so tvdesk leaves it alone. Rename or remove it, then try again.")
    auto.disable()
    assert auto.entry_file.read_text(encoding="utf-8") == foreign


def test_a_system_wide_entry_is_switched_off_with_a_hidden_copy(tmp_path, environ, home):
    system = tmp_path / "system-config" / "autostart" / "tvdesk.desktop"
    system.parent.mkdir(parents=True)
    system.write_text(xdg_autostart_entry(["/usr/bin/tvdesk"]), encoding="utf-8")
    auto = _linux(environ, home)
    assert auto.is_enabled()
    auto.enable()
    assert not auto.entry_file.exists()  # the system entry already does it
    auto.disable()
    assert not auto.is_enabled()
    assert auto.entry_file.read_text(encoding="utf-8") == \
        xdg_autostart_entry(auto.command, hidden=True)
    auto.disable()
    auto.enable()
    assert auto.is_enabled()
    assert auto.entry_file.read_text(encoding="utf-8") == xdg_autostart_entry(auto.command)
    assert system.read_text(encoding="utf-8") == xdg_autostart_entry(["/usr/bin/tvdesk"])


def test_a_file_where_the_autostart_folder_should_be(tmp_path, environ, home):
    blocker = tmp_path / "config" / "autostart"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder", encoding="utf-8")
    auto = _linux(environ, home)
    assert not auto.is_enabled()
    with pytest.raises(AutostartError) as caught:
        auto.enable()
    message = caught.value.user_message
    assert message == (f"Could not write {auto.entry_file}: {blocker} is a file, but it must be "
                       "a folder (rename or remove that file)")
    assert "Traceback" not in message and "Errno" not in message
    auto.disable()  # nothing of ours to remove: no error


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions and a user that they bind (not root)")
def test_a_read_only_autostart_folder(environ, home):
    auto = _linux(environ, home)
    auto.entry_file.parent.mkdir(parents=True)
    auto.entry_file.parent.chmod(0o555)
    try:
        with pytest.raises(AutostartError) as caught:
            auto.enable()
    finally:
        auto.entry_file.parent.chmod(0o755)
    assert caught.value.user_message == \
        f"Could not write {auto.entry_file}: Permission denied"


def test_errors_are_translated(tmp_path, environ, home):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "autostart").write_text("x", encoding="utf-8")
    i18n.set_language("pt_BR")
    with pytest.raises(AutostartError) as caught:
        _linux(environ, home).enable()
    assert caught.value.user_message.startswith("Não foi possível gravar ")


# --- Windows ----------------------------------------------------------------------------------

class RegistryWithBinary(FakeRegistry):
    """The fake registry plus the binary values of StartupApproved (Task Manager's switch)."""

    def __init__(self) -> None:
        super().__init__()
        self.binary: dict[tuple[str, str], bytes] = {}

    def read_binary(self, key: str, name: str) -> bytes | None:
        return self.binary.get((key.lower(), name.lower()))

    def delete_value(self, key: str, name: str) -> None:
        super().delete_value(key, name)
        self.binary.pop((key.lower(), name.lower()), None)


@pytest.mark.parametrize("command, value", [
    ([EXE], '"C:\\Program Files\\tvdesk\\tvdesk.exe" --minimized'),
    (["C:\\Python 3.11\\pythonw.exe", "-m", "tvdesk"],
     '"C:\\Python 3.11\\pythonw.exe" -m tvdesk --minimized'),
    (["C:\\a.exe", "--basedir", "C:\\My Data\\"],
     '"C:\\a.exe" --basedir "C:\\My Data\\\\" --minimized'),
])
def test_the_run_value_exactly(command, value):
    assert windows_run_value(command) == value


def test_enable_and_disable_on_windows():
    registry = FakeRegistry()
    registry.write(RUN_KEY, "OneDrive", '"C:\\OneDrive\\OneDrive.exe" /background')
    before = registry.snapshot()
    auto = autostart_for_platform("win32", command=[EXE], registry=registry)
    assert isinstance(auto, WindowsAutostart)
    assert not auto.is_enabled()
    auto.enable()
    assert auto.is_enabled()
    assert registry.read(RUN_KEY, "tvdesk") == '"C:\\Program Files\\tvdesk\\tvdesk.exe" --minimized'
    once = registry.snapshot()
    auto.enable()
    assert registry.snapshot() == once
    auto.disable()
    assert not auto.is_enabled()
    auto.disable()
    assert registry.snapshot() == before
    assert auto.describe() == ('Registry value "tvdesk" in HKEY_CURRENT_USER\\'
                               "Software\\Microsoft\\Windows\\CurrentVersion\\Run")


def test_enable_points_the_value_at_this_tvdesk():
    registry = FakeRegistry()
    WindowsAutostart(["C:\\old\\tvdesk.exe"], registry).enable()
    WindowsAutostart([EXE], registry).enable()
    assert registry.read(RUN_KEY, "tvdesk") == windows_run_value([EXE])


def test_task_managers_switch():
    registry = RegistryWithBinary()
    auto = WindowsAutostart([EXE], registry)
    auto.enable()
    registry.binary[(STARTUP_APPROVED_KEY.lower(), "tvdesk")] = bytes([3] + [0] * 11)
    assert not auto.is_enabled()
    registry.binary[(STARTUP_APPROVED_KEY.lower(), "tvdesk")] = bytes([2] + [0] * 11)
    assert auto.is_enabled()
    registry.binary[(STARTUP_APPROVED_KEY.lower(), "tvdesk")] = bytes([3] + [0] * 11)
    auto.enable()  # switching it on in tvdesk switches it on in Task Manager too
    assert auto.is_enabled()
    assert registry.read_binary(STARTUP_APPROVED_KEY, "tvdesk") is None


def test_registry_errors_are_words():
    registry = FakeRegistry()
    registry.read_only = True
    with pytest.raises(AutostartError) as caught:
        WindowsAutostart([EXE], registry).enable()
    assert caught.value.user_message == "Could not change the Windows registry: Access is denied"


# --- macOS ------------------------------------------------------------------------------------

def test_the_launch_agent_exactly():
    command = ["/Applications/tvdesk.app/Contents/MacOS/tvdesk"]
    assert launch_agent_plist(command) == {
        "Label": "br.com.tvdesk",
        "ProgramArguments": ["/Applications/tvdesk.app/Contents/MacOS/tvdesk", "--minimized"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }


def test_enable_and_disable_on_macos(home):
    command = ["/Applications/tvdesk.app/Contents/MacOS/tvdesk"]
    auto = autostart_for_platform("darwin", command=command, home=home)
    assert isinstance(auto, MacAutostart)
    agent = home / "Library" / "LaunchAgents" / "br.com.tvdesk.plist"
    assert not auto.is_enabled()
    auto.enable()
    assert auto.is_enabled()
    with agent.open("rb") as handle:
        assert plistlib.load(handle) == launch_agent_plist(command)
    assert agent.read_bytes() == plistlib.dumps(launch_agent_plist(command), sort_keys=True)
    assert [p.name for p in agent.parent.iterdir()] == ["br.com.tvdesk.plist"]  # no temp file
    modified = agent.stat().st_mtime_ns
    auto.enable()
    assert agent.stat().st_mtime_ns == modified
    auto.disable()
    assert not agent.exists() and not auto.is_enabled()
    auto.disable()
    assert auto.describe() == f"Launch agent: {agent} (macOS reads it at your next login)"


def test_a_disabled_or_broken_agent_is_not_enabled_and_enable_repairs_it(home):
    auto = MacAutostart(["/usr/local/bin/tvdesk"], home)
    auto.agent_file.parent.mkdir(parents=True)
    auto.agent_file.write_bytes(plistlib.dumps({**launch_agent_plist(auto.command),
                                                "Disabled": True}))
    assert not auto.is_enabled()
    auto.agent_file.write_text("not a plist", encoding="utf-8")
    assert not auto.is_enabled()
    auto.enable()
    assert auto.is_enabled()


def test_a_file_where_launch_agents_should_be(home):
    (home / "Library").mkdir(parents=True)
    (home / "Library" / "LaunchAgents").write_text("x", encoding="utf-8")
    auto = MacAutostart(["/usr/local/bin/tvdesk"], home)
    with pytest.raises(AutostartError) as caught:
        auto.enable()
    assert caught.value.user_message == (
        f"Could not write {auto.agent_file}: {home / 'Library' / 'LaunchAgents'} is a file, "
        "but it must be a folder (rename or remove that file)")
