"""What the reader shows of a post's body (the header already shows the title)."""

from __future__ import annotations

import re

from .folding import fold

_LEADING_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+(.+?)[ \t#]*(?:\n|\Z)")


def without_title_heading(markdown: str, title: str) -> str:
    """Drop a first heading that only repeats the title, so it is not shown twice."""
    match = _LEADING_HEADING.match(markdown)
    if match and title.strip() and fold(match.group(1).strip()) == fold(title.strip()):
        return markdown[match.end():].lstrip("\n")
    return markdown
