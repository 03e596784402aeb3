"""Sandbox HTTP server: a local stand-in for the TotalVoice API and its webphone page.

Faithful to the TotalVoice API as documented (the team keeps its notes in
``shared/reference/totalvoice-api-facts.md``, outside this repository): the JSON envelope,
``Access-Token`` authentication, ``GET /webphone``, ``GET /ramal/relatorio``,
``GET /ramal/{id}``, ``GET /saldo``, and signed, temporary webphone URLs served by
the same server under ``/w3/``.

Sandbox-only additions (not part of the real API):

* ``POST /sandbox/incoming`` (``Access-Token``; JSON ``{"ramal": "4000", "numero":
  "+554832830151"}``, optional ``"numeroDestino"``) rings every webphone page of that
  extension that is connected; ``{"ramal": "4000", "desligar": true}`` (optional
  ``"chamadaRecebidaId"``) makes the caller give up. 404 motivo 60 when no page of
  the extension is connected (nothing is queued).
* ``GET /w3/events?<the page's signed query>``: the Server-Sent Events stream through
  which a page learns about incoming calls (``event: incoming`` / ``event: cancel``).
* ``POST /w3/simulate?<the page's signed query>``: the page's "Simular chamada
  recebida" button (rings the pages of that extension with a random caller).

Standard library only (``http.server.ThreadingHTTPServer``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import os
import queue
import random
import re
import secrets
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

__all__ = ["RecordedRequest", "SandboxConfig", "SandboxServer"]

log = logging.getLogger("tvdesk.sandbox")

STATIC_DIR = Path(__file__).resolve().parent / "static"

# --------------------------------------------------------------------------- config


def _random_token() -> str:
    return "sandbox-" + secrets.token_hex(12)


@dataclass(frozen=True)
class SandboxConfig:
    """Behaviour of one sandbox server. Immutable; use :func:`dataclasses.replace`."""

    token: str = field(default_factory=_random_token)
    answer_after: float = 1.5
    hangup_after: float = 0.0
    url_ttl: int = 600
    saldo: float = 42.5
    extra_extensions: int = 0
    ring_timeout: float = 20.0  # seconds an incoming call rings before it is missed; 0 = never
    # When the page holds the microphone: "connect" = from the moment it connects until it
    # is closed (one getUserMedia at load; a refusal is fatal); "call" = only during a
    # call (getUserMedia when a call is dialled or answered, tracks stopped when it ends).
    mic_mode: str = "connect"

    ENV_PREFIX = "TVDESK_SANDBOX_"
    MIC_MODES = ("connect", "call")

    def __post_init__(self) -> None:
        if self.mic_mode not in self.MIC_MODES:
            raise ValueError(f"mic_mode must be one of {', '.join(self.MIC_MODES)}: "
                             f"{self.mic_mode!r}")

    @classmethod
    def from_env(
        cls, base: SandboxConfig | None = None, environ: dict[str, str] | None = None
    ) -> SandboxConfig:
        """``base`` (or the defaults) overridden by ``TVDESK_SANDBOX_*`` variables.

        Values that cannot be parsed, or that are out of range, are ignored.
        """
        env = os.environ if environ is None else environ
        cfg = base if base is not None else cls()
        changes: dict[str, Any] = {}

        token = env.get(cls.ENV_PREFIX + "TOKEN", "").strip()
        if token:
            changes["token"] = token

        def number(name: str, conv: Callable[[str], Any], minimum: float) -> None:
            raw = env.get(cls.ENV_PREFIX + name.upper())
            if raw is None or not raw.strip():
                return
            try:
                value = conv(raw.strip())
            except (TypeError, ValueError):
                log.warning("ignoring bad %s%s", cls.ENV_PREFIX, name.upper())
                return
            if value != value or value < minimum or value in (float("inf"), float("-inf")):
                log.warning("ignoring out-of-range %s%s", cls.ENV_PREFIX, name.upper())
                return
            changes[name] = value

        number("answer_after", float, 0.0)
        number("hangup_after", float, 0.0)
        number("url_ttl", int, 1)
        number("saldo", float, 0.0)
        number("extra_extensions", int, 0)
        number("ring_timeout", float, 0.0)
        mic_mode = env.get(cls.ENV_PREFIX + "MIC_MODE", "").strip().lower()
        if mic_mode in cls.MIC_MODES:
            changes["mic_mode"] = mic_mode
        elif mic_mode:
            log.warning("ignoring bad %sMIC_MODE", cls.ENV_PREFIX)
        return dataclasses.replace(cfg, **changes) if changes else cfg


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class _Fault:
    path: str
    status: int
    body: bytes
    content_type: str
    remaining: int
    delay: float


# --------------------------------------------------------------------------- demo data

_BUILTIN_EXTENSIONS = (
    (101, "4000", "Recepção"),
    (102, "4001", "Vendas"),
    (103, "4002", "Suporte"),
)


def _webphone_key(ramal: str) -> str:
    return hashlib.sha256(f"tvdesk-sandbox-webphone:{ramal}".encode()).hexdigest()[:32]


def _make_extensions(extra: int) -> list[dict[str, Any]]:
    rows: list[tuple[int, str, str]] = list(_BUILTIN_EXTENSIONS)
    rows += [(1000 + n, str(5000 + n), f"Demo {n}") for n in range(extra)]
    result = []
    for id_, ramal, tags in rows:
        result.append(
            {
                "id": id_,
                "ramal": ramal,
                "login": f"{ramal}@sandbox",
                "bina": "+554832830151",
                "webphone_key": _webphone_key(ramal),
                "webphone": True,
                "ligacao_externa": True,
                "ligacao_celular": True,
                "gravar_audio": False,
                "acesso_gravacoes": False,
                "ura_id": None,
                "voicemail": False,
                "tags": tags,
            }
        )
    return result


# --------------------------------------------------------------------------- helpers

# [0-9], not \d: the real API takes ASCII digits only, not other alphabets' digits.
_RE_RAMAL = re.compile(r"[0-9]{3,4}")
_RE_ID = re.compile(r"[0-9]{1,12}")
_LIGAR_PARA_PATTERNS = (
    re.compile(r"\+[0-9]{10,15}"),  # E.164
    re.compile(r"[0-9]{10,11}"),  # DDD + number
    re.compile(r"[0-9]{3,4}"),  # another extension
    re.compile(r"55[0-9]{10,11}"),  # DDI + DDD + number without '+'
)
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0", ""}
_TIPOS = ("floating", "embedded", "hidden")

MSG_LIGAR_PARA = (
    "Parâmetro ligar_para inválido, formato E.164: [+][DDI][DDD][Número] ex: +5510999999999"
)


def parse_query(raw: str) -> dict[str, list[str]]:
    """Tolerant query-string parser.

    Accepts properly encoded strings (``%2B``) as well as the unencoded keys/values
    sent by the Java and Ruby SDKs. A literal ``+`` is kept as ``+`` (no parameter
    of this API may contain a space, while an unencoded E.164 number starts with '+').
    """
    result: dict[str, list[str]] = {}
    for key, value in _query_pairs(raw):
        result.setdefault(key, []).append(value)
    return result


def _query_pairs(raw: str, strip: bool = True) -> list[tuple[str, str]]:
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key, value = unquote(key), unquote(value)
        if strip:
            key, value = key.strip(), value.strip()
        if key:
            pairs.append((key, value))
    return pairs


def _canonical_query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    return values[0]


class _ApiError(Exception):
    def __init__(self, status: int, motivo: int, mensagem: str) -> None:
        super().__init__(mensagem)
        self.status = status
        self.motivo = motivo
        self.mensagem = mensagem


def _envelope(status: int, motivo: int, mensagem: str, dados: Any = None) -> bytes:
    doc = {
        "status": status,
        "sucesso": 200 <= status < 300,
        "motivo": motivo,
        "mensagem": mensagem,
        "dados": dados,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _json_for_html(value: Any) -> str:
    """JSON that is safe inside a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_INVALID_LINK_HTML = """<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Link inválido</title>
<style>body{font-family:system-ui,sans-serif;margin:3em;color:#333}</style></head>
<body data-state="link-invalido"><h1>Link do webphone expirado ou inválido</h1>
<p>Sandbox tvdesk — webphone de demonstração. Peça uma nova URL em <code>GET /webphone</code>.</p>
</body></html>
""".encode()

_STATIC_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}

_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; "
    "media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'"
)


_MAX_BODY = 64 * 1024
_SSE_HEARTBEAT = 5.0  # seconds between keep-alive comments on an idle event stream
_SSE_POLL = 0.2  # how often an event stream checks that its page is still there
_UNRECORDED = ("/w3/events", "/w3/simulate", "/favicon.ico")


class _EventHub:
    """Subscribers (one queue per open event stream) by extension number."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, set[queue.Queue[tuple[str, dict[str, Any]] | None]]] = {}
        self._closed = False

    def subscribe(self, ramal: str) -> queue.Queue[tuple[str, dict[str, Any]] | None] | None:
        q: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        with self._lock:
            if self._closed:
                return None
            self._subs.setdefault(ramal, set()).add(q)
        return q

    def unsubscribe(self, ramal: str, q: queue.Queue[Any]) -> None:
        with self._lock:
            subs = self._subs.get(ramal)
            if subs is not None:
                subs.discard(q)
                if not subs:
                    del self._subs[ramal]

    def count(self, ramal: str) -> int:
        with self._lock:
            return len(self._subs.get(ramal, ()))

    def publish(self, ramal: str, event: str, data: dict[str, Any]) -> int:
        with self._lock:
            subs = list(self._subs.get(ramal, ()))
        for q in subs:
            q.put((event, data))
        return len(subs)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            subs = [q for group in self._subs.values() for q in group]
            self._subs.clear()
        for q in subs:
            q.put(None)


# --------------------------------------------------------------------------- HTTP


_Request = socket.socket | tuple[bytes, socket.socket]   # socketserver's request type


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        super().__init__(addr, _Handler)

    # socketserver's request type covers datagram servers too; a TCP server's is its socket.
    def process_request(self, request: _Request, client_address: Any) -> None:
        if isinstance(request, socket.socket):
            with self._conn_lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        if isinstance(request, socket.socket):
            with self._conn_lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: _Request, client_address: Any) -> None:
        log.debug("connection error from %s", client_address[0], exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tvdesk-sandbox"
    timeout = 60  # idle keep-alive connections are dropped after this
    disable_nagle_algorithm = True  # headers and body are two writes: avoid 40 ms stalls
    server: _HTTPServer

    def version_string(self) -> str:
        return self.server_version

    # silence BaseHTTPRequestHandler's stderr logging; we log ourselves
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_GET

    # ------------------------------------------------------------------ plumbing

    def _dispatch(self) -> None:
        self._body = self._read_body()
        raw_path, _, raw_query = self.path.partition("?")
        raw_path, _, _ = raw_path.partition("#")
        path = unquote(raw_path) or "/"
        norm = path.rstrip("/") or "/"
        sandbox = self.server.sandbox
        query = parse_query(raw_query)
        if not norm.startswith("/w3/assets/") and norm not in _UNRECORDED:
            sandbox._record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    query=query,
                    headers={k: v for k, v in self.headers.items()},
                )
            )
        fault = sandbox._take_fault(norm)
        if fault is not None:
            if fault.delay > 0:
                time.sleep(fault.delay)
            self._send(fault.status, fault.body, fault.content_type)
            return
        try:
            if norm == "/w3" or norm.startswith("/w3/"):
                self._handle_w3(path, norm, raw_query)
            elif norm == "/sandbox/incoming":
                self._handle_incoming(query)
            else:
                self._handle_api(norm, query)
        except _ApiError as err:
            self._send_envelope(err.status, err.motivo, err.mensagem)
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception:  # pragma: no cover - safety net
            log.exception("internal error on %s %s", self.command, norm)
            self._send_envelope(500, 50, "erro interno")

    def _read_body(self) -> bytes | None:
        """The request body (None when larger than _MAX_BODY; it is discarded then)."""
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            remaining = int(length)
        except ValueError:
            return b""
        kept: list[bytes] = []
        size = 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)
            size += len(chunk)
            if size <= _MAX_BODY:
                kept.append(chunk)
        return b"".join(kept) if size <= _MAX_BODY else None

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        log.info("%s %s -> %d", self.command, self.path.partition("?")[0], status)
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        self.send_response(status, reason)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_envelope(self, status: int, motivo: int, mensagem: str, dados: Any = None) -> None:
        self._send(
            status, _envelope(status, motivo, mensagem, dados), "application/json; charset=utf-8"
        )

    # ------------------------------------------------------------------ API

    def _authorised(self, query: dict[str, list[str]]) -> bool:
        expected = self.server.sandbox.token.encode("utf-8")
        given = self.headers.get("Access-Token")
        if given is None:
            given = _first(query, "access_token")
        if not given:
            return False
        return hmac.compare_digest(given.strip().encode("utf-8"), expected)

    def _handle_api(self, norm: str, query: dict[str, list[str]]) -> None:
        routes: dict[str, Callable[[dict[str, list[str]]], Any]] = {
            "/webphone": self._api_webphone,
            "/saldo": self._api_saldo,
            "/ramal/relatorio": self._api_relatorio,
        }
        handler = routes.get(norm)
        is_ramal = norm == "/ramal" or norm.startswith("/ramal/")
        if handler is None and not is_ramal:
            raise _ApiError(404, 90, "path not found")
        if not self._authorised(query):
            raise _ApiError(403, 40, "access token inválido")
        if self.command != "GET":
            raise _ApiError(501, 30, "não implementado")
        if handler is not None:
            mensagem, dados = handler(query)
        else:
            mensagem, dados = self._api_ramal(norm)
        self._send_envelope(200, 0, mensagem, dados)

    def _api_saldo(self, query: dict[str, list[str]]) -> tuple[str, Any]:
        return "saldo", {"saldo": self.server.sandbox.config.saldo}

    def _api_ramal(self, norm: str) -> tuple[str, Any]:
        parts = norm.split("/")  # ['', 'ramal', id, ...]
        if len(parts) > 3:
            raise _ApiError(501, 30, "não implementado")
        id_ = parts[2] if len(parts) == 3 else ""
        ext = self.server.sandbox._extension_by_id(id_)
        if ext is None:
            raise _ApiError(404, 60, "ramal não encontrado")
        return "dados do ramal", dict(ext)

    def _api_relatorio(self, query: dict[str, list[str]]) -> tuple[str, Any]:
        def int_param(name: str, default: int, lo: int, hi: int | None) -> int:
            raw = _first(query, name)
            if raw is None or raw == "":
                return default
            if not re.fullmatch(r"[0-9]{1,9}", raw):
                raise _ApiError(405, 11, f"Parâmetro {name} inválido")
            value = int(raw)
            if value < lo or (hi is not None and value > hi):
                raise _ApiError(405, 11, f"Parâmetro {name} inválido")
            return value

        posicao = int_param("posicao", 0, 0, None)
        limite = int_param("limite", 100, 1, 200)
        exts = self.server.sandbox._extensions
        page = [dict(e) for e in exts[posicao : posicao + limite]]
        return "relatório de ramais", {
            "posicao": posicao,
            "limite": limite,
            "total": len(exts),
            "relatorio": page,
        }

    def _api_webphone(self, query: dict[str, list[str]]) -> tuple[str, Any]:
        sandbox = self.server.sandbox
        ramal = _first(query, "ramal") or None
        id_ramal = _first(query, "id_ramal") or None
        if ramal is None and id_ramal is None:
            raise _ApiError(405, 10, "Parâmetro ramal ou id_ramal obrigatório")
        if ramal is not None and not _RE_RAMAL.fullmatch(ramal):
            raise _ApiError(405, 11, "ramal inválido, informe o ramal com 3 ou 4 dígitos")
        if id_ramal is not None:
            ext = sandbox._extension_by_id(id_ramal)
        else:
            ext = sandbox._extension_by_ramal(ramal or "")
        if ext is None:
            raise _ApiError(404, 60, "ramal não encontrada")

        ligar_para = _first(query, "ligar_para") or None
        if ligar_para is not None and not any(
            p.fullmatch(ligar_para) for p in _LIGAR_PARA_PATTERNS
        ):
            raise _ApiError(405, 11, MSG_LIGAR_PARA)

        fechar_raw = _first(query, "fechar_fim")
        if fechar_raw is None or fechar_raw in _FALSE:
            fechar_fim = False
        elif fechar_raw in _TRUE:
            fechar_fim = True
        else:
            raise _ApiError(405, 11, "Parâmetro fechar_fim inválido, informe true ou false")

        tipo = _first(query, "tipo") or "floating"
        if tipo not in _TIPOS:
            raise _ApiError(
                405, 11, "Parâmetro tipo inválido, informe floating, embedded ou hidden"
            )

        if sandbox.config.saldo <= 0:
            raise _ApiError(402, 9, "saldo insuficiente")

        url = sandbox._webphone_url(ext, tipo=tipo, ligar_para=ligar_para, fechar_fim=fechar_fim)
        return "url webphone", {"url": url}

    # ------------------------------------------------------------------ sandbox-only API

    def _handle_incoming(self, query: dict[str, list[str]]) -> None:
        """``POST /sandbox/incoming``: ring (or stop ringing) the pages of an extension."""
        sandbox = self.server.sandbox
        if not self._authorised(query):
            raise _ApiError(403, 40, "access token inválido")
        if self.command != "POST":
            raise _ApiError(405, 30, "método não permitido, use POST")
        if self._body is None:
            raise _ApiError(413, 10, "corpo da requisição muito grande")
        try:
            doc = json.loads(self._body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            raise _ApiError(400, 10, "corpo JSON inválido") from None
        if not isinstance(doc, dict):
            raise _ApiError(400, 10, "corpo JSON inválido, envie um objeto")
        ramal = doc.get("ramal")
        if isinstance(ramal, int) and not isinstance(ramal, bool):
            ramal = str(ramal)
        if ramal is None or ramal == "":
            raise _ApiError(405, 10, "Parâmetro ramal obrigatório")
        if not isinstance(ramal, str) or not _RE_RAMAL.fullmatch(ramal):
            raise _ApiError(405, 11, "ramal inválido, informe o ramal com 3 ou 4 dígitos")
        desligar = doc.get("desligar", False)
        if not isinstance(desligar, bool):
            raise _ApiError(405, 11, "Parâmetro desligar inválido, informe true ou false")
        ext = sandbox._extension_by_ramal(ramal)
        if ext is None:
            raise _ApiError(404, 60, "ramal não encontrado")
        if desligar:
            recebida = doc.get("chamadaRecebidaId")
            if recebida is not None and (
                isinstance(recebida, bool) or not isinstance(recebida, int)
            ):
                raise _ApiError(405, 11, "Parâmetro chamadaRecebidaId inválido")
            if not sandbox._hub.publish(ramal, "cancel", {"chamadaRecebidaId": recebida}):
                raise _ApiError(404, 60, "nenhum webphone conectado neste ramal")
            self._send_envelope(200, 0, "chamada recebida cancelada", {"chamadaRecebidaId": recebida})
            return
        numero = doc.get("numero")
        if numero is None or numero == "":
            raise _ApiError(405, 10, "Parâmetro numero obrigatório")
        if not isinstance(numero, str) or not any(p.fullmatch(numero) for p in _LIGAR_PARA_PATTERNS):
            raise _ApiError(405, 11, "Parâmetro numero inválido, formato E.164: +5510999999999")
        destino = doc.get("numeroDestino", ext["bina"])
        if not isinstance(destino, str) or not destino:
            raise _ApiError(405, 11, "Parâmetro numeroDestino inválido")
        recebida_id = sandbox._ring(ramal, numero, destino)
        if recebida_id is None:
            raise _ApiError(404, 60, "nenhum webphone conectado neste ramal")
        self._send_envelope(200, 0, "chamada recebida enviada", {"chamadaRecebidaId": recebida_id})

    # ------------------------------------------------------------------ webphone page

    def _handle_w3(self, path: str, norm: str, raw_query: str) -> None:
        sandbox = self.server.sandbox
        if norm.startswith("/w3/assets/"):
            self._serve_asset(norm[len("/w3/assets/") :])
            return
        if norm in ("/w3/events", "/w3/simulate"):
            self._handle_page_channel(norm, raw_query)
            return
        if self.command not in ("GET", "HEAD"):
            self._send(405, b"method not allowed\n", "text/plain; charset=utf-8")
            return
        link = sandbox._verify_link(raw_query)
        if link is None:
            self._send(403, _INVALID_LINK_HTML, "text/html; charset=utf-8")
            return
        ext, params = link
        if path == "/w3":
            # hidden webphone: a script that injects the iframe
            if params.get("tipo") != "hidden":
                self._send(403, _INVALID_LINK_HTML, "text/html; charset=utf-8")
                return
            self._serve_hidden_script(ext, params)
            return
        if norm in ("/w3", "/w3/index.php", "/w3/phone.php"):
            self._serve_page(ext, params)
            return
        self._send(404, b"not found\n", "text/plain; charset=utf-8")

    def _handle_page_channel(self, norm: str, raw_query: str) -> None:
        """The page's own channel: its event stream and its demo button.

        Authorised by the page's signed query. The expiry is not checked: a page that
        was opened in time stays registered, like a real webphone.
        """
        sandbox = self.server.sandbox
        link = sandbox._verify_link(raw_query, check_expiry=False)
        if link is None:
            self._send(403, b"link invalido\n", "text/plain; charset=utf-8")
            return
        ext = link[0]
        if norm == "/w3/simulate":
            if self.command != "POST":
                self._send(405, b"method not allowed\n", "text/plain; charset=utf-8")
                return
            numero = "+55489" + "".join(random.choice("0123456789") for _ in range(8))
            recebida_id = sandbox._ring(ext["ramal"], numero, ext["bina"])
            if recebida_id is None:
                raise _ApiError(404, 60, "nenhum webphone conectado neste ramal")
            self._send_envelope(200, 0, "chamada recebida enviada", {"chamadaRecebidaId": recebida_id})
            return
        if self.command != "GET":
            self._send(405, b"method not allowed\n", "text/plain; charset=utf-8")
            return
        self._serve_events(ext["ramal"])

    def _serve_events(self, ramal: str) -> None:
        hub = self.server.sandbox._hub
        q = hub.subscribe(ramal)
        if q is None:
            self._send(503, b"stopping\n", "text/plain; charset=utf-8")
            return
        self.close_connection = True
        try:
            log.info("%s %s -> 200 (event stream)", self.command, self.path.partition("?")[0])
            self.send_response(200, "OK")
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"retry: 2000\n: conectado\n\n")
            heartbeat = self.server.sandbox._sse_heartbeat
            last_write = time.monotonic()
            while True:
                try:
                    item = q.get(timeout=_SSE_POLL)
                except queue.Empty:
                    if self._peer_closed():
                        break
                    if time.monotonic() - last_write >= heartbeat:
                        self.wfile.write(b": ping\n\n")
                        last_write = time.monotonic()
                    continue
                if item is None:
                    break
                event, data = item
                payload = json.dumps(data, ensure_ascii=False)
                self.wfile.write(f"event: {event}\ndata: {payload}\n\n".encode())
                last_write = time.monotonic()
        except OSError:
            pass  # the page went away (or the server is stopping)
        finally:
            hub.unsubscribe(ramal, q)

    def _peer_closed(self) -> bool:
        """True when the client closed an event stream (it never sends anything on it)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _serve_asset(self, name: str) -> None:
        target = (STATIC_DIR / name).resolve()
        ctype = _STATIC_TYPES.get(target.suffix)
        if (
            ctype is None
            or target.parent != STATIC_DIR
            or not target.is_file()
            or target.name == "webphone.html"
        ):
            self._send(404, b"not found\n", "text/plain; charset=utf-8")
            return
        self._send(200, target.read_bytes(), ctype)

    def _serve_page(self, ext: dict[str, Any], params: dict[str, str]) -> None:
        cfg = self.server.sandbox.config
        page_cfg = {
            "ramal": ext["ramal"],
            "bina": ext["bina"],
            "ligar_para": params.get("ligar_para") or None,
            "fechar_fim": params.get("fechar_fim") == "1",
            "tipo": params.get("tipo") or "floating",
            "answer_after": cfg.answer_after,
            "hangup_after": cfg.hangup_after,
            "mic_mode": cfg.mic_mode,
        }
        template = (STATIC_DIR / "webphone.html").read_text(encoding="utf-8")
        html = template.replace("{{CONFIG_JSON}}", _json_for_html(page_cfg))
        self._send(
            200,
            html.encode("utf-8"),
            "text/html; charset=utf-8",
            {"Content-Security-Policy": _PAGE_CSP, "X-Content-Type-Options": "nosniff"},
        )

    def _serve_hidden_script(self, ext: dict[str, Any], params: dict[str, str]) -> None:
        sandbox = self.server.sandbox
        iframe_url = sandbox._signed_url(
            "/w3/phone.php",
            [("key", ext["webphone_key"]), ("tipo", "hidden")]
            + ([("ligar_para", params["ligar_para"])] if params.get("ligar_para") else []),
        )
        template = (STATIC_DIR / "hidden.js").read_text(encoding="utf-8")
        script = template.replace("{{IFRAME_URL_JSON}}", _json_for_html(iframe_url))
        self._send(200, script.encode("utf-8"), "application/javascript; charset=utf-8")


# --------------------------------------------------------------------------- server


class SandboxServer:
    """A running (or runnable) sandbox. See the module docstring."""

    def __init__(
        self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config if config is not None else SandboxConfig()
        self._host = host
        self._port = port
        self._secret = secrets.token_bytes(32)
        self._extensions = _make_extensions(max(0, int(self.config.extra_extensions)))
        self._by_id = {str(e["id"]): e for e in self._extensions}
        self._by_ramal = {e["ramal"]: e for e in self._extensions}
        self._by_key = {e["webphone_key"]: e for e in self._extensions}
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._faults: list[_Fault] = []
        self._hub = _EventHub()
        self._sse_heartbeat = _SSE_HEARTBEAT
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    # ------------------------------------------------------------------ public API

    @property
    def token(self) -> str:
        return self.config.token

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("sandbox server not started")
        host, port = self._httpd.server_address[:2]
        if isinstance(host, bytes):  # pragma: no cover
            host = host.decode()
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot (copy) of the API requests received so far."""
        with self._lock:
            return list(self._requests)

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        if self._stopped:
            raise RuntimeError("a stopped sandbox server cannot be restarted")
        self._httpd = _HTTPServer((self._host, self._port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="tvdesk-sandbox",
            daemon=True,
        )
        self._thread.start()
        log.debug("sandbox listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        self._stopped = True
        if httpd is None:
            return
        httpd.shutdown()
        self._hub.close()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        log.debug("sandbox stopped")

    def connected_webphones(self, ramal: str) -> int:
        """How many webphone pages of ``ramal`` hold an open event stream."""
        return self._hub.count(str(ramal))

    def incoming_call(
        self, ramal: str, numero: str = "+554832830151", numero_destino: str | None = None
    ) -> int:
        """Ring the connected pages of ``ramal`` (like ``POST /sandbox/incoming``).

        Returns the ``chamadaRecebidaId``; raises LookupError if no page is connected.
        """
        ext = self._extension_by_ramal(str(ramal))
        if ext is None:
            raise LookupError(f"unknown extension {ramal}")
        recebida_id = self._ring(ext["ramal"], numero, numero_destino or ext["bina"])
        if recebida_id is None:
            raise LookupError(f"no webphone of extension {ramal} is connected")
        return recebida_id

    def inject_fault(
        self,
        path: str = "/webphone",
        status: int = 500,
        body: str | bytes = "<html>oops</html>",
        content_type: str = "text/html",
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` requests to ``path`` with this raw response."""
        norm = path.partition("?")[0].rstrip("/") or "/"
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        with self._lock:
            self._faults.append(_Fault(norm, status, data, content_type, times, delay))

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ internals

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(req)

    def _take_fault(self, norm: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path == norm and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _ring(self, ramal: str, numero: str, destino: str) -> int | None:
        recebida_id = random.randint(10_000_000, 999_999_999)
        data = {
            "chamadaRecebidaId": recebida_id,
            "numeroChegando": numero,
            "numeroDestino": destino,
            "ring_timeout": float(self.config.ring_timeout),
        }
        return recebida_id if self._hub.publish(ramal, "incoming", data) else None

    def _extension_by_id(self, id_: str) -> dict[str, Any] | None:
        if not _RE_ID.fullmatch(id_ or ""):
            return None
        return self._by_id.get(str(int(id_)))

    def _extension_by_ramal(self, ramal: str) -> dict[str, Any] | None:
        return self._by_ramal.get(ramal)

    def _sign(self, message: str) -> str:
        return hmac.new(self._secret, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def _signed_url(
        self, path: str, params: list[tuple[str, str]], expires: int | None = None
    ) -> str:
        if expires is None:
            expires = int(time.time()) + int(self.config.url_ttl)
        unsigned = _canonical_query([*params, ("expires", str(expires))])
        return f"{self.base_url}{path}?{unsigned}&signature={self._sign(unsigned)}"

    def _webphone_url(
        self,
        ext: dict[str, Any],
        *,
        tipo: str,
        ligar_para: str | None,
        fechar_fim: bool,
        expires: int | None = None,
    ) -> str:
        key = ext["webphone_key"]
        params: list[tuple[str, str]]
        if tipo == "embedded":
            params = [("key", key), ("tipo", "embedded"), ("fechar_fim", "1" if fechar_fim else "0")]
            params.append(("ver", "2"))
            path = "/w3/"
        elif tipo == "hidden":
            params = [("key", key), ("tipo", "hidden"), ("ver", "2")]
            path = "/w3"
        else:
            params = [("key", key), ("pop", "1")]
            if fechar_fim:
                params.append(("fechar_fim", "1"))
            path = "/w3/"
        if ligar_para:
            params.append(("ligar_para", ligar_para))
        return self._signed_url(path, params, expires)

    def _verify_link(
        self, raw_query: str, check_expiry: bool = True
    ) -> tuple[dict[str, Any], dict[str, str]] | None:
        """The extension and the (decoded) parameters of a valid signed link, else None."""
        unsigned, sep, signature = raw_query.rpartition("&signature=")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", signature):
            return None
        # Verify over a canonical re-encoding, so that a client that re-encodes the
        # URL (e.g. '%2B' <-> '+', '%3A' <-> ':') still matches while any change of
        # a key, a value, their order or their number does not.
        pairs = _query_pairs(unsigned, strip=False)
        if not hmac.compare_digest(self._sign(_canonical_query(pairs)), signature):
            return None
        params: dict[str, str] = {}
        for k, v in pairs:
            if k in params:
                return None
            params[k] = v
        try:
            expires = int(params.get("expires", ""))
        except ValueError:
            return None
        if check_expiry and time.time() >= expires:
            return None
        ext = self._by_key.get(params.get("key", ""))
        if ext is None:
            return None
        return ext, params
