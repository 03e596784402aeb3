"""tel:/callto: links on Linux and other XDG desktops, per user.

A desktop entry in `$XDG_DATA_HOME/applications` declares the schemes
(`MimeType=x-scheme-handler/tel;...`); the default handler lives in the
`[Default Applications]` group of `$XDG_CONFIG_HOME/mimeapps.list`, set through
`xdg-mime` when it is installed (it knows each desktop's quirks) and edited line by line
otherwise, so comments, other groups and other keys stay exactly as they were.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from tvdesk.core.i18n import _
from tvdesk.integration.common import (
    APP_ID,
    SCHEMES,
    IntegrationReport,
    describe_handler,
    log,
    run_tool,
    write_text_atomic,
)
from tvdesk.resources import icon_path

DESKTOP_FILE_NAME = f"{APP_ID}.desktop"
DEFAULT_GROUP = "Default Applications"
ICON_RELATIVE = Path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")

# Desktop Entry spec, "The Exec key": an argument holding one of these must be quoted.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPED_IN_QUOTES = frozenset('"`$\\')


def mime_type(scheme: str) -> str:
    return f"x-scheme-handler/{scheme}"


def exec_argument(argument: str) -> str:
    """One argument of an Exec key, exactly as it is written in the file.

    Two layers, undone by readers in this order: the string-value escapes of the key
    file (`\\\\`, `\\n`, ...), then the Exec quoting; `%` is doubled so it is not a field code.
    """
    quoted = argument
    if not argument or any(char in _EXEC_RESERVED for char in argument):
        quoted = '"' + "".join("\\" + c if c in _EXEC_ESCAPED_IN_QUOTES else c
                               for c in argument) + '"'
    quoted = quoted.replace("%", "%%")
    return (quoted.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def exec_line(command: list[str]) -> str:
    return " ".join(exec_argument(part) for part in command) + " %u"


def desktop_entry_text(command: list[str]) -> str:
    """The tvdesk desktop entry; `["tvdesk"]` gives the committed packaging/linux file."""
    mime_types = "".join(f"{mime_type(scheme)};" for scheme in SCHEMES)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=tvdesk\n"
        "GenericName=Softphone\n"
        "GenericName[pt_BR]=Softphone\n"
        "Comment=Call from your TotalVoice / Zenvia Voice extensions\n"
        "Comment[pt_BR]=Ligue pelos seus ramais TotalVoice / Zenvia Voice\n"
        f"Exec={exec_line(command)}\n"
        "Icon=tvdesk\n"
        "Terminal=false\n"
        "NoDisplay=false\n"
        "Categories=Network;Telephony;\n"
        f"MimeType={mime_types}\n"
        "StartupWMClass=tvdesk\n"
    )


# --- mimeapps.list, edited line by line ------------------------------------------------------

def _group_header(line: str) -> str | None:
    stripped = line.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        return stripped[1:-1]
    return None


def _key_value(line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    key, sep, value = stripped.partition("=")
    return (key.strip(), value.strip()) if sep else None


def _entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(";") if entry.strip()]


def default_handlers(text: str, mime: str) -> list[str]:
    """The desktop ids listed for `mime` in the first [Default Applications] line for it."""
    group = None
    for line in text.splitlines():
        header = _group_header(line)
        if header is not None:
            group = header
            continue
        pair = _key_value(line) if group == DEFAULT_GROUP else None
        if pair and pair[0] == mime:
            return _entries(pair[1])
    return []


def _split_lines(text: str) -> tuple[list[str], str]:
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    return text.splitlines(keepends=True), newline


def with_default(text: str, mime: str, desktop_id: str, fallbacks: tuple[str, ...] = ()) -> str:
    """`text` with `desktop_id` first in line for `mime`; earlier choices stay as fallbacks,
    and so do `fallbacks` (choices a tool replaced)."""
    lines, newline = _split_lines(text)
    group = None
    first_default_seen = False
    in_first_default = False
    insert_at: int | None = None
    found = False
    for index, line in enumerate(lines):
        header = _group_header(line)
        if header is not None:
            group = header
            in_first_default = header == DEFAULT_GROUP and not first_default_seen
            if in_first_default:
                first_default_seen = True
                insert_at = index + 1
            continue
        if group != DEFAULT_GROUP:
            continue
        if in_first_default and line.strip():
            insert_at = index + 1
        pair = _key_value(line)
        if pair and pair[0] == mime:
            others = [entry for entry in _entries(pair[1]) if entry != desktop_id]
            restored = [entry for entry in fallbacks if entry not in others and entry != desktop_id]
            others += restored
            trailing = pair[1].endswith(";") or not others or bool(restored)
            value = ";".join([desktop_id, *others]) + (";" if trailing else "")
            lines[index] = f"{mime}={value}{newline}"
            found = True
    if not found:
        entry = f"{mime}={';'.join([desktop_id, *fallbacks])};{newline}"
        if insert_at is not None:
            lines.insert(insert_at, entry)
        else:
            if lines and lines[-1].strip():
                lines.append(newline)
            lines += [f"[{DEFAULT_GROUP}]{newline}", entry]
    return "".join(lines)


def without_handler(text: str, mime: str, desktop_id: str) -> str:
    """`text` with `desktop_id` taken out of the default list for `mime`.

    A line left empty goes; a [Default Applications] group emptied that way goes too.
    Everything else is kept byte for byte.
    """
    lines, newline = _split_lines(text)
    group = None
    header_index: int | None = None
    emptied_headers: set[int] = set()
    kept: list[str | None] = list(lines)
    for index, line in enumerate(lines):
        header = _group_header(line)
        if header is not None:
            group, header_index = header, index
            continue
        pair = _key_value(line) if group == DEFAULT_GROUP else None
        if not pair or pair[0] != mime:
            continue
        entries = _entries(pair[1])
        if desktop_id not in entries:
            continue
        others = [entry for entry in entries if entry != desktop_id]
        if others:
            trailing = ";" if pair[1].endswith(";") else ""
            kept[index] = f"{mime}={';'.join(others)}{trailing}{newline}"
        else:
            kept[index] = None
            if header_index is not None:
                emptied_headers.add(header_index)
    for start in sorted(emptied_headers, reverse=True):
        end = start + 1
        while end < len(kept) and _group_header(kept[end] or "") is None:
            kept_line = kept[end]
            if kept_line is not None and kept_line.strip():
                break
            end += 1
        body_is_empty = end >= len(kept) or _group_header(kept[end] or "") is not None
        if not body_is_empty:
            continue
        at_end = end >= len(kept)
        for index in range(start, end):
            kept[index] = None
        if at_end:
            previous = start - 1
            while previous >= 0 and kept[previous] is None:
                previous -= 1
            if previous >= 0 and not (kept[previous] or "").strip():
                kept[previous] = None
    return "".join(line for line in kept if line is not None)


# --- the integration -------------------------------------------------------------------------

def _xdg_dir(environ: Mapping[str, str], name: str, default: Path) -> Path:
    value = environ.get(name, "")
    # The base directory spec: a relative path in these variables is invalid and ignored.
    return Path(value) if value and os.path.isabs(value) else default


def default_icon_source() -> Path | None:
    """tvdesk.svg as shipped with this copy (package data: checkout, wheel or bundle)."""
    candidate = icon_path(f"{APP_ID}.svg")
    return candidate if candidate.is_file() else None


class LinuxIntegration:
    """Per-user registration on XDG desktops; see the module docstring."""

    def __init__(self, command: list[str], environ: Mapping[str, str], home: Path, *,
                 which: Callable[[str], str | None] | None = None,
                 icon_source: Path | None = None) -> None:
        self.command = list(command)
        self.home = Path(home)
        self.data_home = _xdg_dir(environ, "XDG_DATA_HOME", self.home / ".local" / "share")
        self.config_home = _xdg_dir(environ, "XDG_CONFIG_HOME", self.home / ".config")
        env = {key: value for key, value in environ.items()
               if not (key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME") and not os.path.isabs(value))}
        env["HOME"] = str(self.home)
        self.env = env
        self.desktops = [name.lower() for name in env.get("XDG_CURRENT_DESKTOP", "").split(":")
                         if name.strip()]
        self._which = which or (lambda name: shutil.which(name, path=env.get("PATH", os.defpath)))
        self.icon_source = icon_source if icon_source is not None else default_icon_source()

    @property
    def applications_dir(self) -> Path:
        return self.data_home / "applications"

    @property
    def desktop_file(self) -> Path:
        return self.applications_dir / DESKTOP_FILE_NAME

    @property
    def icon_file(self) -> Path:
        return self.data_home / ICON_RELATIVE

    @property
    def mimeapps_file(self) -> Path:
        return self.config_home / "mimeapps.list"

    def _mimeapps_files(self) -> list[Path]:
        """The per-user lists in the order the mime-apps spec reads them."""
        return [self.config_home / f"{desktop}-mimeapps.list" for desktop in self.desktops] + \
            [self.mimeapps_file]

    def _data_dirs(self) -> list[Path]:
        system = self.env.get("XDG_DATA_DIRS", "") or "/usr/local/share:/usr/share"
        return [self.data_home] + [Path(p) for p in system.split(":") if os.path.isabs(p)]

    def _entry_installed(self) -> bool:
        return any((folder / "applications" / DESKTOP_FILE_NAME).is_file()
                   for folder in self._data_dirs())

    # --- status ---

    def _handler_from_lists(self, mime: str) -> str | None:
        for path in self._mimeapps_files():
            try:
                handlers = default_handlers(path.read_text(encoding="utf-8"), mime)
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as error:
                log.warning("cannot read %s: %s", path, error)
                continue
            if handlers:
                return handlers[0]
        return None

    def status(self) -> IntegrationReport:
        report = IntegrationReport()
        if self.desktop_file.is_file():
            report.details.append(_("Desktop entry: {path}", path=self.desktop_file))
        else:
            report.details.append(_("There is no tvdesk desktop entry in {folder}.",
                                    folder=self.applications_dir))
        xdg_mime = self._which("xdg-mime")
        for scheme in SCHEMES:
            mime = mime_type(scheme)
            handler = None
            if xdg_mime:
                result = run_tool([xdg_mime, "query", "default", mime], env=self.env)
                if result.ok:
                    handler = result.stdout.strip().splitlines()[0] if result.stdout.strip() else None
                else:
                    report.details.append(result.problem)
            if handler is None:
                handler = self._handler_from_lists(mime)
            handled = handler == DESKTOP_FILE_NAME and self._entry_installed()
            describe_handler(report, scheme, handled, handler)
        return report

    # --- install ---

    def _write_defaults_ourselves(self, report: IntegrationReport) -> bool:
        path = self.mimeapps_file
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            updated = text
            for scheme in SCHEMES:
                updated = with_default(updated, mime_type(scheme), DESKTOP_FILE_NAME)
            if updated != text:
                write_text_atomic(path, updated)
        except (OSError, UnicodeDecodeError) as error:
            report.details.append(_("Could not update {path}: {reason}", path=path,
                                    reason=getattr(error, "strerror", None) or str(error)))
            return False
        return True

    def _earlier_choices(self) -> dict[str, tuple[str, ...]]:
        try:
            text = self.mimeapps_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        return {mime_type(s): tuple(h for h in default_handlers(text, mime_type(s))
                                    if h != DESKTOP_FILE_NAME) for s in SCHEMES}

    def _keep_earlier_choices(self, earlier: dict[str, tuple[str, ...]]) -> None:
        """xdg-mime replaces the whole list; put the earlier choices back behind tvdesk,
        so that `remove` gives the links back to them."""
        if not any(earlier.values()):
            return
        try:
            text = self.mimeapps_file.read_text(encoding="utf-8")
            updated = text
            for mime, fallbacks in earlier.items():
                if fallbacks and default_handlers(updated, mime)[:1] == [DESKTOP_FILE_NAME]:
                    updated = with_default(updated, mime, DESKTOP_FILE_NAME, fallbacks)
            if updated != text:
                write_text_atomic(self.mimeapps_file, updated)
        except (OSError, UnicodeDecodeError) as error:
            log.warning("could not keep the earlier choices in %s: %s", self.mimeapps_file, error)

    def _refresh_database(self) -> None:
        tool = self._which("update-desktop-database")
        if tool and self.applications_dir.is_dir():
            result = run_tool([tool, str(self.applications_dir)], env=self.env)
            if not result.ok:
                log.info("update-desktop-database: %s", result.problem)

    def install(self) -> IntegrationReport:
        report = IntegrationReport()
        try:
            write_text_atomic(self.desktop_file, desktop_entry_text(self.command))
        except OSError as error:
            report.ok = False
            report.details.append(_("Could not write {path}: {reason}", path=self.desktop_file,
                                    reason=error.strerror or str(error)))
            return report
        report.details.append(_("Wrote {path}.", path=self.desktop_file))
        if self.icon_source is not None:
            try:
                write_text_atomic(self.icon_file, self.icon_source.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                log.warning("icon not installed: %s", error)
        self._refresh_database()

        xdg_mime = self._which("xdg-mime")
        done_by_tool = False
        if xdg_mime:
            earlier = self._earlier_choices()
            done_by_tool = True
            for scheme in SCHEMES:
                result = run_tool([xdg_mime, "default", DESKTOP_FILE_NAME, mime_type(scheme)],
                                  env=self.env)
                if not result.ok:
                    report.details.append(result.problem)
                    done_by_tool = False
                    break
        if done_by_tool:
            self._keep_earlier_choices(earlier)
            report.details.append(_("Set tvdesk as the default for tel: and callto: links "
                                    "with xdg-mime."))
        elif self._write_defaults_ourselves(report):
            if xdg_mime:
                report.details.append(_("xdg-mime did not work, so tvdesk wrote the defaults "
                                        "into {path} itself.", path=self.mimeapps_file))
            else:
                report.details.append(_("xdg-mime is not installed (package xdg-utils), so "
                                        "tvdesk wrote the defaults into {path} itself.",
                                        path=self.mimeapps_file))
        else:
            report.ok = False

        after = self.status()
        report.handled = after.handled
        report.details += after.details
        if not all(after.handled.values()):
            report.ok = False
            report.details.append(_("Your desktop still prefers another program; choose tvdesk "
                                    "for tel: links in its Default Applications settings."))
        return report

    # --- remove ---

    def remove(self) -> IntegrationReport:
        report = IntegrationReport()
        removed_anything = False
        for path in (self.desktop_file, self.icon_file):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                report.ok = False
                report.details.append(_("Could not remove {path}: {reason}", path=path,
                                        reason=error.strerror or str(error)))
                continue
            removed_anything = True
            report.details.append(_("Removed {path}.", path=path))
        for path in self._mimeapps_files():
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as error:
                report.ok = False
                report.details.append(_("Could not update {path}: {reason}", path=path,
                                        reason=getattr(error, "strerror", None) or str(error)))
                continue
            updated = text
            for scheme in SCHEMES:
                updated = without_handler(updated, mime_type(scheme), DESKTOP_FILE_NAME)
            if updated == text:
                continue
            try:
                write_text_atomic(path, updated)
            except OSError as error:
                report.ok = False
                report.details.append(_("Could not update {path}: {reason}", path=path,
                                        reason=error.strerror or str(error)))
                continue
            removed_anything = True
            report.details.append(_("Removed tvdesk from the default programs in {path}.",
                                    path=path))
        self._refresh_database()
        if not removed_anything and report.ok:
            report.details.append(_("tvdesk was not registered for tel: and callto: links; "
                                    "nothing to remove."))
        after = self.status()
        report.handled = after.handled
        report.details += after.details
        return report
