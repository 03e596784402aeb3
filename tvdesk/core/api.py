"""Client of the TotalVoice REST API: the webphone URL, extensions, balance.

Blocking by design (the UI calls it from a worker thread). One `requests.Session`
for connection reuse, explicit timeouts, retries only on connection failures of
these idempotent GETs, and no redirects: `requests` keeps custom headers such as
`Access-Token` across hosts, so a redirect is refused instead of followed.

Every call has an overall deadline, not just a timeout per read: a server that drips
its answer a byte at a time (headers or body) is cut off when the deadline passes,
and an answer larger than any the API gives is not read to its end. The token never
travels in clear text: plain http is accepted only for a server on this computer.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.__version__ import __version__ as requests_version
from requests.adapters import HTTPAdapter
from requests.utils import guess_json_utf
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager
from urllib3.util.retry import Retry

from tvdesk import __version__
from tvdesk.core import errors
from tvdesk.core.i18n import _
from tvdesk.core.redact import redact, register_secret
from tvdesk.core.settings import DOCUMENTED_API_BASE, WEBPHONE_TYPES, Extension, is_valid_ramal
from tvdesk.core.webphone_url import (  # noqa: F401 - part of the client's interface
    MAX_URL_LENGTH,
    BadAddressError,
    WebAddress,
    check_webphone_for_api,
    check_webphone_host,
    check_webphone_url,
    is_loopback_host,
    parse_web_address,
)

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection

log = logging.getLogger("tvdesk.api")

USER_AGENT = f"tvdesk/{__version__} (+https://github.com/tvdesk; python-requests/{requests_version})"
DEFAULT_TIMEOUT = (5.0, 15.0)     # connect, read (seconds)
# One API call in all (connection, retries, headers, body, rate-limit waits): however
# slowly a server answers, the person hears "took too long" after this many seconds.
DEFAULT_DEADLINE = 20.0
MAX_BODY_BYTES = 4 * 1024 * 1024  # far above any API answer (200 extensions: ~40 KB)
PAGE_LIMIT = 200                  # the documented maximum of /ramal/relatorio
# 429: wait a little and try again, but never keep a person waiting more than ~3 s.
RATE_LIMIT_WAITS = (0.5, 1.5)
MAX_RATE_LIMIT_WAIT = 3.0


def normalize_base_url(base_url: str) -> str:
    """The API address as the client uses it, or InvalidInputError with a sentence.

    Every request carries the Access-Token, so plain http is refused unless the server
    is on this computer (loopback by address, or `localhost`): a local sandbox works,
    and the token never crosses a network in clear text.
    """
    base = (base_url or "").strip().rstrip("/")
    address: WebAddress | None
    try:
        address = parse_web_address(base)
    except BadAddressError:
        address = None
    if address is None or "?" in base or "#" in base:
        raise errors.InvalidInputError(_(
            "'{url}' is not an API address: use a plain https:// address such as {example}.",
            url=_shown_address(base), example=DOCUMENTED_API_BASE))
    if address.scheme == "http" and not is_loopback_host(address.host):
        raise errors.InvalidInputError(_(
            "'{url}' is a plain http:// address: the Access-Token would travel in clear "
            "text. Use https://, such as {example}; plain http:// is only for a test "
            "server on this computer (127.0.0.1 or localhost).",
            url=_shown_address(base), example=DOCUMENTED_API_BASE))
    return address.scheme + base[len(address.scheme):]   # "HTTPS://x" -> "https://x"


def _shown_address(base: str) -> str:
    """The address as quoted back to people: without credentials or query, one line."""
    try:
        parts = urlsplit(base)
        if parts.hostname:
            base = f"{parts.scheme}://{parts.hostname}{parts.path}"
    except ValueError:
        pass
    shown = "".join(c if c.isprintable() else "?" for c in redact(base))
    return shown[:80] or "-"


# --- the overall deadline ---------------------------------------------------------------

class _DeadlinePassed(Exception):
    """Raised inside the transport when a call's deadline has passed (never leaves here)."""


_current = threading.local()   # .watchdog: the _Watchdog of the call this thread makes


class _Watchdog:
    """Ends one call at a fixed time, however slowly the server answers.

    Timeouts in `requests` apply to each read, so a server sending a byte every few
    seconds never trips them. At the deadline this shuts the call's sockets down; a read
    blocked on them returns at once and the call fails as a timeout. It keeps doing so
    every RECHECK seconds until the call is over, so a connection made at that very
    moment is not missed.
    """

    RECHECK = 0.2

    def __init__(self, ends: float) -> None:
        self.ends = ends
        self.expired = False
        self._done = False
        self._connections: list[BaseHTTPConnection] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def remaining(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def __enter__(self) -> _Watchdog:
        _current.watchdog = self
        self._arm(self.remaining())
        return self

    def __exit__(self, *exc: object) -> None:
        _current.watchdog = None
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()

    def watch(self, connection: BaseHTTPConnection) -> bool:
        """Take a connection in charge; False when the deadline has already passed."""
        with self._lock:
            if self.expired:
                return False
            if not any(known is connection for known in self._connections):
                self._connections.append(connection)
            return True

    def _arm(self, seconds: float) -> None:
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for connection in self._connections:
                _shut(connection)
            self._arm(self.RECHECK)


def _shut(connection: BaseHTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        try:
            # socket.socket's own shutdown, also for an SSLSocket: it only ends the
            # transport, and leaves the TLS state to the thread that is reading.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass   # already closed


def _watched(connection: BaseHTTPConnection) -> BaseHTTPConnection:
    watchdog: _Watchdog | None = getattr(_current, "watchdog", None)
    if watchdog is not None and not watchdog.watch(connection):
        connection.close()   # urllib3 puts an empty slot back in the pool
        raise _DeadlinePassed()
    return connection


class _WatchedHTTPPool(HTTPConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> BaseHTTPConnection:
        return _watched(super()._get_conn(timeout))


class _WatchedHTTPSPool(HTTPSConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> BaseHTTPConnection:
        return _watched(super()._get_conn(timeout))


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


_trust: tuple[ssl.SSLContext | None, str] | None = None


def tls_trust() -> tuple[ssl.SSLContext | None, str]:
    """(context, words for diagnostics). The operating system's trust store through
    `truststore`, so a company CA that re-signs TLS (common behind call-centre proxies) is
    trusted as the system trusts it; where truststore cannot run, requests' own `certifi`
    bundle (context None)."""
    global _trust
    if _trust is None:
        try:
            import truststore

            _trust = (truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
                      f"system trust store (truststore {truststore.__version__})")
        except Exception as error:  # noqa: BLE001 - ImportError, or an OS it does not support
            log.warning("the system trust store is not usable (%s): using certifi's bundle",
                        type(error).__name__)
            _trust = (None, "certifi bundle (the system trust store is not usable here)")
    return _trust


class _WatchedAdapter(HTTPAdapter):
    """Every connection a call uses is handed to the call's watchdog, and verified
    against the system's trust store."""

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        context = tls_trust()[0]
        if context is not None:
            pool_kwargs.setdefault("ssl_context", context)
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        context = tls_trust()[0]
        if context is not None:
            proxy_kwargs.setdefault("ssl_context", context)
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, PoolManager) and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


def _read_body(response: requests.Response, watchdog: _Watchdog) -> bytes:
    """The whole body, within the deadline and MAX_BODY_BYTES."""
    status = response.status_code
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        log.warning("refused an answer of %s bytes", declared)
        raise errors.UnexpectedResponseError(status, None, "")
    body = bytearray()
    for chunk in response.iter_content(chunk_size=64 * 1024):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            log.warning("stopped reading an answer larger than %d bytes", MAX_BODY_BYTES)
            raise errors.UnexpectedResponseError(status, None, "")
        if watchdog.expired:
            raise _DeadlinePassed()
    return bytes(body)


def _json_of(body: bytes) -> Any:
    try:
        return json.loads(body.decode(guess_json_utf(body) or "utf-8"))
    except (ValueError, LookupError, RecursionError):   # not JSON, odd bytes, absurd nesting
        return None


def _new_session(connect_retries: int) -> requests.Session:
    session = requests.Session()
    session.headers.update({
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
    })
    # read=False: a read timeout is raised as such (a slow API), not as a connection error.
    retry = Retry(total=connect_retries, connect=connect_retries, read=False, status=0,
                  redirect=0, other=0, backoff_factor=0.2, allowed_methods={"GET"},
                  raise_on_redirect=False, raise_on_status=False)
    adapter = _WatchedAdapter(max_retries=retry, pool_maxsize=4)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def warm_up() -> None:
    """Do now, without any network, the one-time work of a first request: the trust
    store, the adapter, requests' and urllib3's lazy parts, the proxy and netrc look-up
    (about 10 ms here). The phone process does it while Qt starts, so that the URL of
    the first call after a sign of intent is asked at once."""
    session = _new_session(connect_retries=0)
    try:
        url = "https://warm-up.invalid/webphone"
        session.prepare_request(requests.Request("GET", url, params={"ramal": "4000"}))
        session.merge_environment_settings(url, {}, None, None, None)
    finally:
        session.close()


class TotalVoiceClient:
    def __init__(self, base_url: str, token: str,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 connect_retries: int = 2, deadline: float = DEFAULT_DEADLINE) -> None:
        self.base_url = normalize_base_url(base_url)
        self.host = urlsplit(self.base_url).netloc
        self.timeout = timeout
        self.deadline = deadline
        self._token = token
        register_secret(token)
        self.session = _new_session(connect_retries)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> TotalVoiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- endpoints ----------------------------------------------------------------

    def webphone_url(self, *, ramal: str | None = None, id_ramal: int | None = None,
                     ligar_para: str | None = None, fechar_fim: bool = False,
                     tipo: str = "floating") -> str:
        """A fresh one-time webphone URL. Never cache it: it is signed and expires."""
        if (ramal is None) == (id_ramal is None):
            raise ValueError("give exactly one of ramal or id_ramal")
        if ramal is not None and not is_valid_ramal(str(ramal)):
            raise errors.InvalidExtensionError(str(ramal))
        if tipo not in WEBPHONE_TYPES:
            raise ValueError(f"tipo must be one of {WEBPHONE_TYPES}")
        params: dict[str, str] = {}
        if ramal is not None:
            params["ramal"] = str(ramal)
        else:
            params["id_ramal"] = str(id_ramal)
        if ligar_para:
            params["ligar_para"] = ligar_para
        params["fechar_fim"] = "true" if fechar_fim else "false"
        params["tipo"] = tipo
        dados = self._get("/webphone", params)
        url = dados.get("url") if isinstance(dados, dict) else None
        if not isinstance(url, str):
            raise errors.UnexpectedResponseError(200, None, "dados.url missing")
        # Before any web view sees it, and for `tvdesk url` alike: a sound address, never
        # plain http under an https API, on a host the person expects.
        check_webphone_for_api(url, self.base_url)
        return url

    def list_extensions(self) -> list[Extension]:
        """Every extension of the account, following the pages of /ramal/relatorio."""
        found: list[Extension] = []
        position = 0
        for _page in range(1000):  # a hard stop against a server that pages forever
            dados = self._get("/ramal/relatorio", {"posicao": str(position), "limite": str(PAGE_LIMIT)})
            records = dados.get("relatorio") if isinstance(dados, dict) else None
            if not isinstance(records, list):
                raise errors.UnexpectedResponseError(200, None, "dados.relatorio missing")
            for record in records:
                extension = _extension_from_record(record)
                if extension is not None:
                    found.append(extension)
            position += len(records)
            total = dados.get("total")
            if not records or len(records) < PAGE_LIMIT or (isinstance(total, int) and position >= total):
                break
        return found

    def balance(self) -> float:
        """The account balance; also the cheapest way to check that a token works."""
        dados = self._get("/saldo")
        saldo = dados.get("saldo") if isinstance(dados, dict) else None
        if isinstance(saldo, bool) or not isinstance(saldo, (int, float, str)):
            raise errors.UnexpectedResponseError(200, None, "dados.saldo missing")
        try:
            return float(saldo)
        except ValueError:
            raise errors.UnexpectedResponseError(200, None, "dados.saldo not a number") from None

    # --- transport ----------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET within the call's deadline, with a short, bounded wait on rate limits:
        the person is waiting."""
        ends = time.monotonic() + self.deadline
        waited = 0.0
        for attempt in range(len(RATE_LIMIT_WAITS) + 1):
            try:
                return self._get_once(path, params, ends)
            except errors.RateLimitError as error:
                if attempt == len(RATE_LIMIT_WAITS):
                    raise
                pause = min(error.retry_after or RATE_LIMIT_WAITS[attempt], MAX_RATE_LIMIT_WAIT)
                if waited + pause > MAX_RATE_LIMIT_WAIT or time.monotonic() + pause >= ends:
                    raise
                log.info("rate limited on %s: trying again in %.1f s", path, pause)
                time.sleep(pause)
                waited += pause
        raise AssertionError("unreachable")

    def _get_once(self, path: str, params: dict[str, str] | None, ends: float) -> Any:
        url = self.base_url + path
        log.debug("GET %s", path)
        with _Watchdog(ends) as watchdog:
            try:
                if watchdog.remaining() <= 0:
                    raise _DeadlinePassed()
                connect, read = self.timeout
                response = self.session.get(
                    url, params=params, allow_redirects=False, stream=True,
                    timeout=(min(connect, watchdog.remaining()), min(read, watchdog.remaining())),
                    headers={"Access-Token": self._token})
                with response:
                    if response.is_redirect or 300 <= response.status_code < 400:
                        log.warning("refused a redirect from %s%s", self.host, path)
                        raise errors.RedirectRefusedError(self.host)
                    connection = getattr(response.raw, "connection", None)
                    if isinstance(connection, HTTPConnection):   # e.g. through a SOCKS proxy
                        watchdog.watch(connection)
                    body = _read_body(response, watchdog)
            except errors.TvdeskError:
                raise
            except _DeadlinePassed:
                log.info("%s did not answer %s within %.0f s", self.host, path, self.deadline)
                raise errors.ApiTimeoutError(self.host) from None
            except requests.exceptions.Timeout:
                raise errors.ApiTimeoutError(self.host) from None
            except OSError as error:   # requests' own errors are OSErrors too
                if watchdog.expired:
                    log.info("%s did not answer %s within %.0f s", self.host, path, self.deadline)
                    raise errors.ApiTimeoutError(self.host) from None
                if isinstance(error, requests.exceptions.SSLError):
                    raise errors.TlsError(self.host) from None
                log.info("request to %s failed: %s", self.host, type(error).__name__)
                raise errors.NetworkError(self.host) from None
        return self._parse(response, body, path)

    def _parse(self, response: requests.Response, body: bytes, path: str) -> Any:
        status = response.status_code
        envelope = _json_of(body)
        if not isinstance(envelope, dict) or "sucesso" not in envelope:
            if status == 429:  # gateways answer rate limits with their own HTML
                rate_limited = errors.RateLimitError(status, None, "")
                rate_limited.retry_after = _retry_after(response)
                raise rate_limited
            if status >= 500:
                raise errors.ServerError(status, None, "")
            raise errors.UnexpectedResponseError(status, None, "")
        motivo = envelope.get("motivo")
        motivo = motivo if isinstance(motivo, int) else None
        mensagem = envelope.get("mensagem")
        mensagem = redact(mensagem) if isinstance(mensagem, str) else ""
        if 200 <= status < 300 and envelope.get("sucesso") is True:
            return envelope.get("dados")
        log.info("API %s answered HTTP %s motivo %s", path, status, motivo)
        error = _error_for(status, motivo)(status, motivo, mensagem)
        if isinstance(error, errors.RateLimitError):
            error.retry_after = _retry_after(response)
        raise error


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None   # absent, or an HTTP date: fall back to our own short waits
    return seconds if seconds >= 0 else None


def _error_for(status: int, motivo: int | None) -> type[errors.ApiError]:
    if status in (401, 403) or motivo == 40:
        return errors.AuthenticationError
    if status == 402 or motivo == 9:
        return errors.InsufficientBalanceError
    if status == 404:
        return errors.NotFoundError
    if status in (400, 405) or motivo in (10, 11):
        return errors.InvalidParameterError
    if status == 429:
        return errors.RateLimitError
    if status >= 500:
        return errors.ServerError
    return errors.ApiError


def _extension_from_record(record: Any) -> Extension | None:
    if not isinstance(record, dict):
        return None
    ramal = str(record.get("ramal", "")).strip()
    if not is_valid_ramal(ramal):
        return None
    id_ramal = record.get("id")
    if isinstance(id_ramal, bool) or not isinstance(id_ramal, int):
        id_ramal = None
    # The API has no name field; accounts label extensions with `tags`.
    tags = record.get("tags")
    label = tags if isinstance(tags, str) else ""
    return Extension(ramal=ramal, label=label, id_ramal=id_ramal)
