"""Changing a text everywhere but where a pattern matches (code, raw spans): the one loop the
HTML clean-up (convert.py) and the template calls (site_calls.py) both need."""

from __future__ import annotations

import re
from collections.abc import Callable

CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\1(?!`)")
"""A Markdown code span: a run of backticks (not escaped), then up to a run as long, within a
paragraph. Tried only where a run starts: 100,000 backticks in a row are one try, not 100,000."""


def outside(
    text: str,
    kept: re.Pattern[str],
    change: Callable[[str], str],
    shown: Callable[[re.Match[str]], str] = lambda match: match.group(0),
) -> str:
    """`change` applied to the text between the matches of `kept`; each match becomes
    `shown(match)` (by default itself, as written)."""
    pieces, last = [], 0
    for match in kept.finditer(text):
        pieces += [change(text[last : match.start()]), shown(match)]
        last = match.end()
    pieces.append(change(text[last:]))
    return "".join(pieces)
