"""Translation of the strings people see, for the GUI and the CLI alike.

Message ids are the English texts (gettext style), so `_("...")` call sites read
naturally and stay extractable by standard tools. Brazilian Portuguese lives in
`catalog_pt_br.py`; a test fails when a `_()` string there lacks a translation.
"""

from __future__ import annotations

import locale
import os

from tvdesk.core.catalog_pt_br import PT_BR

SUPPORTED = ("pt_BR", "en")
_language = "en"


def detect_language(environ: dict[str, str] | None = None) -> str:
    """pt_BR when the person's locale is Portuguese, English otherwise.

    `TVDESK_LANG` wins over the system locale (for people and for tests).
    """
    env = os.environ if environ is None else environ
    override = env.get("TVDESK_LANG", "").strip()
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


def set_language(language: str) -> None:
    global _language
    _language = "pt_BR" if language.lower().replace("-", "_").startswith("pt") else "en"


def current_language() -> str:
    return _language


def _(msgid: str, /, **values: object) -> str:
    """The person's-language version of `msgid`, with `{name}` fields filled in."""
    text = PT_BR.get(msgid, msgid) if _language == "pt_BR" else msgid
    return text.format(**values) if values else text


set_language(detect_language())
