"""What the reader shows of a post's body (the header already shows the title)."""

from __future__ import annotations

import re

from .fields import plain_text
from .folding import fold
from .site_markup import normalise_site_markup

_LEADING_HEADING = re.compile(r"[ \t\n]*#{1,6}[ \t]+([^\n]*)")  # linear: no lazy group before a tail
# What a page may open with that is never shown: `<script setup>`, styles, comments.
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # `# C\+\+ \& C\#` is `C++ & C#`
_INVISIBLE_OPENING = re.compile(r"[ \t\n]*(?:<(script|style)\b[^>]*>|<!--)", re.IGNORECASE)


def without_title_heading(markdown: str, title: str) -> str:
    """Drop a first heading that only repeats the title, so it is not shown twice."""
    match = _title_heading(markdown, title)
    if match:
        return (markdown[: match.start()].rstrip("\n") + "\n\n" + markdown[match.end() :].lstrip("\n")).lstrip("\n")
    return markdown


def _title_heading(markdown: str, title: str) -> re.Match[str] | None:
    """The page's first heading, when it only repeats the title."""
    match = _LEADING_HEADING.match(markdown, _after_invisible_opening(markdown))
    if match is None or len(match.group(1)) > 4 * len(title) + 64:
        return None  # none, or far longer than the title: not a repeat of it
    heading = _BACKSLASH_ESCAPE.sub(r"\1", match.group(1).rstrip(" \t#").strip())
    return match if title.strip() and fold(heading) == fold(title.strip()) else None


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&{}$])")
_LIST_OPENING = re.compile(r"^(\d{0,9})([-+=.)])")


def with_lead(markdown: str, lead: str, title: str) -> str:
    """The page with its frontmatter `description` as its first paragraph (after a heading
    that repeats the title): Docsy prints it as the page's lead, Zola themes under the title.
    Not when the page's opening already says it (links and emphasis aside)."""
    lead = new_lead(lead, plain_text(markdown[: 3 * len(lead) + 2000], "markdown"))
    if not lead:
        return markdown
    paragraph = _MARKDOWN_SPECIAL.sub(r"\\\1", lead)
    paragraph = _LIST_OPENING.sub(r"\1\\\2", paragraph)  # never a list item or a setext underline
    heading = _title_heading(markdown, title)
    at = heading.end() if heading else _after_invisible_opening(markdown)
    return f"{markdown[:at].rstrip()}\n\n{paragraph}\n\n{markdown[at:].lstrip()}".lstrip("\n")


def new_lead(lead: str, text: str) -> str:
    """The description on one line, or "" when `text` (the page's search text, fields.plain_text)
    opens with it already: the reader shows it once, and search counts it once."""
    lead = " ".join(lead.split())
    if not lead or fold(lead) in fold(" ".join(text[: len(lead) + 2000].split())):
        return ""
    return lead


def _after_invisible_opening(markdown: str) -> int:
    """Where the shown text of a page starts, past opening scripts, styles and comments."""
    position = 0
    for _ in range(8):
        opening = _INVISIBLE_OPENING.match(markdown, position)
        if opening is None:
            break
        end = "-->" if opening.group(1) is None else f"</{opening.group(1).lower()}>"
        close = markdown.lower().find(end, opening.end())
        if close < 0:
            break
        position = close + len(end)
    return position


def reader_markdown(body_markdown: str, title: str, body_format: str = "markdown") -> str:
    """The Markdown the reader draws for a post: its body as Markdown (`convert.to_markdown`,
    which is also what export writes), site-generator markup made into blocks, less a heading
    that repeats the title. The reader, the links screen and `postshelf show` start from this."""
    if body_format == "markdown":
        body_markdown = normalise_site_markup(body_markdown)
    return without_title_heading(body_markdown, title)


def markup_only(body: str) -> str:
    """What the reader shows of a body that converts to no text (Vue components after a
    `<script setup>`, scripts and styles only): that it has no text, and its source."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
    return (
        f"*(This page is markup that shows no text here: scripts, styles or components. Its source:)*\n\n"
        f"{fence}html\n{body.strip()}\n{fence}\n"
    )
