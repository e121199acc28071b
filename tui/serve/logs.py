"""The server's log: one line per event on stderr, every client-controlled string escaped.

A client chooses its user name, terminal type, the commands and subsystems it asks for, the
hosts it asks to forward to, the web paths, headers and origins it sends. Written raw, any of
these could clear the operator's screen, write to their clipboard (OSC 52) or forge log
lines with a newline. `clean` is the one way such a string reaches the log.
"""

from __future__ import annotations

import sys
import time
import unicodedata

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
