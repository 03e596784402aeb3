"""The wheel is complete: icons, desktop file and metainfo travel as package data.

The wheel is built from a copy of the sources (no stale build/ can fill a gap), installed
non-editable with --no-deps into a fresh venv that sees the test venv's packages through a
.pth line (so nothing is downloaded, and the editable install's finder is not loaded), and
run from a temporary folder, where the checkout is not importable.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from tvdesk.resources import ICON_NAMES, LINUX_NAMES

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DATA = REPO / "tvdesk" / "resources"
SOURCES = {"icons": REPO / "resources" / "icons", "linux": REPO / "packaging" / "linux"}


def test_the_package_data_equals_its_sources():
    """tvdesk/resources is a committed copy; resources/ and packaging/linux stay the source.

    To refresh it: cp resources/icons/*.svg tvdesk/resources/icons/ &&
    cp packaging/linux/tvdesk.desktop packaging/linux/*.metainfo.xml tvdesk/resources/linux/
    """
    for folder, names in (("icons", ICON_NAMES), ("linux", LINUX_NAMES)):
        source, copy = SOURCES[folder], PACKAGE_DATA / folder
        if folder == "icons":
            assert sorted(p.name for p in source.glob("*.svg")) == sorted(names)
        assert sorted(p.name for p in copy.iterdir()) == sorted(names)
        for name in names:
            assert (copy / name).read_bytes() == (source / name).read_bytes(), \
                f"tvdesk/resources/{folder}/{name} differs from {source / name}: copy it again"


def _can_build_wheels() -> bool:
    if importlib.util.find_spec("wheel") is not None:
        return True
    import setuptools
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)   # bdist_wheel moved into setuptools


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not _can_build_wheels():
        pytest.skip("the build requirements are missing from the test venv: pip install wheel")
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "tvdesk", source / "tvdesk",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(dist), str(source)],
                   check=True, cwd=tmp, timeout=120)
    (wheel,) = dist.glob("tvdesk-*.whl")

    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                   "print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    # The test venv's packages, appended after the new venv's own (a plain path line: its
    # .pth files, the editable finder among them, are not processed).
    (purelib / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True, cwd=tmp, timeout=120)
    home = tmp / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_STATE_HOME=str(home / "state"), XDG_RUNTIME_DIR=str(tmp / "run"),
               QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    env.pop("XDG_CURRENT_DESKTOP", None)
    (tmp / "run").mkdir(mode=0o700)
    return {"wheel": wheel, "venv": venv, "python": python, "purelib": purelib, "env": env,
            "home": home, "cwd": tmp}


def test_the_wheel_holds_the_icons_the_desktop_file_and_the_metainfo(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    expected = {f"tvdesk/resources/icons/{name}" for name in ICON_NAMES} | \
        {f"tvdesk/resources/linux/{name}" for name in LINUX_NAMES}
    assert expected <= names, sorted(expected - names)


def _run(installed, args, **kwargs):
    return subprocess.run(args, cwd=installed["cwd"], env=installed["env"], capture_output=True,
                          text=True, timeout=60, **kwargs)


def test_the_installed_wheel_shows_the_real_icons(installed):
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        import tvdesk
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from tvdesk.ui.icons import app_icon, resources_dir, status_icon
        from tvdesk.resources import ICON_NAMES, linux_file, LINUX_NAMES
        print(Path(tvdesk.__file__).resolve())
        print(resources_dir().resolve())
        icons = resources_dir() / "icons"
        assert all((icons / name).is_file() for name in ICON_NAMES)
        assert all(linux_file(name).is_file() for name in LINUX_NAMES)
        def same(icon, path):
            svg = QIcon(str(path))
            assert not svg.isNull(), path
            return icon.pixmap(64, 64).toImage() == svg.pixmap(64, 64).toImage()
        from PySide6.QtGui import QIcon
        assert same(app_icon(False), icons / "tvdesk.svg"), "drawn fallback, not tvdesk.svg"
        assert same(app_icon(True), icons / "tvdesk-demo.svg")
        assert same(status_icon(False, "in_call"), icons / "tvdesk-in-call.svg")
        print("ok")
    """)
    result = _run(installed, [str(installed["python"]), "-c", script])
    assert result.returncode == 0, result.stdout + result.stderr
    module, resources, ok = result.stdout.split()[-3:]
    assert ok == "ok"
    purelib = installed["purelib"].resolve()
    assert Path(module).is_relative_to(purelib), f"{module}: not the installed wheel"
    assert Path(resources).is_relative_to(purelib)
    assert not Path(module).is_relative_to(REPO)


def test_integrate_from_the_installed_wheel_points_at_real_files(installed):
    tvdesk_script = installed["venv"] / "bin" / "tvdesk"
    assert tvdesk_script.is_file()
    install = _run(installed, [str(tvdesk_script), "integrate", "install"])
    assert install.returncode == 0, install.stdout + install.stderr
    status = _run(installed, [str(tvdesk_script), "integrate", "status"])
    assert status.returncode == 0, status.stdout + status.stderr

    data = installed["home"] / "data"
    desktop_file = data / "applications" / "tvdesk.desktop"
    assert str(desktop_file) in status.stdout
    entry = dict(line.split("=", 1) for line in desktop_file.read_text().splitlines()
                 if "=" in line)
    exec_args = shlex.split(entry["Exec"])
    assert exec_args[-1] == "%u"
    launcher = Path(exec_args[0])
    assert launcher == tvdesk_script and os.access(launcher, os.X_OK)
    assert launcher.read_text().startswith(f"#!{installed['python']}")
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / f"{entry['Icon']}.svg"
    assert icon.read_bytes() == (REPO / "resources" / "icons" / "tvdesk.svg").read_bytes()
    # The launcher in the desktop file starts the installed copy.
    version = _run(installed, [*exec_args[:-1], "--version"])
    assert version.returncode == 0, version.stdout + version.stderr
