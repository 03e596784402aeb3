"""Who is "the" running tvdesk: the holder of a lock file in the config dir.

Apart from tvdesk.single_instance (the socket later starts talk to) so that start-up can
take the lock before it loads Qt's network module.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

LOCK_FILE_NAME = "instance.lock"


class InstanceLock:
    """Held for the whole life of the running instance."""

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(config_dir / LOCK_FILE_NAME))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, never by age

    def acquire(self) -> bool:
        return self._lock.tryLock(0)

    def release(self) -> None:
        self._lock.unlock()
