"""The facet panel beside the list: where it shows (by the terminal's width, then where the
user put it with t), its counts (counted in a thread, the newest request's shown), and
choosing a facet, which writes its qualifier into the query."""

from __future__ import annotations

import numpy as np
from textual import on, work
from textual.worker import get_current_worker

from ..archive import Archive
from ..archive.facet_query import with_facet
from ..archive.facets import FacetData
from ..archive.query import QueryError
from ..archive.user_state import FlagMasks
from ..widgets.facet_panel import FacetPanel
from ..widgets.post_list import PostList
from ..widgets.search_bar import SearchBar
from .post_screen import PostScreen
from .worker_results import FacetsCounted

FACETS_BESIDE_FROM = 140
"""Columns from which the facets show at start, beside the list and the reader."""
READER_BESIDE_FACETS_FROM = 110
"""Below this many columns, showing the facets hides the reader (until a post is chosen)."""


class FacetActions(PostScreen):
    facet_data: FacetData | None = None
    """What the facets are made of: grows with the archive (made when it opens)."""
    facet_ids: np.ndarray | None = None
    """The ids of the last complete result: what the facet counts are about."""
    _facets_toggled = False
    """Whether the user showed or hid the facets (t): then the width no longer decides."""
    _facet_request = 0
    """Numbers the facet count requests: only the newest one's counts are shown."""

    def place_facets(self) -> None:
        """At start, facets show on wide terminals only; after `t`, where the user put them."""
        if not self._facets_toggled:
            self.show_facets(self.size.width >= FACETS_BESIDE_FROM, focus=False)
        else:
            self.show_facets(self.query_one(FacetPanel).display, focus=False)

    def show_facets(self, show: bool, focus: bool = True) -> None:
        panel = self.query_one(FacetPanel)
        panel.display = show
        self.set_class(show and self.size.width < READER_BESIDE_FACETS_FROM, "-facets-only")
        self.set_class(show and self.size.width >= READER_BESIDE_FACETS_FROM, "-facets-beside")
        if show:
            self.count_facets()
            if focus:
                self.focus_now(panel)
        elif focus and panel.has_focus:
            self.focus_now(self.query_one(PostList))

    def action_toggle_facets(self) -> None:
        self._facets_toggled = True
        panel = self.query_one(FacetPanel)
        if panel.display and not panel.has_focus:
            self.focus_now(panel)
            return
        self.show_facets(not panel.display)

    def count_facets(self) -> None:
        """Facet counts for the current result, when the panel shows: counted in a thread, and
        only the newest request's counts are shown."""
        self._facet_request += 1
        archive, facets, ids = self.archive, self.facet_data, self.facet_ids
        if archive is None or facets is None or ids is None or not self.query_one(FacetPanel).display:
            return
        self._count_facets_in_thread(self._facet_request, archive, facets, ids, self.flags)

    @work(thread=True, exclusive=True, group="facets")
    def _count_facets_in_thread(
        self, request: int, archive: Archive, facets: FacetData, ids: np.ndarray, flags: FlagMasks | None
    ) -> None:
        """A few ms at 100k posts: off the UI thread."""
        facets.extend(archive.posts)
        counts = facets.counts(ids, universe=archive.order)
        extra = {}
        if flags is not None and len(ids):
            size = archive.index.size
            extra = {
                "bookmarked": int(flags("bookmarked", size)[ids].sum()),
                "unread": int(flags("unread", size)[ids].sum()),
            }
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsCounted(request, counts, extra))

    @on(FacetsCounted)
    def _show_facet_counts(self, message: FacetsCounted) -> None:
        if message.generation == self._facet_request:
            self.query_one(FacetPanel).show_counts(message.counts, message.extra)

    @on(FacetPanel.Chosen)
    def _facet_chosen(self, event: FacetPanel.Chosen) -> None:
        bar = self.query_one(SearchBar)
        try:
            bar.value = with_facet(bar.value, event.kind, event.value, self.facet_data)
        except QueryError as error:
            self.notify(f"Not chosen: the search cannot be read ({error})", severity="warning", timeout=4)
            return
