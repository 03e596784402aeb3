"""The PyInstaller spec and build script: they parse and name what the app loads by name.

The build itself (several minutes) is not run here: `python packaging/build.py` does,
with its own self-test.
"""

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "tvdesk.spec"
BUILD = PACKAGING / "build.py"
HOOKS = PACKAGING / "pyinstaller_hooks"


def _strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.mark.parametrize("path", [SPEC, BUILD, *sorted(HOOKS.glob("*.py"))], ids=lambda p: p.name)
def test_it_is_python(path):
    compile(path.read_text(encoding="utf-8"), str(path), "exec")


@pytest.mark.parametrize("module", [
    # keyring's backends (found by entry point or by name, never imported directly)
    "keyring.backends.SecretService", "keyring.backends.Windows", "keyring.backends.macOS",
    "keyring.backends.kwallet", "keyring.backends.libsecret", "keyring.backends.chainer",
    "keyring.backends.fail", "keyring.backends.null", "secretstorage", "jeepney",
    "win32ctypes.core",
    # pynput's backends, imported by name for the platform
    "pynput.keyboard._xorg", "pynput.mouse._xorg", "pynput.keyboard._win32",
    "pynput.mouse._win32", "pynput.keyboard._darwin", "pynput.mouse._darwin",
    # phonenumbers' metadata, loaded region by region
    "phonenumbers.data", "phonenumbers.shortdata",
])
def test_the_spec_names_the_hidden_imports(module):
    assert module in _strings(SPEC)


def test_the_spec_collects_the_data_files_and_builds_one_folder():
    strings = _strings(SPEC)
    for target in ("tvdesk/sandbox/static", "tvdesk/resources/icons", "tvdesk/resources/linux",
                   "tvdesk/locale"):
        assert target in strings
    text = SPEC.read_text(encoding="utf-8")
    assert "COLLECT(" in text and "exclude_binaries=True" in text  # one folder, not one file
    assert '"macos" / "Info.plist"' in text and "BUNDLE(" in text


def test_the_named_modules_exist_in_the_installed_packages():
    """Guards against a renamed backend (files only: importing pynput needs a display)."""
    missing = []
    for module in ("keyring.backends.SecretService", "keyring.backends.Windows",
                   "keyring.backends.macOS", "pynput.keyboard._xorg", "pynput.mouse._xorg",
                   "pynput.keyboard._win32", "pynput.mouse._win32", "pynput.keyboard._darwin",
                   "pynput.mouse._darwin", "phonenumbers.data", "phonenumbers.shortdata"):
        top, *rest = module.split(".")
        spec = importlib.util.find_spec(top)
        base = Path(spec.origin).parent.joinpath(*rest)
        if not (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()):
            missing.append(module)
    assert missing == []


def test_tvdesk_does_not_use_the_phonenumbers_data_the_spec_leaves_out():
    excluded = {"geocoder", "carrier", "timezone", "geodata", "carrierdata", "tzdata"}
    uses = []
    for path in (REPO / "tvdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("phonenumbers"):
                names = set(node.module.split(".")) | {alias.name for alias in node.names}
            elif isinstance(node, ast.Import):
                names = {part for alias in node.names if alias.name.startswith("phonenumbers")
                         for part in alias.name.split(".")}
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id == "phonenumbers":
                names = {node.attr}
            else:
                continue
            if names & excluded:
                uses.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert uses == []


def test_build_py_help():
    result = subprocess.run([sys.executable, str(BUILD), "--help"], capture_output=True,
                            text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "dist/tvdesk/" in result.stdout
    assert "--self-test" in result.stdout and "--no-self-test" in result.stdout


def test_build_py_pins_pyinstaller():
    assert re.search(r'^PYINSTALLER_PIN = "\d+\.\d+(\.\d+)?"', BUILD.read_text(), re.MULTILINE)


def _build_module():
    spec = importlib.util.spec_from_file_location("tvdesk_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runpaths(path: Path) -> list[str]:
    dynamic = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                             check=True).stdout
    return re.findall(r"^\s*(?:RUNPATH|RPATH)\s+(\S+)", dynamic, re.MULTILINE)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files: Linux only")
def test_build_py_removes_the_build_machines_runpath_and_the_module_still_loads(tmp_path):
    """A pyenv Python writes its lib/ as RUNPATH into each extension module; build.py
    deletes that entry (lintian: custom-library-search-path) and keeps $ORIGIN ones."""
    import _json

    if not shutil.which("objdump"):
        pytest.skip("objdump is not installed (binutils)")
    source = Path(_json.__file__)
    if not _runpaths(source):
        pytest.skip(f"{source} has no RUNPATH to remove (this Python was not built so)")
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    build = _build_module()
    assert build.drop_build_machine_runpaths(tmp_path) == [copy]
    assert _runpaths(copy) == []
    assert build.drop_build_machine_runpaths(tmp_path) == []  # nothing left to do
    # the edited module still loads
    code = ("import importlib.machinery, importlib.util, sys\n"
            "loader = importlib.machinery.ExtensionFileLoader('_json', sys.argv[1])\n"
            "spec = importlib.util.spec_from_loader('_json', loader)\n"
            "module = importlib.util.module_from_spec(spec)\n"
            "loader.exec_module(module)\n"
            "print(module.scanstring('\"ok\"', 1)[0])\n")
    result = subprocess.run([sys.executable, "-c", code, str(copy)], capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr

    # $ORIGIN entries stay (PySide6's libraries find each other through them).
    pyside = Path(importlib.util.find_spec("PySide6").origin).parent
    origin = next((p for p in sorted(pyside.glob("Qt*.abi3.so"))
                   if any("$ORIGIN" in r for r in _runpaths(p))), None)
    if origin:
        kept = tmp_path / "origin" / origin.name
        kept.parent.mkdir()
        shutil.copyfile(origin, kept)
        assert build.drop_build_machine_runpaths(kept.parent) == []
        assert _runpaths(kept) == _runpaths(origin)
