"""Run blocking work (API calls) off the GUI thread; results come back as signals.

`QueryOp` (after Anki's `aqt.operations.QueryOp`) names the work and its two
outcomes; a failure nobody handles is shown to the person by the runner's default
(the composition root sets it to the message bus).

The workers are daemon threads, up to MAX_WORKERS at once: a request stuck on a slow
server (bounded anyway by the API client's deadline) neither keeps later work from
starting nor keeps the process from exiting. `wait` waits only as long as it is told.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal

from tvdesk.core.errors import TvdeskError

log = logging.getLogger("tvdesk.background")

T = TypeVar("T")

# Jobs that run at once; more wait their turn. Each API call ends within its deadline,
# so even a full set of stuck calls frees its workers within seconds.
MAX_WORKERS = 16


@dataclass(frozen=True)
class _Job:
    work: Callable[[], Any]
    on_success: Callable[[Any], None]
    on_failure: Callable[[TvdeskError], None]


class BackgroundRunner(QObject):
    """`run(work, on_success, on_failure)`: callbacks run on the GUI thread."""

    # (callback, value), from a worker to the GUI thread. The runner itself receives it,
    # so results still on their way when the runner goes are dropped with it.
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # What a failure without its own handler does; the composition root points it at
        # the message bus, so an error is never silently dropped.
        self.default_failure: Callable[[TvdeskError], None] = \
            lambda error: log.warning("unhandled background failure: %s", type(error).__name__)
        self._finished.connect(self._deliver)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._waiting: deque[_Job] = deque()
        self._busy = 0   # workers running

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[TvdeskError], None]) -> None:
        job = _Job(work, on_success, on_failure)
        with self._lock:
            if self._busy >= MAX_WORKERS:
                log.info("all %d workers are busy: a job waits its turn", MAX_WORKERS)
                self._waiting.append(job)
                return
            self._busy += 1
        # A daemon thread: the process never waits for it when it exits.
        threading.Thread(target=self._work_from, args=(job,), name="tvdesk-worker",
                         daemon=True).start()

    def wait(self, msecs: int = 5000) -> bool:
        """True when every job is done within `msecs` (negative: as long as it takes)."""
        ends = time.monotonic() + msecs / 1000
        with self._changed:
            while self._busy or self._waiting:
                left = ends - time.monotonic()
                if msecs >= 0 and left <= 0:
                    return False
                self._changed.wait(left if msecs >= 0 else None)
        return True

    # --- on a worker thread --------------------------------------------------------------

    def _work_from(self, job: _Job | None) -> None:
        while job is not None:
            self._do(job)
            with self._lock:
                job = self._waiting.popleft() if self._waiting else None
                if job is None:
                    self._busy -= 1
                self._changed.notify_all()

    def _do(self, job: _Job) -> None:
        outcome: tuple[Callable[[Any], None], Any]
        try:
            outcome = (job.on_success, job.work())
        except TvdeskError as error:
            outcome = (job.on_failure, error)
        except Exception:
            log.exception("background job failed")
            outcome = (job.on_failure, TvdeskError("internal error"))
        try:
            self._finished.emit(outcome)
        except RuntimeError:   # the runner is gone (the app is quitting): nobody to tell
            log.debug("a background result arrived after its runner was gone")

    # --- on the GUI thread ---------------------------------------------------------------

    def _deliver(self, outcome: tuple[Callable[[Any], None], Any]) -> None:
        callback, value = outcome
        callback(value)


@dataclass(frozen=True)
class QueryOp(Generic[T]):
    """Background work with named handlers: `op` runs on a worker thread, then `success`
    with its result, or `failure` (the runner's default when None), on the GUI thread."""

    name: str                                        # for the log
    op: Callable[[], T]
    success: Callable[[T], None]
    failure: Callable[[TvdeskError], None] | None = None

    def run_in(self, runner: BackgroundRunner) -> None:
        log.debug("background work: %s", self.name)
        runner.run(self.op, self.success, self.failure or runner.default_failure)
