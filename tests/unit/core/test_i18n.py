"""Language choice, `_()` formatting, and the gettext catalog: every `_()` text translated,
the shipped .mo in step with the .po, argparse's own texts in Portuguese too."""

from __future__ import annotations

import argparse
import gettext
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tvdesk
from tvdesk import i18n_tools
from tvdesk.core import i18n

PACKAGE_DIR = Path(tvdesk.__file__).parent
PO = i18n_tools.po_path("pt_BR")
MO = i18n_tools.mo_path("pt_BR")


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


# --- the language setting: TVDESK_LANG > setting > system locale ---------------------------

@pytest.mark.parametrize("setting, environ, expected", [
    ("auto", {"LANG": "pt_BR.UTF-8"}, "pt_BR"),
    ("auto", {"LANG": "en_US.UTF-8"}, "en"),
    ("auto", {"LANG": "C"}, "en"),
    ("pt_BR", {"LANG": "en_US.UTF-8"}, "pt_BR"),
    ("en", {"LANG": "pt_BR.UTF-8"}, "en"),
    ("en", {"LANGUAGE": "pt_BR", "LC_ALL": "pt_BR.UTF-8"}, "en"),
    ("pt_BR", {"TVDESK_LANG": "en", "LANG": "pt_BR.UTF-8"}, "en"),
    ("en", {"TVDESK_LANG": "pt_BR", "LANG": "en_US.UTF-8"}, "pt_BR"),
    ("auto", {"TVDESK_LANG": "pt_BR", "LANG": "en_US.UTF-8"}, "pt_BR"),
    ("en", {"TVDESK_LANG": "  ", "LANG": "pt_BR.UTF-8"}, "en"),      # blank: not set
    ("", {"LANG": "pt_BR.UTF-8"}, "pt_BR"),                           # missing: auto
    ("klingon", {"LANG": "pt_BR.UTF-8"}, "pt_BR"),                    # unknown: auto
    ("pt-BR", {"LANG": "en_US.UTF-8"}, "pt_BR"),
])
def test_apply_language_precedence(setting, environ, expected):
    assert i18n.resolve_language(setting, environ) == expected
    assert i18n.apply_language(setting, environ) == expected
    assert i18n.current_language() == expected


def test_apply_language_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("TVDESK_LANG", "pt_BR")
    assert i18n.apply_language("en") == "pt_BR"
    monkeypatch.delenv("TVDESK_LANG")
    assert i18n.apply_language("en") == "en"


# --- _() --------------------------------------------------------------------------------

def test_underscore_formats_fields_in_english():
    assert i18n._("Could not reach {host}. Check your internet connection.",
                  host="api.example") == \
        "Could not reach api.example. Check your internet connection."
    assert i18n._("plain {braces} stay when no values are given") == \
        "plain {braces} stay when no values are given"


def test_values_are_not_formatted_twice():
    assert i18n._("Call {number}?", number="{evil}") == "Call {evil}?"


def test_underscore_uses_the_catalog_in_portuguese():
    i18n.set_language("pt_BR")
    assert i18n._("Call {number}?", number="{evil}") == "Ligar para {evil}?"
    assert i18n._("tvdesk is not running.") == "O tvdesk não está aberto."
    assert i18n._("Untranslated text") == "Untranslated text"
    i18n.set_language("en")
    assert i18n._("Call {number}?", number="11") == "Call 11?"
    assert i18n._("tvdesk is not running.") == "tvdesk is not running."


def test_the_catalog_is_found_next_to_the_package():
    assert i18n.locale_dir() == PACKAGE_DIR / "locale"
    assert gettext.find(i18n.DOMAIN, str(i18n.locale_dir()), languages=["pt_BR"]) == str(MO)


def test_argparse_follows_the_language():
    i18n.set_language("pt_BR")
    parser = argparse.ArgumentParser(prog="demo")
    parser.add_argument("--n", type=int)
    assert "mostra esta mensagem de ajuda e sai" in parser.format_help()
    assert parser.format_usage().startswith("uso: demo")
    i18n.set_language("en")
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    assert "show this help message and exit" in argparse.ArgumentParser().format_help()


# --- the catalog ------------------------------------------------------------------------

def test_the_scan_finds_the_known_messages():
    literals = i18n_tools.scan_messages()
    assert "An extension (ramal) has 3 or 4 digits." in literals       # core/errors.py
    assert "There is no number to call." in literals                   # core/phone_numbers.py
    assert "print a webphone URL" in literals                          # cli.py
    assert not any("sandbox" in w for where in literals.values() for w in where)
    assert not any("i18n_tools" in w for where in literals.values() for w in where)


def test_every_underscore_call_has_a_literal_message():
    # `_(variable)` or `_(f"...")` can never be in the catalog.
    assert i18n_tools.dynamic_calls() == []


def test_every_text_is_translated_and_the_mo_is_up_to_date():
    """What `python -m tvdesk.i18n_tools check` says; the fix is in its output."""
    problems = i18n_tools.check()
    assert problems == [], "\n".join(
        problems + ["", "run: python -m tvdesk.i18n_tools extract, translate, then compile"])


def test_the_po_header():
    fields = i18n_tools.read_po(PO).header_fields()
    assert fields["Language"] == "pt_BR"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


def test_the_shipped_mo_reads_back_like_the_po():
    catalog = i18n_tools.read_po(PO)
    with MO.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.info()["language"] == "pt_BR"
    for entry in catalog.entries:
        if entry.obsolete or not entry.translated:
            continue
        if entry.msgid_plural is None:
            assert translations.gettext(entry.msgid) == entry.msgstr
        else:
            assert translations.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            assert translations.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[1]


def test_every_message_formats_in_portuguese():
    i18n.set_language("pt_BR")
    for text in i18n_tools.scan_messages():
        values = {name: "X" for name in i18n_tools.brace_fields(text)}
        i18n._(text, **values)  # a placeholder the English text lacks would raise KeyError


def test_argparse_texts_are_the_ones_argparse_uses():
    """The catalog's argparse msgids are spelled as this Python's argparse spells them,
    and every argparse text people can see is in the catalog."""
    running = i18n_tools.argparse_source_messages()
    ours = {msgid for msgid, _plural, since in i18n_tools.ARGPARSE_MESSAGES
            if since <= sys.version_info[:2]}
    assert ours - running == set()
    assert running - ours - i18n_tools.ARGPARSE_DEVELOPER_MESSAGES == set()
    active = i18n_tools.read_po(PO).active()
    assert all(active[msgid].is_argparse for msgid, _p, _s in i18n_tools.ARGPARSE_MESSAGES)


# --- the tools themselves ---------------------------------------------------------------

SAMPLE_PO = r'''# A sample.
msgid ""
msgstr ""
"Language: pt_BR\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: tvdesk/a.py:1
msgid "Hello {name}"
msgstr "Olá {name}"

#: tvdesk/a.py:2
msgid ""
"a \"quoted\" text\n"
"on two lines"
msgstr "um texto \"entre aspas\"\nem duas linhas"

#. argparse
#, python-format
msgid "expected %s argument"
msgid_plural "expected %s arguments"
msgstr[0] "esperava %s argumento"
msgstr[1] "esperava %s argumentos"

#~ msgid "Gone"
#~ msgstr "Foi"
'''


def test_po_round_trip_and_mo():
    catalog = i18n_tools.parse_po(SAMPLE_PO)
    assert [e.msgid for e in catalog.entries] == [
        "Hello {name}", 'a "quoted" text\non two lines', "expected %s argument", "Gone"]
    assert catalog.entries[-1].obsolete
    assert i18n_tools.parse_po(i18n_tools.format_po(catalog)) == catalog
    translations = gettext.GNUTranslations(io.BytesIO(i18n_tools.mo_bytes(catalog)))
    assert translations.gettext("Hello {name}") == "Olá {name}"
    assert translations.gettext('a "quoted" text\non two lines') == \
        'um texto "entre aspas"\nem duas linhas'
    assert translations.ngettext("expected %s argument", "expected %s arguments", 1) == \
        "esperava %s argumento"
    assert translations.ngettext("expected %s argument", "expected %s arguments", 2) == \
        "esperava %s argumentos"
    assert translations.gettext("Gone") == "Gone"  # obsolete entries are not compiled


def test_merge_adds_new_texts_empty_and_comments_out_vanished_ones():
    old = i18n_tools.parse_po(SAMPLE_PO + '\n#: tvdesk/a.py:3\nmsgid "Bye"\nmsgstr "Tchau"\n')
    pot = i18n_tools.template({"Hello {name}": ["tvdesk/b.py:9"], "New text": ["tvdesk/b.py:10"],
                               "Gone": ["tvdesk/b.py:11"]})
    merged = {e.msgid: e for e in i18n_tools.merge(pot, old, "pt_BR").entries}
    assert merged["Hello {name}"].msgstr == "Olá {name}"
    assert merged["Hello {name}"].references == ["tvdesk/b.py:9"]
    assert merged["New text"].msgstr == "" and not merged["New text"].obsolete
    assert merged["Gone"].msgstr == "Foi" and not merged["Gone"].obsolete   # came back
    assert merged["Bye"].obsolete and merged["Bye"].msgstr == "Tchau"
    assert merged["usage: "].is_argparse


def test_check_reports_missing_and_wrong_translations(tmp_path):
    package = tmp_path / "tvdesk"
    package.mkdir()
    (package / "a.py").write_text(
        'from tvdesk.core.i18n import _\n'
        '_("Hello {name}")\n_("Missing")\n_("Bye {name}")\n_(f"dynamic")\n', encoding="utf-8")
    locale_dir = tmp_path / "locale"
    i18n_tools.extract(package, locale_dir)
    po = locale_dir / "pt_BR" / "LC_MESSAGES" / "tvdesk.po"
    catalog = i18n_tools.read_po(po)
    for entry in catalog.entries:
        if entry.msgid == "Hello {name}":
            entry.msgstr = "Olá {name}"
        elif entry.msgid == "Bye {name}":
            entry.msgstr = "Tchau {nome}"
        elif entry.msgid == "usage: ":
            entry.msgstr = "uso: %s"
    i18n_tools.write_po(po, catalog)
    problems = "\n".join(i18n_tools.check(package, locale_dir))
    assert "a.py:5: _() needs a literal text" in problems
    assert "no translation: 'Missing'" in problems
    assert "placeholders differ: 'Bye {name}'" in problems
    assert "placeholders differ: 'usage: '" in problems
    assert "no translation: 'show this help message and exit'" in problems
    assert "out of date" in problems
    assert "Hello" not in problems
    i18n_tools.compile_catalogs(locale_dir)
    assert "out of date" not in "\n".join(i18n_tools.check(package, locale_dir))


def test_check_command_exit_status(monkeypatch, capsys):
    monkeypatch.setattr(i18n_tools, "check", lambda: ["pt_BR: no translation: 'x'"])
    assert i18n_tools.main(["check"]) == 1
    assert "no translation: 'x'" in capsys.readouterr().err
    monkeypatch.setattr(i18n_tools, "check", lambda: [])
    assert i18n_tools.main(["check"]) == 0


# --- the real command line in Portuguese ------------------------------------------------

def _run_tvdesk(*args: str, language: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["TVDESK_LANG"] = language
    return subprocess.run([sys.executable, "-m", "tvdesk", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=60)


def test_help_is_portuguese_under_pt_br():
    result = _run_tvdesk("--help", language="pt_BR")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("uso: tvdesk")
    assert "mostra esta mensagem de ajuda e sai" in result.stdout        # argparse's
    assert "opções:" in result.stdout
    assert "mostra uma URL de webphone" in result.stdout                 # tvdesk's
    assert "show this help message" not in result.stdout


def test_usage_errors_are_portuguese_under_pt_br():
    result = _run_tvdesk("url", language="pt_BR")
    assert result.returncode == 2
    assert "uso: tvdesk url" in result.stderr
    assert "tvdesk url: erro: um dos argumentos --ramal --id-ramal é obrigatório" in result.stderr
    result = _run_tvdesk("bogus", language="pt_BR")
    assert result.returncode == 2
    assert "opção inválida: 'bogus'" in result.stderr
    result = _run_tvdesk("url", "--ramal", "12", language="pt_BR")
    assert "erro: argumento --ramal: um ramal tem 3 ou 4 dígitos" in result.stderr


def test_help_and_errors_stay_english_under_en():
    result = _run_tvdesk("--help", language="en")
    assert result.stdout.startswith("usage: tvdesk")
    assert "show this help message and exit" in result.stdout
    assert "print a webphone URL" in result.stdout
    result = _run_tvdesk("--nonsense", language="en")
    assert "tvdesk: error: unrecognized arguments: --nonsense" in result.stderr
