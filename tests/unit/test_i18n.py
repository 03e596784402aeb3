"""Language detection, `_()` formatting, and a Portuguese catalog that covers every `_()` text."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import tvdesk
from tvdesk.core import i18n
from tvdesk.core.catalog_pt_br import PT_BR

PACKAGE_DIR = Path(tvdesk.__file__).parent


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "pt_BR.UTF-8"}, "pt_BR"),
    ({"LANG": "pt_PT.UTF-8"}, "pt_BR"),
    ({"LANG": "pt"}, "pt_BR"),
    ({"LANGUAGE": "pt_BR:en", "LANG": "en_US.UTF-8"}, "pt_BR"),
    ({"LC_ALL": "pt_BR.UTF-8", "LANG": "en_US.UTF-8"}, "pt_BR"),
    ({"LC_MESSAGES": "pt_BR.UTF-8"}, "pt_BR"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANGUAGE": "en:pt_BR", "LANG": "pt_BR.UTF-8"}, "en"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({}, "en"),
    ({"TVDESK_LANG": "pt_BR", "LANG": "en_US.UTF-8"}, "pt_BR"),
    ({"TVDESK_LANG": "en", "LANG": "pt_BR.UTF-8", "LANGUAGE": "pt_BR"}, "en"),
    ({"TVDESK_LANG": "", "LANG": "pt_BR.UTF-8"}, "pt_BR"),
])
def test_detect_language(environ, expected):
    assert i18n.detect_language(environ) == expected


def test_lc_all_c_means_english():
    assert i18n.detect_language({"LC_ALL": "C", "LANG": "pt_BR.UTF-8"}) == "en"


@pytest.mark.parametrize("given, expected", [("pt_BR", "pt_BR"), ("pt-BR", "pt_BR"),
                                             ("pt", "pt_BR"), ("en", "en"), ("fr", "en"),
                                             ("", "en")])
def test_set_language(given, expected):
    i18n.set_language(given)
    assert i18n.current_language() == expected


def test_underscore_formats_fields_in_english():
    assert i18n._("Could not reach {host}. Check your internet connection.",
                  host="api.example") == \
        "Could not reach api.example. Check your internet connection."
    assert i18n._("plain {braces} stay when no values are given") == \
        "plain {braces} stay when no values are given"


def test_values_are_not_formatted_twice():
    assert i18n._("Calling {number}…", number="{evil}") == "Calling {evil}…"


def test_underscore_uses_the_catalog_in_portuguese(monkeypatch):
    monkeypatch.setitem(PT_BR, "Hello {name}", "Olá {name}")
    i18n.set_language("pt_BR")
    assert i18n._("Hello {name}", name="Ana") == "Olá Ana"
    assert i18n._("Untranslated text") == "Untranslated text"
    i18n.set_language("en")
    assert i18n._("Hello {name}", name="Ana") == "Hello Ana"


# --- catalog completeness ----------------------------------------------------------------

def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py")
                  if "sandbox" not in p.relative_to(PACKAGE_DIR).parts)


def _translatable_literals() -> dict[str, list[str]]:
    """Every `_("literal", ...)` message id under tvdesk/ (not the sandbox), with where."""
    found: dict[str, list[str]] = {}
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and node.args):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    where = f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno}"
                    found.setdefault(first.value, []).append(where)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scan_finds_the_known_messages():
    literals = _translatable_literals()
    assert "An extension (ramal) has 3 or 4 digits." in literals       # core/errors.py
    assert "There is no number to call." in literals                   # core/phone_numbers.py
    assert "print a webphone URL" in literals                          # cli.py
    assert not any("sandbox" in w for where in literals.values() for w in where)


def test_every_message_has_a_portuguese_translation():
    missing = {text: where[0] for text, where in _translatable_literals().items()
               if text not in PT_BR}
    assert missing == {}, f"{len(missing)} texts lack a pt_BR translation"


def test_translations_keep_the_same_placeholders():
    wrong = {}
    for text in _translatable_literals():
        if text in PT_BR and _fields(PT_BR[text]) != _fields(text):
            wrong[text] = (sorted(_fields(text)), sorted(_fields(PT_BR[text])))
    assert wrong == {}


def test_catalog_entries_are_non_empty_strings():
    for english, portuguese in PT_BR.items():
        assert isinstance(english, str) and isinstance(portuguese, str)
        assert portuguese.strip(), english


def test_every_message_formats_in_portuguese():
    i18n.set_language("pt_BR")
    for text in _translatable_literals():
        values = {name: "X" for name in _fields(text)}
        i18n._(text, **values)  # a placeholder the English text lacks would raise KeyError


def test_every_underscore_call_has_a_literal_message():
    # `_(variable)` or `_(f"...")` can never be in the catalog.
    dynamic = []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_"):
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    dynamic.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno}")
    assert dynamic == []
