"""A real, private X session for scenario tests: Xvfb, a window manager, a tray host.

`XSession.start()` brings up Xvfb on a display number it picks itself (Xvfb's
-displayfd, so two test runs never fight over ":99"), then openbox and trayer, and
waits until each one is visibly there. `stop()` tears them down in reverse order.
`xdotool()` and friends run X tools against that display.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REQUIRED_PROGRAMS = {
    "Xvfb": "xvfb",
    "xdpyinfo": "x11-utils",
    "xprop": "x11-utils",
    "openbox": "openbox",
    "trayer": "trayer",
    "xdotool": "xdotool",
}


class XSessionError(RuntimeError):
    pass


# Programs only some scenarios use (each asks for them itself).
OPTIONAL_PROGRAMS = {
    "xclip": "xclip",   # sets the X clipboard, as a person copying a number does
}


def missing_programs(*optional: str) -> list[str]:
    """'program (Debian package)' for every program the session needs (and every one of
    the `optional` ones asked for) that cannot be found."""
    wanted = dict(REQUIRED_PROGRAMS, **{name: OPTIONAL_PROGRAMS[name] for name in optional})
    return [f"{program} (Debian package {package})"
            for program, package in wanted.items() if shutil.which(program) is None]


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.1):
    """Poll `predicate` until it returns something truthy; return it, or None at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


class XSession:
    def __init__(self, width: int = 1366, height: int = 768, log_dir: Path | None = None) -> None:
        self.size = (width, height)
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="tvdesk-xsession-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.display = ""
        self._processes: list[tuple[str, subprocess.Popen]] = []
        self._logs: list = []

    # --- environment and tools ----------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """os.environ pointed at this display, with Qt on xcb (not offscreen)."""
        env = dict(os.environ, DISPLAY=self.display)
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("WAYLAND_DISPLAY", None)
        env["XDG_SESSION_TYPE"] = "x11"
        return env

    def run(self, *args: str, timeout: float = 15, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=check)

    def xdotool(self, *args: str, timeout: float = 15, check: bool = True) -> str:
        result = self.run("xdotool", *args, timeout=timeout)
        if check and result.returncode != 0:
            raise XSessionError(f"xdotool {' '.join(args)} failed ({result.returncode}): "
                                f"{result.stderr.strip()}")
        return result.stdout

    def search(self, name: str, *, only_visible: bool = True) -> list[str]:
        """Window ids whose title matches the regular expression `name`."""
        args = ["search"] + (["--onlyvisible"] if only_visible else []) + ["--name", name]
        return self._search(args)

    def _search(self, args: list[str], attempts: int = 5) -> list[str]:
        """`xdotool search ...`: exit 1 without a word means nothing matched. A window that
        goes away while xdotool looks at it is an X error (BadWindow) that ends xdotool
        with nothing on stdout: that is not "no such window", so look again."""
        for _attempt in range(attempts):
            result = self.run("xdotool", *args)
            if result.returncode == 0:
                return result.stdout.split()
            if not result.stderr.strip():
                return []
        raise XSessionError(f"xdotool {' '.join(args)} kept failing: {result.stderr.strip()}")

    def window_name(self, window: str) -> str | None:
        result = self.run("xdotool", "getwindowname", window)
        return result.stdout.rstrip("\n") if result.returncode == 0 else None

    def window_names(self, name: str) -> list[str]:
        return [title for title in (self.window_name(w) for w in self.search(name)) if title]

    def window_geometry(self, window: str) -> tuple[int, int, int, int]:
        """(x, y, width, height) of a window, as xdotool sees it."""
        values = {}
        for line in self.xdotool("getwindowgeometry", "--shell", window).splitlines():
            key, _, value = line.partition("=")
            values[key] = int(value)
        return values["X"], values["Y"], values["WIDTH"], values["HEIGHT"]

    def window_type(self, window: str) -> str:
        """The EWMH window type, lower case without its prefix: "normal", "dialog",
        "popup_menu"... ("" when the window has none or is gone)."""
        result = self.run("xprop", "-id", window, "_NET_WM_WINDOW_TYPE")
        if result.returncode != 0 or "_NET_WM_WINDOW_TYPE_" not in result.stdout:
            return ""
        first = result.stdout.split("=", 1)[-1].split(",")[0].strip()
        return first.removeprefix("_NET_WM_WINDOW_TYPE_").lower()

    def windows_of_class(self, window_class: str) -> list[str]:
        """Visible windows whose WM_CLASS is exactly `window_class`."""
        return self._search(["search", "--onlyvisible", "--class", f"^{window_class}$"])

    def tray_icons(self, window_class: str) -> list[str]:
        """The icons of `window_class` docked in the tray: its visible windows that lie
        inside trayer's panel (the tray icon's own title is not dependable: Qt may leave
        WM_NAME empty)."""
        panels = [w for w in self.windows_of_class("trayer") if self.window_name(w) == "panel"]
        if not panels:
            return []
        px, py, pw, ph = self.window_geometry(panels[0])
        icons = []
        for window in self.windows_of_class(window_class):
            try:
                x, y, w, h = self.window_geometry(window)
            except XSessionError:
                continue   # gone meanwhile
            if px <= x and py <= y and x + w <= px + pw and y + h <= py + ph:
                icons.append(window)
        return icons

    def set_clipboard(self, text: str) -> None:
        """Put `text` on the CLIPBOARD selection (xclip keeps serving it in the background
        until another client takes the selection or the X server goes away)."""
        subprocess.run(["xclip", "-selection", "clipboard", "-i"], input=text.encode(),
                       env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=15, check=True)
        if not wait_until(lambda: self.clipboard() == text, 10):
            raise XSessionError(f"the clipboard does not hold {text!r}: {self.clipboard()!r}")

    def clipboard(self) -> str:
        result = self.run("xclip", "-selection", "clipboard", "-o")
        return result.stdout if result.returncode == 0 else ""

    def active_window(self) -> str | None:
        result = self.run("xdotool", "getactivewindow")
        return (result.stdout.strip() or None) if result.returncode == 0 else None

    def screenshot(self, path: Path) -> Path | None:
        """A PNG of the whole screen, grabbed by a small Qt (xcb) client; None if that fails."""
        script = ("import sys\n"
                  "from PySide6.QtGui import QGuiApplication\n"
                  "app = QGuiApplication(sys.argv[:1])\n"
                  "ok = app.primaryScreen().grabWindow(0).save(sys.argv[1], 'PNG')\n"
                  "sys.exit(0 if ok else 1)\n")
        env = dict(self.env, QT_QPA_PLATFORM="xcb")
        result = subprocess.run([sys.executable, "-c", script, str(path)], env=env,
                                capture_output=True, timeout=30)
        return path if result.returncode == 0 else None

    # --- life cycle -------------------------------------------------------------------

    def start(self) -> XSession:
        try:
            self._start_xvfb()
            self._start_openbox()
            self._start_trayer()
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, name: str, args: list[str], **kwargs) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        self._logs.append(log)
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   start_new_session=True, **kwargs)
        self._processes.append((name, process))
        return process

    def _log_tail(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def _start_xvfb(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            xvfb = self._spawn("Xvfb", [
                "Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                f"{self.size[0]}x{self.size[1]}x24", "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_fd,))
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()   # Xvfb writes it once it listens
        if not number.isdigit():
            raise XSessionError(f"Xvfb did not report a display (exit {xvfb.poll()}):\n"
                                f"{self._log_tail('Xvfb')}")
        self.display = f":{number}"
        if not wait_until(lambda: self.run("xdpyinfo", "-display", self.display).returncode == 0,
                          timeout=20, interval=0.1):
            raise XSessionError(f"xdpyinfo cannot reach Xvfb on {self.display}:\n"
                                f"{self._log_tail('Xvfb')}")

    def _root_property(self, name: str) -> str:
        result = self.run("xprop", "-root", name)
        return result.stdout if result.returncode == 0 else ""

    def _start_openbox(self) -> None:
        openbox = self._spawn("openbox", ["openbox", "--sm-disable"], env=self.env)
        # An EWMH window manager announces itself with _NET_SUPPORTING_WM_CHECK on the root.
        if not wait_until(lambda: "window id" in self._root_property("_NET_SUPPORTING_WM_CHECK")
                          or openbox.poll() is not None, timeout=20):
            raise XSessionError(f"openbox did not come up:\n{self._log_tail('openbox')}")
        if openbox.poll() is not None:
            raise XSessionError(f"openbox exited ({openbox.returncode}):\n{self._log_tail('openbox')}")

    def _tray_owner(self) -> bool:
        # trayer maps its dock window (class "trayer", named "panel") once it has taken
        # the system-tray selection _NET_SYSTEM_TRAY_S0.
        result = self.run("xdotool", "search", "--onlyvisible", "--class", "^trayer$")
        return result.returncode == 0 and bool(result.stdout.split())

    def _start_trayer(self, attempts: int = 2) -> None:
        args = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                "--height", "24", "--SetDockType", "true", "--SetPartialStrut", "true"]
        for attempt in range(1, attempts + 1):
            trayer = self._spawn("trayer", args, env=self.env)
            if wait_until(lambda t=trayer: self._tray_owner() or t.poll() is not None, timeout=15) \
                    and trayer.poll() is None:
                return
            problem = (f"exited ({trayer.returncode})" if trayer.poll() is not None
                       else "showed no tray window in 15 s")
            self._end(trayer)
            self._processes.remove(("trayer", trayer))
            if attempt == attempts:
                windows = self.run("xdotool", "search", "--name", ".").stdout.split()
                raise XSessionError(f"trayer {problem} (attempt {attempt}); windows: "
                                    f"{[(w, self.window_name(w)) for w in windows]}\n"
                                    f"{self._log_tail('trayer')}")

    def alive(self) -> dict[str, bool]:
        return {name: process.poll() is None for name, process in self._processes}

    @staticmethod
    def _end(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def stop(self) -> None:
        for _name, process in reversed(self._processes):
            self._end(process)
        self._processes.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()
