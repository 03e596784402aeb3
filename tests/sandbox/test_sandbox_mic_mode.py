"""The sandbox page's microphone use: held from connecting ("connect", the default) or
only during calls ("call"). A server-side setting rendered into the page's config, so the
signed webphone URL is the same in both modes."""

from __future__ import annotations

import json
import re

import pytest

from tvdesk.sandbox.server import SandboxConfig

TOKEN = "sandbox-test-token"  # the default token of the make_sandbox fixture


def page_config(server, http, **params) -> dict:
    r = http.get(server.base_url + "/webphone", params=params, headers={"Access-Token": TOKEN})
    assert r.status_code == 200, r.text
    page = http.get(r.json()["dados"]["url"])
    assert page.status_code == 200
    m = re.search(r'<script type="application/json" id="config">(.*?)</script>', page.text, re.S)
    return json.loads(m.group(1))


def test_default_is_connect_and_bad_values_are_refused():
    assert SandboxConfig().mic_mode == "connect"
    assert SandboxConfig(mic_mode="call").mic_mode == "call"
    with pytest.raises(ValueError, match="mic_mode"):
        SandboxConfig(mic_mode="sometimes")


def test_mic_mode_from_env():
    base = SandboxConfig(token="b")
    assert SandboxConfig.from_env(base, {"TVDESK_SANDBOX_MIC_MODE": "Call"}).mic_mode == "call"
    assert SandboxConfig.from_env(base, {"TVDESK_SANDBOX_MIC_MODE": "never"}) == base
    assert SandboxConfig.from_env(base, {"TVDESK_SANDBOX_MIC_MODE": " "}) == base


def test_sandbox_cli_option(monkeypatch):
    from tvdesk.sandbox.cli import build_parser, config_from_args

    monkeypatch.delenv("TVDESK_SANDBOX_MIC_MODE", raising=False)
    parser = build_parser()
    assert config_from_args(parser.parse_args([])).mic_mode == "connect"
    assert config_from_args(parser.parse_args(["--microphone-mode", "call"])).mic_mode == "call"
    with pytest.raises(SystemExit):
        parser.parse_args(["--microphone-mode", "always"])


def test_tvdesk_sandbox_passes_the_option_through(monkeypatch):
    import tvdesk.sandbox.cli as sandbox_cli
    from tvdesk.cli import Cli, build_parser

    seen: list[list[str]] = []
    monkeypatch.setattr(sandbox_cli, "main", lambda argv: seen.append(argv) or 0)
    args = build_parser().parse_args(["sandbox", "--microphone-mode", "call"])
    assert Cli(args).cmd_sandbox() == 0
    assert seen[0][-2:] == ["--microphone-mode", "call"]
    seen.clear()
    Cli(build_parser().parse_args(["sandbox"])).cmd_sandbox()
    assert "--microphone-mode" not in seen[0]


@pytest.mark.parametrize("mode", ["connect", "call"])
def test_mode_is_rendered_into_the_page_not_the_url(make_sandbox, http, mode):
    server = make_sandbox(mic_mode=mode)
    r = http.get(server.base_url + "/webphone", params={"ramal": "4000"},
                 headers={"Access-Token": TOKEN})
    assert "mic" not in r.json()["dados"]["url"]
    assert page_config(server, http, ramal="4000")["mic_mode"] == mode
    assert page_config(server, http, ramal="4001", tipo="embedded")["mic_mode"] == mode
