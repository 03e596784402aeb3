"""The command line, in process (tvdesk.app.main) and once as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from tvdesk.app import main
from tvdesk.cli import Cli, build_parser
from tvdesk.core.errors import NoTokenError
from tvdesk.core.token_store import SERVICE, USERNAME

WRONG_TOKEN = "wrong-token-deadbeef4242"


@pytest.fixture
def cli(sandbox, tmp_path, capsys):
    """`tvdesk --api-base <sandbox> --basedir <tmp> ARGS` through tvdesk.app.main.

    Returns (exit code, stdout, stderr). Errors go to sys.stderr, which capsys sees. Normal
    output goes to Cli.out, whose default is bound at import time (see the xfail below),
    so for commands that succeed the output is read through `Cli(args, out, err).run()`.
    """

    def run(*args: str, api_base: str | None = None) -> tuple[int, str, str]:
        argv = ["--api-base", api_base or sandbox.base_url, "--basedir", str(tmp_path), *args]
        code = main(argv)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def cli_out(sandbox, tmp_path):
    """`Cli(args, out, err).run()` for commands expected to succeed: (exit code, stdout)."""

    def run(*args: str) -> tuple[int, str]:
        argv = ["--api-base", sandbox.base_url, "--basedir", str(tmp_path), *args]
        out, err = io.StringIO(), io.StringIO()
        code = Cli(build_parser().parse_args(argv), out, err).run()
        assert err.getvalue() == ""
        return code, out.getvalue()

    return run


@pytest.fixture
def with_token(monkeypatch, sandbox, memory_keyring):
    monkeypatch.setenv("TVDESK_TOKEN", sandbox.token)


def webphone_requests(sandbox):
    return [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]


def assert_one_clean_line(err: str, *secrets: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tvdesk: ")
    assert "Traceback" not in err
    for secret in secrets:
        assert secret not in err
    return lines[0]


def test_url_prints_a_webphone_url(cli, sandbox, with_token):
    code, out, err = cli("url", "--ramal", "4000", "--ligar-para", "(48) 3283-0151", "--fechar-fim")

    assert code == 0, err
    assert err == ""
    seen = webphone_requests(sandbox)[-1]
    assert seen.query["ramal"] == ["4000"]
    assert seen.query["ligar_para"] == ["+554832830151"]
    assert seen.query["fechar_fim"] == ["true"]
    assert seen.query["tipo"] == ["floating"]
    assert seen.headers["Access-Token"] == sandbox.token


def test_url_output_is_one_webphone_url(cli_out, sandbox, with_token):
    code, out = cli_out("url", "--ramal", "4000", "--ligar-para", "(48) 3283-0151", "--fechar-fim")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(sandbox.base_url + "/w3/?key=")
    assert "ligar_para=%2B554832830151" in lines[0]
    assert "fechar_fim=1" in lines[0]


def test_main_writes_to_the_current_sys_stdout(cli, sandbox, with_token):
    code, out, err = cli("url", "--ramal", "4000")
    assert code == 0
    assert out.startswith(sandbox.base_url + "/w3/?key=")


def test_url_with_id_ramal_and_tipo(cli_out, sandbox, with_token):
    code, out = cli_out("url", "--id-ramal", "102", "--tipo", "embedded")
    assert code == 0
    assert "tipo=embedded" in out
    seen = webphone_requests(sandbox)[-1]
    assert seen.query["id_ramal"] == ["102"]
    assert seen.query["fechar_fim"] == ["false"]
    assert "ligar_para" not in seen.query


def test_global_options_also_work_after_the_subcommand(sandbox, with_token, tmp_path, capsys):
    code = main(["url", "--ramal", "4001", "--api-base", sandbox.base_url,
                 "--basedir", str(tmp_path)])
    assert code == 0
    assert capsys.readouterr().err == ""
    assert webphone_requests(sandbox)[-1].query["ramal"] == ["4001"]


def test_api_base_from_the_environment(sandbox, with_token, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TVDESK_API_BASE", sandbox.base_url)
    assert main(["--basedir", str(tmp_path), "url", "--ramal", "4000"]) == 0
    assert capsys.readouterr().err == ""
    assert len(webphone_requests(sandbox)) == 1


def test_extensions_listing(cli_out, with_token):
    code, out = cli_out("extensions")
    assert code == 0
    assert out.splitlines() == ["4000  Recepção  (id 101)", "4001  Vendas  (id 102)",
                                "4002  Suporte  (id 103)"]


def test_extensions_json(cli_out, with_token):
    code, out = cli_out("extensions", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"ramal": "4000", "label": "Recepção", "id_ramal": 101},
        {"ramal": "4001", "label": "Vendas", "id_ramal": 102},
        {"ramal": "4002", "label": "Suporte", "id_ramal": 103},
    ]


def test_extensions_through_main(cli, sandbox, with_token):
    code, out, err = cli("extensions", "--json")
    assert (code, err) == (0, "")
    assert [r.path for r in sandbox.requests] == ["/ramal/relatorio"]


def test_wrong_token_exits_3_with_one_line(cli, sandbox, monkeypatch, memory_keyring):
    monkeypatch.setenv("TVDESK_TOKEN", WRONG_TOKEN)
    code, out, err = cli("url", "--ramal", "4000")
    assert code == 3
    assert out == ""
    line = assert_one_clean_line(err, WRONG_TOKEN, sandbox.token)
    assert "Access-Token was refused" in line


def test_wrong_token_is_not_in_the_log_file(cli, monkeypatch, memory_keyring, tmp_path):
    monkeypatch.setenv("TVDESK_TOKEN", WRONG_TOKEN)
    cli("--debug", "extensions")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert WRONG_TOKEN.encode() not in path.read_bytes()


def test_no_token_exits_3_with_the_token_set_hint(cli, memory_keyring):
    code, out, err = cli("url", "--ramal", "4000")
    assert code == 3
    line = assert_one_clean_line(err)
    assert "tvdesk token set" in line
    assert "TVDESK_TOKEN" in line


def test_unreachable_api_exits_5(cli, with_token, closed_port, sandbox):
    code, out, err = cli("extensions", api_base=f"http://127.0.0.1:{closed_port}")
    assert code == 5
    line = assert_one_clean_line(err, sandbox.token)
    assert f"127.0.0.1:{closed_port}" in line


@pytest.mark.parametrize("number", ["abc", "12345", "1234567890123456"])
def test_invalid_number_exits_2_without_calling_the_api(cli, sandbox, with_token, number):
    code, out, err = cli("url", "--ramal", "4000", "--ligar-para", number)
    assert code == 2
    assert_one_clean_line(err)
    assert webphone_requests(sandbox) == []


def test_invalid_number_with_a_newline_is_still_one_line(cli, with_token):
    code, out, err = cli("url", "--ramal", "4000", "--ligar-para", "abc\ndef")
    assert code == 2
    assert_one_clean_line(err)


def test_bad_ramal_is_a_usage_error(cli, with_token):
    with pytest.raises(SystemExit) as caught:
        cli("url", "--ramal", "12")
    assert caught.value.code == 2


def test_unknown_ramal_is_reported(cli, with_token):
    code, out, err = cli("url", "--ramal", "9999")
    assert code == 4
    assert "ramal não encontrada" in assert_one_clean_line(err)


def test_token_set_from_stdin_checks_then_stores(cli, sandbox, memory_keyring, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(sandbox.token + "\n"))
    code, out, err = cli("token", "set")
    assert (code, err) == (0, "")
    assert memory_keyring.store == {(SERVICE, USERNAME): sandbox.token}
    assert [r.path for r in sandbox.requests] == ["/saldo"]
    assert sandbox.requests[0].headers["Access-Token"] == sandbox.token

    code, out, err = cli("token", "status")
    assert (code, err) == (0, "")
    assert [r.path for r in sandbox.requests] == ["/saldo", "/saldo"]

    code, out, err = cli("token", "clear")
    assert (code, err) == (0, "")
    assert memory_keyring.store == {}

    code, out, err = cli("token", "status")
    assert code == 3
    assert "tvdesk token set" in assert_one_clean_line(err)


def test_token_set_status_clear_output(cli_out, sandbox, memory_keyring, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(sandbox.token + "\n"))
    code, out = cli_out("token", "set")
    assert code == 0
    assert "accepted the token (balance: R$42.50)" in out
    assert "stored in the system keyring (support.memory_keyring.MemoryKeyring)" in out
    assert sandbox.token not in out
    assert memory_keyring.store == {(SERVICE, USERNAME): sandbox.token}

    code, out = cli_out("token", "status")
    assert code == 0
    assert "Keyring backend: support.memory_keyring.MemoryKeyring" in out
    assert "Token source: system keyring" in out
    assert f"The API at {sandbox.base_url} accepts the token (balance: R$42.50)." in out
    assert sandbox.token not in out

    assert cli_out("token", "clear") == (0, "Access-Token removed from the keyring.\n")
    assert cli_out("token", "clear") == (0, "No Access-Token was stored in the keyring.\n")


def test_token_set_no_check_does_not_call_the_api(cli_out, sandbox, memory_keyring, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("  unchecked-token-001122  \n"))
    code, out = cli_out("token", "set", "--no-check")
    assert code == 0
    assert memory_keyring.store == {(SERVICE, USERNAME): "unchecked-token-001122"}
    assert sandbox.requests == []


def test_token_set_refuses_a_token_the_api_refuses(cli, memory_keyring, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(WRONG_TOKEN + "\n"))
    code, out, err = cli("token", "set")
    assert code == 3
    assert_one_clean_line(err, WRONG_TOKEN)
    assert memory_keyring.store == {}


def test_token_set_with_empty_stdin(cli, memory_keyring, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = cli("token", "set", "--no-check")
    assert code == 2
    assert "No token was given" in assert_one_clean_line(err)
    assert memory_keyring.store == {}


def test_token_status_with_the_environment(cli_out, with_token):
    code, out = cli_out("token", "status")
    assert code == 0
    assert "Token source: environment (TVDESK_TOKEN)" in out


def test_token_status_without_a_token(cli, sandbox, memory_keyring):
    code, out, err = cli("token", "status")
    assert code == 3
    assert "tvdesk token set" in assert_one_clean_line(err)
    assert sandbox.requests == []


def test_cli_object_raises_typed_errors(sandbox, tmp_path, memory_keyring):
    args = build_parser().parse_args(["--api-base", sandbox.base_url, "--basedir", str(tmp_path),
                                      "extensions"])
    with pytest.raises(NoTokenError):
        Cli(args, io.StringIO(), io.StringIO()).run()


def test_token_set_without_a_keyring_exits_7(cli, no_keyring, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdin", io.StringIO("no-keyring-token-556677\n"))
    code, out, err = cli("token", "set", "--no-check")
    assert code == 7
    line = assert_one_clean_line(err, "no-keyring-token-556677")
    assert "keyring" in line and "TVDESK_TOKEN" in line
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"no-keyring-token-556677" not in path.read_bytes()


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("tvdesk ")
    with pytest.raises(SystemExit) as caught:
        main(["url", "--help"])
    assert caught.value.code == 0
    assert "--ligar-para" in capsys.readouterr().out


def test_subprocess_wrong_token_is_one_line_without_traceback(sandbox, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TVDESK_")}
    env.update(TVDESK_TOKEN="wrong", TVDESK_LANG="en",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    result = subprocess.run(
        [sys.executable, "-m", "tvdesk", "url", "--ramal", "4000",
         "--api-base", sandbox.base_url, "--basedir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tvdesk: ")
    assert "Traceback" not in result.stderr
    assert [r.headers.get("Access-Token") for r in webphone_requests(sandbox)] == ["wrong"]


def test_an_invalid_api_base_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TVDESK_TOKEN", "some-token-abcdef123")
    code = main(["--api-base", "ftp://example.org", "--basedir", str(tmp_path),
                 "url", "--ramal", "4000"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "not an API address" in err
    assert "some-token-abcdef123" not in err


def test_a_link_takes_nothing_after_it(tmp_path, capsys):
    # Windows splits "%1" on quotes a web page controls: tel:1" --api-base "http://evil
    code = main(["--basedir", str(tmp_path), 'tel:1"', "--api-base", "http://evil.example"])
    assert code == 2
    assert "last argument" in capsys.readouterr().err


def test_split_link_keeps_the_options_before_it():
    from tvdesk.app import split_link

    assert split_link(["--basedir", "x", "tel:+5511987654321"]) == \
        (["--basedir", "x"], "tel:+5511987654321")
    assert split_link(["dial", "4000"]) == (["dial", "4000"], None)


def test_integrate_install_status_remove_in_a_private_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    out = io.StringIO()

    def run(action):
        args = build_parser().parse_args(["--basedir", str(tmp_path / "tv"), "integrate", action])
        return Cli(args, out=out).run()

    assert run("install") == 0
    desktop_file = home / "share" / "applications" / "tvdesk.desktop"
    assert "x-scheme-handler/tel;" in desktop_file.read_text()
    out.truncate(0)
    assert run("status") == 0
    assert "tvdesk" in out.getvalue()
    assert run("remove") == 0
    assert not desktop_file.exists()


def test_the_language_setting_applies_to_the_command_line(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text('{"language": "pt_BR"}')
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    env.pop("TVDESK_LANG", None)
    env.update(LANG="en_US.UTF-8", LC_ALL="", LANGUAGE="")
    result = subprocess.run([sys.executable, "-m", "tvdesk", "--basedir", str(tmp_path),
                             "dial", "abc", "--yes"], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 2
    assert "número" in result.stderr          # Portuguese, from the setting
    env["TVDESK_LANG"] = "en"                 # the environment variable wins
    result = subprocess.run([sys.executable, "-m", "tvdesk", "--basedir", str(tmp_path),
                             "dial", "abc", "--yes"], capture_output=True, text=True, env=env,
                            timeout=60)
    assert "phone number" in result.stderr


@pytest.mark.parametrize("value", ["Tel: (48) 3283-0151", "tel:+55-48-3283-0151",
                                   "callto:+554832830151"])
def test_link_like_option_values_belong_to_the_command(cli_out, sandbox, with_token, value):
    code, out = cli_out("url", "--ramal", "4000", "--ligar-para", value)
    assert code == 0 and out.startswith(sandbox.base_url)
    assert webphone_requests(sandbox)[-1].query["ligar_para"] == ["+554832830151"]


def test_only_a_lone_positional_argument_is_a_link():
    from tvdesk.app import LinkArgumentsError, split_link

    assert split_link(["--basedir", "tel:x", "tel:+554832830151"]) == (
        ["--basedir", "tel:x"], "tel:+554832830151")
    assert split_link(["--debug", "callto:4001"]) == (["--debug"], "callto:4001")
    for argv in (["url", "--ramal", "4000", "--ligar-para", "tel:+554832830151"],
                 ["dial", "tel:+554832830151"], ["--api-base=https://x.invalid", "quit"]):
        assert split_link(argv) == (argv, None)
    with pytest.raises(LinkArgumentsError):
        split_link(["tel:+554832830151", "--api-base", "https://evil.invalid"])


def test_sandbox_is_for_the_app_and_says_so_for_commands(tmp_path, capsys):
    assert main(["--basedir", str(tmp_path), "--sandbox", "url", "--ramal", "4000"]) == 2
    err = capsys.readouterr().err
    assert "do not apply to 'tvdesk url'" in err and "tvdesk --sandbox" in err


def test_url_takes_its_type_from_the_tipo_setting(cli_out, sandbox, with_token, tmp_path):
    from tvdesk.core.settings import Settings, SettingsStore

    SettingsStore(tmp_path / "config" / "settings.json").save(Settings(tipo="embedded"))
    cli_out("url", "--ramal", "4000")
    assert webphone_requests(sandbox)[-1].query["tipo"] == ["embedded"]
    cli_out("url", "--ramal", "4000", "--tipo", "hidden")   # the option still wins
    assert webphone_requests(sandbox)[-1].query["tipo"] == ["hidden"]


def test_dial_without_a_running_app_that_can_start_reports_it(tmp_path, capsys, monkeypatch):
    import tvdesk.cli as cli_module
    from tvdesk.core.errors import InstanceUnreachableError

    def unreachable(self, request):
        raise InstanceUnreachableError()

    monkeypatch.setattr(cli_module.Cli, "_send_starting_if_needed", unreachable)
    assert main(["--basedir", str(tmp_path), "dial", "+554832830151", "--yes"]) == 6
    assert "could not be started" in capsys.readouterr().err


def hostile_relatorio(labels):
    rows = [{"id": 100 + n, "ramal": str(4000 + n), "tags": label} for n, label in enumerate(labels)]
    return json.dumps({"status": 200, "sucesso": True, "motivo": 0, "mensagem": "ok",
                       "dados": {"posicao": 0, "limite": 100, "total": len(rows),
                                 "relatorio": rows}})


def test_server_labels_cannot_drive_the_terminal_or_forge_lines(sandbox, with_token, tmp_path,
                                                                capsys):
    labels = ["\x1b]0;pwned\x07Vendas", "ok\r\n9999  forged line", "abc\u202edcba",
              "\x1b]52;c;KzU1NDg5OTk5OTk5OTk=\x07"]
    for args in (["extensions"], ["extensions", "--json"]):
        sandbox.inject_fault(path="/ramal/relatorio", status=200,
                             content_type="application/json", body=hostile_relatorio(labels))
        code = main(["--api-base", sandbox.base_url, "--basedir", str(tmp_path), *args])
        out = capsys.readouterr().out
        assert code == 0
        assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) < 0xa0 for c in out)
        assert "\u202e" not in out
        if args == ["extensions"]:
            assert out.count("\n") == len(labels)        # one line per extension, no more
            assert "\\x1b]0;pwned\\x07Vendas" in out
        else:
            assert [e["label"] for e in json.loads(out)] == labels


def test_an_api_message_with_escapes_is_shown_harmless(sandbox, with_token, tmp_path, capsys):
    sandbox.inject_fault(path="/webphone", status=405, content_type="application/json",
                         body=json.dumps({"status": 405, "sucesso": False, "motivo": 11,
                                          "mensagem": "Par\x1b[2J\x1b]0;x\x07metro\u202e",
                                          "dados": None}))
    code = main(["--api-base", sandbox.base_url, "--basedir", str(tmp_path),
                 "url", "--ramal", "4000"])
    err = capsys.readouterr().err
    assert code == 4
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b[2J" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv", [
    [], ["--minimized"], ["--basedir", "x", "--minimized", "--debug"], ["--sandbox"],
    ["--api-base", "http://127.0.0.1:1", "--basedir=x"], ["--basedir", "dial"],
])
def test_a_desktop_start_parses_the_same_with_the_lean_parser(argv):
    from tvdesk.app import parser_for

    parser = parser_for(argv)
    assert "COMMAND" not in parser.format_usage()   # the lean one: no commands built
    assert parser.parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [
    ["dial", "4000"], ["--basedir", "x", "url", "--ramal", "4000"], ["--help"],
    ["--minimized", "-h"], ["--bogus"], ["--basedir", "x", "nonsense"],
])
def test_commands_help_and_mistakes_get_the_whole_command_line(argv):
    from tvdesk.app import parser_for

    assert parser_for(argv).format_usage() == build_parser().format_usage()


def test_a_link_start_uses_the_lean_parser_and_keeps_the_link():
    from tvdesk.app import parser_for, split_link

    argv = ["--basedir", "x", "tel:+5511987654321"]
    parser = parser_for(argv)
    assert "COMMAND" not in parser.format_usage()
    rest, link = split_link(argv, parser)
    assert link == "tel:+5511987654321"
    assert parser.parse_args(rest).basedir == "x"
