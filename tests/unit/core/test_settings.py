"""Settings: schema defaults, atomic save, and recovery from bad files."""

from __future__ import annotations

import json

import pytest

from tvdesk.core.settings import (
    DOCUMENTED_API_BASE,
    SCHEMA_VERSION,
    Extension,
    Favourite,
    Settings,
    SettingsStore,
    is_valid_ramal,
    is_valid_region,
)


@pytest.fixture
def store(tmp_path):
    return SettingsStore(tmp_path / "config" / "settings.json")


def set_aside_files(store):
    return sorted(store.path.parent.glob(store.path.name + ".corrupt-*"))


def test_defaults():
    settings = Settings()
    assert settings.api_base == DOCUMENTED_API_BASE == "https://api.totalvoice.com.br"
    assert settings.extensions == []
    assert settings.default_ramal == ""
    assert settings.tipo == "floating"
    assert settings.fechar_fim is True
    assert settings.version == SCHEMA_VERSION
    assert settings.default_extension() is None


def test_missing_file_gives_defaults_without_a_problem(store):
    assert store.load() == Settings()
    assert store.load_problem is None
    assert not store.path.exists()


def test_round_trip(store):
    settings = Settings(api_base="https://voice-api.zenvia.com",
                        extensions=[Extension("4000", "Recepção", 101), Extension("4001")],
                        default_ramal="4001", tipo="embedded", fechar_fim=False,
                        phone_window_geometry="AdnQywADAAA=", main_window_geometry="xyz")
    store.save(settings)

    again = SettingsStore(store.path)
    assert again.load() == settings
    assert again.load_problem is None
    assert json.loads(store.path.read_text(encoding="utf-8"))["version"] == SCHEMA_VERSION
    assert "Recepção" in store.path.read_text(encoding="utf-8")  # readable, not \\u-escaped


def test_save_creates_the_folder_and_leaves_no_temporary_files(store):
    for n in range(3):
        store.save(Settings(default_ramal=f"40{n:02d}"))
    # the previous save stays as the backup copy; nothing else is left behind
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["settings.json",
                                                                   "settings.json.bak"]
    assert store.load().default_ramal == "4002"


def test_save_replaces_the_file_in_one_step(store):
    store.save(Settings(default_ramal="4000"))
    before = store.path.stat().st_ino
    store.save(Settings(default_ramal="4001"))
    assert store.path.stat().st_ino != before  # a new file renamed over, not rewritten in place


def test_failed_save_keeps_the_old_file_and_no_temp(store):
    store.save(Settings(default_ramal="4000"))

    class Unserialisable(Settings):
        def to_json(self):
            return {"x": object()}

    with pytest.raises(TypeError):
        store.save(Unserialisable())
    assert store.load().default_ramal == "4000"
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]


def test_corrupt_json_gives_defaults_and_keeps_the_bad_copy(store):
    store.path.parent.mkdir(parents=True)
    bad = '{"api_base": "https://voice-api.zenvia.com", "tipo": '
    store.path.write_text(bad, encoding="utf-8")

    assert store.load() == Settings()
    assert store.load_problem == "corrupt"
    kept = set_aside_files(store)
    assert len(kept) == 1
    assert store.set_aside_path == kept[0]
    assert kept[0].read_text(encoding="utf-8") == bad
    assert not store.path.exists()


@pytest.mark.parametrize("raw", [
    [],
    "settings",
    {"api_base": 42},
    {"fechar_fim": "yes"},
    {"fechar_fim": 1},
    {"tipo": "popup"},
    {"tipo": None},
    {"default_ramal": 4000},
    {"extensions": [{"ramal": "12"}]},
    {"extensions": [{"ramal": "40000"}]},
    {"extensions": [{"ramal": "abcd"}]},
    {"extensions": [{"label": "no ramal"}]},
    {"extensions": ["4000"]},
    {"extensions": [{"ramal": "4000", "label": 7}]},
    {"extensions": None},
    {"extensions": 3},
    {"version": SCHEMA_VERSION + 1},
    {"version": "1"},
    {"phone_window_geometry": ["x"]},
])
def test_schema_invalid_file_gives_defaults_and_keeps_the_bad_copy(store, raw):
    store.path.parent.mkdir(parents=True)
    text = json.dumps(raw)
    store.path.write_text(text, encoding="utf-8")

    assert store.load() == Settings()
    assert store.load_problem == "corrupt"
    kept = set_aside_files(store)
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == text


def test_a_file_written_by_a_newer_tvdesk_is_kept_aside(store):
    store.path.parent.mkdir(parents=True)
    newer = {"version": SCHEMA_VERSION + 1, "api_base": "https://voice-api.zenvia.com",
             "new_feature": True}
    store.path.write_text(json.dumps(newer), encoding="utf-8")
    assert store.load() == Settings()
    assert store.load_problem == "corrupt"
    assert json.loads(set_aside_files(store)[0].read_text(encoding="utf-8")) == newer


def test_binary_garbage_is_treated_as_corrupt(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"\xff\xfe\x00\x9c garbage from a bad disk")
    assert store.load() == Settings()
    assert store.load_problem == "corrupt"


def test_unreadable_settings_path_gives_defaults(store):
    store.path.mkdir(parents=True)  # a folder where the file should be
    assert store.load() == Settings()
    assert store.load_problem == "unreadable"


def test_a_good_load_clears_an_earlier_problem(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{", encoding="utf-8")
    store.load()
    assert store.load_problem == "corrupt"
    store.save(Settings(default_ramal="4000"))
    assert store.load().default_ramal == "4000"
    assert store.load_problem is None


def test_partial_file_fills_in_defaults(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"tipo": "hidden", "extensions": [{"ramal": 4000}]}),
                          encoding="utf-8")
    settings = store.load()
    assert store.load_problem is None
    assert settings.tipo == "hidden"
    assert settings.extensions == [Extension("4000")]  # an int ramal, as one API example has
    assert settings.api_base == DOCUMENTED_API_BASE
    assert settings.fechar_fim is True


def test_empty_api_base_falls_back_to_the_default(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"api_base": ""}), encoding="utf-8")
    assert store.load().api_base == DOCUMENTED_API_BASE


def test_merge_extensions_keeps_the_persons_labels():
    settings = Settings(extensions=[Extension("4000", "Front desk"), Extension("4001", "")])
    added = settings.merge_extensions([Extension("4000", "Recepção", 101),
                                       Extension("4001", "Vendas", 102),
                                       Extension("4002", "Suporte", 103)])
    assert added == 1
    assert settings.extensions == [Extension("4000", "Front desk", 101),
                                   Extension("4001", "Vendas", 102),
                                   Extension("4002", "Suporte", 103)]
    assert settings.default_ramal == "4000"  # none was set: the first one


def test_merge_extensions_keeps_the_chosen_default():
    settings = Settings(default_ramal="4001")
    settings.merge_extensions([Extension("4000"), Extension("4001")])
    assert settings.default_ramal == "4001"
    assert settings.merge_extensions([Extension("4000")]) == 0


def test_default_extension_falls_back_to_the_first():
    settings = Settings(extensions=[Extension("4000"), Extension("4001", "B")],
                        default_ramal="4001")
    assert settings.default_extension() == Extension("4001", "B")
    settings.default_ramal = "9999"  # gone from the account
    assert settings.default_extension() == Extension("4000")
    settings.default_ramal = ""
    assert settings.default_extension() == Extension("4000")
    assert settings.find_extension("4001").label == "B"
    assert settings.find_extension("5000") is None


def test_display_name():
    assert Extension("4000", "Recepção").display_name() == "4000 · Recepção"
    assert Extension("4000").display_name() == "4000"


@pytest.mark.parametrize("value, ok", [("123", True), ("4000", True), ("12", False),
                                       ("12345", False), ("", False), ("40a0", False),
                                       (" 4000", False)])
def test_is_valid_ramal(value, ok):
    assert is_valid_ramal(value) is ok


@pytest.mark.parametrize("value", ["4000\n", "٤٠٠٠"])
def test_is_valid_ramal_refuses_newline_and_non_ascii_digits(value):
    assert is_valid_ramal(value) is False


# --- keys added after the first release: region, favourites, confirmations, history, hotkey ---

def test_new_defaults():
    settings = Settings()
    assert settings.region == "BR"
    assert settings.favourites == []
    assert settings.confirm_external_dials is True
    assert settings.history_limit == 50
    assert settings.hotkey_enabled is False
    assert settings.hotkey == "Ctrl+Alt+D"
    assert settings.version == SCHEMA_VERSION == 1


def test_new_keys_round_trip(store):
    settings = Settings(region="PT",
                        favourites=[Favourite("Suporte São José", "(48) 3283-0151"),
                                    Favourite("Ramal da recepção", "4000")],
                        confirm_external_dials=False, history_limit=500,
                        hotkey_enabled=True, hotkey="Ctrl+Shift+F9")
    store.save(settings)
    again = SettingsStore(store.path)
    assert again.load() == settings
    assert again.load_problem is None
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert raw["favourites"][0] == {"name": "Suporte São José", "number": "(48) 3283-0151"}
    assert "São José" in store.path.read_text(encoding="utf-8")


def test_a_file_from_before_the_new_keys_loads_with_their_defaults(store):
    store.path.parent.mkdir(parents=True)
    old = {"version": 1, "api_base": "https://voice-api.zenvia.com",
           "extensions": [{"ramal": "4000", "label": "Recepção", "id_ramal": 101}],
           "default_ramal": "4000", "tipo": "embedded", "fechar_fim": False,
           "phone_window_geometry": "", "main_window_geometry": ""}
    store.path.write_text(json.dumps(old), encoding="utf-8")
    settings = store.load()
    assert store.load_problem is None
    assert settings.tipo == "embedded"
    assert (settings.region, settings.favourites, settings.confirm_external_dials,
            settings.history_limit, settings.hotkey_enabled, settings.hotkey) == (
        "BR", [], True, 50, False, "Ctrl+Alt+D")


def test_empty_hotkey_falls_back_to_the_default(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"hotkey": ""}), encoding="utf-8")
    assert store.load().hotkey == "Ctrl+Alt+D"


@pytest.mark.parametrize("limit", [1, 500])
def test_history_limit_edges_are_allowed(store, limit):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"history_limit": limit}), encoding="utf-8")
    assert store.load().history_limit == limit
    assert store.load_problem is None


@pytest.mark.parametrize("raw", [
    {"region": "br"},
    {"region": "XX"},
    {"region": "BRA"},
    {"region": ""},
    {"region": 55},
    {"region": None},
    {"favourites": None},
    {"favourites": {"name": "A", "number": "4000"}},
    {"favourites": ["4000"]},
    {"favourites": [{"name": "A"}]},
    {"favourites": [{"number": "4000"}]},
    {"favourites": [{"name": "", "number": "4000"}]},
    {"favourites": [{"name": "   ", "number": "4000"}]},
    {"favourites": [{"name": "A" * 81, "number": "4000"}]},
    {"favourites": [{"name": "A", "number": ""}]},
    {"favourites": [{"name": "A", "number": "1" * 65}]},
    {"favourites": [{"name": "A", "number": 4000}]},
    {"favourites": [{"name": "Two\nlines", "number": "4000"}]},
    {"confirm_external_dials": "no"},
    {"confirm_external_dials": 0},
    {"history_limit": 0},
    {"history_limit": 501},
    {"history_limit": -5},
    {"history_limit": 50.0},
    {"history_limit": "50"},
    {"history_limit": True},
    {"hotkey_enabled": 1},
    {"hotkey_enabled": None},
    {"hotkey": 7},
    {"hotkey": "Ctrl+\nD"},
    {"hotkey": "K" * 65},
])
def test_invalid_new_keys_are_corrupt(store, raw):
    store.path.parent.mkdir(parents=True)
    text = json.dumps(raw)
    store.path.write_text(text, encoding="utf-8")
    assert store.load() == Settings()
    assert store.load_problem == "corrupt"
    kept = set_aside_files(store)
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == text


@pytest.mark.parametrize("value, ok", [("BR", True), ("PT", True), ("US", True), ("br", False),
                                       ("ZZ", False), ("BRA", False), ("", False), (None, False)])
def test_is_valid_region(value, ok):
    assert is_valid_region(value) is ok


def test_favourite_limits():
    assert Favourite("A" * 80, "1" * 64).name == "A" * 80
    for name, number in [("", "4000"), (" ", "4000"), ("A" * 81, "4000"), ("A", ""),
                         ("A", "1" * 65), ("A\tB", "4000"), (None, "4000"), ("A", 4000)]:
        with pytest.raises(ValueError):
            Favourite(name, number)


def test_saving_settings_that_would_not_load_back_is_refused(store):
    store.save(Settings(default_ramal="4000"))
    for bad in (Settings(history_limit=0), Settings(region="XX"),
                Settings(hotkey_enabled="yes")):
        with pytest.raises(ValueError):
            store.save(bad)
    with pytest.raises(ValueError):   # an unknown type cannot even be made
        Settings(tipo="popup")
    assert store.load().default_ramal == "4000"
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["settings.json"]


def test_favourite_name_for():
    settings = Settings(favourites=[Favourite("Broken", "abc"), Favourite("Office", "(48) 3283-0151"),
                                    Favourite("Again", "+55 48 3283-0151"),
                                    Favourite("Front desk", "4000")])

    def normalize(text):
        digits = "".join(ch for ch in text if ch.isdigit())
        if not digits:
            raise ValueError("no digits")
        if len(digits) <= 4:
            return digits
        return "+" + (digits if digits.startswith("55") else "55" + digits)

    assert settings.favourite_name_for("+554832830151", normalize) == "Office"  # the first wins
    assert settings.favourite_name_for("4000", normalize) == "Front desk"
    assert settings.favourite_name_for("+5511999999999", normalize) is None
    assert Settings().favourite_name_for("4000", normalize) is None


def test_favourite_name_for_with_the_real_normalizer():
    from tvdesk.core.phone_numbers import normalize

    settings = Settings(favourites=[Favourite("Office", "(48) 3283-0151")])
    assert settings.favourite_name_for(normalize("48 3283 0151").api_value,
                                       lambda text: normalize(text).api_value) == "Office"


# --- the backup copy --------------------------------------------------------------------

def test_a_damaged_file_falls_back_to_the_backup_and_still_reports_it(store):
    store.save(Settings(default_ramal="4000", region="PT"))
    store.save(Settings(default_ramal="4001", region="PT"))
    store.path.write_text('{"default_ramal": "40', encoding="utf-8")

    settings = store.load()
    assert settings == Settings(default_ramal="4000", region="PT")
    assert store.load_problem == "corrupt"
    assert store.restored_from_backup is True
    kept = set_aside_files(store)
    assert len(kept) == 1 and store.set_aside_path == kept[0]
    assert kept[0].read_text(encoding="utf-8") == '{"default_ramal": "40'

    again = SettingsStore(store.path)  # the good copy was put back in place
    assert again.load() == settings
    assert again.load_problem is None and again.restored_from_backup is False


def test_a_backup_that_does_not_fit_the_schema_is_not_used(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{", encoding="utf-8")
    store.path.with_name("settings.json.bak").write_text(json.dumps({"tipo": "popup"}),
                                                         encoding="utf-8")
    assert store.load() == Settings()
    assert store.load_problem == "corrupt"
    assert store.restored_from_backup is False


def test_disk_full_on_save_keeps_the_saved_settings(store, monkeypatch):
    import errno

    from tvdesk.core import atomic_file

    store.save(Settings(default_ramal="4000"))

    def disk_full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.save(Settings(default_ramal="4001"))
    monkeypatch.undo()
    assert store.load().default_ramal == "4000"
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]


def test_the_readme_settings_table_is_the_schema():
    from pathlib import Path

    from tvdesk.core.settings import OPTIONS, settings_markdown_table

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert settings_markdown_table() in readme, \
        "README's settings table is stale: paste `python -m tvdesk.core.settings --markdown`"
    assert [f for f in Settings.__dataclass_fields__ if f != "version"] == \
        [option.key for option in OPTIONS]
