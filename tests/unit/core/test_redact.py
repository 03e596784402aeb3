"""redact(): credentials never survive into a text meant for logs or people."""

from __future__ import annotations

import logging

import pytest

from tvdesk.core.redact import MASK, RedactingFilter, redact, register_secret

KEY = "0123456789abcdef0123456789abcdef"
SIGNATURE = "f" * 64


def test_webphone_url_key_and_signature_are_masked():
    url = (f"https://api.totalvoice.com.br/w3/?key={KEY}&pop=1&expires=1900000000"
           f"&signature={SIGNATURE}")
    text = redact(f"opening {url}")
    assert KEY not in text
    assert SIGNATURE not in text
    assert text == ("opening https://api.totalvoice.com.br/w3/?key=***&pop=1"
                    "&expires=1900000000&signature=***")


@pytest.mark.parametrize("text, secret", [
    ("GET /saldo?access_token=abcdef123456 HTTP/1.1", "abcdef123456"),
    ("GET /saldo?ACCESS_TOKEN=abcdef123456", "abcdef123456"),
    ("url?token=abcdef123456#frag", "abcdef123456"),
    ("Key=abcdef123456", "abcdef123456"),
    ("Access-Token: abcdef123456", "abcdef123456"),
    ("access-token:abcdef123456", "abcdef123456"),
    ("{'Access-Token': 'abcdef123456', 'Accept': 'application/json'}", "abcdef123456"),
    ('{"Access-Token": "abcdef123456"}', "abcdef123456"),
    ("access-token=abcdef123456&x=1", "abcdef123456"),
])
def test_secret_parameters_and_headers_are_masked(text, secret):
    result = redact(text)
    assert secret not in result
    assert MASK in result


def test_other_text_is_untouched():
    text = "GET /webphone?ramal=4000&ligar_para=%2B5511987654321&tipo=floating -> 200"
    assert redact(text) == text
    assert redact("") == ""


def test_masking_keeps_the_rest_of_a_header_dict():
    assert redact("{'Access-Token': 'abcdef123456', 'Accept': 'application/json'}") == \
        "{'Access-Token': '***', 'Accept': 'application/json'}"


def test_registered_secrets_are_masked_anywhere():
    register_secret("registered-secret-7c1e")
    assert redact("boom: registered-secret-7c1e!") == "boom: ***!"
    assert redact("xregistered-secret-7c1ex") == "x***x"


def test_longer_secrets_are_masked_before_their_prefixes():
    register_secret("prefix-secret")
    register_secret("prefix-secret-longer")
    assert redact("prefix-secret-longer") == MASK


@pytest.mark.parametrize("value", [None, "", "short"])
def test_tiny_or_empty_values_are_not_registered(value):
    register_secret(value)
    assert redact("a short text") == "a short text"


@pytest.mark.parametrize("text", [
    f"webphone_key={KEY}",
    f'{{"webphone_key": "{KEY}"}}',
    f"{{'key': '{KEY}', 'pop': '1'}}",
])
def test_webphone_key_fields_are_masked(text):
    assert KEY not in redact(text)


def _record(msg, args=(), exc_info=None):
    return logging.LogRecord("tvdesk.test", logging.INFO, __file__, 1, msg, args, exc_info)


def test_filter_redacts_formatted_arguments():
    record = _record("opened %s", (f"https://x/w3/?key={KEY}",))
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "opened https://x/w3/?key=***"


def test_filter_redacts_the_traceback():
    register_secret("traceback-secret-4411")
    try:
        raise RuntimeError("failed with traceback-secret-4411")
    except RuntimeError:
        import sys
        record = _record("oops", exc_info=sys.exc_info())
    RedactingFilter().filter(record)
    assert record.exc_info is None
    message = record.getMessage()
    assert "Traceback" in message
    assert "RuntimeError: failed with ***" in message
    assert "traceback-secret-4411" not in message
