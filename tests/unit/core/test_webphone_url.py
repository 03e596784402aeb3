"""The webphone URL policy, read strictly: hostile texts are refused, never guessed at."""

from __future__ import annotations

import pytest

from tvdesk.core import errors
from tvdesk.core.webphone_url import (
    BadAddressError,
    check_webphone_host,
    check_webphone_url,
    parse_web_address,
)

API = "https://api.totalvoice.com.br"

# Each of these is refused by check_webphone_url (and so by the API client) or by the
# host check. Many of them slip through `urlsplit` as a trusted-looking host that a
# browser reads as another one (a backslash or %2f ends the host there).
HOSTILE = [
    "https://evil.invalid\uff0f.totalvoice.com.br/w3/?key=k",     # full-width slash
    "https://evil.invalid\uff03.totalvoice.com.br/w3/",            # full-width #
    "https://evil.invalid\uff1f.totalvoice.com.br/w3/",            # full-width ?
    "https://evil.invalid\uff20.totalvoice.com.br/w3/",            # full-width @
    "https://evil.invalid%2f.totalvoice.com.br/w3/?key=k",
    "https://evil.invalid%2F.totalvoice.com.br/w3/",
    "https://evil.invalid%252f.totalvoice.com.br/w3/",
    "https://evil.invalid%00.totalvoice.com.br/w3/",
    "https://evil.invalid;.totalvoice.com.br/w3/",
    "https://evil.invalid\\.totalvoice.com.br/w3/",
    "https://evil.invalid\\@voice-app.zenvia.com/w3/",
    "https://evil.invalid\t.totalvoice.com.br/w3/",
    "https://evil.invalid\n.totalvoice.com.br/w3/",
    "https://evil.invalid\r\n.totalvoice.com.br/w3/",
    "https://evil.invalid .totalvoice.com.br/w3/",
    "https://evil.invalid\x00.totalvoice.com.br/w3/",
    "https://evil.invalid\x7f.totalvoice.com.br/w3/",
    " https://api.totalvoice.com.br/w3/",
    "https://api.totalvoice.com.br/w3/?key=k\n",
    "java\tscript:alert(1)//https://api.totalvoice.com.br/",
    "https://evil.invalid\u3002totalvoice.com.br/w3/",             # ideographic full stop
    "https://evil\uff0einvalid.totalvoice.com.br/w3/",             # full-width full stop
    "https://\uff45\uff56\uff49\uff4c.totalvoice.com.br/w3/",      # full-width letters
    "https://evil.invalid\u200b.totalvoice.com.br/w3/",            # zero-width space
    "https://evil_host.totalvoice.com.br/w3/",
    "https://evil!.totalvoice.com.br/w3/",
    "https://evil$x.totalvoice.com.br/w3/",
    "https://evil*.totalvoice.com.br/w3/",
    "https://evil'x.totalvoice.com.br/w3/",
    "https://evil\"x.totalvoice.com.br/w3/",
    "https://evil<x>.totalvoice.com.br/w3/",
    "https://evil|x.totalvoice.com.br/w3/",
    "https://evil{x}.totalvoice.com.br/w3/",
    "https://-evil.totalvoice.com.br/w3/",
    "https://evil-.totalvoice.com.br/w3/",
    "https://ev--il.totalvoice.com.br/w3/",
    "https://xn--zzzz.totalvoice.com.br/w3/",                      # not valid punycode
    "https://evil..totalvoice.com.br/w3/",
    "https://.totalvoice.com.br/w3/",
    "https://api.totalvoice.com.br./w3/",
    "https://" + "a" * 64 + ".totalvoice.com.br/w3/",
    "https://[::1/w3/",
    "https://[::1]x/w3/",
    "https://[fe80::1%25eth0]/w3/",
    "https://[evil.invalid]/w3/",
    "https://api.totalvoice.com.br:/w3/",
    "https://api.totalvoice.com.br:0/w3/",
    "https://api.totalvoice.com.br:65536/w3/",
    "https://api.totalvoice.com.br:99999/w3/",
    "https://api.totalvoice.com.br:443:443/w3/",
    "https://api.totalvoice.com.br:+443/w3/",
    "https://api.totalvoice.com.br:４４３/w3/",                        # full-width digits
    "https://api.totalvoice.com.br:0x1bb/w3/",
    "https://api.totalvoice.com.br:-1/w3/",
    "https://user@api.totalvoice.com.br/w3/",
    "https://:pw@api.totalvoice.com.br/w3/",
    "https://api.totalvoice.com.br@evil.invalid/w3/",
    "https://127.1/w3/",
    "https://0x7f.0.0.1/w3/",
    "https://2130706433/w3/",
    "https://1.2.3.256/w3/",
    "https://01.2.3.4/w3/",
    "https://evil.0x7f/w3/",
    "https://",
    "https:",
    "https:/api.totalvoice.com.br/w3/",
    "//api.totalvoice.com.br/w3/",
    "ws://api.totalvoice.com.br/w3/",
    "blob:https://api.totalvoice.com.br/x",
    "view-source:https://api.totalvoice.com.br/w3/",
    "about:blank",
    "",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_webphone_urls_are_refused(url):
    with pytest.raises(errors.UnsafeUrlError) as caught:
        check_webphone_url(url)
        check_webphone_host(url, API)
    assert caught.value.exit_code == 4
    message = caught.value.user_message()
    assert "will not open" in message and "\n" not in message


@pytest.mark.parametrize("url, host, port", [
    ("https://api.totalvoice.com.br/w3/?key=k&signature=s", "api.totalvoice.com.br", None),
    ("https://API.TotalVoice.com.br:8443/w3/", "api.totalvoice.com.br", 8443),
    ("HTTPS://voice-app.zenvia.com/w3/", "voice-app.zenvia.com", None),
    ("http://127.0.0.1:5000/w3/?key=k", "127.0.0.1", 5000),
    ("http://[::1]:5000/w3/", "::1", 5000),
    ("http://localhost:1/w3/", "localhost", 1),
    ("https://r\u00e9cepcao.totalvoice.com.br/w3/", "xn--rcepcao-bya.totalvoice.com.br", None),
    ("https://xn--rcepcao-bya.totalvoice.com.br/w3/", "xn--rcepcao-bya.totalvoice.com.br", None),
    ("https://a1-b2.zenvia.com:65535/w3/#x", "a1-b2.zenvia.com", 65535),
])
def test_well_formed_addresses_are_read_in_one_canonical_form(url, host, port):
    address = parse_web_address(url)
    assert (address.host, address.port) == (host, port)
    check_webphone_url(url)


@pytest.mark.parametrize("url", [
    "https://r\u00e9cepcao.totalvoice.com.br/w3/",
    "https://voice-app.zenvia.com/w3/?key=k",
    "https://API.totalvoice.com.br/w3/",
])
def test_trusted_hosts_still_pass_the_host_check(url):
    check_webphone_host(url, API)


def test_a_unicode_host_is_compared_in_its_ascii_form():
    # The API's own host counts, written either way.
    check_webphone_host("https://xn--rcepcao-bya.example.org/w3/", "https://r\u00e9cepcao.example.org")
    with pytest.raises(errors.UnsafeUrlError):
        check_webphone_host("https://r\u00e9cepcao.example.org/w3/", "https://recepcao.example.org")


def test_the_reason_is_part_of_the_error_and_never_the_url():
    with pytest.raises(errors.UnsafeUrlError) as caught:
        check_webphone_url("https://evil.invalid%2f.totalvoice.com.br/w3/?key=secret-key-123")
    assert str(caught.value) == "not a valid host name"
    assert "secret-key-123" not in caught.value.user_message()
    with pytest.raises(BadAddressError):
        parse_web_address("https://evil.invalid\uff0f.totalvoice.com.br/w3/")
