"""Natural order: `2` before `10`, for file names and titles alike."""

from __future__ import annotations

import re


def natural_key(text: str) -> str:
    """Sort key putting `2` before `10` (`issue-2` before `issue-10`, `第 2 期` before `第 10 期`)."""
    return _DIGITS.sub(_padded, text) if _HAS_DIGIT.search(text) else text


_DIGITS = re.compile(r"\d{1,30}")
_HAS_DIGIT = re.compile(r"\d")


def _padded(match: re.Match) -> str:
    digits = str(int(match.group()))  # full-width and other Unicode digits as ASCII
    return "0" * (30 - len(digits)) + digits
