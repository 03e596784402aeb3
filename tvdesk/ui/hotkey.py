"""An optional global hotkey that dials the number on the clipboard.

Built on `pynput`, imported only when the hotkey is switched on. Where the platform
cannot offer one, `hotkey_support()` says why in words, and the settings show it:
Wayland, for one, does not let applications grab keys globally.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from tvdesk.core.i18n import _

if TYPE_CHECKING:
    from pynput.keyboard import GlobalHotKeys

log = logging.getLogger("tvdesk.hotkey")

_PYNPUT_KEYS = {"ctrl": "<ctrl>", "control": "<ctrl>", "alt": "<alt>", "shift": "<shift>",
                "meta": "<cmd>", "super": "<cmd>", "win": "<cmd>", "cmd": "<cmd>"}


@dataclass(frozen=True)
class HotkeySupport:
    available: bool
    reason: str = ""


def hotkey_support(environ: dict[str, str] | None = None,
                   platform: str = sys.platform) -> HotkeySupport:
    env = os.environ if environ is None else environ
    if platform.startswith("linux"):
        if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" or \
                (env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")):
            return HotkeySupport(False, _(
                "Wayland does not let applications register global hotkeys. Bind a shortcut "
                "to 'tvdesk dial --clipboard' in your desktop's keyboard settings instead."))
        if not env.get("DISPLAY") or env.get("QT_QPA_PLATFORM") == "offscreen":
            return HotkeySupport(False, _("Global hotkeys need a graphical (X11) session."))
    try:
        import pynput  # noqa: F401 - only checking that it can be loaded here
    except Exception as error:  # noqa: BLE001 - pynput fails in many platform-specific ways
        log.info("pynput unavailable: %s", type(error).__name__)
        return HotkeySupport(False, _("Global hotkeys are not available on this system."))
    return HotkeySupport(True)


def to_pynput(sequence: str) -> str:
    """Qt's portable text ("Ctrl+Alt+D") in pynput's notation ("<ctrl>+<alt>+d")."""
    parts = [part.strip() for part in sequence.split("+") if part.strip()]
    if len(parts) < 2:
        raise ValueError("a global hotkey needs a modifier and a key")
    *modifiers, key = parts
    converted = []
    for modifier in modifiers:
        name = _PYNPUT_KEYS.get(modifier.lower())
        if name is None:
            raise ValueError(f"unknown modifier {modifier!r}")
        converted.append(name)
    key = key.lower()
    converted.append(key if len(key) == 1 else f"<{key}>")
    return "+".join(converted)


class GlobalHotkey(QObject):
    """Emits `triggered` on the GUI thread when the hotkey is pressed anywhere."""

    triggered = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener: GlobalHotKeys | None = None

    def start(self, sequence: str) -> str | None:
        """Register the hotkey; the reason in words when it cannot be."""
        self.stop()
        support = hotkey_support()
        if not support.available:
            return support.reason
        try:
            combination = to_pynput(sequence)
        except ValueError:
            return _("'{keys}' cannot be a global hotkey: use a modifier plus a key, "
                     "e.g. Ctrl+Alt+D.", keys=sequence)
        try:
            from pynput import keyboard

            # pynput calls back on its own thread; a queued signal brings it to the GUI.
            self._listener = keyboard.GlobalHotKeys({combination: self.triggered.emit})
            self._listener.start()
        except Exception as error:  # noqa: BLE001 - X errors and friends: say it, keep going
            log.warning("could not register the hotkey: %s", type(error).__name__)
            self._listener = None
            return _("The hotkey {keys} could not be registered.", keys=sequence)
        log.info("global hotkey %s registered", sequence)
        return None

    def stop(self) -> None:
        if self._listener is not None:
            # On X11 pynput's thread notices the stop at the next X event; it is a daemon
            # thread, so neither waiting here (it would freeze the GUI) nor at exit is needed.
            self._listener.stop()
            self._listener = None
