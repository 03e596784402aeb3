"""Shared helpers of the benchmark suite: processes, /proc readings, the X session with a
tray host, the sandbox, and a tvdesk process driven through its --debug log.

Standard library only in this process (plus tvdesk's own sandbox and API client), so the
benchmark measures the app, not its own imports.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def note(message: str) -> None:
    """Progress on stderr, so stdout holds only the table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Failed(Exception):
    """A measurement that could not be made; its row says why."""


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    metric: str
    value: str
    comparison: str = ""
    target: str = ""
    met: str = ""          # yes / no / "" (no target) / n/a
    notes: list[str] = field(default_factory=list)
    target_key: str = ""   # the row's figure is this key of `--json`'s `targets` (issue 12)
    figure: float | None = None   # that figure (a ratio or a % of a core)


def failed_row(metric: str, reason: str, target: str = "") -> Row:
    return Row(metric, f"failed: {reason}", "", target, "n/a")


def median(values: Iterable[float]) -> float:
    values = list(values)
    if not values:
        raise Failed("no samples")
    return statistics.median(values)


def fmt_s(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def fmt_mb(kb: float) -> str:
    return f"{kb / 1024:.1f} MB"


def spread(values: list[float], unit: Callable[[float], str] = fmt_s) -> str:
    return f"n={len(values)}, {unit(min(values))}–{unit(max(values))}"


# --------------------------------------------------------------------------- /proc


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name may contain spaces and parentheses: split after the last ')'
    return raw[raw.rindex(")") + 2:].split()


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is None:
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (QtWebEngineProcess and its zygotes/renderers)."""
    kids = children_map()
    result, todo = [], [pid]
    while todo:
        current = todo.pop()
        if Path(f"/proc/{current}").exists():
            result.append(current)
        todo.extend(kids.get(current, []))
    return result


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def parent_pid(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else 0


def renderer_pids(pid: int) -> list[int]:
    """Renderers: `--type=renderer`, or (Qt WebEngine on Linux) processes forked by the
    zygote, which keep its command line: a zygote-typed process whose parent is a zygote."""
    def zygote(p: int) -> bool:
        return "--type=zygote" in cmdline(p)

    found = []
    for p in process_tree(pid):
        if "--type=renderer" in cmdline(p):
            found.append(p)
        elif zygote(p) and zygote(parent_pid(p)):
            found.append(p)
    return found


def helper_pids(pid: int) -> list[int]:
    return [p for p in process_tree(pid) if p != pid]


def memory_kb(pid: int) -> tuple[float, str]:
    """(kB, "PSS") from smaps_rollup, or (kB, "RSS") from statm when that is missing."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return float(line.split()[1]), "PSS"
    except (OSError, ValueError, IndexError):
        pass
    try:
        return float(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB, "RSS"
    except (OSError, ValueError, IndexError):
        return 0.0, "RSS"


def tree_memory_kb(pid: int) -> tuple[float, float, str]:
    """(app kB, app + helpers kB, kind)."""
    app, kind = memory_kb(pid)
    total = app
    for child in helper_pids(pid):
        kb, child_kind = memory_kb(child)
        total += kb
        if child_kind != "PSS":
            kind = "RSS"
    return app, total, kind


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (seconds); 0 when it is gone."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree_cpu_seconds(pid: int) -> dict[int, float]:
    return {p: cpu_seconds(p) for p in process_tree(pid)}


# --------------------------------------------------------------------------- machine


def machine_info() -> dict[str, str]:
    info = {"cpu": "?", "cores": str(os.cpu_count()), "ram": "?",
            "python": platform.python_version(), "os": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        probe = "import PySide6, PySide6.QtCore as c; print(PySide6.__version__, c.qVersion())"
        out = subprocess.run([sys.executable, "-c", probe],
                             capture_output=True, text=True, timeout=30).stdout.split()
        info["pyside6"], info["qt"] = out[0], out[1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        info["pyside6"] = info["qt"] = "?"
    chromium = shutil.which("chromium")
    if chromium:
        try:
            info["chromium"] = subprocess.run([chromium, "--version"], capture_output=True,
                                              text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            info["chromium"] = "?"
    return info


# --------------------------------------------------------------------------- processes


def kill_group(process: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)   # helpers that outlived their parent
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        pass


class Cleanup:
    """Processes and temp dirs to remove at the end, whatever happens."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []
        self.dirs: list[Path] = []
        self.callbacks: list[Callable[[], None]] = []

    def tempdir(self, prefix: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"tvdesk-bench-{prefix}-"))
        self.dirs.append(path)
        return path

    def spawn(self, args: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(args, start_new_session=True, **kwargs)
        self.processes.append(process)
        return process

    def close(self) -> None:
        for callback in reversed(self.callbacks):
            try:
                callback()
            except Exception:  # noqa: BLE001 - cleanup goes on
                pass
        for process in reversed(self.processes):
            kill_group(process, grace=3.0)
        for path in self.dirs:
            shutil.rmtree(path, ignore_errors=True)
        self.processes.clear()
        self.dirs.clear()
        self.callbacks.clear()


# --------------------------------------------------------------------------- X + tray host


class XSession:
    """Xvfb plus bench/fake_tray.py, so Qt sees a system tray (offscreen has none).

    The tray host prints `DOCK <epoch>` when a tray icon asks to be docked: that is the
    moment an icon shows in a real tray, measured the same way for every program.
    """

    def __init__(self, cleanup: Cleanup) -> None:
        self.cleanup = cleanup
        self.display = ""
        self._docks: list[float] = []
        self._lock = threading.Lock()

    def start(self) -> XSession:
        if not shutil.which("Xvfb"):
            raise Failed("Xvfb is not installed (apt-get install xvfb)")
        read_fd, write_fd = os.pipe()
        xvfb = self.cleanup.spawn(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                                   "1280x800x24", "-nolisten", "tcp"],
                                  pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number or xvfb.poll() is not None:
            raise Failed("Xvfb did not start")
        self.display = f":{number}"
        env = dict(os.environ, DISPLAY=self.display)
        tray = self.cleanup.spawn([sys.executable, str(BENCH_DIR / "fake_tray.py")], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        first = tray.stdout.readline()
        if not first.startswith("READY"):
            raise Failed("the tray host did not start")
        threading.Thread(target=self._read_docks, args=(tray,), daemon=True).start()
        return self

    def _read_docks(self, tray: subprocess.Popen) -> None:
        for line in tray.stdout:
            if line.startswith("DOCK "):
                with self._lock:
                    self._docks.append(float(line.split()[1]))

    def wait_dock(self, after: float, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [t for t in self._docks if t >= after]
            if found:
                return found[0]
            time.sleep(0.005)
        raise Failed("no tray icon docked")


# --------------------------------------------------------------------------- sandbox


class Sandbox:
    """The tvdesk sandbox in this process; records when webphone pages connect.

    A page opens its event stream (`/w3/events`) and, with `ligar_para`, dials in the same
    JavaScript turn (webphone.js `connect()` → `done()` → `dial()`): that subscription is
    the "page loaded and dialling" moment, identical for tvdesk and Chromium.
    """

    def __init__(self, cleanup: Cleanup, **config) -> None:
        from tvdesk.sandbox.server import SandboxConfig, SandboxServer

        self.server = SandboxServer(SandboxConfig(**config), host="127.0.0.1", port=0).start()
        cleanup.callbacks.append(self.server.stop)
        self.subscriptions: list[tuple[float, str]] = []
        hub = self.server._hub
        original = hub.subscribe

        def subscribe(ramal: str):
            self.subscriptions.append((time.time(), ramal))
            return original(ramal)

        hub.subscribe = subscribe

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def token(self) -> str:
        return self.server.token

    def wait_subscription(self, ramal: str, after: float, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [t for t, r in list(self.subscriptions) if r == ramal and t >= after]
            if found:
                return found[0]
            time.sleep(0.002)
        raise Failed(f"no webphone page of {ramal} connected within {timeout:.0f} s")


# --------------------------------------------------------------------------- tvdesk


FAVOURITE_NUMBERS = ["(48) 3283-0151", "(11) 98765-4321", "+55 21 2555-0100", "0800 123 4567",
                     "(31) 3333-4444"]


def write_settings(home: Path, api_base: str, hidden: Iterable[str] = (), extensions: int = 5,
                   favourites: int = 20, extra: dict | None = None) -> None:
    """settings.json with `extensions` extensions (4000-4002, 5000…) and `favourites`."""
    ramais = ["4000", "4001", "4002"] + [str(5000 + n) for n in range(max(0, extensions - 3))]
    hidden = set(hidden)
    data = {
        "version": 1, "api_base": api_base, "default_ramal": "4000",
        "extensions": [{"ramal": r, "label": f"Bench {r}",
                        "tipo": "hidden" if r in hidden else "floating"}
                       for r in ramais[:extensions]],
        "favourites": [{"name": f"Contact {n:02d}",
                        "number": FAVOURITE_NUMBERS[n % len(FAVOURITE_NUMBERS)]}
                       for n in range(favourites)],
        "confirm_external_dials": False,
    }
    data.update(extra or {})
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps(data, indent=1))


def parse_log_time(line: str) -> float | None:
    """Epoch seconds of a `%(asctime)s` log line: `2025-01-31 12:00:00,123 INFO ...`."""
    try:
        stamp = line[:23]
        base = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S"))
        return base + int(stamp[20:23]) / 1000
    except (ValueError, IndexError):
        return None


@dataclass
class BenchContext:
    cleanup: Cleanup
    xsession: XSession | None
    src: Path | None          # tvdesk source folder to run (None: the installed one)
    quick: bool
    microphone: object | None = None   # audio.Microphone: the source every app captures from
    mic_modes: tuple[str, ...] = ("connect", "call")   # the sandbox page's, for idle_cpu


def app_env(ctx: BenchContext, token: str | None = None, display: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TVDESK_TOKEN", "TVDESK_API_BASE", "TVDESK_HOME", "QT_QPA_PLATFORM",
                 "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(name, None)
    env.update({"TVDESK_LANG": "en", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    if display and ctx.xsession is not None:
        env.update({"DISPLAY": ctx.xsession.display, "QT_QPA_PLATFORM": "xcb"})
    else:
        env.update({"QT_QPA_PLATFORM": "offscreen"})
        env.pop("DISPLAY", None)
    if token:
        env["TVDESK_TOKEN"] = token
    if ctx.microphone is not None:
        ctx.microphone.environ(env)
    if ctx.src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ctx.src), env.get("PYTHONPATH")]))
    return env


class App:
    """One `python -m tvdesk --basedir HOME --debug …` process in its own process group."""

    def __init__(self, ctx: BenchContext, home: Path, env: dict[str, str],
                 args: Iterable[str] = ("--minimized",)) -> None:
        self.ctx = ctx
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.log_path = home / "stderr.txt"
        self._log = open(self.log_path, "wb")
        self.started = time.time()
        self.process = ctx.cleanup.spawn(
            [sys.executable, "-m", "tvdesk", "--basedir", str(home), "--debug", *args],
            env=env, cwd=str(home), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()

    def wait_log(self, text: str, after: float = 0.0, timeout: float = 60.0) -> float:
        """Epoch time of the first log line holding `text` stamped at or after `after`."""
        deadline = time.monotonic() + timeout
        floor = after - 0.0015   # the log keeps milliseconds
        while time.monotonic() < deadline:
            for line in self.lines():
                if text in line:
                    stamp = parse_log_time(line)
                    if stamp is not None and stamp >= floor:
                        return stamp
            if self.process.poll() is not None:
                tail = " | ".join(self.lines()[-3:])[-300:]
                raise Failed(f"tvdesk exited ({self.process.returncode}) before {text!r}: {tail}")
            time.sleep(0.01)
        raise Failed(f"tvdesk did not log {text!r} within {timeout:.0f} s")

    def count_log(self, text: str) -> int:
        return sum(text in line for line in self.lines())

    def request(self, payload: dict, timeout: float = 10.0) -> dict:
        """Send one request to the running instance's local socket (what `tvdesk dial`
        does, without starting a Python interpreter for the CLI)."""
        from tvdesk.core.paths import resolve_paths

        name = resolve_paths(self.home).instance_name
        path = os.path.join(os.environ.get("TMPDIR") or "/tmp", name)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(json.dumps(payload).encode() + b"\n")
            answer = b""
            while b"\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        try:
            return json.loads(answer.decode() or "{}")
        except ValueError as error:
            raise Failed(f"bad answer from tvdesk: {answer[:80]!r}") from error

    def dial(self, number: str = "4832830151", ramal: str = "4000") -> float:
        """Ask the app to dial; returns the epoch time just before the request went out."""
        sent = time.time()
        answer = self.request({"command": "dial", "ramal": ramal, "number": number,
                               "source": "cli", "confirmed": True})
        if not answer.get("ok"):
            raise Failed(f"dial refused: {answer.get('message') or answer.get('error')}")
        return sent

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)   # tvdesk quits cleanly on SIGTERM
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        kill_group(self.process, grace=2.0)
        self._log.close()


def start_ready_app(ctx: BenchContext, home: Path, env: dict[str, str]) -> tuple[App, float]:
    """Start tvdesk in the tray; returns it and its ready time (see startup.py)."""
    app = App(ctx, home, env)
    ready = app.wait_log("tvdesk ready", after=app.started)
    if ctx.xsession is not None:
        ready = max(ready, ctx.xsession.wait_dock(app.started))
    return app, ready
