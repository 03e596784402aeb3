"""A whole --debug session of the real app, with the token set, several calls and one
error of each kind: neither the token nor any webphone key or signature may appear in
the log file, the console, or what the CLI prints."""

import json
import re

import pytest
import requests
from support.app_process import tvdesk_cli

pytestmark = [pytest.mark.e2e, pytest.mark.webengine]


def envelope(status, motivo, mensagem):
    return json.dumps({"status": status, "sucesso": False, "motivo": motivo,
                       "mensagem": mensagem, "dados": None})


def test_a_debug_session_never_shows_a_secret(sandbox, app_env, start_app, tmp_path):
    home = tmp_path / "home"
    env = dict(app_env, TVDESK_TOKEN=sandbox.token)
    app = start_app(env, "--api-base", sandbox.base_url, "--minimized", home=home)
    app.wait_for_log("tvdesk ready")
    printed = []

    def dial(number, ramal="4000"):
        result = tvdesk_cli(home, env, "--debug", "dial", number, "--ramal", ramal, "--yes")
        printed.extend([result.stdout, result.stderr])
        return result

    assert dial("(48) 3283-0151").returncode == 0
    app.wait_for_log("phone window for 4000 closed")
    assert dial("4001", ramal="4002").returncode == 0
    app.wait_for_log("phone window for 4002 closed")

    faults = [
        (403, envelope(403, 40, "access token inválido"), "application/json"),
        (402, envelope(402, 9, "saldo insuficiente"), "application/json"),
        (404, envelope(404, 60, "ramal não encontrada"), "application/json"),
        (405, envelope(405, 11, "Parâmetro ligar_para inválido"), "application/json"),
        (500, "<html>Internal Server Error</html>", "text/html"),
        (200, '{"status": 200, "sucesso": tr', "application/json"),   # cut off
    ]
    for status, body, content_type in faults:
        sandbox.inject_fault(path="/webphone", status=status, body=body,
                             content_type=content_type)
        dial("4001")
    sandbox.inject_fault(path="/webphone", status=429, body="slow down", times=5)
    dial("4001")
    app.wait_for_log("API /webphone answered HTTP 405")
    app.wait_for_log("rate limited on /webphone")
    # `tvdesk url` prints the signed URL on stdout because the person asked for it; its
    # --debug console (stderr) must still keep the secrets out.
    url_run = tvdesk_cli(home, env, "--debug", "--api-base", sandbox.base_url,
                         "url", "--ramal", "4000")
    assert url_run.returncode == 0 and "signature=" in url_run.stdout
    printed.append(url_run.stderr)
    wrong = tvdesk_cli(home, dict(env, TVDESK_TOKEN="wrong-" + sandbox.token),
                       "--debug", "--api-base", sandbox.base_url, "extensions")
    assert wrong.returncode == 3, wrong.stderr     # refused by the API (loopback only)
    printed.append(wrong.stderr)
    assert tvdesk_cli(home, env, "quit").returncode == 0
    app.process.wait(20)

    with requests.get(sandbox.base_url + "/ramal/relatorio",
                      headers={"Access-Token": sandbox.token}, timeout=10) as response:
        keys = [r["webphone_key"] for r in response.json()["dados"]["relatorio"]]
    everything = "\n".join([app.output(), (home / "logs" / "tvdesk.log").read_text(), *printed])
    assert "tvdesk ready" in everything and "webphone event status conversando" in everything
    assert sandbox.token not in everything
    for key in keys:
        assert key not in everything
    assert not re.search(r"signature=[0-9a-f]{16}", everything)
    assert "Traceback" not in everything

    # Every file the app wrote (settings, history, logs, the web profile, the lock), read
    # as bytes: no token, no webphone key, no URL signature.
    signatures = set(re.findall(r"signature=([0-9a-f]{16,})", url_run.stdout))
    assert signatures
    written = [path for path in home.rglob("*") if path.is_file()
               and not path.name.startswith("stderr-")]   # this test's own capture of --debug
    assert any(path.name == "settings.json" for path in written)
    for path in written:
        data = path.read_bytes()
        assert sandbox.token.encode() not in data, path
        for secret in [*keys, *signatures]:
            assert secret.encode() not in data, path
