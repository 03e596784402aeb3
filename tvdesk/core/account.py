"""Which API tvdesk talks to, with which token: a real account or the demo sandbox."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tvdesk.core.errors import NoTokenError
from tvdesk.core.paths import AppPaths
from tvdesk.core.settings import SettingsStore
from tvdesk.core.token_store import TokenStore

if TYPE_CHECKING:
    from tvdesk.core.api import TotalVoiceClient
    from tvdesk.sandbox.server import SandboxServer

log = logging.getLogger("tvdesk.account")

API_BASE_ENV = "TVDESK_API_BASE"
DEMO_CALL_SECONDS = 20.0
KEYRING_TIMEOUT = 5.0   # seconds the app waits for the keyring before starting in demo mode


@dataclass
class Account:
    api_base: str
    token: str | None
    demo: bool
    settings_store: SettingsStore
    sandbox: SandboxServer | None = None  # running in demo mode
    keyring_problem: str | None = None   # "slow" / "unavailable": why the demo was chosen
    _client: TotalVoiceClient | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def client(self) -> TotalVoiceClient:
        """The account's one client, shared so that calls reuse its connection (keep-alive
        saves a TCP and TLS handshake per dial). Safe across the worker threads."""
        if not self.token:
            raise NoTokenError()
        from tvdesk.core.api import TotalVoiceClient, normalize_base_url  # requests: only when used

        # However the address came (--api-base, TVDESK_API_BASE, settings.json, the token
        # dialog), it is checked here before any request: no plain http to another computer.
        base = normalize_base_url(self.api_base)
        with self._lock:
            if self._client is None or self._client.base_url != base:
                if self._client is not None:
                    self._client.close()
                self._client = TotalVoiceClient(base, self.token)
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None


def explicit_api_base(cli_value: str | None, environ: dict[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    return cli_value or env.get(API_BASE_ENV) or None


def start_demo_account(paths: AppPaths) -> Account:
    """An embedded sandbox on a free loopback port, with its own token; no keyring use."""
    from tvdesk.sandbox.server import SandboxConfig, SandboxServer  # only demo needs it

    # A demo call ends by itself after a while, as if the other side hung up, so a
    # newcomer sees the whole flow (its window closing) without finding the button.
    config = SandboxConfig.from_env(base=SandboxConfig(hangup_after=DEMO_CALL_SECONDS))
    server = SandboxServer(config, host="127.0.0.1", port=0).start()
    log.info("demo mode: embedded sandbox at %s", server.base_url)
    return Account(api_base=server.base_url, token=server.token, demo=True,
                   settings_store=SettingsStore(paths.config_dir / "settings-demo.json"),
                   sandbox=server)


def resolve_account(paths: AppPaths, cli_api_base: str | None, force_sandbox: bool,
                    token_store: TokenStore) -> Account:
    """The real account when a token is set up or an API is named; the demo otherwise."""
    if force_sandbox:
        return start_demo_account(paths)
    token = token_store.get(timeout=KEYRING_TIMEOUT)
    api_base = explicit_api_base(cli_api_base)
    store = SettingsStore(paths.settings_file)
    if token is None and api_base is None:
        demo = start_demo_account(paths)
        demo.keyring_problem = token_store.last_problem
        return demo
    if api_base is None:
        api_base = store.load().api_base
    return Account(api_base=api_base, token=token, demo=False, settings_store=store)
