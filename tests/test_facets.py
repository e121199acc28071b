"""Facets: counts checked against counting Post objects one by one, qualifiers checked against
the search index, the query <-> selection mapping, and the panel driven with Pilot."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from tui.archive import Archive
from tui.archive.facet_query import facet_qualifier, selected_facets, with_facet
from tui.archive.facet_storage import UNDATED
from tui.archive.facets import FacetData
from tui.archive.field_values import host_of, source_hosts
from tui.archive.loader import load_archive
from tui.archive.query import QueryError, parse
from tui.widgets.facet_panel import PAGE, FacetPanel

STYLES = Path(__file__).resolve().parents[1] / "styles"


# ---------------------------------------------------------------- helpers


def brute_force(archive: Archive, ids) -> dict[str, Counter]:
    """Facet counts the slow, obvious way: one Post at a time."""
    counts = {"cat": Counter(), "author": Counter(), "source": Counter(), "date": Counter()}
    for post_id in ids:
        post = archive.posts[int(post_id)]
        prefixes = {"/".join(path[:depth]) for path in post.categories for depth in range(1, len(path) + 1)}
        counts["cat"].update(prefixes)
        if post.author:
            counts["author"][post.author] += 1
        if post.link and host_of(post.link):
            counts["source"][host_of(post.link)] += 1
        if post.date is None:
            counts["date"][UNDATED] += 1
        else:  # the date as the post shows it, in its own zone
            counts["date"].update((post.date.strftime("%Y"), post.date.strftime("%Y-%m")))
    return counts


def assert_counts_match(archive: Archive, data: FacetData, ids) -> None:
    counts = data.counts(np.asarray(ids, dtype=np.int64))
    expected = brute_force(archive, ids)
    assert counts.total == len(ids)
    for kind in ("cat", "author", "source"):
        assert counts.as_dict(kind) == dict(expected[kind]), kind
    dates = dict(expected["date"])
    assert counts.undated == dates.pop(UNDATED, 0)
    assert counts.as_dict("date") == dates


def write_post(
    root: Path,
    name: str,
    *,
    title: str = "t",
    date: str | None = "2021-06-01 10:00:00",
    categories: str | None = None,
    author: str | None = None,
    link: str | None = None,
) -> None:
    lines = ["---", f"title: {title}"]
    if date is not None:
        lines.append(f"date: {date}")
    if categories is not None:
        lines.append(f"categories: {categories}")
    if author is not None:
        lines.append(f"author: {author}")
    if link is not None:
        lines.append(f"link: {link}")
    lines += ["---", "body", ""]
    (root / name).write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def real(real_corpus) -> tuple[Archive, FacetData]:
    archive = load_archive([real_corpus])
    return archive, FacetData.build(archive.posts)


# ---------------------------------------------------------------- counting


def test_counts_equal_counting_posts_one_by_one(real) -> None:
    archive, data = real
    order = archive.order
    assert len(order) == 65
    rng = random.Random(5)
    subsets = [
        order,
        order[:20],
        order[::3],
        np.array(sorted(rng.sample(order.tolist(), 30))),
        archive.search("cat:编程").ids,
        archive.search("2021").ids,
        order[:0],
    ]
    for ids in subsets:
        assert_counts_match(archive, data, ids)


def test_real_corpus_shape(real) -> None:
    """The real corpus has 2- and 3-level categories; every level is a node."""
    archive, data = real
    counts = data.counts(archive.order)
    assert counts.count("cat", "新媒体/ZAKER/channel") == 2
    assert counts.count("cat", "新媒体/ZAKER") == 2
    assert counts.count("cat", "新媒体") >= counts.count("cat", "新媒体/ZAKER")
    top = counts.entries("cat")
    assert all(entry.has_children for entry in top)
    assert sum(entry.count for entry in top) == 65 - counts.without("cat")
    assert counts.undated == 4


def test_prefixes_count_once_and_dates_in_the_posts_own_zone(tmp_path: Path) -> None:
    write_post(tmp_path, "two-paths.md", categories="[[指南, 搜索], [指南, Hugo], [Guide, Search, Deep]]")
    write_post(tmp_path, "same-twice.md", categories="[[指南, 搜索], [指南, 搜索]]")
    write_post(tmp_path, "new-year.md", date="2021-12-31T23:30:00-05:00")  # 2022-01 in UTC
    write_post(tmp_path, "before-epoch.md", date="1969-12-31T23:59:59Z")
    write_post(tmp_path, "undated.md", date=None)
    archive = load_archive([tmp_path])
    data = FacetData.build(archive.posts)
    counts = data.counts(archive.order)
    assert counts.count("cat", "指南") == 2
    assert counts.count("cat", "指南/搜索") == 2
    assert counts.count("cat", "指南/Hugo") == 1
    assert counts.count("cat", "Guide/Search/Deep") == 1
    assert counts.count("date", "2021-12") == 1 and counts.count("date", "2022-01") == 0
    assert counts.count("date", "1969-12") == 1
    assert counts.undated == 1
    assert_counts_match(archive, data, archive.order)
    for month in ("2021-12", "1969-12"):
        assert set(archive.search(f"date:{month}").ids.tolist()) == set(data.post_ids("date", month).tolist())


def test_order_most_posts_first_dates_newest_first(real) -> None:
    archive, data = real
    counts = data.counts(archive.order)
    authors = counts.authors()
    assert authors == sorted(authors, key=lambda item: (-item[1], item[0].casefold()))
    years = [year for year, _ in counts.years()]
    assert years == sorted(years, reverse=True)
    months = [month for month, _ in counts.months("2021")]
    assert months == sorted(months, reverse=True) and all(month.startswith("2021-") for month in months)

    # Under a narrower search, values with no hit follow the ones with hits (still reachable).
    narrowed = data.counts(archive.search("cat:二次元").ids, universe=archive.order)
    entries = narrowed.entries("author")
    hits = [entry.count for entry in entries]
    assert hits == sorted(hits, reverse=True) and hits[-1] == 0
    assert len(entries) == len(counts.entries("author"))


def test_extending_in_batches_equals_building_at_once(real) -> None:
    archive, data = real
    grown = FacetData.build(archive.posts, 10)
    assert grown.size == 10
    # Ids not read yet are ignored, not miscounted.
    assert grown.counts(archive.order).total == int((archive.order < 10).sum())
    assert grown.extend(archive.posts, 37) == 27
    assert grown.extend(archive.posts) == len(archive.posts) - 37
    assert grown.extend(archive.posts) == 0
    whole, batched = data.counts(archive.order), grown.counts(archive.order)
    for kind in ("cat", "author", "source", "date"):
        assert batched.as_dict(kind) == whole.as_dict(kind)


def test_labels_are_one_line_without_control_sequences(tmp_path: Path) -> None:
    write_post(tmp_path, "evil.md", author='"\\e]0;pwned\\a Mallory\\n  and  co"', categories='[["bad\\e[31m\\tred"]]')
    archive = load_archive([tmp_path])
    counts = FacetData.build(archive.posts).counts(archive.order)
    for kind in ("author", "cat"):
        for entry in counts.entries(kind):
            assert entry.label.isprintable() and "  " not in entry.label, entry.label


# ---------------------------------------------------------------- qualifiers against the index


def test_every_category_qualifier_finds_exactly_its_posts(real) -> None:
    archive, data = real
    values = data.values("cat")
    assert len(values) > 40
    shortest = 0
    for value in values:
        qualifier = data.qualifier("cat", value)
        assert data.is_exact("cat", value), (value, qualifier)
        found = archive.search(qualifier).ids
        assert sorted(found.tolist()) == data.post_ids("cat", value).tolist(), (value, qualifier)
        assert data.counts(archive.order).count("cat", value) == len(found)
        shortest += qualifier == facet_qualifier("cat", value.split("/")[-1])
    assert shortest > len(values) // 2  # mostly cat:ZAKER, not cat:"新媒体/ZAKER"
    # The corpus also has 新媒体/ZAKER - channel: 'ZAKER' and '新媒体/ZAKER' would find it too.
    assert data.qualifier("cat", "新媒体/ZAKER - channel") == 'cat:"ZAKER - channel"'
    assert data.qualifier("cat", "新媒体/ZAKER/channel") == "cat:新媒体/ZAKER/channel"
    assert data.qualifier("cat", "新媒体/ZAKER") == "cat:新媒体/ZAKER/"  # its posts all go deeper


def test_a_top_level_category_named_as_a_deeper_one_is_found_from_the_root(sites_corpus: Path) -> None:
    """Zola's themes/ and documentation/themes/: the top-level facet `themes` selects its own
    129 posts, not the 5 under documentation/themes (`cat:=/themes`)."""
    archive = load_archive([sites_corpus / "zola"])
    data = FacetData.build(archive.posts)
    for value in data.values("cat"):
        qualifier = data.qualifier("cat", value)
        assert data.is_exact("cat", value), (value, qualifier)
        found = archive.search(qualifier).ids
        assert sorted(found.tolist()) == data.post_ids("cat", value).tolist(), (value, qualifier)
    assert data.qualifier("cat", "themes") == "cat:=/themes"
    assert archive.search("cat:=/themes").count == data.counts(archive.order).count("cat", "themes") == 129


def test_author_date_and_source_qualifiers_against_the_index(real, archive_dir: Path) -> None:
    archive, data = real
    exact_forms = 0
    for value in data.values("author"):
        qualifier = facet_qualifier("author", value, data)
        found = set(archive.search(qualifier).ids.tolist())
        assert found == set(data.post_ids("author", value).tolist()), qualifier
        exact_forms += qualifier.startswith("author:=")
    assert exact_forms >= 1  # ZAKER is inside a longer author name: author:=ZAKER
    for value in data.values("date") + [UNDATED]:
        found = archive.search(facet_qualifier("date", value)).ids
        assert sorted(found.tolist()) == data.post_ids("date", value).tolist(), value

    write_post(archive_dir, "linked-1.md", link="https://News.Example.org/a?b=1")
    write_post(archive_dir, "linked-2.md", link="http://user@news.example.org:8080/x")
    write_post(archive_dir, "linked-3.md", link="https://github.com/x/y")
    fixture = load_archive([archive_dir])
    facets = FacetData.build(fixture.posts)
    counts = facets.counts(fixture.order)
    assert counts.sources()[0] == ("news.example.org", 2)
    assert_counts_match(fixture, facets, fixture.order)
    for value in facets.values("source"):
        found = fixture.search(facet_qualifier("source", value)).ids
        assert sorted(found.tolist()) == facets.post_ids("source", value).tolist()


def test_hosts_are_what_the_index_calls_hosts() -> None:
    """The fast path for plain links must agree with host_of, which source: searches."""
    links = [
        "https://News.Example.org/a?b=1",
        "http://user@news.example.org:8080/x",
        "https://a.com?x=1/y",
        "https://a.com#f/g",
        "https://a.com",
        "http://[::1]/x",
        "https://ex ample.com/",
        "HTTPS://A.com/",
        "https://例子.cn/",
        "https://a.com\t/x",
        "  https://a.com/",
        "https:///x",
        "http:///a/b",
        "ftp://a.b/c",
        "//a.b/cdefgh/x",
        "mailto:x@y.z",
        "",
        "x",
        "https://u:p@h.com/x",
        "https://h.com:8/x",
        "http://a/b",
        "https://a.b/c/d",
        "https://a.b/c/e",
        "https://a.com:99999/",
    ]
    assert source_hosts(links) == [host_of(link) for link in links]


def test_counts_of_kinds_the_caller_counts() -> None:
    counts = FacetData().counts(np.zeros(0, dtype=np.int64))
    assert counts.total == 0 and counts.entries("is") == [] and counts.size("is") == 0
    assert counts.as_dict("is") == {} and counts.count("is", "bookmarked") == 0


def test_qualifier_quoting() -> None:
    assert facet_qualifier("cat", "编程") == "cat:编程"
    assert facet_qualifier("cat", "新媒体/IT 之家") == 'cat:"新媒体/IT 之家"'
    assert facet_qualifier("author", "Go 语言中文网") == 'author:"Go 语言中文网"'
    assert facet_qualifier("author", "全角\u3000空格") == 'author:"全角\u3000空格"'
    assert facet_qualifier("source", "github.com") == "source:github.com"
    assert facet_qualifier("date", "2021") == "date:2021"
    assert facet_qualifier("date", "2021-12") == "date:2021-12"
    assert facet_qualifier("date", UNDATED) == "is:undated"
    assert facet_qualifier("is", "bookmarked") == "is:bookmarked"
    assert facet_qualifier("author", 'say "hi" there') == "author:there"  # no escape for '"'
    with pytest.raises(ValueError):
        facet_qualifier("colour", "red")


# ---------------------------------------------------------------- the query text


@pytest.mark.parametrize("value", ["x", None])
def test_a_facet_is_not_written_into_a_query_that_cannot_be_read(value: str | None) -> None:
    with pytest.raises(QueryError, match="unclosed quote"):
        with_facet('"unclosed', "cat", value)


@pytest.mark.parametrize(
    ("text", "kind", "value", "expected"),
    [
        ("", "cat", "编程", "cat:编程"),
        ("信用 建设", "cat", "编程", "信用 建设 cat:编程"),
        ("信用   cat:图片 建设", "cat", "编程", "信用 cat:编程 建设"),
        ("信用 cat:图片 cat:游戏", "cat", None, "信用"),
        ('"exact  phrase" -cat:图片 cat:x', "cat", "新媒体/IT 之家", '"exact  phrase" -cat:图片 cat:"新媒体/IT 之家"'),
        ("a OR cat:x", "cat", "y", "a OR cat:x cat:y"),
        ('author:"a b" date:2021', "author", "c", "author:c date:2021"),
        ("date:2021 sort:title", "date", "2021-12", "date:2021-12 sort:title"),
        ("date:2021-01..2021-06 linux", "date", "2022", "date:2022 linux"),
        ("is:undated", "date", "2022", "date:2022"),
        ("x date:2021", "date", UNDATED, "x is:undated"),
        ("is:repaired is:bookmarked", "is", None, "is:repaired"),
        ("is:repaired", "is", "unread", "is:repaired is:unread"),
        ("title:linux", "source", "github.com", "title:linux source:github.com"),
        ('CAT:编程 title:"a:b"', "cat", None, 'title:"a:b"'),
        ("author:x", "cat", None, "author:x"),
    ],
)
def test_with_facet(text: str, kind: str, value: str | None, expected: str) -> None:
    result = with_facet(text, kind, value)
    assert result == expected
    selection = selected_facets(result)
    assert selection.get(kind) == value
    before = {k: v for k, v in selected_facets(text).items() if k != kind}
    assert {k: v for k, v in selection.items() if k != kind} == before
    if kind != "is" and "is:bookmarked" not in result and "is:unread" not in result:
        parse(result)  # still a valid query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('cat:编程 author:"开源中国" date:2021-3 信用', {"cat": "编程", "author": "开源中国", "date": "2021-03"}),
        ("CAT:编程 Source:github.com", {"cat": "编程", "source": "github.com"}),
        ("-cat:图片", {}),
        ("cat:a OR cat:b", {}),
        ("x OR y cat:c", {"cat": "c"}),
        ("cat:a cat:b", {"cat": "b"}),
        ("is:undated", {"date": UNDATED}),
        ("is:bookmarked linux", {"is": "bookmarked"}),
        ("is:repaired", {}),
        ("date:2021-12-05", {"date": "2021-12-05"}),
        ('"abc', {}),
        ("foo:bar", {}),
        ("OR", {}),
        ("cat:", {}),
        ("a OR", {}),
        ("date:2021-13", {}),
        ("sort:nonsense cat:x", {}),
        ("", {}),
        ("   ", {}),
    ],
)
def test_selected_facets(text: str, expected: dict[str, str]) -> None:
    assert selected_facets(text) == expected


def test_selection_names_the_node_typed_by_hand(real) -> None:
    _, data = real
    assert selected_facets("cat:zaker", data) == {"cat": "新媒体/ZAKER"}
    assert selected_facets("cat:新媒体/ZAKER/channel", data) == {"cat": "新媒体/ZAKER/channel"}
    assert selected_facets("cat:nothing-like-it", data) == {"cat": "nothing-like-it"}
    assert selected_facets("author:bangumi", data) == {"author": "Bangumi"}
    for value in data.values("cat"):
        text = with_facet("信用 sort:title", "cat", value, data)
        assert selected_facets(text, data) == {"cat": value}, text


# ---------------------------------------------------------------- the panel


class PanelApp(App):
    CSS_PATH = [str(STYLES / "postshelf.tcss"), str(STYLES / "facets.tcss")]

    def __init__(self, archive: Archive, extra: dict[str, int] | None = None, width: int = 30) -> None:
        super().__init__()
        self.archive = archive
        self.data = FacetData.build(archive.posts)
        self.extra = extra
        self.chosen: list[tuple[str, str | None]] = []
        self.panel_width = width

    def compose(self) -> ComposeResult:
        yield FacetPanel(id="facets")

    def on_mount(self) -> None:
        panel = self.query_one(FacetPanel)
        panel.styles.width = self.panel_width
        panel.show_counts(self.data.counts(self.archive.order), self.extra)
        panel.focus()

    def on_facet_panel_chosen(self, event: FacetPanel.Chosen) -> None:
        self.chosen.append((event.kind, event.value))


def labels(panel: FacetPanel) -> list[str]:
    return [row.label for row in panel.rows]


def cursor_to(panel: FacetPanel, label: str) -> int:
    return labels(panel).index(label) - panel.cursor


async def test_panel_keys_expand_move_and_choose(real) -> None:
    archive, _ = real
    app = PanelApp(archive, extra={"bookmarked": 3, "unread": 60})
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FacetPanel)
        assert labels(panel)[:4] == ["Bookmarks", "Bookmarked ★", "Unread", "Categories"]
        assert "Authors" in labels(panel) and "Timeline" in labels(panel)
        assert "Sources" not in labels(panel)  # no post of the real corpus has a link

        await pilot.press("j", "enter")
        assert app.chosen == [("is", "bookmarked")]
        await pilot.press("enter")  # choosing the selected facet clears it
        assert app.chosen[-1] == ("is", None)

        await pilot.press(*["j"] * cursor_to(panel, "新媒体"), "l")
        row = panel.current_row
        assert row.value == "新媒体" and row.expanded
        await pilot.press("l")  # expanded: into its first child
        assert panel.current_row.value.startswith("新媒体/") and panel.current_row.depth == 2
        zaker = labels(panel).index("ZAKER") - panel.cursor
        await pilot.press(*(["j"] * zaker), "right", "j", "space")
        assert app.chosen[-1] == ("cat", "新媒体/ZAKER/channel")
        assert panel.selection == {"cat": "新媒体/ZAKER/channel"}
        await pilot.press("h")  # a leaf: to its parent
        assert panel.current_row.value == "新媒体/ZAKER"
        await pilot.press("h")  # collapse it
        assert not panel.current_row.expanded and "channel" not in labels(panel)

        await pilot.press("G")
        assert panel.cursor == len(panel.rows) - 1
        await pilot.press("g")
        assert panel.cursor == 0
        await pilot.press("enter")  # a section: toggles
        assert labels(panel)[:2] == ["Bookmarks", "Categories"]


async def test_panel_show_counts_relabels_in_place(real) -> None:
    archive, _ = real
    app = PanelApp(archive)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FacetPanel)
        await pilot.press(*["j"] * cursor_to(panel, "二次元"), "l", "j")
        before = panel.current_row
        rows_before = len(panel.rows)

        result = archive.search("cat:编程")
        panel.show_counts(app.data.counts(result.ids, universe=archive.order))
        panel.select(selected_facets("cat:编程", app.data))
        await pilot.pause()
        assert panel.current_row.key == before.key  # same node under the cursor
        assert panel.current_row.count == 0
        assert len(panel.rows) == rows_before  # nothing expanded or collapsed
        counts = {row.value: row.count for row in panel.rows if not row.is_section}
        assert counts["编程"] == len(result.ids) == next(r.count for r in panel.rows if r.label == "Categories")
        assert counts["二次元"] == 0 and counts[before.value] == 0
        assert next(row for row in panel.rows if row.value == "编程") == panel.rows[1]  # most hits first

        # Zero rows are painted dim, the selected one stands out.
        empty = panel.get_component_rich_style("facet-panel--empty")
        line_of = {row.value: index for index, row in enumerate(panel.rows)}
        zero_strip = panel.render_line(line_of["二次元"] - int(panel.scroll_y))
        assert any(segment.style.color == empty.color for segment in zero_strip if "二次元" in segment.text)
        chosen_strip = panel.render_line(line_of["编程"] - int(panel.scroll_y))
        assert "● 编程" in chosen_strip.text
        assert any(segment.style.bold for segment in chosen_strip if "编程" in segment.text)
        assert not any(segment.style.bold for segment in zero_strip if "二次元" in segment.text)


@pytest.mark.slow
async def test_panel_long_lists_come_a_page_at_a_time(tmp_path: Path) -> None:
    for number in range(130):
        write_post(
            tmp_path,
            f"p{number:03d}.md",
            author=f"author {number:03d}",
            date=None if number % 2 else f"20{10 + number % 12}-0{1 + number % 9}-01 00:00:00",
        )
    archive = load_archive([tmp_path])
    app = PanelApp(archive)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FacetPanel)
        await pilot.press(*["j"] * cursor_to(panel, "Authors"), "l")
        authors = [row for row in panel.rows if row.kind == "author" and not row.is_section]
        assert len(authors) == PAGE + 1 and authors[-1].label == f"… {130 - PAGE:,} more"
        await pilot.press(*["j"] * (PAGE + 1), "enter")
        authors = [row for row in panel.rows if row.kind == "author" and not row.is_section]
        assert len(authors) == 2 * PAGE + 1 and authors[-1].label == f"… {130 - 2 * PAGE:,} more"
        assert panel.current_row.label == f"author {PAGE:03d}"  # stays where the more row was
        await pilot.press(*["j"] * cursor_to(panel, f"… {130 - 2 * PAGE:,} more"), "l")
        authors = [row for row in panel.rows if row.kind == "author" and not row.is_section]
        assert len(authors) == 130 and not any(row.is_more for row in authors)
        # The timeline ends with the undated posts.
        await pilot.press(*["j"] * cursor_to(panel, "Timeline"), "enter")
        assert panel.rows[-1].label == "Undated" and panel.rows[-1].count == 65
        await pilot.press("G", "enter")
        assert app.chosen[-1] == ("date", UNDATED)
        # Counting only dated posts, the undated row stays, at 0, as the years without posts do.
        dated = np.array([doc for doc in archive.order.tolist() if archive.posts[doc].date is not None])
        panel.select({})
        panel.show_counts(app.data.counts(dated, archive.order), None)
        await pilot.pause()
        timeline = [row for row in panel.rows if row.kind == "date" and not row.is_section]
        assert timeline[-1].label == "Undated" and timeline[-1].count == 0


async def test_panel_fits_a_narrow_sidebar(real) -> None:
    archive, _ = real
    app = PanelApp(archive, width=30)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FacetPanel)
        await pilot.press(*["j"] * cursor_to(panel, "编程"), "l")
        await pilot.pause()
        width = panel.scrollable_content_region.width
        assert 26 <= width <= 30
        lines = [panel.render_line(y).text for y in range(panel.scrollable_content_region.height)]
        long_label = next(row for row in panel.rows if cell_len(row.label) > width)
        assert any("…" in line for line in lines if long_label.label[:4] in line)
        count_ends = set()
        for line, row in zip(lines, panel.rows[int(panel.scroll_y) :], strict=False):
            assert cell_len(line) == width
            if row.count is not None:
                assert line.rstrip().endswith(f"{row.count:,}")
                count_ends.add(cell_len(line.rstrip()))
        assert count_ends == {width - 1}  # counts right-aligned, one cell from the edge


async def test_panel_before_counts_and_clicks(real) -> None:
    archive, _ = real
    app = PanelApp(archive)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FacetPanel)
        fresh = FacetPanel()
        assert fresh.rows == () and fresh.current_row is None
        row = labels(panel).index("Authors")
        await pilot.click(FacetPanel, offset=(0, row))  # on the ▸: expands
        assert panel.rows[row].expanded and panel.cursor == row
        await pilot.click(FacetPanel, offset=(8, row + 1), times=2)  # double click: choose
        assert app.chosen[-1] == ("author", panel.rows[row + 1].value)
