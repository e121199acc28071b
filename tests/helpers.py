"""What tests that drive the real app share: settle it, read what the screen shows, wait for a
condition. Waits poll a condition with a timeout instead of sleeping a fixed time, so a test is
as fast as the app on an idle machine and still passes on a busy one."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerFailed

from tui.screens.main import OPEN_DELAY
from tui.widgets.reader_header import ReaderHeader
from tui.widgets.status_line import StatusLine

WAIT_TIMEOUT = 60.0
"""Seconds a wait may take before the test fails: generous, since tests run beside other work."""


async def settle(pilot: Pilot) -> None:
    """Wait for loading, searching, the open debounce and rendering to finish."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
        await pilot.pause(OPEN_DELAY + 0.05)
        await workers_done(app)
    await pilot.pause()


async def workers_done(app) -> None:
    """Every worker has finished. Unlike `app.workers.wait_for_complete()`, a worker cancelled
    meanwhile by a newer one of its exclusive group (a render replaced by the next post's) is
    not an error; a worker that failed still is."""
    while running := [worker for worker in app.workers if not worker.is_finished]:
        results = await asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True)
        for result in results:
            if isinstance(result, WorkerFailed):
                raise result


def type_ahead(app, text: str) -> None:
    """Queue every key of `text` at once, as a paste or a slow SSH link delivers them: unlike
    `pilot.press`, no key waits for the app to handle the one before."""
    from textual import events
    from textual.keys import _character_to_key

    named = {"\r": "enter", "\x7f": "backspace", "\x1b": "escape", "\x15": "ctrl+u"}
    for character in text:
        app.post_message(events.Key(named.get(character) or _character_to_key(character), character))


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str, timeout: float = WAIT_TIMEOUT) -> None:
    """Let the app run until `condition()` is true; fail saying `what` was awaited."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        await pilot.pause(0.05)


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT_TIMEOUT) -> object:
    """The same outside the app's loop: poll `condition()` until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


async def wait_for_live_reload(pilot: Pilot, folder: Path) -> None:
    """Live reload starts in a thread once loading is done, and nothing says when it watches:
    write an undated probe post (listed last) until the app lists it."""
    app = pilot.app
    probe = folder / "zz-live-reload-probe.md"
    deadline = time.monotonic() + WAIT_TIMEOUT
    for attempt in itertools.count(1):
        title = f"Live reload probe {attempt}"
        probe.write_text(f"---\ntitle: {title}\n---\nprobe\n", encoding="utf-8")
        for _ in range(20):
            await pilot.pause(0.05)
            if any(post.title == title for post in app.archive.ordered_posts()):
                await app.workers.wait_for_complete()
                await pilot.pause()
                return
        assert time.monotonic() < deadline, f"timed out after {WAIT_TIMEOUT} s waiting for live reload to start"


def screen_text(widget) -> str:
    """What the terminal shows in the widget's region, composed exactly as it is painted."""
    strips = widget.app.screen._compositor.render_strips()
    region = widget.region
    return "\n".join(strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom))


def status(app) -> str:
    return screen_text(app.screen.query_one(StatusLine)).strip()


def header(app) -> str:
    """The header's text with wrapped lines joined back."""
    return " ".join(line.strip() for line in screen_text(app.screen.query_one(ReaderHeader)).splitlines())
