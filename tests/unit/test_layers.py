"""The package's layers, checked from the source: who may import whom.

core (no Qt) <- phone (the webphone subsystem) <- ui (widgets) <- desktop (controllers)
<- app.py (the composition root, the only module that builds the desktop).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tvdesk

PACKAGE = Path(tvdesk.__file__).parent

# package -> packages of tvdesk it must never import
FORBIDDEN = {
    "core": ("tvdesk.phone", "tvdesk.ui", "tvdesk.desktop", "tvdesk.app", "tvdesk.cli"),
    "phone": ("tvdesk.ui", "tvdesk.desktop", "tvdesk.app"),
    "ui": ("tvdesk.desktop", "tvdesk.app"),
    "desktop": ("tvdesk.app",),
    "sandbox": ("tvdesk.phone", "tvdesk.ui", "tvdesk.desktop", "tvdesk.app"),
    "integration": ("tvdesk.phone", "tvdesk.ui", "tvdesk.desktop", "tvdesk.app"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_layers_above_it(package):
    offences = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for module in imported_modules(path):
            if module.startswith(FORBIDDEN[package]):
                offences.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert offences == []


def test_only_the_composition_root_builds_the_desktop():
    importers = sorted(
        str(path.relative_to(PACKAGE.parent)) for path in PACKAGE.rglob("*.py")
        if "desktop" not in path.relative_to(PACKAGE).parts[:1]
        and any(m.startswith("tvdesk.desktop") for m in imported_modules(path)))
    assert importers == ["tvdesk/app.py"]
