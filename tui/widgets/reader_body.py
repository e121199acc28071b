"""The post body: Markdown rendered to lines in a worker thread, shown by a line widget.

Textual's Markdown widget mounts a widget per block and takes seconds on long posts (45 s for
500 KB, see docs/architecture.md). Here Rich renders the Markdown to lines off the event loop
and the widget only paints the lines on screen, so a long post never stalls the UI. Search
matches are highlighted while rendering; `n` / `N` move between them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from ..archive.highlights import highlight_spans
from ..archive.images import ImageCache, ImageFetchError
from ..rendering import render_markdown
from ..rendering.linebreak import is_cjk
from ..rendering.post import post_lines, searchable_text

MAX_TEXT_WIDTH = 100
"""Lines longer than this are tiring to read; wider panes get margins instead."""
PREVIEW_FROM = 40_000
"""Posts with more Markdown than this show their opening first, while the rest renders."""
PREVIEW_CHARACTERS = 12_000
MAX_INLINE_IMAGES = 30
_PLACEHOLDER = re.compile(r"^(\s*(?:[•◦▪\-*]|\d+\.)?\s*)\[img (\d+)\]")


def _opening(markdown: str) -> str:
    """The first part of a long post, cut at a paragraph break outside code blocks."""
    cut = markdown.rfind("\n\n", 0, PREVIEW_CHARACTERS)
    opening = markdown[: cut if cut > 0 else PREVIEW_CHARACTERS]
    if opening.count("```") % 2:
        opening += "\n```"
    return opening + "\n\n*…*\n"


_DECORATION = re.compile(r"[\s│▌•◦▪]*")


def match_spans(texts: list[str], terms: tuple[str, ...]) -> tuple[list[list[tuple[int, int]]], list[int]]:
    """Spans of the folded terms in each line, found across wrapped lines: a term that the
    line breaking split (`信用` at the end of one line, `建设` at the start of the next) is
    still found and marked on both. Quote bars, list bullets and indents are skipped over.
    Returns the spans of each line, and the line each match starts on (what `n` visits: one
    entry a match, so two on one line count two, whatever the width)."""
    pieces: list[str] = []
    starts: list[int] = []
    offsets: list[int] = []  # where each line's text begins in the line (after its decoration)
    position = 0
    previous = ""
    for text in texts:
        decoration = _DECORATION.match(text)  # always matches (perhaps nothing)
        skip = decoration.end() if decoration else 0
        body = text[skip:].rstrip()
        joint = "\n" if not body or not previous else "" if is_cjk(previous[-1]) and is_cjk(body[0]) else " "
        pieces.append(joint)
        position += len(joint)
        starts.append(position)
        offsets.append(skip)
        pieces.append(body)
        position += len(body)
        previous = body
    per_line: list[list[tuple[int, int]]] = [[] for _ in texts]
    first_lines: list[int] = []
    for start, end in highlight_spans("".join(pieces), terms):
        line = bisect_right(starts, start) - 1
        first_lines.append(line)
        while line < len(texts) and starts[line] < end:
            lo = max(start, starts[line]) - starts[line]
            hi = min(end, starts[line] + len(texts[line]) - offsets[line]) - starts[line]
            if hi > lo:
                per_line[line].append((lo + offsets[line], hi + offsets[line]))
            line += 1
    return per_line, first_lines


def mark_spans(segments: list[Segment], spans: list[tuple[int, int]], style: Style) -> list[Segment]:
    """Apply `style` to the character spans of a line of segments."""
    if not spans:
        return segments
    result: list[Segment] = []
    position = 0
    span_index = 0
    for segment in segments:
        if segment.control:
            result.append(segment)
            continue
        start, end = position, position + len(segment.text)
        position = end
        cut = start
        while span_index < len(spans) and spans[span_index][0] < end:
            span_start, span_end = spans[span_index]
            if span_end <= cut:
                span_index += 1
                continue
            lo, hi = max(span_start, cut), min(span_end, end)
            if lo > cut:
                result.append(Segment(segment.text[cut - start : lo - start], segment.style))
            result.append(Segment(segment.text[lo - start : hi - start], (segment.style or Style()) + style))
            cut = hi
            if span_end <= end:
                span_index += 1
            else:
                break
        if cut < end:
            result.append(Segment(segment.text[cut - start :], segment.style))
    return result


class ReaderBody(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="up"),
        Binding("g,home", "scroll_home", "Top of post", show=False, id="top"),
        Binding("G,end", "scroll_end", "End of post", show=False, id="bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="page_up"),
        Binding("left,h", "scroll_left", "Scroll left (wide tables)", show=False, id="left"),
        Binding("right,l", "scroll_right", "Scroll right (wide tables)", show=False, id="right"),
    ]

    COMPONENT_CLASSES = {"reader-body--match", "reader-body--current-match"}

    class Rendered(Message):
        """A post finished rendering (tests and the status line wait on this)."""

    class MatchMoved(Message):
        """The current search match changed: (1-based index, total), or total 0."""

        def __init__(self, current: int, total: int) -> None:
            super().__init__()
            self.current = current
            self.total = total

    class LinesDrawn(Message, bubble=False):
        """A worker drew the post's lines: all of them (`complete`), or a long post's first screens."""

        def __init__(
            self,
            generation: int,
            strips: list[Strip],
            match_lines: list[int],
            complete: bool,
            plain_lines: list[list[Segment]] | None = None,
            links: list | None = None,
        ) -> None:
            super().__init__()
            self.generation = generation
            self.strips = strips
            self.match_lines = match_lines
            self.complete = complete
            self.plain_lines = plain_lines
            self.links = links
            """The post's numbered links, when the Markdown was rendered (not on a re-highlight)."""

    class ImageDrawn(Message, bubble=False):
        """A worker drew one more inline image into the lines."""

        def __init__(
            self, generation: int, strips: list[Strip], match_lines: list[int], plain_lines: list[list[Segment]]
        ) -> None:
            super().__init__()
            self.generation = generation
            self.strips = strips
            self.match_lines = match_lines
            self.plain_lines = plain_lines

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._load_markdown: Callable[[], str] | None = None
        self._lines: list[Strip] = []
        self._match_lines: list[int] = []
        self._current_match = -1
        self._highlight: tuple[str, ...] = ()
        self._rendered_width = 0
        self._generation = 0
        self._rendered_generation = -1
        self._plain_lines: list[list[Segment]] | None = None  # the complete render, unmarked
        self._shown_generation = -1
        self._header_links: tuple[str, str] = ("", "")
        self.images: ImageCache | None = None
        """Set when the user turned images on: inline images are fetched and drawn."""
        self._links: list = []
        self._render_id = 0
        self._images_started = -1

    @property
    def text(self) -> str:
        """Plain text of what is shown, for tests and copying."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    @property
    def text_width(self) -> int:
        """Cells per line the post was drawn at (what `postshelf show --width` takes)."""
        return self._rendered_width

    @property
    def match_lines(self) -> list[int]:
        return list(self._match_lines)

    def show(
        self,
        load_markdown: Callable[[], str],
        highlight: tuple[str, ...] = (),
        header_links: tuple[str, str] = ("", ""),
        keep_place: bool = False,
    ) -> None:
        """Show a post; `load_markdown` reads and converts it, so it runs off the event loop.
        `header_links`: the post's link and image, numbered 1 and 2 like the links screen;
        `keep_place`: the same post again (its file changed), read on from where it was."""
        self._load_markdown = load_markdown
        self._header_links = header_links
        self._highlight = highlight
        self._generation += 1
        # The header above already shows the new post: until its lines are drawn, the last
        # post's are dimmed (a long or slow post may take a while; blanking each time would
        # flash while the cursor runs down the list).
        self.add_class("-stale")
        if not keep_place:
            self.scroll_to(x=0, y=0, animate=False)
        self._start_render()

    def set_highlight(self, highlight: tuple[str, ...]) -> None:
        """New search terms: re-mark the rendered lines (no new Markdown render per keystroke)."""
        if highlight == self._highlight:
            return
        self._highlight = highlight
        rendered = self._rendered_generation == self._generation and self._plain_lines is not None
        self._generation += 1
        if rendered:
            style = self.get_component_rich_style("reader-body--match", partial=True)
            self._highlight_in_thread(self._plain_lines, highlight, style, self._generation)
        else:
            self._start_render()

    def clear(self) -> None:
        self.remove_class("-stale")
        self._load_markdown = None
        self._plain_lines = None
        self._generation += 1
        self._lines = []
        self._match_lines = []
        self.virtual_size = Size(0, 0)
        self.refresh()

    def _text_width(self) -> int:
        return max(20, min(MAX_TEXT_WIDTH, self.scrollable_content_region.width - 1))

    def _start_render(self) -> None:
        if self._load_markdown is None:
            return
        self._render_id += 1
        width = self._text_width()
        self._rendered_width = width
        style = self.get_component_rich_style("reader-body--match", partial=True)
        self._render_in_thread(self._load_markdown, width, self._highlight, style, self._generation, self._header_links)

    @work(thread=True, exclusive=True, group="reader-render")
    def _render_in_thread(
        self,
        load_markdown: Callable[[], str],
        width: int,
        highlight: tuple[str, ...],
        style: Style,
        generation: int,
        header_links: tuple[str, str] = ("", ""),
    ) -> None:
        worker = get_current_worker()
        try:
            markdown = load_markdown()
            if len(markdown) > PREVIEW_FROM:
                # A long post: show its first screens now, the whole of it when rendered.
                opening, _ = post_lines(_opening(markdown), width, header_links)
                preview = self._finish_lines(opening, highlight, style)
                if worker.is_cancelled:
                    return
                self.post_message(self.LinesDrawn(generation, *preview, complete=False))
            lines, links = post_lines(markdown, width, header_links)
        except Exception as error:  # a renderer bug must not take the app down
            lines = render_markdown(f"*This post could not be displayed: {type(error).__name__}.*", width)
            links = []
        if worker.is_cancelled:
            return
        strips, match_lines = self._finish_lines(lines, highlight, style)
        self.post_message(self.LinesDrawn(generation, strips, match_lines, True, lines, links))

    @work(thread=True, exclusive=True, group="reader-render")
    def _highlight_in_thread(
        self, lines: list[list[Segment]], highlight: tuple[str, ...], style: Style, generation: int
    ) -> None:
        strips, match_lines = self._finish_lines(lines, highlight, style)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LinesDrawn(generation, strips, match_lines, True, lines))

    @staticmethod
    def _finish_lines(
        lines: list[list[Segment]], highlight: tuple[str, ...], style: Style
    ) -> tuple[list[Strip], list[int]]:
        match_lines: list[int] = []
        marked = lines
        if highlight:
            texts = [searchable_text(line) for line in lines]
            spans_of_lines, match_lines = match_spans(texts, highlight)
            marked = [mark_spans(line, spans, style) for line, spans in zip(lines, spans_of_lines, strict=True)]
        return [Strip(line).simplify() for line in marked] + [Strip([])], match_lines

    @on(LinesDrawn)
    def _set_lines(self, drawn: LinesDrawn) -> None:
        strips, match_lines, generation = drawn.strips, drawn.match_lines, drawn.generation
        complete, plain_lines = drawn.complete, drawn.plain_lines
        if generation != self._generation:
            return
        self.remove_class("-stale")
        if drawn.links is not None:
            self._links = drawn.links
        if complete:
            self._plain_lines = plain_lines
        self._shown_generation = generation
        if complete:
            self._rendered_generation = generation
        self._lines = strips
        self._match_lines = match_lines
        self._current_match = -1
        self.virtual_size = Size(max([self._rendered_width, *(strip.cell_length for strip in strips)]), len(strips))
        self.refresh()
        if not complete:
            return
        self.post_message(self.Rendered())
        if self._highlight:
            self.post_message(self.MatchMoved(0, len(match_lines)))
        if self.images is not None and self._images_started != self._render_id and plain_lines:
            self._images_started = self._render_id
            style = self.get_component_rich_style("reader-body--match", partial=True)
            self._draw_images(
                self.images, plain_lines, list(self._links), self._rendered_width, self._highlight, style, generation
            )

    @work(thread=True, exclusive=True, group="reader-images")
    def _draw_images(
        self,
        images: ImageCache,
        lines: list[list[Segment]],
        links: list,
        width: int,
        highlight: tuple[str, ...],
        style: Style,
        generation: int,
    ) -> None:
        """Fetch the post's images one by one and draw each under its placeholder line."""
        from ..image_rendering import ImageDecodeError, decode, half_cell_lines

        worker = get_current_worker()
        by_number = {link.number: link for link in links if link.kind == "image"}
        lines = list(lines)
        drawn = 0
        position = 0
        while position < len(lines) and drawn < MAX_INLINE_IMAGES:
            text = "".join(segment.text for segment in lines[position] if not segment.control)
            found = _PLACEHOLDER.match(text)
            position += 1
            if not found or int(found.group(2)) not in by_number:
                continue
            try:
                image = decode(images.get(by_number[int(found.group(2))].url))
            except (ImageFetchError, ImageDecodeError):
                continue  # the placeholder stays: it names the image and its address
            if worker.is_cancelled:
                return
            indent = [Segment(" " * len(found.group(1)))] if found.group(1) else []
            drawn_lines = [indent + line for line in half_cell_lines(image, width - len(found.group(1)))]
            lines[position:position] = drawn_lines
            position += len(drawn_lines)
            drawn += 1
            strips, match_lines = self._finish_lines(lines, highlight, style)
            self.post_message(self.ImageDrawn(generation, strips, match_lines, list(lines)))

    @on(ImageDrawn)
    def _show_images(self, drawn: ImageDrawn) -> None:
        """Lines with an image drawn in: keep the reader where it is (no Rendered, no match reset)."""
        if drawn.generation != self._generation:
            return
        self._plain_lines = drawn.plain_lines
        self._lines = strips = drawn.strips
        self._match_lines = drawn.match_lines
        self.virtual_size = Size(max([self._rendered_width, *(strip.cell_length for strip in strips)]), len(strips))
        self.refresh()

    def on_resize(self) -> None:
        if self._load_markdown is not None and self._text_width() != self._rendered_width:
            self.scroll_to(x=0, animate=False)  # the lines wrap anew: an offset kept would cut the prose
            self._start_render()

    def _go_to_match(self, index: int) -> None:
        if not self._match_lines:
            self.post_message(self.MatchMoved(0, 0))
            return
        self._current_match = index % len(self._match_lines)
        line = self._match_lines[self._current_match]
        region = self.scrollable_content_region
        column = self._match_column(line, self._match_lines[: self._current_match].count(line))
        x = self.scroll_x
        if not x <= column < x + region.width - 4:  # off to a side, in wide code or a table
            x = max(0, column - region.width // 3)
        self.scroll_to(x=x, y=max(0, line - region.height // 3), animate=False)
        self.refresh()
        self.post_message(self.MatchMoved(self._current_match + 1, len(self._match_lines)))

    def _match_column(self, line: int, before: int) -> int:
        """The cell where the line's match after `before` others starts (0 when the line
        holds only the end of one that began on the line before)."""
        if line >= len(self._lines):
            return 0
        text = "".join(segment.text for segment in self._lines[line] if not segment.control)
        spans = highlight_spans(text, self._highlight)
        return cell_len(text[: spans[before][0]]) if before < len(spans) else 0

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        """A page from where the scroll is going: Textual's counts from where it is, so a key
        pressed during the last page's animation moved less than a page. (Only while it is
        going: a resize leaves the last target behind.)"""
        if not self.allow_vertical_scroll:
            raise SkipAction()
        moving = self.app.animator.is_being_animated(self, "scroll_y")
        start = self.scroll_target_y if moving else self.scroll_y
        self.scroll_to(y=start + direction * self.scrollable_content_region.height)

    def action_next_match(self) -> None:
        if not self._match_lines:
            return self._go_to_match(0)
        following = [i for i, line in enumerate(self._match_lines) if i > self._current_match]
        self._go_to_match(following[0] if following else 0)

    def action_previous_match(self) -> None:
        self._go_to_match(self._current_match - 1 if self._current_match > 0 else len(self._match_lines) - 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        strip = self._lines[index].crop_extend(int(self.scroll_x), int(self.scroll_x) + width, style)
        if 0 <= self._current_match < len(self._match_lines) and self._match_lines[self._current_match] == index:
            marker = self.get_component_rich_style("reader-body--current-match")
            return strip.apply_style(style).apply_style(marker)
        return strip.apply_style(style)
