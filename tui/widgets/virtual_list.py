"""A list that lays out nothing and paints only the rows on screen: the base of the post list
and the facet panel.

Textual's ListView/OptionList build a widget or a renderable per row and freeze for seconds at
100k rows (see docs/architecture.md). Here a subclass says how many rows there are and draws
the visible lines on demand (`render_line`, with its own cache of drawn rows); this class
keeps the cursor, the keys that move it, and the scrolling that follows it.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualList(ScrollView, can_focus=True):
    ROW_HEIGHT = 1
    """Lines a row takes."""

    cursor: reactive[int] = reactive(0, init=False, always_update=True)

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def forget_drawn_rows(self) -> None:
        """Drop the cached drawings of rows: what they show, their style or the focus changed."""
        raise NotImplementedError

    def cursor_moved(self) -> None:
        """Called after every cursor move (the post list tells the screen)."""

    def update_virtual_size(self) -> None:
        """The rows changed in number: scroll over all of them."""
        self.virtual_size = Size(self.size.width, self.row_count * self.ROW_HEIGHT)

    # ------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, cursor: int) -> None:
        # Rows are cached per (row, width, is-cursor, focus): only the two changed rows repaint.
        self._scroll_cursor_into_view()
        self.refresh_lines(old * self.ROW_HEIGHT, self.ROW_HEIGHT)
        self.refresh_lines(cursor * self.ROW_HEIGHT, self.ROW_HEIGHT)
        self.cursor_moved()

    def move_to(self, position: int) -> None:
        """Put the cursor on row `position`, or the nearest row there is."""
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, position))

    def _scroll_cursor_into_view(self) -> None:
        row_height = self.ROW_HEIGHT
        top = self.cursor * row_height
        height = max(row_height, self.scrollable_content_region.height)
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + row_height > self.scroll_y + height:
            # Whole rows at the top: never a row's second line without its first.
            lowest = top + row_height - height
            self.scroll_to(y=-(-lowest // row_height) * row_height, animate=False)

    @property
    def page_rows(self) -> int:
        """Rows a page key moves: a screenful less one, so a row stays in sight."""
        return max(1, self.scrollable_content_region.height // self.ROW_HEIGHT - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.row_count - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self.page_rows)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self.page_rows)

    # ------------------------------------------------------------ drawing

    def strip(self, text: Text, width: int, base: Style) -> Strip:
        """One line of the list: `text` over the row's `base` style, cut or padded to `width`."""
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, base).simplify()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_drawn_rows()

    def on_resize(self) -> None:
        self.forget_drawn_rows()
        self.update_virtual_size()

    def on_focus(self) -> None:
        self.forget_drawn_rows()
        self.refresh()

    def on_blur(self) -> None:
        self.forget_drawn_rows()
        self.refresh()
