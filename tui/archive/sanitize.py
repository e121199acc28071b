"""Neutralise terminal control sequences in untrusted text from posts.

Everything a post carries (titles, authors, links, bodies) was written by strangers or
scrapers. An ESC sequence that reaches the terminal can retitle the window, rewrite the
clipboard (OSC 52) or fake hyperlinks (OSC 8), so all of it is removed before display.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings (terminated by
# BEL or ST), and two-character escapes. Their 8-bit C1 forms (CSI = U+009B, OSC = U+009D)
# are handled the same way.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?             # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])        # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?        # ... up to BEL or ST (or the end)
  | \x1b[ -/]*[0-~]?                              # other escapes (ESC 7, ESC ( B, ...)
    """,
    re.VERBOSE,
)

# Remaining C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides and
# isolates that can reorder what a reader sees (Trojan Source style).
_CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
_ANY_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_controls(text: str) -> str:
    """Return `text` with escape sequences and control characters removed (tab/newline kept)."""
    if not _ANY_SUSPECT.search(text):
        return text  # the common case: nothing to do, no copy
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL_CHARACTERS.sub("", text)


def one_line(text: str) -> str:
    """A field shown on a single line: controls stripped, runs of whitespace collapsed."""
    return " ".join(strip_controls(text).split())
