"""Facets of an archive: how many of a set of posts fall in each category (at every level),
source, author, year and month, and which qualifier selects exactly a facet's posts.

Counts must keep up with typing on 100k posts, so no call loops over posts in Python: posts
get integer codes as they are added (facet_storage.py), a count is two `np.bincount`s per
kind (facet_counts.py), and the query text side is facet_query.py.
"""

from __future__ import annotations

import threading

import numpy as np

from .facet_counts import FacetCounts
from .facet_query import facet_qualifier, plain_qualifier, quote_value
from .facet_storage import UNDATED, Dimension, DimensionView
from .field_values import source_hosts
from .folding import fold


def _local_months(timestamps: list, offsets: list) -> np.ndarray:
    """Months since 1970-01 of each date as the post shows it (its own zone); -1 << 40 if none."""
    stamps = np.array(timestamps, dtype=np.float64)  # None -> nan
    local = stamps + np.array(offsets, dtype=np.float64)
    months = np.full(len(stamps), -(1 << 40), dtype=np.int64)
    dated = ~np.isnan(local)
    seconds = np.floor(local[dated]).astype(np.int64)
    months[dated] = seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months


class FacetData:
    """Per-post facet codes for an archive's posts, grown as posts are appended.

    Post ids are rows of the PostTable (ids never change; removed posts are simply not among
    the ids counted). `extend` reads only rows it has not seen; `counts` may run in another
    thread meanwhile."""

    def __init__(self) -> None:
        self.size = 0
        self._lock = threading.Lock()
        self._dimensions = {kind: Dimension(kind) for kind in ("cat", "author", "source", "date")}
        self._overall: tuple[object, int, dict[str, np.ndarray], dict[str, int]] | None = None
        self._qualifiers: dict[tuple[str, str], tuple[int, tuple[str, bool]]] = {}

    @classmethod
    def build(cls, posts, size: int | None = None) -> FacetData:
        """Facet codes for rows 0..size-1 of a PostTable (all of it by default)."""
        data = cls()
        data.extend(posts, size)
        return data

    def extend(self, posts, size: int | None = None) -> int:
        """Add rows self.size..size-1 of the PostTable (all new rows by default); returns how many."""
        columns = posts.columns
        stop = len(posts) if size is None else min(size, len(posts))
        start = self.size
        if stop <= start:
            return 0
        with self._lock:
            dims = self._dimensions
            self._add_rows(dims["cat"], columns["categories"][start:stop], self._category_nodes)
            self._add_rows(dims["author"], columns["authors"][start:stop], self._author_nodes(dims["author"]))
            hosts = source_hosts(columns["link"][start:stop])
            self._add_rows(dims["source"], hosts, self._flat_nodes(dims["source"]))
            self._add_months(columns["timestamp"][start:stop], columns["utc_offset"][start:stop])
            self.size = stop
        return stop - start

    @staticmethod
    def _add_rows(dim: Dimension, keys: list, nodes_of) -> None:
        set_of_key = dim.set_of_key
        for key in dict.fromkeys(keys):  # first-seen order: codes are the same every run
            if key not in set_of_key:
                if key:
                    dim.add_set(key, nodes_of(key))
                else:
                    set_of_key[key] = 0
        dim.rows.extend(np.fromiter(map(set_of_key.__getitem__, keys), dtype=np.int32, count=len(keys)))

    def _category_nodes(self, paths: tuple[tuple[str, ...], ...]) -> list[int]:
        dim = self._dimensions["cat"]
        return [code for path in paths for code in dim.path_nodes(path)]

    @staticmethod
    def _author_nodes(dim: Dimension):
        """A post's authors: each its own facet entry (`authors = ["A", "B"]` counts for A and B)."""
        return lambda authors: [dim.node(author, author, -1, (author,)) for author in authors]

    @staticmethod
    def _flat_nodes(dim: Dimension):
        return lambda value: [dim.node(value, value, -1, (value,))]

    def _add_months(self, timestamps: list, offsets: list) -> None:
        dim = self._dimensions["date"]
        months = _local_months(timestamps, offsets)
        dated = months > -(1 << 40)
        unique, inverse = np.unique(months[dated], return_inverse=True)
        codes = np.zeros(len(unique), dtype=np.int32)
        for position, month in enumerate(unique.tolist()):
            code = dim.set_of_key.get(month)
            if code is None:
                year, month_of_year = 1970 + month // 12, month % 12 + 1
                year_value = f"{year:04d}"
                year_node = dim.node(year_value, year_value, -1, (year_value,))
                month_value = f"{year:04d}-{month_of_year:02d}"
                month_node = dim.node(month_value, month_value, year_node, (year_value, month_value))
                code = dim.add_set(month, (year_node, month_node))
            codes[position] = code
        rows = np.zeros(len(months), dtype=np.int32)
        rows[dated] = codes[inverse]
        dim.rows.extend(rows)

    # ------------------------------------------------------------ counting

    def _views(self) -> tuple[int, dict[str, DimensionView]]:
        with self._lock:
            views = {
                kind: DimensionView(dim, dim.rows.array, *dim.incidence(), len(dim.set_keys), len(dim.nodes))
                for kind, dim in self._dimensions.items()
            }
            return self.size, views

    @staticmethod
    def _count(view: DimensionView, rows: np.ndarray) -> tuple[np.ndarray, int]:
        """Posts per node, and posts with no value."""
        per_set = np.bincount(rows, minlength=view.sets)
        per_node = np.bincount(view.inc_node, weights=per_set[view.inc_set], minlength=view.nodes)
        return per_node.astype(np.int64), int(per_set[0])

    def counts(self, ids: np.ndarray, universe: np.ndarray | None = None) -> FacetCounts:
        """Counts for the posts `ids` (a search result, or all alive ids).

        `universe` (e.g. archive.order: every alive id) decides which values with no post among
        `ids` are still listed, and in which order; by default every row ever added."""
        size, views = self._views()
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) and int(ids.max()) >= size:
            ids = ids[ids < size]  # posts added since the last extend: not counted yet
        counts, without = {}, {}
        for kind, view in views.items():
            counts[kind], without[kind] = self._count(view, view.rows[ids])
        overall, overall_without = self._overall_counts(size, views, universe)
        return FacetCounts(len(ids), views, counts, overall, without, overall_without)

    def _overall_counts(
        self, size: int, views: dict[str, DimensionView], universe
    ) -> tuple[dict[str, np.ndarray], dict[str, int]]:
        cached = self._overall
        if cached is not None and cached[0] is universe and cached[1] == size:
            return cached[2], cached[3]
        overall, without = {}, {}
        for kind, view in views.items():
            if universe is None:
                rows = view.rows[:size]
            else:
                wanted = np.asarray(universe, dtype=np.int64)
                rows = view.rows[wanted[wanted < size]]
            overall[kind], without[kind] = self._count(view, rows)
        self._overall = (universe, size, overall, without)
        return overall, without

    def post_ids(self, kind: str, value: str) -> np.ndarray:
        """Ids of every row counted under this facet value (ascending)."""
        size, views = self._views()
        view = views[kind]
        rows = view.rows[:size]
        if kind == "date" and value == UNDATED:
            return np.flatnonzero(rows == 0)
        code = view.dimension.node_of_value.get(value)
        if code is None or code >= view.nodes:
            return np.zeros(0, dtype=np.int64)
        wanted = np.zeros(view.sets, dtype=bool)
        wanted[view.inc_set[view.inc_node == code]] = True
        return np.flatnonzero(wanted[rows])

    def values(self, kind: str) -> list[str]:
        """Every value of a kind seen so far (categories: every node at every level)."""
        with self._lock:
            return [node.value for node in self._dimensions[kind].nodes]

    # ------------------------------------------------------------ the query side

    def qualifier(self, kind: str, value: str) -> str:
        """The qualifier that narrows the query to exactly this facet, when the language can.

        `cat:` (like author: and source:) matches a folded substring of any category level or
        joined path. A category tries, shortest first: its last level (`cat:ZAKER`), its path
        (`cat:新媒体/ZAKER`), the path with a slash after it (only posts filed deeper), the
        level between slashes, and takes the first that matches exactly its posts; if none
        does (another category contains it, e.g. 新媒体/ZAKER 热点), the exact-value form
        `cat:=新媒体/ZAKER`. Authors and sources: the value, else `author:=value`."""
        return self._best(kind, value)[0]

    def is_exact(self, kind: str, value: str) -> bool:
        """Whether `qualifier(kind, value)` finds exactly the posts counted under the value."""
        return self._best(kind, value)[1]

    def _best(self, kind: str, value: str) -> tuple[str, bool]:
        dim = self._dimensions.get(kind)
        if dim is None or kind == "date":
            return facet_qualifier(kind, value), kind in ("date", "is")
        with self._lock:
            sets = len(dim.set_keys)
            cached = self._qualifiers.get((kind, value))
            if cached is not None and cached[0] == sets:
                return cached[1]
            code = dim.node_of_value.get(value)
            if code is None:
                return plain_qualifier(kind, value), False
            candidates = [value]
            path = dim.nodes[code].path
            if kind == "cat":
                last = path[-1]
                candidates = [last, value, value + "/", f"/{last}/"] if len(path) > 1 else [value, value + "/"]
            best = (f"{kind}:={quote_value(value)}", False)
            for candidate in dict.fromkeys(candidates):
                if self._exact(dim, code, candidate):
                    best = (plain_qualifier(kind, candidate), True)
                    break
            else:  # another value contains this one: the whole value, from the root for a category
                for whole in dict.fromkeys([value, "/" + value] if kind == "cat" else [value]):
                    if self._exact(dim, code, whole, whole=True):
                        best = (f"{kind}:={quote_value(whole)}", True)
                        break
            self._qualifiers[(kind, value)] = (sets, best)
            return best

    @staticmethod
    def _exact(dim: Dimension, code: int, candidate: str, whole: bool = False) -> bool:
        """Whether `kind:candidate` (`kind:=candidate` if `whole`) matches exactly the posts
        under node `code`, matching as index.py does: the folded candidate is a substring of (or
        is) a folded value of the post."""
        if '"' in candidate or not candidate.strip():
            return False
        folded = fold(candidate.strip())
        strings, pair_sets, pair_strings = dim.searched()
        found = (string == folded for string in strings) if whole else (folded in string for string in strings)
        hit = np.fromiter(found, dtype=bool, count=len(strings))
        matched = np.zeros(len(dim.set_keys), dtype=bool)
        matched[pair_sets[hit[pair_strings]]] = True
        inc_set, inc_node = dim.incidence()
        under = np.zeros(len(dim.set_keys), dtype=bool)
        under[inc_set[inc_node == code]] = True
        return bool(np.array_equal(matched, under))

    def canonical(self, kind: str, written: str) -> str:
        """The facet value a qualifier value written by hand stands for ('zaker' -> '新媒体/ZAKER'
        when only one node answers to it), else `written` unchanged."""
        dim = self._dimensions.get(kind)
        if dim is None:
            return written
        with self._lock:
            if written in dim.node_of_value:
                return written
            # cat:ZAKER, cat:新媒体/ZAKER/ and cat:/ZAKER/ (see qualifier) all name 新媒体/ZAKER.
            written_key = fold(written.strip().strip("/") if kind == "cat" else written.strip())
            candidates = list(dict.fromkeys(dim.by_folded.get(written_key, ())))
            if len(candidates) > 1:  # prefer whole values over last levels
                whole = [code for code in candidates if fold(dim.nodes[code].value) == written_key]
                candidates = whole or candidates
            if len(candidates) == 1:
                return dim.nodes[candidates[0]].value
        return written


__all__ = ["FacetData"]
