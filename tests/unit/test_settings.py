"""Settings: schema defaults, atomic save, and recovery from bad files."""

from __future__ import annotations

import json

import pytest

from tvdesk.core.settings import (
    DOCUMENTED_API_BASE,
    SCHEMA_VERSION,
    Extension,
    Settings,
    SettingsStore,
    is_valid_ramal,
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
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]
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
