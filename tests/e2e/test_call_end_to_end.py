"""The real app process, headless, against a sandbox: dial, microphone, end, auto-close."""

import time

import pytest
from support.app_process import tvdesk_cli

pytestmark = [pytest.mark.e2e, pytest.mark.webengine]


def test_dial_through_the_running_app_and_the_window_closes_at_the_end(
        sandbox, app_env, start_app, tmp_path):
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    home = tmp_path / "home"
    app = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    app.wait_for_log("tvdesk ready")

    result = tvdesk_cli(home, env, "dial", "(48) 3283-0151", "--ramal", "4000", "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Calling (48) 3283-0151 from extension 4000…"

    app.wait_for_log(f"microphone granted to {sandbox.base_url}/")
    app.wait_for_log("webphone event status conversando")
    app.wait_for_log("phone window for 4000 closed")
    assert app.alive()

    calls = [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]
    assert len(calls) == 1
    assert calls[0].headers.get("Access-Token") == sandbox.token
    assert calls[0].query["ramal"] == ["4000"]
    assert calls[0].query["ligar_para"] == ["+554832830151"]
    assert calls[0].query["fechar_fim"] == ["true"]
    assert any(r.path == "/w3/" for r in sandbox.requests)

    # Still in the tray and answering; then it quits cleanly when asked.
    assert tvdesk_cli(home, env, "quit").returncode == 0
    app.process.wait(20)
    assert app.process.returncode == 0
    log = app.output() + (home / "logs" / "tvdesk.log").read_text()
    assert sandbox.token not in log
    assert "signature=" not in log or "signature=***" in log
    assert "Traceback" not in log


def test_a_second_start_hands_over_to_the_first(sandbox, app_env, start_app, tmp_path):
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    home = tmp_path / "home"
    first = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    first.wait_for_log("tvdesk ready")
    second = start_app(env, "--api-base", sandbox.base_url, home=home)
    assert second.process.wait(30) == 0
    assert "already running" in second.output()
    assert first.alive()


def test_without_an_account_dial_starts_the_app_in_demo_mode(app_env, tmp_path):
    home = tmp_path / "home"
    try:
        result = tvdesk_cli(home, app_env, "dial", "4001", "--ramal", "4000", "--yes")
        assert result.returncode == 0, result.stderr
        log_file = home / "logs" / "tvdesk.log"
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            text = log_file.read_text() if log_file.exists() else ""
            if "phone window for 4000 closed" in text:
                break
            time.sleep(0.2)
        assert "demo mode: embedded sandbox" in text
        assert "microphone granted" in text
        assert "phone window for 4000 closed" in text
        assert not (home / "config" / "settings.json").exists()   # demo writes its own file
        assert (home / "config" / "settings-demo.json").exists()
        assert not (tmp_path / "keyring.json").exists()            # nothing in the keyring
    finally:
        tvdesk_cli(home, app_env, "quit")
