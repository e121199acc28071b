"""One post's body as the reader draws it: the single code path of the reader widget and of
`postshelf show`, so what the command prints is what the reader shows."""

from __future__ import annotations

from rich.segment import Segment

from ..archive.links import Link, links_in
from ..archive.reading import markup_only
from .document import render_lines

NO_TEXT = "*(This post has no text: its body is empty.)*"
"""Said for a body with nothing to show: nothing after the frontmatter, or an empty `<div>`."""


def post_lines(
    markdown: str, width: int, header_links: tuple[str, str] = ("", ""), code_theme: str = "monokai"
) -> tuple[list[list[Segment]], list[Link]]:
    """(lines at `width` cells, the post's numbered links). `header_links`: the post's own link
    and cover image, numbered 1 and 2 like the links screen."""
    if not markdown.strip():
        markdown = NO_TEXT
    links = links_in(markdown, *header_links)
    lines = render_lines(markdown, width, code_theme, links=links)
    if not any(line_text(line) for line in lines):
        # Only scripts, styles or components: say so, and show the source rather than nothing.
        lines = render_lines(markup_only(markdown), width, code_theme, links=links)
    return lines, links


def line_text(line: list[Segment]) -> str:
    return "".join(segment.text for segment in line if not segment.control).rstrip()


def searchable_text(line: list[Segment]) -> str:
    """A line's text as search matches it, cell for cell: an image's address blanked out. The
    index holds no addresses, and the reader shortens them to fit the width, so `322` counted
    a match in `…/322_coin_change_tree.png` at 120 columns and none at 80."""
    return "".join(
        " " * len(segment.text) if segment.style is not None and segment.style.meta.get("address") else segment.text
        for segment in line
        if not segment.control
    )
