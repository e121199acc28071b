"""Facet storage: a small integer per post and kind, and the nodes each integer counts for.

When a post is added it gets one code per dimension (category, author, source, date): the code
of the distinct raw value it has (its tuple of category paths, its authors, its link's host,
its month). Each code ("set") is listed with the nodes it counts for: a post in
新媒体/ZAKER/channel counts for 新媒体, 新媒体/ZAKER and 新媒体/ZAKER/channel. Counting
(facet_counts.py) is then array arithmetic over these codes, never a loop over posts.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .field_values import category_values
from .folding import fold
from .sanitize import one_line

KINDS = ("cat", "author", "source", "date", "is")
"""Facet kinds; each is also the query qualifier it writes (except date's `is:undated`)."""
IS_FACETS = ("bookmarked", "unread")
"""`is:` values that are facets (their counts come from the caller: they live outside posts)."""
UNDATED = "undated"
"""The timeline's entry for posts without a date; its qualifier is `is:undated`."""


class IntColumn:
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
class FacetNode:
    value: str
    """What the facet means in a query: '新媒体/ZAKER', 'ZAKER', 'github.com', '2021-12'."""
    label: str
    """What the panel shows (sanitised): 'ZAKER', '2021-12'."""
    parent: int
    """Code of the parent node, -1 at the top level."""
    path: tuple[str, ...]
    sort_key: tuple[str, str]


class Dimension:
    """One facet kind: a code per post ('set': its distinct raw value) and per set its nodes.

    Set 0 is 'no value' (no category, no author, undated) and counts for no node."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rows = IntColumn()
        self.set_of_key: dict[Hashable, int] = {}
        self.set_keys: list[Any] = [None]
        """Per set, its raw value: a tuple of authors, a tuple of category paths, or a string."""
        self._inc_set = IntColumn()
        self._inc_node = IntColumn()
        self._pending: tuple[list[int], list[int]] = ([], [])
        self.nodes: list[FacetNode] = []
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
            self.nodes.append(FacetNode(value, one_line(label), parent, path, (folded, value)))
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
class DimensionView:
    """What one count saw of a dimension (it may grow meanwhile)."""

    dimension: Dimension
    rows: np.ndarray
    inc_set: np.ndarray
    inc_node: np.ndarray
    sets: int
    nodes: int
