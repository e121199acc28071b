"""Editing query text by its terms: the one rule facets and sort both use."""

from __future__ import annotations

import pytest

from tui.archive.query import QueryError
from tui.archive.query_text import has_sort, with_sort, with_terms_replaced


@pytest.mark.parametrize(
    ("text", "sort", "expected"),
    [
        ("", "title", "sort:title"),
        ("linux", "title", "linux sort:title"),
        ("linux sort:title", "relevance", "linux sort:relevance"),
        ("linux   sort:title  unix", "date", "linux unix"),
        ("sort:title sort:-date linux", "date", "linux"),
        ('"a sort:b" linux', "title", '"a sort:b" linux sort:title'),  # inside a phrase: words, not a qualifier
        ("(linux OR unix) sort:title", "date", "(linux OR unix)"),  # parentheses stay as typed
    ],
)
def test_with_sort(text: str, sort: str, expected: str) -> None:
    assert with_sort(text, sort) == expected


@pytest.mark.parametrize("sort", ["title", "date"])
def test_a_query_that_cannot_be_read_is_not_edited(sort: str) -> None:
    """(`"unclosed sort:title` only made the phrase longer.)"""
    with pytest.raises(QueryError, match="unclosed quote"):
        with_sort('"unclosed', sort)


def test_with_sort_drops_the_default_it_is_given() -> None:
    assert with_sort("linux sort:date", "title", default="title") == "linux"
    assert with_sort("linux", "date", default="title") == "linux sort:date"


def test_has_sort_reads_terms_not_characters() -> None:
    assert has_sort("linux sort:title")
    assert not has_sort('"linux sort:title"')
    assert not has_sort("linux")
    assert not has_sort('"unclosed sort:title')


def test_replaced_terms_take_the_place_of_the_first() -> None:
    def is_tag(tokens, position):
        return tokens[position].name == "tag"

    assert with_terms_replaced("a tag:x b tag:y c", is_tag, "tag:z") == "a tag:z b c"
    assert with_terms_replaced("a tag:x b", is_tag, None) == "a b"
    assert with_terms_replaced("a b", is_tag, "tag:z") == "a b tag:z"
