"""Hostile text from a server never reaches a terminal as control sequences."""

from __future__ import annotations

import json

import pytest

from tvdesk.core.terminal_text import for_terminal, json_for_terminal

HOSTILE = [
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),                        # window title
    ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),                              # clear screen
    ("\x1b]52;c;KzU1NDg5OTk5OTk5OTk=\x07", "\\x1b]52;c;KzU1NDg5OTk5OTk5OTk=\\x07"),  # OSC 52
    ("ok\r\nfake line", "ok\\x0d\\x0afake line"),                      # forged lines
    ("abc\u202edcba", "abc\\u202edcba"),                               # reversed text
    ("\x9b31m", "\\x9b31m"),                                          # C1 CSI
    ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
    ("Recepção · 4000 — ok", "Recepção · 4000 — ok"),                  # people's text stays
]


@pytest.mark.parametrize("text, shown", HOSTILE)
def test_controls_and_bidi_become_visible(text, shown):
    assert for_terminal(text) == shown
    assert not any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in for_terminal(text))


def test_json_keeps_its_meaning_and_loses_bidi_controls():
    data = {"label": "abc\u202e\x1b[2J"}
    text = json_for_terminal(json.dumps(data, ensure_ascii=False))
    assert "\u202e" not in text and "\x1b" not in text
    assert json.loads(text) == data
