"""Facets beside the post list: bookmarks, categories, sources, authors and a timeline, each
value with how many posts of the current search have it. Choosing one narrows the search.

A virtual tree (a VirtualList, like PostList): it lays out only what is expanded (long lists a page at a time,
ending in a "… N more" row) and paints only the rows on screen, so thousands of authors cost
nothing until looked at, and new counts re-label rows without rebuilding widgets.

The panel never filters by itself. It posts `Chosen(kind, value)`; the screen writes the
qualifier into the query (tui.archive.facet_query.with_facet), then tells the panel what the query
selects (`select`) and what its results count (`show_counts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from ..archive.facet_counts import FacetCounts
from ..archive.facet_storage import UNDATED
from ..archive.sanitize import one_line
from .virtual_list import VirtualList

PAGE = 50
"""Entries listed under one parent before a "… N more" row (each press on it shows more)."""
SECTIONS = (
    ("is", "Bookmarks"),
    ("cat", "Categories"),
    ("source", "Sources"),
    ("author", "Authors"),
    ("date", "Timeline"),
)
EXTRA_LABELS = {"bookmarked": "Bookmarked ★", "unread": "Unread"}


@dataclass(frozen=True, slots=True)
class FacetRow:
    """One line of the panel."""

    key: tuple
    """('section', kind), (kind, value) or ('more', kind, parent): stable across counts."""
    depth: int
    kind: str
    value: str | None
    """The facet value (None on section and "… more" rows)."""
    label: str
    count: int | None
    expandable: bool = False
    expanded: bool = False
    parent: str | None = None

    @property
    def is_section(self) -> bool:
        return self.key[0] == "section"

    @property
    def is_more(self) -> bool:
        return self.key[0] == "more"


class FacetPanel(VirtualList):
    """Sections of facet values with counts; Enter filters by the value under the cursor."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next facet", show=False, id="down"),
        Binding("k,up", "cursor_up", "Previous facet", show=False, id="up"),
        Binding("g,home", "first", "First facet", show=False, id="top"),
        Binding("G,end", "last", "Last facet", show=False, id="bottom"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("enter,space", "choose", "Filter / unfilter"),
        Binding("l,right", "expand", "Expand", show=False),
        Binding("h,left", "collapse", "Collapse", show=False),
    ]

    COMPONENT_CLASSES = {
        "facet-panel--section",
        "facet-panel--guide",
        "facet-panel--count",
        "facet-panel--empty",
        "facet-panel--selected",
        "facet-panel--cursor",
        "facet-panel--more",
        "facet-panel--message",
    }

    class Chosen(Message):
        """The user chose a facet: filter by `value`, or by none of this kind when None
        (choosing the facet already selected clears it)."""

        def __init__(self, kind: str, value: str | None) -> None:
            super().__init__()
            self.kind = kind
            self.value = value

    def __init__(
        self, *, expanded: Iterable[str] = ("is", "cat"), id: str | None = None, classes: str | None = None
    ) -> None:
        """`expanded`: the sections open at first (kinds: is, cat, source, author, date)."""
        super().__init__(id=id, classes=classes)
        self._counts: FacetCounts | None = None
        self._extra: dict[str, int] | None = None
        self._selection: dict[str, str] = {}
        self._expanded: set[tuple] = {("section", kind) for kind in expanded}
        self._limits: dict[tuple[str, str | None], int] = {}
        self._rows: list[FacetRow] = []
        self._strips: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------ data

    @property
    def rows(self) -> tuple[FacetRow, ...]:
        """The rows laid out now, top to bottom."""
        return tuple(self._rows)

    @property
    def selection(self) -> dict[str, str]:
        return dict(self._selection)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def forget_drawn_rows(self) -> None:
        self._strips.clear()

    @property
    def current_row(self) -> FacetRow | None:
        return self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None

    def show_counts(self, counts: FacetCounts, extra: dict[str, int] | None = None) -> None:
        """New counts (after each complete search result): re-label in place, keeping what is
        expanded and the row under the cursor. `extra`: counts of the Bookmarks section
        ('bookmarked', 'unread'); without it that section is not shown."""
        self._counts = counts
        self._extra = dict(extra) if extra is not None else None
        self._relayout()

    def select(self, selection: dict[str, str]) -> None:
        """Mark the facets the query selects ({kind: value}, see facet_query.selected_facets)."""
        if selection != self._selection:
            self._selection = dict(selection)
            self._relayout()

    # ------------------------------------------------------------ layout

    def _relayout(self) -> None:
        current = self.current_row
        self._rows = self._layout()
        self._strips.clear()
        self.update_virtual_size()
        position = min(self.cursor, max(0, len(self._rows) - 1))
        if current is not None:
            for index, row in enumerate(self._rows):
                if row.key == current.key:
                    position = index
                    break
        self.cursor = position
        self.refresh()

    def _layout(self) -> list[FacetRow]:
        counts = self._counts
        rows: list[FacetRow] = []
        if counts is None:
            return rows
        for kind, title in SECTIONS:
            if kind == "is":
                if self._extra is None:
                    continue
                header = None
            elif kind == "date":
                if not counts.size("date") and not counts.without("date") and kind not in self._selection:
                    continue
                header = counts.total
            else:
                if not counts.size(kind) and kind not in self._selection:
                    continue  # e.g. no post has a link: no Sources section
                header = counts.total - counts.without(kind)
            key = ("section", kind)
            expanded = key in self._expanded
            rows.append(FacetRow(key, 0, kind, None, title, header, True, expanded))
            if expanded:
                if kind == "is":
                    for name, count in (self._extra or {}).items():  # never None here: see above
                        label = EXTRA_LABELS.get(name, one_line(name))
                        rows.append(FacetRow(("is", name), 1, "is", name, label, count))
                else:
                    self._add_child_rows(rows, counts, kind, None, 1)
        return rows

    def _add_child_rows(
        self, rows: list[FacetRow], counts: FacetCounts, kind: str, parent: str | None, depth: int
    ) -> None:
        total = counts.size(kind, parent)
        limit = self._limits.get((kind, parent), PAGE)
        for entry in counts.entries(kind, parent, 0, limit):
            key = (kind, entry.value)
            expanded = entry.has_children and key in self._expanded
            rows.append(
                FacetRow(key, depth, kind, entry.value, entry.label, entry.count, entry.has_children, expanded, parent)
            )
            if expanded:
                self._add_child_rows(rows, counts, kind, entry.value, depth + 1)
        if total > limit:
            rows.append(
                FacetRow(("more", kind, parent), depth, kind, None, f"… {total - limit:,} more", None, parent=parent)
            )
        undated = counts.without("date") or counts.without_overall("date")  # listed, at 0 too, as the years are
        if kind == "date" and parent is None and (undated or self._selection.get("date") == UNDATED):
            rows.append(FacetRow(("date", UNDATED), depth, "date", UNDATED, "Undated", counts.without("date")))

    def _show_more(self, row: FacetRow) -> None:
        position = self.cursor
        limit = self._limits.get((row.kind, row.parent), PAGE)
        self._limits[(row.kind, row.parent)] = limit + max(PAGE, limit)  # doubling: 5k in 7 steps
        self._relayout()
        if self.current_row is not None and self.current_row.key == row.key:
            self.move_to(position)  # onto the first of the entries just shown

    def _set_expanded(self, row: FacetRow, expanded: bool) -> None:
        if expanded:
            self._expanded.add(row.key)
        else:
            self._expanded.discard(row.key)
        self._relayout()

    # ------------------------------------------------------------ cursor

    def action_choose(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.is_more:
            self._show_more(row)
        elif row.is_section:
            self._set_expanded(row, not row.expanded)
        else:
            value = None if self._selection.get(row.kind) == row.value else row.value
            # Shown at once; the screen confirms through select() when the query changes.
            selection = dict(self._selection)
            if value is None:
                selection.pop(row.kind, None)
            else:
                selection[row.kind] = value
            self.select(selection)
            self.post_message(self.Chosen(row.kind, value))

    def action_expand(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.is_more:
            self._show_more(row)
        elif row.expandable and not row.expanded:
            self._set_expanded(row, True)
        elif row.expanded:
            self.move_to(self.cursor + 1)

    def action_collapse(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.expandable and row.expanded:
            self._set_expanded(row, False)
            return
        for index in range(self.cursor - 1, -1, -1):  # to the parent
            if self._rows[index].depth < row.depth:
                self.move_to(index)
                return

    async def _on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_y)
        if not 0 <= index < len(self._rows):
            return
        self.cursor = index
        row = self._rows[index]
        glyph = 2 * row.depth
        if row.expandable and glyph <= event.x < glyph + 2:
            self._set_expanded(row, not row.expanded)
        elif event.chain >= 2 or row.is_more:
            self.action_choose()

    # ------------------------------------------------------------ rendering

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        """A component's colour and text style without its background (the row's shows through).

        Not `partial=True`: that drops the alpha of colours like `$text-muted` (auto 60%)."""
        style = self._styles.get(name)
        if style is None:
            full = self.get_component_rich_style(name)
            style = self._styles[name] = Style(
                color=full.color, bold=full.bold, italic=full.italic, underline=full.underline, dim=full.dim
            )
        return style

    def _marks(self, row: FacetRow) -> tuple[bool, bool]:
        """(selected, contains the selection): the chosen node, and the parents leading to it."""
        chosen = self._selection.get(row.kind)
        if chosen is None or row.is_more:
            return False, False
        if row.is_section:
            return False, True
        if chosen == row.value:
            return True, False
        separator = "-" if row.kind == "date" else "/"
        return False, row.expandable and row.value is not None and chosen.startswith(row.value + separator)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base = self.rich_style
        if self._counts is None or not self._rows:
            if y == 0:
                message = "Loading…" if self._counts is None else "No facets"
                return self.strip(Text(f" {message}", style=self._style("facet-panel--message"), end=""), width, base)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (index, width, is_cursor, self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 4 * max(24, self.size.height):
                self._strips.clear()
            strip = self._strips[key] = self._render_row(self._rows[index], width, is_cursor)
        return strip

    def _render_row(self, row: FacetRow, width: int, is_cursor: bool) -> Strip:
        base = self.rich_style
        if is_cursor:
            base = base + self.get_component_rich_style("facet-panel--cursor")
            if not self.has_focus:
                base = base + Style(dim=False)
        style = Style()
        if row.is_section:
            style += self._style("facet-panel--section")
        elif row.is_more:
            style += self._style("facet-panel--more")
        elif row.count == 0:
            style += self._style("facet-panel--empty")
        selected, leads_to = self._marks(row)
        if selected:
            style += self._style("facet-panel--selected")
        text = Text(" " * (2 * row.depth), end="", no_wrap=True)
        glyph = ("▾ " if row.expanded else "▸ ") if row.expandable else "  "
        text.append(glyph, self._style("facet-panel--guide"))
        if selected:
            text.append("● ", style)
        elif leads_to:
            text.append("◦ ", style)
        text.append(row.label, style)
        count = "" if row.count is None else f"{row.count:,}"
        room = max(1, width - 1 - (cell_len(count) + 1 if count else 0))
        text.truncate(room, overflow="ellipsis", pad=True)
        if count:
            count_style = style
            if not row.is_section and row.count and not selected:
                count_style = style + self._style("facet-panel--count")
            text.append(" " + count, count_style)
        return self.strip(text, width, base)
