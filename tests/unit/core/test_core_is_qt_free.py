"""House rule 1: tvdesk/core never imports PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tvdesk.core

CORE_DIR = Path(tvdesk.core.__file__).parent
CORE_MODULES = sorted(f"tvdesk.core.{p.stem}" for p in CORE_DIR.glob("*.py")
                      if p.stem != "__init__")
QT_ROOTS = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def test_the_expected_modules_exist():
    for name in ("api", "errors", "settings", "token_store", "phone_numbers", "redact",
                 "logging_setup", "webphone_protocol", "account", "paths", "i18n",
                 "history", "atomic_file", "diagnostics", "formatting"):
        assert f"tvdesk.core.{name}" in CORE_MODULES


def test_importing_every_core_module_loads_no_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "import tvdesk.cli\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT_ROOTS!r})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "[]"


def _qt_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and getattr(node.func, "attr", getattr(node.func, "id", ""))
              in ("import_module", "__import__")):
            names = [str(node.args[0].value)]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in QT_ROOTS]
    return found


def test_no_core_source_file_imports_qt():
    offenders = {p.name: _qt_imports(p) for p in sorted(CORE_DIR.rglob("*.py"))}
    assert {name: names for name, names in offenders.items() if names} == {}
    assert "api.py" in offenders  # the scan did see the package


def test_the_scan_would_catch_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom PySide6.QtCore import QObject\nimport shiboken6\n"
                      "def late():\n    import PySide6.QtWidgets\n"
                      "importlib.import_module('PySide6.QtGui')\n", encoding="utf-8")
    assert _qt_imports(sample) == ["PySide6.QtCore", "shiboken6", "PySide6.QtWidgets",
                                   "PySide6.QtGui"]
