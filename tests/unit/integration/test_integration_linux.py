"""tel:/callto: registration on XDG desktops, run for real in a temporary home.

Each install/remove test runs twice: with the real xdg-mime (when xdg-utils is
installed) and with no helper tools at all, where tvdesk edits mimeapps.list itself.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tvdesk.core import i18n
from tvdesk.integration import IntegrationReport, integration_for_platform, launcher_command
from tvdesk.integration.linux import (
    DESKTOP_FILE_NAME,
    LinuxIntegration,
    default_handlers,
    desktop_entry_text,
    exec_argument,
    exec_line,
    with_default,
    without_handler,
)

REPO = Path(__file__).resolve().parents[3]
COMMITTED_DESKTOP_FILE = REPO / "packaging" / "linux" / "tvdesk.desktop"
COMMAND = [sys.executable, "-m", "tvdesk"]

EXISTING_MIMEAPPS = (
    "# kept by the person: do not lose me\n"
    "[Added Associations]\n"
    "text/plain=org.gnome.TextEditor.desktop;\n"
    "\n"
    "[Default Applications]\n"
    "text/html=firefox.desktop\n"
    "# a comment inside the group\n"
    "x-scheme-handler/tel=org.gnome.Calls.desktop;\n"
    "x-scheme-handler/mailto=thunderbird.desktop;\n"
    "\n"
    "[Removed Associations]\n"
    "image/png=gimp.desktop;\n"
)


def _no_tools(_name: str) -> str | None:
    return None


@pytest.fixture(params=["xdg-mime", "no-tools"])
def tools(request):
    if request.param == "xdg-mime":
        if shutil.which("xdg-mime") is None:
            pytest.skip("xdg-mime is not installed (apt-get install xdg-utils)")
        return None  # the real PATH lookup
    return _no_tools


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    # Only what is set here: no XDG_CURRENT_DESKTOP, so xdg-mime takes its generic path.
    return {"PATH": os.environ.get("PATH", os.defpath),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_DIRS": str(tmp_path / "system-data"),
            "XDG_CONFIG_DIRS": str(tmp_path / "system-config")}


def _integration(tmp_path: Path, environ: dict[str, str], which=None, **kwargs) -> LinuxIntegration:
    return LinuxIntegration(COMMAND, environ, tmp_path / "home", which=which, **kwargs)


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _entry(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    pairs = [line.split("=", 1) for line in lines[1:] if line]
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate keys"
    return dict(pairs)


# --- the desktop entry --------------------------------------------------------------------------

def test_the_desktop_entry_declares_the_schemes():
    entry = _entry(desktop_entry_text(COMMAND))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "tvdesk"
    assert entry["Exec"] == f"{sys.executable} -m tvdesk %u"
    assert entry["MimeType"] == "x-scheme-handler/tel;x-scheme-handler/callto;"
    assert entry["Categories"] == "Network;Telephony;"
    assert entry["StartupWMClass"] == "tvdesk"
    assert entry["Icon"] == "tvdesk"
    assert entry["Terminal"] == "false"
    assert entry["NoDisplay"] == "false"
    assert entry["Comment[pt_BR]"].startswith("Ligue")


def test_the_committed_desktop_file_is_the_generated_one():
    committed = COMMITTED_DESKTOP_FILE.read_text(encoding="utf-8")
    assert committed == desktop_entry_text(["tvdesk"])
    generated = desktop_entry_text(launcher_command())

    def without_exec(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("Exec=")]

    assert without_exec(committed) == without_exec(generated)
    assert "Exec=tvdesk %u" in committed.splitlines()


@pytest.mark.parametrize("argument, written", [
    ("tvdesk", "tvdesk"),
    ("/usr/bin/tvdesk", "/usr/bin/tvdesk"),
    ("/home/ana maria/venv/bin/tvdesk", '"/home/ana maria/venv/bin/tvdesk"'),
    ("/opt/$weird/`x`", '"/opt/\\\\$weird/\\\\`x\\\\`"'),
    ('say "hi"', '"say \\\\"hi\\\\""'),
    ("C:\\dir", '"C:\\\\\\\\dir"'),   # a literal backslash takes four in the file
    ("100%", "100%%"),
    ("it's", '"it\'s"'),
    ("", '""'),
])
def test_exec_arguments_follow_the_desktop_entry_quoting(argument, written):
    assert exec_argument(argument) == written


def test_exec_line_ends_with_the_url_field_code():
    assert exec_line(["/a b/python", "-m", "tvdesk"]) == '"/a b/python" -m tvdesk %u'


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (desktop-file-utils)")
@pytest.mark.parametrize("command", [None, ["/home/ana maria/venv/bin/python", "-m", "tvdesk"],
                                     ["/opt/odd $dir/100% (x)/tvdesk"]])
def test_desktop_file_validate_accepts_the_entries(tmp_path, command):
    if command is None:
        path = COMMITTED_DESKTOP_FILE
    else:
        path = tmp_path / DESKTOP_FILE_NAME
        path.write_text(desktop_entry_text(command), encoding="utf-8")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


# --- mimeapps.list, line by line ----------------------------------------------------------------

def test_with_default_puts_tvdesk_first_and_keeps_everything_else():
    text = with_default(EXISTING_MIMEAPPS, "x-scheme-handler/tel", DESKTOP_FILE_NAME)
    text = with_default(text, "x-scheme-handler/callto", DESKTOP_FILE_NAME)
    assert "x-scheme-handler/tel=tvdesk.desktop;org.gnome.Calls.desktop;\n" in text
    assert default_handlers(text, "x-scheme-handler/callto") == [DESKTOP_FILE_NAME]
    # callto goes into the existing group, after its last line, before the blank line
    assert "x-scheme-handler/mailto=thunderbird.desktop;\nx-scheme-handler/callto=tvdesk.desktop;\n\n" \
        "[Removed Associations]" in text
    for line in EXISTING_MIMEAPPS.splitlines():
        if not line.startswith("x-scheme-handler/tel="):
            assert line in text.splitlines()


def test_with_default_is_idempotent():
    once = with_default(EXISTING_MIMEAPPS, "x-scheme-handler/tel", DESKTOP_FILE_NAME)
    assert with_default(once, "x-scheme-handler/tel", DESKTOP_FILE_NAME) == once


@pytest.mark.parametrize("original", [
    EXISTING_MIMEAPPS,
    "",
    "[Added Associations]\ntext/plain=a.desktop;\n",
    "[Added Associations]\ntext/plain=a.desktop;",          # no final newline
    "[Default Applications]\r\ntext/html=firefox.desktop\r\n",   # CRLF stays CRLF
    "[Default Applications]\nx-scheme-handler/tel=other.desktop\n",  # no trailing ';'
])
def test_without_handler_undoes_with_default(original):
    text = original
    for scheme in ("tel", "callto"):
        text = with_default(text, f"x-scheme-handler/{scheme}", DESKTOP_FILE_NAME)
    for scheme in ("tel", "callto"):
        text = without_handler(text, f"x-scheme-handler/{scheme}", DESKTOP_FILE_NAME)
    expected = original if original.endswith("\n") or not original else original + "\n"
    assert text == expected


def test_without_handler_leaves_other_programs_alone():
    text = "[Default Applications]\nx-scheme-handler/tel=other.desktop;\n"
    assert without_handler(text, "x-scheme-handler/tel", DESKTOP_FILE_NAME) == text


def test_every_default_group_is_updated():
    text = ("[Default Applications]\nx-scheme-handler/tel=a.desktop\n"
            "[Other]\nx-scheme-handler/tel=untouched.desktop\n"
            "[Default Applications]\nx-scheme-handler/tel=b.desktop;\n")
    updated = with_default(text, "x-scheme-handler/tel", DESKTOP_FILE_NAME)
    assert "x-scheme-handler/tel=tvdesk.desktop;a.desktop\n" in updated
    assert "x-scheme-handler/tel=untouched.desktop\n" in updated
    assert "x-scheme-handler/tel=tvdesk.desktop;b.desktop;\n" in updated
    assert without_handler(updated, "x-scheme-handler/tel", DESKTOP_FILE_NAME) == text


# --- install / status / remove in a temporary home -----------------------------------------------

def test_status_before_anything(tmp_path, environ, tools):
    report = _integration(tmp_path, environ, tools).status()
    assert isinstance(report, IntegrationReport)
    assert report.handled == {"tel": False, "callto": False}
    assert any("no tvdesk desktop entry" in line for line in report.details)


def test_install_then_remove_restores_mimeapps(tmp_path, environ, tools):
    mimeapps = tmp_path / "config" / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text(EXISTING_MIMEAPPS, encoding="utf-8")
    integration = _integration(tmp_path, environ, tools)

    report = integration.install()
    assert report.ok, report.details
    assert report.handled == {"tel": True, "callto": True}
    desktop_file = tmp_path / "data" / "applications" / DESKTOP_FILE_NAME
    assert desktop_file.read_text(encoding="utf-8") == desktop_entry_text(COMMAND)
    text = mimeapps.read_text(encoding="utf-8")
    assert default_handlers(text, "x-scheme-handler/tel") == [DESKTOP_FILE_NAME,
                                                              "org.gnome.Calls.desktop"]
    assert default_handlers(text, "x-scheme-handler/callto")[0] == DESKTOP_FILE_NAME
    for line in EXISTING_MIMEAPPS.splitlines():
        if line and not line.startswith("x-scheme-handler/tel="):
            assert line in text.splitlines()
    if tools is _no_tools:
        assert any("xdg-mime is not installed" in line for line in report.details)
    else:
        assert any("with xdg-mime" in line for line in report.details)
    assert integration.status().handled == {"tel": True, "callto": True}

    report = integration.remove()
    assert report.ok, report.details
    assert report.handled == {"tel": False, "callto": False}
    assert not desktop_file.exists()
    assert mimeapps.read_text(encoding="utf-8") == EXISTING_MIMEAPPS
    assert integration.status().handled == {"tel": False, "callto": False}


def test_install_is_idempotent(tmp_path, environ, tools):
    integration = _integration(tmp_path, environ, tools)
    integration.install()
    snapshot = {p: p.read_bytes() for p in _all_files(tmp_path / "config")}
    desktop = (tmp_path / "data" / "applications" / DESKTOP_FILE_NAME).read_bytes()
    report = integration.install()
    assert report.ok and report.handled == {"tel": True, "callto": True}
    assert {p: p.read_bytes() for p in _all_files(tmp_path / "config")} == snapshot
    assert (tmp_path / "data" / "applications" / DESKTOP_FILE_NAME).read_bytes() == desktop
    text = (tmp_path / "config" / "mimeapps.list").read_text(encoding="utf-8")
    assert text.count("x-scheme-handler/tel=") == 1


def test_install_into_an_empty_home_and_remove_leaves_no_association(tmp_path, environ, tools):
    integration = _integration(tmp_path, environ, tools)
    integration.install()
    assert (tmp_path / "data" / "icons" / "hicolor" / "scalable" / "apps" / "tvdesk.svg").is_file()
    integration.remove()
    mimeapps = tmp_path / "config" / "mimeapps.list"
    text = mimeapps.read_text(encoding="utf-8") if mimeapps.exists() else ""
    assert "tvdesk" not in text
    assert not any("tvdesk" in p.name for p in _all_files(tmp_path))
    # nothing outside the temporary folders
    assert all(str(p).startswith(str(tmp_path)) for p in (integration.desktop_file,
                                                          integration.mimeapps_file))


def test_remove_twice_and_remove_without_install(tmp_path, environ, tools):
    integration = _integration(tmp_path, environ, tools)
    report = integration.remove()
    assert report.ok
    assert any("nothing to remove" in line for line in report.details)
    assert not (tmp_path / "config" / "mimeapps.list").exists()
    integration.install()
    integration.remove()
    report = integration.remove()
    assert any("nothing to remove" in line for line in report.details)


def test_remove_leaves_a_later_choice_of_another_program(tmp_path, environ, tools):
    integration = _integration(tmp_path, environ, tools)
    integration.install()
    mimeapps = tmp_path / "config" / "mimeapps.list"
    text = mimeapps.read_text(encoding="utf-8").replace(
        "x-scheme-handler/tel=tvdesk.desktop", "x-scheme-handler/tel=org.gnome.Calls.desktop")
    mimeapps.write_text(text, encoding="utf-8")
    integration.remove()
    after = mimeapps.read_text(encoding="utf-8")
    assert default_handlers(after, "x-scheme-handler/tel")[0] == "org.gnome.Calls.desktop"
    assert default_handlers(after, "x-scheme-handler/callto") == []


def test_a_symlinked_mimeapps_list_stays_a_symlink(tmp_path, environ):
    dotfiles = tmp_path / "dotfiles" / "mimeapps.list"
    dotfiles.parent.mkdir()
    dotfiles.write_text("# mine\n", encoding="utf-8")
    link = tmp_path / "config" / "mimeapps.list"
    link.parent.mkdir()
    link.symlink_to(dotfiles)
    integration = _integration(tmp_path, environ, _no_tools)
    integration.install()
    assert link.is_symlink()
    assert "tvdesk.desktop" in dotfiles.read_text(encoding="utf-8")
    integration.remove()
    assert link.is_symlink() and dotfiles.read_text(encoding="utf-8") == "# mine\n"


def test_a_failing_xdg_mime_is_reported_in_words_and_the_file_is_written(tmp_path, environ):
    broken = tmp_path / "bin" / "xdg-mime"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'xdg-mime: no method available' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)

    def which(name: str) -> str | None:
        return str(broken) if name == "xdg-mime" else None

    report = _integration(tmp_path, environ, which).install()
    assert report.handled == {"tel": True, "callto": True}
    assert any("xdg-mime failed (exit status 3). xdg-mime: no method available" in line
               for line in report.details)
    assert any("xdg-mime did not work" in line for line in report.details)
    assert not any("Traceback" in line for line in report.details)


def test_a_missing_helper_program_is_reported_in_words(tmp_path, environ):
    def which(name: str) -> str | None:
        return str(tmp_path / "gone" / name) if name == "xdg-mime" else None

    report = _integration(tmp_path, environ, which).status()
    assert any(line.startswith("Could not run xdg-mime:") for line in report.details)
    assert report.handled == {"tel": False, "callto": False}


def test_relative_xdg_variables_are_ignored(tmp_path):
    environ = {"PATH": "", "XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": "rel"}
    integration = LinuxIntegration(COMMAND, environ, tmp_path / "home", which=_no_tools)
    assert integration.desktop_file == tmp_path / "home/.local/share/applications/tvdesk.desktop"
    assert integration.mimeapps_file == tmp_path / "home/.config/mimeapps.list"


def test_a_desktop_specific_list_wins_in_status(tmp_path, environ):
    environ = dict(environ, XDG_CURRENT_DESKTOP="ubuntu:GNOME")
    integration = _integration(tmp_path, environ, _no_tools)
    integration.install()
    (tmp_path / "config" / "gnome-mimeapps.list").write_text(
        "[Default Applications]\nx-scheme-handler/tel=other.desktop;\n", encoding="utf-8")
    assert integration.status().handled == {"tel": False, "callto": True}


def test_details_are_translated(tmp_path, environ):
    i18n.set_language("pt_BR")
    report = _integration(tmp_path, environ, _no_tools).install()
    assert any("o próprio tvdesk gravou os padrões" in line for line in report.details)
    assert "tel: os links abrem no tvdesk." in report.details


def test_integration_for_platform_builds_the_xdg_one(tmp_path, environ):
    integration = integration_for_platform("linux", command=COMMAND, environ=environ,
                                           home=tmp_path / "home")
    assert isinstance(integration, LinuxIntegration)
    assert integration.desktop_file == tmp_path / "data" / "applications" / DESKTOP_FILE_NAME
    assert isinstance(integration_for_platform("freebsd14", command=COMMAND, environ=environ,
                                               home=tmp_path), LinuxIntegration)


# --- the launcher command ---------------------------------------------------------------------

def test_launcher_command_when_frozen(tmp_path):
    assert launcher_command(platform="linux", executable=str(tmp_path / "tvdesk"),
                            frozen=True) == [str(tmp_path / "tvdesk")]


def test_launcher_command_prefers_the_script_next_to_python(tmp_path):
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    assert launcher_command(platform="linux", executable=str(python), frozen=False) == \
        [str(python), "-m", "tvdesk"]
    script = tmp_path / "bin" / "tvdesk"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert launcher_command(platform="linux", executable=str(python), frozen=False) == \
        [str(script)]


def test_launcher_command_on_windows(tmp_path):
    python = tmp_path / "python.exe"
    assert launcher_command(platform="win32", executable=str(python), frozen=False) == \
        [str(python), "-m", "tvdesk"]
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert launcher_command(platform="win32", executable=str(python), frozen=False) == \
        [str(tmp_path / "pythonw.exe"), "-m", "tvdesk"]
    (tmp_path / "Scripts").mkdir()
    (tmp_path / "Scripts" / "tvdesk.exe").write_bytes(b"")
    assert launcher_command(platform="win32", executable=str(python), frozen=False) == \
        [str(tmp_path / "Scripts" / "tvdesk.exe")]
