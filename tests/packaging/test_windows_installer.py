"""The Inno Setup script: per-user, and the same registry entries as `tvdesk integrate`."""

import importlib.util
import re
from pathlib import Path

import tvdesk
from tvdesk.integration.autostart import RUN_KEY, RUN_VALUE_NAME, windows_run_value
from tvdesk.integration.windows import windows_registry_entries

REPO = Path(__file__).resolve().parents[2]
ISS = REPO / "packaging" / "windows" / "tvdesk.iss"
APP = r"C:\Users\Ana Souza\AppData\Local\Programs\tvdesk"


def _generator():
    path = REPO / "packaging" / "windows" / "make_registry_section.py"
    spec = importlib.util.spec_from_file_location("make_registry_section", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _iss() -> str:
    return ISS.read_text(encoding="utf-8")


def test_the_registry_section_is_the_generated_one():
    generator = _generator()
    text = _iss()
    assert generator.replace_section(text, generator.registry_section()) == text
    assert generator.main(["--check"]) == 0


def _unquote(value: str) -> str:
    assert value.startswith('"') and value.endswith('"'), value
    value = value[1:-1].replace('""', '"')
    assert "{{" not in value  # none of the values has a literal brace
    return value.replace("{app}", APP)


def _parsed_entries() -> list[dict[str, str]]:
    section = re.split(r"^\[Registry\]$", _iss(), maxsplit=1, flags=re.MULTILINE)[1]
    section = section.split("\n[", 1)[0]
    entries = []
    for line in section.splitlines():
        if not line.startswith("Root:"):
            continue
        fields = dict(part.split(": ", 1) for part in line.split("; "))
        entries.append(fields)
    return entries


def test_the_installer_writes_what_tvdesk_integrate_writes():
    written = {(_unquote(e["Subkey"]), _unquote(e["ValueName"]), _unquote(e["ValueData"]))
               for e in _parsed_entries() if e["ValueType"] == "string" and e.get("Tasks") == "links"}
    expected = {(v.key, v.name, v.value) for v in windows_registry_entries([APP + r"\tvdesk.exe"])}
    assert written == expected
    assert any(value == f'"{APP}\\tvdesk.exe" "%1"' for _key, _name, value in written)


def test_open_at_login_matches_the_apps_setting_and_is_removed_at_uninstall():
    run = [e for e in _parsed_entries() if _unquote(e["Subkey"]) == RUN_KEY]
    assert all(_unquote(e["ValueName"]) == RUN_VALUE_NAME for e in run)
    assert all("uninsdeletevalue" in e["Flags"] for e in run)
    (written,) = [e for e in run if e["ValueType"] == "string"]
    assert written["Tasks"] == "autostart"
    assert _unquote(written["ValueData"]) == windows_run_value([APP + r"\tvdesk.exe"])
    assert any("Tasks" not in e for e in run)  # removed even when the app's setting wrote it


def test_per_user_install_of_the_one_folder_build():
    text = _iss()
    assert re.search(r"^PrivilegesRequired=lowest$", text, re.MULTILINE)
    assert re.search(r"^DefaultDirName=\{localappdata\}\\Programs\\\{#AppName\}$", text, re.MULTILINE)
    assert '#define AppName "tvdesk"' in text
    assert f'#define AppVersion "{tvdesk.__version__}"' in text
    assert 'Source: "dist\\tvdesk\\*"' in text and "recursesubdirs" in text
    assert "{userprograms}" in text and "{userdesktop}" in text
    for task in ("desktopicon", "links", "autostart"):
        assert re.search(rf'^Name: "{task}"', text, re.MULTILINE)
    assert 'Parameters: "integrate remove"' in text.split("[UninstallRun]", 1)[1]
    settings = [line for line in text.splitlines() if not line.startswith(";")]
    assert not any("HKLM" in line or "{autopf}" in line or "{commonprograms}" in line
                   for line in settings)
