"""tvdesk-cli.exe: the console twin of the windowed tvdesk.exe, built and installed on Windows.

Static checks only: the Windows build and the installer cannot run here (unverified).
"""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "tvdesk.spec"
ISS = REPO / "packaging" / "windows" / "tvdesk.iss"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name) and n.func.id == name]


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def test_the_spec_builds_a_console_tvdesk_cli_on_windows():
    tree = _spec_tree()
    # The helper that makes each executable passes its name and console flag to EXE().
    (helper,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_executable"]
    (exe_call,) = _calls(helper, "EXE")
    assert isinstance(_keyword(exe_call, "name"), ast.Name)
    assert _keyword(exe_call, "name").id == "name"
    assert _keyword(exe_call, "console").id == "console"
    assert _keyword(exe_call, "exclude_binaries").value is True  # one folder, shared

    windows_blocks = [n for n in tree.body if isinstance(n, ast.If)
                      and isinstance(n.test, ast.Name) and n.test.id == "WINDOWS"]
    cli = [call for block in windows_blocks for call in _calls(block, "_executable")
           if call.args and isinstance(call.args[0], ast.Constant)
           and call.args[0].value == "tvdesk-cli"]
    assert len(cli) == 1, "no _executable('tvdesk-cli', ...) under `if WINDOWS:`"
    assert _keyword(cli[0], "console").value is True
    appended = [n for block in windows_blocks for n in ast.walk(block)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr == "append" and n.func.value.id == "EXECUTABLES"]
    assert appended, "tvdesk-cli is not added to EXECUTABLES"

    # The windowed app stays windowed on Windows.
    app = [call for call in _calls(tree, "_executable")
           if call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value == "tvdesk"]
    assert len(app) == 1
    assert ast.unparse(_keyword(app[0], "console")) == "not (WINDOWS or MACOS)"

    # Both executables go in the same folder: one COLLECT over EXECUTABLES.
    (collect,) = _calls(tree, "COLLECT")
    assert any(isinstance(arg, ast.Starred) and arg.value.id == "EXECUTABLES" for arg in collect.args)
    assert _keyword(collect, "name").value == "tvdesk"


def test_the_installer_installs_tvdesk_cli_and_puts_it_on_the_path():
    text = ISS.read_text(encoding="utf-8")
    assert '#define CliExe "tvdesk-cli.exe"' in text
    # Compiling fails when the build did not make it...
    assert re.search(r'^#if !FileExists\(.*"\.\./\.\./dist/tvdesk/" \+ CliExe\)\n\s*#error ',
                     text, re.MULTILINE)
    # ...and the whole folder, tvdesk-cli.exe included, goes to {app}.
    files = text.split("[Files]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^Source: "dist\\tvdesk\\\*"; DestDir: "\{app\}"; .*recursesubdirs',
                     files, re.MULTILINE)
    # {app} on the user's PATH, as a task, added once, removed at uninstall.
    assert re.search(r'^Name: "addtopath"', text, re.MULTILINE)
    assert re.search(r"^ChangesEnvironment=yes$", text, re.MULTILINE)
    (path_line,) = [line for line in text.splitlines()
                    if line.startswith("Root: HKCU") and '"Environment"' in line]
    assert 'ValueName: "Path"' in path_line and 'ValueData: "{olddata};{app}"' in path_line
    assert "Check: NeedsAddPath(ExpandConstant('{app}'))" in path_line
    assert "Tasks: addtopath" in path_line
    code = text.split("[Code]", 1)[1]
    assert "function NeedsAddPath(" in code
    assert "procedure CurUninstallStepChanged(" in code and "usPostUninstall" in code
    assert "RegWriteExpandStringValue(HKEY_CURRENT_USER, 'Environment', 'Path'" in code
