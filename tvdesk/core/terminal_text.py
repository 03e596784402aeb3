"""Text from outside (the API's messages and labels, a URL, a page's caller number) made
safe for a terminal: control and bidirectional-override characters become visible
escapes, so they cannot set the terminal's title, clear it, write the clipboard
(OSC 52), forge extra lines or reverse what is read."""

from __future__ import annotations

import unicodedata

# Explicit bidi embeddings, overrides and isolates, and the invisible direction marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                          "\u200e\u200f\u061c")


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """One line with every control (C0, DEL, C1), line/paragraph separator and bidi
    control shown as an escape (`\\x1b`, `\\u202e`); other text unchanged."""
    return "".join(
        _visible(char) if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp")
        else char
        for char in text)


def json_for_terminal(text: str) -> str:
    """JSON text (already escaping controls) with bidi controls escaped too."""
    return "".join(_visible(char) if char in BIDI_CONTROLS else char for char in text)
