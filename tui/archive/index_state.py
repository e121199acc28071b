"""The search index's data: an immutable state that searches run on while batches are added.

Post ids are positions in load order; the display order (newest first, undated last) is a
separate array, recomputed when posts are added or removed. Texts live in one blob for the
posts read from a cache (memory-mapped) and a growing one for the posts added since.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field, replace

import numpy as np

from .index_batch import Segment
from .posting_stack import PostingStack
from .words import WordList

Blob = bytes | bytearray | mmap.mmap
"""Folded post texts: bytes, a read-only map of the cache's file, or a growing bytearray."""


def display_order(alive: np.ndarray, timestamps: np.ndarray) -> np.ndarray:
    """Alive ids, newest first, undated last; ties in load order (file path order)."""
    ids = np.flatnonzero(alive)
    stamps = timestamps[ids]
    undated = np.isnan(stamps)
    newest_first = np.where(undated, 0.0, -stamps)
    return ids[np.lexsort((ids, newest_first, undated))]


class GrowingArray:
    """An array that grows at its end without copying what is there each time: the room
    doubles when it runs out. Appending 1,000 batches by concatenation copied every earlier
    post's values again each time (half a million on average at a million posts)."""

    def __init__(self, values: np.ndarray) -> None:
        self._buffer = np.array(values, copy=True)
        self.view = self._buffer  # the last array handed out: states hold it, never written again

    def extend(self, values: np.ndarray) -> np.ndarray:
        length = len(self.view)
        needed = length + len(values)
        if needed > len(self._buffer):
            grown = np.empty(max(needed, 2 * len(self._buffer), 1024), dtype=self._buffer.dtype)
            grown[:length] = self._buffer[:length]
            self._buffer = grown
        self._buffer[length:needed] = values  # past the end of every view handed out so far
        self.view = self._buffer[:needed]
        return self.view


SORTED_BELOW = 256
"""`in_order` sorts the posts of a mask when they are fewer than 1 in this many."""


@dataclass(frozen=True)
class IndexState:
    """An immutable view of the index; searches run on the state they started with."""

    size: int
    segments: tuple[Segment, ...]
    main_blob: Blob  # of posts < main_docs
    main_docs: int
    delta_blob: bytearray  # posts >= main_docs (appended only while holding the index lock)
    starts: np.ndarray
    title_ends: np.ndarray
    ends: np.ndarray
    alive: np.ndarray
    timestamps: np.ndarray
    local_timestamps: np.ndarray
    repaired: np.ndarray
    titles: list[str]
    fields: dict[str, dict[str, list[np.ndarray]]]
    derived: dict = field(default_factory=dict)
    """Values computed from this state on demand (title ranks)."""
    stack: PostingStack | None = None
    """The first segments' postings as a cache lays them out (searched all at once), if read
    from one; segments added since are searched one by one."""
    words: WordList = field(default_factory=WordList)
    """Every word the segments list (words.py); shared by the states that follow, and grown."""

    @property
    def order(self) -> np.ndarray:
        """Alive ids, newest first, undated last: sorted when first asked for, not per batch
        added (100 batches of a cold read sorted 1.5 s of orders nobody looked at)."""
        order = self.derived.get("order")
        if order is None:
            order = self.derived["order"] = display_order(self.alive, self.timestamps)
        return order

    def in_order(self, mask: np.ndarray) -> np.ndarray:
        """The alive posts of a mask, in display order. A few are sorted by their place in the
        list; more are marked at their places and read back in one pass (at a million posts,
        53k: 9.3 ms sorted, 5.7 ms picked from the order, 5.4 ms so; 400k: 62 / 12 / 7 ms)."""
        ids = np.flatnonzero(mask)
        ids = ids[self.alive[ids]]
        if len(ids) * SORTED_BELOW < self.size:
            return ids[np.argsort(self.places[ids], kind="stable")]
        order = self.order
        marked = np.zeros(len(order), dtype=bool)
        marked[self.places[ids]] = True
        return order[np.flatnonzero(marked)]

    @property
    def places(self) -> np.ndarray:
        """Each post's place in the display order (removed posts: past the end). int32: built
        on the first search, and at a million posts int64's fresh pages took 28 ms of it."""
        places = self.derived.get("places")
        if places is None:
            order = self.order
            places = np.full(self.size, len(order), dtype=np.int32)
            places[order] = np.arange(len(order), dtype=np.int32)
            self.derived["places"] = places
        return places

    def blob_for(self, doc: int):
        return self.main_blob if doc < self.main_docs else self.delta_blob

    @classmethod
    def restored(
        cls,
        *,
        segments: tuple[Segment, ...],
        blob: Blob,
        starts: np.ndarray,
        title_ends: np.ndarray,
        ends: np.ndarray,
        alive: np.ndarray,
        timestamps: np.ndarray,
        local_timestamps: np.ndarray,
        repaired: np.ndarray,
        order: np.ndarray,
        titles: list[str],
        fields: dict[str, dict[str, list[np.ndarray]]],
        words: WordList,
        stack: PostingStack | None = None,
    ) -> IndexState:
        """A state read back from a cache: every post's text in one blob, the display order
        as saved (it is `display_order(alive, timestamps)` of the saved arrays)."""
        size = len(starts)
        return cls(
            size=size,
            segments=segments,
            main_blob=blob,
            main_docs=size,
            delta_blob=bytearray(),
            starts=starts,
            title_ends=title_ends,
            ends=ends,
            alive=alive,
            timestamps=timestamps,
            local_timestamps=local_timestamps,
            repaired=repaired,
            titles=titles,
            fields=fields,
            derived={"order": order},
            stack=stack,
            words=words,
        )

    def with_storage_of(self, other: IndexState) -> IndexState:
        """This state with another's texts and posting lists, for the same posts (the
        memory-mapped ones of a cache just written), so the in-memory copies can be freed."""
        return replace(
            self,
            segments=other.segments,
            stack=other.stack,
            main_blob=other.main_blob,
            main_docs=other.main_docs,
            delta_blob=bytearray(),
            starts=other.starts,
            title_ends=other.title_ends,
            ends=other.ends,
            derived={},
        )
