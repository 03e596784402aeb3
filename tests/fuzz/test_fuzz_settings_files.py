"""Property tests: whatever is in settings.json or history.json, loading never raises.

A file that does not fit is set aside (its bytes kept as they were) and the defaults,
or the records that fit, are used; what was loaded saves and loads back unchanged.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from tvdesk.core.history import CallHistory, CallRecord
from tvdesk.core.settings import Settings, SettingsStore

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# Text as JSON can carry it: any code point, lone surrogates included ("\ud800" is
# valid JSON and json.loads gives a str with a surrogate in it).
json_text = st.one_of(
    st.text(max_size=12), st.text(max_size=12), st.text(max_size=12),
    st.text(st.characters(categories=["Cs", "Cc", "Cf", "Co", "Zl", "Lo"]), max_size=6))
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(), st.integers(-10**500, 10**500),
    st.floats(allow_nan=True, allow_infinity=True), json_text)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(json_text, children, max_size=4),
    max_leaves=12,
)

# Near-valid settings: the real keys, each with either a plausible or a random value.
SETTINGS_KEYS = {
    "version": st.sampled_from([1, 0, 2, -1, True, "1", 1.0]),
    "api_base": st.sampled_from(["https://api.totalvoice.com.br", "", "ftp://x", "\ud800"]),
    "extensions": st.lists(st.fixed_dictionaries({}, optional={
        "ramal": st.sampled_from(["4000", "40", 4000, "٤٠٠٠", "4000\n", True, None]),
        "label": json_text,
        "id_ramal": st.sampled_from([101, True, "101", None, 10**30]),
        "tipo": st.sampled_from(["floating", "embedded", "hidden", "popup", 1]),
    }), max_size=3) | json_values,
    "default_ramal": json_text,
    "tipo": st.sampled_from(["floating", "embedded", "hidden", "x"]),
    "fechar_fim": st.sampled_from([True, False, 1, "true"]),
    "phone_window_geometry": json_text,
    "main_window_geometry": json_text,
    "region": st.sampled_from(["BR", "PT", "US", "br", "XX", "", 55]),
    "favourites": st.lists(st.fixed_dictionaries({}, optional={
        "name": json_text | st.sampled_from(["Ana", " ", "x" * 81]),
        "number": json_text | st.sampled_from(["(48) 3283-0151", "1\n2", "9" * 65]),
    }), max_size=3) | json_values,
    "confirm_external_dials": st.booleans() | json_scalars,
    "history_limit": st.sampled_from([1, 50, 500, 0, 501, True, 50.0, "50"]),
    "hotkey_enabled": st.booleans() | json_scalars,
    "hotkey": st.sampled_from(["Ctrl+Alt+D", "", "x" * 65, "Ctrl\n"]) | json_text,
    "language": st.sampled_from(["auto", "pt_BR", "en", "fr"]),
    "warm_engine": st.booleans(),
    "do_not_disturb": st.booleans(),
    "dnd_action": st.sampled_from(["decline", "ignore", "hangup"]),
    "unknown_key": json_values,
}
one_line = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1,
                   max_size=20).filter(lambda t: t.strip() and t.isprintable())
VALID_SETTINGS_KEYS = {
    "version": st.sampled_from([1, 0, -3]),
    "api_base": st.sampled_from(["https://api.totalvoice.com.br", "https://voice-api.zenvia.com",
                                 "", "http://127.0.0.1:1"]) | one_line,
    "extensions": st.lists(st.fixed_dictionaries(
        {"ramal": st.from_regex(r"[0-9]{3,4}", fullmatch=True) | st.integers(100, 9999)},
        optional={"label": st.text(max_size=10), "id_ramal": st.integers() | st.none(),
                  "tipo": st.sampled_from(["floating", "embedded", "hidden"])}), max_size=3),
    "default_ramal": st.sampled_from(["", "4000"]) | st.text(max_size=5),
    "tipo": st.sampled_from(["floating", "embedded", "hidden"]),
    "fechar_fim": st.booleans(),
    "phone_window_geometry": st.text(max_size=20),
    "region": st.sampled_from(["BR", "PT", "US", "AR", "DE"]),
    "favourites": st.lists(st.fixed_dictionaries({"name": one_line, "number": one_line}),
                           max_size=3),
    "confirm_external_dials": st.booleans(),
    "history_limit": st.integers(1, 500),
    "hotkey_enabled": st.booleans(),
    "hotkey": st.sampled_from(["", "Ctrl+Alt+D", "Meta+F9"]) | one_line,
    "language": st.sampled_from(["auto", "pt_BR", "en"]),
    "warm_engine": st.booleans(),
    "do_not_disturb": st.booleans(),
    "dnd_action": st.sampled_from(["decline", "ignore"]),
    "unknown_key": json_values,
}
valid_settings = st.fixed_dictionaries({}, optional=VALID_SETTINGS_KEYS)
near_valid_settings = st.one_of(valid_settings, valid_settings,
                                st.fixed_dictionaries({}, optional=SETTINGS_KEYS))

RECORD_KEYS = {
    "number": st.sampled_from(["+554832830151", "4001", "", " "]) | json_text,
    "display": st.sampled_from(["(48) 3283-0151", ""]) | json_text,
    "ramal": st.sampled_from(["4000", ""]) | json_text,
    "when": st.sampled_from([1.7e9, 0, -1, True, "1", 10**400]) | st.floats() | st.integers(),
    "kind": st.sampled_from(["outgoing", "missed", "incoming", "forwarded"]),
}
VALID_RECORD = st.fixed_dictionaries({
    "number": st.sampled_from(["+554832830151", "4001", "+5511987654321"]) | one_line,
    "display": st.text(max_size=12), "ramal": st.sampled_from(["4000", "4001"]),
    "when": st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**20, 10**20),
}, optional={"kind": st.sampled_from(["outgoing", "missed", "incoming"])})
valid_history = st.fixed_dictionaries({"version": st.just(1),
                                       "calls": st.lists(VALID_RECORD, max_size=60)})
near_valid_history = valid_history | valid_history | st.fixed_dictionaries({}, optional={
    "version": st.sampled_from([1, 1, 1, 0, 2, True, "1"]),
    "calls": st.lists(VALID_RECORD | st.fixed_dictionaries({}, optional=RECORD_KEYS)
                      | json_values, max_size=60) | json_values,
})


def _as_file_bytes(value, indent):
    return json.dumps(value, indent=indent, ensure_ascii=indent is None).encode(
        "utf-8", "surrogatepass")


def file_contents(near_valid):
    """Bytes for the file: mostly near-valid JSON, else random JSON, random bytes, a
    UTF-8 BOM in front (as Notepad writes), a cut-off file, or very deep nesting."""
    indent = st.sampled_from([None, 2])
    near = st.builds(_as_file_bytes, near_valid, indent)
    kinds = [near, near, near, near, near,
             st.builds(_as_file_bytes, json_values, indent),
             st.binary(max_size=200),
             near.map(lambda b: b"\xef\xbb\xbf" + b),
             near.map(lambda b: b[: len(b) // 2]),
             st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n)]
    return st.integers(0, len(kinds) - 1).flatmap(lambda index: kinds[index])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-files")


def _fresh_dir(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


def _check_set_aside(folder: Path, name: str, problem, set_aside_path, original: bytes) -> None:
    if problem is None:
        assert (folder / name).read_bytes() == original   # a good file is left alone
        return
    assert problem == "corrupt"
    assert set_aside_path is not None and set_aside_path.parent == folder
    assert set_aside_path.name.startswith(f"{name}.corrupt-")
    assert set_aside_path.read_bytes() == original         # kept, byte for byte


# --- settings -----------------------------------------------------------------------

@FUZZ
@given(file_contents(near_valid_settings))
@example(b'{"extensions": {}}')
@example(b'{"version": -7}')
def test_any_settings_file_loads_and_what_loads_saves_and_loads_back(scratch, data):
    folder = _fresh_dir(scratch)
    try:
        path = folder / "settings.json"
        path.write_bytes(data)
        store = SettingsStore(path)
        loaded = store.load()                               # never raises
        assert isinstance(loaded, Settings)
        event(f"settings load_problem={store.load_problem}")
        _check_set_aside(folder, "settings.json", store.load_problem, store.set_aside_path, data)

        store.save(loaded)
        again = SettingsStore(path)
        assert again.load() == loaded
        assert again.load_problem is None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(st.builds(_as_file_bytes, near_valid_settings, st.just(None)))
def test_settings_that_load_also_pass_validate(scratch, data):
    folder = _fresh_dir(scratch)
    try:
        path = folder / "settings.json"
        path.write_bytes(data)
        store = SettingsStore(path)
        loaded = store.load()
        loaded.validate()          # the UI validates before saving: loaded ones must pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- history ------------------------------------------------------------------------

def _save_like_the_app(path: Path, records: list[CallRecord]) -> None:
    """Write `records` (newest first) through the public API only, as calls are added."""
    history = CallHistory(path)
    for record in reversed(records):
        history.add(record)


def _history_round_trip(scratch: Path, data: bytes) -> None:
    folder = _fresh_dir(scratch)
    try:
        path = folder / "history.json"
        path.write_bytes(data)
        history = CallHistory(path)
        records = history.load()                            # never raises
        if currently_in_test_context():
            event(f"history load_problem={history.load_problem}, "
                  f"{'some' if records else 'no'} records")
        assert all(isinstance(r, CallRecord) for r in records)
        assert len({r.number for r in records}) == len(records) <= history.limit
        _check_set_aside(folder, "history.json", history.load_problem, history.set_aside_path,
                         data)

        copy = folder / "copy" / "history.json"
        _save_like_the_app(copy, records)
        again = CallHistory(copy)
        assert again.load() == records
        assert again.load_problem is None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


HISTORY_SURROGATE = b'{"version": 1, "calls": [{"number": "+554832830151", ' \
                    b'"display": "\\udc00", "ramal": "4000", "when": 1.0}]}'
HISTORY_HUGE_WHEN = b'{"version": 1, "calls": [{"number": "4001", "display": "", ' \
                    b'"ramal": "4000", "when": 1' + b"0" * 400 + b"}]}"


@FUZZ
@given(file_contents(near_valid_history))
@example(b'{"version": 1, "calls": [{"number": "4001", "display": "", "ramal": "4000", '
         b'"when": 1e400}]}')
def test_any_history_file_loads_and_what_loads_saves_and_loads_back(scratch, data):
    _history_round_trip(scratch, data)


def test_a_history_entry_with_a_huge_integer_time_is_skipped(scratch):
    _history_round_trip(scratch, HISTORY_HUGE_WHEN)


def test_a_history_entry_with_a_lone_surrogate_does_not_break_saving(scratch):
    _history_round_trip(scratch, HISTORY_SURROGATE)


def test_settings_with_a_lone_surrogate_can_be_saved_after_loading(scratch):
    folder = _fresh_dir(scratch)
    path = folder / "settings.json"
    path.write_bytes(b'{"extensions": [{"ramal": "4000", "label": "\\ud800"}]}')
    store = SettingsStore(path)
    store.save(store.load())
