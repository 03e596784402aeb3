"""The Access-Token lives in the OS keyring (service `tvdesk`), nowhere else.

`TVDESK_TOKEN` overrides it for scripts and is never stored. When no usable keyring
backend exists, reading finds nothing and writing raises `KeyringUnavailableError`:
tvdesk never falls back to a plaintext file.

"Usable" means a backend that keeps secrets encrypted by the system: Secret Service
(GNOME Keyring, KWallet), the macOS Keychain, Windows Credential Manager. Backends
that write files are refused even when `keyring` picks them: `keyrings.alt`'s
PlaintextKeyring (base64 in a file), its other file and registry backends, and its
EncryptedKeyring too, which would ask for a master password on a terminal that a tray
app does not have. In a chain, only the secure members are used.

`keyring` (about 55 ms to import, with its dependencies) is imported when a token is
read, stored or forgotten, not with this module: a start with TVDESK_TOKEN or --sandbox,
and the command-line subcommands that need no token, never load it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from tvdesk.core.errors import KeyringUnavailableError
from tvdesk.core.redact import register_secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger("tvdesk.token")

SERVICE = "tvdesk"
USERNAME = "access-token"
ENV_VAR = "TVDESK_TOKEN"
KeyringAnswer = tuple[str | None, str | None]   # the token, and why there is none ("unavailable")
# Backends that are not a system keyring: plain or trivially encoded files, nothing at all.
INSECURE_BACKEND_MODULES = ("keyrings.alt", "keyring.backends.null", "keyring.backends.fail")


def is_secure_backend(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return not any(module == name or module.startswith(name + ".")
                   for name in INSECURE_BACKEND_MODULES)


class TokenStore:
    def __init__(self, environ: MutableMapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self.last_problem: str | None = None   # "slow" or "unavailable" after get()
        self._taken: str | None = None          # TVDESK_TOKEN, once taken out of the environment
        self._early_read: tuple[threading.Thread, list[KeyringAnswer]] | None = None

    def _chosen_backend(self) -> KeyringBackend | None:
        """keyring's backend, or None when even choosing one fails (e.g. no D-Bus)."""
        try:
            import keyring

            return keyring.get_keyring()
        except Exception as error:  # noqa: BLE001 - a misconfigured backend raises anything
            log.warning("no keyring backend could be loaded: %s", type(error).__name__)
            return None

    def _backend(self) -> KeyringBackend | None:
        """The secure backend tvdesk uses: keyring's choice, or the best secure member of
        its chain; None when there is none."""
        from keyring.backends import chainer, fail

        backend = self._chosen_backend()
        if isinstance(backend, chainer.ChainerBackend):
            secure = [b for b in backend.backends if is_secure_backend(b)]
            return secure[0] if secure else None   # the chain lists them by priority
        if backend is None or isinstance(backend, fail.Keyring) or not is_secure_backend(backend):
            return None
        return backend

    def backend_name(self) -> str:
        """The backend in use, or the refused one in brackets with why."""
        from keyring.backends import chainer, fail

        backend = self._backend()
        if backend is not None:
            return f"{type(backend).__module__}.{type(backend).__name__}"
        chosen = self._chosen_backend()
        if chosen is None or isinstance(chosen, (fail.Keyring, chainer.ChainerBackend)):
            return "none"
        return f"none ({type(chosen).__module__}.{type(chosen).__name__} refused: not a " \
               "system keyring)"

    def keyring_usable(self) -> bool:
        return self._backend() is not None

    def from_environment(self) -> str | None:
        if self._taken is not None:
            return self._taken
        token = self._environ.get(ENV_VAR, "").strip()
        return token or None

    def take_from_environment(self) -> None:
        """Keep TVDESK_TOKEN in this object only and remove it from the process's
        environment, which every child inherits (the web engine's helper processes show it
        in /proc/PID/environ). Called by the app before anything starts a child."""
        token = self.from_environment()
        if token is not None:
            register_secret(token)
            self._taken = token
        self._environ.pop(ENV_VAR, None)

    def read_ahead(self) -> None:
        """Start reading the keyring on a thread now, so that the app's start-up loads Qt
        meanwhile; the next `get(timeout)` takes that answer. Nothing to do when
        TVDESK_TOKEN is set."""
        if self.from_environment() is None and self._early_read is None:
            self._early_read = self._start_reading()

    def get(self, timeout: float | None = None) -> str | None:
        """The token to use: TVDESK_TOKEN first, then the keyring, else None.

        With `timeout`, a keyring that does not answer in time (locked, waiting on an
        unlock prompt, a hung D-Bus) counts as none: `last_problem` then says "slow".
        """
        self.last_problem = None
        token = self.from_environment()
        if token is None:
            token = self._read_keyring() if timeout is None else self._read_within(timeout)
        register_secret(token)
        return token

    def _start_reading(self) -> tuple[threading.Thread, list[KeyringAnswer]]:
        result: list[KeyringAnswer] = []
        reader = threading.Thread(target=lambda: result.append(self._ask_keyring()),
                                  name="keyring-read", daemon=True)
        reader.start()
        return reader, result

    def _read_within(self, timeout: float) -> str | None:
        reader, result = self._early_read or self._start_reading()
        self._early_read = None   # one answer per read: a later get() asks the keyring again
        reader.join(timeout)
        if reader.is_alive() or not result:
            log.warning("the keyring did not answer within %.0f s", timeout)
            self.last_problem = "slow"
            return None
        token, self.last_problem = result[0]
        return token

    def source(self) -> str | None:
        if self.from_environment():
            return "environment"
        return "keyring" if self._read_keyring() else None

    def set(self, token: str) -> None:
        token = token.strip()
        if not token:
            raise ValueError("empty token")
        register_secret(token)
        if not self.keyring_usable():
            raise KeyringUnavailableError(self.backend_name())
        backend = self._backend()
        try:
            assert backend is not None
            backend.set_password(SERVICE, USERNAME, token)
        except Exception as error:  # noqa: BLE001 - locked, refused, D-Bus gone...
            log.warning("keyring refused the token: %s", type(error).__name__)
            raise KeyringUnavailableError(self.backend_name()) from None

    def clear(self) -> bool:
        """Forget the stored token; True when one was there."""
        import keyring.errors

        backend = self._backend()
        if backend is None:
            raise KeyringUnavailableError(self.backend_name())
        try:
            backend.delete_password(SERVICE, USERNAME)
            return True
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as error:  # noqa: BLE001 - locked, refused, D-Bus gone...
            log.warning("keyring refused to delete: %s", type(error).__name__)
            raise KeyringUnavailableError(self.backend_name()) from None

    def _read_keyring(self) -> str | None:
        token, problem = self._ask_keyring()
        if problem is not None:
            self.last_problem = problem
        return token

    def _ask_keyring(self) -> KeyringAnswer:
        """(token or None, None or "unavailable"); safe on any thread: it sets nothing."""
        backend = self._backend()
        if backend is None:
            return None, "unavailable"
        try:
            token = backend.get_password(SERVICE, USERNAME)
        except Exception as error:  # noqa: BLE001 - backends fail in many ways (D-Bus, locked)
            # A locked or broken keyring: behave as "no token" and say so in the log.
            log.warning("keyring unavailable: %s", type(error).__name__)
            return None, "unavailable"
        return token or None, None
