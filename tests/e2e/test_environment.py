"""TVDESK_TOKEN is read once and leaves the environment the app's children inherit."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.app_process import tvdesk_cli
from support.processes import descendants

pytestmark = [pytest.mark.e2e, pytest.mark.webengine]


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_the_token_is_not_in_any_process_environment(sandbox, app_env, start_app, tmp_path):
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    app = start_app(env, "--api-base", sandbox.base_url, "--minimized")
    app.wait_for_log("tvdesk ready")
    # A second start brings the window up: a sign of intent, so the web engine warms up.
    assert tvdesk_cli(app.home, env).returncode == 0
    app.wait_for_log("web engine warmed up")             # Chromium's helpers are running
    # The app's own /proc/PID/environ is the block it was started with, which no process can
    # rewrite; what matters is that no child inherits the token.
    pids = descendants(app.process.pid)
    assert pids, "the web engine's helper processes should be running"
    for pid in pids:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        assert sandbox.token.encode() not in environ, f"process {pid} holds the token"
    assert app.alive()
