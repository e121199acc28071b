"""Frontmatter values -> Post fields: dates, titles, categories, tags, links."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.archive import dates, fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 05 Dec 2021 04:17:18 GMT", datetime(2021, 12, 5, 4, 17, 18, tzinfo=UTC)),
        ("Mon, 19 Jan 1970 10:51:32 GMT", datetime(1970, 1, 19, 10, 51, 32, tzinfo=UTC)),
        ("2021-03-21 16:40:55", datetime(2021, 3, 21, 16, 40, 55, tzinfo=UTC)),
        (datetime(2021, 3, 21, 16, 40, 55), datetime(2021, 3, 21, 16, 40, 55, tzinfo=UTC)),
        (date(2023, 6, 1), datetime(2023, 6, 1, tzinfo=UTC)),
        ("2024-02-29T21:30:00+08:00", datetime(2024, 2, 29, 21, 30, tzinfo=timezone(timedelta(hours=8)))),
        ("2022-08-14T08:00:00Z", datetime(2022, 8, 14, 8, tzinfo=UTC)),
        ("2021/12/05", datetime(2021, 12, 5, tzinfo=UTC)),
        ("2021年12月5日", datetime(2021, 12, 5, tzinfo=UTC)),
        (1638677838, datetime(2021, 12, 5, 4, 17, 18, tzinfo=UTC)),
        (1638677838000, datetime(2021, 12, 5, 4, 17, 18, tzinfo=UTC)),
    ],
)
def test_parse_date_forms(value, expected) -> None:
    assert dates.parse_date(value) == expected


@pytest.mark.parametrize("value", ["Invalid Date", "", None, "tomorrow", True, [], {"a": 1}, "99999-99-99"])
def test_unreadable_dates_are_none(value) -> None:
    assert dates.parse_date(value) is None


def test_naive_dates_take_the_archive_zone() -> None:
    zone = timezone(timedelta(hours=8))
    assert dates.parse_date("2021-03-21 16:40:55", zone).utcoffset() == timedelta(hours=8)


def test_jekyll_file_name_date_and_title() -> None:
    assert dates.date_from_file_name("2021-12-05-hello-world") == datetime(2021, 12, 5, tzinfo=UTC)
    assert dates.date_from_file_name("2021-13-05-bad") is None
    assert dates.date_from_file_name("hello") is None
    assert fields.title_from_file_name("2021-12-05-hello-world") == "hello world"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (111111, "111111"),
        ("  multi\n  line  title ", "multi line title"),
        (None, ""),
        (["a", "b"], "a, b"),
        ({"name": "Ann"}, "Ann"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_text_value(value, expected) -> None:
    assert fields.text_value(value) == expected


def test_title_from_body() -> None:
    assert fields.title_from_body("intro\n\n## Second *level*\n", "markdown") == "Second *level"
    assert fields.title_from_body("<div><h1>P232. <b>非减</b></h1></div>", "html") == "P232. 非减"
    assert fields.title_from_body("no heading", "markdown") == ""


@pytest.mark.parametrize(
    ("value", "form", "expected"),
    [
        (["新媒体", "ZAKER", "channel"], "yaml", (("新媒体", "ZAKER", "channel"),)),
        ([["指南", "搜索"], ["Guide"]], "yaml", (("指南", "搜索"), ("Guide",))),
        (["指南", "Hugo"], "toml", (("指南",), ("Hugo",))),
        ("单个分类", "yaml", (("单个分类",),)),
        ("a, b", "yaml", (("a",), ("b",))),
        (None, "yaml", ()),
        ([None, ""], "yaml", ()),
        (["— Photos"], "yaml", (("— Photos",),)),
    ],
)
def test_category_paths(value, form, expected) -> None:
    assert fields.category_paths(value, form) == expected


def test_categories_from_folder() -> None:
    assert fields.categories_from_folder("source/_posts/新媒体/ZAKER/channel/x.md") == (("新媒体", "ZAKER", "channel"),)
    assert fields.categories_from_folder("post/编程/x.md") == (("编程",),)
    assert fields.categories_from_folder("x.md") == ()


def test_tags() -> None:
    assert fields.tag_list("a, b，c") == ("a", "b", "c")
    assert fields.tag_list(["x", 1]) == ("x", "1")
    assert fields.tag_list(None) == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://cors.zfour.workers.dev/?http://static.1sapp.com/a.gif", "http://static.1sapp.com/a.gif"),
        ("https://proxy.example/?https://real.example/x?y=1", "https://real.example/x?y=1"),
        ("https://example.com/plain.jpg", "https://example.com/plain.jpg"),
        ("javascript:alert(1)", ""),
        ("data:image/png;base64,AAAA", ""),
        ("/relative/path/", ""),
        ({"src": "https://a.b/c.jpg"}, "https://a.b/c.jpg"),
        (None, ""),
    ],
)
def test_web_url(value, expected) -> None:
    assert fields.web_url(value) == expected


def test_first_url_follows_key_order() -> None:
    metadata = {"thumbnail": "https://t.example/t.jpg", "headimg": "", "cover": "https://c.example/c.jpg"}
    assert fields.first_url(metadata, fields.IMAGE_KEYS) == "https://t.example/t.jpg"


def test_body_format() -> None:
    assert fields.body_format("<div>   \n<p>x</p></div>", ".md") == "html"
    assert fields.body_format("# Title\n\n<b>inline</b>", ".md") == "markdown"
    assert fields.body_format("plain", ".html") == "html"


def test_plain_text_drops_markup_and_invisible_blocks() -> None:
    html = "<style>.a{}</style><p>荆门&nbsp;信用</p><!-- hidden --><script>x()</script><b>建设</b>"
    assert fields.plain_text(html, "html") == "荆门 信用 建设"


@given(
    day=st.integers(0, 32),
    month=st.sampled_from("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Foo".split()),
    year=st.integers(1000, 9999),
    clock=st.tuples(st.integers(0, 25), st.integers(0, 61), st.integers(0, 61)),
    zone=st.sampled_from(["GMT", "UTC", "+0000", "-0000", "+0800", "-0530", "+2400", "+1261", "EST"]),
    weekday=st.sampled_from(["", "Sat, ", "Mon, "]),
)
@settings(max_examples=400)
def test_the_quick_feed_date_reading_agrees_with_the_email_parser(day, month, year, clock, zone, weekday) -> None:
    """Feed dates (`Sat, 14 Mar 2020 11:04:04 GMT`) are read by a quick path: where it answers,
    it answers as email.utils does, and the dates it leaves (other zones, -0000, no such day)
    still go to email.utils."""
    from email.utils import parsedate_to_datetime

    text = f"{weekday}{day} {month} {year} {clock[0]:02d}:{clock[1]:02d}:{clock[2]:02d} {zone}"
    try:
        expected = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        expected = None
    quick = dates._rfc_822_date(text)
    if quick is not None:
        assert expected is not None and quick == expected and quick.utcoffset() == expected.utcoffset()
        assert dates.parse_date(text) == quick
    elif weekday and expected is not None:  # the full parser still reads what the quick path leaves
        assert dates.parse_date(text) == (expected if expected.tzinfo else expected.replace(tzinfo=UTC))


def test_zola_taxonomies_are_tags_and_categories() -> None:
    """`[taxonomies]`: categories are categories; tags and the site's own taxonomies are tags."""
    taxonomies = {"tags": ["rust", "web"], "categories": ["Dev"], "theme-tags": ["Blog", "rust"], "authors": "Ann"}
    assert fields.zola_taxonomies(taxonomies) == (("rust", "web", "Blog", "Ann"), ["Dev"])
    assert fields.zola_taxonomies("not a table") == ((), None)


def test_a_category_written_as_a_markdown_link_is_its_text(real_corpus) -> None:
    """The author was cleaned, its category twin not: the facets showed `Webtoons - [Naver](…`."""
    from tui.archive.loader import load_archive

    archive = load_archive([real_corpus / "1화 표정관리.md"])
    post = archive.ordered_posts()[0]
    assert post.authors == ("Webtoons - Naver",)
    assert post.categories == (("二次元", "Webtoons - Naver"),)
    assert archive.search('cat:"Webtoons - Naver"').count == 1 and archive.search("cat:comic.naver.com").count == 0
