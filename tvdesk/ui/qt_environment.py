"""Environment Qt WebEngine needs, set before any Qt module is imported.

- As root, Chromium refuses to start with its sandbox on: turn it off, and say so.
- On a machine without any audio capture device (servers, CI, containers), Chromium's
  fake capture device lets the webphone connect instead of failing on getUserMedia.
  `TVDESK_FAKE_MICROPHONE=1|0` forces it on or off.
- A phone must ring at once after hours in the tray: Chromium's throttling of hidden and
  background pages (timers once a second, then once a minute; lower priority for their
  renderer) is turned off.

Flags the person already set in QTWEBENGINE_CHROMIUM_FLAGS stay; tvdesk's are appended,
never duplicated, and a feature the person names there is left as they set it.
"""

from __future__ import annotations

import glob
import logging
import os
import sys
from collections.abc import Mapping

log = logging.getLogger("tvdesk.qt")

FAKE_MEDIA_FLAG = "--use-fake-device-for-media-stream"
NO_THROTTLING_FLAGS = (
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)
NO_THROTTLING_FEATURES = ("IntensiveWakeUpThrottling",)


def has_audio_capture_device(environ: Mapping[str, str] | None = None) -> bool:
    """A sound card, or a sound server Chromium captures from (PulseAudio, or PipeWire's
    PulseAudio socket): Chromium itself never looks at /dev/snd."""
    if not sys.platform.startswith("linux"):
        return True  # other systems report devices through their own APIs; trust them
    env = os.environ if environ is None else environ
    runtime = env.get("PULSE_RUNTIME_PATH") or (
        os.path.join(env["XDG_RUNTIME_DIR"], "pulse") if env.get("XDG_RUNTIME_DIR") else "")
    return bool(glob.glob("/dev/snd/pcmC*D*c")) or bool(env.get("PULSE_SERVER")) \
        or bool(runtime and os.path.exists(os.path.join(runtime, "native")))


def prepare_qt_environment(environ: dict[str, str] | None = None,
                           quiet: bool = False) -> list[str]:
    """Adjust `environ` (default os.environ); return human-readable notes for the log.

    `quiet` keeps Chromium's own console chatter (D-Bus, GPU probing) out of a
    terminal; `--debug` leaves it on.
    """
    env = os.environ if environ is None else environ
    notes: list[str] = []
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if quiet and "--log-level" not in flags:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --log-level=3").strip()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not env.get("QTWEBENGINE_DISABLE_SANDBOX"):
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        notes.append("running as root: Chromium's sandbox is disabled (QTWEBENGINE_DISABLE_SANDBOX=1)")
    forced = env.get("TVDESK_FAKE_MICROPHONE", "").strip()
    use_fake = forced == "1" or (forced != "0" and not has_audio_capture_device(env))
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if use_fake and FAKE_MEDIA_FLAG not in flags:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " " + FAKE_MEDIA_FLAG).strip()
        notes.append("no audio capture device found: using Chromium's simulated microphone")
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = without_throttling(env.get("QTWEBENGINE_CHROMIUM_FLAGS", ""))
    return notes


def without_throttling(flags: str) -> str:
    """`flags` plus the switches that keep background pages awake, each added once."""
    words = flags.split()
    for flag in NO_THROTTLING_FLAGS:
        if not any(word == flag or word.startswith(flag + "=") for word in words):
            words.append(flag)
    # Chromium reads one --disable-features (the last): add to the person's list if any.
    wanted = [name for name in NO_THROTTLING_FEATURES if name not in flags]
    if wanted:
        for index in range(len(words) - 1, -1, -1):
            if words[index].startswith("--disable-features="):
                listed = words[index].split("=", 1)[1]
                words[index] = "--disable-features=" + ",".join(filter(None, [listed, *wanted]))
                break
        else:
            words.append("--disable-features=" + ",".join(wanted))
    return " ".join(words)


XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
                "libxcb-render-util0 libxkbcommon-x11-0")


def choose_display(environ: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """(note, problem) about where the windows go, decided before Qt starts.

    Qt itself aborts with a terse message when there is no display or when the X11
    plugin's system libraries are missing; say it in words people can act on instead.
    Without any display tvdesk runs headless (offscreen): `tvdesk dial` still works.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None, None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
        return "no display found: running headless (offscreen)", None
    if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return None, None
    missing = _missing_xcb_library()
    if missing:
        return None, missing
    return None, None


def _missing_xcb_library() -> str | None:
    import ctypes

    try:
        import PySide6
    except ImportError:
        return None
    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms",
                          "libqxcb.so")
    if not os.path.exists(plugin):
        return None
    try:
        ctypes.CDLL(plugin)
    except OSError as error:
        return str(error).split(":")[0]
    return None
