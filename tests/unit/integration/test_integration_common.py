"""Shared integration helpers: Qt-free, atomic writes, helper programs that fail or hang."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

from tvdesk.integration.common import IntegrationReport, run_tool, write_text_atomic


def _script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_importing_the_integration_loads_no_qt():
    code = ("import sys\n"
            "import tvdesk.integration, tvdesk.integration.linux, tvdesk.integration.windows\n"
            "import tvdesk.integration.macos\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'winreg'))\n"
            "print(bad)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_the_report_defaults():
    assert IntegrationReport() == IntegrationReport(handled={}, details=[], ok=True)


def test_write_text_atomic_keeps_permissions_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "file.list"
    write_text_atomic(target, "one\n")
    assert target.read_text() == "one\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o600)
    write_text_atomic(target, "two\r\n")
    assert target.read_bytes() == b"two\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["file.list"]


def test_a_tool_output_and_failure(tmp_path):
    ok = run_tool([_script(tmp_path, "ok", "echo fine\n")], env={"PATH": "/usr/bin:/bin"})
    assert ok.ok and ok.stdout == "fine\n" and ok.problem == ""
    bad = run_tool([_script(tmp_path, "bad", "echo oops >&2\nexit 2\n")], env={"PATH": "/usr/bin:/bin"})
    assert not bad.ok
    assert bad.problem == "bad failed (exit status 2). oops"


def test_a_missing_tool(tmp_path):
    result = run_tool([str(tmp_path / "nope")], env={})
    assert not result.ok
    assert result.problem.startswith("Could not run nope:")


def test_a_hanging_tool_and_its_children_are_stopped(tmp_path):
    # A shell whose child keeps the output pipe open: the whole group must go.
    hanging = _script(tmp_path, "hang", "sleep 30 &\nsleep 30\n")
    started = time.monotonic()
    result = run_tool([hanging], env={"PATH": "/usr/bin:/bin"}, timeout=0.5)
    assert time.monotonic() - started < 10
    assert not result.ok
    assert result.problem == "hang did not finish within 0.5 seconds."
