"""The text a reader sees of inline markup, for the search index: a phrase the reader shows
in one piece must be one piece in the index too.

The reader shows `前文[链接](url)后文` as 前文链接后文, `这是**重点**内容` as 这是重点内容, an HTML
`<a>紧急呼吁</a>用户` as 紧急呼吁用户, and two lines of Chinese in one paragraph joined without a
space. The index kept the brackets, the asterisks, a space for each tag and each line break, so
none of those phrases was found. These are regular expressions, not a Markdown parser: they run
on every post of a cold read, where a parse would cost a millisecond a post.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

from .text_pieces import code_spans

CJK_RANGES = "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
"""Chinese, Japanese and Korean characters and their full-width punctuation: lines of them are
joined without a space (the reader's soft line breaks, linebreak.py's breaking)."""

_INLINE_NAMES = (
    "a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong"
    "|time|tt|u|var|wbr"
)
_RAISED = re.compile(r"<(su[pb])(?:\s[^<>]*)?>|</su[pb]\s*>", re.IGNORECASE)
"""`2<sup>31</sup>` is `2^31` on screen (a terminal has no raised text), and `H<sub>2</sub>O` `H_2O`."""
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_NAMES})(?:\s[^<>]*)?/?>")
_INLINE_TAG_ANY_CASE = re.compile(_INLINE_TAG.pattern, re.IGNORECASE)
_UPPER_CASE_TAG = re.compile(r"</?[A-Z]")
"""Tags that only style the text inside a line go without a trace, where a block's tag (`<p>`,
`<br>`, `<td>`) separates what is on each side. Matched in lower case unless the text has an
upper-case tag: ignoring case made the alternatives three times slower (20 µs a feed post)."""


_LINE_BEFORE_CJK = re.compile(rf"\n[ \t]*(?=[{CJK_RANGES}])")
_SPACE_AND_LINE_BEFORE_CJK = re.compile(rf" \n[ \t]*(?=[{CJK_RANGES}])")
_TAB_AND_LINE_BEFORE_CJK = re.compile(rf"\t\n[ \t]*(?=[{CJK_RANGES}])")
_QUOTE_MARKS = re.compile(r"^[ ]{0,3}(?:>[ \t]?)+", re.MULTILINE)
"""A quote's `>` at each line's start: the reader draws a bar and joins the quote's lines."""
_CJK = re.compile(rf"[{CJK_RANGES}]")
_LINK_TEXT = r"((?:[^\[\]\n]|\n(?![ \t]*\n)){0,1000})"  # (over a line break too, not a blank line)
_INLINE_LINK = re.compile(rf"!?\[{_LINK_TEXT}\]\([^()\s]{{0,2000}}(?:[ \t]+\"[^\"\n]{{0,500}}\")?\)")
"""`[text](address "title")` and `![alt](src)`: the text, or the alt."""
_REFERENCE_LINK = re.compile(rf"!?\[{_LINK_TEXT}\](?:\[([^\[\]\n]{{0,200}})\]|(?!\())")
"""`[text][label]`, `[text][]` and `[label]`: a link when the page defines the label
(`dp[0][1]` is code, `[x]` is text)."""
_DEFINED_LABEL = re.compile(r"^[ ]{0,3}\[(?!\^)([^\[\]\n]{1,200})\]:", re.MULTILINE)  # (`[^1]:`: a footnote)
_DELIMITER_RUN = re.compile(r"\*+|_+|~~+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def without_inline_tags(text: str) -> str:
    if "<" not in text:
        return text
    if "<su" in text or "<SU" in text:
        text = _RAISED.sub(_raised_mark, text)
    pattern = _INLINE_TAG_ANY_CASE if _UPPER_CASE_TAG.search(text) else _INLINE_TAG
    return pattern.sub("", text)


def _raised_mark(match: re.Match[str]) -> str:
    name = match.group(1)
    return "" if name is None else "^" if name.lower() == "sup" else "_"


def join_cjk_lines(text: str) -> str:
    """Lines whose break falls between two CJK characters, joined as the reader joins them: not
    after a Markdown hard break (two spaces before the line's end) nor after a heading."""
    if "\n" not in text:
        return text
    text = _LINE_BEFORE_CJK.sub(_joined, text)
    # One space before the line's end is no hard break (two are): a pattern of its own, with
    # its own first character to look for (an optional space first made it ten times slower).
    if " \n" in text:
        text = _SPACE_AND_LINE_BEFORE_CJK.sub(_joined, text)
    return _TAB_AND_LINE_BEFORE_CJK.sub(_joined, text) if "\t\n" in text else text


def _joined(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    if not start or not _CJK.match(text, start - 1):
        return match.group(0)
    line_start = text.rfind("\n", 0, start) + 1
    return match.group(0) if text.startswith("#", line_start) else ""


def defined_labels(markdown: str) -> frozenset[str]:
    """The link reference labels a page defines (`[1349]: …`), in lower case."""
    if "]:" not in markdown:
        return frozenset()
    return frozenset(" ".join(label.lower().split()) for label in _DEFINED_LABEL.findall(markdown))


def markdown_inline_text(text: str, strip_tags, labels: frozenset[str] = frozenset()) -> str:
    """Markdown prose without its inline markup: code spans' text as written (a `<div>` in one
    is text), links' and images' text without their addresses, no emphasis marks or escapes.
    `strip_tags(piece)`: what becomes of the HTML tags outside code spans; `labels`: the page's
    link reference labels (defined_labels)."""
    spans = code_spans(text) if "`" in text else []
    if "[" in text:  # links first: a link's text may be a code span (`[`x: true`](…) 启用`)
        text = _links_to_text(text, spans, labels)
        spans = code_spans(text) if spans else []
    if "[^" in text:
        text = _footnote_numbers(text, spans)
        spans = code_spans(text) if spans else []
    if "*" in text or "~~" in text or "_" in text:  # over code spans too: `**`x`**` is bold code
        text = "\n\n".join(_without_emphasis(paragraph) for paragraph in text.split("\n\n"))
        spans = code_spans(text) if spans else []
    pieces, last = [], 0
    for start, end, ticks in spans:
        pieces += [_prose(text[last:start], strip_tags), " ".join(text[start + ticks : end - ticks].split())]
        last = end
    pieces.append(_prose(text[last:], strip_tags))
    return "".join(pieces)


def _links_to_text(text: str, spans: list[tuple[int, int, int]], labels: frozenset[str]) -> str:
    """Links as their text, outside code spans (`spans`, where they are in `text`)."""
    text = _substitute(_INLINE_LINK, text, spans, lambda match: match.group(1))
    if "](" in text:  # a badge: an image inside a link
        text = _substitute(_INLINE_LINK, text, code_spans(text) if spans else [], lambda match: match.group(1))
    if not labels or "]" not in text:
        return text

    def reference(match: re.Match[str]) -> str:
        label = " ".join((match.group(2) or match.group(1)).lower().split())
        return match.group(1) if label and label in labels else match.group(0)

    return _substitute(_REFERENCE_LINK, text, code_spans(text) if spans else [], reference)


def _substitute(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int, int]], shown) -> str:
    """`pattern.sub(shown)`, but a match that is escaped (`\\[not a link\\](x)`) or starts in a
    code span stays as written."""
    starts = [start for start, _end, _ticks in spans]

    def replaced(match: re.Match[str]) -> str:
        start = match.start()
        inside = bisect_right(starts, start) - 1
        if (start and text[start - 1] == "\\") or (inside >= 0 and start < spans[inside][1]):
            return match.group(0)
        return shown(match)

    return pattern.sub(replaced, text)


def _prose(text: str, strip_tags) -> str:
    text = without_inline_tags(text)
    # Lines joined before block tags become spaces: `<br>` or `</li>` ends a line, no join.
    text = strip_tags(join_cjk_lines(_QUOTE_MARKS.sub("", text) if ">" in text else text))
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return text


def _without_emphasis(paragraph: str) -> str:
    """The marks that pair up as CommonMark pairs them (left- and right-flanking runs, `_` not
    inside a word) are taken out; every other `*`, `_` or `~` is shown, and kept: `_config.yml`,
    `*args and **kwargs`, `*.md`, `char* p`, `2*3`, `snake_case`."""
    if paragraph.count("*") < 2 and paragraph.count("_") < 2 and "~~" not in paragraph:
        return paragraph
    removed: list[tuple[int, int]] = []
    openers: list[list] = []  # [character, start, length] of runs that may open
    code = code_spans(paragraph) if "`" in paragraph else []
    code_starts = [start for start, _end, _ticks in code]
    for run in _DELIMITER_RUN.finditer(paragraph):
        start, end = run.span()
        if start and paragraph[start - 1] == "\\":
            continue  # escaped
        inside = bisect_right(code_starts, start) - 1
        if inside >= 0 and start < code[inside][1]:
            continue  # in code, as written
        character = paragraph[start]
        before = paragraph[start - 1] if start else " "
        after = paragraph[end] if end < len(paragraph) else " "
        left = not after.isspace() and (not _punctuation(after) or before.isspace() or _punctuation(before))
        right = not before.isspace() and (not _punctuation(before) or after.isspace() or _punctuation(after))
        if character == "_":
            can_open = left and (not right or _punctuation(before))
            can_close = right and (not left or _punctuation(after))
        else:
            can_open, can_close = left, right
        length = end - start
        number = len(openers) - 1 if can_close else -1
        lowest = number - 64  # a closer looks back this far at most: linear on hostile runs of marks
        while length and number >= 0 and number > lowest:
            opener = openers[number]
            if opener[0] != character:
                number -= 1
                continue
            used = min(opener[2], length)
            removed += [(opener[1] + opener[2] - used, opener[1] + opener[2]), (start, start + used)]
            opener[2] -= used
            del openers[number + (opener[2] > 0) :]  # and the runs between them: never paired now
            start, length = start + used, length - used
            number = len(openers) - 1
            lowest = number - 64
        if can_open and length:
            openers.append([character, start, length])
    if not removed:
        return paragraph
    pieces, last = [], 0
    for start, end in sorted(removed):
        pieces.append(paragraph[last:start])
        last = end
    pieces.append(paragraph[last:])
    return "".join(pieces)


_FOOTNOTE = re.compile(r"\[\^([^\[\]\s]{1,100})\](:?)")
_FOOTNOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\[\]\s]{1,100})\]:", re.MULTILINE)


def _footnote_numbers(text: str, spans: list[tuple[int, int, int]]) -> str:
    """`[^note]` as the reader shows it, numbered in the order of first mention: `[1]`; its
    definition's mark too (`[^note]:` → `[1]`). Only labels the page defines: `[^abc]` in a
    regular expression is text, and so is anything in code."""
    defined = {label.lower() for label in _FOOTNOTE_DEFINITION.findall(text)}
    if not defined:
        return text
    numbers: dict[str, int] = {}

    def numbered(match: re.Match[str]) -> str:
        label = match.group(1).lower()
        if label not in defined:
            return match.group(0)
        return f"[{numbers.setdefault(label, len(numbers) + 1)}]"

    return _substitute(_FOOTNOTE, text, spans, numbered)


def _punctuation(character: str) -> bool:
    return unicodedata.category(character)[0] in "PS"
