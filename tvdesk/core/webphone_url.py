"""Which webphone addresses tvdesk opens, and what counts as the webphone's origin.

One policy, Qt-free, for the API client (before any web view sees a URL), the dialer
and the web page (which grants the microphone to that origin only and keeps
navigation on it).
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from tvdesk.core import errors

log = logging.getLogger("tvdesk.api")

MAX_URL_LENGTH = 4096
TRUSTED_WEBPHONE_DOMAINS = ("totalvoice.com.br", "zenvia.com")
_DEFAULT_PORTS = {"http": 80, "https": 443}


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
    if len(url) > MAX_URL_LENGTH:
        raise errors.UnsafeUrlError("too long")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.UnsafeUrlError("not an http(s) address")
    if require_https and parts.scheme != "https":
        # The URL's key and signature are credentials: never downgrade them to plain http.
        raise errors.UnsafeUrlError("not https")
    if parts.username or parts.password:
        raise errors.UnsafeUrlError("credentials in the address")


def check_webphone_host(url: str, api_base: str) -> None:
    """Refuse to open a webphone served from a host the person would not expect.

    Expected: the API's own host, TotalVoice's and Zenvia's domains (the page may live on
    another of their hosts, e.g. voice-app.zenvia.com), or loopback for a local API.
    """
    host = (urlsplit(url).hostname or "").lower()
    api_host = (urlsplit(api_base).hostname or "").lower()
    if host == api_host or (is_loopback_host(host) and is_loopback_host(api_host)):
        return
    if any(host == domain or host.endswith("." + domain) for domain in TRUSTED_WEBPHONE_DOMAINS):
        return
    log.warning("refused a webphone URL on an unexpected host")
    raise errors.UnsafeUrlError("unexpected host")


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
