"""Which webphone addresses tvdesk opens, and what counts as the webphone's origin.

One policy, Qt-free, for the API client (before any web view sees a URL), the dialer
and the web page (which grants the microphone to that origin only and keeps
navigation on it).

Addresses are read strictly (`parse_web_address`): where `urlsplit` and a browser could
read one text as two different hosts (a backslash, `%2f`, a full-width slash, a
control character), the text is refused rather than guessed at.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

from tvdesk.core import errors
from tvdesk.core.i18n import _

log = logging.getLogger("tvdesk.api")

MAX_URL_LENGTH = 4096
TRUSTED_WEBPHONE_DOMAINS = ("totalvoice.com.br", "zenvia.com")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Controls, spaces, DEL and the backslash: browsers drop or reinterpret them (a backslash
# ends the host in a browser, not in urlsplit), so an address carrying one is refused.
_NOT_IN_AN_ADDRESS = re.compile(r"[\x00-\x20\x7f\\]")
_HOST_AND_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^\[\]:]+)(?::(?P<port>[0-9]{1,5}))?")
# A last label a browser reads as part of an IPv4 address (WHATWG "ends in a number").
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.ASCII)


class BadAddressError(ValueError):
    """Why a text is not an address tvdesk uses; the reason is in the person's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebAddress:
    scheme: str          # "http" or "https"
    host: str            # lower-case ASCII (IDNA A-labels), or an IP address without brackets
    port: int | None     # None when the address names none
    path: str
    query: str
    fragment: str


def parse_web_address(url: str) -> WebAddress:
    """An http(s) address read strictly, or BadAddressError with the reason."""
    if len(url) > MAX_URL_LENGTH:
        raise BadAddressError(_("too long"))
    if _NOT_IN_AN_ADDRESS.search(url):
        raise BadAddressError(_("characters that do not belong in an address"))
    try:
        parts = urlsplit(url)
    except ValueError:   # e.g. a full-width slash that normalises to '/' in the host
        raise BadAddressError(_("not a valid address")) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadAddressError(_("not an http(s) address"))
    if "@" in parts.netloc:
        raise BadAddressError(_("credentials in the address"))
    found = _HOST_AND_PORT.fullmatch(parts.netloc)
    if found is None:
        raise BadAddressError(_("not a valid host name"))
    port_text = found.group("port")
    port = int(port_text) if port_text is not None else None
    if port is not None and not 0 < port < 65536:
        raise BadAddressError(_("not a valid port"))
    return WebAddress(parts.scheme, _checked_host(found.group("host")), port,
                      parts.path, parts.query, parts.fragment)


def _checked_host(text: str) -> str:
    """The host in its one canonical form: an IP literal, or a name whose every label is
    letters, digits and hyphens (IDNA 2008 for the non-ASCII ones)."""
    if text.startswith("["):
        try:
            return str(ipaddress.IPv6Address(text[1:-1]))
        except ValueError:
            raise BadAddressError(_("not a valid host name")) from None
    name = text.lower()
    try:
        return str(ipaddress.IPv4Address(name))
    except ValueError:
        pass
    labels = name.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):   # not a dotted quad, yet read as one
        raise BadAddressError(_("not a valid host name"))
    try:
        encoded = idna.encode(name, strict=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise BadAddressError(_("not a valid host name")) from None
    if not all(labels) or len(encoded) > 253:   # an empty label, a trailing dot
        raise BadAddressError(_("not a valid host name"))
    return encoded


def is_loopback_host(host: str) -> bool:
    """Loopback by address (127.0.0.0/8, ::1) or the name `localhost`; never by prefix,
    so a name like `127.evil.invalid` is not loopback."""
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webphone_url(url: str, require_https: bool = False) -> None:
    """Refuse a webphone URL no web view should open."""
    try:
        address = parse_web_address(url)
    except BadAddressError as error:
        raise errors.UnsafeUrlError(error.reason) from None
    if require_https and address.scheme != "https":
        # The URL's key and signature are credentials: never downgrade them to plain http.
        raise errors.UnsafeUrlError(_("not https"))


def check_webphone_host(url: str, api_base: str) -> None:
    """Refuse to open a webphone served from a host the person would not expect.

    Expected: the API's own host, TotalVoice's and Zenvia's domains (the page may live on
    another of their hosts, e.g. voice-app.zenvia.com), or loopback for a local API.
    """
    try:
        host = parse_web_address(url).host
    except BadAddressError as error:
        raise errors.UnsafeUrlError(error.reason) from None
    try:
        api_host = parse_web_address(api_base).host
    except BadAddressError:
        api_host = ""
    if host == api_host or (is_loopback_host(host) and is_loopback_host(api_host)):
        return
    if any(host == domain or host.endswith("." + domain) for domain in TRUSTED_WEBPHONE_DOMAINS):
        return
    log.warning("refused a webphone URL on an unexpected host")
    raise errors.UnsafeUrlError(_("unexpected host"))


def check_webphone_for_api(url: str, api_base: str) -> None:
    """Refuse a webphone URL the API at `api_base` gave that no web view should open: an
    unsound address, plain http under an https API, or a host the person would not expect.
    One check for every place a URL arrives (the client, a URL from the phone process)."""
    check_webphone_url(url, require_https=api_base.lower().startswith("https://"))
    check_webphone_host(url, api_base)


def origin_key(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the scheme's default port filled in; None when the text
    has no usable origin."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS.get(scheme, -1)


def origin_of(url: str) -> str:
    """`scheme://host[:port]`, the port only when it is not the scheme's default."""
    key = origin_key(url)
    if key is None:
        return ""
    scheme, host, port = key
    shown_host = f"[{host}]" if ":" in host else host
    suffix = "" if port == _DEFAULT_PORTS.get(scheme) else f":{port}"
    return f"{scheme}://{shown_host}{suffix}"


def same_origin(a: str, b: str) -> bool:
    key = origin_key(a)
    return key is not None and key == origin_key(b)
