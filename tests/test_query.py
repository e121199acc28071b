"""The query language parser: every construct and every error message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.archive.query import QueryError, Term, parse


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def single(text: str) -> Term:
    query = parse(text)
    assert len(query.groups) == 1 and len(query.groups[0]) == 1
    return query.groups[0][0]


def test_words_are_anded() -> None:
    query = parse("信用  建设")
    assert [group[0].value for group in query.groups] == ["信用", "建设"]
    assert query.sort == "date"


def test_phrase_keeps_spaces() -> None:
    assert single('"exact  phrase"') == Term("text", "exact  phrase")


def test_negation() -> None:
    assert single("-word") == Term("text", "word", negated=True)
    assert single('-"two words"') == Term("text", "two words", negated=True)
    assert single("-cat:编程") == Term("cat", "编程", negated=True)


def test_a_word_starting_with_two_dashes_is_searched_as_written() -> None:
    """`--port` is a command-line flag in a docs archive, not the posts without `-port`
    (found by a new user: it listed exactly the pages that lack the flag)."""
    assert single("--port") == Term("text", "--port")
    assert single("---") == Term("text", "---")
    assert single("-x--y") == Term("text", "x--y", negated=True)


def test_or_binds_tighter_than_and() -> None:
    query = parse("a OR b c")
    assert [[term.value for term in group] for group in query.groups] == [["a", "b"], ["c"]]
    assert [[t.value for t in g] for g in parse("a OR b OR c").groups] == [["a", "b", "c"]]


def test_lowercase_or_is_a_word() -> None:
    assert [g[0].value for g in parse("a or b").groups] == ["a", "or", "b"]


@pytest.mark.parametrize("field", ["title", "author", "cat", "tag", "source"])
def test_field_qualifiers(field: str) -> None:
    assert single(f"{field}:值") == Term(field, "值")
    assert single(f'{field}:"two words"') == Term(field, "two words")
    assert single(f"{field.upper()}:x") == Term(field, "x")
    if field != "title":
        assert single(f"{field}:=值") == Term(field, "值", exact=True)
        assert single(f'-{field}:="two words"') == Term(field, "two words", negated=True, exact=True)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("date:2021", ts(2021, 1, 1), ts(2022, 1, 1)),
        ("date:2021-12", ts(2021, 12, 1), ts(2022, 1, 1)),
        ("date:2021-02", ts(2021, 2, 1), ts(2021, 3, 1)),
        ("date:2021-12-05", ts(2021, 12, 5), ts(2021, 12, 6)),
        ("date:2021-01..2021-06", ts(2021, 1, 1), ts(2021, 7, 1)),
        ("date:2021..", ts(2021, 1, 1), None),
        ("date:..2021-06-30", None, ts(2021, 7, 1)),
        ("before:2021-06-01", None, ts(2021, 6, 1)),
        ("after:2021-06-01", ts(2021, 6, 2), None),
        ("after:2021", ts(2022, 1, 1), None),
    ],
)
def test_date_qualifiers(text: str, start, end) -> None:
    term = single(text)
    assert term.field == "date" and (term.start, term.end) == (start, end)


def test_is_and_sort() -> None:
    assert single("is:undated") == Term("is", "undated")
    assert single("IS:Repaired") == Term("is", "repaired")
    for order in ("date", "-date", "relevance", "title"):
        assert parse(f"x sort:{order}").sort == order
    assert parse("sort:title").is_empty


def test_empty_quotes_and_blank_queries() -> None:
    assert parse("").is_empty
    assert parse('   ""  ').is_empty


def test_colons_that_are_not_qualifiers() -> None:
    assert single("12:30") == Term("text", "12:30")
    assert single('"http://example.com"') == Term("text", "http://example.com")
    assert single("C++") == Term("text", "C++")


def test_highlight_terms() -> None:
    query = parse('信用 -建设 title:Linux "a b" cat:x a OR 信用')
    assert query.highlight_terms == ("信用", "Linux", "a b", "a")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"unclosed', 'unclosed quote: add the closing "'),
        ('title:"unclosed', 'unclosed quote: add the closing "'),
        ('a " b', 'unclosed quote: add the closing "'),
        (
            "foo:bar",
            "unknown qualifier foo: (known: title:, author:, cat:, tag:, source:, date:, before:, after:, "
            'is:, sort:); to search for the text, put it in quotes: "foo:bar"',
        ),
        (
            'foo:"bar"',
            "unknown qualifier foo: (known: title:, author:, cat:, tag:, source:, date:, before:, after:, is:, sort:)",
        ),
        ("title:", "title: needs a value, for example title:linux"),
        ('author:""', "author: needs a value, for example author:ZAKER"),
        ("date:2021-13", "date:2021-13 is not a real date"),
        ("date:2021-02-30", "date:2021-02-30 is not a real date"),
        ("date:yesterday", "date:yesterday is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("before:2021/06/01", "before:2021/06/01 is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("date:..", "date:.. needs a date on at least one side, for example date:2021-01..2021-06"),
        ("date:2021-06..2021-01", "date:2021-06..2021-01 ends before it starts"),
        ("is:new", "is:new is not known (use is:undated, is:repaired, is:read, is:unread, is:bookmarked)"),
        ("cat:=", "cat:= needs a value, for example cat:=编程"),  # was a search for `=`: 0 matches
        ("title:=linux", "title:= (the exact value) works with author:, cat:, tag:, source: only"),
        ("date:=2021", "date:= (the exact value) works with author:, cat:, tag:, source: only"),
        ("sort:newest", "sort:newest is not a sort order (use sort:date, sort:-date, sort:relevance or sort:title)"),
        ("OR a", "OR needs a term on each side"),
        ("a OR", "OR needs a term on each side"),
        ("a OR OR b", "OR needs a term on each side"),
        ("a OR sort:title", "OR cannot join a sort: qualifier"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse(text)
    assert str(raised.value) == message


@given(st.text(max_size=60))
def test_parse_never_raises_anything_but_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError as error:
        assert str(error)


def test_parentheses_group_ors() -> None:
    assert parse("(a OR b) c").groups == ((Term("text", "a"), Term("text", "b")), (Term("text", "c"),))
    assert parse("(a OR b) c").groups == parse("a OR b c").groups
    assert parse("-(a OR title:b)").groups == ((Term("text", "a", negated=True),), (Term("title", "b", negated=True),))
    assert parse("x OR (a OR b)").groups == ((Term("text", "x"), Term("text", "a"), Term("text", "b")),)
    assert parse("foo(bar)").groups == ((Term("text", "foo(bar)"),),)  # not a group: a word
    assert parse("(foo(bar) OR x)").groups == ((Term("text", "foo(bar)"), Term("text", "x")),)
    assert parse(":)").groups == ((Term("text", ":)"),),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(a b)", "inside ( ) join terms with OR, for example (linux OR unix); outside, a space means both"),
        ("(a OR b", "unclosed (: add the closing )"),
        ("()", "( ) needs terms joined by OR inside, for example (linux OR unix)"),
        ("(a OR)", "( ) needs terms joined by OR inside, for example (linux OR unix)"),
        ("((a OR b))", "parentheses inside parentheses are not needed: use OR"),
        ("(a OR sort:title)", "sort: cannot go inside parentheses"),
    ],
)
def test_parenthesis_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as error:
        parse(text)
    assert str(error.value) == message
