"""Signals said before anyone listens, kept and said again once the listeners exist.

The tray appears before the controllers that act on its menu are built (start-up paints
the tray first); a click that lands in between is held here, not lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class SignalHold:
    def __init__(self, source: QObject) -> None:
        self._source = source
        self._held: list[tuple[str, tuple[Any, ...]]] = []
        self._recorders: list[tuple[Any, Callable[..., None]]] = []
        for name, value in vars(type(source)).items():
            if isinstance(value, Signal):
                bound = getattr(source, name)
                recorder = self._recorder(name)
                bound.connect(recorder)
                self._recorders.append((bound, recorder))

    def _recorder(self, name: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            self._held.append((name, args))
        return record

    @property
    def held(self) -> list[str]:
        return [name for name, _args in self._held]

    def release(self) -> None:
        """Stop holding, then say again what was held, in order, to today's listeners."""
        for bound, recorder in self._recorders:
            bound.disconnect(recorder)
        self._recorders.clear()
        held, self._held = self._held, []
        for name, args in held:
            getattr(self._source, name).emit(*args)
