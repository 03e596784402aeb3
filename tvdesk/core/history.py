"""Recent calls: newest first, one entry per number, kept in a small JSON file.

The file (`history.json` in the data dir) is `{"version": 1, "calls": [...]}`, newest
first. It is written atomically after every change, like the settings; a damaged file
is set aside and its `.bak` used when that one is good. Inside a good file, an entry
this version does not understand (a bad field, a kind from a newer tvdesk) is skipped
on its own rather than costing the whole list.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tvdesk.core.atomic_file import backup_path, load_json, write_text_atomic
from tvdesk.core.settings import OPTION

log = logging.getLogger("tvdesk.history")

HISTORY_FILE_NAME = "history.json"
DEMO_HISTORY_FILE_NAME = "history-demo.json"   # the sandbox's calls never mix with real ones
HISTORY_VERSION = 1
CALL_KINDS = ("outgoing", "missed", "incoming")
# The limits are the `history_limit` setting's, written once in the settings schema.
_LIMIT = OPTION["history_limit"]
assert _LIMIT.bounds is not None
LIMIT_RANGE: tuple[int, int] = _LIMIT.bounds
DEFAULT_LIMIT: int = _LIMIT.default


@dataclass(frozen=True)
class CallRecord:
    number: str      # what went to the API: E.164 or a 3-4 digit extension
    display: str     # as shown to people, e.g. "(48) 3283-0151"
    ramal: str       # the extension it was made from
    when: float      # epoch seconds
    kind: str = "outgoing"   # one of CALL_KINDS

    def to_json(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies, and that alone made 200 saves slow
        return {"number": self.number, "display": self.display, "ramal": self.ramal,
                "when": self.when, "kind": self.kind}

    @classmethod
    def from_json(cls, raw: Any) -> CallRecord:
        """Build a record from one parsed entry; raises ValueError when it does not fit."""
        if not isinstance(raw, dict):
            raise ValueError("a call entry is not an object")
        number, display, ramal = (raw.get(key) for key in ("number", "display", "ramal"))
        if not (isinstance(number, str) and number.strip()):
            raise ValueError("a call entry has no number")
        if not isinstance(display, str) or not isinstance(ramal, str):
            raise ValueError("a call entry's display and ramal must be text")
        when = raw.get("when")
        if not isinstance(when, (int, float)) or isinstance(when, bool) or not math.isfinite(when):
            raise ValueError("a call entry has no time")
        kind = raw.get("kind", "outgoing")
        if kind not in CALL_KINDS:
            raise ValueError(f"unknown call kind {kind!r}")
        return cls(number=number, display=display or number, ramal=ramal, when=float(when),
                   kind=kind)


def _check_limit(limit: int) -> int:
    low, high = LIMIT_RANGE
    if not isinstance(limit, int) or isinstance(limit, bool) or not low <= limit <= high:
        raise ValueError(f"the history limit must be a whole number from {low} to {high}")
    return limit


def _parse_file(raw: Any) -> list[CallRecord]:
    if not isinstance(raw, dict):
        raise ValueError("history file is not a JSON object")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= HISTORY_VERSION:
        raise ValueError(f"unsupported history version {version!r}")
    calls = raw.get("calls")
    if not isinstance(calls, list):
        raise ValueError("history file has no list of calls")
    records = []
    for item in calls:
        try:
            records.append(CallRecord.from_json(item))
        except ValueError as error:
            log.info("skipping a history entry: %s", error)
    return records


class CallHistory:
    """The recent-calls list. Reads the file on first use; every change is saved at once."""

    def __init__(self, path: Path, limit: int = DEFAULT_LIMIT) -> None:
        self.path = path
        self.limit = _check_limit(limit)
        self.load_problem: str | None = None     # "corrupt" or "unreadable" after load()
        self.set_aside_path: Path | None = None
        self._records: list[CallRecord] = []     # newest first, unique numbers, <= limit
        self._loaded = False

    def load(self) -> list[CallRecord]:
        """(Re)read the file; never raises for bad content. Newest first."""
        loaded = load_json(self.path, _parse_file)
        self.load_problem = loaded.problem
        self.set_aside_path = loaded.set_aside_path
        self._records = []
        for record in loaded.value or []:  # the file is newest first: keep each number's first
            if all(kept.number != record.number for kept in self._records):
                self._records.append(record)
        del self._records[self.limit:]
        self._loaded = True
        return list(self._records)

    def entries(self) -> list[CallRecord]:
        """Newest first, at most `limit`, one per number."""
        self._ensure_loaded()
        return list(self._records)

    def last(self) -> CallRecord | None:
        self._ensure_loaded()
        return self._records[0] if self._records else None

    def add(self, record: CallRecord) -> None:
        """Put `record` on top (replacing an older call to the same number) and save.

        An OSError from saving propagates for the caller to tell the person; the list in
        memory is updated all the same.
        """
        self._ensure_loaded()
        self._records = [record] + [r for r in self._records if r.number != record.number]
        del self._records[self.limit:]
        self._save()

    def clear(self) -> None:
        """Forget every call, on disk too: the backup copy goes as well."""
        self._records = []
        self._loaded = True
        self._save(keep_backup=False)
        backup_path(self.path).unlink(missing_ok=True)

    def set_limit(self, limit: int) -> None:
        """Change how many calls are kept (ValueError outside LIMIT_RANGE).

        When that drops calls, the file is saved at once, best effort: a failure is only
        logged, because the next `add` or `clear` saves the shorter list anyway.
        """
        self._ensure_loaded()
        self.limit = _check_limit(limit)
        if len(self._records) > limit:
            del self._records[limit:]
            try:
                self._save()
            except OSError as error:
                log.warning("could not save the shorter call history: %s", error.strerror)

    def _ensure_loaded(self) -> None:
        # Saving before loading would replace the file with a list of one.
        if not self._loaded:
            self.load()

    def _save(self, keep_backup: bool = True) -> None:
        # No indent: json.dumps(indent=...) uses the slow pure-Python encoder, and with a
        # save after every call that added up.
        data = {"version": HISTORY_VERSION, "calls": [r.to_json() for r in self._records]}
        text = json.dumps(data, ensure_ascii=False)
        write_text_atomic(self.path, text, keep_backup=keep_backup)
