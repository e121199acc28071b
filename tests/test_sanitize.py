"""Terminal control sequences never survive into displayed text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tui.archive.sanitize import one_line, strip_controls

DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_plain_text_is_untouched() -> None:
    text = "荆门 信用\n\tcode"
    assert strip_controls(text) is text


def test_escape_sequences_are_removed_with_their_payload() -> None:
    assert strip_controls("a\x1b[31mred\x1b[0m b") == "ared b"
    assert strip_controls("x\x1b]0;window title\x07y") == "xy"
    assert strip_controls("x\x1b]52;c;ZXZpbA==\x1b\\y") == "xy"
    assert strip_controls("x\x1b]8;;http://evil\x07link\x1b]8;;\x07y") == "xlinky"
    assert strip_controls("x\x9b31my") == "xy"
    assert strip_controls("x\x1b7y") == "xy"


def test_controls_and_bidi_overrides_are_removed() -> None:
    assert strip_controls("a\x00b\x08c\x7fd\u202ee\u2066f\x85g") == "abcdefg"


def test_one_line_collapses_whitespace() -> None:
    assert one_line(" a \n b\t c ") == "a b c"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    assert not DANGEROUS.search(strip_controls(text))


@given(st.text())
def test_one_line_has_no_newlines(text: str) -> None:
    result = one_line(text)
    assert "\n" not in result and not DANGEROUS.search(result)
