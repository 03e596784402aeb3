"""The files tvdesk ships as package data, found through importlib.resources.

`icons/` is a copy of the repository's `resources/icons/` (the source), `linux/` of
`packaging/linux/` (the desktop file and the AppStream metainfo);
tests/packaging/test_wheel.py keeps the copies equal to their sources. Being package data,
they travel in the wheel (`[tool.setuptools.package-data]`), in an editable install and in
the PyInstaller bundle (`sys._MEIPASS/tvdesk/resources`, see packaging/tvdesk.spec).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

ICON_NAMES = ("tvdesk.svg", "tvdesk-demo.svg", "tvdesk-connected.svg", "tvdesk-connecting.svg",
              "tvdesk-disconnected.svg", "tvdesk-dnd.svg", "tvdesk-error.svg",
              "tvdesk-in-call.svg")
LINUX_NAMES = ("tvdesk.desktop", "br.com.tvdesk.metainfo.xml")


@cache
def resources_root() -> Path:
    """A real directory holding icons/ and linux/ (Qt and copies need file paths)."""
    here = Path(__file__).parent
    if (here / "icons").is_dir():
        return here   # plain files (wheel, editable, bundle): importlib.resources costs ~5 ms
    from importlib import resources

    root = resources.files(__name__)
    if isinstance(root, Path):
        return root
    # Not on a file system (a zip import): copied out once, for the life of the process
    # (as_file() takes a directory only from Python 3.12 on).
    folder = Path(tempfile.mkdtemp(prefix="tvdesk-resources-"))
    atexit.register(shutil.rmtree, folder, True)
    for sub in (item for item in root.iterdir() if item.is_dir()):
        (folder / sub.name).mkdir()
        for item in sub.iterdir():
            if item.is_file():
                (folder / sub.name / item.name).write_bytes(item.read_bytes())
    return folder


def icon_path(name: str) -> Path:
    """resources/icons/<name>; it may not exist (the caller draws a fallback then)."""
    return resources_root() / "icons" / name


def linux_file(name: str) -> Path:
    """packaging/linux/<name> as shipped: the desktop file or the metainfo."""
    return resources_root() / "linux" / name
