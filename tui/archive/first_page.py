"""The first screen of hits of a common term, read straight from the texts in display order.

Building a term's candidates reads its grams' postings: ~10 ms for each common gram at a
million posts, before any hit is known. But a term found in a tenth of the posts has its first
200 hits among the first ~2,000 posts of the list, and checking their texts takes ~5 ms. So
when the postings' sizes say the terms are common, the first screen is read directly, and the
full count follows through the postings as before. The estimate can be wrong (two common
grams, rarely side by side): the reading stops as soon as the hits found so far say that it
would check more than SCAN_LIMIT posts, and the postings answer instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .folding import fold
from .gram_lookup import gram_count, gram_mask, term_keys
from .index_state import IndexState
from .query import Query, Term
from .text_match import containing

SCAN_LIMIT = 4096
"""Posts whose texts are checked at most (~10 ms) before the postings answer instead."""
_CHECK_COST = 3.0
_POSTING_COST = 0.015
_ORDER_COST = 0.005
"""Microseconds to check a post's text, to read a posting, and per post to put a result in
list order (measured at 100k and a million posts)."""
_STEP = 256
_PROBE = 1024
"""Posts checked before the hits found so far are trusted to predict the rest."""


def scanned_first_page(
    state: IndexState, query: Query, limit: int, exact_mask: Callable[[Term], np.ndarray | None]
) -> tuple[list[int], bool] | None:
    """(the hits found, in display order: at least `limit` unless complete; whether that is all
    of them), or None when the postings should answer. Only plain AND queries of text terms
    (with exact qualifiers such as cat: or date:) in date order are read this way.

    The posts read are all posts in list order, or when a term is rare, the posts that have
    its rarest gram (cheap to list) in list order."""
    if query.sort != "date" or not state.size:
        return None
    terms: list[bytes] = []
    rarest: tuple[int, int] | None = None  # (posts, gram) of the rarest gram of any term
    masks: list[np.ndarray] = []
    share = 1.0  # of the posts, those the text terms may match, were they independent
    qualified = 1.0  # those the qualifiers leave
    postings = 0  # what the postings would have to read, at most
    for group in query.groups:
        if len(group) != 1 or group[0].negated:
            return None
        term = group[0]
        if term.field == "text":
            folded = fold(term.value)
            keys, _ = term_keys(folded)
            if not keys:
                return None
            counts = [(gram_count(state, key), key) for key in keys]
            postings += sum(count for count, _ in counts)
            posts, key = min(counts)
            share *= posts / state.size
            rarest = (posts, key) if rarest is None else min(rarest, (posts, key))
            terms.append(folded.encode("utf-8", "surrogatepass"))
        elif term.field == "title":
            return None  # a title holds a term far less often than its post: no estimate
        else:
            mask = exact_mask(term)
            if mask is None:
                return None
            masks.append(mask)
            qualified *= np.count_nonzero(mask) / state.size
    if rarest is None:
        return None
    rare = rarest[0] * 20 < state.size  # then only the posts that have the rarest gram are read
    to_read = rarest[0] * qualified if rare else state.size  # the qualifiers' masks apply before or during
    expected_hits = share * qualified * state.size
    if to_read > SCAN_LIMIT and expected_hits / to_read * SCAN_LIMIT < limit:
        return None
    checks = min(to_read, limit * to_read / max(expected_hits, 1.0))
    if checks * _CHECK_COST > postings * _POSTING_COST + state.size * _ORDER_COST:
        return None  # the postings are cheaper: a rare character, a small archive
    if rare:  # decided before listing them: the postings would list the same gram again
        base = gram_mask(state, rarest[1])
        for mask in masks:
            base &= mask
        posts_in_order, masks = state.in_order(base), []
    else:
        posts_in_order = state.order
    return _read_in_order(state, posts_in_order, terms, masks, limit)


def _read_in_order(
    state: IndexState, posts: np.ndarray, terms: Sequence[bytes], masks: Sequence[np.ndarray], limit: int
) -> tuple[list[int], bool] | None:
    found: list[int] = []
    position = 0
    while len(found) < limit and position < len(posts):
        if position >= _PROBE:
            rate = len(found) / position
            if not rate or position + (limit - len(found)) / rate > SCAN_LIMIT:
                return None
        chunk = posts[position : position + _STEP]
        for mask in masks:
            chunk = chunk[mask[chunk]]
        survivors = chunk.tolist()
        for term in terms:
            survivors = containing(state, term, survivors)
        found.extend(survivors)
        position += _STEP
    return found, position >= len(posts)
