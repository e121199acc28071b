"""Snapshot of the main screen (pytest-textual-snapshot). Update with --snapshot-update after a
deliberate change and look at the report before committing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import settle
from tui.app import PostshelfApp
from tui.cli import demo_path


@pytest.fixture(autouse=True)
def posts_stay_unread() -> None:
    """Read marks depend on how long a post stays open: keep them out of the pictures."""
    Path(os.environ["POSTSHELF_CONFIG"]).write_text('mark_read = "never"\n', encoding="utf-8")


def test_main_screen_on_the_demo(snap_compare) -> None:
    async def open_second_post(pilot) -> None:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=(100, 30), run_before=open_second_post)


def test_search_results_on_the_demo(snap_compare) -> None:
    async def search(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"信用 建设")
        await settle(pilot)
        await pilot.press("escape")  # the list takes the keys; no blinking cursor in the shot
        await settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=(100, 30), run_before=search)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_facets(snap_compare, size) -> None:
    async def browse(pilot) -> None:
        await settle(pilot)
        await pilot.press("t", "j", "j", "j", "j", "enter")  # the first category
        await settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=size, run_before=browse)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_help_screen(snap_compare, size) -> None:
    async def help_screen(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=size, run_before=help_screen)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_links_screen(snap_compare, size) -> None:
    async def links(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *'title:"Reading HTML"', "enter")  # a demo post with links and images
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=size, run_before=links)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("post", ["docs-cn", "docsy", "blog", "tables"])
def test_hard_posts_read_well(snap_compare, tmp_path, size, post) -> None:
    """A VitePress page (script setup, containers), a Hugo page (shortcodes), a blog post (HTML
    blocks, footnotes, an alert) and a wide table, as the reader shows them."""
    from hard_posts import write_hard_posts

    write_hard_posts(tmp_path, (post,))

    async def read(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")  # the reader takes the keys: no cursor in the list
        await settle(pilot)

    assert snap_compare(PostshelfApp([tmp_path], watch=False), terminal_size=size, run_before=read)
