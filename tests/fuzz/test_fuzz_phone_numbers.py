"""Property tests for phone-number normalisation (`tvdesk.core.phone_numbers`).

Derandomized and bounded, so CI always runs the same examples in a few seconds.
"""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.phone_numbers import DialTarget, find_dialable, normalize

FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

E164 = re.compile(r"\+[0-9]{8,15}")
EXTENSION = re.compile(r"[0-9]{3,4}")

SEPARATORS = " ()-./+\t\u00a0\u2013\u2212"
PREFIXES = ["", "tel:", "TEL:", "tel://", "callto:", "callto://", "sip:", "sips:", " tel:",
            "Cel: ", "ligue para ", "+", "00", "0", "+55 ", "#"]
SUFFIXES = ["", ".", ";ext=12", ";phone-context=+55", " ramal 12", "!", "@example.com", "\n"]

digits_with_separators = st.text(alphabet="0123456789" + SEPARATORS, max_size=40)
nasty_chars = st.characters(categories=["Cc", "Cf", "Co", "Zs", "Zl", "Zp", "Nd", "No", "So"])
phoneish = st.builds(
    lambda prefix, body, suffix: prefix + body + suffix,
    st.sampled_from(PREFIXES), digits_with_separators, st.sampled_from(SUFFIXES),
)
spliced = st.builds(
    lambda body, char, at: body[:at] + char + body[at:],
    phoneish, nasty_chars, st.integers(0, 40),
)
sentence = st.builds(
    lambda before, number, after: f"{before} {number} {after}",
    st.text(max_size=20), phoneish, st.text(max_size=20),
)
long_text = st.builds(
    lambda chunk, times: (chunk * times)[:5000],
    st.text(min_size=1, max_size=12), st.integers(1, 5000),
)
around_the_limit = st.builds(
    lambda number, size: number.ljust(size), phoneish, st.integers(990, 1010))

any_text = st.one_of(st.text(max_size=60), phoneish, spliced, sentence, long_text,
                     around_the_limit)


def _check_target(target: DialTarget) -> None:
    if target.is_extension:
        assert EXTENSION.fullmatch(target.api_value), target
        assert target.api_value.isascii()
        return
    assert E164.fullmatch(target.api_value), target
    assert target.api_value.isascii()
    assert phonenumbers.is_valid_number(phonenumbers.parse(target.api_value)), target
    assert target.display and target.display.isprintable()


def _check_error(error: InvalidPhoneNumberError) -> None:
    message = error.user_message()
    assert isinstance(message, str) and message
    assert message.isprintable(), repr(message)     # one line: no \n, \r, \t or controls
    assert len(message) < 300, repr(message)


@FUZZ
@given(any_text)
@example("tel:+55-48-3283-0151")
@example("callto://4832830151")
@example("Cel: (11) 98765-4321.")
@example("\u202e1234")                 # right-to-left override
@example("\u0664\u0660\u0660\u0661")   # Arabic-Indic 4001
@example("4001\n4002")
@example("9" * 5000)
@example("1" * 1000)
@example("1" * 1001)
def test_normalize_returns_a_dialable_target_or_a_one_line_error(text):
    try:
        target = normalize(text)
    except InvalidPhoneNumberError as error:
        _check_error(error)
        assert find_dialable(text) is None
    else:
        _check_target(target)
        assert find_dialable(text) == target


@FUZZ
@given(any_text, st.sampled_from(["BR", "PT", "US", "br", "", "ZZ"]))
def test_find_dialable_never_raises_and_agrees_with_normalize(text, region):
    peeked = find_dialable(text, region)
    try:
        expected = normalize(text, region)
    except InvalidPhoneNumberError:
        expected = None
    # Any other exception from normalize() propagates here and fails the test.
    assert peeked == expected
    if peeked is not None:
        _check_target(peeked)


@pytest.mark.parametrize("text", ["call +683 4002 now", "Niue: +683 4002"])
def test_short_foreign_numbers_are_treated_alike_in_and_out_of_sentences(text):
    with pytest.raises(InvalidPhoneNumberError):
        normalize("+683 4002")             # typed alone: refused
    try:
        target = normalize(text)
    except InvalidPhoneNumberError:
        return
    _check_target(target)


# --- valid Brazilian numbers always give the same E.164 -----------------------------

DDDS = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
        41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
        71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96,
        97, 98, 99]


def _valid_br(pair: tuple[str, str]) -> bool:
    ddd, subscriber = pair
    number = phonenumbers.parse(f"+55{ddd}{subscriber}")
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


brazilian_numbers = st.one_of(
    st.tuples(st.sampled_from(DDDS).map(str),
              st.from_regex(r"9[6-9][0-9]{7}", fullmatch=True)),       # mobile, 9 digits
    st.tuples(st.sampled_from(DDDS).map(str),
              st.from_regex(r"[2-5][0-9]{7}", fullmatch=True)),        # landline, 8 digits
).filter(_valid_br)


def _split(subscriber: str) -> tuple[str, str]:
    return subscriber[:-4], subscriber[-4:]


FORMATS = [
    lambda d, s: f"({d}) {_split(s)[0]}-{_split(s)[1]}",
    lambda d, s: f"{d} {_split(s)[0]} {_split(s)[1]}",
    lambda d, s: f"{d}{s}",
    lambda d, s: f"{d}.{_split(s)[0]}.{_split(s)[1]}",
    lambda d, s: f"+55 {d} {_split(s)[0]}-{_split(s)[1]}",
    lambda d, s: f"+55 ({d}) {_split(s)[0]}-{_split(s)[1]}",
    lambda d, s: f"+55{d}{s}",
    lambda d, s: f"tel:+55-{d}-{_split(s)[0]}-{_split(s)[1]}",
    lambda d, s: f"callto:+55{d}{s}",
    lambda d, s: f"({d}) {_split(s)[0]}\u2013{_split(s)[1]}",          # en dash
    lambda d, s: f"\u202a({d}) {_split(s)[0]}-{_split(s)[1]}\u202c",  # WhatsApp's LRE/PDF
    lambda d, s: f"  {d}   {s}  ",
    lambda d, s: f"Cel: ({d}) {_split(s)[0]}-{_split(s)[1]}",
    lambda d, s: f"Ligue para ({d}) {_split(s)[0]}-{_split(s)[1]}.",
    # Not "00 55 ...": from Brazil 00 is followed by a carrier code, and 55 is one
    # (so "00 55 33 96000-0000" is France through carrier 55, as phonenumbers reads it).
]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(brazilian_numbers, st.sampled_from(range(len(FORMATS))))
def test_valid_brazilian_numbers_normalise_to_one_e164(number, format_index):
    ddd, subscriber = number
    expected = f"+55{ddd}{subscriber}"
    text = FORMATS[format_index](ddd, subscriber)
    target = normalize(text)
    assert target.api_value == expected, (text, target)
    assert not target.is_extension and target.region_code == "BR"
    assert find_dialable(text) == target


# --- one number among the punctuation of signatures, web pages and vCards -------------

# What may touch the number directly: punctuation only (a letter glued to digits, as in
# "abc11987654321", is refused on purpose).
GLUE = ";|,:!?.\u2026\u2022\u00b7\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb[]{}<>"
# What stands apart from the number, with spaces or line breaks between.
WORDS = ["Tel.:", "Fone:", "Cel.", "Cel/WhatsApp:", "WhatsApp", "Comercial", "(WhatsApp)",
         "Ramal 2034", "ramal: 12", "|", ";", "\u2022", "\u00b7", "/", ",", "\u2013", "\u2014",
         "Seg. a Sex., 8h\u201318h", "Florian\u00f3polis/SC", "ana@empresa.com.br",
         "www.empresa.com.br", "CEP 88015-100", "CNPJ 12.345.678/0001-90", "26/11/2026",
         "TEL;TYPE=CELL:", "Atenciosamente,", "--", "\u00a9 2026 Empresa Ltda."]
SPACES = [" ", "  ", "\t", "\n", "\r\n", " | ", " \u2022 ", "; "]

glue = st.text(alphabet=GLUE, max_size=3)
words = st.lists(st.sampled_from(WORDS), max_size=4)
spaces = st.sampled_from(SPACES)


def _surround(number: str, before: list[str], after: list[str], glue_before: str,
              glue_after: str, space: str) -> str:
    return (space.join(before) + space + glue_before + number + glue_after + space
            + space.join(after))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(brazilian_numbers, st.sampled_from(range(len(FORMATS))), words, words, glue, glue, spaces)
def test_one_number_among_separators_is_found(number, format_index, before, after,
                                              glue_before, glue_after, space):
    ddd, subscriber = number
    text = _surround(FORMATS[format_index](ddd, subscriber), before, after, glue_before,
                     glue_after, space)
    target = normalize(text)
    assert target.api_value == f"+55{ddd}{subscriber}", (text, target)
    assert find_dialable(text) == target


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(brazilian_numbers, brazilian_numbers, st.sampled_from(range(len(FORMATS))),
       st.sampled_from([" | ", "|", "; ", ";", " \u2022 ", " \u00b7 ", " / ", ", ", " ou ",
                        " \u2013 ", "\n|\n", ";\n", " e ", " \u2014 "]), glue, glue)
def test_two_different_numbers_are_refused_whatever_separates_them(first, second, format_index,
                                                                    between, glue_before,
                                                                    glue_after):
    # (Only spaces between two numbers can run them into one too-long number: refused
    # too, but as too long; that is the strict whole-text path's business, above.)
    text = (glue_before + FORMATS[format_index](*first) + between
            + FORMATS[format_index](*second) + glue_after)
    if first == second:
        assert normalize(text).api_value == f"+55{first[0]}{first[1]}", text
        return
    with pytest.raises(InvalidPhoneNumberError, match="more than one phone number"):
        normalize(text)
