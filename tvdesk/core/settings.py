"""Settings: one declarative schema, atomic writes, and corrupt-file recovery.

`OPTIONS` is the one table of every setting: its key, type, default, bounds or
choices, the label the Settings dialog shows and the line the README documents.
Loading, validation, the dialog's limits and the README's settings table
(`python -m tvdesk.core.settings --markdown`, checked by a test) all read it, so a
limit is written once.

The file is JSON in the config dir. A file that cannot be read or does not fit the
schema is kept aside (`settings.json.corrupt-<time>`); the previous good copy
(`settings.json.bak`) is used when there is one, defaults otherwise, and
`SettingsStore.load_problem` tells the UI what happened so it can tell the person.

Every key added after the first release is optional with a default, so older files
load unchanged and the schema version stays 1.
"""

from __future__ import annotations

import enum
import functools
import importlib.machinery
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tvdesk.core.atomic_file import load_json, write_text_atomic
from tvdesk.core.i18n import _
from tvdesk.core.lazy_import import lazy_import

phonenumbers = lazy_import("phonenumbers")   # for the Settings dialog; regions: see below

log = logging.getLogger("tvdesk.settings")

SCHEMA_VERSION = 1
DOCUMENTED_API_BASE = "https://api.totalvoice.com.br"
CURRENT_API_BASE = "https://voice-api.zenvia.com"
KNOWN_API_BASES = (DOCUMENTED_API_BASE, CURRENT_API_BASE)
_RAMAL = re.compile(r"[0-9]{3,4}")
_REGION = re.compile(r"[A-Z]{2}")
_REGION_FILE = re.compile(r"region_([A-Z]{2})\.py")   # phonenumbers/data/region_BR.py
DEFAULT_REGION = "BR"
FAVOURITE_NAME_MAX = 80
FAVOURITE_NUMBER_MAX = 64
HOTKEY_MAX = 64
DEFAULT_HOTKEY = "Ctrl+Alt+D"


class WebphoneType(enum.StrEnum):
    """How an extension's webphone runs in the app (the API's `tipo`)."""

    FLOATING = "floating"   # its own window
    EMBEDDED = "embedded"   # a panel in the main window
    HIDDEN = "hidden"       # a page with no view, driven by tvdesk's call bar

    def label(self) -> str:
        return {WebphoneType.FLOATING: _("window"),
                WebphoneType.EMBEDDED: _("in the main window"),
                WebphoneType.HIDDEN: _("background + call bar")}[self]


WEBPHONE_TYPES = tuple(t.value for t in WebphoneType)


class DndAction(enum.StrEnum):
    DECLINE = "decline"   # incoming calls under Do Not Disturb are declined
    IGNORE = "ignore"     # ...or left to ring out, recorded as missed


LANGUAGES = ("auto", "pt_BR", "en")


def is_valid_ramal(value: object) -> bool:
    return isinstance(value, str) and _RAMAL.fullmatch(value) is not None


def is_valid_region(value: object) -> bool:
    """A region `phonenumbers` knows, as two capital letters (BR, PT, US...)."""
    if not isinstance(value, str) or _REGION.fullmatch(value) is None:
        return False
    known = _region_metadata_files()
    return value in known if known is not None else value in phonenumbers.SUPPORTED_REGIONS


@functools.cache
def _region_metadata_files() -> frozenset[str] | None:
    """The regions `phonenumbers` has metadata for, read from its data folder without
    importing it: settings are loaded before the tray appears, and importing phonenumbers
    costs tens of milliseconds there. None where the package is not plain files (a frozen
    app): then phonenumbers itself is asked."""
    # PathFinder, not importlib.util.find_spec: the latter asks sys.modules first, where
    # the lazily imported module sits, and asking it for its spec would load it.
    spec = importlib.machinery.PathFinder.find_spec("phonenumbers")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        data = Path(folder) / "data"
        try:
            names = os.listdir(data)
        except OSError:
            continue
        found = frozenset(match.group(1) for name in names
                          if (match := _REGION_FILE.fullmatch(name)))
        if found:
            return found
    return None


def _is_hotkey(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= HOTKEY_MAX and value.isprintable()


@dataclass
class Extension:
    ramal: str
    label: str = ""
    id_ramal: int | None = None
    tipo: WebphoneType = WebphoneType.FLOATING

    def __post_init__(self) -> None:
        self.tipo = WebphoneType(self.tipo)   # also when given as its text ("hidden")

    def display_name(self) -> str:
        return f"{self.ramal} · {self.label}" if self.label else self.ramal

    @classmethod
    def from_json(cls, item: object) -> Extension:
        if not isinstance(item, dict) or not is_valid_ramal(str(item.get("ramal", ""))):
            raise ValueError("bad extension entry")
        label = item.get("label", "")
        if not isinstance(label, str):
            raise ValueError("an extension's label must be text")
        id_ramal = item.get("id_ramal")
        return cls(ramal=str(item["ramal"]), label=label,
                   id_ramal=id_ramal if isinstance(id_ramal, int)
                   and not isinstance(id_ramal, bool) else None,
                   tipo=_enum_value(WebphoneType, item.get("tipo", WebphoneType.FLOATING.value),
                                    "an extension's tipo"))


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

    @classmethod
    def from_json(cls, item: object) -> Favourite:
        if not isinstance(item, dict):
            raise ValueError("bad favourite entry")
        return cls(name=item.get("name"), number=item.get("number"))  # type: ignore[arg-type]


def _enum_value(kind: type[enum.StrEnum], value: object, what: str) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"unknown {what} {value!r}") from None


def _list_of(load_item: Callable[[object], Any]) -> Callable[[object], list[Any]]:
    def load(raw: object) -> list[Any]:
        if not isinstance(raw, list):
            raise ValueError("must be a list")
        return [load_item(item) for item in raw]
    return load


# --- the schema ----------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One setting. `load` turns its JSON value into the Python one or raises ValueError."""

    key: str
    kind: type
    default: Any
    doc: str                                    # English, for the README's settings table
    label: Callable[[], str] | None = None      # the Settings dialog's words, translated
    choices: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None
    check: Callable[[object], bool] | None = None
    load: Callable[[object], Any] | None = None
    doc_default: str = ""                       # the default as the README says it

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default

    def parse(self, raw: object) -> Any:
        if self.load is not None:
            return self.load(raw)
        if not isinstance(raw, self.kind) or (isinstance(raw, bool) and self.kind is not bool):
            raise ValueError(f"{self.key} must be {self.kind.__name__}")
        if self.choices and raw not in self.choices:
            raise ValueError(f"unknown {self.key} {raw!r}")
        if self.bounds is not None and not (isinstance(raw, int)
                                            and self.bounds[0] <= raw <= self.bounds[1]):
            low, high = self.bounds
            raise ValueError(f"{self.key} must be a whole number from {low} to {high}")
        if self.check is not None and not self.check(raw):
            raise ValueError(f"{self.key} has an invalid value")
        return raw


OPTIONS: tuple[Option, ...] = (
    Option("api_base", str, DOCUMENTED_API_BASE,
           f"the API's address; also offered: `{CURRENT_API_BASE}` (the current host); "
           "any https URL works", label=lambda: _("API address"),
           doc_default=f"`{DOCUMENTED_API_BASE}` (documented)",
           load=lambda raw: _text_or(raw, "api_base", DOCUMENTED_API_BASE)),
    Option("extensions", list, list,
           "a list of `{ramal, label, id_ramal, tipo}` entries; `tipo` is how that "
           "extension's webphone runs in the app: `floating`, `embedded` or `hidden`",
           load=_list_of(Extension.from_json), doc_default="imported from the account"),
    Option("default_ramal", str, "", "used when a dial names no extension",
           label=lambda: _("Default extension"), doc_default="the first extension"),
    Option("tipo", str, WebphoneType.FLOATING.value,
           "the type `tvdesk url` asks for when `--tipo` is not given",
           label=lambda: _("Webphone type for the command line"),
           load=lambda raw: _enum_value(WebphoneType, raw, "tipo"), choices=WEBPHONE_TYPES),
    Option("fechar_fim", bool, True, "close the webphone window at the end of the call",
           label=lambda: _("Close the phone window when the call ends")),
    Option("phone_window_geometry", str, "", "remembered placement of the webphone window"),
    Option("main_window_geometry", str, "", "remembered placement of the main window"),
    Option("region", str, DEFAULT_REGION,
           "the country whose numbering national numbers follow",
           label=lambda: _("Phone numbers from"), check=is_valid_region),
    Option("favourites", list, list,
           "a list of `{name, number}` entries; the number as typed, read at dial time",
           load=_list_of(Favourite.from_json), doc_default="none"),
    Option("confirm_external_dials", bool, True,
           "ask before calling a number from a link, the hotkey or the command line",
           label=lambda: _("Ask before calling a number from a link, the hotkey or the "
                           "command line")),
    Option("history_limit", int, 50, "recent calls kept", bounds=(1, 500),
           label=lambda: _("Recent calls kept")),
    Option("hotkey_enabled", bool, False, "the global clipboard hotkey is on",
           label=lambda: _("Global hotkey: call the number on the clipboard")),
    Option("hotkey", str, DEFAULT_HOTKEY, "the global hotkey's key combination",
           load=lambda raw: _hotkey(_text_or(raw, "hotkey", DEFAULT_HOTKEY))),
    Option("language", str, "auto",
           "`auto` (the system locale), `pt_BR` or `en`; `TVDESK_LANG` wins; takes effect "
           "at the next start", label=lambda: _("Language"), choices=LANGUAGES),
    Option("warm_engine", bool, True,
           "start the web engine as soon as a call looks likely (the tray menu opens, the "
           "main window is brought up, a number is copied, the hotkey, a link or "
           "`tvdesk dial`), so the call opens faster; never just because tvdesk started",
           label=lambda: _("Start the web engine when a call looks likely, so calls open "
                           "faster (uses more memory)")),
    Option("phone_process", bool, True,
           "webphones run in a separate phone process, started on intent and ended "
           "`phone_process_linger` seconds after the last call, so tvdesk idles small and a "
           "page crash never takes the tray down (a background extension keeps it running; "
           "an embedded one runs in tvdesk's own process); off: everything in one process, "
           "and the web engine's memory stays after the first call"),
    Option("phone_process_linger", int, 30,
           "seconds the phone process stays warm after the last call (or after a sign of "
           "intent that led to no call), so the next call opens fast", bounds=(0, 3600)),
    Option("do_not_disturb", bool, False, "Do Not Disturb for incoming calls"),
    Option("dnd_action", str, DndAction.DECLINE.value,
           "under Do Not Disturb, `decline` incoming calls or let them ring out (`ignore`)",
           label=lambda: _("Incoming calls in Do Not Disturb"),
           choices=tuple(a.value for a in DndAction)),
)
OPTION = {option.key: option for option in OPTIONS}


def _text_or(raw: object, key: str, default: str) -> str:
    """Text, where an empty value means the default."""
    if not isinstance(raw, str):
        raise ValueError(f"{key} must be str")
    return raw or default


def _hotkey(value: str) -> str:
    if not _is_hotkey(value):
        raise ValueError("hotkey is not a key combination")
    return value


def _default(key: str) -> Any:
    option = OPTION[key]
    if callable(option.default):
        return field(default_factory=option.default)
    return option.default


@dataclass
class Settings:
    api_base: str = _default("api_base")
    extensions: list[Extension] = _default("extensions")
    default_ramal: str = _default("default_ramal")
    tipo: WebphoneType = WebphoneType.FLOATING
    fechar_fim: bool = _default("fechar_fim")
    phone_window_geometry: str = _default("phone_window_geometry")   # base64 of saveGeometry()
    main_window_geometry: str = _default("main_window_geometry")
    region: str = _default("region")          # for numbers typed without a country code
    favourites: list[Favourite] = _default("favourites")
    confirm_external_dials: bool = _default("confirm_external_dials")
    history_limit: int = _default("history_limit")
    hotkey_enabled: bool = _default("hotkey_enabled")
    hotkey: str = _default("hotkey")          # a QKeySequence text; checked by the UI too
    language: str = _default("language")
    warm_engine: bool = _default("warm_engine")
    phone_process: bool = _default("phone_process")
    phone_process_linger: int = _default("phone_process_linger")
    do_not_disturb: bool = _default("do_not_disturb")
    dnd_action: DndAction = DndAction.DECLINE
    version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        self.tipo = WebphoneType(self.tipo)   # also when given as text
        self.dnd_action = DndAction(self.dnd_action)

    def default_extension(self) -> Extension | None:
        for extension in self.extensions:
            if extension.ramal == self.default_ramal:
                return extension
        return self.extensions[0] if self.extensions else None

    def find_extension(self, ramal: str) -> Extension | None:
        return next((e for e in self.extensions if e.ramal == ramal), None)

    def type_of(self, ramal: str) -> WebphoneType:
        extension = self.find_extension(ramal)
        return extension.tipo if extension is not None else WebphoneType.FLOATING

    def ramals_of_type(self, tipo: WebphoneType) -> list[str]:
        return [e.ramal for e in self.extensions if e.tipo == tipo]

    def web_pages_in_app_process(self) -> bool:
        """Whether the app's own process shows webphone pages with these settings: an
        embedded extension's panel, or every page when the phone process is off (the
        dialler's rule). Otherwise only the phone process does."""
        return not self.phone_process or bool(self.ramals_of_type(WebphoneType.EMBEDDED))

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
        values = {option.key: option.parse(raw[option.key]) if option.key in raw
                  else option.default_value() for option in OPTIONS}
        values["tipo"] = WebphoneType(values["tipo"])
        values["dnd_action"] = DndAction(values["dnd_action"])
        return cls(**values)


def settings_markdown_table() -> str:
    """The README's settings table, made from the schema."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for option in OPTIONS:
        default = option.doc_default or _markdown_default(option)
        limits = f" ({option.bounds[0]}-{option.bounds[1]})" if option.bounds else ""
        rows.append(f"| `{option.key}` | {default} | {option.doc}{limits} |")
    return "\n".join(rows)


def _markdown_default(option: Option) -> str:
    value = option.default_value()
    if value == "" or value == []:
        return ""
    return f"`{json.dumps(value)}`" if not isinstance(value, str) else f"`{value}`"


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


if __name__ == "__main__" and "--markdown" in sys.argv:
    print(settings_markdown_table())
