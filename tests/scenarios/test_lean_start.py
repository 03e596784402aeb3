"""What a `tvdesk --minimized` start loads, in the real start-up path under a real X
server with a tray: the tray first, from a lean set of modules; the controllers next;
and nothing a minimized start does not use (the main window, dialogs, the call bar,
phonenumbers, the HTTP stack, Qt WebEngine, Qt's namespace enums) until it is used.

Start-up time itself is measured by bench/startup.py, not here; this keeps the reasons
it is short from coming undone one import at a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tvdesk.core.settings import Extension, Favourite, Settings, SettingsStore

# Runs tvdesk's own `main` in a child process and reports what was loaded when the tray
# was shown, when every part was wired, and a moment later.
DRIVER = textwrap.dedent("""
    import json, logging, sys

    snapshots = {}

    def snapshot():
        import PySide6.QtCore as core
        numbers = sys.modules.get("phonenumbers")
        roots = ("tvdesk", "PySide6", "requests", "urllib3", "keyring", "_hashlib", "ssl")
        return {"modules": sorted(name for name in sys.modules
                                  if name.split(".")[0] in roots or name == "logging.handlers"),
                "qt_namespace_enums": "Qt" in core.__dict__,
                "phonenumbers": None if numbers is None else type(numbers).__name__}

    class Watch(logging.Handler):
        def emit(self, record):
            text = record.getMessage()
            if text.startswith("tvdesk tray shown"):
                snapshots["tray"] = snapshot()
            elif text.startswith("tvdesk ready"):
                snapshots["ready"] = snapshot()
                from PySide6.QtCore import QTimer
                from PySide6.QtWidgets import QApplication

                def settled():
                    snapshots["settled"] = snapshot()
                    QApplication.instance().quit()

                QTimer.singleShot(1000, settled)

    logging.getLogger("tvdesk.app").addHandler(Watch())
    from tvdesk.app import main

    code = main(sys.argv[1:])
    print("SNAPSHOTS " + json.dumps(snapshots))
    sys.exit(code)
""")

NEVER_AT_START = ("tvdesk.ui.main_window", "tvdesk.ui.settings_dialog", "tvdesk.ui.toast",
                  "tvdesk.ui.confirm_dial", "tvdesk.ui.call_bar_window",
                  "tvdesk.ui.ringing_window", "tvdesk.ui.about_dialog", "tvdesk.core.api",
                  "tvdesk.core.diagnostics", "PySide6.QtWebEngineCore",
                  "PySide6.QtWebEngineWidgets", "requests", "urllib3", "keyring",
                  "_hashlib", "ssl")   # OpenSSL: start-up time, and memory kept all day
CONTROLLERS = ("tvdesk.phone.dialer", "tvdesk.desktop.quick_dial", "tvdesk.desktop.incoming",
               "tvdesk.desktop.accounts", "tvdesk.desktop.settings_flow",
               "tvdesk.desktop.help", "tvdesk.single_instance", "PySide6.QtNetwork")


def test_a_minimized_start_shows_the_tray_first_and_loads_only_what_it_uses(x_session,
                                                                            sandbox, tmp_path):
    home = tmp_path / "home"
    store = SettingsStore(home / "config" / "settings.json")
    store.save(Settings(api_base=sandbox.base_url, default_ramal="4000",
                        extensions=[Extension(str(4000 + n)) for n in range(5)],
                        favourites=[Favourite(f"Contact {n}", "(48) 3283-0151")
                                    for n in range(20)]))
    env = dict(x_session.env, TVDESK_TOKEN=sandbox.token, TVDESK_LANG="en",
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    env.pop("TVDESK_HOME", None)
    result = subprocess.run([sys.executable, "-c", DRIVER, "--basedir", str(home), "--minimized"],
                            env=env, capture_output=True, text=True, timeout=120,
                            cwd=os.fspath(tmp_path))
    lines = [line for line in result.stdout.splitlines() if line.startswith("SNAPSHOTS ")]
    assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-2000:]
    snapshots = json.loads(lines[-1].removeprefix("SNAPSHOTS "))
    assert set(snapshots) == {"tray", "ready", "settled"}
    tray, ready, settled = snapshots["tray"], snapshots["ready"], snapshots["settled"]
    # The tray is shown before any controller (or Qt's network module) is even imported.
    assert "tvdesk.ui.tray" in tray["modules"]
    assert [name for name in CONTROLLERS if name in tray["modules"]] == []
    assert "logging.handlers" not in tray["modules"]   # the log file rotates from `ready` on
    assert "logging.handlers" in ready["modules"]
    # Then every part is wired...
    assert [name for name in CONTROLLERS if name not in ready["modules"]] == []
    # ...and what a minimized start does not use stays unloaded, a second later too.
    for moment in (tray, ready, settled):
        assert [name for name in NEVER_AT_START if name in moment["modules"]] == []
        assert moment["qt_namespace_enums"] is False   # ~20 ms to create, at first use
        assert moment["phonenumbers"] in (None, "_LazyModule")   # imported, never loaded
