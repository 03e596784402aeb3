"""Turn what people type or copy into what the API dials.

Google's libphonenumber rules via `phonenumbers`, Brazil by default. The API
documents E.164 for `ligar_para`; internal extensions (3-4 digits) go as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.i18n import _

DEFAULT_REGION = "BR"
_SCHEMES = re.compile(r"^\s*(tel|callto|sip):(//)?", re.IGNORECASE)
_EXTENSION = re.compile(r"[0-9]{3,4}")
_ALLOWED = re.compile(r"^[0-9 ()+\-./]+$")


@dataclass(frozen=True)
class DialTarget:
    """A number ready to dial: `api_value` goes to the API, `display` to people."""

    api_value: str
    display: str
    is_extension: bool = False


def normalize(text: str, region: str = DEFAULT_REGION) -> DialTarget:
    raw = _SCHEMES.sub("", text or "").strip()
    raw = raw.split(";")[0]  # tel: URI parameters such as ;ext= or ;phone-context=
    raw = " ".join(raw.split())  # tabs, newlines and odd spaces count as one space
    if not raw:
        raise InvalidPhoneNumberError(_("There is no number to call."))
    if any(ch.isalpha() for ch in raw):
        raise InvalidPhoneNumberError(_("'{text}' has letters; a phone number has only digits.",
                                        text=_shorten(raw)))
    if not _ALLOWED.match(raw):
        raise InvalidPhoneNumberError(_("'{text}' is not a phone number.", text=_shorten(raw)))
    digits = re.sub(r"[^0-9]", "", raw)
    if _EXTENSION.fullmatch(digits) and not raw.lstrip().startswith("+"):
        return DialTarget(api_value=digits, display=digits, is_extension=True)
    if len(digits) < 8:
        raise InvalidPhoneNumberError(_("'{text}' is too short to be a phone number.",
                                        text=_shorten(raw)))
    if len(digits) > 15:
        raise InvalidPhoneNumberError(_("'{text}' is too long to be a phone number.",
                                        text=_shorten(raw)))
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumberError(_("'{text}' is not a phone number.",
                                        text=_shorten(raw))) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumberError(_("'{text}' is not a valid phone number.",
                                        text=_shorten(raw)))
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    same_country = phonenumbers.region_code_for_number(parsed) == region.upper()
    display = phonenumbers.format_number(
        parsed,
        phonenumbers.PhoneNumberFormat.NATIONAL if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
    return DialTarget(api_value=e164, display=display)


def _shorten(text: str, limit: int = 40) -> str:
    """The text as quoted back to people: one line, printable, short."""
    text = "".join(ch for ch in " ".join(text.split()) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"
