"""The Linux release, built for real: the PyInstaller bundle, the .deb and the tar.xz.

One test, because each step needs the one before (about 3 minutes on 2 cores):

1. `packaging/build.py --deb`: builds the bundle, runs its self-test (a call through Qt
   WebEngine until the microphone is granted), writes the .deb;
2. at the same time: lintian on the .deb, the tar.xz archive, and the .deb unpacked with
   `dpkg-deb -x` and self-tested from there (/opt/tvdesk as installed);
3. sizes (the bundle ≤ 400 MB unpacked, the .deb and the tar.xz ≤ 125 MB), the .deb's
   files and control fields (`dpkg-deb -c/-I/-e`), the desktop entry it installs.

The release is compressed with xz preset 6; the test uses preset 3, which is faster and
compresses less, so its sizes are an upper bound for the release's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

import tvdesk

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "packaging" / "build.py"
MAX_UNPACKED = 400_000_000
MAX_COMPRESSED = 125_000_000
TEST_XZ_LEVEL = "3"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.webengine,
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="the bundle, the .deb and the tar.xz are built on Linux only"),
]


def _build_py(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def _start_build_py(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(BUILD), *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def _finish(process: subprocess.Popen[str], timeout: float) -> tuple[int, str]:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"{process.args} took more than {timeout:g} s:\n{output}") from None
    return process.returncode, output


def _size_of_tree(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _control_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def _lintian() -> str | None:
    path = shutil.which("lintian")
    if path is None and os.environ.get("CI") == "true":
        pytest.fail("lintian is not installed (CI: .ci/run installs it)")
    return path


def test_bundle_deb_and_archive(tmp_path):
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing from the test venv: pip install -e '.[test]' "
                    "(the test does not download it)")
    for tool in ("dpkg-deb", "objdump", "strip", "xz", "tar"):
        assert shutil.which(tool), f"{tool} is needed to build the .deb (Debian: dpkg, binutils)"
    lintian = _lintian()
    dist, work = tmp_path / "dist", tmp_path / "work"
    timings: dict[str, float] = {}
    started = time.monotonic()

    # 1. Bundle, self-test, .deb.
    result = _build_py("--deb", "--xz-level", TEST_XZ_LEVEL, "--dist", str(dist),
                       "--work", str(work), timeout=420)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    timings["build, self-test, .deb"] = time.monotonic() - started
    app_dir = dist / "tvdesk"
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    deb = dist / f"tvdesk_{tvdesk.__version__}_{arch}.deb"
    assert deb.is_file(), result.stdout

    # 2. In parallel: lintian, the tar.xz, and the .deb unpacked and self-tested.
    step = time.monotonic()
    linting = (subprocess.Popen([lintian, "--tag-display-limit", "0", str(deb)], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               if lintian else None)
    archiving = _start_build_py("--no-build", "--archive", "--xz-level", TEST_XZ_LEVEL,
                                "--dist", str(dist), "--work", str(work))
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=180)
    control_dir = tmp_path / "DEBIAN"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(control_dir)], check=True, timeout=60)
    installed = _build_py("--self-test", "--app-dir", str(root / "opt" / "tvdesk"), timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "microphone granted" in installed.stdout
    timings["unpacked .deb self-test"] = time.monotonic() - step
    code, archive_output = _finish(archiving, timeout=400)
    assert code == 0, archive_output
    timings["tar.xz"] = time.monotonic() - step
    if linting:
        code, lintian_output = _finish(linting, timeout=400)
        timings["lintian"] = time.monotonic() - step

    # 3a. Sizes.
    unpacked = _size_of_tree(app_dir)
    archive = dist / f"tvdesk-{tvdesk.__version__}-linux-{os.uname().machine}.tar.xz"
    sizes = {"unpacked": unpacked, ".deb": deb.stat().st_size,
             "tar.xz": archive.stat().st_size}
    report = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items())
    report += "; " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    print(report)
    assert unpacked <= MAX_UNPACKED, report
    assert sizes[".deb"] <= MAX_COMPRESSED, report
    assert sizes["tar.xz"] <= MAX_COMPRESSED, report
    assert _size_of_tree(root / "opt" / "tvdesk") == unpacked  # the .deb carries the bundle as is

    # 3b. The archive: one folder, tvdesk/, with the program in it.
    with tarfile.open(archive, mode="r|xz") as stream:
        names = []
        for member in stream:
            names.append(member.name)
            if len(names) == 200:
                break
    assert all(name == "tvdesk" or name.startswith("tvdesk/") for name in names), names[:10]
    assert "tvdesk/tvdesk" in names or "tvdesk/_internal" in names

    # 3c. The .deb's files.
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    paths = {}
    for line in listing.splitlines():
        mode, owner, *_rest = line.split(None, 5)
        path = line.split(" ./", 1)[1]
        paths["/" + path.split(" -> ")[0].rstrip("/")] = (mode, owner, line)
    assert {owner for _mode, owner, _line in paths.values()} == {"root/root"}
    for expected in ("/opt/tvdesk/tvdesk", "/opt/tvdesk/_internal/PySide6/Qt/libexec/QtWebEngineProcess",
                     "/usr/bin/tvdesk", "/usr/share/applications/tvdesk.desktop",
                     "/usr/share/icons/hicolor/scalable/apps/tvdesk.svg",
                     "/usr/share/icons/hicolor/48x48/apps/tvdesk.png",
                     "/usr/share/icons/hicolor/256x256/apps/tvdesk.png",
                     "/usr/share/metainfo/br.com.tvdesk.metainfo.xml",
                     "/usr/share/doc/tvdesk/copyright", "/usr/share/doc/tvdesk/changelog.gz",
                     "/usr/share/man/man1/tvdesk.1.gz", "/usr/share/lintian/overrides/tvdesk"):
        assert expected in paths, f"{expected} not in the .deb"
    assert paths["/usr/bin/tvdesk"][0].startswith("l")
    assert paths["/usr/bin/tvdesk"][2].endswith(" -> /opt/tvdesk/tvdesk")
    assert paths["/opt/tvdesk/tvdesk"][0] == "-rwxr-xr-x"
    assert paths["/usr/share/doc/tvdesk/copyright"][0] == "-rw-r--r--"
    assert not any(p.startswith(("/opt/tvdesk/_internal/PySide6/Qt/qml",
                                 "/opt/tvdesk/_internal/PySide6/Qt/plugins/platformthemes/libqgtk3"))
                   for p in paths)
    assert not any(p.endswith("qtwebengine_devtools_resources.pak") for p in paths)
    locales = {Path(p).name for p in paths if "/qtwebengine_locales/" in p}
    assert locales == {"en-US.pak", "pt-BR.pak"}

    desktop = (root / "usr/share/applications/tvdesk.desktop").read_text(encoding="utf-8")
    assert "MimeType=x-scheme-handler/tel;x-scheme-handler/callto;" in desktop.splitlines()
    assert "Exec=/usr/bin/tvdesk %u" in desktop.splitlines()
    assert "Icon=tvdesk" in desktop.splitlines()
    validate = shutil.which("desktop-file-validate")
    if validate:
        checked = subprocess.run([validate, str(root / "usr/share/applications/tvdesk.desktop")],
                                 capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stdout + checked.stderr

    # 3d. The control file and the maintainer scripts.
    info = subprocess.run(["dpkg-deb", "-I", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    assert "postinst" in info and "postrm" in info
    fields = _control_fields((control_dir / "control").read_text(encoding="utf-8"))
    assert fields["Package"] == "tvdesk"
    assert fields["Version"] == tvdesk.__version__
    assert fields["Architecture"] == arch
    assert re.fullmatch(r".+ <[^@\s]+@[^@\s]+>", fields["Maintainer"])
    assert int(fields["Installed-Size"]) * 1024 >= unpacked
    assert fields["Section"] and fields["Priority"] == "optional"
    assert fields["Description"].startswith("softphone")
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert re.fullmatch(r"libc6 \(>= 2\.\d+\)", depends[0]), depends
    # the system libraries the bundle leaves to the system (see the spec)
    for package in ("libstdc++6", "libnss3", "libgl1", "libx11-6", "libfontconfig1"):
        assert package in depends, depends
    for script in ("postinst", "postrm"):
        path = control_dir / script
        assert os.access(path, os.X_OK), script
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#!/bin/sh") and "set -e" in text
        for tool in ("update-desktop-database", "update-mime-database", "gtk-update-icon-cache"):
            assert f"command -v {tool}" in text, (script, tool)
    md5sums = (control_dir / "md5sums").read_text(encoding="utf-8")
    assert "  opt/tvdesk/tvdesk\n" in md5sums

    # 3e. lintian: nothing but what the overrides explain (packaging/debian/lintian-overrides).
    if linting:
        tags = [line for line in lintian_output.splitlines() if re.match(r"^[EW]: ", line)]
        assert tags == [], lintian_output
