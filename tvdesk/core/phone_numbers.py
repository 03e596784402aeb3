"""Turn what people type or copy into what the API dials.

Google's libphonenumber rules via `phonenumbers`, Brazil by default. The API
documents E.164 for `ligar_para`; internal extensions (3-4 digits) go as they are.

Two ways in:
* the whole text is a number (optionally a `tel:`/`callto:`/`sip:` URI): parsed
  strictly, so typos are refused with a precise reason;
* the text is a sentence, a labelled number ("Cel: (11) 98765-4321") or a line of an
  e-mail signature or web page ("Tel.: (48) 3283-0151 | Comercial"): the single valid
  number in it is used; none, or two different ones, is refused.

No shell ever sees the text: `;`, `|` and the like are read as the separators they are
in signatures and web pages. Only the E.164 digits found leave this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from tvdesk.core.lazy_import import lazy_import

if TYPE_CHECKING:
    import phonenumbers  # the package ships type hints; at run time it is imported lazily
else:
    phonenumbers = lazy_import("phonenumbers")   # loaded when a number is first read

from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.i18n import _

DEFAULT_REGION = "BR"
# Longer than any clipboard text with one number in it; checked before any regex or
# PhoneNumberMatcher work so a pasted 100 KB document is refused at once.
MAX_INPUT_CHARS = 1000
MIN_DIGITS = 8   # shorter than any real subscriber number with its area code

_SCHEME = re.compile(r"^\s*(tel|callto|sips?):(//)?", re.IGNORECASE)
_EXTENSION = re.compile(r"[0-9]{3,4}")
_PLAIN = re.compile(r"[0-9 ()+\-./]+")
_LETTER = re.compile(r"[^\W\d_]")
# A letter touching a digit ("9876A", "0800-FLOWERS"): a typo or a vanity number,
# not a label such as "Cel:" in front of a number.
_LETTER_IN_NUMBER = re.compile(r"[0-9][-.]?[^\W\d_]|[^\W\d_][-.]?[0-9]")
# What sits around a number in signatures, web pages and chats, and what lists several
# things on one line: stripped from both ends of the text; anywhere else it makes the
# text a line to look for the number in. Not "(", ")", "+", "-", "/" or "." (part of
# written numbers), nor "*" and "#" (keypad codes such as *21*..., never a number).
_WRAPPING = (";|,:!?.\u2026"                                  # ; | , : ! ? . …
             "\u2022\u00b7\u2027\u2219\u22c5\u25cf\u25e6\u25aa"  # • · ‧ ∙ ⋅ ● ◦ ▪
             "\"'`\u00b4\u201c\u201d\u201e\u2018\u2019\u201a\u00ab\u00bb\u2039\u203a"  # quotes
             "[]{}<>")
_SEPARATOR = re.compile("[" + re.escape(_WRAPPING.replace(".", "")) + "]")
# Every Unicode white space character (str.isspace) up to U+3000, written out: working it
# out by testing 12,289 characters cost start-up ~2 ms. A test keeps the two equal.
_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
           "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_EDGES = _WRAPPING + _SPACES
# A second Brazilian number written without its area code, as signatures list them
# after a full one: "(48) 3283-0151 / 3283-0152", "(11) 98765-4321 | 9 1234-5678".
_LOCAL_NUMBER = re.compile(r"(?<![0-9-])(?:9 ?[0-9]{4}|[2-5][0-9]{3})-[0-9]{4}(?![0-9-])")
# Brazilian numbers that are not phones but can parse as one ("119.876.543-21" is
# a CPF, yet also (11) 98765-4321): blanked out before looking for numbers in text.
_NOT_PHONES = re.compile(
    r"(?<![0-9])(?:"
    r"[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}"                # CPF
    r"|[0-9]{2}\.[0-9]{3}\.[0-9]{3}/[0-9]{4}-[0-9]{2}"     # CNPJ
    r"|[0-9]{5}-[0-9]{3}"                                  # CEP
    r"|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}"                   # date
    r")(?![0-9])"
    r"|R\$\s*[0-9][0-9.,]*"                                # money
)
# Unicode dashes people (and word processors) put between digit groups.
_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"})
# Invisible marks that copy-paste adds around numbers (WhatsApp wraps them in LRE/PDF);
# they cannot reorder digits, so they are dropped. Right-to-left controls are not here:
# they can make digits show in another order, so they are refused with other controls.
_HARMLESS_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"
                                              "\u200e\u202a\u202c\u202d\u2066\u2069"))


@dataclass(frozen=True)
class DialTarget:
    """A number ready to dial: `api_value` goes to the API, `display` to people."""

    api_value: str
    display: str
    is_extension: bool = False
    is_premium_rate: bool = False  # e.g. Brazilian 0900 numbers: the caller pays extra
    region_code: str = ""  # "BR", "US", ...; empty for extensions


def normalize(text: str, region: str = DEFAULT_REGION) -> DialTarget:
    """The one number in `text`, or InvalidPhoneNumberError saying what is wrong."""
    text = text or ""
    if len(text) > MAX_INPUT_CHARS:
        raise InvalidPhoneNumberError(_("'{text}' is too long to be a phone number.",
                                        text=_shorten(text)))
    text = text.translate(_DASHES).translate(_HARMLESS_INVISIBLE)
    _refuse_hidden_and_lookalike(text)
    region = (region or DEFAULT_REGION).upper()

    text = text.lstrip(_EDGES)   # "• Tel: ...", "“4000”", "<tel:+55...>"
    uri = _SCHEME.match(text)
    if uri and (len(text[uri.end():].split()) > 1
                or _SEPARATOR.search(text[uri.end():].split(";")[0])):
        # "Tel: (48) 3283-0151 | Comercial" is a label and "tel:...|tel:..." a list: a
        # URI's number has no spaces or separators (RFC 3966 percent-encodes them).
        uri = None
    if uri:
        rest = text[uri.end():].strip()
        if uri.group(1).lower().startswith("sip") and "@" in rest:
            raise InvalidPhoneNumberError(_("'{text}' is a SIP address, not a phone number.",
                                            text=_shorten(text)))
        # RFC 3966 parameters (;ext=, ;phone-context=) follow the number; links may
        # percent-encode it ("tel:+55%2048%203283%200151"), and that can hide anything.
        text = unquote(rest.split(";")[0]).translate(_DASHES).translate(_HARMLESS_INVISIBLE)
        _refuse_hidden_and_lookalike(text)
    text = text.strip(_EDGES)   # "(48) 3283-0151;", "4000.", "(11) 98765-4321 |"
    text = " ".join(text.split())   # odd spaces, tabs and line breaks
    if not text:
        raise InvalidPhoneNumberError(_("There is no number to call."))
    if not re.search(r"[0-9]", _NOT_PHONES.sub(" ", text)):  # e.g. only a CPF or a date
        raise InvalidPhoneNumberError(_("No valid phone number was found in '{text}'.",
                                        text=_shorten(text)))
    # A URI holds only a number; so does text without letters, pictographs or separators.
    if uri or not (_LETTER.search(text) or _SEPARATOR.search(text)
                   or any(unicodedata.category(ch) == "So" for ch in text)):
        return _whole_text(text, region)
    return _number_in_text(text, region)


_CALLER = re.compile(r"[+(]?[0-9][0-9 ().\-/]{1,30}")


def caller_target(text: str, region: str = DEFAULT_REGION) -> DialTarget | None:
    """The other party's number as a webphone page reports it, when the text is just a
    number. Anything else in it (markup, words, a second number) means it is shown as
    text, never mined for a number inside: a page cannot make a caller look like another."""
    text = (text or "").strip()
    if not _CALLER.fullmatch(text):
        return None
    try:
        return normalize(text, region)
    except InvalidPhoneNumberError:
        return None


def caller_display(text: str, region: str = DEFAULT_REGION) -> str:
    """How to show a caller: the formatted number, or the text as it came (one printable
    line, shortened); "" when there is nothing."""
    target = caller_target(text, region)
    if target is not None:
        return target.display
    return _shorten(text or "")


def find_dialable(text: str, region: str = DEFAULT_REGION) -> DialTarget | None:
    """Like normalize(), but None instead of an error: for peeking at the clipboard."""
    try:
        return normalize(text, region)
    except Exception:  # noqa: BLE001 - a clipboard peek must never break the caller
        return None


def _whole_text(raw: str, region: str) -> DialTarget:
    """The text is meant to be exactly one number: parse strictly, explain failures."""
    if _LETTER.search(raw):
        raise InvalidPhoneNumberError(_("'{text}' has letters; a phone number has only digits.",
                                        text=_shorten(raw)))
    digits = re.sub(r"[^0-9]", "", raw)
    if _PLAIN.fullmatch(raw) and _EXTENSION.fullmatch(digits) and not raw.startswith("+"):
        return DialTarget(api_value=digits, display=digits, is_extension=True)
    if len(digits) < MIN_DIGITS:
        raise InvalidPhoneNumberError(_("'{text}' is too short to be a phone number.",
                                        text=_shorten(raw)))
    found, rest = _find_numbers(raw, region)
    if len(found) > 1:
        raise _two_numbers(raw)
    if not _PLAIN.fullmatch(raw):  # "#11987654321", "11 98765*4321": keypad codes, not numbers
        raise InvalidPhoneNumberError(_("'{text}' is not a phone number.", text=_shorten(raw)))
    if len(found) == 1 and not re.search(r"[0-9]", rest):  # the same number, maybe twice
        return _target(found[0], region)
    if len(digits) > 15:
        raise InvalidPhoneNumberError(_("'{text}' is too long to be a phone number.",
                                        text=_shorten(raw)))
    parsed = _parse(raw, region)
    if (parsed is None or not phonenumbers.is_valid_number(parsed)) and raw.startswith("00"):
        # "00 44 20 ..." from Brazil: the real prefix needs a carrier ("0021 44 ..."), but
        # people type the international 00 alone, so read it as "+".
        parsed = _parse("+" + raw[2:], region)
    if parsed is None:
        raise InvalidPhoneNumberError(_("'{text}' is not a phone number.", text=_shorten(raw)))
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumberError(_("'{text}' is not a valid phone number.",
                                        text=_shorten(raw)))
    return _target(parsed, region)


def _number_in_text(text: str, region: str) -> DialTarget:
    """A sentence or a labelled number: exactly one valid number must be in it."""
    found, rest = _find_numbers(_NOT_PHONES.sub(" ", text), region)
    if len(found) > 1 or (found and region == "BR" and _LOCAL_NUMBER.search(rest)):
        raise _two_numbers(text)   # "(48) 3283-0151 | 3283-0152": which one?
    if found:
        return _target(found[0], region)
    if _LETTER_IN_NUMBER.search(text):  # "11 9876A-4321", "1-800-FLOWERS"
        raise InvalidPhoneNumberError(_("'{text}' has letters; a phone number has only digits.",
                                        text=_shorten(text)))
    raise InvalidPhoneNumberError(_("No valid phone number was found in '{text}'.",
                                    text=_shorten(text)))


def _find_numbers(text: str, region: str) -> tuple[list[phonenumbers.PhoneNumber], str]:
    """The different valid numbers in `text`, and the text with them blanked out."""
    found: dict[str, phonenumbers.PhoneNumber] = {}
    rest = text
    # VALID leniency skips dates, numbers glued to letters ("abc8005001234") and
    # numbers after a currency sign; it also reads Brazilian carrier codes (015 11 ...).
    for match in phonenumbers.PhoneNumberMatcher(text, region,
                                                 leniency=phonenumbers.Leniency.VALID):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.setdefault(e164, match.number)
        rest = rest[:match.start] + " " * (match.end - match.start) + rest[match.end:]
    return list(found.values()), rest


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _target(parsed: phonenumbers.PhoneNumber, region: str) -> DialTarget:
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if len(e164) - 1 < MIN_DIGITS:   # the same floor whether typed alone or found in text
        raise InvalidPhoneNumberError(_("'{text}' is too short to be a phone number.",
                                        text=e164))
    number_region = phonenumbers.region_code_for_number(parsed) or ""
    display = phonenumbers.format_number(
        parsed,
        phonenumbers.PhoneNumberFormat.NATIONAL if number_region == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
    return DialTarget(
        api_value=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        display=display,
        is_premium_rate=(phonenumbers.number_type(parsed)
                         == phonenumbers.PhoneNumberType.PREMIUM_RATE),
        region_code=number_region,
    )


def _two_numbers(text: str) -> InvalidPhoneNumberError:
    return InvalidPhoneNumberError(_("'{text}' has more than one phone number; "
                                     "copy just the one to call.", text=_shorten(text)))


def _refuse_hidden_and_lookalike(text: str) -> None:
    """Refuse what could make the dialled number differ from the one people see."""
    for ch in text:
        if ch.isspace():
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs"):
            raise InvalidPhoneNumberError(_("The text has hidden control characters; "
                                            "type the number or copy it again."))
        # Arabic-Indic, full-width and other digits look like (or stand for) 0-9, but
        # converting them silently would dial something people did not check.
        if not ch.isascii() and (unicodedata.category(ch) == "Nd" or "\uff01" <= ch <= "\uff5e"):
            raise InvalidPhoneNumberError(_("The text has digits or symbols that only look "
                                            "like 0-9 (such as Arabic-Indic or full-width "
                                            "ones); type the number with plain digits."))


def _shorten(text: str, limit: int = 40) -> str:
    """The text as quoted back to people: one line, printable, short."""
    text = "".join(ch for ch in " ".join(text.split()) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"
