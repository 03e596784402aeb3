"""The command line against hostile addresses: plain http to another computer, webphone
URLs on unexpected hosts or written to confuse, each refused in one line with its code."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tvdesk.app import main
from tvdesk.core.settings import Settings, SettingsStore
from tvdesk.core.token_store import SERVICE, USERNAME

CLEAR_TEXT_API = "http://api.tvdesk-test.invalid"
TOKEN = "hostile-cli-token-8c1f0e"


@pytest.fixture
def run(tmp_path, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--basedir", str(tmp_path), *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run




def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tvdesk: ")
    assert "Traceback" not in err and TOKEN not in err
    return lines[0]


def log_text(tmp_path) -> str:
    return "".join(path.read_text(errors="replace") for path in tmp_path.rglob("*.log"))


# --- plain http: refused however the address arrives ------------------------------------

@pytest.mark.parametrize("command", [("url", "--ramal", "4000"), ("extensions",),
                                     ("token", "status")])
def test_plain_http_from_the_command_line_is_refused_before_any_connection(
        run, monkeypatch, network_attempts, command):
    monkeypatch.setenv("TVDESK_TOKEN", TOKEN)
    code, out, err = run("--api-base", CLEAR_TEXT_API, *command)
    assert code == 2
    assert "clear text" in one_line(err)
    assert network_attempts == []


def test_plain_http_from_the_environment_is_refused(run, monkeypatch, network_attempts):
    monkeypatch.setenv("TVDESK_TOKEN", TOKEN)
    monkeypatch.setenv("TVDESK_API_BASE", CLEAR_TEXT_API + ":8080")
    code, out, err = run("url", "--ramal", "4000")
    assert code == 2
    assert "clear text" in one_line(err)
    assert network_attempts == []


def test_plain_http_from_the_settings_file_is_refused(run, monkeypatch, network_attempts, tmp_path):
    monkeypatch.setenv("TVDESK_TOKEN", TOKEN)
    monkeypatch.delenv("TVDESK_API_BASE", raising=False)
    SettingsStore(tmp_path / "config" / "settings.json").save(Settings(api_base=CLEAR_TEXT_API))
    code, out, err = run("extensions")
    assert code == 2
    assert "clear text" in one_line(err)
    assert network_attempts == []


def test_token_set_refuses_plain_http_and_stores_nothing(run, monkeypatch, network_attempts,
                                                        memory_keyring):
    monkeypatch.setattr(sys, "stdin", io.StringIO(TOKEN + "\n"))
    code, out, err = run("--api-base", CLEAR_TEXT_API, "token", "set")
    assert code == 2
    assert "clear text" in one_line(err)
    assert memory_keyring.get_password(SERVICE, USERNAME) is None
    assert network_attempts == []


def test_plain_http_to_a_local_sandbox_still_works(run, sandbox, monkeypatch):
    monkeypatch.setenv("TVDESK_TOKEN", sandbox.token)
    code, out, err = run("--api-base", sandbox.base_url, "token", "status")
    assert code == 0, err


# --- `tvdesk url`: the app's host policy, and hostile URLs in one line --------------------

def inject_url(sandbox, url: str) -> None:
    sandbox.inject_fault(path="/webphone", status=200, content_type="application/json",
                         body=json.dumps({"status": 200, "sucesso": True, "motivo": 0,
                                          "mensagem": "url webphone", "dados": {"url": url}}))


@pytest.mark.parametrize("url", ["https://evil.invalid/w3/?key=k",
                                 "https://totalvoice.com.br.evil.invalid/w3/?key=k",
                                 "http://127.evil.invalid:8000/w3/?key=k"])
def test_url_refuses_a_webphone_on_an_unexpected_host(run, sandbox, monkeypatch, url):
    monkeypatch.setenv("TVDESK_TOKEN", sandbox.token)
    inject_url(sandbox, url)
    code, out, err = run("--api-base", sandbox.base_url, "url", "--ramal", "4000")
    assert code == 4
    line = one_line(err)
    assert "will not open" in line and "unexpected host" in line
    assert "evil" not in out + err


@pytest.mark.parametrize("url", [
    "https://evil.invalid\uff0f.totalvoice.com.br/w3/?key=k",
    "https://evil.invalid%2f.totalvoice.com.br/w3/?key=k",
    "https://evil.invalid;.totalvoice.com.br/w3/?key=k",
    "https://evil.invalid\\.totalvoice.com.br/w3/?key=k",
    "https://api.totalvoice.com.br:99999/w3/?key=k",
    "https://evil.invalid\n.totalvoice.com.br/w3/?key=k",
])
def test_url_refuses_a_hostile_webphone_address_in_one_line(run, sandbox, monkeypatch, tmp_path,
                                                            url):
    monkeypatch.setenv("TVDESK_TOKEN", sandbox.token)
    inject_url(sandbox, url)
    code, out, err = run("--api-base", sandbox.base_url, "url", "--ramal", "4000")
    assert code == 4
    line = one_line(err)
    assert "will not open" in line and "unexpected error" not in line
    assert "evil" not in out + err
    assert "Traceback" not in log_text(tmp_path)


def test_dial_refuses_plain_http_before_starting_an_app(run, monkeypatch, network_attempts):
    started: list[object] = []

    def record(*args, **kwargs):
        started.append(args)
        raise RuntimeError("no app should be reached or started")

    monkeypatch.setattr("subprocess.Popen", record)
    monkeypatch.setattr("tvdesk.single_instance.send_to_running_instance", record)
    code, out, err = run("--api-base", CLEAR_TEXT_API, "dial", "4001", "--ramal", "4000",
                         "--yes")
    assert code == 2
    assert "clear text" in one_line(err)
    assert started == [] and network_attempts == []


def test_token_clear_works_whatever_the_api_address(run, monkeypatch, memory_keyring):
    memory_keyring.set_password(SERVICE, USERNAME, TOKEN)
    monkeypatch.setenv("TVDESK_API_BASE", CLEAR_TEXT_API)
    code, out, err = run("token", "clear")
    assert code == 0, err
    assert memory_keyring.get_password(SERVICE, USERNAME) is None
