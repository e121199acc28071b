"""Rendering post Markdown to terminal lines with Rich, and line breaking that suits CJK.

Rich breaks lines only at spaces. Chinese and Japanese have none, so a paragraph mixing CJK
with a few Latin words breaks at those few spaces and leaves ragged half-empty lines. CJK text
may break between any two characters; `install_cjk_line_breaking` teaches Rich that.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import rich._wrap
from rich.console import Console
from rich.markdown import Markdown
from rich.segment import Segment

_CJK = "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
# Punctuation that must not start a line; it stays with the character before it.
_CLOSING = "，。、；：？！）」』】》〉”’・ー…％,.;:?!)\\]}"
# A "word" is one CJK character (with any closing punctuation after it) or a run of other
# non-space characters, with trailing spaces.
_WORD = re.compile(rf"\s*(?:[{_CJK}][{_CLOSING}]*|[^\s{_CJK}]+)\s*")


def _words(text: str) -> Iterable[tuple[int, int, str]]:
    position = 0
    match = _WORD.match(text, position)
    while match is not None:
        start, end = match.span()
        yield start, end, match.group(0)
        match = _WORD.match(text, end)


def install_cjk_line_breaking() -> None:
    """Let Rich break lines between CJK characters (Rich only looks for spaces)."""
    if hasattr(rich._wrap, "words") and hasattr(rich._wrap, "divide_line"):
        rich._wrap.words = _words


def render_markdown(markdown: str, width: int, code_theme: str = "monokai") -> list[list[Segment]]:
    """Markdown -> lines of segments at `width` cells. Thread-safe: a console per call."""
    console = Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
    document = Markdown(markdown, code_theme=code_theme, hyperlinks=True)
    return console.render_lines(document, console.options.update_width(width), pad=False)
