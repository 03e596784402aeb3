"""The real app process with a background (hidden) phone: it connects by itself, rings
for an incoming call with nothing but the tray, and dials through the protocol."""

import json

import pytest
import requests
from support.app_process import tvdesk_cli

pytestmark = [pytest.mark.e2e, pytest.mark.webengine]


def test_hidden_phone_rings_and_dials_in_the_real_app(sandbox, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(json.dumps({
        "api_base": sandbox.base_url, "default_ramal": "4000",
        "extensions": [{"ramal": "4000", "label": "Recepção", "tipo": "hidden"}]}))
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    app = start_app(env, "--minimized", home=home)
    app.wait_for_log("hidden webphone of 4000: connected")

    response = requests.post(sandbox.base_url + "/sandbox/incoming",
                             json={"ramal": "4000", "numero": "+554832830151"},
                             headers={"Access-Token": sandbox.token}, timeout=10)
    with response:
        assert response.status_code == 200
    app.wait_for_log("incoming call on 4000")
    app.wait_for_log("ringing window shown for a call on 4000")

    # Nobody answers: the caller gives up (the sandbox's "desligar"), then we dial out.
    requests.post(sandbox.base_url + "/sandbox/incoming",
                  json={"ramal": "4000", "desligar": True},
                  headers={"Access-Token": sandbox.token}, timeout=10).close()
    app.wait_for_log("webphone event status encerrada")

    result = tvdesk_cli(home, env, "dial", "(48) 3283-0151", "--yes")
    assert result.returncode == 0, result.stderr
    app.wait_for_log("dial on the background phone of 4000")
    app.wait_for_log("webphone event status conversando")
    webphone = [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]
    assert len(webphone) == 1 and webphone[0].query["tipo"] == ["hidden"]
    assert app.alive()
    assert tvdesk_cli(home, env, "quit").returncode == 0
    assert app.process.wait(20) == 0
    history = json.loads((home / "data" / "history.json").read_text())
    kinds = {call["number"]: call["kind"] for call in history["calls"]}
    # One entry per number: the missed call was replaced by the call back.
    assert kinds == {"+554832830151": "outgoing"}
