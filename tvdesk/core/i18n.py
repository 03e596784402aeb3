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
    candidates = [env.get("TVDESK_LANG", "")]
    candidates += [env.get(name, "") for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    if environ is None:
        try:
            candidates.append(locale.getlocale()[0] or "")
        except ValueError:
            pass
    for value in candidates:
        value = value.split(":")[0].strip()
        if not value or value in ("C", "POSIX") or value.startswith("C."):
            continue
        return "pt_BR" if value.lower().startswith("pt") else "en"
    return "en"


def set_language(language: str) -> None:
    global _language
    _language = "pt_BR" if language.lower().replace("-", "_").startswith("pt") else "en"


def current_language() -> str:
    return _language


def _(message: str, **values: object) -> str:
    """The person's-language version of `message`, with `{name}` fields filled in."""
    text = PT_BR.get(message, message) if _language == "pt_BR" else message
    return text.format(**values) if values else text


set_language(detect_language())
