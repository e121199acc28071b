"""sort:relevance: title matches above body matches, more occurrences above fewer, newer on ties.

Scoring counts each term's occurrences in every matching post's text: about 4 ms per thousand
posts, 100+ ms for a term in a quarter of 100k posts, seconds at a million. But every post
with a term in its title scores above every post without (1,000 a title occurrence, at most
999 for the body, all terms together), so when at least a screenful of posts have one in the title, the first
screen is the best of those alone: the titles' own grams (index_batch.TITLE_TAG) list them,
and only they are counted before the first screen is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from .index_state import IndexState
from .term_positions import term_counts
from .text_match import containing, occurrences

_COUNTED_IN_TEXTS_BELOW = 64
"""Posts are counted in their texts when they are fewer than one in this many (a screenful of
titled ones, ~1 us each), from the positions otherwise (~30 ms a long term at a million)."""

TitleMatches = Callable[[str, np.ndarray], np.ndarray]
"""(folded term, ids) -> which of the ids (bool per id) have the term in their title."""


def _encoded(folded_terms: Sequence[str]) -> list[bytes]:
    return [term.encode("utf-8", "surrogatepass") for term in folded_terms]


class _Counts(dict):
    """Each term's counts in every post's title and body, from the positions (term_positions.py),
    or None where they cannot tell: taken once per ordering, then looked up."""

    def __init__(self, state: IndexState) -> None:
        super().__init__()
        self.state = state

    def __missing__(self, term: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        counted = self[term] = term_counts(self.state, term.decode("utf-8", "surrogatepass"))
        return counted


def _scores(
    counts: _Counts, ids: np.ndarray, terms: list[bytes], titled: np.ndarray | None, required: set[bytes]
) -> tuple[np.ndarray, np.ndarray]:
    """Each post's score, and whether it has every `required` term (counted here anyway, so
    they need no check of their own); `titled`, when known, says which have a term in their
    title (the others' titles are not read: they score nothing there)."""
    state = counts.state
    scores = np.zeros(len(ids), dtype=np.int64)
    body = np.zeros(len(ids), dtype=np.int64)
    found = np.ones(len(ids), dtype=bool)
    for term in terms:
        in_title = np.zeros(len(ids), dtype=np.int64)
        positioned = counts[term] if len(ids) * _COUNTED_IN_TEXTS_BELOW >= len(state.alive) else None
        if positioned is not None:
            in_title, in_body = positioned[0][ids], positioned[1][ids]
        else:
            if titled is None:
                in_title = occurrences(state, ids, term, state.starts, state.title_ends)
            elif titled.any():
                in_title[titled] = occurrences(state, ids[titled], term, state.starts, state.title_ends)
            in_body = occurrences(state, ids, term, state.title_ends, state.ends)
        scores += 1000 * np.minimum(in_title, 9)
        body += in_body
        if term in required:
            found &= (in_title + in_body) > 0
    return scores + np.minimum(body, 999), found  # all terms' body counts under one title's


def _by_score(ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
    return ids[np.argsort(-scores, kind="stable")]  # stable: date order on ties


def relevance_order(
    state: IndexState,
    ids: np.ndarray,
    folded_terms: Sequence[str],
    limit: int | None,
    title_matches: TitleMatches,
    unchecked: Sequence[str] = (),
) -> Iterator[tuple[np.ndarray, bool]]:
    """`ids` (in date order) ordered by score, as (ids, complete): first the first `limit` of
    them when the posts with a term in their title alone give them, then all. Each post is
    counted once. `ids` may hold posts without the terms of `unchecked` (some of the folded
    terms, whose candidates were not checked): those are left out, found as they are counted
    (a check of its own read every candidate's text twice)."""
    terms = _encoded(folded_terms)
    required = set(_encoded(unchecked))
    counts = _Counts(state)
    if not terms or not len(ids):
        yield ids, True
        return
    titled = None
    if limit is not None and len(ids) > limit:
        titled = np.zeros(len(ids), dtype=bool)
        for term in folded_terms:
            titled |= title_matches(term, ids)
        if np.count_nonzero(titled) >= limit:
            top = ids[titled]  # still in date order
            top_scores, top_found = _scores(counts, top, terms, np.ones(len(top), dtype=bool), required)
            if np.count_nonzero(top_found) >= limit:
                yield _by_score(top[top_found], top_scores[top_found])[:limit], False
            scores = np.zeros(len(ids), dtype=np.int64)
            found = np.ones(len(ids), dtype=bool)
            scores[titled], found[titled] = top_scores, top_found
            rest = ~titled
            rest_ids = ids[rest]
            scores[rest], found[rest] = _scores(counts, rest_ids, terms, np.zeros(len(rest_ids), dtype=bool), required)
            yield _by_score(ids[found], scores[found]), True
            return
    scores, found = _scores(counts, ids, terms, titled, required)
    yield _by_score(ids[found], scores[found]), True


def checked_in_titles(state: IndexState, term: str, ids: np.ndarray, candidates: np.ndarray | None) -> np.ndarray:
    """Which of `ids` have `term` in their title, given a mask of the posts that may."""
    maybe = ids if candidates is None else ids[candidates[ids]]
    found = containing(state, term.encode("utf-8", "surrogatepass"), maybe.tolist(), in_title=True)
    return np.isin(ids, np.asarray(found, dtype=np.int64))
