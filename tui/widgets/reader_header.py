"""The reader's header: title, author, date, categories and the original link of a post."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..archive import Post
from ..archive.highlights import highlight_spans
from ..rendering import hyperlink_target


def date_text(post: Post) -> str:
    if post.date is None:
        return f"undated (written as {post.date_raw!r})" if post.date_raw else "undated"
    shown = post.date.strftime("%Y-%m-%d %H:%M")
    zone = post.date.strftime("%z")
    shown += " UTC" if zone in ("+0000", "") else f" {zone[:3]}:{zone[3:]}"
    return shown


class ReaderHeader(Static):
    COMPONENT_CLASSES = {"reader-header--match"}

    def show_post(self, post: Post | None, *, bookmarked: bool = False, highlight: tuple[str, ...] = ()) -> None:
        if post is None:
            self.update("")
            return
        title = Text(post.title, style="bold")
        match_style = self.get_component_rich_style("reader-header--match", partial=True)
        for start, end in highlight_spans(post.title, highlight):
            title.stylize(match_style, start, end)
        if bookmarked:
            title = Text("★ ", style="bold").append(title)
        parts = [post.author, date_text(post), "   ".join(post.category_labels)]
        meta = Text(" · ".join(part for part in parts if part), style="dim")
        lines: list[Text] = [title, meta]
        if post.tags:
            lines.append(Text("# " + ", ".join(post.tags), style="dim"))
        if post.link:
            link = Text("↗ ", style="dim", no_wrap=True, overflow="ellipsis")  # the arrow never alone on a line
            lines.append(link.append(post.link, style=Style(link=hyperlink_target(post.link), underline=True)))
        if post.repaired or post.notes:
            notes = list(post.notes)
            lines.append(Text("⚠ " + "; ".join(notes), style="italic"))
        self.update(Group(*lines))
