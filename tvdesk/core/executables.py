"""Which program starts the desktop app, wherever the current one was started from.

On Windows the bundle holds two programs built by one spec: `tvdesk.exe` (no console:
the desktop app, links, autostart) and `tvdesk-cli.exe` (a console, so that `tvdesk-cli
url …` prints). Whatever the console twin starts or registers must be the windowed one,
or a link click and the phone process would each open a console window.
"""

from __future__ import annotations

import sys
from pathlib import PureWindowsPath

CONSOLE_TWIN = "tvdesk-cli"


def gui_executable(executable: str | None = None) -> str:
    """The frozen app's windowed program: `executable` itself, or its windowed twin."""
    text = sys.executable if executable is None else executable
    name = PureWindowsPath(text).name   # splits on / and \ alike
    stem, dot, suffix = name.partition(".")
    if stem.lower() == CONSOLE_TWIN:
        return text[:len(text) - len(name)] + "tvdesk" + dot + suffix
    return text
