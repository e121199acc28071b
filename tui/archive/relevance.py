"""sort:relevance: title matches above body matches, more occurrences above fewer, newer on ties.

Scoring counts each term's occurrences in every matching post's text: about 4 ms per thousand
posts, 100+ ms for a term in a quarter of 100k posts, seconds at a million. But every post
with a term in its title scores above every post without (1,000 a title occurrence, at most
999 for the body), so when at least a screenful of posts have one in the title, the first
screen is the best of those alone: the titles' own grams (index_batch.TITLE_TAG) list them,
and only they are counted before the first screen is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .index_state import IndexState
from .text_match import containing, occurrences

TitleMatches = Callable[[str, np.ndarray], np.ndarray]
"""(folded term, ids) -> which of the ids (bool per id) have the term in their title."""


def _encoded(folded_terms: Sequence[str]) -> list[bytes]:
    return [term.encode("utf-8", "surrogatepass") for term in folded_terms]


def by_relevance(state: IndexState, ids: np.ndarray, folded_terms: Sequence[str]) -> np.ndarray:
    """`ids` (in date order) ordered by score; ties keep their order."""
    terms = _encoded(folded_terms)
    if not terms or not len(ids):
        return ids
    scores = np.zeros(len(ids), dtype=np.int64)
    for term in terms:
        scores += 1000 * np.minimum(occurrences(state, ids, term, state.starts, state.title_ends), 9)
        scores += np.minimum(occurrences(state, ids, term, state.title_ends, state.ends), 999)
    return ids[np.argsort(-scores, kind="stable")]  # stable: date order on ties


def first_screen(
    state: IndexState, ids: np.ndarray, folded_terms: Sequence[str], limit: int, title_matches: TitleMatches
) -> np.ndarray | None:
    """The first `limit` ids of by_relevance(ids), from the posts with a term in their title
    alone; None when fewer than `limit` have one (then every post's score is needed)."""
    if not folded_terms or len(ids) <= limit:
        return None
    in_title = np.zeros(len(ids), dtype=bool)
    for term in folded_terms:
        in_title |= title_matches(term, ids)
    if np.count_nonzero(in_title) < limit:
        return None
    return by_relevance(state, ids[in_title], folded_terms)[:limit]  # ids[in_title]: still in date order


def checked_in_titles(state: IndexState, term: str, ids: np.ndarray, candidates: np.ndarray | None) -> np.ndarray:
    """Which of `ids` have `term` in their title, given a mask of the posts that may."""
    maybe = ids if candidates is None else ids[candidates[ids]]
    found = containing(state, term.encode("utf-8", "surrogatepass"), maybe.tolist(), in_title=True)
    return np.isin(ids, np.asarray(found, dtype=np.int64))
