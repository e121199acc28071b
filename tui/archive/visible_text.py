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
from bisect import bisect_right

from .text_pieces import code_spans

CJK_RANGES = "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
"""Chinese, Japanese and Korean characters and their full-width punctuation: lines of them are
joined without a space (the reader's soft line breaks, linebreak.py's breaking)."""

_INLINE_NAMES = (
    "a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub"
    "|sup|time|tt|u|var|wbr"
)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_NAMES})(?:\s[^<>]*)?/?>")
_INLINE_TAG_ANY_CASE = re.compile(_INLINE_TAG.pattern, re.IGNORECASE)
_UPPER_CASE_TAG = re.compile(r"</?[A-Z]")
"""Tags that only style the text inside a line go without a trace, where a block's tag (`<p>`,
`<br>`, `<td>`) separates what is on each side. Matched in lower case unless the text has an
upper-case tag: ignoring case made the alternatives three times slower (20 µs a feed post)."""


_LINE_BEFORE_CJK = re.compile(rf"\n[ \t]*(?=[{CJK_RANGES}])")
_CJK = re.compile(rf"[{CJK_RANGES}]")
_LINK = re.compile(
    r"!?\[([^\[\]\n]{0,1000})\](?:\([^()\s]{0,2000}(?:[ \t]+\"[^\"\n]{0,500}\")?\)|\[[^\[\]\n]{0,200}\])"
)
"""`[text](address "title")`, `![alt](src)` and `[text][reference]`: the text, or the alt."""
_EMPHASIS = re.compile(r"\*+|~~+")
_UNDERSCORES = re.compile(r"_+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def without_inline_tags(text: str) -> str:
    if "<" not in text:
        return text
    pattern = _INLINE_TAG_ANY_CASE if _UPPER_CASE_TAG.search(text) else _INLINE_TAG
    return pattern.sub("", text)


def join_cjk_lines(text: str) -> str:
    """Lines whose break falls between two CJK characters, joined as the reader joins them (a
    Markdown hard break, spaces before the line's end, is left: the reader keeps it)."""
    return _LINE_BEFORE_CJK.sub(_joined, text) if "\n" in text else text


def _joined(match: re.Match[str]) -> str:
    start = match.start()
    return "" if start and _CJK.match(match.string, start - 1) else match.group(0)


def markdown_inline_text(text: str, strip_tags) -> str:
    """Markdown prose without its inline markup: code spans' text as written (a `<div>` in one
    is text), links' and images' text without their addresses, no emphasis marks or escapes.
    `strip_tags(piece)`: what becomes of the HTML tags outside code spans."""
    if "`" not in text:
        return _prose(_links_to_text(text), strip_tags)
    if "[" in text:  # links first: a link's text may be a code span (`[`x: true`](…) 启用`)
        spans = code_spans(text)
        starts = [start for start, _end, _ticks in spans]

        def outside_code(match: re.Match[str]) -> str:
            inside = bisect_right(starts, match.start()) - 1
            return match.group(0) if inside >= 0 and match.start() < spans[inside][1] else match.group(1)

        text = _LINK.sub(outside_code, text)
    pieces, last = [], 0
    for start, end, ticks in code_spans(text):
        pieces += [_prose(text[last:start], strip_tags), " ".join(text[start + ticks : end - ticks].split())]
        last = end
    pieces.append(_prose(text[last:], strip_tags))
    return "".join(pieces)


def _links_to_text(text: str) -> str:
    if "[" not in text:
        return text
    text = _LINK.sub(r"\1", text)
    return _LINK.sub(r"\1", text) if "](" in text else text  # a badge: an image inside a link


def _prose(text: str, strip_tags) -> str:
    text = strip_tags(without_inline_tags(text))
    if "*" in text or "~~" in text or "_" in text:
        text = "\n\n".join(_without_emphasis(paragraph) for paragraph in text.split("\n\n"))
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return text


def _without_emphasis(paragraph: str) -> str:
    """Marks come in pairs within a paragraph: a lone one (`3*3 矩阵`) is shown as written."""
    if paragraph.count("*") > 1 or "~~" in paragraph:
        paragraph = _EMPHASIS.sub(_emphasis_mark, paragraph)
    if paragraph.count("_") > 1:
        paragraph = _UNDERSCORES.sub(_underscore_mark, paragraph)
    return paragraph


def _emphasis_mark(match: re.Match[str]) -> str:
    """`*`, `**` and `~~` touching text on one side at least mark emphasis (inside a word too);
    alone between spaces (`2 * 3`, a list's bullet) or escaped they are shown."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before == "\\" or (before.isspace() and after.isspace()):
        return match.group(0)
    return ""


def _underscore_mark(match: re.Match[str]) -> str:
    """`_` marks emphasis at a word's edge only: inside one (`snake_case`) it is a letter."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before == "\\" or (before.isalnum() and after.isalnum()) or (before.isspace() and after.isspace()):
        return match.group(0)
    return ""
