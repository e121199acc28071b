"""The server's log: one line per event on stderr, every client-controlled string escaped.

A client chooses its user name, terminal type, the commands and subsystems it asks for, the
hosts it asks to forward to, the web paths, headers and origins it sends. Written raw, any of
these could clear the operator's screen, write to their clipboard (OSC 52) or forge log
lines with a newline. `clean` is the one way such a string reaches the log.
"""

from __future__ import annotations

import asyncio
import sys
import time
import unicodedata
from collections.abc import Callable

LIMIT = 80
"""Characters kept of one client-controlled string; the rest becomes `…`."""


def clean(text: object, limit: int = LIMIT) -> str:
    """`text` made safe for a log line: printable, one line, at most `limit` characters.

    Control characters (C0, DEL, C1), line and paragraph separators, bidi overrides and other
    format characters become `\\xNN` / `\\uNNNN` escapes; a backslash is doubled, so the
    escapes cannot be forged; spaces become `\\x20` only when leading or trailing."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    text = str(text)
    cut = len(text) > limit
    text = text[:limit]
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    result = "".join(out)
    if result != result.strip():
        result = result.replace(" ", "\\x20")
    return result + ("…" if cut else "")


def now_text() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())


def log(line: str) -> None:
    """One line on stderr with the time. Callers pass client strings through `clean`."""
    print(f"{now_text()} {line}", file=sys.stderr, flush=True)


class LimitedLog:
    """A log that writes at most `per_second` lines a second and counts the rest in its next
    line: a client that makes the server refuse it a thousand times a second (connections,
    web requests) cannot flood the operator's log or disk."""

    def __init__(self, what: str, per_second: int = 20, write: Callable[[str], None] | None = None) -> None:
        self.what = what
        self.per_second = per_second
        self.write = write or log
        self._second = 0
        self._written = 0
        self._left_out = 0

    def __call__(self, line: str) -> None:
        second = int(time.monotonic())
        if second != self._second:
            self._flush()
            self._second, self._written = second, 0
        if self._written >= self.per_second:
            if not self._left_out:
                try:  # said within the second even if no line follows (a burst that stops)
                    asyncio.get_running_loop().call_later(1.0, self._flush)
                except RuntimeError:
                    pass
            self._left_out += 1
            return
        self._written += 1
        self.write(line)

    def _flush(self) -> None:
        if self._left_out:
            self.write(f"({self._left_out} more {self.what} lines left out: too many to log)")
            self._left_out = 0


MAX_NOTES = 20
"""Different notes kept for a connection's log line; repeats are counted."""


class Notes:
    """A connection's notes for its log line: each different one once, with how many times
    (at most MAX_NOTES different ones; the rest are counted). A client repeating a refused
    request a million times grew a list, and the line, to 70 MB."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.left_out = 0
        self.refused = 0

    def append(self, note: str) -> None:
        if note.startswith("refused"):
            self.refused += 1
        if note in self.counts:
            self.counts[note] += 1
        elif len(self.counts) < MAX_NOTES:
            self.counts[note] = 1
        else:
            self.left_out += 1

    def __contains__(self, note: object) -> bool:
        return note in self.counts

    def __bool__(self) -> bool:
        return bool(self.counts)

    def __str__(self) -> str:
        parts = [note if count == 1 else f"{note} ×{count}" for note, count in self.counts.items()]
        if self.left_out:
            parts.append(f"{self.left_out} more")
        return "; ".join(parts)
