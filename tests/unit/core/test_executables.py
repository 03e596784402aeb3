"""What the console twin (tvdesk-cli.exe) starts and registers: the windowed tvdesk.exe."""

from tvdesk.core.executables import gui_executable
from tvdesk.integration.common import launcher_command


def test_the_console_twin_starts_the_windowed_program():
    assert gui_executable(r"C:\Program Files\tvdesk\tvdesk-cli.exe").endswith("tvdesk.exe")
    assert gui_executable("/opt/tvdesk/tvdesk-cli") == "/opt/tvdesk/tvdesk"
    assert gui_executable("/opt/tvdesk/TVDESK-CLI.EXE") == "/opt/tvdesk/tvdesk.EXE"


def test_the_windowed_program_and_python_stay_themselves():
    assert gui_executable("/opt/tvdesk/tvdesk") == "/opt/tvdesk/tvdesk"
    assert gui_executable("/usr/bin/python3") == "/usr/bin/python3"


def test_links_registered_from_the_console_twin_open_the_windowed_app(tmp_path):
    twin = tmp_path / "tvdesk-cli.exe"
    command = launcher_command(platform="win32", executable=str(twin), frozen=True)
    assert command == [str(tmp_path.absolute() / "tvdesk.exe")]
