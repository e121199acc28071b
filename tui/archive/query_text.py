"""Editing query text term by term: set or remove a qualifier, keep the rest as typed.

The facets (a chosen category, author, month…) and the sort order both live in the search
bar's text. Both change it through `with_terms_replaced`, so a query is edited one way: by
its terms as the query language reads them (a `sort:` inside a phrase is not a qualifier).
"""

from __future__ import annotations

from collections.abc import Callable

from .query import QueryError, Token, tokenize

TermSelector = Callable[[list[Token], int], bool]
"""Whether the term at a position is one to replace (it may look at its neighbours, e.g. OR)."""


def with_terms_replaced(query_text: str, selects: TermSelector, replacement: str | None) -> str:
    """The query with the terms `selects` picks replaced by `replacement`, written where the
    first of them was (at the end when there was none), or removed (None).

    Everything else is kept as typed, except that the space between terms becomes one space.
    Raises QueryError when the query cannot be read: a qualifier appended to `"unclosed`
    would only lengthen the phrase."""
    tokens = tokenize(query_text)
    kept: list[tuple[int, int, str]] = []  # (start, end, text) in the query, in order
    pending = replacement
    for position, token in enumerate(tokens):
        start, end = token.position, token.position + len(token.text)
        if selects(tokens, position):
            if pending is not None:
                kept.append((start, end, pending))
                pending = None
            continue
        kept.append((start, end, token.text))
    if pending is not None:
        kept.append((-1, -1, pending))
    pieces: list[str] = []
    previous_end = None
    for start, end, text in kept:
        if pieces and start != previous_end:  # terms typed together (`(a`, `b)`) stay together
            pieces.append(" ")
        pieces.append(text)
        previous_end = end
    return "".join(pieces)


def _is_sort(tokens: list[Token], position: int) -> bool:
    return tokens[position].name == "sort"


def with_sort(query_text: str, sort: str, default: str = "date") -> str:
    """The query text with its sort: qualifier set to `sort` (dropped when it is the default)."""
    return with_terms_replaced(query_text, _is_sort, None if sort == default else f"sort:{sort}")


def has_sort(query_text: str) -> bool:
    """Whether the query chooses its own order (a sort: qualifier); False when it cannot be read."""
    try:
        tokens = tokenize(query_text)
    except QueryError:
        return False
    return any(_is_sort(tokens, position) for position in range(len(tokens)))
