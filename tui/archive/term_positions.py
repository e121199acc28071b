"""Where a term stands in the posts, from the pairs' positions (gram_positions.py), no text read.

A term stands where its first pair does with its other pairs at their offsets after it: the
pairs at offsets 0, 2, 4, ... and the last one cover every character, and a pair is never
across two posts (the separator pairs with nothing), so neither is the term. The pair with the
fewest positions gives the candidates; each other pair keeps those it stands after, segment by
segment: through a table of the segment's code points (one mark per position, then one look
per candidate: linear, where a binary search of 2M positions took 70 ms at 100k posts), or by
binary search when the candidates are few.
"""

from __future__ import annotations

import numpy as np

from .folding import code_points
from .gram_lookup import gram_count, gram_union
from .gram_positions import BMP
from .index_batch import GRAM_SHIFT, SPACE
from .index_state import IndexState
from .words import is_word_term

Runs = dict[int, np.ndarray]
"""Segment number -> sorted positions (code point indices in the segment's texts)."""

POSITIONS_PER_CHECK = 64
"""A position costs ~8 ns to go through, checking a post's text ~0.5 us (both cores): a term
is found by its pairs' positions unless they are more than this many per post checked."""
_REMEMBERED = 4
_SEARCHED_BELOW = 16
"""Candidates are looked up by binary search when a pair has this many times more positions."""


def positioned_points(folded_term: str) -> list[int] | None:
    """The term's code points, when positions can find it (every one a pairable BMP character)."""
    points = [int(point) for point in code_points(folded_term)]
    if not points or any(point < SPACE or point >= BMP for point in points):
        return None
    return points


def _runs(state: IndexState, low_key: int, high_key: int) -> Runs | None:
    """The positions of the keys in [low_key, high_key) in each segment that has any; None when
    a segment has none recorded."""
    runs: Runs = {}
    segments = state.segments
    stack = state.stack
    first_loose = 0
    if stack is not None:
        spans = stack.position_spans(low_key, high_key)
        if spans is None or stack.positions is None:
            return None
        positions = stack.positions
        for number, start, end in zip(*(part.tolist() for part in spans), strict=True):
            runs[number] = positions[start:end]
        first_loose = stack.count
    wanted = np.array([low_key, high_key], dtype=np.uint64)
    for number in range(first_loose, len(segments)):
        segment = segments[number]
        if segment.pos_starts is None or segment.positions is None:
            return None
        low, high = np.searchsorted(segment.keys, wanted).tolist()
        if high > low:
            runs[number] = segment.positions[int(segment.pos_starts[low]) : int(segment.pos_starts[high])]
    return runs


def term_starts(state: IndexState, points: list[int]) -> Runs | None:
    """Where the term (two characters or more) starts in each segment that has it; None when
    positions cannot tell. The last few are remembered: a search asks for its terms' posts,
    then sort:relevance for their counts."""
    remembered = state.derived.setdefault("term_starts", {})
    key = tuple(points)
    if key in remembered:
        return remembered[key]
    found = _term_starts(state, points)
    if len(remembered) >= _REMEMBERED:
        remembered.pop(next(iter(remembered)))
    remembered[key] = found
    return found


def _term_starts(state: IndexState, points: list[int]) -> Runs | None:
    length = len(points)
    offsets = list(range(0, length - 1, 2))
    if offsets[-1] != length - 2:
        offsets.append(length - 2)
    pairs: list[tuple[int, Runs]] = []
    for offset in offsets:
        key = (points[offset] << GRAM_SHIFT) | points[offset + 1]
        runs = _runs(state, key, key + 1)
        if runs is None:
            return None
        pairs.append((offset, runs))
    totals = [sum(map(len, runs.values())) for _, runs in pairs]
    if not min(totals):
        return {}
    pairs = [pair for _, pair in sorted(zip(totals, pairs, strict=True), key=lambda item: item[0])]
    totals.sort()
    cost = totals[0] + sum(min(total, _SEARCHED_BELOW * totals[0]) for total in totals[1:])
    fewest_posts = min(gram_count(state, (points[offset] << GRAM_SHIFT) | points[offset + 1]) for offset in offsets)
    if cost > POSITIONS_PER_CHECK * fewest_posts:
        return None  # pairs repeated all over their posts ("=====" lines): checking costs less
    (first, candidates), others = pairs[0], pairs[1:]
    found: Runs = {}
    table = np.zeros(0, dtype=bool)
    shift = np.uint32(first)
    for number, run in candidates.items():
        starts = (run[run >= shift] if first else run) - shift  # (uint32: half the bytes to move)
        for offset, runs in others:
            if not len(starts):
                break
            other = runs.get(number)
            if other is None:
                starts = starts[:0]
                break
            wanted = starts + np.uint32(offset)
            if len(starts) * _SEARCHED_BELOW < len(other):
                at = np.minimum(np.searchsorted(other, wanted), len(other) - 1)
                starts = starts[other[at] == wanted]
                continue
            needed = max(int(other[-1]), int(wanted[-1])) + 1
            if len(table) < needed:
                table = np.zeros(max(needed, 2 * len(table)), dtype=bool)
            table[other] = True
            starts = starts[table[wanted]]
            table[other] = False
        if len(starts):
            found[number] = starts
    return found


def _per_post(state: IndexState, number: int, starts: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """How many of the (sorted) starts each post of segment `number` has, and how many of
    those are of a term of `length` in its title: a binary search per post, not per start."""
    segment = state.segments[number]
    assert segment.char_starts is not None and segment.title_stops is not None  # (with positions)
    edges = np.searchsorted(starts, segment.char_starts)
    counts = np.diff(np.append(edges, len(starts)))
    last_starts = np.maximum(segment.title_stops.astype(np.int64) - (length - 1), 0).astype(starts.dtype)
    titled = np.searchsorted(starts, last_starts) - edges
    return counts, np.clip(titled, 0, counts)


def exactly_containing(state: IndexState, folded_term: str) -> np.ndarray | None:
    """The posts whose text has the term, when the index knows them exactly without reading a
    text: a Latin word's from the words that contain it (words.py), a longer term's from its
    positions; None otherwise (one or two characters: their postings say it)."""
    if is_word_term(folded_term):
        word_keys = state.words.keys_containing(folded_term)
        if word_keys is not None:
            return gram_union(state, word_keys)
    return containing_mask(state, folded_term) if len(folded_term) > 2 else None


def containing_mask(state: IndexState, folded_term: str) -> np.ndarray | None:
    """Exactly the posts whose text has the term; None when positions cannot tell."""
    points = positioned_points(folded_term)
    found = None if points is None else term_starts(state, points)
    if found is None:
        return None
    mask = np.zeros(state.size, dtype=bool)
    for number, starts in found.items():
        segment = state.segments[number]
        assert segment.char_starts is not None
        edges = np.searchsorted(starts, segment.char_starts)
        mask[segment.base : segment.base + segment.size] = np.diff(np.append(edges, len(starts))) > 0
    return mask


def term_counts(state: IndexState, folded_term: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Each post's count of the term in its title and in the rest, as `bytes.count` counts
    (occurrences that overlap an earlier one are not counted); None when positions cannot tell."""
    points = positioned_points(folded_term)
    if points is None:
        return None
    if len(points) == 1:
        return _character_counts(state, points[0])
    found = term_starts(state, points)
    if found is None:
        return None
    in_title = np.zeros(state.size, dtype=np.int64)
    in_body = np.zeros(state.size, dtype=np.int64)
    for number, starts in found.items():
        counts, titled = _per_post(state, number, starts[_apart(starts, len(points))], len(points))
        segment = state.segments[number]
        in_title[segment.base : segment.base + segment.size] = titled
        in_body[segment.base : segment.base + segment.size] = counts - titled
    return in_title, in_body


def _character_counts(state: IndexState, point: int) -> tuple[np.ndarray, np.ndarray] | None:
    """term_counts of one character: the positions of every pair it starts (one run of keys, in
    order of the pair, so not sorted: each is placed in its post by binary search)."""
    found = _runs(state, point << GRAM_SHIFT, (point + 1) << GRAM_SHIFT)
    if found is None or sum(map(len, found.values())) > POSITIONS_PER_CHECK * gram_count(state, point):
        return None
    titled: list[np.ndarray] = []
    untitled: list[np.ndarray] = []
    for number, positions in found.items():
        segment = state.segments[number]
        assert segment.char_starts is not None and segment.title_stops is not None  # (with positions)
        local = np.searchsorted(segment.char_starts, positions, side="right") - 1
        in_title = positions < segment.title_stops[local]
        titled.append(local[in_title] + segment.base)
        untitled.append(local[~in_title] + segment.base)
    empty = [np.zeros(0, dtype=np.int64)]
    in_title_counts = np.bincount(np.concatenate(titled or empty), minlength=state.size)
    return in_title_counts, np.bincount(np.concatenate(untitled or empty), minlength=state.size)


def _apart(starts: np.ndarray, length: int) -> np.ndarray:
    """Which of the sorted starts a left-to-right count takes: each one at least `length` after
    the last taken (posts are apart by more than that)."""
    keep = np.ones(len(starts), dtype=bool)
    close = np.flatnonzero(np.diff(starts) < np.uint32(length)) + 1  # within reach of the one before
    if not len(close):
        return keep
    last = -length
    previous = -1
    for index in close.tolist():
        if index - 1 != previous:  # a new chain: the one before it is taken
            last = int(starts[index - 1])
        if starts[index] < last + length:
            keep[index] = False
        else:
            last = int(starts[index])
        previous = index
    return keep
