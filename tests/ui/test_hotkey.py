"""The optional global hotkey: where it can work, its key notation, and a real press on X11."""

import os
import shutil
import subprocess
import time

import pytest

from tvdesk.ui.hotkey import GlobalHotkey, hotkey_support, to_pynput


def test_wayland_says_why_and_what_to_do_instead():
    support = hotkey_support({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
                             platform="linux")
    assert not support.available
    assert "Wayland" in support.reason and "tvdesk dial --clipboard" in support.reason


def test_without_a_graphical_session_it_is_unavailable():
    support = hotkey_support({}, platform="linux")
    assert not support.available and "X11" in support.reason


@pytest.mark.parametrize(("qt", "pynput"), [
    ("Ctrl+Alt+D", "<ctrl>+<alt>+d"),
    ("Ctrl+Shift+F9", "<ctrl>+<shift>+<f9>"),
    ("Meta+K", "<cmd>+k"),
])
def test_qt_key_sequences_become_pynput_combinations(qt, pynput):
    assert to_pynput(qt) == pynput


@pytest.mark.parametrize("bad", ["D", "", "Hyper+D"])
def test_a_hotkey_needs_a_known_modifier_and_a_key(bad):
    with pytest.raises(ValueError):
        to_pynput(bad)


def test_starting_where_unsupported_returns_the_reason(qapp, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    hotkey = GlobalHotkey()
    assert "X11" in hotkey.start("Ctrl+Alt+D")


@pytest.fixture
def xvfb_display():
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb and xdotool (Debian packages xvfb, xdotool)")
    display = ":87"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    yield display
    time.sleep(0.5)   # let X clients (pynput's listener) finish before the server goes
    server.terminate()
    server.wait(10)


def test_a_real_key_press_on_x11_triggers_the_hotkey(qapp, qtbot, xvfb_display, monkeypatch):
    monkeypatch.setenv("DISPLAY", xvfb_display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")   # only read by hotkey_support here
    hotkey = GlobalHotkey()
    assert hotkey.start("Ctrl+Alt+D") is None
    try:
        time.sleep(0.5)   # the listener thread connects to the X server
        with qtbot.waitSignal(hotkey.triggered, timeout=5000):
            subprocess.run(["xdotool", "key", "ctrl+alt+d"], check=True,
                           env=dict(os.environ, DISPLAY=xvfb_display), timeout=10)
    finally:
        listener = hotkey._listener
        hotkey.stop()
        # pynput's X11 listener notices it was stopped at the next X event; give it one.
        subprocess.run(["xdotool", "key", "shift"], env=dict(os.environ, DISPLAY=xvfb_display),
                       timeout=10)
        listener.join(5)
    assert not listener.is_alive()
