"""normalize(): what people copy and paste becomes what the API dials, or a clear refusal."""

from __future__ import annotations

import pytest

from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.phone_numbers import DialTarget, normalize

SP_MOBILE = "+5511987654321"


@pytest.mark.parametrize("text", [
    "(11) 98765-4321",
    "+55 11 98765-4321",
    "+55 (11) 98765-4321",
    "011 98765 4321",
    "11987654321",
    "5511987654321",
    "11.98765.4321",
    "tel:+55-11-98765-4321",
    "TEL:+55-11-98765-4321",
    "tel://+55-11-98765-4321",
    "tel:+55-11-98765-4321;ext=12",
    "callto:+5511987654321",
    "  (11) 98765-4321\n",
])
def test_brazilian_mobile_formats(text):
    target = normalize(text)
    assert target == DialTarget(api_value=SP_MOBILE, display="(11) 98765-4321", is_extension=False)


def test_landline_matches_the_api_example():
    assert normalize("(48) 3283-0151").api_value == "+554832830151"
    assert normalize("048 3283 0151").display == "(48) 3283-0151"


def test_toll_free():
    target = normalize("0800 123 4567")
    assert target.api_value == "+558001234567"
    assert target.display == "0800 123 4567"


@pytest.mark.parametrize("text, e164, display", [
    ("+1 650 253 0000", "+16502530000", "+1 650-253-0000"),
    ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    ("+351 21 234 5678", "+351212345678", "+351 21 234 5678"),
])
def test_international_numbers_show_in_international_format(text, e164, display):
    assert normalize(text) == DialTarget(e164, display)


@pytest.mark.parametrize("text", ["123", "4000", " 4001 ", "40-01"])
def test_extensions_are_kept_as_they_are(text):
    digits = "".join(ch for ch in text if ch.isdigit())
    assert normalize(text) == DialTarget(digits, digits, is_extension=True)


def test_a_plus_sign_is_not_an_extension():
    with pytest.raises(InvalidPhoneNumberError, match="too short"):
        normalize("+4000")


def test_other_default_region():
    assert normalize("(650) 253-0000", region="US").api_value == "+16502530000"


@pytest.mark.parametrize("text, words", [
    ("", "no number"),
    ("   ", "no number"),
    (None, "no number"),
    ("tel:", "no number"),
    ("abc", "has letters"),
    ("0800-FLOWERS", "has letters"),
    ("12345", "too short"),
    ("1234567", "too short"),
    ("1234567890123456", "too long"),
    ("+55 11 98765-4321 0000 0000", "too long"),
    ("32830151", "not a valid phone number"),
    ("+55 11 1234-5678 9", "not a valid phone number"),
    ("11 98765*4321", "is not a phone number"),
    ("#11987654321", "is not a phone number"),
])
def test_junk_is_refused_with_a_reason(text, words):
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    message = caught.value.user_message()
    assert words in message
    assert caught.value.exit_code == 2


def test_refusal_quotes_the_text_but_shortens_it():
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize("x" * 500)
    message = caught.value.user_message()
    assert "'" + "x" * 39 + "…'" in message
    assert len(message) < 120


@pytest.mark.parametrize("text", ["٤٠٠٠", "４０００"])
def test_non_ascii_digits_never_reach_the_api(text):
    try:
        target = normalize(text)
    except InvalidPhoneNumberError:
        return
    assert target.api_value.isascii()


@pytest.mark.parametrize("text", ["abc\ndef", "(11)\n98765-4321x", "\x1b[31m1234\x1b[0m"])
def test_refusal_message_is_one_printable_line(text):
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    assert caught.value.user_message().isprintable()


@pytest.mark.xfail(strict=True, reason="not yet: a number inside a sentence (issue list)")
def test_number_inside_text():
    assert normalize("Ligue para (11) 98765-4321 amanhã").api_value == SP_MOBILE


@pytest.mark.xfail(strict=True, reason="not yet: a number glued to letters such as 'Cel:'")
def test_number_with_a_label():
    assert normalize("Cel: (11) 98765-4321").api_value == SP_MOBILE
