"""A served archive stays current: posts added or changed on disk reach open sessions (SSH and
web) within seconds and every new session, without a restart."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

pytest.register_assert_rewrite("serve_helpers")
from serve_helpers import SERVE_MARKS, SMALL_SHOWN, ssh_command  # noqa: E402

pytest_plugins = ["serve_helpers"]  # the fixtures: keys, serve, small_archive, tmux
pytestmark = SERVE_MARKS


async def test_a_new_post_reaches_open_ssh_and_web_sessions(serve, keys, tmux, small_archive):
    import aiohttp

    server = serve("--web", "127.0.0.1:0", corpus=small_archive)
    token = server.wait_for(r"web http://127\.0\.0\.1:\d+/\?token=(\S+)")[1]
    base = f"http://127.0.0.1:{server.web_port}"
    tmux.open("ssh", ssh_command(server.port, keys["alice"]), width=100, height=30)
    tmux.wait_for("ssh", SMALL_SHOWN)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(f"{base}/?token={token}") as page:
            assert page.status == 200
        async with browser.ws_connect(f"{base}/ws?width=100&height=30", origin=base) as websocket:
            received = [b""]

            def web_screen() -> str:
                return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", received[0].decode("utf-8", "replace"))

            async def web_until(text: str, timeout: float = 60) -> None:
                deadline = time.monotonic() + timeout
                while text not in web_screen():
                    left = deadline - time.monotonic()
                    assert left > 0, f"timed out waiting for {text!r} in the web session"
                    message = await asyncio.wait_for(websocket.receive(), left)
                    assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received[0] += message.data

            await web_until(SMALL_SHOWN)
            written = time.monotonic()
            (small_archive / "fresh.md").write_text(
                "---\ntitle: Fresh from the feed bot\ndate: 2030-01-01\n---\n\nJust in.\n", encoding="utf-8"
            )
            tmux.wait_for("ssh", "Fresh from the feed bot", timeout=60)
            ssh_seconds = time.monotonic() - written
            screen = tmux.wait_for("ssh", "7 posts · 0 skipped")
            await web_until("Fresh from the feed bot")
            web_seconds = time.monotonic() - written
            await web_until("7 posts · 0 skipped")
            print(
                f"\na new post reached the open SSH session in {ssh_seconds:.2f} s, "
                f"the open web session in {web_seconds:.2f} s"
            )
            assert ssh_seconds < 10 and web_seconds < 10
            assert "Fresh from the feed bot" in screen

            # A changed post is shown changed; a deleted one goes.
            (small_archive / "post-5.md").write_text(
                "---\ntitle: Small post 5, corrected\ndate: 2024-01-06\n---\n\nBody.\n", encoding="utf-8"
            )
            (small_archive / "post-0.md").unlink()
            tmux.wait_for("ssh", "Small post 5, corrected", timeout=60)
            tmux.wait_for("ssh", "6 posts · 0 skipped")
            await web_until("Small post 5, corrected")

    # A session started now starts with the current posts.
    tmux.open("late", ssh_command(server.port, keys["bob"]), width=100, height=30)
    screen = tmux.wait_for("late", "6 posts · 0 skipped")
    assert "Fresh from the feed bot" in screen and "Small post 0" not in screen
    assert server.process.poll() is None


def test_a_live_change_keeps_cached_titles_lazy_and_right(archive_dir):
    """A live change to an archive read from its cache must not fold every title again: at
    100k posts that cost 1.5 s in the server and again in every open session."""
    from tui.archive.folding import fold
    from tui.archive.loader import apply_file_changes
    from tui.archive.opening import open_archive

    open_archive([archive_dir])  # writes the cache
    archive, _ = open_archive([archive_dir])  # reads it: titles are folded when first needed
    fresh = archive_dir / "fresh.md"
    fresh.write_text("---\ntitle: Fresh ÄÖ Title\ndate: 2030-01-01\n---\n\nNew.\n", encoding="utf-8")
    assert apply_file_changes(archive, {str(fresh)}) == 1
    titles = archive.index.state.titles
    assert titles._source is not None  # still lazy after the change
    assert len(titles) == len(archive.posts)
    assert list(titles) == [fold(title) for title in archive.posts.columns["title"]]
