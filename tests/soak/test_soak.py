"""Soak: many dial -> window -> call ends -> window closed cycles in the composed app.

The whole composed desktop app runs in process against a sandbox that answers and hangs up at
once. Every cycle opens a real PhoneWindow (Qt WebEngine page, renderer process) that
closes itself at the end of the call (`fechar_fim`). Memory (PSS) of this process and
of its QtWebEngineProcess descendants is read from /proc at the start, after the
warm-up cycles and at the end; it must not keep growing, and the renderers must go
away with their windows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import time
from pathlib import Path

import pytest
from support.desktop import compose, dial

from tvdesk.core.account import Account
from tvdesk.core.dialing import DialRequest
from tvdesk.core.paths import resolve_paths
from tvdesk.core.settings import SettingsStore
from tvdesk.core.token_store import TokenStore

# Measured here (2 CPUs, offscreen): about 0.2-0.3 s per cycle, so 200 cycles fit well
# inside the ~90 s budget.
SOAK_CYCLES = 200
WARM_UP_CYCLES = 20
MAX_GROWTH = 0.50           # PSS after the soak vs after the warm-up: below +50%
CYCLE_TIMEOUT_MS = 15000


# --- /proc readings (Linux) ---------------------------------------------------------

def _pss_kb(pid: int | str) -> int:
    """Proportional set size of one process, in kB (0 when it is gone or unreadable)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _descendants(root: int) -> dict[int, str]:
    """pid -> command line of every process below `root`, following the ppid chain."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces or parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                except OSError:
                    continue
                found[pid] = cmdline.decode(errors="replace")
                frontier.append(pid)
    return found


def _memory_snapshot() -> dict[str, int]:
    children = {pid: cmd for pid, cmd in _descendants(os.getpid()).items()
                if "QtWebEngineProcess" in cmd}
    renderers = [pid for pid, cmd in children.items() if "--type=renderer" in cmd]
    children_pss = sum(_pss_kb(pid) for pid in children)
    own = _pss_kb("self")
    return {"self_kb": own, "children_kb": children_pss, "total_kb": own + children_pss,
            "engine_processes": len(children), "renderers": len(renderers)}


def _settled_snapshot(qtbot) -> dict[str, int]:
    """A reading with less noise: deferred deletes done, garbage collected, free heap
    returned to the system (glibc), renderers of closed windows given time to exit."""
    qtbot.wait(500)
    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        try:
            ctypes.CDLL(libc_name).malloc_trim(0)
        except (OSError, AttributeError):   # not glibc
            pass
    return _memory_snapshot()


def _describe(name: str, snap: dict[str, int]) -> str:
    return (f"{name:>22}: self {snap['self_kb'] / 1024:7.1f} MiB, "
            f"QtWebEngineProcess x{snap['engine_processes']} "
            f"({snap['renderers']} renderers) {snap['children_kb'] / 1024:7.1f} MiB, "
            f"total {snap['total_kb'] / 1024:7.1f} MiB")


# --- the composed app ----------------------------------------------------------------

class _ExitRecorder:
    def __init__(self):
        self.codes = []

    def __call__(self, code):
        self.codes.append(code)


@pytest.fixture
def soak_app(qapp, qtbot, tmp_path, make_sandbox):
    sandbox = make_sandbox(answer_after=0.05, hangup_after=0.05)
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    paths.settings_file.write_text(json.dumps({
        "version": 1,
        "extensions": [{"ramal": "4000", "label": "Soak", "tipo": "floating"}],
        "default_ramal": "4000",
        "fechar_fim": True,
        "warm_engine": False,   # no spare page: every renderer belongs to a call window
    }))
    account = Account(api_base=sandbox.base_url, token=sandbox.token, demo=False,
                      settings_store=SettingsStore(paths.settings_file))
    app = compose(qapp, qtbot, paths, account, TokenStore(environ={}), use_tray=True)
    yield app
    app.shutdown.quit()


def _one_cycle(app, qtbot, index: int) -> None:
    label = app.main_window.status_label
    with qtbot.waitSignal(app.dialer.window_opened, timeout=CYCLE_TIMEOUT_MS):
        outcomes = dial(app, DialRequest(ramal="4000", number="4001"))
        assert not outcomes or outcomes[0].started, \
            f"cycle {index}: {label.text()}"
    # The app answers while the call runs: the status label says what is going on.
    assert "4000" in label.text(), f"cycle {index}: {label.text()!r}"
    with qtbot.waitSignal(app.dialer.window_closed, timeout=CYCLE_TIMEOUT_MS) as closed:
        pass
    assert closed.args == ["4000"]
    assert label.text() == "The webphone of extension 4000 was closed.", f"cycle {index}"


def test_soak_200_dial_and_close_cycles(soak_app, qtbot, capsys):
    app = soak_app
    assert app.state.settings.fechar_fim and app.state.settings.find_extension("4000") is not None
    start = _memory_snapshot()
    started = time.monotonic()

    for index in range(WARM_UP_CYCLES):
        _one_cycle(app, qtbot, index)
    warm = _settled_snapshot(qtbot)
    warm_time = time.monotonic() - started

    for index in range(WARM_UP_CYCLES, SOAK_CYCLES):
        _one_cycle(app, qtbot, index)
    elapsed = time.monotonic() - started

    assert app.dialer.windows == {}
    # Renderers of closed windows exit a little after their page is deleted.
    qtbot.waitUntil(lambda: _memory_snapshot()["renderers"] <= warm["renderers"], timeout=10000)
    end = _settled_snapshot(qtbot)

    # Still responsive: a refused dial is reported at once, a good one still works.
    assert not dial(app, DialRequest(ramal="4000", number="12"))[0].started
    assert "too short" in app.main_window.status_label.text()
    _one_cycle(app, qtbot, SOAK_CYCLES)
    assert app.dialer.windows == {}

    growth = (end["total_kb"] - warm["total_kb"]) / warm["total_kb"]
    with capsys.disabled():
        print()
        print(f"soak: {SOAK_CYCLES} cycles in {elapsed:.1f} s "
              f"({elapsed / SOAK_CYCLES * 1000:.0f} ms per cycle; warm-up "
              f"{warm_time / WARM_UP_CYCLES * 1000:.0f} ms per cycle)")
        print(_describe("start", start))
        print(_describe(f"after {WARM_UP_CYCLES} cycles", warm))
        print(_describe(f"after {SOAK_CYCLES} cycles", end))
        print(f"{'growth':>22}: {growth * 100:+.1f}% total "
              f"(self {(end['self_kb'] - warm['self_kb']) / 1024:+.1f} MiB, "
              f"children {(end['children_kb'] - warm['children_kb']) / 1024:+.1f} MiB)")
    assert growth < MAX_GROWTH, (start, warm, end)
    assert end["renderers"] <= warm["renderers"], (warm, end)


def test_refreshing_the_tray_menu_does_not_pile_up_submenus(soak_app, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMenu

    app = soak_app
    for _ in range(50):
        app.presenter.refresh()          # what every call added to the history does
    qtbot.wait(50)             # deferred deletes, if any
    submenus = app.tray.menu.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly)
    assert len(submenus) <= 2, f"{len(submenus)} submenus under the tray menu"
