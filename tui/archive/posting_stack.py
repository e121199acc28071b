"""Looking a gram up in every segment of a cache at once.

A cache stores its segments' posting lists end to end in three arrays (keys, where each key's
ids start, ids). Looking a key up segment by segment costs a few microseconds of Python each:
0.3 ms a gram at 100k posts (50 segments), 5 ms at a million (500), so a long term's grams
alone took tens of milliseconds. Here one binary search runs in all segments side by side
(numpy, about 18 steps) and the ids of every segment are gathered in one step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .index_batch import Segment

TABLE_COLUMNS = 6
"""A cache's segment table: base, size, keys, ids, positions, whether it has positions."""
_MARK_BY_SEGMENT_FROM = 500
"""Postings a segment, on average, from which `mark` reads a gram's list segment by segment."""
FENCE = 512
"""Keys per block between two fences: 4 KB of keys, a page or two."""


def _bound(values: np.ndarray, low: np.ndarray, high: np.ndarray, wanted: np.uint64, upper: bool) -> np.ndarray:
    """Per range [low, high) of sorted `values`, where `wanted` goes: before the first value
    above it (upper) or at or above it (lower); one binary search in all ranges at once."""
    low, high = low.copy(), high.copy()
    last = max(len(values) - 1, 0)
    while True:
        open_ = low < high
        if not open_.any():
            return low
        middle = (low + high) >> 1
        probed = values[np.minimum(middle, last)]
        right = (probed <= wanted) if upper else (probed < wanted)
        low = np.where(open_ & right, middle + 1, low)
        high = np.where(open_ & ~right, middle, high)


def segment_row(segment: Segment) -> list[int]:
    """The segment's row in a cache's segment table (TABLE_COLUMNS)."""
    positions = segment.positions
    counted = 0 if positions is None else len(positions)
    return [segment.base, segment.size, len(segment.keys), len(segment.ids), counted, positions is not None]


def fences_of(segments: Sequence[Segment]) -> np.ndarray:
    """Every FENCE-th key of each segment, one segment after another (PostingStack.fences)."""
    pieces = [np.asarray(segment.keys[::FENCE], dtype=np.uint64) for segment in segments]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class PostingStack:
    """The posting lists of the first `count` segments of a state, as the cache lays them out."""

    keys: np.ndarray  # uint64: each segment's sorted keys, one segment after another
    key_starts: np.ndarray  # uint32: per segment, len(keys)+1 offsets into its ids
    ids: np.ndarray  # uint16 local ids
    bases: np.ndarray  # int64 per segment: the id of its first post
    key_at: np.ndarray  # int64 per segment: where its keys start in `keys`
    key_end: np.ndarray  # int64 per segment: where they end
    start_at: np.ndarray  # int64 per segment: where its offsets start in `key_starts`
    ids_at: np.ndarray  # int64 per segment: where its ids start in `ids`
    fences: np.ndarray | None = None
    """Every FENCE-th key of each segment (`fences_of`), in memory: a lookup searches them
    first, then one block of `keys`. Searching `keys` alone touched ~12 of its pages per
    segment per gram, and the kernel maps 16 pages around each: 58 MB of the app's resident
    memory after typing `linux` at 100k."""
    fence_at: np.ndarray | None = None  # int64 per segment: where its fences start
    fence_end: np.ndarray | None = None
    pos_starts: np.ndarray | None = None  # uint32: as key_starts, into positions
    positions: np.ndarray | None = None  # uint32 (gram_positions.py)
    positioned: np.ndarray | None = None  # bool per segment: whether it has positions
    positions_at: np.ndarray | None = None  # int64 per segment: where they start in `positions`

    @classmethod
    def of(
        cls,
        keys: np.ndarray,
        key_starts: np.ndarray,
        ids: np.ndarray,
        table: np.ndarray,
        fences: np.ndarray | None = None,
        pos_starts: np.ndarray | None = None,
        positions: np.ndarray | None = None,
    ) -> PostingStack:
        """From the cache's arrays and its segment table (TABLE_COLUMNS), the fences saved with
        them (ignored unless there are as many as the keys need) and the positions."""
        table = np.asarray(table, dtype=np.int64).reshape(-1, TABLE_COLUMNS)
        position_counts = table[:, 4]
        key_counts, id_counts = table[:, 2], table[:, 3]
        key_at = np.cumsum(key_counts) - key_counts
        fence_counts = -(-key_counts // FENCE)
        fence_at = np.cumsum(fence_counts) - fence_counts
        usable = fences is not None and len(fences) == int(fence_counts.sum())
        return cls(
            keys=keys,
            key_starts=key_starts,
            ids=ids,
            bases=table[:, 0].copy(),
            key_at=key_at,
            key_end=key_at + key_counts,
            start_at=key_at + np.arange(len(table)),  # each segment has one offset more than keys
            ids_at=np.cumsum(id_counts) - id_counts,
            fences=np.array(fences) if usable else None,
            fence_at=fence_at if usable else None,
            fence_end=fence_at + fence_counts if usable else None,
            pos_starts=pos_starts,
            positions=positions,
            positioned=table[:, 5] != 0,
            positions_at=np.cumsum(position_counts) - position_counts,
        )

    @property
    def count(self) -> int:
        return len(self.bases)

    def lays_out(self, segments: Sequence[Segment]) -> bool:
        """Whether these arrays hold exactly these segments' postings (same posts, as many
        keys and ids each, offsets that add up): anything else would answer wrongly."""
        if len(segments) != self.count:
            return False
        ids_counts = np.diff(np.append(self.ids_at, len(self.ids)))
        key_counts = self.key_end - self.key_at
        described = np.array([[s.base, len(s.keys), len(s.ids)] for s in segments], dtype=np.int64).reshape(-1, 3)
        return (
            np.array_equal(described[:, 0], self.bases)
            and np.array_equal(described[:, 1], key_counts)
            and np.array_equal(described[:, 2], ids_counts)
            and len(self.key_starts) == int(key_counts.sum()) + self.count
            and (not self.count or int(self.key_end[-1]) == len(self.keys))
        )

    def _blocks(self, wanted: np.uint64) -> tuple[np.ndarray, np.ndarray]:
        """Per segment, the block of FENCE keys where `wanted` would be (from the fences)."""
        assert self.fences is not None and self.fence_at is not None and self.fence_end is not None
        after = _bound(self.fences, self.fence_at, self.fence_end, wanted, upper=True)
        block = np.maximum(after - self.fence_at - 1, 0)  # the last fence at or below it
        start = np.minimum(self.key_at + block * FENCE, self.key_end)
        return start, np.minimum(start + FENCE, self.key_end)

    def _lower(self, wanted: np.uint64) -> np.ndarray:
        """Per segment, where `wanted` is or would go in its keys."""
        low, high = self._blocks(wanted) if self.fences is not None else (self.key_at, self.key_end)
        return _bound(self.keys, low, high, wanted, upper=False)

    def _spans(self, key: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The segments that have the key, and where its ids start and end in each."""
        wanted = np.uint64(key)
        low = self._lower(wanted)
        segments = np.flatnonzero(low < self.key_end)
        if len(segments):
            segments = segments[self.keys[low[segments]] == wanted]
        offset = self.start_at[segments] + (low[segments] - self.key_at[segments])
        return segments, self.key_starts[offset].astype(np.int64), self.key_starts[offset + 1].astype(np.int64)

    def position_spans(self, low_key: int, high_key: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The segments with keys from `low_key` up to (not with) `high_key`, and where those
        keys' positions start and end in `positions` (one run: keys are sorted); None when a
        segment has no positions."""
        if self.positioned is None or self.pos_starts is None or self.positions_at is None:
            return None
        if not self.positioned.all():
            return None
        low, high = self._lower(np.uint64(low_key)), self._lower(np.uint64(high_key))
        segments = np.flatnonzero(high > low)
        shift = self.start_at[segments] - self.key_at[segments]
        at = self.positions_at[segments]
        starts = self.pos_starts[low[segments] + shift].astype(np.int64) + at
        ends = self.pos_starts[high[segments] + shift].astype(np.int64) + at
        return segments, starts, ends

    def count_with(self, key: int) -> int:
        """How many posts of these segments have the gram (no id is read)."""
        _, starts, ends = self._spans(key)
        return int((ends - starts).sum())

    def mark(self, key: int, mask: np.ndarray) -> None:
        """Set `mask` at the posts of these segments that have the gram. A long list is read
        a segment at a time, each slice used as it lies (a list in 790k of a million posts:
        8.3 → 5.2 ms); a short one all at once (a call per segment would cost more)."""
        segments, starts, ends = self._spans(key)
        if int((ends - starts).sum()) < _MARK_BY_SEGMENT_FROM * len(segments):
            mask[self._docs(segments, starts, ends)] = True
            return
        ids, bases, ids_at = self.ids, self.bases[segments].tolist(), self.ids_at[segments].tolist()
        for base, at, start, end in zip(bases, ids_at, starts.tolist(), ends.tolist(), strict=True):
            mask[base:][ids[at + start : at + end]] = True

    def docs_with(self, key: int) -> np.ndarray:
        """Ids (int64) of the posts in these segments whose text has the gram `key`."""
        return self._docs(*self._spans(key))

    def _docs(self, segments: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        before = np.cumsum(lengths) - lengths  # where each segment's ids go in the result
        positions = np.arange(total, dtype=np.int64) + np.repeat(self.ids_at[segments] + starts - before, lengths)
        return self.ids[positions].astype(np.int64) + np.repeat(self.bases[segments], lengths)
