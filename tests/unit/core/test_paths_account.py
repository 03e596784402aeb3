"""Where files go, and which API and token the app uses."""

from __future__ import annotations

from tvdesk.core.account import API_BASE_ENV, explicit_api_base, resolve_account
from tvdesk.core.paths import resolve_paths
from tvdesk.core.settings import Settings, SettingsStore
from tvdesk.core.token_store import TokenStore


def test_basedir_moves_everything(tmp_path):
    paths = resolve_paths(tmp_path / "tv")
    assert paths.config_dir == tmp_path / "tv" / "config"
    assert paths.settings_file == tmp_path / "tv" / "config" / "settings.json"
    assert paths.log_file == tmp_path / "tv" / "logs" / "tvdesk.log"
    assert paths.web_profile_dir == tmp_path / "tv" / "webprofile"
    paths.ensure()
    assert all(p.is_dir() for p in (paths.config_dir, paths.data_dir, paths.log_dir,
                                    paths.web_profile_dir))


def test_tvdesk_home_moves_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("TVDESK_HOME", str(tmp_path))
    assert resolve_paths().data_dir == tmp_path / "data"


def test_instance_name_differs_per_config_dir(tmp_path):
    a, b = resolve_paths(tmp_path / "a"), resolve_paths(tmp_path / "b")
    assert a.instance_name != b.instance_name
    assert a.instance_name == resolve_paths(tmp_path / "a").instance_name
    assert a.instance_name.startswith("tvdesk-")


def test_explicit_api_base_precedence():
    env = {API_BASE_ENV: "https://env.example"}
    assert explicit_api_base("https://cli.example", env) == "https://cli.example"
    assert explicit_api_base(None, env) == "https://env.example"
    assert explicit_api_base(None, {}) is None
    assert explicit_api_base("", {API_BASE_ENV: ""}) is None


def test_real_account_uses_the_saved_api_base(tmp_path, memory_keyring, monkeypatch):
    monkeypatch.delenv(API_BASE_ENV, raising=False)
    paths = resolve_paths(tmp_path)
    SettingsStore(paths.settings_file).save(Settings(api_base="https://voice-api.zenvia.com"))
    tokens = TokenStore(environ={"TVDESK_TOKEN": "acct-token-1234"})
    account = resolve_account(paths, None, False, tokens)
    assert (account.api_base, account.token, account.demo) == (
        "https://voice-api.zenvia.com", "acct-token-1234", False)
    account.close()


def test_demo_account_runs_its_own_sandbox(tmp_path, memory_keyring, monkeypatch):
    monkeypatch.delenv(API_BASE_ENV, raising=False)
    account = resolve_account(resolve_paths(tmp_path), None, False, TokenStore(environ={}))
    try:
        assert account.demo is True
        assert account.api_base.startswith("http://127.0.0.1:")
        assert account.settings_store.path.name == "settings-demo.json"
        with account.client() as client:
            assert client.balance() >= 0
    finally:
        account.close()
    assert account.sandbox is None


def test_the_account_shares_one_client_until_its_address_changes(tmp_path, sandbox):
    from tvdesk.core.account import Account
    from tvdesk.core.settings import SettingsStore

    account = Account(api_base=sandbox.base_url, token=sandbox.token, demo=False,
                      settings_store=SettingsStore(tmp_path / "s.json"))
    first = account.client()
    assert account.client() is first                # one session: connections are reused
    first.balance()
    first.balance()
    account.api_base = sandbox.base_url + "/"
    assert account.client() is first                # the same address, written differently
    account.api_base = "http://127.0.0.1:1"
    assert account.client() is not first
    account.close()
