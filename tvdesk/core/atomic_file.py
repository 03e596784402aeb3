"""Files that survive a crash, a full disk and a damaged copy.

Writes go to a temporary file in the same folder, are flushed to the disk, and then
renamed over the real file in one step, so a reader sees either the old file or the
new one, never half of each. The file that was there before stays as `<name>.bak`, so
that if the new one is later damaged (a bad disk, a hand edit) what was saved before
can still be read. A damaged file is never deleted: it is renamed to
`<name>.corrupt-<YYYYmmdd-HHMMSS>[-N]` for the person (or a bug report) to look at.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger("tvdesk.files")

T = TypeVar("T")

CORRUPT = "corrupt"        # the file did not parse or did not fit its schema; it was set aside
UNREADABLE = "unreadable"  # the file could not be read at all (permissions, a folder, I/O error)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def write_text_atomic(path: Path, text: str, *, keep_backup: bool = True) -> None:
    """Replace `path` with `text` (UTF-8) in one step; create its folder if needed.

    With `keep_backup`, the file being replaced becomes `<name>.bak` (itself swapped in
    atomically). On any failure the temporary file is removed, `path` is untouched and
    the error (OSError for a full disk or an unwritable folder) propagates.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep_backup and path.is_file():
            _replace_backup(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _replace_backup(path: Path) -> None:
    """Make `<name>.bak` hold what `path` holds now, without a moment where it is partial."""
    target = backup_path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        try:
            # A second name for the same data: nothing is copied, so it cannot run out of space.
            os.link(path, tmp)
        except OSError:  # file systems without hard links (FAT, some network shares)
            shutil.copyfile(path, tmp)
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort, the data is already safe."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def set_aside(path: Path, *, clock: Callable[[], float] = time.time) -> Path | None:
    """Rename a damaged file to `<name>.corrupt-<YYYYmmdd-HHMMSS>[-N]`.

    Never overwrites an earlier set-aside copy. Returns the new path, or None when the
    file could not be renamed (it is then left where it was).
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(clock()))
    base = f"{path.name}.corrupt-{stamp}"
    for counter in range(1, 10_000):
        target = path.with_name(base if counter == 1 else f"{base}-{counter}")
        try:
            _rename_no_overwrite(path, target)
        except FileExistsError:
            continue
        except OSError as error:
            log.warning("could not set aside %s: %s", path.name, error.strerror)
            return None
        return target
    return None


def _rename_no_overwrite(source: Path, target: Path) -> None:
    # os.rename silently replaces an existing target on POSIX; a hard link refuses to.
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(target) from None
        os.rename(source, target)  # no hard links here: check-then-rename is the best we have
        return
    os.unlink(source)


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """What `load_json` found.

    `value` is None when there was nothing usable (the caller starts from its defaults).
    `problem` is None, CORRUPT or UNREADABLE; it stays set when the value came from the
    backup, because the person should still hear that the file was damaged.
    """

    value: T | None
    problem: str | None = None
    set_aside_path: Path | None = None
    from_backup: bool = False


def load_json(path: Path, parse: Callable[[Any], T]) -> Loaded[T]:
    """Read `path` as JSON and build a value with `parse`.

    `parse` raises ValueError or TypeError when the JSON does not fit. A missing file is
    not a problem (value None). A damaged file is set aside; then `<name>.bak` is tried
    and, when it fits, used and copied back into place. Never raises for bad content.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Loaded(None)
    except OSError as error:
        log.warning("cannot read %s: %s", path.name, error.strerror)
        return Loaded(None, UNREADABLE)
    try:
        return Loaded(_parse_bytes(data, parse))
    except (ValueError, TypeError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        log.warning("%s is damaged (%s); setting it aside", path.name, error)
    aside = set_aside(path)
    recovered = _load_backup(path, parse)
    if recovered is None:
        return Loaded(None, CORRUPT, aside)
    value, text = recovered
    log.warning("using the backup copy of %s", path.name)
    if aside is not None:  # put the good copy back, so the next start finds it
        try:
            write_text_atomic(path, text, keep_backup=False)
        except OSError as error:
            log.warning("could not restore %s from its backup: %s", path.name, error.strerror)
    return Loaded(value, CORRUPT, aside, from_backup=True)


def _load_backup(path: Path, parse: Callable[[Any], T]) -> tuple[T, str] | None:
    try:
        data = backup_path(path).read_bytes()
        return _parse_bytes(data, parse), data.decode("utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("cannot read the backup of %s: %s", path.name, error.strerror)
        return None
    except (ValueError, TypeError, RecursionError) as error:
        log.warning("the backup of %s is damaged too (%s)", path.name, error)
        return None


def _parse_bytes(data: bytes, parse: Callable[[Any], T]) -> T:
    """Parse a saved file; anything odd in it is a ValueError (the file is then set aside)."""
    value = json.loads(data.decode("utf-8-sig"))   # a BOM (old Windows editors) is fine
    try:
        # "\ud800" is valid JSON but not text we could ever write back.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return parse(value)
    except (UnicodeEncodeError, ArithmeticError) as error:
        raise ValueError(f"unusable content: {type(error).__name__}") from None
