"""Facets in the real app: choosing one writes the query, editing the query moves the selection."""

from __future__ import annotations

from pathlib import Path

from helpers import screen_text, settle, status
from tui.app import PostshelfApp
from tui.widgets.facet_panel import FacetPanel
from tui.widgets.post_list import PostList
from tui.widgets.search_bar import SearchBar


async def _cursor_to(pilot, panel: FacetPanel, label: str) -> None:
    for _ in range(len(panel.rows)):
        if (
            panel.current_row is not None
            and label in screen_text(panel).splitlines()[panel.cursor - int(panel.scroll_y)]
        ):
            return
        await pilot.press("j")
    raise AssertionError(f"no facet row {label!r}")


async def test_facet_and_query_are_one_filter(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(FacetPanel)
        assert panel.display  # wide terminals show the facets at start
        assert app.screen.query_one("#reader").display
        reader, sidebar = app.screen.query_one("#reader").region, app.screen.query_one("#sidebar").region
        assert reader.width > sidebar.width > panel.region.width  # the reader stays the widest pane
        text = screen_text(panel)
        assert "Categories" in text and "65" in text and "编程" in text

        await pilot.press("t")  # focuses the panel
        assert panel.has_focus
        await _cursor_to(pilot, panel, "编程")
        await pilot.press("enter")
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        assert bar.value == "cat:编程"
        assert status(app).startswith("21 of 65 posts match 'cat:编程'")
        assert panel.selection == {"cat": "编程"}
        assert "● 编程" in screen_text(panel)
        assert "二次元" in screen_text(panel) and " 0" in screen_text(panel)  # counts follow the query

        # Editing the query by hand moves the selection; the facet keeps the rest of the query.
        bar.value = "cat:编程 date:2022"
        await settle(pilot)
        assert panel.selection == {"cat": "编程", "date": "2022"}
        await pilot.press("enter")  # the cursor is still on 编程: choosing it again clears it
        await settle(pilot)
        assert bar.value == "date:2022"
        count = app.screen.query_one(PostList).count
        assert 0 < count < 65
        assert all(app.archive.posts[int(d)].date.year == 2022 for d in app.screen.query_one(PostList).order_ids())


async def test_facets_at_80_columns_take_the_readers_place(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(FacetPanel)
        assert not panel.display  # narrow: hidden until asked for
        await pilot.press("t")
        await settle(pilot)
        assert panel.display and panel.has_focus
        assert not app.screen.query_one("#reader").display
        await _cursor_to(pilot, panel, "Bookmarked")
        await pilot.press("j")  # Unread
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "is:unread"
        await pilot.press("escape")  # to the list
        await pilot.press("enter")  # read a post: the reader comes back
        await settle(pilot)
        assert not panel.display
        assert app.screen.query_one("#reader").display


async def test_facets_on_a_narrow_terminal_leave_the_list_most_of_it(real_corpus: Path) -> None:
    """At 40 columns the facets took 29 and the list 9 (`2026-06-1`, found by a new user)."""
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(40, 16)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        panel, posts = app.screen.query_one(FacetPanel), app.screen.query_one(PostList)
        assert panel.display and posts.display
        assert panel.size.width <= 18 and posts.size.width >= 20
