"""Recent calls: order, one entry per number, the limit, and surviving bad files."""

from __future__ import annotations

import errno
import json
import time

import pytest

from tvdesk.core import atomic_file
from tvdesk.core.history import HISTORY_FILE_NAME, CallHistory, CallRecord


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / HISTORY_FILE_NAME


def call(number, when, ramal="4000", display=None, kind="outgoing"):
    return CallRecord(number=number, display=display or number, ramal=ramal, when=when, kind=kind)


def disk_full(_fd):
    raise OSError(errno.ENOSPC, "No space left on device")


def numbers(records):
    return [r.number for r in records]


def write_raw(path, raw):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = raw if isinstance(raw, str) else json.dumps(raw)
    path.write_text(text, encoding="utf-8")
    return text


def set_aside_files(path):
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def test_a_missing_file_is_an_empty_history(path):
    history = CallHistory(path)
    assert history.load() == []
    assert history.entries() == []
    assert history.last() is None
    assert history.load_problem is None
    assert not path.exists()


def test_newest_first_and_saved(path):
    history = CallHistory(path)
    history.add(call("+554832830151", 1.0, display="(48) 3283-0151"))
    history.add(call("4001", 2.0))
    history.add(call("+5511987654321", 3.0))
    assert numbers(history.entries()) == ["+5511987654321", "4001", "+554832830151"]
    assert history.last() == call("+5511987654321", 3.0)

    again = CallHistory(path)
    assert again.load() == history.entries()
    assert again.entries()[-1].display == "(48) 3283-0151"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["version"] == 1
    assert raw["calls"][0] == {"number": "+5511987654321", "display": "+5511987654321",
                               "ramal": "4000", "when": 3.0, "kind": "outgoing"}


def test_calling_a_number_again_moves_it_to_the_top_with_the_new_ramal_and_time(path):
    history = CallHistory(path)
    history.add(call("+554832830151", 1.0, ramal="4000"))
    history.add(call("4001", 2.0))
    history.add(call("+554832830151", 3.0, ramal="4002"))
    assert numbers(history.entries()) == ["+554832830151", "4001"]
    assert history.last().ramal == "4002" and history.last().when == 3.0
    assert CallHistory(path).entries() == history.entries()


def test_the_limit_caps_the_list_and_the_file(path):
    history = CallHistory(path, limit=3)
    for n in range(5):
        history.add(call(f"400{n}", float(n)))
    assert numbers(history.entries()) == ["4004", "4003", "4002"]
    assert len(json.loads(path.read_text())["calls"]) == 3


def test_lowering_the_limit_drops_the_oldest_at_once(path):
    history = CallHistory(path, limit=10)
    for n in range(5):
        history.add(call(f"400{n}", float(n)))
    history.set_limit(2)
    assert numbers(history.entries()) == ["4004", "4003"]
    assert numbers(CallHistory(path).entries()) == ["4004", "4003"]
    history.set_limit(20)
    history.add(call("4009", 9.0))
    assert numbers(history.entries()) == ["4009", "4004", "4003"]


def test_lowering_the_limit_on_a_full_disk_still_lowers_it(path, monkeypatch):
    history = CallHistory(path, limit=10)
    for n in range(5):
        history.add(call(f"400{n}", float(n)))
    monkeypatch.setattr(atomic_file.os, "fsync", disk_full)
    history.set_limit(2)  # no exception: the next save writes the shorter list
    monkeypatch.undo()
    assert numbers(history.entries()) == ["4004", "4003"]
    assert len(CallHistory(path).load()) == 5
    history.add(call("4009", 9.0))
    assert numbers(CallHistory(path).load()) == ["4009", "4004"]


def test_a_file_longer_than_the_limit_is_cut_on_load(path):
    write_raw(path, {"version": 1, "calls": [call(f"40{n:02d}", 100.0 - n).__dict__
                                             for n in range(10)]})
    assert numbers(CallHistory(path, limit=4).load()) == ["4000", "4001", "4002", "4003"]


@pytest.mark.parametrize("limit", [0, 501, -1, True, 5.0, "50"])
def test_invalid_limits_are_refused(path, limit):
    with pytest.raises(ValueError):
        CallHistory(path, limit=limit)
    history = CallHistory(path)
    with pytest.raises(ValueError):
        history.set_limit(limit)
    assert history.limit == 50


def test_clear_empties_the_file_and_forgets_the_backup(path):
    history = CallHistory(path)
    history.add(call("4000", 1.0))
    history.add(call("4001", 2.0))
    assert path.with_name(path.name + ".bak").exists()
    history.clear()
    assert history.entries() == [] and history.last() is None
    assert json.loads(path.read_text()) == {"version": 1, "calls": []}
    assert not path.with_name(path.name + ".bak").exists()
    assert CallHistory(path).load() == []


def test_adding_before_loading_keeps_what_was_on_disk(path):
    CallHistory(path).add(call("4000", 1.0))
    later = CallHistory(path)  # a new start; nobody called load() yet
    later.add(call("4001", 2.0))
    assert numbers(CallHistory(path).entries()) == ["4001", "4000"]


@pytest.mark.parametrize("raw", ["{", "\x00\x01garbage", "[]", '"calls"',
                                 {"calls": []}, {"version": 2, "calls": []},
                                 {"version": "1", "calls": []}, {"version": 1},
                                 {"version": 1, "calls": {"a": 1}}])
def test_a_damaged_file_without_backup_is_set_aside_and_the_history_starts_empty(path, raw):
    text = write_raw(path, raw)
    history = CallHistory(path)
    assert history.load() == []
    assert history.load_problem == "corrupt"
    kept = set_aside_files(path)
    assert len(kept) == 1 and history.set_aside_path == kept[0]
    assert kept[0].read_text(encoding="utf-8") == text
    history.add(call("4000", 1.0))  # and it keeps working
    assert numbers(CallHistory(path).entries()) == ["4000"]


def test_a_damaged_file_falls_back_to_the_backup(path):
    history = CallHistory(path)
    history.add(call("4000", 1.0))
    history.add(call("4001", 2.0))
    path.write_text('{"version": 1, "calls": [{"numb', encoding="utf-8")

    again = CallHistory(path)
    assert numbers(again.load()) == ["4000"]  # the copy before the last save
    assert again.load_problem == "corrupt"
    assert len(set_aside_files(path)) == 1
    assert numbers(CallHistory(path).load()) == ["4000"]


def test_an_unreadable_file_gives_an_empty_history(path):
    path.mkdir(parents=True)
    history = CallHistory(path)
    assert history.load() == []
    assert history.load_problem == "unreadable"
    assert path.is_dir()


def test_bad_entries_are_skipped_not_the_whole_file(path):
    good = [call("+554832830151", 5.0, display="(48) 3283-0151").__dict__,
            call("4001", 3.0, kind="missed").__dict__,
            {"number": "4002", "display": "4002", "ramal": "4000", "when": 2}]
    bad = ["4003", None, {"number": "", "display": "", "ramal": "4000", "when": 1.0},
           {"number": 4004, "display": "4004", "ramal": "4000", "when": 1.0},
           {"number": "4005", "display": "4005", "ramal": 4000, "when": 1.0},
           {"number": "4006", "display": "4006", "ramal": "4000", "when": "yesterday"},
           {"number": "4007", "display": "4007", "ramal": "4000", "when": True},
           {"number": "4008", "display": "4008", "ramal": "4000"},
           {"number": "4009", "display": "4009", "ramal": "4000", "when": 1.0, "kind": "video"}]
    write_raw(path, {"version": 1, "calls": [good[0], bad[0], good[1], *bad[1:], good[2]],
                     "future_key": True})
    history = CallHistory(path)
    assert numbers(history.load()) == ["+554832830151", "4001", "4002"]
    assert history.load_problem is None
    assert history.entries()[1].kind == "missed"
    assert history.entries()[2].when == 2.0
    assert set_aside_files(path) == []


def test_duplicates_in_the_file_keep_the_newest(path):
    write_raw(path, {"version": 1, "calls": [call("4000", 3.0, ramal="4010").__dict__,
                                             call("4001", 2.0).__dict__,
                                             call("4000", 1.0, ramal="4011").__dict__]})
    history = CallHistory(path)
    assert numbers(history.load()) == ["4000", "4001"]
    assert history.last().ramal == "4010"


def test_disk_full_on_add_keeps_the_file_and_updates_the_list(path, monkeypatch):
    history = CallHistory(path)
    history.add(call("4000", 1.0))
    before = path.read_bytes()
    monkeypatch.setattr(atomic_file.os, "fsync", disk_full)
    with pytest.raises(OSError) as caught:
        history.add(call("4001", 2.0))
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert numbers(history.entries()) == ["4001", "4000"]  # in memory, for this session
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [HISTORY_FILE_NAME]
    assert numbers(CallHistory(path).entries()) == ["4000"]


def test_two_hundred_calls_stay_fast(path):
    history = CallHistory(path, limit=500)
    started = time.perf_counter()
    for n in range(200):
        history.add(call(f"+55119{n:08d}", float(n)))
    assert time.perf_counter() - started < 1.0
    assert len(history.entries()) == 200
    assert history.last().number == "+5511900000199"
