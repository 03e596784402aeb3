"""One instance per user, links forwarded to it, and a clean start after a crash."""

import json
import signal
import time

import pytest
from support.app_process import tvdesk_cli
from support.xserver import wait_until

pytestmark = [pytest.mark.e2e]


def write_settings(home, **values):
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps(values))


def webphone_calls(sandbox):
    return [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]



@pytest.mark.webengine
def test_a_tel_link_dials_once_through_the_running_instance(sandbox, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    # Confirmation off, so the forwarded link dials without a person clicking (the
    # confirmation itself is tested with pytest-qt in tests/ui/test_quick_dial.py).
    write_settings(home, api_base=sandbox.base_url, extensions=[{"ramal": "4000"}],
                   default_ramal="4000", confirm_external_dials=False)
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    app = start_app(env, "--minimized", home=home)
    app.wait_for_log("tvdesk ready")

    link = start_app(env, "tel:+55-48-3283-0151", home=home)
    assert link.process.wait(30) == 0
    app.wait_for_log("phone window for 4000 closed")
    calls = webphone_calls(sandbox)
    assert len(calls) == 1
    assert calls[0].query["ligar_para"] == ["+554832830151"]
    assert calls[0].query["ramal"] == ["4000"]
    assert app.alive()
    history = json.loads((home / "data" / "history.json").read_text())
    assert history["calls"][0]["number"] == "+554832830151"


def test_two_quick_starts_leave_one_instance(sandbox, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    first = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    second = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    assert wait_until(lambda: not first.alive() or not second.alive(), timeout=40)
    survivor, leaver = (first, second) if first.alive() else (second, first)
    assert leaver.process.wait(10) == 0
    survivor.wait_for_log("tvdesk ready")
    time.sleep(1)
    assert survivor.alive()
    assert tvdesk_cli(home, env, "quit").returncode == 0


def test_a_crashed_instance_does_not_block_the_next_start(sandbox, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    crashed = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    crashed.wait_for_log("tvdesk ready")
    crashed.process.send_signal(signal.SIGKILL)
    crashed.process.wait(10)
    assert (home / "config" / "instance.lock").exists()   # left behind by the crash

    again = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    again.wait_for_log("tvdesk ready")
    result = tvdesk_cli(home, env, "dial", "4001", "--ramal", "4000", "--yes")
    assert result.returncode == 0, result.stderr
    assert wait_until(lambda: len(webphone_calls(sandbox)) == 1, 30)


def test_a_link_handed_over_without_a_display_says_only_how_it_went(sandbox, app_env, start_app,
                                                                   tmp_path):
    """A shell without DISPLAY hands a link to the running app: no note about running
    without windows (that is the running app's business), and the outcome's exit code."""
    home = tmp_path / "home"
    write_settings(home, api_base=sandbox.base_url, extensions=[{"ramal": "4000"}],
                   default_ramal="4000")
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    app = start_app(env, "--minimized", home=home)
    app.wait_for_log("tvdesk ready")
    assert "no display found" in app.output()           # the running app may say it
    for _ in range(2):
        link = tvdesk_cli(home, env, "tel:+55-48-3283-0151")
        assert "no display found" not in link.stderr
        assert link.returncode == 9, link.stderr          # headless: nobody can confirm
        assert "cannot ask you to confirm" in link.stderr
    assert webphone_calls(sandbox) == []
    assert app.alive()
