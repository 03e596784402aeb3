"""The real app gives Qt WebEngine's memory back: the engine runs only in the phone process,
which exits a while after the last call, leaving the tray process as small as at start."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.app_process import tvdesk_cli
from support.processes import descendants
from support.xserver import wait_until

from tvdesk.core.settings import Extension, Settings, SettingsStore

pytestmark = [pytest.mark.e2e, pytest.mark.webengine,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

WEB_ENGINE_LIBRARY = "libQt6WebEngineCore"
HTTP_STACK = "charset_normalizer"   # a compiled part of requests: the HTTP client is loaded


def maps_web_engine(pid: int) -> bool:
    return WEB_ENGINE_LIBRARY in Path(f"/proc/{pid}/maps").read_text(errors="replace")


def maps_http_stack(pid: int) -> bool:
    return HTTP_STACK in Path(f"/proc/{pid}/maps").read_text(errors="replace")



def test_after_calls_the_phone_process_goes_and_the_tray_never_loaded_the_engine(
        sandbox, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    SettingsStore(home / "config" / "settings.json").save(
        Settings(api_base=sandbox.base_url, phone_process_linger=2, default_ramal="4000",
                 extensions=[Extension("4000", "Recepção"), Extension("4001", "Vendas")]))
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    app = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    app.wait_for_log("tvdesk ready")
    tray = app.process.pid
    assert descendants(tray) == [] and not maps_web_engine(tray)
    assert not maps_http_stack(tray)

    for round_number in range(1, 3):   # twice: the second call starts a fresh phone process
        result = tvdesk_cli(home, env, "dial", "4001", "--ramal", "4000", "--yes")
        assert result.returncode == 0, result.stderr
        app.wait_for_log(f"microphone granted to {sandbox.base_url}/")
        helpers = descendants(tray)
        assert helpers, "the phone process and Chromium's helpers run during the call"
        assert not maps_web_engine(tray)
        assert wait_until(lambda n=round_number: app.output().count(
            "phone window for 4000 closed") == n, 30), "the window closes at the end of the call"
        assert wait_until(lambda n=round_number: app.output().count(
            "phone process exited") == n, 20), "the phone process exits after the linger"
        assert wait_until(lambda: descendants(tray) == [], 10), "every helper process is gone"
        # The webphone URL was asked for by the phone process: the tray process never
        # loaded the web engine, nor the HTTP client, for these calls.
        assert not maps_web_engine(tray) and not maps_http_stack(tray)

    assert app.output().count("starting the phone process") == 2
    assert app.alive()
    assert json.loads((home / "config" / "settings.json").read_text())["phone_window_geometry"]
    assert tvdesk_cli(home, env, "quit").returncode == 0
    app.process.wait(20)
    assert app.process.returncode == 0
    assert "Traceback" not in app.output()
    assert "still not deleted" not in app.output()   # pages went before their profile
