"""Which posts have a gram (a character, or two adjacent ones), over all segments of a state.

The segments read from a cache are looked up all at once (posting_stack.py); those added
since (live changes) one by one.
"""

from __future__ import annotations

import numpy as np

from .folding import code_points
from .index_batch import GRAM_SHIFT, LAST_INVISIBLE, SPACE
from .index_state import IndexState


def term_keys(folded_term: str) -> tuple[list[int], bool]:
    """The grams a post must have to contain the term (none: the index cannot narrow it), and
    whether having them means it does (a character, or two that pair)."""
    points = [int(c) for c in code_points(folded_term)]
    pairable = [point >= SPACE for point in points]
    keys: dict[int, None] = {}  # in the term's order, each once
    for position in range(len(points) - 1):
        if pairable[position] and pairable[position + 1]:
            keys[(points[position] << GRAM_SHIFT) | points[position + 1]] = None
    if not keys:
        keys.update((point, None) for point in points if point > LAST_INVISIBLE)
    exact = (len(points) == 1 and points[0] > LAST_INVISIBLE) or (len(points) == 2 and all(pairable))
    return list(keys), exact and bool(keys)


def gram_count(state: IndexState, key: int) -> int:
    """How many posts have the gram (removed ones included): cheap, no id is read, and
    remembered by the state (a search asks several times: to choose a plan, then to order)."""
    counts = state.derived.setdefault("gram_counts", {})
    count = counts.get(key)
    if count is None:
        segments = state.segments
        count = 0
        if state.stack is not None:
            count = state.stack.count_with(key)
            segments = segments[state.stack.count :]
        count += sum(len(segment.local_ids(key)) for segment in segments)
        if len(counts) > 100_000:
            counts.clear()
        counts[key] = count
    return count


def gram_mask(state: IndexState, key: int) -> np.ndarray:
    """Which posts have the gram."""
    return gram_union(state, [key])


def gram_union(state: IndexState, keys: list[int]) -> np.ndarray:
    """Which posts have any of the grams."""
    mask = np.zeros(state.size, dtype=bool)
    segments = state.segments
    if state.stack is not None:
        for key in keys:
            state.stack.mark(key, mask)
        segments = segments[state.stack.count :]
    for segment in segments:
        for key in keys:
            ids = segment.local_ids(key)
            if len(ids):
                mask[segment.base + ids.astype(np.int64)] = True
    return mask
