"""Guards against a PySide6 bug that crashes tvdesk after a while.

PySide6 6.12.0's Signal.emit() returns True without taking a reference; on CPython
before 3.12 (where True is not immortal) the count falls to zero after enough
emits and the interpreter aborts with "bool_dealloc". pyproject excludes 6.12.0;
this test fails if an installed PySide6 has that bug.
"""

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    happened = Signal(str, bool)


def test_emit_does_not_drop_references_to_true(qapp):
    emitter = Emitter()
    received = []
    emitter.happened.connect(lambda text, flag: received.append(flag))
    before = sys.getrefcount(True)
    for _ in range(100):
        emitter.happened.emit("x", False)
    assert len(received) == 100
    assert sys.getrefcount(True) - before >= -5
