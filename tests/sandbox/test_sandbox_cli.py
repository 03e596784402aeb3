"""``python -m tvdesk.sandbox``: foreground server, two lines on stdout, clean exit on signals."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tvdesk.sandbox.server import _json_for_html

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_until_signal(signum):
    env = dict(os.environ, PYTHONUNBUFFERED="1", TVDESK_SANDBOX_SALDO="7")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvdesk.sandbox", "--port", "0", "--token", "cli-token",
         "--answer-after", "0.5", "--url-ttl", "60", "-v"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline().strip()
        second = proc.stdout.readline().strip()
        m = re.fullmatch(r"base_url: (http://127\.0\.0\.1:\d+)", first)
        assert m, (first, second)
        assert second == "token: cli-token"
        base = m.group(1)
        with requests.Session() as http:
            r = http.get(base + "/saldo", headers={"Access-Token": "cli-token"}, timeout=10)
            assert r.json()["dados"] == {"saldo": 7.0}
            r = http.get(base + "/webphone", params={"ramal": 4000},
                         headers={"Access-Token": "cli-token"}, timeout=10)
            url = r.json()["dados"]["url"]
            assert http.get(url, timeout=10).status_code == 200
            expires = int(re.search(r"expires=(\d+)", url).group(1))
            assert abs(expires - (time.time() + 60)) < 5
    finally:
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert out == ""
    # logging is on (-v) but never shows the token, the key or the signature
    assert "/saldo" in err and "/w3/" in err
    assert "cli-token" not in err
    signature = url.rsplit("signature=", 1)[1]
    key = re.search(r"key=([0-9a-f]{32})", url).group(1)
    assert signature not in err and key not in err


def test_cli_main_rejects_bad_arguments(capsys):
    from tvdesk.sandbox.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--answer-after", "-1"])
    assert exc.value.code == 2
    assert "must be >= 0" in capsys.readouterr().err


def test_json_for_html_escapes_script_breakers():
    text = _json_for_html({"ligar_para": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"ligar_para": "</script><script>alert(1)</script>&"}
