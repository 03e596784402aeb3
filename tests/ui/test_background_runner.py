"""BackgroundRunner: stuck work neither starves later work nor keeps the process alive."""

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from tvdesk.core.errors import TvdeskError
from tvdesk.ops import MAX_WORKERS, BackgroundRunner, QueryOp


@pytest.fixture
def stuck():
    """An event the stuck jobs wait on; set at the end so no thread outlives the test."""
    release = threading.Event()
    yield release
    release.set()


@pytest.fixture
def runner(qapp, stuck):
    runner = BackgroundRunner()
    yield runner
    stuck.set()
    assert runner.wait(5000)


def test_stuck_jobs_do_not_keep_new_work_from_starting(qtbot, runner, stuck):
    # Five dials hanging on a dripping server, plus the extension import.
    for _ in range(6):
        runner.run(stuck.wait, lambda _: None, lambda _: None)
    results = []
    runner.run(lambda: threading.current_thread(), results.append, lambda _: None)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=3000)
    assert results[0] is not threading.main_thread()


def test_callbacks_run_on_the_gui_thread(qtbot, runner):
    seen = []
    QueryOp("ok", lambda: 1, lambda _: seen.append(threading.current_thread())).run_in(runner)

    def fail() -> None:
        raise TvdeskError("boom")

    QueryOp("fails", fail, lambda _: None,
            lambda _: seen.append(threading.current_thread())).run_in(runner)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert seen == [threading.main_thread()] * 2


def test_beyond_the_bound_jobs_wait_their_turn_and_all_run(qtbot, runner, stuck):
    for _ in range(MAX_WORKERS):
        runner.run(stuck.wait, lambda _: None, lambda _: None)
    later = []
    runner.run(lambda: "later", later.append, lambda _: None)
    qtbot.wait(200)
    assert later == []                      # every worker is busy
    stuck.set()
    qtbot.waitUntil(lambda: later == ["later"], timeout=3000)


def test_wait_gives_up_after_its_bound(runner, stuck):
    runner.run(stuck.wait, lambda _: None, lambda _: None)
    started = time.monotonic()
    assert runner.wait(300) is False
    assert time.monotonic() - started < 1.5
    stuck.set()
    assert runner.wait(3000) is True
    assert BackgroundRunner().wait(0) is True   # nothing to wait for


def test_a_stuck_job_does_not_keep_the_process_from_exiting(tmp_path):
    script = textwrap.dedent("""
        import threading
        from PySide6.QtCore import QCoreApplication, QTimer
        from tvdesk.ops import BackgroundRunner

        app = QCoreApplication([])
        runner = BackgroundRunner()
        runner.run(threading.Event().wait, print, print)   # never ends
        QTimer.singleShot(100, app.quit)
        app.exec()
        print("left the event loop", flush=True)
    """)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=30)
    assert "left the event loop" in result.stdout
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
