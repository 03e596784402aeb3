"""Keep credentials out of logs, errors and reports.

The Access-Token and a webphone URL's `key`, `signature` (and `access_token`)
query values are credentials. `redact()` masks them in any text; `RedactingFilter`
applies it to every log record.
"""

from __future__ import annotations

import logging
import re
import threading

_SECRET_NAMES = r"(?:\w*key|signature|access_token|access-token|\w*token|senha)"
# name=value in URLs and forms
_SECRET_PARAMS = re.compile(r"(?i)\b(" + _SECRET_NAMES + r")=([^&\s\"'#]+)")
# "name": "value" in JSON and reprs, and "Access-Token: value" headers
_SECRET_FIELDS = re.compile(r"(?i)(['\"]?\b" + _SECRET_NAMES + r"['\"]?\s*:\s*['\"]?)([^\s'\",}]+)")
MASK = "***"

_known_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value (e.g. the token) so it is masked wherever it appears."""
    if value and len(value) >= 6:
        with _lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _SECRET_FIELDS.sub(lambda m: f"{m.group(1)}{MASK}", text)
    with _lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            # Render the traceback now, redacted, so a handler cannot print the raw one.
            message = message + "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message)
        record.args = None
        return True
