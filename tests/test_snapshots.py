"""Snapshot of the main screen (pytest-textual-snapshot). Update with --snapshot-update after a
deliberate change and look at the report before committing."""

from __future__ import annotations

from tui.app import PostshelfApp
from tui.cli import demo_path
from tui.screens.main import OPEN_DELAY


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(OPEN_DELAY + 0.05)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_on_the_demo(snap_compare) -> None:
    async def open_second_post(pilot) -> None:
        await _settle(pilot)
        await pilot.press("j")
        await _settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=(100, 30), run_before=open_second_post)


def test_search_results_on_the_demo(snap_compare) -> None:
    async def search(pilot) -> None:
        await _settle(pilot)
        await pilot.press("slash", *"信用 建设")
        await _settle(pilot)
        await pilot.press("escape")  # the list takes the keys; no blinking cursor in the shot
        await _settle(pilot)

    assert snap_compare(PostshelfApp([demo_path()]), terminal_size=(100, 30), run_before=search)
