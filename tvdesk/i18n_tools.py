"""Maintainer tools for the gettext catalog: `python -m tvdesk.i18n_tools extract|compile|check`.

- `extract` scans every `_("literal")` call under tvdesk/ (not the sandbox), writes the
  template `tvdesk/locale/tvdesk.pot` and merges it into the pt_BR `.po`: new texts get an
  empty msgstr to fill in, texts no longer in the sources are kept commented out (`#~`).
- `compile` writes the `.mo` that ships next to the `.po` (pure Python, no GNU tools).
- `check` exits non-zero listing texts without a translation, translations whose
  placeholders differ from the English, and a `.mo` that is older than its `.po`.

The catalog also holds the texts of the standard library's `argparse` (usage, errors,
"show this help message and exit"), marked `#. argparse`; tvdesk.core.i18n points
argparse at the same translation, so the CLI's own help and errors follow the language.
Only the runtime half (`tvdesk.core.i18n`) ships in the app; this module is not needed there.
"""

from __future__ import annotations

import argparse
import ast
import re
import string
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DOMAIN = "tvdesk"
PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
LANGUAGES = ("pt_BR",)
ARGPARSE_COMMENT = "argparse"
EXCLUDED_PARTS = ("sandbox",)  # a demo server for developers, English on purpose
WIDTH = 79


def po_path(language: str = "pt_BR") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str = "pt_BR") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


# --- argparse's own texts ----------------------------------------------------------------
# (msgid, msgid_plural, first Python with it). Only what people see: usage, help headings
# and parse errors; argparse's errors about a badly built parser are for developers.
ARGPARSE_MESSAGES: tuple[tuple[str, str | None, tuple[int, int]], ...] = (
    ("usage: ", None, (3, 11)),
    ("%(prog)s: error: %(message)s\n", None, (3, 11)),
    ("positional arguments", None, (3, 11)),
    ("options", None, (3, 11)),
    ("show this help message and exit", None, (3, 11)),
    ("argument %(argument_name)s: %(message)s", None, (3, 11)),
    ("the following arguments are required: %s", None, (3, 11)),
    ("one of the arguments %s is required", None, (3, 11)),
    ("not allowed with argument %s", None, (3, 11)),
    ("unrecognized arguments: %s", None, (3, 11)),
    ("invalid choice: %(value)r (choose from %(choices)s)", None, (3, 11)),
    ("invalid %(type)s value: %(value)r", None, (3, 11)),
    ("expected one argument", None, (3, 11)),
    ("expected at most one argument", None, (3, 11)),
    ("expected at least one argument", None, (3, 11)),
    ("expected %s argument", "expected %s arguments", (3, 11)),
    ("ambiguous option: %(option)s could match %(matches)s", None, (3, 11)),
    ("ignored explicit argument %r", None, (3, 11)),
    ("unexpected option string: %s", None, (3, 11)),
    ("unknown parser %(parser_name)r (choices: %(choices)s)", None, (3, 11)),
    ("can't open '%(filename)s': %(error)s", None, (3, 11)),
    ("%(prog)s: warning: %(message)s\n", None, (3, 13)),
    ("show program's version number and exit", None, (3, 13)),
    (" (default: %(default)s)", None, (3, 13)),
    ("%(heading)s:", None, (3, 13)),
    ("subcommands", None, (3, 13)),
    ("argument '%(argument_name)s' is deprecated", None, (3, 13)),
    ("option '%(option)s' is deprecated", None, (3, 13)),
    ("command '%(parser_name)s' is deprecated", None, (3, 13)),
)
# argparse texts that only a programming error in tvdesk could show.
ARGPARSE_DEVELOPER_MESSAGES = frozenset({
    "'required' is an invalid argument for positionals",
    "%r is not callable",
    ".__call__() not defined",
    'argument "-" with mode %r',
    "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r",
    "conflicting subparser alias: %s",
    "conflicting subparser: %s",
    "conflicting option string: %s",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "mutually exclusive arguments must be optional",
})


def argparse_source_messages() -> set[str]:
    """The msgids the running Python's argparse passes to `_()`/`ngettext()`."""
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext") and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


# --- the catalog model -----------------------------------------------------------------

@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    msgid_plural: str | None = None
    msgstr_plural: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)       # `#.` extracted comments
    translator_comments: list[str] = field(default_factory=list)  # `# ...`
    flags: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def is_argparse(self) -> bool:
        return ARGPARSE_COMMENT in self.comments

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(s for s in self.msgstr_plural)
        return bool(self.msgstr)

    def translations(self) -> list[str]:
        return list(self.msgstr_plural) if self.msgid_plural is not None else [self.msgstr]


@dataclass
class Catalog:
    header: str
    entries: list[Entry]
    header_comments: list[str] = field(default_factory=list)

    def active(self) -> dict[str, Entry]:
        return {e.msgid: e for e in self.entries if not e.obsolete}

    def header_fields(self) -> dict[str, str]:
        fields = {}
        for line in self.header.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip()] = value.strip()
        return fields


def default_header(language: str | None) -> str:
    lines = [
        f"Project-Id-Version: {DOMAIN}",
        "Report-Msgid-Bugs-To: ",
        "Last-Translator: " + ("tvdesk maintainers" if language else ""),
        "Language-Team: " + LANGUAGE_TEAMS.get(language or "", ""),
        f"Language: {language or ''}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        "Plural-Forms: " + (PLURAL_FORMS.get(language or "", "nplurals=2; plural=(n != 1);")),
    ]
    return "".join(line + "\n" for line in lines)


PLURAL_FORMS = {"pt_BR": "nplurals=2; plural=(n > 1);"}
LANGUAGE_TEAMS = {"pt_BR": "Brazilian Portuguese"}
HEADER_COMMENTS = {
    None: ["Template of the texts tvdesk shows; made by `python -m tvdesk.i18n_tools extract`."],
    "pt_BR": ["Brazilian Portuguese texts of tvdesk.",
              "Fill in empty msgstr, then run `python -m tvdesk.i18n_tools compile`."],
}


# --- reading .po ------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}


class PoError(ValueError):
    pass


def _unquote(token: str, where: str) -> str:
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise PoError(f"{where}: expected a quoted string, got {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise PoError(f"{where}: unknown escape in {token!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        elif char == '"':
            raise PoError(f"{where}: unescaped quote in {token!r}")
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_po(text: str, source: str = "<po>") -> Catalog:
    entries: list[Entry] = []
    header: str | None = None
    header_comments: list[str] = []
    pending: dict = {}
    strings: dict[str, str] = {}
    current_key: str | None = None
    pending_obsolete = False

    def flush() -> None:
        nonlocal pending, strings, current_key, header, pending_obsolete
        if strings:
            if "msgid" not in strings:
                raise PoError(f"{source}: an entry without msgid")
            plural_keys = sorted((k for k in strings if k.startswith("msgstr[")),
                                 key=lambda k: int(k[7:-1]))
            entry = Entry(msgid=strings["msgid"], msgstr=strings.get("msgstr", ""),
                          msgid_plural=strings.get("msgid_plural"),
                          msgstr_plural=[strings[k] for k in plural_keys],
                          references=pending.get("references", []),
                          comments=pending.get("comments", []),
                          translator_comments=pending.get("translator", []),
                          flags=pending.get("flags", []), obsolete=pending_obsolete)
            if entry.msgid == "" and not entry.obsolete:
                if header is not None:
                    raise PoError(f"{source}: two headers")
                header = entry.msgstr
                header_comments.extend(entry.translator_comments)
            else:
                entries.append(entry)
        elif pending.get("translator") and header is None and not entries:
            header_comments.extend(pending["translator"])
        pending, strings, current_key, pending_obsolete = {}, {}, None, False

    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{source}:{number}"
        line = raw.strip()
        if not line:
            flush()
            continue
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        if line.startswith("#"):
            if strings:
                flush()
            kind, rest = line[:2], line[2:].strip()
            if kind == "#.":
                pending.setdefault("comments", []).append(rest)
            elif kind == "#:":
                pending.setdefault("references", []).extend(rest.split())
            elif kind == "#,":
                pending.setdefault("flags", []).extend(
                    flag.strip() for flag in rest.split(",") if flag.strip())
            elif kind == "#|":
                pass  # previous msgid: not used here
            else:
                pending.setdefault("translator", []).append(line[1:].strip())
            continue
        if line.startswith('"'):
            if current_key is None:
                raise PoError(f"{where}: a string outside an entry")
            strings[current_key] += _unquote(line, where)
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword == "msgctxt":
            raise PoError(f"{where}: msgctxt is not used by tvdesk")
        if keyword not in ("msgid", "msgid_plural", "msgstr") and not re.fullmatch(
                r"msgstr\[\d+\]", keyword):
            raise PoError(f"{where}: unknown line {raw!r}")
        if keyword == "msgid" and strings:
            flush()
        if keyword in strings:
            raise PoError(f"{where}: {keyword} twice in one entry")
        pending_obsolete = pending_obsolete or obsolete
        current_key = keyword
        strings[keyword] = _unquote(rest.strip(), where)
    flush()
    if header is None:
        raise PoError(f"{source}: no header (msgid \"\")")
    seen: set[str] = set()
    for entry in entries:
        if not entry.obsolete:
            if entry.msgid in seen:
                raise PoError(f"{source}: msgid {entry.msgid!r} twice")
            seen.add(entry.msgid)
    return Catalog(header=header, entries=entries, header_comments=header_comments)


def read_po(path: Path) -> Catalog:
    return parse_po(path.read_text(encoding="utf-8"), source=str(path))


# --- writing .po ------------------------------------------------------------------------

def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\t", "\\t").replace("\r", "\\r"))


def _po_string(keyword: str, text: str, prefix: str = "") -> list[str]:
    single = f'{prefix}{keyword} "{_escape(text)}"'
    body = text[:-1] if text.endswith("\n") else text
    if len(single) <= WIDTH and "\n" not in body:
        return [single]
    room = WIDTH - len(prefix) - 2
    chunks: list[str] = []
    for part in text.splitlines(keepends=True):
        current = ""
        for token in re.findall(r"\S*\s*", _escape(part)):
            if not token:
                continue
            if current and len(current) + len(token) > room:
                chunks.append(current)
                current = ""
            current += token
        if current:
            chunks.append(current)
    return [f'{prefix}{keyword} ""'] + [f'{prefix}"{chunk}"' for chunk in chunks]


def _wrap_words(prefix: str, words: Iterable[str]) -> list[str]:
    lines, current = [], ""
    for word in words:
        if current and len(prefix) + len(current) + 1 + len(word) > WIDTH:
            lines.append(prefix + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(prefix + current)
    return lines


def format_po(catalog: Catalog) -> str:
    out: list[str] = [f"# {line}".rstrip() for line in catalog.header_comments]
    out += ['msgid ""'] + _po_string("msgstr", catalog.header)
    for entry in catalog.entries:
        out.append("")
        prefix = "#~ " if entry.obsolete else ""
        out += [f"# {line}".rstrip() for line in entry.translator_comments]
        if not entry.obsolete:
            out += [f"#. {line}" for line in entry.comments]
            out += _wrap_words("#: ", entry.references)
            if entry.flags:
                out.append("#, " + ", ".join(entry.flags))
        out += _po_string("msgid", entry.msgid, prefix)
        if entry.msgid_plural is not None:
            out += _po_string("msgid_plural", entry.msgid_plural, prefix)
            for index, text in enumerate(entry.msgstr_plural or ["", ""]):
                out += _po_string(f"msgstr[{index}]", text, prefix)
        else:
            out += _po_string("msgstr", entry.msgstr, prefix)
    return "\n".join(out) + "\n"


def write_po(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_po(catalog), encoding="utf-8", newline="\n")


# --- scanning the sources ---------------------------------------------------------------

def source_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    this = Path(__file__).resolve()
    return sorted(p for p in package_dir.rglob("*.py")
                  if not any(part in EXCLUDED_PARTS for part in p.relative_to(package_dir).parts)
                  and p.resolve() != this)


def _underscore_calls(path: Path) -> Iterable[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            yield node


def scan_messages(package_dir: Path = PACKAGE_DIR) -> dict[str, list[str]]:
    """Every `_("literal", ...)` msgid under the package, with its `file:line` references,
    in the order of the sources."""
    found: dict[str, list[str]] = {}
    for path in source_files(package_dir):
        relative = path.relative_to(package_dir.parent).as_posix()
        calls = sorted(_underscore_calls(path), key=lambda n: (n.lineno, n.col_offset))
        for node in calls:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, []).append(f"{relative}:{node.lineno}")
    return found


def dynamic_calls(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """`_(variable)` or `_(f"...")` calls: they can never be in the catalog."""
    wrong = []
    for path in source_files(package_dir):
        for node in _underscore_calls(path):
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                wrong.append(f"{path.relative_to(package_dir.parent).as_posix()}:{node.lineno}")
    return wrong


# --- placeholders -----------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                      r"(?P<kind>[diouxXeEfFgGcrsa%])")


def brace_fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def percent_fields(text: str) -> list[str]:
    """`%`-placeholders, named ones sorted (any order), positional ones in order."""
    named, positional = [], []
    for match in _PERCENT.finditer(text):
        if match["kind"] == "%":
            continue
        spec = match.group(0)
        if match["name"] is not None:
            named.append(spec)
        else:
            positional.append(spec)
    return sorted(named) + positional


def placeholders(entry: Entry, text: str) -> tuple[list[str] | None, set[str] | None]:
    """What must survive translation: `%` fields for argparse's texts, `{}` fields for
    tvdesk's (`_()` formats), both for a text used by both."""
    uses_format = bool(entry.references) or not entry.is_argparse
    return (percent_fields(text) if entry.is_argparse else None,
            brace_fields(text) if uses_format else None)


# --- extract and merge ------------------------------------------------------------------

def template(messages: dict[str, list[str]]) -> Catalog:
    entries: dict[str, Entry] = {}
    for msgid, references in messages.items():
        flags = ["python-brace-format"] if brace_fields(msgid) else []
        entries[msgid] = Entry(msgid=msgid, references=list(references), flags=flags)
    for msgid, plural, _since in ARGPARSE_MESSAGES:
        entry = entries.setdefault(msgid, Entry(msgid=msgid, msgid_plural=plural))
        entry.comments.append(ARGPARSE_COMMENT)  # also passed to _() by tvdesk: one entry
        if percent_fields(msgid):
            entry.flags.append("python-format")
    return Catalog(header=default_header(None), entries=list(entries.values()),
                   header_comments=list(HEADER_COMMENTS[None]))


def merge(pot: Catalog, po: Catalog | None, language: str) -> Catalog:
    """The `.po` for `pot`: translations kept, new texts empty, vanished ones `#~`."""
    old_active = po.active() if po else {}
    old_obsolete = {e.msgid: e for e in po.entries if e.obsolete} if po else {}
    entries: list[Entry] = []
    for new in pot.entries:
        old = old_active.get(new.msgid) or old_obsolete.get(new.msgid)
        entry = Entry(msgid=new.msgid, msgid_plural=new.msgid_plural,
                      references=list(new.references), comments=list(new.comments),
                      flags=list(new.flags))
        if old is not None and old.msgid_plural == new.msgid_plural:
            entry.msgstr = old.msgstr
            entry.msgstr_plural = list(old.msgstr_plural)
            entry.translator_comments = list(old.translator_comments)
            if old.fuzzy:
                entry.flags.append("fuzzy")
        elif new.msgid_plural is not None:
            entry.msgstr_plural = ["", ""]
        entries.append(entry)
    wanted = {e.msgid for e in pot.entries}
    gone = [e for e in (po.entries if po else []) if e.msgid not in wanted]
    seen: set[str] = set()
    for entry in gone:
        if entry.msgid in seen or not (entry.translated or entry.obsolete):
            continue  # an untranslated text that vanished: nothing worth keeping
        seen.add(entry.msgid)
        entries.append(Entry(msgid=entry.msgid, msgstr=entry.msgstr,
                             msgid_plural=entry.msgid_plural,
                             msgstr_plural=list(entry.msgstr_plural),
                             translator_comments=list(entry.translator_comments),
                             obsolete=True))
    header = po.header if po else default_header(language)
    header_comments = po.header_comments if po else list(HEADER_COMMENTS.get(language, []))
    return Catalog(header=header, entries=entries, header_comments=header_comments)


def extract(package_dir: Path = PACKAGE_DIR, locale_dir: Path = LOCALE_DIR,
            languages: Iterable[str] = LANGUAGES) -> list[str]:
    """Write the .pot and merge it into each .po; returns a summary, one line each."""
    pot = template(scan_messages(package_dir))
    write_po(locale_dir / f"{DOMAIN}.pot", pot)
    summary = [f"{locale_dir / f'{DOMAIN}.pot'}: {len(pot.entries)} messages"]
    for language in languages:
        path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        old = read_po(path) if path.exists() else None
        new = merge(pot, old, language)
        write_po(path, new)
        empty = sum(1 for e in new.entries if not e.obsolete and not e.translated)
        obsolete = sum(1 for e in new.entries if e.obsolete)
        summary.append(f"{path}: {empty} to translate, {obsolete} obsolete (#~)")
    return summary


# --- .mo --------------------------------------------------------------------------------

MO_MAGIC = 0x950412DE


def mo_bytes(catalog: Catalog) -> bytes:
    """The GNU .mo file for `catalog` (translated, non-fuzzy entries; no hash table)."""
    messages: dict[bytes, bytes] = {b"": catalog.header.encode("utf-8")}
    for entry in catalog.entries:
        if entry.obsolete or entry.fuzzy or not entry.translated:
            continue
        if entry.msgid_plural is not None:
            key = f"{entry.msgid}\0{entry.msgid_plural}"
            value = "\0".join(entry.msgstr_plural)
        else:
            key, value = entry.msgid, entry.msgstr
        messages[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(messages)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    tables: list[list[tuple[int, int]]] = [[], []]
    data = bytearray()
    for column, strings in enumerate((keys, [messages[k] for k in keys])):
        for text in strings:
            tables[column].append((len(text), data_at + len(data)))
            data += text + b"\0"
    head = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    body = b"".join(struct.pack("<2I", length, offset)
                    for column in tables for length, offset in column)
    return head + body + bytes(data)


def compile_catalogs(locale_dir: Path = LOCALE_DIR,
                     languages: Iterable[str] = LANGUAGES) -> list[str]:
    summary = []
    for language in languages:
        po = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(read_po(po)))
        summary.append(f"{mo}: written")
    return summary


# --- check ------------------------------------------------------------------------------

def check(package_dir: Path = PACKAGE_DIR, locale_dir: Path = LOCALE_DIR,
          languages: Iterable[str] = LANGUAGES) -> list[str]:
    """Problems that stop a release, one line each; empty when all is well."""
    problems = [f"{where}: _() needs a literal text" for where in dynamic_calls(package_dir)]
    messages = scan_messages(package_dir)
    for language in languages:
        po = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        try:
            catalog = read_po(po)
        except (OSError, PoError) as error:
            problems.append(f"{po}: cannot be read: {error}")
            continue
        fields = catalog.header_fields()
        if fields.get("Language") != language:
            problems.append(f"{po}: header Language is not {language}")
        if "charset=UTF-8" not in fields.get("Content-Type", ""):
            problems.append(f"{po}: header Content-Type is not UTF-8")
        if "Plural-Forms" not in fields:
            problems.append(f"{po}: header lacks Plural-Forms")
        active = catalog.active()
        required = {msgid: f"{where[0]}" for msgid, where in messages.items()}
        required.update({msgid: "argparse" for msgid, _plural, _since in ARGPARSE_MESSAGES})
        for msgid, where in required.items():
            entry = active.get(msgid)
            if entry is None:
                problems.append(f"{language}: not in the .po (run extract): {msgid!r} ({where})")
            elif not entry.translated:
                problems.append(f"{language}: no translation: {msgid!r} ({where})")
            elif entry.fuzzy:
                problems.append(f"{language}: fuzzy translation: {msgid!r} ({where})")
        for entry in active.values():
            if not entry.translated:
                continue
            english = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
            expected = [placeholders(entry, text) for text in english]
            for text in entry.translations():
                if placeholders(entry, text) not in expected:
                    problems.append(f"{language}: placeholders differ: {entry.msgid!r} "
                                    f"{expected[0]} -> {text!r} {placeholders(entry, text)}")
                if not entry.is_argparse:
                    try:  # what `_()` will do with it
                        text.format(**{name: "" for name in brace_fields(entry.msgid)})
                    except (ValueError, KeyError, IndexError) as error:
                        problems.append(f"{language}: does not format ({error}): {text!r}")
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            problems.append(f"{mo}: out of date with the .po (run compile)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tvdesk.i18n_tools",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("extract", "compile", "check"),
                        help="extract: sources -> .pot -> .po; compile: .po -> .mo; "
                             "check: every text translated and the .mo up to date")
    args = parser.parse_args(argv)
    if args.command == "extract":
        print("\n".join(extract()))
        return 0
    if args.command == "compile":
        print("\n".join(compile_catalogs()))
        return 0
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("all texts translated; .mo up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
