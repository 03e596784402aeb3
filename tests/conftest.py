"""Test environment: headless Qt, WebEngine as root, a simulated microphone, English text."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TVDESK_LANG", "en")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--use-fake-device-for-media-stream")
# Never touch the developer's real token or files.
os.environ.pop("TVDESK_TOKEN", None)
os.environ.pop("TVDESK_API_BASE", None)
os.environ.pop("TVDESK_HOME", None)

TESTS_DIR = Path(__file__).parent
sys.path.insert(0, str(TESTS_DIR))

import pytest

from tvdesk.core import i18n

i18n.set_language("en")


SANDBOX_TOKEN = "sandbox-test-token"


@pytest.fixture
def make_sandbox():
    """Factory: `make_sandbox(**SandboxConfig fields)` starts a sandbox on loopback."""
    from tvdesk.sandbox.server import SandboxConfig, SandboxServer

    servers = []

    def factory(**config):
        config.setdefault("token", SANDBOX_TOKEN)
        server = SandboxServer(SandboxConfig(**config), host="127.0.0.1", port=0).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def sandbox(make_sandbox):
    """A sandbox whose calls are answered and ended quickly."""
    return make_sandbox(answer_after=0.2, hangup_after=0.5)


@pytest.fixture
def memory_keyring():
    """A real keyring backend kept in memory, installed for the test's duration."""
    import keyring
    from support.memory_keyring import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    """No usable keyring backend, as on a server without Secret Service."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def network_attempts(monkeypatch):
    """Every name lookup and connection attempt this process makes, in order (they still
    happen): a test asserts that none was made."""
    import socket

    attempts: list[object] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts
