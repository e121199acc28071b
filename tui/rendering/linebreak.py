"""Line breaking that suits Chinese and Japanese text (kinsoku shori).

Rich breaks lines only at spaces. CJK text has none, so a paragraph mixing CJK with a few Latin
words would break at those few spaces and leave ragged half-empty lines. CJK text may break
between any two characters, with two exceptions that every CJK typesetter keeps: closing
punctuation (，。」…) never starts a line, and an opening bracket (（「【) never ends one.
`install_cjk_line_breaking` teaches Rich both, by changing what it counts as a word: a word is
an optional run of opening brackets, then one CJK character or a run of other non-space
characters (a Latin word, a number, a URL), then any closing punctuation, spaces allowed
before that punctuation so `WSL ，` keeps its comma.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

import rich._wrap
import rich.text
from rich.cells import cell_len, chop_cells

from ..archive.visible_text import CJK_RANGES

CLOSING = "，。、；：？！）」』】〕〉》〗〙〛”’・ー…‥％〟々ゝゞヽヾ｝］｠｡､･,.;:?!)\\]}%"
"""Punctuation that must not start a line (it stays with what comes before it)."""
OPENING = "（「『【〔〈《〖〘〚“‘［｛｟｢([{"
"""Brackets that must not end a line (they stay with what comes after them)."""

_CLOSE = re.escape(CLOSING)
_WIDE_CLOSE = re.escape("".join(character for character in CLOSING if not character.isascii()))
_OPEN = re.escape(OPENING)
_QUOTES = "\"'"
"""ASCII quotes open or close alike, so they break nothing they touch: `它"对` and `响"。` are
each one word (a line that started with `"。` broke kinsoku twice over)."""
_CORE = rf"[{CJK_RANGES}]|[^\s{CJK_RANGES}“‘{_QUOTES}]+"
# Full-width closing punctuation keeps to its word even across a space (`WSL ，`); ASCII
# punctuation only when it touches it (`.foo.md` after a space is a word of its own).
_WORD = re.compile(
    rf"\s*(?:[{_OPEN}]\s*|[{_QUOTES}])*(?:{_CORE}|\S)"
    rf"(?:[{_QUOTES}]+(?:[{_OPEN}]\s*)*(?:{_CORE})|[{_CLOSE}]+|[{_QUOTES}]+|\s+[{_WIDE_CLOSE}]+)*\s*"
)


def words(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, word) for Rich's `divide_line`: where a line may break."""
    position = 0
    for match in _WORD.finditer(text):
        if match.start() != position:  # cannot happen (every non-space starts a word): stay exact
            break
        position = match.end()
        yield match.start(), position, match.group(0)
    if position < len(text):  # only spaces after an opening bracket at the very end
        yield position, len(text), text[position:]


def fold_word(word: str, width: int) -> list[str]:
    """A word longer than a line (a long URL or path) cut into lines, each cut moved back so
    that closing punctuation does not start a line and an opening bracket does not end one.
    Linear in the word: a 1 MB line without spaces is cut by offsets, never re-sliced."""
    pieces = []
    start = 0
    text_end = len(word.rstrip())
    while start < text_end:
        head = chop_cells(word[start : start + width + 1], width)
        cut = max(1, len(head[0]) if head else width + 1)  # a wide character in 1 cell: alone
        if start + cut >= text_end:
            break
        while 1 < cut and (word[start + cut] in CLOSING or _ends_open(word[start : start + cut])):
            cut -= 1
        pieces.append(word[start : start + cut])
        start += cut
    pieces.append(word[start:])
    return [piece for piece in pieces if piece]


def _ends_open(piece: str) -> bool:
    """The piece would end its line with an opening bracket (spaces after it do not count)."""
    last = piece.rstrip()[-1:]
    return bool(last) and last in OPENING


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Offsets at which to break `text` to fit `width` cells: Rich's `divide_line`, with words
    as `words` finds them and long words folded by `fold_word`."""
    breaks: list[int] = []
    offset = 0
    # Printable ASCII is a cell a character: `len`, not Rich's per-word cache (a third of the
    # time of drawing a long English post).
    measure = len if text.isascii() and text.isprintable() else cell_len
    for start, _end, word in words(text):
        length = measure(word.rstrip())
        if width - offset >= length:
            offset += measure(word)
        elif length > width:
            if not fold:
                if start:
                    breaks.append(start)
                offset = measure(word)
                continue
            pieces = fold_word(word, width)
            for number, piece in enumerate(pieces):
                if start and (number or offset):
                    breaks.append(start)
                start += len(piece)
                offset = cell_len(piece)
        elif offset and start:
            breaks.append(start)
            offset = measure(word)
    return breaks


def install_cjk_line_breaking() -> None:
    """Let Rich break lines between CJK characters, keeping kinsoku (Rich only looks for spaces)."""
    if getattr(rich.text, "divide_line", None) is not divide_line and hasattr(rich._wrap, "words"):
        rich._wrap.words = words
        rich._wrap.divide_line = divide_line
        rich.text.divide_line = divide_line  # rich.text imported the name before we changed it


def is_cjk(character: str) -> bool:
    return bool(character) and _CJK_CHARACTER.match(character) is not None


_CJK_CHARACTER = re.compile(rf"[{CJK_RANGES}]")


def kinsoku_breaks(lines: list[str]) -> int:
    """How many wrapped lines break kinsoku: start with closing punctuation after a line that
    ended in CJK or Latin text, or end with an opening bracket. For the fidelity benchmark."""
    count = 0
    for previous, line in pairwise(lines):
        if previous.strip() and line.strip() and line.lstrip()[0] in CLOSING and line[:1] != " ":
            count += 1
    count += sum(1 for line in lines if line.rstrip() and line.rstrip()[-1] in OPENING)
    return count
