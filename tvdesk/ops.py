"""Run blocking work (API calls) off the GUI thread; results come back as signals.

`QueryOp` (after Anki's `aqt.operations.QueryOp`) names the work and its two
outcomes; a failure nobody handles is shown to the person by the runner's default
(the composition root sets it to the message bus).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from tvdesk.core.errors import TvdeskError

log = logging.getLogger("tvdesk.background")

T = TypeVar("T")


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)   # a TvdeskError


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except TvdeskError as error:
            self._relay.failed.emit(error)
        except Exception:
            log.exception("background job failed")
            self._relay.failed.emit(TvdeskError("internal error"))
        else:
            self._relay.succeeded.emit(result)


class BackgroundRunner(QObject):
    """`run(work, on_success, on_failure)`: callbacks run on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # What a failure without its own handler does; the composition root points it at
        # the message bus, so an error is never silently dropped.
        self.default_failure: Callable[[TvdeskError], None] = \
            lambda error: log.warning("unhandled background failure: %s", type(error).__name__)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._relays: set[_Relay] = set()

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[TvdeskError], None]) -> None:
        relay = _Relay(self)
        self._relays.add(relay)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            callback(value)

        relay.succeeded.connect(lambda value: finish(on_success, value))
        relay.failed.connect(lambda error: finish(on_failure, error))
        self._pool.start(_Job(work, relay))

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)


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
