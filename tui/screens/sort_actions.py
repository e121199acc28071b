"""The list's order: `s` cycles it, the command palette picks one; either writes sort: into the
query, so the search bar always says how the list is ordered."""

from __future__ import annotations

from ..archive.query import SORTS, QueryError, parse
from ..archive.query_text import has_sort, with_sort
from ..widgets.search_bar import SearchBar
from .post_screen import PostScreen

SORT_NAMES = {"date": "date, newest first", "-date": "date, oldest first", "title": "title", "relevance": "relevance"}


class SortActions(PostScreen):
    def current_sort(self) -> str:
        try:
            query = parse(self.query_text)
        except QueryError:
            return self.options.default_sort
        return query.sort if has_sort(self.query_text) else self.options.default_sort

    def set_sort(self, sort: str) -> None:
        if sort not in SORTS:
            return
        bar = self.query_one(SearchBar)
        try:
            bar.value = with_sort(bar.value, sort, self.options.default_sort)
        except QueryError as error:
            self.notify(f"Not sorted: the search cannot be read ({error})", severity="warning", timeout=4)
            return
        self.notify(f"Sorted by {SORT_NAMES[sort]}", timeout=2)

    def action_cycle_sort(self) -> None:
        order = ["date", "-date", "title", "relevance"]
        current = self.current_sort()
        self.set_sort(order[(order.index(current) + 1) % len(order)] if current in order else "date")
