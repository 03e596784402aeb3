"""Settings: a versioned schema with defaults, atomic writes, and corrupt-file recovery.

The file is JSON in the config dir. A file that cannot be read or does not fit the
schema is kept aside (`settings.json.corrupt-<time>`), defaults are used, and
`SettingsStore.load_problem` tells the UI what happened so it can tell the person.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("tvdesk.settings")

SCHEMA_VERSION = 1
DOCUMENTED_API_BASE = "https://api.totalvoice.com.br"
CURRENT_API_BASE = "https://voice-api.zenvia.com"
KNOWN_API_BASES = (DOCUMENTED_API_BASE, CURRENT_API_BASE)
WEBPHONE_TYPES = ("floating", "embedded", "hidden")
_RAMAL = re.compile(r"[0-9]{3,4}")


def is_valid_ramal(value: str) -> bool:
    return isinstance(value, str) and _RAMAL.fullmatch(value) is not None


@dataclass
class Extension:
    ramal: str
    label: str = ""
    id_ramal: int | None = None

    def display_name(self) -> str:
        return f"{self.ramal} · {self.label}" if self.label else self.ramal


@dataclass
class Settings:
    api_base: str = DOCUMENTED_API_BASE
    extensions: list[Extension] = field(default_factory=list)
    default_ramal: str = ""
    tipo: str = "floating"
    fechar_fim: bool = True
    phone_window_geometry: str = ""   # base64 of QWidget.saveGeometry()
    main_window_geometry: str = ""
    version: int = SCHEMA_VERSION

    def default_extension(self) -> Extension | None:
        for extension in self.extensions:
            if extension.ramal == self.default_ramal:
                return extension
        return self.extensions[0] if self.extensions else None

    def find_extension(self, ramal: str) -> Extension | None:
        return next((e for e in self.extensions if e.ramal == ramal), None)

    def merge_extensions(self, found: list[Extension]) -> int:
        """Add extensions imported from the account; keep labels the person typed."""
        added = 0
        for extension in found:
            mine = self.find_extension(extension.ramal)
            if mine is None:
                self.extensions.append(extension)
                added += 1
            else:
                mine.id_ramal = extension.id_ramal
                mine.label = mine.label or extension.label
        if not self.default_ramal and self.extensions:
            self.default_ramal = self.extensions[0].ramal
        return added

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Any) -> Settings:
        """Build settings from parsed JSON; raises ValueError when it does not fit."""
        if not isinstance(raw, dict):
            raise ValueError("settings file is not a JSON object")
        version = raw.get("version", SCHEMA_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version > SCHEMA_VERSION:
            raise ValueError(f"unsupported settings version {version!r}")
        defaults = cls()
        extensions = []
        for item in raw.get("extensions", []):
            if not isinstance(item, dict) or not is_valid_ramal(str(item.get("ramal", ""))):
                raise ValueError("bad extension entry")
            id_ramal = item.get("id_ramal")
            extensions.append(Extension(
                ramal=str(item["ramal"]),
                label=_typed(item, "label", str, ""),
                id_ramal=id_ramal if isinstance(id_ramal, int) and not isinstance(id_ramal, bool)
                else None,
            ))
        tipo = _typed(raw, "tipo", str, defaults.tipo)
        if tipo not in WEBPHONE_TYPES:
            raise ValueError(f"unknown tipo {tipo!r}")
        return cls(
            api_base=_typed(raw, "api_base", str, defaults.api_base) or defaults.api_base,
            extensions=extensions,
            default_ramal=_typed(raw, "default_ramal", str, ""),
            tipo=tipo,
            fechar_fim=_typed(raw, "fechar_fim", bool, defaults.fechar_fim),
            phone_window_geometry=_typed(raw, "phone_window_geometry", str, ""),
            main_window_geometry=_typed(raw, "main_window_geometry", str, ""),
        )


def _typed(raw: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind):
        raise ValueError(f"{key} must be {kind.__name__}")
    return value


class SettingsStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.load_problem: str | None = None   # set when a bad file was set aside
        self.set_aside_path: Path | None = None

    def load(self) -> Settings:
        self.load_problem = None
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        except OSError as error:
            log.warning("cannot read settings: %s", error.strerror)
            self.load_problem = "unreadable"
            return Settings()
        try:
            return Settings.from_json(json.loads(data.decode("utf-8")))
        except (ValueError, TypeError) as error:  # UnicodeDecodeError is a ValueError
            log.warning("settings file is invalid (%s); starting from defaults", error)
            self._set_aside()
            self.load_problem = "corrupt"
            return Settings()

    def save(self, settings: Settings) -> None:
        """Write atomically: a crash or full disk mid-save leaves the old file intact."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(settings.to_json(), indent=2, ensure_ascii=False)
        fd, tmp_name = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def _set_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():  # never overwrite an earlier bad copy
            counter += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        try:
            os.replace(self.path, target)
            self.set_aside_path = target
        except OSError:
            self.set_aside_path = None
