"""Facets: how many of a set of posts fall in each category (at every level), source, author,
year and month, and the mapping between a chosen facet and a qualifier in the query text.

Counts must keep up with typing on 100k posts, so no call loops over posts in Python. When a
post is added it gets one small integer per dimension: the code of the distinct raw value it
has (its tuple of category paths, its author, its link's host, its month). Counting a set of
posts is then two `np.bincount`s per dimension: posts per code, then codes spread over the
nodes they count for. A post in 新媒体/ZAKER/channel counts once for each of 新媒体,
新媒体/ZAKER and 新媒体/ZAKER/channel, however many of its paths share those prefixes.

The facets and the search bar are one filter: choosing a facet writes its qualifier into the
query (`with_facet`), and the selection shown is read back from the query (`selected_facets`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .field_values import category_values, source_hosts
from .folding import fold
from .query import QueryError, Token, parse, tokenize
from .query_text import with_terms_replaced
from .sanitize import one_line

KINDS = ("cat", "author", "source", "date", "is")
"""Facet kinds; each is also the query qualifier it writes (except date's `is:undated`)."""
IS_FACETS = ("bookmarked", "unread")
"""`is:` values that are facets (their counts come from the caller: they live outside posts)."""
UNDATED = "undated"
"""The timeline's entry for posts without a date; its qualifier is `is:undated`."""

_SPACE = re.compile(r"\s")
_SHORT_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


# ---------------------------------------------------------------- storage


class _IntColumn:
    """An int32 array that grows by doubling, so appending batches costs O(batch)."""

    def __init__(self) -> None:
        self.array = np.zeros(1024, dtype=np.int32)
        self.size = 0

    def extend(self, values: np.ndarray | Sequence[int]) -> None:
        values = np.asarray(values, dtype=np.int32)
        end = self.size + len(values)
        if end > len(self.array):
            grown = np.zeros(max(end, 2 * len(self.array)), dtype=np.int32)
            grown[: self.size] = self.array[: self.size]
            self.array = grown
        self.array[self.size : end] = values
        self.size = end


@dataclass(frozen=True, slots=True)
class _Node:
    value: str
    """What the facet means in a query: '新媒体/ZAKER', 'ZAKER', 'github.com', '2021-12'."""
    label: str
    """What the panel shows (sanitised): 'ZAKER', '2021-12'."""
    parent: int
    """Code of the parent node, -1 at the top level."""
    path: tuple[str, ...]
    sort_key: tuple[str, str]


class _Dimension:
    """One facet kind: a code per post ('set': its distinct raw value) and per set its nodes.

    Set 0 is 'no value' (no category, no author, undated) and counts for no node."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rows = _IntColumn()
        self.set_of_key: dict[Hashable, int] = {}
        self.set_keys: list[Any] = [None]
        """Per set, its raw value: a tuple of authors, a tuple of category paths, or a string."""
        self._inc_set = _IntColumn()
        self._inc_node = _IntColumn()
        self._pending: tuple[list[int], list[int]] = ([], [])
        self.nodes: list[_Node] = []
        self.node_of_value: dict[str, int] = {}
        self.children: dict[int, list[int]] = {-1: []}
        self.by_folded: dict[str, list[int]] = {}
        self._path_nodes: dict[tuple[str, ...], tuple[int, ...]] = {}
        self._rank: tuple[int, np.ndarray] = (0, np.zeros(0, dtype=np.int64))
        # What index.py searches, per set (see searched()).
        self._searched_sets = 1
        self._strings: list[str] = []
        self._string_of: dict[str, int] = {}
        self._string_pairs: tuple[list[int], list[int]] = ([], [])
        self._pair_arrays: tuple[int, np.ndarray, np.ndarray] = (0, np.zeros(0, np.int64), np.zeros(0, np.int64))

    def node(self, value: str, label: str, parent: int, path: tuple[str, ...]) -> int:
        code = self.node_of_value.get(value)
        if code is None:
            code = len(self.nodes)
            folded = fold(value)
            self.nodes.append(_Node(value, one_line(label), parent, path, (folded, value)))
            self.node_of_value[value] = code
            self.children.setdefault(parent, []).append(code)
            self.by_folded.setdefault(folded, []).append(code)
            if self.kind == "cat" and len(path) > 1:
                self.by_folded.setdefault(fold(path[-1]), []).append(code)
        return code

    def path_nodes(self, path: tuple[str, ...]) -> tuple[int, ...]:
        """The nodes of a category path and its prefixes (an empty level ends the path)."""
        codes = self._path_nodes.get(path)
        if codes is None:
            found: list[int] = []
            parent = -1
            for depth in range(1, len(path) + 1):
                if not path[depth - 1]:
                    break
                prefix = path[:depth]
                parent = self.node("/".join(prefix), path[depth - 1], parent, prefix)
                found.append(parent)
            codes = self._path_nodes[path] = tuple(found)
        return codes

    def add_set(self, key: Hashable, nodes: Iterable[int]) -> int:
        code = len(self.set_keys)
        distinct = dict.fromkeys(nodes)  # prefixes shared by two paths count once
        self.set_keys.append(key)
        self._pending[0].extend([code] * len(distinct))
        self._pending[1].extend(distinct)
        self.set_of_key[key] = code
        return code

    def incidence(self) -> tuple[np.ndarray, np.ndarray]:
        """(set, node) pairs: each set's nodes. Batched: appending per set was most of a build."""
        sets, nodes = self._pending
        if sets:
            self._inc_set.extend(sets)
            self._inc_node.extend(nodes)
            self._pending = ([], [])
        return self._inc_set.array[: self._inc_set.size], self._inc_node.array[: self._inc_node.size]

    def searched(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The distinct folded strings index.py matches `kind:` against (category levels and
        joined paths; authors; hosts), and (set, string) pairs: which set has which."""
        pair_sets, pair_strings = self._string_pairs
        for code in range(self._searched_sets, len(self.set_keys)):
            key = self.set_keys[code]
            if self.kind == "author":
                items = list(key)  # a tuple of authors
            elif self.kind == "cat":
                items = category_values(key)  # a tuple of category paths
            else:
                items = [key]
            for item in dict.fromkeys(items):
                if not item:
                    continue
                string = self._string_of.get(item)
                if string is None:
                    string = self._string_of[item] = len(self._strings)
                    self._strings.append(fold(item))
                pair_sets.append(code)
                pair_strings.append(string)
        self._searched_sets = len(self.set_keys)
        if self._pair_arrays[0] != len(pair_sets):
            self._pair_arrays = (
                len(pair_sets),
                np.array(pair_sets, dtype=np.int64),
                np.array(pair_strings, dtype=np.int64),
            )
        return self._strings, self._pair_arrays[1], self._pair_arrays[2]

    def rank(self) -> np.ndarray:
        """Position of every node in name order (case-folded), for tie-breaking."""
        size, rank = self._rank
        if size != len(self.nodes):
            order = sorted(range(len(self.nodes)), key=lambda code: self.nodes[code].sort_key)
            rank = np.empty(len(self.nodes), dtype=np.int64)
            rank[order] = np.arange(len(self.nodes))
            self._rank = (len(self.nodes), rank)
        return rank


@dataclass(frozen=True, slots=True)
class _View:
    """What one count saw of a dimension (it may grow meanwhile)."""

    dimension: _Dimension
    rows: np.ndarray
    inc_set: np.ndarray
    inc_node: np.ndarray
    sets: int
    nodes: int


# ---------------------------------------------------------------- counting


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
        views: dict[str, _View],
        counts: dict[str, np.ndarray],
        overall: dict[str, np.ndarray],
        without: dict[str, int],
    ) -> None:
        self.total = total
        """How many posts were counted."""
        self._views = views
        self._counts = counts
        self._overall = overall
        self._without = without
        self._orders: dict[tuple[str, int], np.ndarray] = {}

    @property
    def undated(self) -> int:
        return self._without["date"]

    def without(self, kind: str) -> int:
        """Counted posts with no value of this kind (no category, no author, no link, no date)."""
        return self._without.get(kind, 0)

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


# ---------------------------------------------------------------- the data


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
        self._dimensions = {kind: _Dimension(kind) for kind in ("cat", "author", "source", "date")}
        self._overall: tuple[object, int, dict[str, np.ndarray]] | None = None
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
    def _add_rows(dim: _Dimension, keys: list, nodes_of) -> None:
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
    def _author_nodes(dim: _Dimension):
        """A post's authors: each its own facet entry (`authors = ["A", "B"]` counts for A and B)."""
        return lambda authors: [dim.node(author, author, -1, (author,)) for author in authors]

    @staticmethod
    def _flat_nodes(dim: _Dimension):
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

    def _views(self) -> tuple[int, dict[str, _View]]:
        with self._lock:
            views = {
                kind: _View(dim, dim.rows.array, *dim.incidence(), len(dim.set_keys), len(dim.nodes))
                for kind, dim in self._dimensions.items()
            }
            return self.size, views

    @staticmethod
    def _count(view: _View, rows: np.ndarray) -> tuple[np.ndarray, int]:
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
        return FacetCounts(len(ids), views, counts, self._overall_counts(size, views, universe), without)

    def _overall_counts(self, size: int, views: dict[str, _View], universe) -> dict[str, np.ndarray]:
        cached = self._overall
        if cached is not None and cached[0] is universe and cached[1] == size:
            return cached[2]
        overall = {}
        for kind, view in views.items():
            if universe is None:
                rows = view.rows[:size]
            else:
                wanted = np.asarray(universe, dtype=np.int64)
                rows = view.rows[wanted[wanted < size]]
            overall[kind] = self._count(view, rows)[0]
        self._overall = (universe, size, overall)
        return overall

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
                return _qualifier(kind, value), False
            candidates = [value]
            path = dim.nodes[code].path
            if kind == "cat":
                last = path[-1]
                candidates = [last, value, value + "/", f"/{last}/"] if len(path) > 1 else [value, value + "/"]
            # Nothing shorter is exact (another value contains this one): the exact-value form.
            best = (f"{kind}:={_quote(value)}", True)
            for candidate in dict.fromkeys(candidates):
                if self._exact(dim, code, candidate):
                    best = (_qualifier(kind, candidate), True)
                    break
            self._qualifiers[(kind, value)] = (sets, best)
            return best

    @staticmethod
    def _exact(dim: _Dimension, code: int, candidate: str) -> bool:
        """Whether `kind:candidate` matches exactly the posts under node `code`, matching as
        index.py does: the folded candidate is a substring of a folded value of the post."""
        if '"' in candidate or not candidate.strip():
            return False
        folded = fold(candidate.strip())
        strings, pair_sets, pair_strings = dim.searched()
        hit = np.fromiter((folded in string for string in strings), dtype=bool, count=len(strings))
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


# ---------------------------------------------------------------- query text <-> facets


def _quote(value: str) -> str:
    """A qualifier value as the tokenizer reads it back: quoted when it has spaces.

    The query language has no escape for '"'; a value containing one is cut to its longest
    quote-free part (a substring, so it still finds the value)."""
    if '"' in value:
        value = max((part.strip() for part in value.split('"')), key=len)
    if not value or _SPACE.search(value):
        return f'"{value}"'
    return value


def _qualifier(kind: str, value: str) -> str:
    if kind == "date" and value == UNDATED:
        return "is:undated"
    return f"{kind}:{_quote(value)}"


def facet_qualifier(kind: str, value: str, facets: FacetData | None = None) -> str:
    """The query text for one facet: cat:ZAKER, date:2021-12, author:"a b", is:bookmarked.

    With `facets`, a category gets its shortest exact form (see FacetData.qualifier)."""
    if kind not in KINDS:
        raise ValueError(f"unknown facet kind {kind!r}")
    if facets is not None and kind in ("cat", "author", "source"):
        return facets.qualifier(kind, value)
    return _qualifier(kind, value)


def _is_or(token: Token) -> bool:
    return token.name is None and not token.quoted and not token.negated and token.value == "OR"


def _facet_kind(tokens: list[Token], position: int) -> str | None:
    """The facet kind a token selects, or None (plain words, negations, OR operands...)."""
    token = tokens[position]
    if token.name is None or token.negated:
        return None
    if position > 0 and _is_or(tokens[position - 1]):
        return None
    if position + 1 < len(tokens) and _is_or(tokens[position + 1]):
        return None
    if token.name in ("cat", "author", "source", "date"):
        return token.name
    if token.name == "is":
        value = token.value.lower()
        if value == UNDATED:
            return "date"
        if value in IS_FACETS:
            return "is"
    return None


def _token_value(kind: str, token: Token) -> str:
    value = token.value.strip()
    if token.name == "is":
        return value.lower()
    if kind == "date":
        match = _SHORT_DATE.match(value)
        if match and match.group(2) is not None:
            return f"{match.group(1)}-{int(match.group(2)):02d}"
    return value


def with_facet(query_text: str, kind: str, value: str | None, facets: FacetData | None = None) -> str:
    """The query with this kind's facet set to `value` (None: removed).

    Replaces the positive qualifiers of that kind (in place of the first), keeps everything
    else as typed; spaces between terms become single spaces. A query that cannot be read
    gets the qualifier appended (or is returned unchanged when removing)."""
    qualifier = None if value is None else facet_qualifier(kind, value, facets)
    return with_terms_replaced(query_text, lambda tokens, position: _facet_kind(tokens, position) == kind, qualifier)


def selected_facets(query_text: str, facets: FacetData | None = None) -> dict[str, str]:
    """The facet selection a query expresses: {kind: value}; {} when it cannot be parsed.

    A qualifier counts only when positive and outside OR; with several of one kind the last
    wins. Dates are normalised ('2021-1' -> '2021-01'), `is:undated` is the timeline's
    'undated'. With `facets`, values typed by hand map to the node they name."""
    try:
        tokens = tokenize(query_text)
        # is:bookmarked/is:unread may be newer than the parser: check the rest only.
        parse(" ".join(token.text for position, token in enumerate(tokens) if _facet_kind(tokens, position) != "is"))
    except QueryError:
        return {}
    selection: dict[str, str] = {}
    for position, token in enumerate(tokens):
        kind = _facet_kind(tokens, position)
        if kind is not None:
            selection[kind] = _token_value(kind, token)
    if facets is not None:
        for kind in ("cat", "author", "source"):
            if kind in selection:
                selection[kind] = facets.canonical(kind, selection[kind])
    return selection


__all__ = [
    "FacetCounts",
    "FacetData",
    "FacetEntry",
    "IS_FACETS",
    "KINDS",
    "UNDATED",
    "facet_qualifier",
    "selected_facets",
    "with_facet",
]
