"""TokenStore: the keyring or TVDESK_TOKEN, never a plaintext file."""

from __future__ import annotations

import os

import pytest

from tvdesk.core.errors import KeyringUnavailableError
from tvdesk.core.redact import redact
from tvdesk.core.token_store import SERVICE, USERNAME, TokenStore

TOKEN = "keyring-token-0a1b2c3d4e5f"


def test_set_get_clear_with_a_keyring(memory_keyring):
    store = TokenStore(environ={})
    assert store.keyring_usable()
    assert store.get() is None
    assert store.source() is None

    store.set(f"  {TOKEN}\n")
    assert memory_keyring.store == {(SERVICE, USERNAME): TOKEN}
    assert store.get() == TOKEN
    assert store.source() == "keyring"
    assert "MemoryKeyring" in store.backend_name()

    assert store.clear() is True
    assert store.get() is None
    assert store.source() is None
    assert store.clear() is False  # nothing left to remove


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_set_refuses_an_empty_token(memory_keyring, blank):
    with pytest.raises(ValueError):
        TokenStore(environ={}).set(blank)
    assert memory_keyring.store == {}


def test_environment_wins_and_is_never_stored(memory_keyring):
    memory_keyring.store[(SERVICE, USERNAME)] = TOKEN
    store = TokenStore(environ={"TVDESK_TOKEN": " env-token-9988776655 "})
    assert store.get() == "env-token-9988776655"
    assert store.source() == "environment"
    assert memory_keyring.store == {(SERVICE, USERNAME): TOKEN}


def test_environment_token_without_a_keyring_entry(memory_keyring):
    store = TokenStore(environ={"TVDESK_TOKEN": "env-token-9988776655"})
    assert store.get() == "env-token-9988776655"
    assert memory_keyring.store == {}


def test_blank_environment_variable_is_ignored(memory_keyring):
    memory_keyring.store[(SERVICE, USERNAME)] = TOKEN
    store = TokenStore(environ={"TVDESK_TOKEN": "   "})
    assert store.get() == TOKEN
    assert store.source() == "keyring"


def test_get_registers_the_token_as_a_secret(memory_keyring):
    store = TokenStore(environ={"TVDESK_TOKEN": "registered-token-abcdef"})
    store.get()
    assert redact("header was registered-token-abcdef") == "header was ***"


def test_no_keyring_reads_nothing(no_keyring):
    store = TokenStore(environ={})
    assert store.keyring_usable() is False
    assert store.get() is None
    assert store.source() is None
    with pytest.raises(KeyringUnavailableError):
        store.clear()


def test_no_keyring_still_honours_the_environment(no_keyring):
    store = TokenStore(environ={"TVDESK_TOKEN": "env-token-9988776655"})
    assert store.get() == "env-token-9988776655"
    assert store.source() == "environment"


def test_no_keyring_set_raises_with_a_fix_and_writes_no_file(no_keyring, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    for name, sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state"),
                      ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.chdir(home)
    before = set(tmp_path.rglob("*"))

    with pytest.raises(KeyringUnavailableError) as caught:
        TokenStore(environ={}).set(TOKEN)

    message = caught.value.user_message()
    assert "keyring" in message
    assert "TVDESK_TOKEN" in message
    assert "Secret Service" in message
    assert "never writes the token to a plain file" in message
    assert caught.value.exit_code == 7
    for text in (str(caught.value), repr(caught.value), message):
        assert TOKEN not in text
    assert set(tmp_path.rglob("*")) == before
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes()


def test_a_keyring_that_refuses_is_unavailable(memory_keyring, monkeypatch):
    import keyring.errors

    def refuse(*args):
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)
    monkeypatch.setattr(memory_keyring, "get_password", refuse)
    store = TokenStore(environ={})
    with pytest.raises(KeyringUnavailableError):
        store.set(TOKEN)
    assert store.get() is None  # a locked keyring reads as "no token"


def test_real_environment_is_used_by_default(memory_keyring, monkeypatch):
    monkeypatch.setenv("TVDESK_TOKEN", "os-environ-token-112233")
    assert TokenStore().get() == "os-environ-token-112233"
    assert os.environ["TVDESK_TOKEN"] == "os-environ-token-112233"


def test_a_backend_that_cannot_even_load_is_no_keyring(monkeypatch):
    import keyring as keyring_module

    def broken():
        raise RuntimeError("D-Bus session bus not found")

    monkeypatch.setattr(keyring_module, "get_keyring", broken)
    store = TokenStore(environ={})
    assert store.backend_name() == "none"
    assert store.keyring_usable() is False
    assert store.get() is None
    with pytest.raises(KeyringUnavailableError):
        store.set("a-token-123456")


def test_a_slow_keyring_counts_as_none_within_the_timeout(monkeypatch, memory_keyring):
    import time as time_module


    memory_keyring.set_password("tvdesk", "access-token", "slow-token-123456")

    def slow_get(service, username):
        time_module.sleep(2)
        return "slow-token-123456"

    monkeypatch.setattr(memory_keyring, "get_password", slow_get)
    store = TokenStore(environ={})
    started = time_module.monotonic()
    assert store.get(timeout=0.3) is None
    assert time_module.monotonic() - started < 1.0
    assert store.last_problem == "slow"


def test_keyrings_alt_file_backends_are_not_a_keyring(tmp_path, monkeypatch):
    """keyrings.alt keeps the token base64-encoded (or behind a terminal prompt) in a file:
    tvdesk refuses it as it refuses no keyring, and writes nothing."""
    import keyring as keyring_module
    from keyrings.alt.file import EncryptedKeyring, PlaintextKeyring

    for backend_class in (PlaintextKeyring, EncryptedKeyring):
        # EncryptedKeyring needs pycryptodome only to work; tvdesk refuses it unused.
        backend = object.__new__(backend_class)
        backend.file_path = str(tmp_path / f"{backend_class.__name__}.cfg")
        previous = keyring_module.get_keyring()
        keyring_module.set_keyring(backend)
        try:
            store = TokenStore(environ={})
            assert store.keyring_usable() is False
            assert "refused" in store.backend_name() and backend_class.__name__ in store.backend_name()
            with pytest.raises(KeyringUnavailableError):
                store.set(TOKEN)
            assert store.get() is None and store.last_problem == "unavailable"
        finally:
            keyring_module.set_keyring(previous)
    assert list(tmp_path.iterdir()) == []


def test_in_a_chain_only_the_secure_members_are_used(memory_keyring, tmp_path):
    import keyring as keyring_module
    from keyring.backends.chainer import ChainerBackend
    from keyrings.alt.file import PlaintextKeyring

    class Chain(ChainerBackend):
        """keyring's chain, with members chosen here (keyring fills it from what is installed)."""

        members: list = []
        backends = property(lambda self: self.members)

    plaintext = PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "plain.cfg")
    chain = Chain()
    chain.members = [plaintext, memory_keyring]   # the plaintext one first, as if preferred
    previous = keyring_module.get_keyring()
    keyring_module.set_keyring(chain)
    try:
        store = TokenStore(environ={})
        store.set(TOKEN)
        assert memory_keyring.get_password("tvdesk", "access-token") == TOKEN
        assert store.get() == TOKEN and store.backend_name().endswith("MemoryKeyring")
        assert not (tmp_path / "plain.cfg").exists()
        chain.members = [plaintext]
        assert store.keyring_usable() is False
    finally:
        keyring_module.set_keyring(previous)


def test_the_environment_token_is_taken_out_of_the_environment(memory_keyring):
    environ = {"TVDESK_TOKEN": " env-token-778899 ", "PATH": "/bin"}
    store = TokenStore(environ=environ)
    store.take_from_environment()
    assert environ == {"PATH": "/bin"}                    # children will not inherit it
    assert store.get() == "env-token-778899" and store.source() == "environment"
    empty = TokenStore(environ={"PATH": "/bin"})
    empty.take_from_environment()
    assert empty.get() is None


def test_a_keyring_read_ahead_answers_the_next_get_without_waiting_again(monkeypatch,
                                                                         memory_keyring):
    import threading
    import time as time_module

    memory_keyring.set_password("tvdesk", "access-token", "early-token-123456")
    reads: list[str] = []
    real_get = memory_keyring.get_password

    def slow_get(service, username):
        reads.append(threading.current_thread().name)
        time_module.sleep(0.5)
        return real_get(service, username)

    monkeypatch.setattr(memory_keyring, "get_password", slow_get)
    store = TokenStore(environ={})
    store.read_ahead()                      # start-up: the keyring is asked now...
    time_module.sleep(0.7)                  # ...while Qt loads
    started = time_module.monotonic()
    assert store.get(timeout=0.3) == "early-token-123456"   # answered already: no new wait
    assert time_module.monotonic() - started < 0.2
    assert store.last_problem is None
    assert reads == ["keyring-read"]        # once, off the calling thread
    assert store.get(timeout=2) == "early-token-123456"     # a later get asks again
    assert len(reads) == 2


def test_a_read_ahead_keyring_that_is_unavailable_says_so(no_keyring):
    store = TokenStore(environ={})
    store.read_ahead()
    assert store.get(timeout=2) is None
    assert store.last_problem == "unavailable"


def test_no_read_ahead_when_the_environment_has_the_token(memory_keyring, monkeypatch):
    import threading

    store = TokenStore(environ={"TVDESK_TOKEN": "env-token-123456"})
    before = threading.active_count()
    store.read_ahead()
    assert threading.active_count() == before
    assert store.get(timeout=1) == "env-token-123456"
