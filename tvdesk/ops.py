"""Run blocking work (API calls) off the GUI thread; results come back as signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from tvdesk.core.errors import TvdeskError

log = logging.getLogger("tvdesk.background")


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
