"""Build tvdesk as a one-folder app (dist/tvdesk/) with PyInstaller, then test the result.

    python packaging/build.py              # build + self-test (non-zero exit on failure)
    python packaging/build.py --self-test  # only test an existing dist/tvdesk/

Run it with the Python of the environment tvdesk is installed in (a venv with
`pip install -e .`): PyInstaller bundles that interpreter and its packages. PyInstaller
itself is installed into that environment when missing (pinned below).

The self-test runs the built program, never the source tree: --version, a sandbox plus
`tvdesk url`, and the desktop app headless (offscreen) dialling through Qt WebEngine
until the webphone page is granted the microphone, which proves that QtWebEngineProcess
and its resources work from the bundle.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PYINSTALLER_PIN = "6.22.3"  # supports PySide6 6.8-6.11 (hooks for QtWebEngine in Qt 6)
ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "tvdesk.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP_DIR = DIST / "tvdesk"
EXE_NAME = "tvdesk.exe" if sys.platform == "win32" else "tvdesk"

# Modules the app loads by name, which the bundle's Python archive must hold.
REQUIRED_MODULES = {
    "all": ["tvdesk.app", "keyring.backends.fail", "keyring.backends.null",
            "keyring.backends.chainer", "keyring.backends.SecretService",
            "keyring.backends.Windows", "keyring.backends.macOS", "phonenumbers.data.region_BR",
            "phonenumbers.data.region_GB", "phonenumbers.shortdata.region_BR", "PySide6"],
    "linux": ["secretstorage", "jeepney", "pynput.keyboard._xorg", "pynput.mouse._xorg",
              "pynput.keyboard._uinput", "Xlib"],
    "win32": ["win32ctypes.core", "pynput.keyboard._win32", "pynput.mouse._win32"],
    "darwin": ["pynput.keyboard._darwin", "pynput.mouse._darwin"],
}


class SelfTestError(RuntimeError):
    pass


def say(message: str) -> None:
    print(f"build: {message}", flush=True)


def version() -> str:
    text = (ROOT / "tvdesk" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE).group(1)


# --- building -------------------------------------------------------------------------

def ensure_pyinstaller() -> None:
    try:
        import PyInstaller
    except ImportError:
        say(f"installing pyinstaller=={PYINSTALLER_PIN} into {sys.prefix}")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                        f"pyinstaller=={PYINSTALLER_PIN}"], check=True)
        return
    if PyInstaller.__version__ != PYINSTALLER_PIN:
        say(f"note: PyInstaller {PyInstaller.__version__} is installed; this build is "
            f"tested with {PYINSTALLER_PIN} (pip install pyinstaller=={PYINSTALLER_PIN})")


def make_windows_icon() -> None:
    """build/icons/tvdesk.ico from resources/icons/tvdesk.svg, for the .exe (Windows only)."""
    if sys.platform != "win32":
        return
    target = ROOT / "build" / "icons" / "tvdesk.ico"
    target.parent.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtSvg import QSvgRenderer\n"
        "from PySide6.QtCore import Qt\n"
        "app = QGuiApplication([])\n"
        "image = QImage(256, 256, QImage.Format.Format_ARGB32)\n"
        "image.fill(Qt.GlobalColor.transparent)\n"
        "painter = QPainter(image)\n"
        "QSvgRenderer(sys.argv[1]).render(painter)\n"
        "painter.end()\n"
        "sys.exit(0 if image.save(sys.argv[2], 'ICO') else 1)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", code,
                             str(ROOT / "resources" / "icons" / "tvdesk.svg"), str(target)],
                            env=env, check=False)
    if result.returncode != 0:
        say("note: could not make the .ico; the .exe gets PyInstaller's default icon")


def run_pyinstaller() -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK),
               str(SPEC)]
    say("running " + " ".join(command))
    subprocess.run(command, cwd=ROOT, check=True)


# --- self-test ------------------------------------------------------------------------

def bundle_root(app_dir: Path) -> Path:
    """Where sys._MEIPASS points in a one-folder build (PyInstaller 6: _internal/)."""
    internal = app_dir / "_internal"
    return internal if internal.is_dir() else app_dir


def check_files(app_dir: Path) -> None:
    root = bundle_root(app_dir)
    expected = [
        root / "resources" / "icons" / "tvdesk.svg",
        root / "resources" / "icons" / "tvdesk-demo.svg",
        root / "tvdesk" / "sandbox" / "static" / "webphone.html",
    ]
    if (ROOT / "tvdesk" / "locale").is_dir():
        expected += [root / "tvdesk" / "locale" / path.relative_to(ROOT / "tvdesk" / "locale")
                     for path in (ROOT / "tvdesk" / "locale").rglob("*.mo")]
    missing = [str(path.relative_to(app_dir)) for path in expected if not path.is_file()]
    webengine = {
        "QtWebEngineProcess": [p for p in root.rglob("QtWebEngineProcess*") if p.is_file()],
        "qtwebengine_resources.pak": list(root.rglob("qtwebengine_resources.pak")),
        "icudtl.dat": list(root.rglob("icudtl.dat")),
        "qtwebengine_locales": [p for p in root.rglob("qtwebengine_locales") if p.is_dir()],
    }
    missing += [name for name, found in webengine.items() if not found]
    if missing:
        raise SelfTestError("missing from the bundle: " + ", ".join(missing))
    locales = webengine["qtwebengine_locales"][0]
    say(f"bundle files present: icons, sandbox pages, QtWebEngineProcess "
        f"({webengine['QtWebEngineProcess'][0].relative_to(app_dir)}), "
        f"{len(list(locales.glob('*.pak')))} Chromium locales"
        + (", translations" if (ROOT / "tvdesk" / "locale").is_dir() else ""))


def check_archive(exe: Path) -> None:
    """The modules loaded by name are in the executable's Python archive (PYZ)."""
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        say("note: PyInstaller is not installed here; skipping the module check")
        return
    archive = CArchiveReader(str(exe))
    pyz_names = [name for name in archive.toc if name.endswith(".pyz")]
    if not pyz_names:
        raise SelfTestError(f"no Python archive in {exe}")
    modules = set(archive.open_embedded_archive(pyz_names[0]).toc)
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    wanted = REQUIRED_MODULES["all"] + REQUIRED_MODULES.get(platform, [])
    absent = [name for name in wanted if name not in modules]
    if absent:
        raise SelfTestError("modules missing from the bundle: " + ", ".join(absent))
    say(f"{len(modules)} Python modules bundled, including the ones loaded by name: "
        + ", ".join(wanted))


def clean_environment(basedir: Path) -> dict[str, str]:
    """The bundle must not lean on this Python: drop the venv and Python variables."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTHON", "VIRTUAL_ENV", "TVDESK_", "QT_"))}
    env.update({
        "TVDESK_LANG": "en",
        "TVDESK_HOME": str(basedir),
        "QT_QPA_PLATFORM": "offscreen",
        "TVDESK_SANDBOX_ANSWER_AFTER": "0.3",
        "TVDESK_SANDBOX_HANGUP_AFTER": "1",
    })
    return env


def run(exe: Path, args: list[str], env: dict[str, str], cwd: Path,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(exe), *args], env=env, cwd=cwd, capture_output=True,
                            text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    shown = " ".join(args)
    if result.returncode != 0:
        raise SelfTestError(f"'tvdesk {shown}' exited with {result.returncode}:\n"
                            f"{result.stdout}{result.stderr}")
    return result


class LineReader:
    """Collects a child's output lines in a thread, so reading never blocks the test."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = re.search(pattern, line)
                if match:
                    return match
            time.sleep(0.1)
        raise SelfTestError(f"no line matching {pattern!r} within {timeout:g}s; got:\n"
                            + "\n".join(self.lines))


def wait_for_log(log_file: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_file.is_file() and text in log_file.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.2)
    content = log_file.read_text(encoding="utf-8", errors="replace") if log_file.is_file() else ""
    raise SelfTestError(f"{text!r} not in {log_file} within {timeout:g}s; the log:\n{content}")


def webengine_processes_from(app_dir: Path) -> list[str]:
    """Running QtWebEngineProcess executables inside `app_dir` (Linux /proc; [] elsewhere)."""
    found = []
    for exe_link in Path("/proc").glob("[0-9]*/exe"):
        try:
            target = Path(os.readlink(exe_link))
        except OSError:
            continue
        if target.name.startswith("QtWebEngineProcess") and app_dir.resolve() in target.parents:
            found.append(str(target.relative_to(app_dir.resolve())))
    return found


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def self_test(app_dir: Path) -> None:
    exe = app_dir / EXE_NAME
    if not exe.is_file():
        raise SelfTestError(f"{exe} not found; build first")
    check_files(app_dir)
    check_archive(exe)
    with tempfile.TemporaryDirectory(prefix="tvdesk-selftest-") as temp:
        temp_dir = Path(temp)
        cli_home, app_home = temp_dir / "cli", temp_dir / "app"
        env = clean_environment(cli_home)

        # 1. The version.
        out = run(exe, ["--version"], env, temp_dir).stdout.strip()
        if out != f"tvdesk {version()}":
            raise SelfTestError(f"--version printed {out!r}, expected 'tvdesk {version()}'")
        say(f"--version: {out}")

        # 2. A sandbox from the bundle, and a webphone URL from it.
        sandbox = subprocess.Popen([str(exe), "sandbox", "--port", "0"], env=env, cwd=temp_dir,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            lines = LineReader(sandbox.stdout)
            base_url = lines.wait_for(r"^base_url:\s*(\S+)", 30).group(1)
            token = lines.wait_for(r"^token:\s*(\S+)", 30).group(1)
            say(f"sandbox: {base_url}")
            url_env = dict(env, TVDESK_TOKEN=token)
            url = run(exe, ["url", "--ramal", "4000", "--api-base", base_url],
                      url_env, temp_dir).stdout.strip()
            if not re.fullmatch(r"https?://\S+", url):
                raise SelfTestError(f"'tvdesk url' printed {url!r}, not a URL")
            say(f"url: {url.split('?')[0]}?...")
            # phonenumbers' metadata for another region (loaded lazily, by module name).
            url = run(exe, ["url", "--ramal", "4000", "--ligar-para", "+44 20 7946 0958",
                            "--api-base", base_url], url_env, temp_dir).stdout.strip()
            if "ligar_para=%2B442079460958" not in url:
                raise SelfTestError(f"'tvdesk url --ligar-para' printed {url!r}")
            say("url --ligar-para '+44 20 7946 0958': dials +442079460958 (phonenumbers data ok)")
            # keyring loads a backend by name (and detects the usable ones by entry point).
            backend = "keyring.backends.null.Keyring"
            status = run(exe, ["token", "status", "--api-base", base_url],
                         dict(url_env, PYTHON_KEYRING_BACKEND=backend), temp_dir).stdout
            if backend not in status:
                raise SelfTestError(f"'tvdesk token status' did not load {backend}:\n{status}")
            say(f"token status: keyring backend {backend} loads")
        finally:
            stop(sandbox)

        # 3. The desktop app, headless, dialling through Qt WebEngine.
        app_env = clean_environment(app_home)
        log_file = app_home / "logs" / "tvdesk.log"
        app = subprocess.Popen([str(exe), "--sandbox", "--minimized", "--basedir", str(app_home)],
                               env=app_env, cwd=temp_dir, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = LineReader(app.stdout)
        try:
            wait_for_log(log_file, "tvdesk ready", 60)
            say("app: tvdesk ready (offscreen, demo sandbox)")
            dial = run(exe, ["dial", "4001", "--ramal", "4000", "--yes", "--basedir",
                             str(app_home)], app_env, temp_dir).stdout.strip()
            say(f"dial: {dial}")
            wait_for_log(log_file, "microphone granted", 90)
            say("app log: microphone granted")
            if sys.platform.startswith("linux"):
                helpers = webengine_processes_from(app_dir)
                if not helpers:
                    raise SelfTestError("no QtWebEngineProcess from the bundle is running")
                say(f"{len(helpers)} Chromium helper processes run {helpers[0]} from the bundle")
            run(exe, ["quit", "--basedir", str(app_home)], app_env, temp_dir)
            code = app.wait(30)
            if code != 0:
                raise SelfTestError(f"the app exited with {code}")
            say("quit: the app exited with 0")
            log_text = log_file.read_text(encoding="utf-8", errors="replace")
            if "Traceback" in log_text:
                raise SelfTestError("a traceback in the app's log:\n" + log_text)
        except (SelfTestError, subprocess.TimeoutExpired):
            print("--- app output ---\n" + "\n".join(output.lines), file=sys.stderr)
            raise
        finally:
            stop(app)


# --- reporting ------------------------------------------------------------------------

def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.is_symlink())


def report_size(app_dir: Path) -> None:
    megabytes = size_of(app_dir) / 1_000_000
    du = shutil.which("du")
    shown = ""
    if du:
        result = subprocess.run([du, "-sh", str(app_dir)], capture_output=True, text=True,
                                check=False)
        shown = f" (du -sh: {result.stdout.split()[0]})" if result.returncode == 0 else ""
    say(f"bundle size: {megabytes:.0f} MB in {app_dir}{shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python packaging/build.py",
        description="Build tvdesk as a one-folder app in dist/tvdesk/ with PyInstaller "
                    f"(pinned {PYINSTALLER_PIN}, installed when missing) and self-test it.")
    parser.add_argument("--self-test", action="store_true",
                        help="only run the self-test on an existing dist/tvdesk/")
    parser.add_argument("--no-self-test", action="store_true",
                        help="build without running the self-test")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        if not args.self_test:
            ensure_pyinstaller()
            make_windows_icon()
            run_pyinstaller()
            say(f"built {APP_DIR} in {time.monotonic() - started:.0f} s")
        if not args.no_self_test:
            tested = time.monotonic()
            self_test(APP_DIR)
            say(f"self-test passed in {time.monotonic() - tested:.0f} s")
    except (SelfTestError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        say(f"FAILED: {error}")
        return 1
    report_size(APP_DIR)
    say(f"total time: {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
