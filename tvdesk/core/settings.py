"""Settings: a versioned schema with defaults, atomic writes, and corrupt-file recovery.

The file is JSON in the config dir. A file that cannot be read or does not fit the
schema is kept aside (`settings.json.corrupt-<time>`); the previous good copy
(`settings.json.bak`) is used when there is one, defaults otherwise, and
`SettingsStore.load_problem` tells the UI what happened so it can tell the person.

Every key added after the first release is optional with a default, so older files
load unchanged and the schema version stays 1.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tvdesk.core.lazy_import import lazy_import

phonenumbers = lazy_import("phonenumbers")   # loaded when a number is first read

from tvdesk.core.atomic_file import load_json, write_text_atomic

log = logging.getLogger("tvdesk.settings")

SCHEMA_VERSION = 1
DOCUMENTED_API_BASE = "https://api.totalvoice.com.br"
CURRENT_API_BASE = "https://voice-api.zenvia.com"
KNOWN_API_BASES = (DOCUMENTED_API_BASE, CURRENT_API_BASE)
WEBPHONE_TYPES = ("floating", "embedded", "hidden")
_RAMAL = re.compile(r"[0-9]{3,4}")
_REGION = re.compile(r"[A-Z]{2}")
DEFAULT_REGION = "BR"
DEFAULT_HOTKEY = "Ctrl+Alt+D"
HISTORY_LIMIT_RANGE = (1, 500)
FAVOURITE_NAME_MAX = 80
FAVOURITE_NUMBER_MAX = 64
HOTKEY_MAX = 64


def is_valid_ramal(value: str) -> bool:
    return isinstance(value, str) and _RAMAL.fullmatch(value) is not None


@dataclass
class Extension:
    ramal: str
    label: str = ""
    id_ramal: int | None = None
    tipo: str = "floating"   # how this extension's webphone runs: floating, embedded or hidden

    def display_name(self) -> str:
        return f"{self.ramal} · {self.label}" if self.label else self.ramal


def is_valid_region(value: str) -> bool:
    """A region `phonenumbers` knows, as two capital letters (BR, PT, US...)."""
    return (isinstance(value, str) and _REGION.fullmatch(value) is not None
            and value in phonenumbers.SUPPORTED_REGIONS)


@dataclass(frozen=True)
class Favourite:
    """A number the person keeps at hand, as they typed it; it is normalised when dialled.

    Construction checks the limits (ValueError), so an invalid favourite never reaches
    the settings file.
    """

    name: str
    number: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not isinstance(self.number, str):
            raise ValueError("a favourite's name and number must be text")
        if not self.name.strip():
            raise ValueError("a favourite needs a name")
        if len(self.name) > FAVOURITE_NAME_MAX:
            raise ValueError(f"a favourite's name has at most {FAVOURITE_NAME_MAX} characters")
        if not self.number.strip():
            raise ValueError("a favourite needs a number")
        if len(self.number) > FAVOURITE_NUMBER_MAX:
            raise ValueError(f"a favourite's number has at most {FAVOURITE_NUMBER_MAX} characters")
        if not (self.name.isprintable() and self.number.isprintable()):
            raise ValueError("a favourite's name and number must be on one line")


@dataclass
class Settings:
    api_base: str = DOCUMENTED_API_BASE
    extensions: list[Extension] = field(default_factory=list)
    default_ramal: str = ""
    tipo: str = "floating"
    fechar_fim: bool = True
    phone_window_geometry: str = ""   # base64 of QWidget.saveGeometry()
    main_window_geometry: str = ""
    region: str = DEFAULT_REGION          # for numbers typed without a country code
    favourites: list[Favourite] = field(default_factory=list)
    confirm_external_dials: bool = True   # ask before dialling a link, the clipboard or the CLI
    history_limit: int = 50
    hotkey_enabled: bool = False
    hotkey: str = DEFAULT_HOTKEY          # a QKeySequence text; checked by the UI, not here
    language: str = "auto"                # auto (system locale), pt_BR or en; TVDESK_LANG wins
    warm_engine: bool = True              # start the web engine just after the tray is up
    do_not_disturb: bool = False
    dnd_action: str = "decline"           # incoming calls under Do Not Disturb: decline or ignore
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

    def favourite_name_for(self, api_value: str,
                           normalize: Callable[[str], str | None]) -> str | None:
        """The name of the first favourite that dials `api_value`, if any.

        `normalize` turns a favourite's number into what goes to the API (None, or a
        ValueError, for one that does not normalise: such a favourite never matches).
        """
        for favourite in self.favourites:
            try:
                if normalize(favourite.number) == api_value:
                    return favourite.name
            except ValueError:
                continue
        return None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self) -> None:
        """Raise ValueError when these settings would not load back (see `from_json`)."""
        Settings.from_json(json.loads(json.dumps(self.to_json(), default=str)))

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
            extension_tipo = _typed(item, "tipo", str, "floating")
            if extension_tipo not in WEBPHONE_TYPES:
                raise ValueError(f"unknown tipo {extension_tipo!r} for an extension")
            extensions.append(Extension(
                ramal=str(item["ramal"]),
                label=_typed(item, "label", str, ""),
                id_ramal=id_ramal if isinstance(id_ramal, int) and not isinstance(id_ramal, bool)
                else None,
                tipo=extension_tipo,
            ))
        tipo = _typed(raw, "tipo", str, defaults.tipo)
        if tipo not in WEBPHONE_TYPES:
            raise ValueError(f"unknown tipo {tipo!r}")
        region = _typed(raw, "region", str, defaults.region)
        if not is_valid_region(region):
            raise ValueError(f"unknown region {region!r}")
        history_limit = _typed(raw, "history_limit", int, defaults.history_limit)
        low, high = HISTORY_LIMIT_RANGE
        if isinstance(history_limit, bool) or not low <= history_limit <= high:
            raise ValueError(f"history_limit must be a whole number from {low} to {high}")
        hotkey = _typed(raw, "hotkey", str, defaults.hotkey) or defaults.hotkey
        if len(hotkey) > HOTKEY_MAX or not hotkey.isprintable():
            raise ValueError("hotkey is not a key combination")
        return cls(
            api_base=_typed(raw, "api_base", str, defaults.api_base) or defaults.api_base,
            extensions=extensions,
            default_ramal=_typed(raw, "default_ramal", str, ""),
            tipo=tipo,
            fechar_fim=_typed(raw, "fechar_fim", bool, defaults.fechar_fim),
            phone_window_geometry=_typed(raw, "phone_window_geometry", str, ""),
            main_window_geometry=_typed(raw, "main_window_geometry", str, ""),
            region=region,
            favourites=_favourites(raw),
            confirm_external_dials=_typed(raw, "confirm_external_dials", bool,
                                          defaults.confirm_external_dials),
            history_limit=history_limit,
            hotkey_enabled=_typed(raw, "hotkey_enabled", bool, defaults.hotkey_enabled),
            do_not_disturb=_typed(raw, "do_not_disturb", bool, defaults.do_not_disturb),
            language=_choice(raw, "language", LANGUAGES, "auto"),
            warm_engine=_typed(raw, "warm_engine", bool, defaults.warm_engine),
            dnd_action=_dnd_action(raw),
            hotkey=hotkey,
        )


def _favourites(raw: dict[str, Any]) -> list[Favourite]:
    items = _typed(raw, "favourites", list, [])
    favourites = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("bad favourite entry")
        favourites.append(Favourite(name=item.get("name"), number=item.get("number")))
    return favourites


DND_ACTIONS = ("decline", "ignore")
LANGUAGES = ("auto", "pt_BR", "en")


def _choice(raw: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = _typed(raw, key, str, default)
    if value not in choices:
        raise ValueError(f"unknown {key} {value!r}")
    return value


def _dnd_action(raw: dict[str, Any]) -> str:
    value = _typed(raw, "dnd_action", str, "decline")
    if value not in DND_ACTIONS:
        raise ValueError(f"unknown dnd_action {value!r}")
    return value


def _typed(raw: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind):
        raise ValueError(f"{key} must be {kind.__name__}")
    return value


class SettingsStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.load_problem: str | None = None    # "corrupt" or "unreadable" after load()
        self.set_aside_path: Path | None = None  # where a damaged file went
        self.restored_from_backup = False        # the damaged file was replaced by the .bak

    def load(self) -> Settings:
        loaded = load_json(self.path, Settings.from_json)
        self.load_problem = loaded.problem
        self.restored_from_backup = loaded.from_backup
        if loaded.problem is not None:
            self.set_aside_path = loaded.set_aside_path
        if loaded.problem == "corrupt" and not loaded.from_backup:
            log.warning("settings file is invalid; starting from defaults")
        return loaded.value if loaded.value is not None else Settings()

    def save(self, settings: Settings) -> None:
        """Write atomically, keeping the previous file as `settings.json.bak`.

        A crash or full disk mid-save leaves the old file intact (OSError propagates).
        Settings that would not load back raise ValueError and are not written.
        """
        settings.validate()
        data = json.dumps(settings.to_json(), indent=2, ensure_ascii=False)
        write_text_atomic(self.path, data)
