"""Facet counts of one set of posts: per kind, how many fall under each value, in the order
the panel shows them (most posts first, then name; dates newest first)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .facet_storage import UNDATED, DimensionView


@dataclass(frozen=True, slots=True)
class FacetEntry:
    kind: str
    value: str
    """The facet value: pass it to `facet_qualifier` / `with_facet` / FacetPanel.Chosen."""
    label: str
    """Sanitised for display (one line, no control sequences)."""
    count: int
    """Posts among the counted ones that have this value."""
    has_children: bool = False


class FacetCounts:
    """Counts of one set of posts. Sorted views are computed on first use."""

    def __init__(
        self,
        total: int,
        views: dict[str, DimensionView],
        counts: dict[str, np.ndarray],
        overall: dict[str, np.ndarray],
        without: dict[str, int],
        overall_without: dict[str, int] | None = None,
    ) -> None:
        self.total = total
        """How many posts were counted."""
        self._views = views
        self._counts = counts
        self._overall = overall
        self._without = without
        self._overall_without = overall_without or {}
        self._orders: dict[tuple[str, int], np.ndarray] = {}

    @property
    def undated(self) -> int:
        return self._without["date"]

    def without(self, kind: str) -> int:
        """Counted posts with no value of this kind (no category, no author, no link, no date)."""
        return self._without.get(kind, 0)

    def without_overall(self, kind: str) -> int:
        """The same among all the posts whose values are listed (the universe counted)."""
        return self._overall_without.get(kind, 0)

    def count(self, kind: str, value: str) -> int:
        if kind == "date" and value == UNDATED:
            return self.undated
        view = self._views.get(kind)
        if view is None:
            return 0
        code = view.dimension.node_of_value.get(value)
        if code is None or code >= view.nodes:
            return 0
        return int(self._counts[kind][code])

    def _order(self, kind: str, parent: int) -> np.ndarray:
        """Children of `parent` worth showing: counted ones, then the rest of the archive's."""
        key = (kind, parent)
        order = self._orders.get(key)
        if order is None:
            view = self._views[kind]
            codes = np.array([c for c in view.dimension.children.get(parent, ()) if c < view.nodes], dtype=np.int64)
            counts, overall = self._counts[kind][codes], self._overall[kind][codes]
            keep = (counts > 0) | (overall > 0)
            codes, counts, overall = codes[keep], counts[keep], overall[keep]
            rank = view.dimension.rank()[codes]
            if kind == "date":
                order = codes[np.argsort(-rank, kind="stable")]  # newest first, whatever the counts
            else:
                # Most posts first, then by name; values none of these posts has go last,
                # in the order of the whole archive, so they stay in reach.
                order = codes[np.lexsort((rank, -np.where(counts == 0, overall, 0), -counts))]
            self._orders[key] = order
        return order

    def _parent_code(self, kind: str, parent: str | None) -> int | None:
        if kind not in self._views:
            return None  # 'is': counted by the caller
        if parent is None:
            return -1
        return self._views[kind].dimension.node_of_value.get(parent)

    def size(self, kind: str, parent: str | None = None) -> int:
        """How many entries `entries(kind, parent)` has in all."""
        code = self._parent_code(kind, parent)
        return 0 if code is None else len(self._order(kind, code))

    def entries(
        self, kind: str, parent: str | None = None, start: int = 0, stop: int | None = None
    ) -> list[FacetEntry]:
        """The children of `parent` (None: the top level) in display order, sliced.

        Order: most posts first, then name (dates: newest first); entries with no counted post
        (count 0) follow, if any post of the archive has them."""
        code = self._parent_code(kind, parent)
        if code is None:
            return []
        view = self._views[kind]
        nodes, children = view.dimension.nodes, view.dimension.children
        counts = self._counts[kind]
        return [
            FacetEntry(kind, nodes[c].value, nodes[c].label, int(counts[c]), bool(children.get(c)))
            for c in self._order(kind, code)[start:stop].tolist()
        ]

    def as_dict(self, kind: str) -> dict[str, int]:
        """Every value with at least one counted post (all levels for categories)."""
        view = self._views.get(kind)
        if view is None:
            return {}
        counts = self._counts[kind]
        nodes = view.dimension.nodes
        return {nodes[c].value: int(counts[c]) for c in np.flatnonzero(counts).tolist()}

    def ranked(self, kind: str, parent: str | None = None) -> list[tuple[str, int]]:
        """(value, count) with count > 0, in display order."""
        return [(entry.value, entry.count) for entry in self.entries(kind, parent) if entry.count]

    def authors(self) -> list[tuple[str, int]]:
        return self.ranked("author")

    def sources(self) -> list[tuple[str, int]]:
        return self.ranked("source")

    def years(self) -> list[tuple[str, int]]:
        return self.ranked("date")

    def months(self, year: str) -> list[tuple[str, int]]:
        return self.ranked("date", year)
