"""The real app against an API that drips its answers a byte a second: every dial ends
within the API deadline with "took too long", later dials are not starved by the ones
hanging, and `tvdesk quit` ends the process within seconds while requests still hang."""

import subprocess
import sys
import time

import pytest
from support.app_process import tvdesk_cli
from support.dripping import DrippingServer
from support.loopback import envelope
from support.xserver import wait_until

from tvdesk.core.api import DEFAULT_DEADLINE

pytestmark = [pytest.mark.e2e]

TOKEN = "drip-e2e-token-5f2a7c"
DIALS = 6   # more than the four workers there used to be, with the extension import hanging too


def dial(home, env, number):
    return subprocess.Popen(
        [sys.executable, "-m", "tvdesk", "--basedir", str(home), "dial", number,
         "--ramal", "4000", "--yes"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def webphone_requests(server):
    return [path for path in server.paths if path.startswith("/webphone")]



@pytest.fixture
def dripping_api():
    # A valid answer, one byte a second: about two minutes for the whole of it.
    server = DrippingServer(body=envelope({"url": "http://127.0.0.1:9/w3/?key=k"}),
                            interval=1.0).start()
    yield server
    server.stop()


def test_a_dripping_api_neither_starves_dials_nor_keeps_the_app_from_quitting(
        dripping_api, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    env = dict(app_env, TVDESK_TOKEN=TOKEN)
    app = start_app(env, "--api-base", dripping_api.base_url, "--minimized", home=home)
    app.wait_for_log("tvdesk ready")

    started = time.monotonic()
    dials = [dial(home, env, f"(48) 3283-015{n}") for n in range(DIALS)]
    for process in dials:
        out, err = process.communicate(timeout=DEADLINE_BOUND)
        assert process.returncode == 5, err
        assert "took too long" in err and err.count("\n") == 1
        assert TOKEN not in out + err
    assert time.monotonic() - started < DEADLINE_BOUND
    assert len(webphone_requests(dripping_api)) == DIALS   # every dial reached the API

    # Two more dials, left hanging on the API; then quit.
    hanging = [dial(home, env, "(48) 3283-0151") for _ in range(2)]
    assert wait_until(lambda: len(webphone_requests(dripping_api)) == DIALS + 2, timeout=15)
    quitting = time.monotonic()
    assert tvdesk_cli(home, env, "quit", timeout=30).returncode == 0
    app.process.wait(20)
    assert time.monotonic() - quitting < 10
    assert app.process.returncode == 0
    for process in hanging:
        out, err = process.communicate(timeout=30)
        assert process.returncode != 0   # told it is not known whether the call was made
    log = app.output() + (home / "logs" / "tvdesk.log").read_text()
    assert TOKEN not in log
    assert "Traceback" not in log


# The deadline, plus time to start the CLI process and hand the dial over.
DEADLINE_BOUND = DEFAULT_DEADLINE + 15
