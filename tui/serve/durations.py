"""Durations as the command line takes them (`90s`, `30m`, `2h`) and as messages show them."""

from __future__ import annotations

import argparse
import re


def parse_duration(text: str, unit: str) -> float:
    """`90s`, `30m`, `2h`, or a plain number in `unit` (s or m); 0 turns it off."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smh]?)", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration (like 90s, 30m, 2h): {text!r}")
    return float(match[1]) * {"s": 1, "m": 60, "h": 3600}[match[2] or unit]


def format_duration(seconds: float) -> str:
    """The shortest exact way to say it: `2 h`, `30 min`, `90 s`."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"
