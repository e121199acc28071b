"""The query language: GitHub/Gmail-style search text -> a small AST, or a plain-words error.

信用 建设            every word must appear (substring: Chinese needs no spaces)
"exact phrase"       the words together, in order
-word  -"phrase"     exclude
a OR b               either (OR binds tighter than the spaces between terms)
(a OR b) -(c OR d)   parentheses group ORs (a space inside them is an error: say OR)
title: author: cat: tag: source:   look in one field (cat: matches any category level)
author:=ZAKER  cat:="新媒体/ZAKER"  the whole value, exactly (author:, cat:, tag:, source:)
date:2021  date:2021-12  date:2021-12-05  date:2021-01..2021-06
before:2021-06-01  after:2021-06-01     (before the day / after the day)
is:undated  is:repaired  is:read  is:unread  is:bookmarked
sort:date  sort:-date  sort:relevance  sort:title
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

TEXT_FIELDS = ("title", "author", "cat", "tag", "source")
EXACT_FIELDS = ("author", "cat", "tag", "source")
DATE_FIELDS = ("date", "before", "after")
IS_VALUES = ("undated", "repaired", "read", "unread", "bookmarked")
SORTS = ("date", "-date", "relevance", "title")
QUALIFIERS = TEXT_FIELDS + DATE_FIELDS + ("is", "sort")


class QueryError(ValueError):
    """A query that cannot be understood; the message is shown to the user as it is."""


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    """'text' (anywhere), one of TEXT_FIELDS, 'date' (a range) or 'is'."""
    value: str = ""
    start: float | None = None
    """For dates: the range as Unix seconds [start, end)."""
    end: float | None = None
    negated: bool = False
    exact: bool = False
    """author:=X: the whole field value is X (folded), not just contains it."""


@dataclass(frozen=True, slots=True)
class Query:
    groups: tuple[tuple[Term, ...], ...] = ()
    """AND of groups; each group is an OR of terms."""
    sort: str = "date"
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """The words and phrases to highlight: every positive text or title term."""
        terms = []
        for group in self.groups:
            for term in group:
                if not term.negated and term.field in ("text", "title") and term.value not in terms:
                    terms.append(term.value)
        return tuple(terms)


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<neg>-(?!-))?(?:(?P<name>[A-Za-z]+):(?P<exact>=)?)?(?:"(?P<quoted>[^"]*)(?P<closed>")?|(?P<bare>[^\s"]+))
  | (?P<stray>")
    """,
    re.VERBOSE,
)


@dataclass
class Token:
    """One term of query text as typed: a word, a phrase, a qualifier or a parenthesis.

    `text` is exactly what was typed for it, starting at `position`, so query text can be
    edited term by term (query_text.py) without re-spacing the rest."""

    text: str
    negated: bool = False
    name: str | None = None
    value: str = ""
    quoted: bool = False
    position: int = 0
    exact: bool = False
    paren: str = ""
    """'(' or ')' for a grouping parenthesis (then negated applies to the group)."""


def tokenize(text: str) -> list[Token]:
    """The terms of query text, in order. Raises QueryError (for the user) when it cannot be read."""
    tokens: list[Token] = []
    position = 0
    depth = 0
    while position < len(text):
        # A parenthesis groups only at the start of a term, and closes only an open group:
        # foo(bar) stays a word.
        opening = re.compile(r"-?\(").match(text, position)
        if opening:
            tokens.append(Token(opening.group(0), opening.group(0).startswith("-"), position=position, paren="("))
            depth += 1
            position = opening.end()
            continue
        if text[position] == ")" and depth:
            tokens.append(Token(")", position=position, paren=")"))
            depth -= 1
            position += 1
            continue
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:  # only a lone '-' or '"' can get here
            raise QueryError(f"cannot read the query at character {position + 1}")
        if depth and match.group("bare") and match.group("bare").endswith(")"):
            bare = match.group("bare")
            unbalanced = bare.count(")") - bare.count("(")  # foo(bar) closes nothing
            closing = max(0, min(depth, len(bare) - len(bare.rstrip(")")), unbalanced))
            if 0 < closing < len(bare):  # the word without the parentheses that close groups
                match = _TOKEN.match(text[: match.end() - closing], position) or match  # always matches
        position = match.end()
        if match.group("space"):
            continue
        if match.group("stray") is not None:
            raise QueryError('unclosed quote: add the closing "')
        quoted = match.group("quoted") is not None
        if quoted and match.group("closed") is None:
            raise QueryError('unclosed quote: add the closing "')
        value = match.group("quoted") if quoted else (match.group("bare") or "")
        name = match.group("name")
        negated = bool(match.group("neg"))
        if name is None and not quoted and value.endswith(":") and value[:-1].lower() in QUALIFIERS:
            qualifier = value[:-1].lower()
            raise QueryError(f"{qualifier}: needs a value, for example {_EXAMPLES[qualifier]}")
        if name is not None and name.lower() not in QUALIFIERS:
            if quoted or not value:
                raise QueryError(f"unknown qualifier {name}: (known: {', '.join(q + ':' for q in QUALIFIERS)})")
            raise QueryError(
                f"unknown qualifier {name}: (known: {', '.join(q + ':' for q in QUALIFIERS)}); "
                f'to search for the text, put it in quotes: "{name}:{value}"'
            )
        if name is not None and not quoted and value == "=" and name.lower() in EXACT_FIELDS:
            # `cat:=` with nothing after it: the exact value still to come, not a search for `=`
            raise QueryError(
                f"{name.lower()}:= needs a value, for example {_EXAMPLES[name.lower()].replace(':', ':=', 1)}"
            )
        exact = match.group("exact") is not None
        if exact and name is not None and name.lower() not in EXACT_FIELDS:  # `=` comes only after a name
            raise QueryError(
                f"{name.lower()}:= (the exact value) works with {', '.join(f + ':' for f in EXACT_FIELDS)} only"
            )
        tokens.append(
            Token(match.group(0), negated, name.lower() if name else None, value, quoted, match.start(), exact)
        )
    return tokens


def parse(text: str) -> Query:
    """Parse a query. Raises QueryError with a message meant for the user."""
    tokens = tokenize(text)
    sort = "date"
    groups: list[list[Term]] = []
    pending_or = False
    group: list[Term] | None = None  # the terms of an open ( ... ), joined by OR
    group_negated = False
    group_pending_or = False
    for index, token in enumerate(tokens):
        if token.paren == "(":
            if group is not None:
                raise QueryError("parentheses inside parentheses are not needed: use OR")
            group, group_negated, group_pending_or = [], token.negated, False
            continue
        if token.paren == ")":
            if group is None:
                raise QueryError("a ) without its (")
            if not group or group_pending_or:
                raise QueryError("( ) needs terms joined by OR inside, for example (linux OR unix)")
            terms = [replace(term, negated=not term.negated) for term in group] if group_negated else group
            if group_negated:  # -(a OR b) is -a -b
                groups.extend([term] for term in terms)
            elif pending_or:
                groups[-1].extend(terms)
                pending_or = False
            else:
                groups.append(terms)
            group = None
            continue
        is_or = token.name is None and not token.quoted and not token.negated and token.value == "OR"
        if group is not None:
            if is_or:
                if not group or group_pending_or:
                    raise QueryError("OR needs a term on each side")
                group_pending_or = True
                continue
            if token.name == "sort":
                raise QueryError("sort: cannot go inside parentheses")
            term = _term(token)
            if term is None:
                continue
            if group and not group_pending_or:
                raise QueryError(
                    "inside ( ) join terms with OR, for example (linux OR unix); outside, a space means both"
                )
            group.append(term)
            group_pending_or = False
            continue
        if is_or:
            if not groups or pending_or:
                raise QueryError("OR needs a term on each side")
            if index == len(tokens) - 1:
                raise QueryError("OR needs a term on each side")
            pending_or = True
            continue
        if token.name == "sort":
            if token.value.lower() not in SORTS:
                raise QueryError(
                    f"sort:{token.value} is not a sort order (use sort:date, sort:-date, sort:relevance or sort:title)"
                )
            if pending_or:
                raise QueryError("OR cannot join a sort: qualifier")
            sort = token.value.lower()
            continue
        term = _term(token)
        if term is None:
            continue
        if pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if group is not None:
        raise QueryError("unclosed (: add the closing )")
    if pending_or:
        raise QueryError("OR needs a term on each side")
    return Query(tuple(tuple(group) for group in groups), sort, text)


def _term(token: Token) -> Term | None:
    name, value, negated = token.name, token.value, token.negated
    if name is None:
        if not value.strip():
            if token.quoted:
                return None  # "" matches everything: ignore it
            raise QueryError("a lone - needs a word after it")
        return Term("text", value, negated=negated)
    if not value.strip():
        raise QueryError(f"{name}: needs a value, for example {_EXAMPLES[name]}")
    if name in TEXT_FIELDS:
        return Term(name, value.strip(), negated=negated, exact=token.exact)
    if name == "is":
        if value.lower() not in IS_VALUES:
            raise QueryError(f"is:{value} is not known (use {', '.join('is:' + v for v in IS_VALUES)})")
        return Term("is", value.lower(), negated=negated)
    start, end = _date_range(name, value)
    return Term("date", value, start=start, end=end, negated=negated)


_EXAMPLES = {
    "title": "title:linux",
    "author": "author:ZAKER",
    "cat": "cat:编程",
    "tag": "tag:python",
    "source": "source:github.com",
    "date": "date:2021-12",
    "before": "before:2021-06-01",
    "after": "after:2021-06-01",
    "is": "is:undated",
    "sort": "sort:date",
}

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _period(text: str, qualifier: str) -> tuple[datetime, datetime]:
    """'2021' / '2021-12' / '2021-12-05' -> [first moment, first moment after) in UTC."""
    match = _DATE.match(text.strip())
    if not match:
        raise QueryError(f"{qualifier}:{text} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day is not None:
            start = datetime(int(year), int(month), int(day), tzinfo=UTC)
            following = datetime.fromordinal(start.toordinal() + 1).replace(tzinfo=UTC)
        elif month is not None:
            start = datetime(int(year), int(month), 1, tzinfo=UTC)
            following = datetime(int(year) + (int(month) == 12), int(month) % 12 + 1, 1, tzinfo=UTC)
        else:
            start = datetime(int(year), 1, 1, tzinfo=UTC)
            following = datetime(int(year) + 1, 1, 1, tzinfo=UTC)
    except (ValueError, OverflowError) as error:
        raise QueryError(f"{qualifier}:{text} is not a real date") from error
    return start, following


def _date_range(name: str, value: str) -> tuple[float | None, float | None]:
    if name == "date" and ".." in value:
        first, _, last = value.partition("..")
        start = _period(first, name)[0] if first.strip() else None
        end = _period(last, name)[1] if last.strip() else None
        if start is None and end is None:
            raise QueryError("date:.. needs a date on at least one side, for example date:2021-01..2021-06")
        if start is not None and end is not None and end <= start:
            raise QueryError(f"date:{value} ends before it starts")
        return (start.timestamp() if start else None, end.timestamp() if end else None)
    start, following = _period(value, name)
    if name == "before":
        return None, start.timestamp()
    if name == "after":
        return following.timestamp(), None
    return start.timestamp(), following.timestamp()
