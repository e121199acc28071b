"""What the reader shows of a post's body (the header already shows the title)."""

from __future__ import annotations

import re

from .folding import fold

_LEADING_HEADING = re.compile(r"\A[ \t\n]*#{1,6}[ \t]+([^\n]*)")  # linear: no lazy group before a tail


def without_title_heading(markdown: str, title: str) -> str:
    """Drop a first heading that only repeats the title, so it is not shown twice."""
    match = _LEADING_HEADING.match(markdown)
    if match and len(match.group(1)) > 4 * len(title) + 64:
        return markdown  # far longer than the title: not a repeat of it
    if match and title.strip() and fold(match.group(1).rstrip(" \t#").strip()) == fold(title.strip()):
        return markdown[match.end():].lstrip("\n")
    return markdown
