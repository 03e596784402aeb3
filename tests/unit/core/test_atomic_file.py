"""Atomic writes with a backup copy, setting damaged files aside, JSON loading with recovery."""

from __future__ import annotations

import errno
import json
import os
import time

import pytest

from tvdesk.core import atomic_file
from tvdesk.core.atomic_file import (
    CORRUPT,
    UNREADABLE,
    Loaded,
    backup_path,
    load_json,
    set_aside,
    write_text_atomic,
)


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def parse_dict(raw):
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    return raw


def test_first_write_creates_the_folder_and_no_backup(tmp_path):
    target = tmp_path / "a" / "b" / "f.json"
    write_text_atomic(target, "één")
    assert target.read_text(encoding="utf-8") == "één"
    assert names(target.parent) == ["f.json"]


def test_replacing_keeps_the_previous_file_as_bak(tmp_path):
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert target.read_text() == "two"
    assert backup_path(target).read_text() == "one"
    write_text_atomic(target, "three")
    assert backup_path(target).read_text() == "two"
    assert names(tmp_path) == ["f.json", "f.json.bak"]


def test_replacing_is_a_rename_not_a_rewrite(tmp_path):
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    before = target.stat().st_ino
    write_text_atomic(target, "two")
    assert target.stat().st_ino != before


def test_without_keep_backup_the_bak_is_left_alone(tmp_path):
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    write_text_atomic(target, "three", keep_backup=False)
    assert target.read_text() == "three"
    assert backup_path(target).read_text() == "one"


def test_backup_is_copied_where_hard_links_are_not_supported(tmp_path, monkeypatch):
    def no_links(*_args, **_kwargs):
        raise OSError(errno.EPERM, "no hard links here")

    monkeypatch.setattr(atomic_file.os, "link", no_links)
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert backup_path(target).read_text() == "one"
    assert names(tmp_path) == ["f.json", "f.json.bak"]


@pytest.mark.parametrize("failing", ["fsync", "write"])
def test_disk_full_leaves_the_old_file_the_old_backup_and_no_temp(tmp_path, monkeypatch, failing):
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    monkeypatch.setattr(atomic_file.os, failing, disk_full)
    with pytest.raises(OSError) as caught:
        write_text_atomic(target, "three" * 1000)
    assert caught.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert target.read_text() == "two"
    assert backup_path(target).read_text() == "one"
    assert names(tmp_path) == ["f.json", "f.json.bak"]


def test_failing_rename_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    real_replace = os.replace

    def refuse_main(src, dst):
        if os.fspath(dst) == os.fspath(target):
            raise OSError(errno.EACCES, "refused")
        real_replace(src, dst)

    monkeypatch.setattr(atomic_file.os, "replace", refuse_main)
    with pytest.raises(OSError):
        write_text_atomic(target, "two")
    assert target.read_text() == "one"
    assert not any(name.endswith(".tmp") for name in names(tmp_path))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_unwritable_folder_raises_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "f.json"
    write_text_atomic(target, "one")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OSError):
            write_text_atomic(target, "two")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_text() == "one"
    assert names(tmp_path) == ["f.json"]


def test_set_aside_names_by_time_and_never_overwrites(tmp_path):
    fixed = time.mktime((2024, 3, 5, 14, 7, 9, 0, 0, -1))
    target = tmp_path / "f.json"
    kept = []
    for content in ("bad 1", "bad 2", "bad 3"):
        target.write_text(content)
        kept.append(set_aside(target, clock=lambda: fixed))
    assert [p.name for p in kept] == ["f.json.corrupt-20240305-140709",
                                      "f.json.corrupt-20240305-140709-2",
                                      "f.json.corrupt-20240305-140709-3"]
    assert [p.read_text() for p in kept] == ["bad 1", "bad 2", "bad 3"]
    assert not target.exists()


def test_set_aside_without_hard_links_still_never_overwrites(tmp_path, monkeypatch):
    def no_links(*_args, **_kwargs):
        raise OSError(errno.EPERM, "no hard links here")

    monkeypatch.setattr(atomic_file.os, "link", no_links)
    target = tmp_path / "f.json"
    for content in ("bad 1", "bad 2"):
        target.write_text(content)
        set_aside(target, clock=lambda: 0.0)
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == ["bad 1", "bad 2"]


def test_set_aside_of_a_missing_file_returns_none(tmp_path):
    assert set_aside(tmp_path / "nothing.json") is None
    assert names(tmp_path) == []


def test_load_json_missing_file(tmp_path):
    assert load_json(tmp_path / "f.json", parse_dict) == Loaded(None)


def test_load_json_good_file(tmp_path):
    target = tmp_path / "f.json"
    target.write_text('{"a": 1}')
    assert load_json(target, parse_dict) == Loaded({"a": 1})


def test_load_json_unreadable(tmp_path):
    target = tmp_path / "f.json"
    target.mkdir()
    loaded = load_json(target, parse_dict)
    assert loaded.value is None and loaded.problem == UNREADABLE
    assert target.is_dir()  # nothing was moved


@pytest.mark.parametrize("content", [b"{", b"[1, 2]", b"\xff\xfe garbage", b"[" * 100_000])
def test_load_json_damaged_without_backup_sets_it_aside(tmp_path, content):
    target = tmp_path / "f.json"
    target.write_bytes(content)
    loaded = load_json(target, parse_dict)
    assert loaded.value is None and loaded.problem == CORRUPT and not loaded.from_backup
    assert loaded.set_aside_path.read_bytes() == content
    assert not target.exists()


def test_load_json_damaged_uses_and_restores_a_good_backup(tmp_path):
    target = tmp_path / "f.json"
    write_text_atomic(target, json.dumps({"good": True}))
    write_text_atomic(target, json.dumps({"good": "newer"}))
    target.write_text('{"good": "newe')  # damaged after it was saved

    loaded = load_json(target, parse_dict)
    assert loaded.value == {"good": True}
    assert loaded.problem == CORRUPT and loaded.from_backup
    assert loaded.set_aside_path.read_text() == '{"good": "newe'
    assert json.loads(target.read_text()) == {"good": True}  # the next start finds it
    assert load_json(target, parse_dict) == Loaded({"good": True})


def test_load_json_damaged_with_a_damaged_backup(tmp_path):
    target = tmp_path / "f.json"
    target.write_text("[]")
    backup_path(target).write_text("{")
    loaded = load_json(target, parse_dict)
    assert loaded.value is None and loaded.problem == CORRUPT and not loaded.from_backup
    assert not target.exists()
    assert backup_path(target).read_text() == "{"  # left alone; the next save replaces it


def test_a_missing_main_file_does_not_bring_back_the_backup(tmp_path):
    # Deleting the file is how people reset; the .bak is only for damaged files.
    target = tmp_path / "f.json"
    backup_path(target).write_text('{"old": 1}')
    assert load_json(target, parse_dict) == Loaded(None)
