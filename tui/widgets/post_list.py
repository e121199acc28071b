"""The sidebar list of posts: a virtual list that renders only the rows on screen.

It keeps a sequence of post indices and draws the visible rows on demand (see VirtualList), so
filling, filtering and scrolling cost the same at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip

from ..archive import Post
from ..archive.highlights import highlight_spans
from .key_hand_over import KeyHandOver, own_binding
from .virtual_list import VirtualList

ROW_HEIGHT = 2


class PostList(VirtualList):
    """Two lines a post: the title, then date and source."""

    ROW_HEIGHT = ROW_HEIGHT

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next post", show=False, id="down"),
        Binding("k,up", "cursor_up", "Previous post", show=False, id="up"),
        Binding("g,home", "first", "First post", show=False, id="top"),
        Binding("G,end", "last", "Last post", show=False, id="bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("enter", "read", "Read", id="read"),
    ]

    COMPONENT_CLASSES = {
        "post-list--title",
        "post-list--meta",
        "post-list--cursor",
        "post-list--repaired",
        "post-list--empty",
        "post-list--match",
        "post-list--unread",
        "post-list--bookmark",
    }

    class Highlighted(Message):
        """The cursor moved to a post (sent on every move; the screen debounces)."""

        def __init__(self, index: int | None, by_user: bool = True) -> None:
            super().__init__()
            self.index = index
            self.by_user = by_user
            """False when the list itself moved the cursor (new results, loading)."""

    class Chosen(Message):
        """The user asked to read the post under the cursor (Enter or double click)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._posts: Sequence[Post] = ()
        self._order: Sequence[int] | np.ndarray = ()
        self._highlight: tuple[str, ...] = ()
        self._empty_message = "Loading…"
        self._empty_wrapped: tuple[tuple | None, list[Text]] = (None, [])
        self._row_cache: LRUCache[tuple, tuple[Strip, Strip]] = LRUCache(512)
        self._flags: Callable[[int], tuple[bool, bool]] | None = None
        self._showing = False
        self._hand_over = KeyHandOver(self)
        """From Enter on, the keys after it are for the reader, once it has the focus."""

    def show_flags(self, flags: Callable[[int], tuple[bool, bool]] | None) -> None:
        """Mark rows by post id: flags(id) -> (unread, bookmarked)."""
        self._flags = flags
        self.refresh_flags()

    def refresh_flags(self) -> None:
        """Posts were marked read, unread or bookmarked: repaint the rows."""
        self._row_cache.clear()
        self.refresh()

    # ------------------------------------------------------------ data

    @property
    def count(self) -> int:
        return len(self._order)

    @property
    def row_count(self) -> int:
        return len(self._order)

    def forget_drawn_rows(self) -> None:
        self._row_cache.clear()

    @property
    def current_post(self) -> Post | None:
        if 0 <= self.cursor < len(self._order):
            return self._posts[self._order[self.cursor]]
        return None

    @property
    def current_index(self) -> int | None:
        """The archive index of the post under the cursor."""
        if 0 <= self.cursor < len(self._order):
            return int(self._order[self.cursor])
        return None

    def show(
        self,
        posts: Sequence[Post],
        order: Sequence[int] | np.ndarray,
        *,
        keep_index: int | None = None,
        keep_row: int | None = None,
        empty_message: str = "No posts",
        highlight: tuple[str, ...] = (),
    ) -> None:
        """Show `posts[i] for i in order`; the cursor stays on post `keep_index` if it is shown,
        else on row `keep_row` (the post under it was deleted: the next one), else the first."""
        self._posts = posts
        self._order = order
        self._empty_message = empty_message
        self._highlight = highlight
        self._row_cache.clear()
        self.update_virtual_size()
        new_cursor = 0
        if keep_index is not None and len(order):
            found = np.flatnonzero(np.asarray(order) == keep_index)
            if len(found):
                new_cursor = int(found[0])
            elif keep_row is not None:
                new_cursor = min(keep_row, len(order) - 1)
        self._showing = True
        try:
            self.cursor = new_cursor
        finally:
            self._showing = False
        if new_cursor == 0:
            self.scroll_to(y=0, animate=False)
        else:
            # The scroll range is the old list's until the next layout: a cursor fifty rows down
            # a list that was one row long could not be scrolled to, and stayed off the screen.
            self.call_after_refresh(self._scroll_cursor_into_view)
        self.refresh()

    # ------------------------------------------------------------ cursor

    def cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self.current_index, by_user=not self._showing))

    def order_ids(self) -> np.ndarray:
        """The ids of the listed posts, in list order."""
        return np.asarray(self._order, dtype=np.int64)

    def lists(self, post_id: int) -> bool:
        """Whether the post is in the list (a post reached through the history may not be)."""
        return bool(len(self._order)) and bool(np.any(self.order_ids() == post_id))

    def move_to_id(self, post_id: int | None) -> bool:
        """Put the cursor on a post if it is listed; returns whether it is."""
        if post_id is None or not len(self._order):
            return False
        found = np.flatnonzero(self.order_ids() == post_id)
        if len(found):
            self.move_to(int(found[0]))
            return True
        return False

    def action_read(self) -> None:
        index = self.current_index
        if index is not None:
            self._hand_over.start()
            self.post_message(self.Chosen(index))

    async def _on_key(self, event: events.Key) -> None:
        """After Enter, keys typed with it (`Enter Space Space`) reach the list before the
        reader takes the focus: they are held, and sent on when it has."""
        if self._hand_over.take(event):
            return
        binding = own_binding(self, event.key)
        if binding and binding.action == "read":  # now: the app's bindings would run it
            event.stop()  # after the keys behind it had reached this list
            event.prevent_default()
            self.action_read()

    def release_keys(self, to_reader: bool) -> None:
        """The keys held after Enter go to the reader when it took the focus (and those still
        on their way here follow them); else they were not for what has it now: dropped."""
        if to_reader:
            self._hand_over.send_on()
        else:
            self._hand_over.stop()

    def _on_focus(self, event: events.Focus) -> None:
        self._hand_over.stop()

    async def _on_click(self, event: events.Click) -> None:
        row = (event.y + int(self.scroll_y)) // ROW_HEIGHT
        if 0 <= row < len(self._order):
            self.cursor = row
            if event.chain >= 2:
                self.action_read()

    # ------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        row, part = divmod(line, ROW_HEIGHT)
        base = self.rich_style
        if not len(self._order):
            message = self._empty_lines(width)
            if 1 <= line <= len(message):
                return self._strip(message[line - 1], width, base)
            return Strip.blank(width, base)
        if row >= len(self._order):
            return Strip.blank(width, base)
        return self._row_strips(row, width)[part]

    def _empty_lines(self, width: int) -> list[Text]:
        """The empty list's message, wrapped to the list's width (nothing of it cut off);
        wrapped once per message and width, not for each line drawn."""
        style = self.get_component_rich_style("post-list--empty")
        key = (self._empty_message, width, style)
        if self._empty_wrapped[0] != key:
            message = Text(self._empty_message, style=style)
            lines = [Text(" ") + piece for piece in message.wrap(self.app.console, max(4, width - 2))]
            self._empty_wrapped = (key, lines)
        return self._empty_wrapped[1]

    def _row_strips(self, row: int, width: int) -> tuple[Strip, Strip]:
        is_cursor = row == self.cursor
        key = (row, width, is_cursor, self.has_focus)
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached
        post = self._posts[self._order[row]]
        base = self.rich_style
        if is_cursor:
            base = base + self.get_component_rich_style("post-list--cursor")
            if not self.has_focus:
                base = base + Style(dim=False)
        title_style = self.get_component_rich_style("post-list--title", partial=True)
        meta_style = self.get_component_rich_style("post-list--meta", partial=True)
        title = Text(" ", end="")
        if self._flags is not None:
            unread, bookmarked = self._flags(int(self._order[row]))
            if bookmarked:
                title.append("★ ", self.get_component_rich_style("post-list--bookmark", partial=True))
            elif unread:
                title.append("● ", self.get_component_rich_style("post-list--unread", partial=True))
            else:
                title.append("  ")
            if not unread:
                title_style = title_style + Style(bold=False)
        if post.repaired:
            title.append("⚠ ", self.get_component_rich_style("post-list--repaired", partial=True))
        title_start = len(title)
        title.append(post.title, title_style)
        if self._highlight:
            match_style = self.get_component_rich_style("post-list--match", partial=True)
            for start, end in highlight_spans(post.title, self._highlight):
                title.stylize(match_style, title_start + start, title_start + end)
        meta = Text(" ", end="")
        meta.append(post.date_label, meta_style)
        if post.source:
            meta.append(" · " + post.source, meta_style)
        strips = (self._strip(title, width, base), self._strip(meta, width, base))
        self._row_cache[key] = strips
        return strips

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.truncate(max(1, width - 1), overflow="ellipsis")
        return self.strip(text, width, base)


def no_posts_message(passed_over: int) -> str:
    """What an empty list says: short (the sidebar may be 30 cells), and where to look."""
    if passed_over:
        return f"No posts: {passed_over} file{'s' if passed_over != 1 else ''} passed over (! says why)"
    return "No .md, .markdown or .html files here"
