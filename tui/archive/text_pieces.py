"""Changing a text everywhere but where a pattern matches (code, raw spans): the one loop the
HTML clean-up (convert.py) and the template calls (site_calls.py) both need."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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


_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, backticks) of each Markdown code span, as `CODE_SPAN` finds them, by
    pairing the runs of backticks: linear where the pattern tries every position (200 µs a
    documentation page, most of the cost of indexing one)."""
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    blanks = [match.start() for match in _BLANK_LINE.finditer(text)] if runs else []
    by_length: dict[int, list[int]] = {}
    for number, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(number)
    spans = []
    position = 0
    for number, (start, end) in enumerate(runs):
        if start < position or (start and text[start - 1] == "\\"):
            continue
        same = by_length[end - start]
        following = bisect_right(same, number)
        if following == len(same):
            continue
        close_start, close_end = runs[same[following]]
        blank = bisect_left(blanks, end)  # (one search for the blank lines: openers of every
        if blank < len(blanks) and blanks[blank] < close_start:  # length each rescanned to one)
            continue
        spans.append((start, close_end, end - start))
        position = close_end
    return spans
