"""The package type-checks: mypy, as configured in pyproject.toml, finds nothing.

Strict for tvdesk.core and tvdesk.phone, normal elsewhere. A cold run, with a fresh
cache outside the checkout, takes a few seconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]   # where pyproject.toml configures mypy


def test_mypy_finds_no_errors(tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path_factory.mktemp("mypy-cache")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-pretty"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"mypy exited {result.returncode}:\n{output}"
