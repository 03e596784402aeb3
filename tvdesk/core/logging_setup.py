"""One rotating log file in the user's log dir; `--debug` adds the console."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from tvdesk.core.redact import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_file: Path | None, debug: bool = False) -> None:
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
            file_handler = logging.handlers.RotatingFileHandler(
                log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
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
