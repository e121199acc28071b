"""The post body: Markdown rendered to lines in a worker thread, shown by a line widget.

Textual's Markdown widget mounts a widget per block and takes seconds on long posts (45 s for
500 KB, see docs/architecture.md). Here Rich renders the Markdown to lines off the event loop
and the widget only paints the lines on screen, so a long post never stalls the UI.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from ..rendering import render_markdown

MAX_TEXT_WIDTH = 100
"""Lines longer than this are tiring to read; wider panes get margins instead."""


class ReaderBody(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_home", "Top of post", show=False),
        Binding("G,end", "scroll_end", "End of post", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
    ]

    class Rendered(Message):
        """A post finished rendering (tests and the status line wait on this)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._load_markdown: Callable[[], str] | None = None
        self._lines: list[Strip] = []
        self._rendered_width = 0
        self._generation = 0

    @property
    def text(self) -> str:
        """Plain text of what is shown, for tests and copying."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def show(self, load_markdown: Callable[[], str]) -> None:
        """Show a post; `load_markdown` reads and converts it, so it runs off the event loop."""
        self._load_markdown = load_markdown
        self._generation += 1
        self.scroll_to(y=0, animate=False)
        self._start_render()

    def clear(self) -> None:
        self._load_markdown = None
        self._generation += 1
        self._lines = []
        self.virtual_size = Size(0, 0)
        self.refresh()

    def _text_width(self) -> int:
        return max(20, min(MAX_TEXT_WIDTH, self.scrollable_content_region.width - 1))

    def _start_render(self) -> None:
        if self._load_markdown is None:
            return
        width = self._text_width()
        self._rendered_width = width
        self._render_in_thread(self._load_markdown, width, self._generation)

    @work(thread=True, exclusive=True, group="reader-render")
    def _render_in_thread(self, load_markdown: Callable[[], str], width: int, generation: int) -> None:
        try:
            lines = render_markdown(load_markdown(), width)
        except Exception as error:  # a renderer bug must not take the app down
            lines = render_markdown(f"*This post could not be displayed: {type(error).__name__}.*", width)
        if get_current_worker().is_cancelled:
            return
        strips = [Strip(line).simplify() for line in lines]
        self.app.call_from_thread(self._set_lines, strips, generation)

    def _set_lines(self, strips: list[Strip], generation: int) -> None:
        if generation != self._generation:
            return
        self._lines = strips
        self.virtual_size = Size(self._rendered_width, len(strips))
        self.refresh()
        self.post_message(self.Rendered())

    def on_resize(self) -> None:
        if self._load_markdown is not None and self._text_width() != self._rendered_width:
            self._start_render()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        return self._lines[index].crop_extend(int(self.scroll_x), int(self.scroll_x) + width, style).apply_style(style)
