"""Build tvdesk as a one-folder app (dist/tvdesk/) with PyInstaller, then test the result.

    python packaging/build.py                      # build + self-test (non-zero exit on failure)
    python packaging/build.py --deb --archive      # ... and the .deb and the tar.xz (Linux)
    python packaging/build.py --self-test          # only test an existing dist/tvdesk/
    python packaging/build.py --self-test --app-dir DIR   # ... or another copy (an unpacked .deb)
    python packaging/build.py --no-build --deb     # package the existing dist/tvdesk/

Run it with the Python of the environment tvdesk is installed in (a venv with
`pip install -e .`): PyInstaller bundles that interpreter and its packages. PyInstaller
itself is installed into that environment when missing (pinned below).

The self-test runs the built program, never the source tree: --version, a sandbox plus
`tvdesk url`, and the desktop app headless (offscreen) dialling through Qt WebEngine
until the webphone page is granted the microphone, which proves that QtWebEngineProcess
and its resources work from the bundle.

On Linux, --archive writes dist/tvdesk-VERSION-linux-ARCH.tar.xz (the folder as
`tvdesk/`) and --deb writes dist/tvdesk_VERSION_ARCH.deb (dpkg-deb; the bundle in
/opt/tvdesk, templates in packaging/debian/). Both print their size, as the build prints
the bundle's unpacked size. packaging/README.md describes what is in them.
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


def run_pyinstaller(dist: Path, work: Path) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
               str(SPEC)]
    say("running " + " ".join(command))
    subprocess.run(command, cwd=ROOT, check=True)


def _elf_file_offset(segments: list[tuple[int, ...]], address: int) -> int:
    """The file offset of a virtual address, through the PT_LOAD segments."""
    for p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _align in segments:
        if p_type == 1 and p_vaddr <= address < p_vaddr + p_filesz:
            return address - p_vaddr + p_offset
    raise ValueError(f"address {address:#x} is in no loaded segment")


def _without_build_machine_runpath(data: bytearray) -> bool:
    """Delete the DT_RPATH/DT_RUNPATH entries without $ORIGIN from an ELF64
    little-endian image, in place; True when one was deleted."""
    import struct

    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:  # ELFCLASS64, little-endian
        return False
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    segments = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
                for i in range(phnum)]
    dynamic = [seg for seg in segments if seg[0] == 2]  # PT_DYNAMIC
    if not dynamic:
        return False
    offset, size = dynamic[0][2], dynamic[0][5]
    entries = [struct.unpack_from("<qQ", data, offset + i * 16) for i in range(size // 16)]
    entries = entries[:next((i for i, e in enumerate(entries) if e[0] == 0), len(entries))]
    strtab = next((value for tag, value in entries if tag == 5), None)  # DT_STRTAB
    if strtab is None:
        return False
    strings = _elf_file_offset(segments, strtab)
    kept = []
    for tag, value in entries:
        if tag in (15, 29):  # DT_RPATH, DT_RUNPATH
            start = strings + value
            if b"$ORIGIN" not in data[start:data.index(0, start)]:
                continue
        kept.append((tag, value))
    if len(kept) == len(entries):
        return False
    kept += [(0, 0)] * (size // 16 - len(kept))  # DT_NULL to the end of the section
    for i, (tag, value) in enumerate(kept):
        struct.pack_into("<qQ", data, offset + i * 16, tag, value)
    return True


def drop_build_machine_runpaths(app_dir: Path) -> list[Path]:
    """Remove RUNPATH/RPATH entries that name a folder of the build machine (a pyenv or
    self-built Python puts its lib/ in every extension module); keep $ORIGIN ones.

    The bundle finds its libraries through PyInstaller's own search path, so such an
    entry only makes the loader look into a folder that does not exist elsewhere. Edited
    in place: the dynamic section's entry is deleted (ELF64 little-endian only)."""
    changed = []
    for path in elf_files(app_dir):
        data = bytearray(path.read_bytes())
        if _without_build_machine_runpath(data):
            path.write_bytes(bytes(data))
            changed.append(path)
    return changed


# --- self-test ------------------------------------------------------------------------

def bundle_root(app_dir: Path) -> Path:
    """Where sys._MEIPASS points in a one-folder build (PyInstaller 6: _internal/)."""
    internal = app_dir / "_internal"
    return internal if internal.is_dir() else app_dir


def check_files(app_dir: Path) -> None:
    root = bundle_root(app_dir)
    expected = [
        # the package data (tvdesk.resources), where the app finds them
        root / "tvdesk" / "resources" / "icons" / "tvdesk.svg",
        root / "tvdesk" / "resources" / "icons" / "tvdesk-demo.svg",
        root / "tvdesk" / "resources" / "linux" / "tvdesk.desktop",
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
    absent = [name for name in wanted + tvdesk_modules() if name not in modules]
    if absent:
        raise SelfTestError("modules missing from the bundle: " + ", ".join(absent))
    say(f"{len(modules)} Python modules bundled, including all of tvdesk's "
        f"({len(tvdesk_modules())}, the phone process's too) and the ones loaded by name: "
        + ", ".join(wanted))


def tvdesk_modules() -> list[str]:
    """Every module of the tvdesk package in this checkout (some are imported lazily)."""
    names = []
    for path in sorted((ROOT / "tvdesk").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "__pycache__" in parts:
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


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


def phone_process_running(exe: Path) -> bool:
    """Whether `exe --phone-process` (the child hosting Qt WebEngine) runs (Linux /proc)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if len(args) >= 2 and args[1] == b"--phone-process" and \
                os.path.realpath(os.fsdecode(args[0])) == os.path.realpath(exe):
            return True
    return False


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
                if phone_process_running(exe):
                    say(f"the phone process runs from the bundle: {exe.name} --phone-process")
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


# --- release files (Linux): the tar.xz archive and the .deb ---------------------------

DEBIAN_TEMPLATES = ROOT / "packaging" / "debian"
LINUX_FILES = ROOT / "packaging" / "linux"
PNG_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# xz for both: preset 6 (dpkg-deb's default) by default; --xz-level for a faster build
# (the test's: a lower preset compresses less, so its size bounds the release's).
XZ_LEVEL = 6
DEB_MAINTAINER = "The tvdesk developers <tvdesk@example.com>"


def debian_architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def xz_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def make_archive(app_dir: Path, out_dir: Path, level: int = XZ_LEVEL) -> Path:
    """dist/tvdesk-<version>-linux-<arch>.tar.xz: the bundle as one folder, tvdesk/."""
    machine = os.uname().machine
    target = out_dir / f"tvdesk-{version()}-linux-{machine}.tar.xz"
    target.unlink(missing_ok=True)
    tar = ["tar", "--create", "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
           "--mtime=@" + source_date_epoch(), "--directory", str(app_dir.parent),
           "--transform", f"s,^{re.escape(app_dir.name)},tvdesk,", app_dir.name]
    xz = ["xz", f"-{level}", f"--threads={xz_threads()}", "--stdout"]
    say(f"writing {target.name} (xz -{level}, {xz_threads()} threads)")
    with open(target, "wb") as out:
        packer = subprocess.Popen(tar, stdout=subprocess.PIPE)
        compressor = subprocess.run(xz, stdin=packer.stdout, stdout=out, check=False)
        packer.stdout.close()
        if packer.wait() != 0 or compressor.returncode != 0:
            target.unlink(missing_ok=True)
            raise subprocess.CalledProcessError(packer.returncode or compressor.returncode, tar)
    return target


def source_date_epoch() -> str:
    """The last commit's time (reproducible archives), else now."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or str(int(time.time()))


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(app_dir: Path) -> tuple[set[str], str]:
    """The shared libraries the bundle links that it does not carry, and the newest
    GLIBC_x.y symbol version it uses."""
    files = elf_files(app_dir)
    carried = {path.name for path in app_dir.rglob("*.so*")}
    needed: set[str] = set()
    glibc = "2.2.5"
    for path in files:
        dynamic = subprocess.run(["objdump", "-p", "-T", str(path)], capture_output=True,
                                 text=True, check=False).stdout
        needed.update(re.findall(r"^\s*NEEDED\s+(\S+)", dynamic, re.MULTILINE))
        for found in re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", dynamic):
            if tuple(map(int, found.split("."))) > tuple(map(int, glibc.split("."))):
                glibc = found
    return needed - carried, glibc


def debian_depends(app_dir: Path) -> str:
    """Depends: the Debian packages of the libraries the bundle takes from the system
    (libc6 at least as new as the newest symbol version used)."""
    libraries, glibc = system_libraries(app_dir)
    cache = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True,
                           check=True).stdout
    arch_tag = {"x86_64": "x86-64", "aarch64": "AArch64"}.get(os.uname().machine, "")
    packages: set[str] = set()
    unknown = []
    for name in sorted(libraries):
        paths = [m.group(2) for m in re.finditer(rf"^\s*{re.escape(name)} \(([^)]*)\) => (\S+)",
                                                 cache, re.MULTILINE)
                 if not arch_tag or arch_tag in m.group(1)]
        package = None
        for path in paths:
            candidates = {path, os.path.realpath(path)}
            candidates |= {"/usr" + c for c in list(candidates) if not c.startswith("/usr/")}
            for candidate in sorted(candidates):
                result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True,
                                        text=True, check=False)
                if result.returncode == 0:
                    package = result.stdout.split(":")[0].split(",")[0].strip()
                    break
            if package:
                break
        package = package or policy_package_name(name)
        if package:
            packages.add(package)
        else:
            unknown.append(name)
    if unknown:
        raise SelfTestError("no Debian package provides " + ", ".join(unknown)
                            + " (needed by the bundle, not in it); install them and rebuild")
    packages.discard("libc6")
    return ", ".join([f"libc6 (>= {glibc})", *sorted(packages)])


def policy_package_name(soname: str) -> str | None:
    """The package Debian policy (8.1) names after a library not installed here
    (libwayland-egl.so.1: libwayland-egl1), when the archive has it (apt-cache)."""
    match = re.fullmatch(r"(lib[\w+.-]*?)\.so\.(\d+)", soname)
    if not match:
        return None
    stem, number = match.group(1).lower().replace("_", "-"), match.group(2)
    name = f"{stem}-{number}" if stem[-1].isdigit() else f"{stem}{number}"
    result = subprocess.run(["apt-cache", "show", "--no-all-versions", name],
                            capture_output=True, text=True, check=False)
    return name if result.returncode == 0 and f"Package: {name}" in result.stdout else None


def render_png_icons(svg: Path, target_root: Path) -> None:
    """hicolor PNGs from the SVG, drawn with Qt (the build's own PySide6)."""
    code = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtSvg import QSvgRenderer\n"
        "from PySide6.QtCore import Qt\n"
        "app = QGuiApplication(['render'])\n"
        "renderer = QSvgRenderer(sys.argv[1])\n"
        "for arg in sys.argv[2:]:\n"
        "    size, path = arg.split('=', 1)\n"
        "    image = QImage(int(size), int(size), QImage.Format.Format_ARGB32)\n"
        "    image.fill(Qt.GlobalColor.transparent)\n"
        "    painter = QPainter(image)\n"
        "    renderer.render(painter)\n"
        "    painter.end()\n"
        "    if not image.save(path, 'PNG'):\n"
        "        sys.exit(1)\n"
    )
    targets = []
    for size in PNG_ICON_SIZES:
        path = target_root / f"{size}x{size}" / "apps" / "tvdesk.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        targets.append(f"{size}={path}")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", code, str(svg), *targets], env=env, check=True)


def desktop_entry_for_package() -> str:
    """packaging/linux/tvdesk.desktop with Exec at the package's /usr/bin/tvdesk."""
    text = (LINUX_FILES / "tvdesk.desktop").read_text(encoding="utf-8")
    text, count = re.subn(r"^Exec=tvdesk ", "Exec=/usr/bin/tvdesk ", text, flags=re.MULTILINE)
    if count != 1:
        raise SelfTestError("packaging/linux/tvdesk.desktop: no 'Exec=tvdesk ...' line")
    return text


def changelog_version() -> str:
    first = (DEBIAN_TEMPLATES / "changelog").read_text(encoding="utf-8").splitlines()[0]
    return re.match(r"^tvdesk \(([^)]+)\)", first).group(1)


def write_gzip(source: bytes, target: Path) -> None:
    import gzip

    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                   compresslevel=9, mtime=0) as out:
        out.write(source)


def make_deb(app_dir: Path, out_dir: Path, work: Path, level: int = XZ_LEVEL) -> Path:
    """dist/tvdesk_<version>_<arch>.deb: the bundle in /opt/tvdesk, /usr/bin/tvdesk, the
    desktop entry, icons, AppStream metainfo, docs, lintian overrides."""
    if changelog_version() != version():
        raise SelfTestError(f"packaging/debian/changelog is at {changelog_version()}, "
                            f"tvdesk at {version()}: add a changelog entry")
    arch = debian_architecture()
    stage = work / "deb" / f"tvdesk_{version()}_{arch}"
    if stage.exists():
        shutil.rmtree(stage)
    say(f"staging the .deb in {stage}")
    shutil.copytree(app_dir, stage / "opt" / "tvdesk", symlinks=True)
    usr = stage / "usr"
    (usr / "bin").mkdir(parents=True)
    os.symlink("/opt/tvdesk/tvdesk", usr / "bin" / "tvdesk")
    share = usr / "share"
    (share / "applications").mkdir(parents=True)
    (share / "applications" / "tvdesk.desktop").write_text(desktop_entry_for_package(),
                                                           encoding="utf-8")
    (share / "metainfo").mkdir(parents=True)
    shutil.copyfile(LINUX_FILES / "br.com.tvdesk.metainfo.xml",
                    share / "metainfo" / "br.com.tvdesk.metainfo.xml")
    icons = share / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    svg = ROOT / "resources" / "icons" / "tvdesk.svg"
    shutil.copyfile(svg, icons / "scalable" / "apps" / "tvdesk.svg")
    render_png_icons(svg, icons)
    doc = share / "doc" / "tvdesk"
    doc.mkdir(parents=True)
    shutil.copyfile(DEBIAN_TEMPLATES / "copyright", doc / "copyright")
    # a native package (the version has no Debian revision): changelog.gz
    write_gzip((DEBIAN_TEMPLATES / "changelog").read_bytes(), doc / "changelog.gz")
    man = share / "man" / "man1"
    man.mkdir(parents=True)
    write_gzip((DEBIAN_TEMPLATES / "tvdesk.1").read_bytes(), man / "tvdesk.1.gz")
    (share / "lintian" / "overrides").mkdir(parents=True)
    shutil.copyfile(DEBIAN_TEMPLATES / "lintian-overrides",
                    share / "lintian" / "overrides" / "tvdesk")

    control_dir = stage / "DEBIAN"
    control_dir.mkdir()
    for script in ("postinst", "postrm"):
        shutil.copyfile(DEBIAN_TEMPLATES / script, control_dir / script)
        (control_dir / script).chmod(0o755)
    installed_kb = (size_of(stage) + 1023) // 1024
    control = (DEBIAN_TEMPLATES / "control.in").read_text(encoding="utf-8")
    for key, value in {"VERSION": version(), "ARCH": arch,
                       "MAINTAINER": os.environ.get("TVDESK_DEB_MAINTAINER", DEB_MAINTAINER),
                       "INSTALLED_SIZE": str(installed_kb),
                       "DEPENDS": debian_depends(app_dir)}.items():
        control = control.replace(f"@{key}@", value)
    if "@" in re.sub(r"<[^>]*>", "", control):
        raise SelfTestError("packaging/debian/control.in: a placeholder is left")
    (control_dir / "control").write_text(control, encoding="utf-8")
    write_md5sums(stage)
    normalize_modes(stage)

    target = out_dir / f"tvdesk_{version()}_{arch}.deb"
    target.unlink(missing_ok=True)
    say(f"writing {target.name} (dpkg-deb, xz -{level}, {xz_threads()} threads)")
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", f"-z{level}",
                    f"--threads-max={xz_threads()}", "--build", str(stage), str(target)],
                   check=True, env=dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch()),
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(stage)
    return target


def write_md5sums(stage: Path) -> None:
    import hashlib

    lines = []
    for path in sorted(stage.rglob("*")):
        relative = path.relative_to(stage)
        if relative.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {relative.as_posix()}\n")
    (stage / "DEBIAN" / "md5sums").write_text("".join(lines), encoding="utf-8")


def normalize_modes(stage: Path) -> None:
    """0755 for folders and executables (ELF executables, scripts), 0644 for the rest;
    shared libraries are not executable (Debian policy 8.1)."""
    for path in [stage, *stage.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
            continue
        if path.parent.name == "DEBIAN" and path.name in ("postinst", "postrm"):
            continue
        mode = 0o644
        with open(path, "rb") as handle:
            head = handle.read(20)
        if head[:4] == b"\x7fELF" and len(head) >= 18 and head[16] == 2:  # ET_EXEC
            mode = 0o755
        elif head[:4] == b"\x7fELF" and ".so" not in path.name and path.suffix != ".so":
            mode = 0o755  # a position-independent executable (ET_DYN, not a library)
        elif head[:2] == b"#!" and path.stat().st_mode & 0o111:
            mode = 0o755
        path.chmod(mode)


# --- reporting ------------------------------------------------------------------------

def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.is_symlink())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def report_size(app_dir: Path) -> None:
    du = shutil.which("du")
    shown = ""
    if du:
        result = subprocess.run([du, "-sb", str(app_dir)], capture_output=True, text=True,
                                check=False)
        shown = f" (du -sb: {result.stdout.split()[0]} bytes)" if result.returncode == 0 else ""
    say(f"bundle size, unpacked: {megabytes(size_of(app_dir))} in {app_dir}{shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python packaging/build.py",
        description="Build tvdesk as a one-folder app in dist/tvdesk/ with PyInstaller "
                    f"(pinned {PYINSTALLER_PIN}, installed when missing) and self-test it; "
                    "on Linux, optionally the release archive (.tar.xz) and the .deb.")
    parser.add_argument("--self-test", action="store_true",
                        help="only run the self-test on an existing bundle (dist/tvdesk/, "
                             "or --app-dir)")
    parser.add_argument("--no-self-test", action="store_true",
                        help="build without running the self-test")
    parser.add_argument("--app-dir", type=Path,
                        help="the bundle to self-test or package (default: DIST/tvdesk); "
                             "e.g. opt/tvdesk of an unpacked .deb")
    parser.add_argument("--no-build", action="store_true",
                        help="package (--deb, --archive) the existing bundle, do not build")
    parser.add_argument("--archive", action="store_true",
                        help="also write DIST/tvdesk-VERSION-linux-ARCH.tar.xz (Linux)")
    parser.add_argument("--deb", action="store_true",
                        help="also write DIST/tvdesk_VERSION_ARCH.deb (Linux, dpkg-deb)")
    parser.add_argument("--xz-level", type=int, choices=range(10), default=XZ_LEVEL,
                        metavar="0-9", help=f"xz preset for --deb and --archive "
                                            f"(default {XZ_LEVEL})")
    parser.add_argument("--dist", type=Path, default=DIST,
                        help="where the bundle and release files go (default: dist/)")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="PyInstaller's and the .deb's temporary files "
                             "(default: build/pyinstaller/)")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    app_dir = (args.app_dir or dist / "tvdesk").resolve()
    if (args.deb or args.archive) and not sys.platform.startswith("linux"):
        parser.error("--deb and --archive are built on Linux only")
    started = time.monotonic()
    try:
        if not (args.self_test or args.no_build):
            if args.app_dir:
                parser.error("--app-dir is for --self-test or --no-build; builds go to --dist")
            ensure_pyinstaller()
            make_windows_icon()
            run_pyinstaller(dist, work)
            if sys.platform.startswith("linux"):
                cleared = drop_build_machine_runpaths(app_dir)
                if cleared:
                    say(f"removed the build machine's RUNPATH from {len(cleared)} binaries")
            say(f"built {app_dir} in {time.monotonic() - started:.0f} s")
        if not args.no_self_test and not args.no_build:
            tested = time.monotonic()
            self_test(app_dir)
            say(f"self-test passed in {time.monotonic() - tested:.0f} s")
        report_size(app_dir)
        if args.archive:
            packed = time.monotonic()
            archive = make_archive(app_dir, dist, args.xz_level)
            say(f"release archive: {archive} {megabytes(archive.stat().st_size)} "
                f"(in {time.monotonic() - packed:.0f} s)")
        if args.deb:
            packed = time.monotonic()
            deb = make_deb(app_dir, dist, work, args.xz_level)
            say(f"Debian package: {deb} {megabytes(deb.stat().st_size)} "
                f"(in {time.monotonic() - packed:.0f} s)")
    except (SelfTestError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        say(f"FAILED: {error}")
        return 1
    say(f"total time: {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
