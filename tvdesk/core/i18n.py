"""Translation of the strings people see, for the GUI and the CLI alike (GNU gettext).

Message ids are the English texts, so `_("...")` call sites read naturally; `{name}`
fields are filled by `str.format` after translation. Brazilian Portuguese lives in
`tvdesk/locale/pt_BR/LC_MESSAGES/tvdesk.po` (the source of truth) and ships compiled
as `tvdesk.mo` next to it, read with the standard library's `gettext`. The same
catalog translates argparse's own texts ("usage:", "show this help message and exit",
parse errors), so `tvdesk --help` follows the language too. Maintainers:
`python -m tvdesk.i18n_tools extract|compile|check` (see that module).

Which language, first match wins:
  1. the `TVDESK_LANG` environment variable (`pt_BR`, `pt`, `en`, ...);
  2. the `language` setting, when it is not `auto` (`apply_language(setting)`);
  3. the system locale: Portuguese -> pt_BR, anything else (or C/POSIX) -> English.
"""

from __future__ import annotations

import argparse
import gettext
import locale
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

DOMAIN = "tvdesk"
ENV_VARIABLE = "TVDESK_LANG"

_language = "en"
_translation: gettext.NullTranslations = gettext.NullTranslations()
# argparse translates through the module globals `_` and `ngettext` it imports from
# gettext. Type stubs do not declare them, so they are reached through its namespace.
_ARGPARSE_GLOBALS = vars(argparse)
# What argparse used before we touched it (gettext's process-wide functions).
_ARGPARSE_ORIGINALS: tuple[Callable[[str], str], Callable[[str, str, int], str]] = (
    _ARGPARSE_GLOBALS["_"], _ARGPARSE_GLOBALS["ngettext"])


def locale_dir() -> Path:
    """`tvdesk/locale`, from a source tree, an installed package or a PyInstaller bundle.

    PyInstaller gives frozen modules a `__file__` under `sys._MEIPASS`, so the
    package-relative path holds there too when the bundle collects `tvdesk/locale`.
    """
    here = Path(__file__).resolve().parent.parent / "locale"
    if here.is_dir():
        return here
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        bundled = Path(bundle) / "tvdesk" / "locale"
        if bundled.is_dir():
            return bundled
    return here


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """pt_BR when the person's locale is Portuguese, English otherwise.

    `TVDESK_LANG` wins over the system locale (for people and for tests).
    """
    env = os.environ if environ is None else environ
    override = env.get(ENV_VARIABLE, "").strip()
    if override:
        return _language_of(override)
    # POSIX order: the first of LC_ALL, LC_MESSAGES, LANG that is set decides; C means
    # untranslated. LANGUAGE (a GNU list of preferences) applies unless that is C.
    locale_value = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                         if env.get(name, "").strip()), "")
    if environ is None and not locale_value:
        try:
            locale_value = locale.getlocale()[0] or ""
        except ValueError:
            locale_value = ""
    if _is_c_locale(locale_value):
        return "en"
    preferences = env.get("LANGUAGE", "").split(":")[0].strip()
    return _language_of(preferences or locale_value)


def _is_c_locale(value: str) -> bool:
    value = value.strip()
    return value in ("C", "POSIX") or value.startswith("C.")


def _language_of(value: str) -> str:
    return "pt_BR" if value.strip().lower().startswith("pt") else "en"


def resolve_language(setting: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language for a `language` setting of "auto", "pt_BR" or "en".

    `TVDESK_LANG` beats the setting; "auto" (or an empty or unknown value) follows the
    system locale.
    """
    env = os.environ if environ is None else environ
    if env.get(ENV_VARIABLE, "").strip():
        return detect_language(env)
    choice = (setting or "").strip().lower().replace("-", "_")
    if choice.startswith("pt"):
        return "pt_BR"
    if choice.startswith("en"):
        return "en"
    return detect_language(environ)


def apply_language(setting: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Switch to the language `resolve_language` picks for the setting; returns it.

    Call it before building the argument parser and any window: texts already
    translated (argparse help, module-level `_()` results, open widgets) stay as they are.
    """
    language = resolve_language(setting, environ)
    set_language(language)
    return language


def set_language(language: str) -> None:
    """Use `language` ("pt_BR", "pt", "pt-BR" -> Portuguese; anything else -> English)."""
    global _language, _translation
    _language = "pt_BR" if language.lower().replace("-", "_").startswith("pt") else "en"
    if _language == "pt_BR":
        _translation = gettext.translation(DOMAIN, localedir=str(locale_dir()),
                                           languages=["pt_BR"], fallback=True)
        if type(_translation) is gettext.NullTranslations:
            logging.getLogger("tvdesk.i18n").warning(
                "no %s.mo for pt_BR under %s: texts stay in English", DOMAIN, locale_dir())
        _ARGPARSE_GLOBALS["_"] = _translation.gettext
        _ARGPARSE_GLOBALS["ngettext"] = _translation.ngettext
    else:
        _translation = gettext.NullTranslations()
        _ARGPARSE_GLOBALS["_"], _ARGPARSE_GLOBALS["ngettext"] = _ARGPARSE_ORIGINALS


def current_language() -> str:
    return _language


def _(msgid: str, /, **values: object) -> str:
    """The person's-language version of `msgid`, with `{name}` fields filled in."""
    text = _translation.gettext(msgid)
    return text.format(**values) if values else text


set_language(detect_language())
