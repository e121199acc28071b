"""Where a term stands in the posts, from the pairs' positions (gram_positions.py), no text read.

A term stands where its first pair does with its other pairs at their offsets after it: the
pairs at offsets 0, 2, 4, ... and the last one cover every character, and a pair is never
across two posts (the separator pairs with nothing), so neither is the term. The pair with the
fewest positions gives the candidates, and each other pair keeps those it stands after. Few
positions a segment are matched in all segments at once (positions tagged `segment << 32`,
one binary search: a loop over a million posts' thousand segments cost more than the work);
many, segment by segment through a table of the segment's code points (one mark per position,
one look per candidate: linear, where a binary search of 2M positions took 70 ms at 100k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .folding import code_points
from .gram_lookup import gram_count, gram_union
from .gram_positions import BMP
from .index_batch import GRAM_SHIFT, SPACE
from .index_state import IndexState
from .words import is_word_term


class Runs(dict[int, np.ndarray]):
    """Segment number -> sorted positions (code point indices in the segment's texts); when every
    segment is the cache's (posting_stack.py), also where each segment's run starts and ends in
    its positions array (a binary search can then run in all segments at once)."""

    starts: np.ndarray | None = None
    ends: np.ndarray | None = None


POSITIONS_PER_CHECK = 64
"""A position costs ~8 ns to go through, checking a post's text ~0.5 us (both cores): a term
is found by its pairs' positions unless they are more than this many per post checked."""
_REMEMBERED = 4
_SEGMENT_SHIFT = np.uint64(32)
_POSITION_MASK = np.uint64(0xFFFFFFFF)
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
    runs = Runs()
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
        if stack.count == len(segments):
            runs.starts = np.zeros(len(segments), dtype=np.int64)
            runs.ends = np.zeros(len(segments), dtype=np.int64)
            runs.starts[spans[0]], runs.ends[spans[0]] = spans[1], spans[2]
    wanted = np.array([low_key, high_key], dtype=np.uint64)
    for number in range(first_loose, len(segments)):
        segment = segments[number]
        if segment.pos_starts is None or segment.positions is None:
            return None
        low, high = np.searchsorted(segment.keys, wanted).tolist()
        if high > low:
            runs[number] = segment.positions[int(segment.pos_starts[low]) : int(segment.pos_starts[high])]
    return runs


def term_starts(state: IndexState, points: list[int], within_ms: float | None = None) -> np.ndarray | None:
    """Where the term (two characters or more) starts: `segment << 32 | position`, sorted; None
    when positions cannot tell, or would take longer than `within_ms` (by `_Plan`). The last
    few are remembered: a search asks for its terms' posts, then sort:relevance for counts."""
    remembered = state.derived.setdefault("term_starts", {})
    key = tuple(points)
    found = remembered.get(key)
    if found is None:
        plan = remembered.get(("plan", *key)) or _plan(state, points)
        if not isinstance(plan, _Plan):
            return plan
        if within_ms is not None and plan.milliseconds > within_ms:
            remembered[("plan", *key)] = plan
            return None
        found = _MATCHERS[plan.how](state, plan.pairs)
        if len(remembered) >= _REMEMBERED:
            remembered.clear()  # (one step: searches in other threads may share this state)
        remembered[key] = found
    return found


def _tagged(runs: Runs) -> np.ndarray:
    """Every segment's positions in one array, as `segment << 32 | position`."""
    if not runs:
        return np.zeros(0, dtype=np.uint64)
    tagged = np.concatenate(list(runs.values()), dtype=np.uint64)
    lengths = np.fromiter(map(len, runs.values()), np.int64, len(runs))
    tagged |= np.repeat(np.fromiter(runs, np.uint64, len(runs)) << _SEGMENT_SHIFT, lengths)
    return tagged


@dataclass(frozen=True)
class _Plan:
    """How a term's starts are found: its pairs (offset, positions), the rarest first; all
    segments at once or one by one, whichever is expected to cost less (in ms)."""

    pairs: list[tuple[int, Runs]]
    how: str  # "at once", "by search" or "by segment"
    milliseconds: float


def _plan(state: IndexState, points: list[int]) -> _Plan | np.ndarray | None:
    """The plan, or the answer when there is nothing to plan (no post has a pair: none), or
    None when positions cannot tell."""
    length = len(points)
    offsets = list(range(0, length - 1, 2))
    if offsets[-1] != length - 2:
        offsets.append(length - 2)
    if _post_edges(state) is None:
        return None
    pairs: list[tuple[int, Runs]] = []
    for offset in offsets:
        key = (points[offset] << GRAM_SHIFT) | points[offset + 1]
        runs = _runs(state, key, key + 1)
        if runs is None:
            return None
        pairs.append((offset, runs))
    totals = [sum(map(len, runs.values())) for _, runs in pairs]
    if not min(totals):
        return np.zeros(0, dtype=np.uint64)
    pairs = [pair for _, pair in sorted(zip(totals, pairs, strict=True), key=lambda item: item[0])]
    totals.sort()
    rarest, others = totals[0], totals[1:]
    fewest_posts = min(gram_count(state, (points[offset] << GRAM_SHIFT) | points[offset + 1]) for offset in offsets)
    touched = rarest + sum(min(total, _SEARCHED_BELOW * rarest) for total in others)  # positions gone through
    if touched > POSITIONS_PER_CHECK * fewest_posts:
        return None  # pairs repeated all over their posts ("=====" lines): checking costs less
    # Measured (ns): a segment's turn 20,000, a position through a table or a search 8; at
    # once, a position gathered 10, a binary search step 5; searched in every segment at once,
    # a step 30,000 and 12 a candidate.
    segments = len(pairs[0][1])
    costs = {
        "by segment": 20_000 * segments + 8 * touched,
        "at once": 10 * sum(totals) + 5 * rarest * max(1, int(totals[-1]).bit_length()),
    }
    if all(runs.starts is not None for _, runs in pairs):
        steps = sum(max(1, total // max(segments, 1)).bit_length() + 1 for total in others)
        costs["by search"] = 10 * rarest + steps * (30_000 + 12 * rarest)
    how = min(costs, key=lambda name: costs[name])
    return _Plan(pairs, how, costs[how] / 1e6)


def _candidates(pairs: list[tuple[int, Runs]]) -> tuple[np.ndarray, list[tuple[int, Runs]]]:
    """Where the term would start by its rarest pair (tagged, sorted), and its other pairs."""
    (first, candidates), others = pairs[0], pairs[1:]
    found = _tagged(candidates)
    if first:
        found = found[(found & _POSITION_MASK) >= np.uint64(first)] - np.uint64(first)
    return found, others


def _matched_at_once(state: IndexState, pairs: list[tuple[int, Runs]]) -> np.ndarray:
    """The term's starts from few positions a segment: every segment's together (a loop over
    a thousand segments cost more than the work)."""
    found, others = _candidates(pairs)
    for offset, runs in others:
        if not len(found):
            break
        other = _tagged(runs)
        wanted = found + np.uint64(offset)
        at = np.minimum(np.searchsorted(other, wanted), len(other) - 1)
        found = found[other[at] == wanted]
    return found


def _matched_by_search(state: IndexState, pairs: list[tuple[int, Runs]]) -> np.ndarray:
    """The term's starts from few candidates among many positions: each other pair looked up
    at them by one binary search in all segments at once, in the cache's positions array."""
    assert state.stack is not None and state.stack.positions is not None
    positions = state.stack.positions
    found, others = _candidates(pairs)
    for offset, runs in others:
        if not len(found):
            break
        assert runs.starts is not None and runs.ends is not None
        segment = (found >> _SEGMENT_SHIFT).astype(np.int64)
        low, high = runs.starts[segment], runs.ends[segment]
        end = high.copy()
        wanted = ((found & _POSITION_MASK) + np.uint64(offset)).astype(np.uint32)
        while (open_ := low < high).any():
            middle = (low + high) >> 1
            below = positions[np.minimum(middle, len(positions) - 1)] < wanted
            low = np.where(open_ & below, middle + 1, low)
            high = np.where(open_ & ~below, middle, high)
        hit = low < end
        hit[hit] = positions[low[hit]] == wanted[hit]
        found = found[hit]
    return found


def _matched_by_segment(state: IndexState, pairs: list[tuple[int, Runs]]) -> np.ndarray:
    """The term's starts from many positions a segment: through a table of each segment's code
    points (linear), or by binary search where the candidates are few."""
    (first, candidates), others = pairs[0], pairs[1:]
    found = Runs()
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
    return _tagged(found)


_MATCHERS = {"at once": _matched_at_once, "by search": _matched_by_search, "by segment": _matched_by_segment}


def _post_edges(state: IndexState) -> tuple[np.ndarray, np.ndarray] | None:
    """Where each post starts and where its title stops, as `segment << 32 | position` (sorted:
    a post's id is its place), remembered by the state; None when a segment has no positions."""
    edges = state.derived.get("post_edges")
    if edges is None:
        segments = state.segments
        char_starts = [s.char_starts for s in segments if s.char_starts is not None]
        title_stops = [s.title_stops for s in segments if s.title_stops is not None]
        if not segments or not len(char_starts) == len(title_stops) == len(segments):
            return None  # (no post at all: nothing to find, the postings say so)
        sizes = np.fromiter((s.size for s in segments), np.int64, len(segments))
        bases = np.fromiter((s.base for s in segments), np.int64, len(segments))
        if not np.array_equal(bases, np.cumsum(sizes) - sizes) or int(sizes.sum()) != state.size:
            return None  # (segments tile the posts in order: never otherwise)
        tags = np.repeat(np.arange(len(segments), dtype=np.uint64) << _SEGMENT_SHIFT, sizes)
        starts = np.concatenate(char_starts, dtype=np.uint64) | tags
        stops = np.concatenate(title_stops, dtype=np.uint64) | tags
        edges = state.derived["post_edges"] = (starts, stops)
    return edges


def _counted(state: IndexState, starts: np.ndarray, length: int, in_order: bool) -> tuple[np.ndarray, np.ndarray]:
    """How many of the starts (of a term of `length`) each post has in its title, and in the
    rest. Many sorted starts are counted a post at a time (a binary search per post), few or
    unsorted ones placed in their posts one by one."""
    edges = _post_edges(state)
    assert edges is not None  # (asked for only once positions were found)
    post_starts, title_stops = edges
    if in_order and len(starts) > len(post_starts):
        first = np.searchsorted(starts, post_starts)
        counts = np.diff(np.append(first, len(starts)))
        last_in_title = np.maximum(title_stops, post_starts + np.uint64(length - 1)) - np.uint64(length - 1)
        titled = np.clip(np.searchsorted(starts, last_in_title) - first, 0, counts)
        return titled, counts - titled
    posts = np.searchsorted(post_starts, starts, side="right") - 1
    in_title = starts + np.uint64(length) <= title_stops[posts]
    return np.bincount(posts[in_title], minlength=state.size), np.bincount(posts[~in_title], minlength=state.size)


def exactly_containing(state: IndexState, folded_term: str, within_ms: float | None = None) -> np.ndarray | None:
    """The posts whose text has the term, when the index knows them exactly without reading a
    text: a Latin word's from the words that contain it (words.py), a longer term's from its
    positions (if within `within_ms`); None otherwise (one or two characters: their postings)."""
    if is_word_term(folded_term):
        word_keys = state.words.keys_containing(folded_term)
        if word_keys is not None:
            return gram_union(state, word_keys)
    return containing_mask(state, folded_term, within_ms) if len(folded_term) > 2 else None


def containing_mask(state: IndexState, folded_term: str, within_ms: float | None = None) -> np.ndarray | None:
    """Exactly the posts whose text has the term; None when positions cannot tell (or not
    within `within_ms`)."""
    points = positioned_points(folded_term)
    found = None if points is None or len(points) < 2 else term_starts(state, points, within_ms)
    if found is None:
        return None
    edges = _post_edges(state)
    assert edges is not None  # (there when positions were found)
    post_starts = edges[0]
    if len(found) > len(post_starts):  # many: a binary search per post
        return np.diff(np.append(np.searchsorted(found, post_starts), len(found))) > 0
    mask = np.zeros(state.size, dtype=bool)
    mask[np.searchsorted(post_starts, found, side="right") - 1] = True
    return mask


def term_counts(state: IndexState, folded_term: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Each post's count of the term in its title and in the rest, as `bytes.count` counts
    (occurrences that overlap an earlier one are not counted); None when positions cannot tell."""
    points = positioned_points(folded_term)
    if points is None:
        return None
    if len(points) == 1:  # every pair the character starts (not sorted: one run of keys)
        found = _runs(state, points[0] << GRAM_SHIFT, (points[0] + 1) << GRAM_SHIFT)
        if found is None or _post_edges(state) is None:
            return None
        if sum(map(len, found.values())) > POSITIONS_PER_CHECK * gram_count(state, points[0]):
            return None
        return _counted(state, _tagged(found), 1, in_order=False)
    starts = term_starts(state, points)
    if starts is None:
        return None
    return _counted(state, starts[_apart(starts, len(points))], len(points), in_order=True)


def _apart(starts: np.ndarray, length: int) -> np.ndarray:
    """Which of the sorted starts a left-to-right count takes: each one at least `length` after
    the last taken (posts are apart by more than that)."""
    keep = np.ones(len(starts), dtype=bool)
    close = np.flatnonzero(np.diff(starts) < np.uint64(length)) + 1  # within reach of the one before
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
