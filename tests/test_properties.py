"""Property tests: whatever a post contains, the readers never raise and their outputs keep
their promises (no control characters on screen, titles never empty, dates parsed or kept raw).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.archive import dates, fields
from tui.archive.archive import PostFile, build_post
from tui.archive.convert import to_markdown
from tui.archive.parse import NotAPost, RawPost, decode, parse_text, recover_yaml_lines
from tui.archive.query import QueryError, parse
from tui.archive.sanitize import one_line, strip_controls

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
# No deadline: the machine is shared; these are about what happens, not how fast.
settings.register_profile("postshelf", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("postshelf")

NASTY_CHARACTERS = st.sampled_from(
    [
        "\x1b",
        "\x1b[31m",
        "\x1b]0;t\x07",
        "\x1b]52;c;QQ==\x1b\\",
        "\x9b",
        "\x9d",
        "\x07",
        "\x00",
        "\r",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "\ud800",
        "\udcff",
        "\u2028",
        "\x85",
        "'",
        '"',
        ":",
        "-",
        "\t",
        "\n",
        "&amp;",
        "&#27;",
        "<",
        ">",
        "#",
        "[",
        "]",
        "{",
        "}",
        "*",
        "&",
        "!",
        "|",
        "%",
        "@",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=8), NASTY_CHARACTERS), max_size=25).map("".join)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    TEXT,
    st.datetimes(),
    st.dates(),
    st.just(5000).map(lambda digits: 10**digits),
    st.binary(max_size=10),
)
# What a YAML/TOML/JSON parser can hand over, including lists that contain themselves.
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=20,
)


def _self_containing(value):
    container = [value]
    container.append(container)
    return container


ANY_VALUE = st.one_of(VALUES, VALUES.map(_self_containing))


def assert_displayable(text: str, one_line_only: bool = True) -> None:
    assert isinstance(text, str)
    assert not FORBIDDEN.search(text), repr(text)
    if one_line_only:
        assert "\n" not in text and "\t" not in text


# ---------------------------------------------------------------- sanitize


@given(TEXT)
def test_strip_controls_leaves_nothing_dangerous_and_is_stable(text: str) -> None:
    cleaned = strip_controls(text)
    assert_displayable(cleaned, one_line_only=False)
    assert strip_controls(cleaned) == cleaned
    assert_displayable(one_line(text))


# ---------------------------------------------------------------- parse.py


@given(st.binary(max_size=300) | TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_decode_gives_text_or_a_reason(data: bytes) -> None:
    try:
        text, encoding = decode(data)
    except NotAPost as reason:
        assert str(reason)
    else:
        assert isinstance(text, str) and encoding


FRONTMATTER_LINES = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["title", "date", "author", "categories", "tags", "link", "Title", "x"]),
            st.sampled_from(
                [
                    ": ",
                    ":",
                    " = ",
                    ": '",
                    ': "',
                    ": [",
                    ": &a ",
                    ": *a ",
                    ": !!python/name:os.system ",
                    ": !!binary ",
                    ": |\n  ",
                    ": - ",
                ]
            ),
            TEXT,
        ).map("".join),
        st.sampled_from(["- item", "  - nested", "\t- tab", "? [a, b]", ": value", "<<: *a", "---", "+++", "{", "}"]),
        TEXT,
    ),
    max_size=8,
).map("\n".join)


@given(
    st.sampled_from(["---", "+++", "{\n", "", "\n\n---", "---  "]),
    FRONTMATTER_LINES,
    st.sampled_from(["\n---\n", "\n+++\n", "\n}\n", "\n", ""]),
    TEXT,
)
def test_parse_text_gives_a_post_or_a_reason(opening: str, frontmatter: str, closing: str, body: str) -> None:
    try:
        raw = parse_text(opening + "\n" + frontmatter + closing + body)
    except NotAPost as reason:
        assert str(reason)
        return
    assert isinstance(raw.metadata, dict) and all(isinstance(key, str) for key in raw.metadata)
    assert isinstance(raw.body, str) and raw.frontmatter_format in ("yaml", "toml", "json", "none")


@given(FRONTMATTER_LINES)
def test_recovering_yaml_lines_never_raises(frontmatter: str) -> None:
    metadata = recover_yaml_lines(frontmatter)
    assert all(isinstance(key, str) for key in metadata)


# ---------------------------------------------------------------- fields.py


@given(ANY_VALUE)
def test_field_values_are_one_clean_line(value) -> None:
    for text in (
        fields.text_value(value),
        fields.raw_date_text(value),
        fields.web_url(value),
        *fields.tag_list(value),
        *(" / ".join(path) for path in fields.category_paths(value, "yaml")),
        *(level for path in fields.category_paths(value, "toml") for level in path),
    ):
        assert_displayable(text)
        assert len(text) <= fields.MAX_FIELD_CHARACTERS * 5
    url = fields.web_url(value)
    assert url == "" or re.match(r"^https?://\S+$", url, re.IGNORECASE)


@given(ANY_VALUE)
def test_dates_are_parsed_or_none(value) -> None:
    parsed = dates.parse_date(value)
    assert parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is not None)


@given(
    st.dictionaries(
        st.sampled_from(
            ["title", "date", "author", "categories", "tags", "link", "image", "category", "tag", "draft", "pubdate"]
        ),
        ANY_VALUE,
        max_size=6,
    ),
    TEXT,
    st.sampled_from([".md", ".html"]),
    st.sampled_from(["yaml", "toml", "json", "none"]),
    st.text(alphabet=st.characters(blacklist_characters="/\x00"), min_size=1, max_size=12),
)
@example({"date": True}, "", ".md", "yaml", "0")  # found by the search once: a flag is not a date
def test_built_posts_keep_their_promises(metadata: dict, body: str, suffix: str, kind: str, stem: str) -> None:
    post_file = PostFile(f"/archive/feed/{stem}{suffix}", Path("/archive"))
    post, text = build_post(post_file, RawPost(metadata, body, kind))
    assert post.title.strip() and post.title == one_line(post.title)  # never empty
    for value in (
        post.title,
        post.author,
        post.date_raw,
        post.link,
        post.image,
        post.relative_path,
        post.source,
        post.date_label,
        *post.tags,
        *post.category_labels,
        *post.notes,
    ):
        assert_displayable(value)
    assert_displayable(text)
    date_value = metadata.get("date", metadata.get("pubdate"))
    # parsed, or kept as written; `date: true` is a flag (Jekyll's `published: true`), not a date
    if date_value is not None and not isinstance(date_value, bool) and fields.text_value(date_value):
        assert post.date is not None or post.date_raw
    if post.date is not None:
        assert post.date.tzinfo is not None


@given(st.one_of(st.dates(), st.datetimes(), TEXT, st.integers()))
def test_any_date_value_is_parsed_or_kept_raw(value) -> None:
    parsed = dates.parse_date(value)
    raw = fields.raw_date_text(value)
    assert parsed is not None or raw or not one_line(str(value))
    if isinstance(value, (date, datetime)):
        assert parsed is not None


# ---------------------------------------------------------------- convert.py

TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<a href='javascript:alert(1)'>",
        '<a href="https://x.y/">',
        "</a>",
        "<img src='data:image/png;base64,AA' alt='a'>",
        '<img src="https://x.y/i.png">',
        "<script>alert(1)</script>",
        "<style>x{}</style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "<?x",
        "</",
        "<a x",
        "<table><tr><td>",
        "</td></tr></table>",
        "<pre><code>",
        "</code></pre>",
        "<br>",
        "<h1>",
        "</h1>",
        "<iframe src='vbscript:x'>",
        "<ul><li>",
        "</li></ul>",
        "<blockquote>",
        "<",
        ">",
        "&lt;",
        "&#27;",
        "<svg><script>x</script></svg>",
        "<video src='file:///etc/passwd'>",
    ]
)
HTML = st.lists(st.one_of(TAGS, TEXT), max_size=30).map("".join)


@given(HTML, st.sampled_from(["html", "markdown"]))
def test_converted_bodies_are_inert(body: str, body_format: str) -> None:
    markdown = to_markdown(body, body_format)
    assert_displayable(markdown, one_line_only=False)
    if body_format == "html":
        assert "javascript:" not in markdown.lower() and "vbscript:" not in markdown.lower()
        assert "](data:" not in markdown and "](file:" not in markdown


@pytest.mark.slow
@pytest.mark.parametrize("depth_thousands", [1, 5, 12])
@pytest.mark.parametrize("tag", ["<div>", "<b>", "<blockquote>", "<ul><li>", "<table><tr><td>"])
def test_deep_html_never_raises(depth_thousands: int, tag: str) -> None:
    """Every nesting tag, from 1,000 to 12,000 levels deep: a strategy drew
    these same 60 inputs 100 times over (13 s), 15 of them cover it."""
    markdown = to_markdown(tag * (depth_thousands * 1000) + "deep", "html")
    assert "deep" in markdown


# ---------------------------------------------------------------- query.py

QUERY_WORDS = st.sampled_from(
    [
        "a",
        "信用",
        "OR",
        "-",
        '"',
        '"a b"',
        "-word",
        "title:",
        "title:x",
        'title:"',
        "date:",
        "date:2021",
        "date:2021-13",
        "date:2021-02-30",
        "date:0000",
        "date:99999",
        "date:..",
        "date:2021..",
        "date:..2021",
        "date:2021..2020",
        "before:",
        "after:9999-12-31",
        "before:0001-01-01",
        "is:",
        "is:undated",
        "is:x",
        "sort:",
        "sort:title",
        "sort:x",
        "x:y",
        "cat:",
        "-cat:图片",
        ":",
        "\u3000",
        "\t",
        "ＯＲ",
        "-OR",
        "\x1b[31m",
    ]
)


@given(st.lists(QUERY_WORDS, max_size=8).map(" ".join) | TEXT)
def test_query_parser_raises_only_query_errors(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as error:
        assert str(error)
    else:
        assert query.text == text
