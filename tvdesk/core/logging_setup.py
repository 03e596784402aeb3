"""One rotating log file in the user's log dir; `--debug` adds the console.

The desktop app starts with a plain file handler on that file and makes it rotating once
its tray is up (`rotate_from_now`): importing logging.handlers costs start-up ~7 ms.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tvdesk.core.redact import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3


def configure_logging(log_file: Path | None, debug: bool = False, rotate: bool = True) -> None:
    """`rotate=False`: a plain file handler, for `rotate_from_now` to replace soon."""
    root = logging.getLogger("tvdesk")
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    urllib3_logger = logging.getLogger("urllib3")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        urllib3_logger.removeHandler(handler)
        handler.close()
    redactor = RedactingFilter()
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            file_handler = _rotating_handler(log_file) if rotate \
                else logging.FileHandler(log_file, encoding="utf-8")
        except OSError:
            file_handler = None  # an unwritable log dir must not stop the app
        if file_handler is not None:
            file_handler.setFormatter(logging.Formatter(FORMAT))
            file_handler.addFilter(redactor)
            root.addHandler(file_handler)
    if debug:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(FORMAT))
        console.addFilter(redactor)
        root.addHandler(console)
    root.propagate = False
    # urllib3 logs full request lines (with query strings) at debug level.
    urllib3_logger.setLevel(logging.WARNING)
    for handler in root.handlers:
        urllib3_logger.addHandler(handler)


def _rotating_handler(log_file: Path) -> logging.Handler:
    import logging.handlers

    return logging.handlers.RotatingFileHandler(log_file, maxBytes=MAX_BYTES,
                                                backupCount=BACKUP_COUNT, encoding="utf-8")


def rotate_from_now() -> None:
    """Replace the plain file handler of `configure_logging(rotate=False)` by a rotating
    one on the same file. The new one is in place before the old one goes, so a record
    another thread logs meanwhile is written (at worst twice), never lost."""
    root = logging.getLogger("tvdesk")
    urllib3_logger = logging.getLogger("urllib3")
    for plain in [h for h in root.handlers if type(h) is logging.FileHandler]:
        try:
            rotating = _rotating_handler(Path(plain.baseFilename))
        except OSError:
            continue   # the file stays, unrotated, rather than no log at all
        rotating.setFormatter(plain.formatter)
        for log_filter in plain.filters:
            rotating.addFilter(log_filter)
        for logger in (root, urllib3_logger):
            logger.addHandler(rotating)
            logger.removeHandler(plain)
        plain.close()
