"""Neutralise terminal control sequences in untrusted text from posts.

Everything a post carries (titles, authors, links, bodies) was written by strangers or
scrapers. An ESC sequence that reaches the terminal can retitle the window, rewrite the
clipboard (OSC 52) or fake hyperlinks (OSC 8), so all of it is removed before display.
Characters that hide or reorder what a reader sees (bidi overrides, zero-width characters)
go too, and lone surrogates (from JSON `\\ud800` escapes or undecodable file names) become
U+FFFD: the terminal cannot be sent them at all.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings (terminated by
# BEL or ST), and two-character escapes. Their 8-bit C1 forms (CSI = U+009B, OSC = U+009D)
# are handled the same way. A string's payload is removed only up to its terminator on the
# same line: an unterminated one loses just its introducer (already harmless), never the rest
# of the post, and every scan stops at the next introducer, so the work stays linear.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?                          # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])                     # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c\x90\x98\x9d\x9e\x9f\n]*(?:\x07|\x1b\\|\x9c)  # ... up to BEL or ST
  | \x1b[ -/]*[0-~]?                                           # other escapes (ESC 7, ESC ( B, ...)
    """,
    re.VERBOSE,
)

# Remaining C0 controls except tab and newline, DEL, C1 controls; bidi marks, embeddings,
# overrides and isolates (Trojan Source); zero-width and invisible characters (soft hyphen,
# ZWSP/ZWNJ/ZWJ, word joiner, invisible operators, BOM, interlinear annotations).
_INVISIBLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_CONTROL_CHARACTERS = re.compile(f"[{_INVISIBLE}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
_ANY_SUSPECT = re.compile(f"[{_INVISIBLE}\u2028\u2029\ud800-\udfff]")
# Unicode tag characters carry hidden text ("ASCII smuggling"). Kept out of the pattern above:
# one code point beyond U+FFFF in a character class makes every search 60% slower.
_TAG_CHARACTERS = re.compile("[\U000e0000-\U000e007f]")


def strip_controls(text: str, tags: bool = True) -> str:
    """Return `text` with escape sequences and control characters removed (tab/newline kept).

    `tags=False` leaves Unicode tag characters (invisible, inert in a terminal): for search text
    that is never displayed, where looking for them would cost as much as everything else.
    """
    if tags and _TAG_CHARACTERS.search(text):
        text = _TAG_CHARACTERS.sub("", text)
    if not _ANY_SUSPECT.search(text):
        return text  # the common case: nothing to do, no copy
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL_CHARACTERS.sub("", text)
    if "\u2028" in text or "\u2029" in text:
        text = text.translate(_LINE_SEPARATORS)
    return _SURROGATES.sub("\ufffd", text)


def one_line(text: str) -> str:
    """A field shown on a single line: controls stripped, runs of whitespace collapsed."""
    return " ".join(strip_controls(text).split())
