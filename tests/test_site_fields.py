"""Fields as site generators keep them: headings as titles, dates in paths, lists of authors."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tui.archive.natural_order import natural_key
from tui.archive.site_fields import (
    author_names,
    date_from_path,
    date_in_url,
    post_date,
    title_from_markdown_heading,
    title_from_path,
)


def test_the_first_heading_of_the_markdown_is_the_title() -> None:
    assert (
        title_from_markdown_heading("<script setup>\nimport X from './x'\n</script>\n\n# 表单输入绑定 {#form}\n")
        == "表单输入绑定"
    )
    assert title_from_markdown_heading("# 响应式基础 {#reactivity-fundamentals}\n") == "响应式基础"
    assert title_from_markdown_heading('## Options <a id="options"></a>\n') == "Options"
    assert title_from_markdown_heading("# Install [¶](#install)\n") == "Install"
    assert title_from_markdown_heading("# Setup {: #setup .wide }\n") == "Setup"
    assert title_from_markdown_heading("# The `config` **file** #\n") == "The config file"
    assert title_from_markdown_heading("# [Linked](https://example.com) title\n") == "Linked title"
    assert title_from_markdown_heading("Setext title\n============\n\ntext\n") == "Setext title"
    assert title_from_markdown_heading("```sh\n# a comment, not a heading\n```\n\n## Real\n") == "Real"
    assert title_from_markdown_heading("<!-- # hidden -->\n<style>\n# no\n</style>\n# Yes\n") == "Yes"
    assert title_from_markdown_heading("<div><h1>HTML &amp; heading</h1></div>\n") == "HTML & heading"
    assert title_from_markdown_heading("#hashtag is not a heading\n") == ""
    assert title_from_markdown_heading("no heading at all\n") == ""


def test_titles_from_paths_name_bundles_by_their_folder() -> None:
    assert title_from_path("posts/2021-12-05-hello-world.md") == "hello world"
    assert title_from_path("blog/my-trip/index.md") == "my-trip"
    assert title_from_path("index.md") == "index"


def test_dates_from_paths() -> None:
    day = datetime(2021, 12, 5, tzinfo=UTC)
    assert date_from_path("_posts/2021-12-05-slug.md") == day
    assert date_from_path("content/2021-12-05_slug.md") == day
    assert date_from_path("source/_posts/2021/12/05/slug.md") == day
    assert date_from_path("blog/2021-12-05-slug/index.md") == day
    assert date_from_path("blog/2021/notes.md") is None  # a year alone is no date
    assert date_from_path("blog/2021-13-45-bad.md") is None
    assert date_from_path("1234/56/78/x.md") is None
    assert date_in_url("/2022/04/07/weekly-407/") == datetime(2022, 4, 7, tzinfo=UTC)
    assert date_in_url("weekly/2022-04-07-slug") == datetime(2022, 4, 7, tzinfo=UTC)
    assert date_in_url(None) is None


def test_the_first_date_wins_and_lastmod_is_the_last_resort() -> None:
    assert post_date({"date": "2020-01-02"}, "2021-12-05-x.md")[0].year == 2020
    assert post_date({"publishdate": "2019-03-04"}, "x.md")[0].year == 2019
    assert post_date({"published": True, "pubdate": "2018-01-01"}, "x.md")[0].year == 2018
    assert post_date({"date": "Invalid Date"}, "2021-12-05-x.md") == (
        datetime(2021, 12, 5, tzinfo=UTC),
        "Invalid Date",
        "",
    )
    assert post_date({"path": "2022/04/07/x", "aliases": ["/2001/01/01/x"]}, "x.md")[0].year == 2022
    assert post_date({"aliases": ["/old/", "/2021/03/09/x.html"]}, "x.md")[0].month == 3
    date, raw, note = post_date({"lastmod": "2023-02-03"}, "x.md")
    assert date.year == 2023 and "lastmod" in note
    assert post_date({"date": "never"}, "x.md") == (None, "never", "")
    assert post_date({"date": True}, "x.md") == (None, "", "")  # a flag, not a date (nor 1970)


def test_lists_of_authors_are_separate_authors() -> None:
    assert author_names({"authors": ["Ann", "Bob", "Ann"]}) == ("Ann", "Bob")
    assert author_names({"author": "Ann, Bob"}) == ("Ann, Bob",)  # a string is one name
    assert author_names({"author": [{"name": "Ann"}, {"name": "Bob"}]}) == ("Ann", "Bob")
    assert author_names({"extra": {"author": {"name": "Shurui Liu", "homepage": "https://x"}}}) == ("Shurui Liu",)
    assert author_names({"author": "[Patrice Chalin](https://github.com/chalin)"}) == ("Patrice Chalin",)
    assert author_names({}) == ()
    assert author_names({"authors": ["a"] * 10_000})[:1] == ("a",)


def test_natural_order() -> None:
    names = ["issue-10", "issue-2", "issue-1", "第 10 期", "第 2 期", "ｉｓｓｕｅ-３", "a", "issue-100"]
    assert sorted(names, key=natural_key) == [
        "a",
        "issue-1",
        "issue-2",
        "issue-10",
        "issue-100",
        "第 2 期",
        "第 10 期",
        "ｉｓｓｕｅ-３",
    ]
    assert natural_key("第２期") < natural_key("第 10 期".replace(" ", ""))  # full-width digits count too
    assert natural_key("9" * 5000) == natural_key("9" * 5000)  # long digit runs never reach int() whole


def test_hostile_bodies_stay_linear() -> None:
    started = time.perf_counter()
    for body in (
        "<" * 200_000,
        "# " + "{#" * 100_000,
        "[" * 100_000 + "](#",
        "```\n" * 50_000,
        "<script>\n" * 50_000,
        "#" * 200_000,
        "x\n" * 200_000 + "===\n",
    ):
        title_from_markdown_heading(body)
        date_in_url("/".join(["2021"] * 500))
    assert time.perf_counter() - started < 2
