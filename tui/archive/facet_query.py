"""Facets as query text: the qualifier a chosen facet writes, and the selection a query reads as.

The facets and the search bar are one filter: choosing a facet writes its qualifier into the
query (`with_facet`), and the selection shown is read back from the query (`selected_facets`).
Given the archive's facets (FacetData), a category gets its shortest exact qualifier and a
value typed by hand maps to the facet it names.
"""

from __future__ import annotations

import re
from typing import Protocol

from .facet_storage import IS_FACETS, KINDS, UNDATED
from .query import QueryError, Token, parse, tokenize
from .query_text import with_terms_replaced

_SPACE = re.compile(r"\s")
_SHORT_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


class KnownFacets(Protocol):
    """What the query side needs of an archive's facets (FacetData)."""

    def qualifier(self, kind: str, value: str) -> str: ...

    def canonical(self, kind: str, written: str) -> str: ...


def quote_value(value: str) -> str:
    """A qualifier value as the tokenizer reads it back: quoted when it has spaces.

    The query language has no escape for '"'; a value containing one is cut to its longest
    quote-free part (a substring, so it still finds the value)."""
    if '"' in value:
        value = max((part.strip() for part in value.split('"')), key=len)
    if not value or _SPACE.search(value):
        return f'"{value}"'
    return value


def plain_qualifier(kind: str, value: str) -> str:
    """The qualifier for the value as it is (FacetData.qualifier looks for a shorter exact one)."""
    if kind == "date" and value == UNDATED:
        return "is:undated"
    return f"{kind}:{quote_value(value)}"


def facet_qualifier(kind: str, value: str, facets: KnownFacets | None = None) -> str:
    """The query text for one facet: cat:ZAKER, date:2021-12, author:"a b", is:bookmarked.

    With `facets`, a category gets its shortest exact form (see FacetData.qualifier)."""
    if kind not in KINDS:
        raise ValueError(f"unknown facet kind {kind!r}")
    if facets is not None and kind in ("cat", "author", "source"):
        return facets.qualifier(kind, value)
    return plain_qualifier(kind, value)


def _is_or(token: Token) -> bool:
    return token.name is None and not token.quoted and not token.negated and token.value == "OR"


def _facet_kind(tokens: list[Token], position: int) -> str | None:
    """The facet kind a token selects, or None (plain words, negations, OR operands...)."""
    token = tokens[position]
    if token.name is None or token.negated:
        return None
    if position > 0 and _is_or(tokens[position - 1]):
        return None
    if position + 1 < len(tokens) and _is_or(tokens[position + 1]):
        return None
    if token.name in ("cat", "author", "source", "date"):
        return token.name
    if token.name == "is":
        value = token.value.lower()
        if value == UNDATED:
            return "date"
        if value in IS_FACETS:
            return "is"
    return None


def _token_value(kind: str, token: Token) -> str:
    value = token.value.strip()
    if token.name == "is":
        return value.lower()
    if kind == "date":
        match = _SHORT_DATE.match(value)
        if match and match.group(2) is not None:
            return f"{match.group(1)}-{int(match.group(2)):02d}"
    return value


def with_facet(query_text: str, kind: str, value: str | None, facets: KnownFacets | None = None) -> str:
    """The query with this kind's facet set to `value` (None: removed).

    Replaces the positive qualifiers of that kind (in place of the first), keeps everything
    else as typed; spaces between terms become single spaces. Raises QueryError when the
    query cannot be read."""
    qualifier = None if value is None else facet_qualifier(kind, value, facets)
    return with_terms_replaced(query_text, lambda tokens, position: _facet_kind(tokens, position) == kind, qualifier)


def selected_facets(query_text: str, facets: KnownFacets | None = None) -> dict[str, str]:
    """The facet selection a query expresses: {kind: value}; {} when it cannot be parsed.

    A qualifier counts only when positive and outside OR; with several of one kind the last
    wins. Dates are normalised ('2021-1' -> '2021-01'), `is:undated` is the timeline's
    'undated'. With `facets`, values typed by hand map to the node they name."""
    try:
        tokens = tokenize(query_text)
        # is:bookmarked/is:unread may be newer than the parser: check the rest only.
        parse(" ".join(token.text for position, token in enumerate(tokens) if _facet_kind(tokens, position) != "is"))
    except QueryError:
        return {}
    selection: dict[str, str] = {}
    for position, token in enumerate(tokens):
        kind = _facet_kind(tokens, position)
        if kind is not None:
            selection[kind] = _token_value(kind, token)
    if facets is not None:
        for kind in ("cat", "author", "source"):
            if kind in selection:
                selection[kind] = facets.canonical(kind, selection[kind])
    return selection


__all__ = ["KnownFacets", "facet_qualifier", "selected_facets", "with_facet"]
