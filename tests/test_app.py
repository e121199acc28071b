"""The real app, driven with Pilot over real posts, checked on what the screen shows."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from helpers import header, screen_text, settle, status, type_ahead, wait_for, wait_for_live_reload
from tui.app import PostshelfApp
from tui.archive.archive import Archive
from tui.screens.help import HelpScreen
from tui.screens.skipped import SkippedScreen
from tui.widgets.post_list import PostList
from tui.widgets.reader_body import ReaderBody
from tui.widgets.reader_header import ReaderHeader
from tui.widgets.search_bar import SearchBar


async def test_opens_the_real_corpus_and_reads_posts(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        assert post_list.count == 65
        assert status(app).startswith("65 posts · 0 skipped")
        newest = app.archive.posts[int(app.archive.order[0])]
        assert newest.title[:12] in screen_text(post_list)
        assert newest.title in header(app)

        await pilot.press("j", "j", "j")
        await settle(pilot)
        fourth = app.archive.posts[int(app.archive.order[3])]
        assert post_list.cursor == 3
        assert fourth.title in header(app)
        assert "4/65" in status(app)
        body = app.screen.query_one(ReaderBody)
        assert "Asahi Linux" in body.text

        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is body

        await pilot.press("tab")
        assert isinstance(app.focused, SearchBar)
        await pilot.press("tab")
        assert app.focused is post_list


async def test_list_keys_move_the_cursor(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        await pilot.press("G")
        assert post_list.cursor == 64
        await settle(pilot)
        assert "undated" in screen_text(post_list)
        await pilot.press("g")
        assert post_list.cursor == 0
        await pilot.press("pagedown")
        assert post_list.cursor > 3
        await pilot.press("pageup")
        assert post_list.cursor == 0
        await pilot.press("down", "down", "up")
        assert post_list.cursor == 1


async def test_typing_a_search_filters_the_list(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("/")
        assert isinstance(app.focused, SearchBar)
        await pilot.press(*"LINUX")
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        assert post_list.count == 6
        assert "6 of 65 posts match 'LINUX'" in status(app)
        assert "Asahi Linux" in screen_text(post_list)
        await pilot.press("escape")
        assert app.focused is post_list

        await pilot.press("/", *"zzzz")  # a new search replaces the old one, as in a browser
        await settle(pilot)
        assert post_list.count == 0
        assert "No post matches 'zzzz'" in screen_text(post_list)


async def test_clearing_a_search_shows_the_post_the_cursor_is_on(real_corpus: Path) -> None:
    """The full list came back drawn from its top while the cursor stayed on the post read,
    fifty rows down, off the screen: Enter would open a post the reader could not see (review)."""
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        last = app.archive.posts[int(app.archive.order[-2])]
        assert "Acala" in last.title
        await pilot.press("/", *"title:Acala", "enter")
        await wait_for(pilot, lambda: post_list.count == 1 and post_list.current_post == last, "the one result")
        await pilot.press("/", "ctrl+u", "escape")
        await wait_for(pilot, lambda: post_list.count == app.archive.post_count, "the whole list")
        await settle(pilot)
        assert post_list.current_post == last and post_list.cursor == app.archive.post_count - 2
        assert "Acala" in screen_text(post_list)


async def test_the_last_posts_lines_are_dimmed_until_the_next_is_drawn(real_corpus: Path) -> None:
    """The header changes at once; the body's lines are the last post's until the new ones are
    drawn (a long post, a slow disk): dimmed, so they are not read as the new post's."""
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        body = app.screen.query_one(ReaderBody)
        assert not body.has_class("-stale")
        fourth = app.archive.posts[int(app.archive.order[3])]
        app.screen.show_post(int(app.archive.order[3]))
        assert fourth.title in header(app) and body.has_class("-stale")
        await settle(pilot)
        assert not body.has_class("-stale") and "Asahi Linux" in body.text


async def test_an_empty_list_says_what_was_found(tmp_path: Path) -> None:
    """No post files at all, or only files passed over: said in the list, short enough for it."""
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    for root, message in (
        (empty, "No .md, .markdown or .html files here"),
        (broken, "No posts: 1 file passed over (! says why)"),
    ):
        app = PostshelfApp([root], watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert message in " ".join(screen_text(app.screen.query_one(PostList)).split())  # wrapped, not cut


async def test_keys_typed_ahead_after_slash_go_to_the_search(real_corpus: Path) -> None:
    """Keys that arrive together (pasted, or over a slow link) after `/` are the query, not
    list commands: `t` would open the facets, `e` export, Enter save."""
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        type_ahead(app, "/title:linux/x\x7f\x7f")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "title:linux"
        assert isinstance(app.focused, SearchBar)
        assert "4 of 65 posts match 'title:linux'" in status(app)
        type_ahead(app, "/x")  # in the search bar, `/` is a character of the query
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "title:linux/x"


async def test_keys_typed_ahead_after_enter_in_the_search_go_to_the_list(real_corpus: Path) -> None:
    """Enter ends the query: keys that arrive with it (`jj` to go down two posts) are list
    commands, not more letters of the query."""
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        type_ahead(app, "/title:linux\rjj")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "title:linux"
        posts = app.screen.query_one(PostList)
        assert app.focused is posts
        assert posts.cursor == 2
        assert "4 of 65 posts match 'title:linux'" in status(app)
        type_ahead(app, "/linux\rG")  # the next query the same way (it replaces the last): G to the end
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "linux"
        assert app.focused is posts
        assert posts.cursor == posts.row_count - 1 > 4
        type_ahead(app, "/date:xyz")  # an error shown for this query is not one for the next
        await settle(pilot)
        type_ahead(app, "\x7f\x7f\x7f2021\rj")
        await settle(pilot)
        assert app.focused is posts and posts.cursor == 1 and "match 'date:2021'" in status(app)


async def test_keys_held_for_the_list_go_nowhere_else(real_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a query's results are on their way (a slow search: a million posts), the keys
    typed after Enter wait for the list; but a click back into the query takes them again,
    and a dialog opened meanwhile never gets them."""
    import threading

    from tui.archive.index import SearchIndex

    release = threading.Event()
    search = SearchIndex.search

    def slow_search(self, *args, **kwargs):
        release.wait(10)
        yield from search(self, *args, **kwargs)

    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar, posts = app.screen.query_one(SearchBar), app.screen.query_one(PostList)
        monkeypatch.setattr(SearchIndex, "search", slow_search)
        type_ahead(app, "/linux\rj")
        await wait_for(pilot, lambda: bar.leaving, "Enter to be taken")
        await pilot.click(SearchBar)
        type_ahead(app, "x")
        await pilot.pause(0.2)
        release.set()
        await settle(pilot)
        assert bar.value in ("xlinux", "linuxx") and app.focused is bar  # typing went on in the query (where clicked)

        release.clear()
        type_ahead(app, "\x7f\rjj")  # back to linux: its results on their way again
        await wait_for(pilot, lambda: bar.leaving, "Enter to be taken")
        await pilot.pause(0.2)
        help_screen = HelpScreen({})
        await app.push_screen(help_screen)
        release.set()
        await settle(pilot)
        assert app.screen is help_screen and help_screen.query_one("VerticalScroll").scroll_y == 0
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is posts and posts.cursor == 0


async def test_keys_typed_together_in_the_search_bar_apply_in_the_order_typed(real_corpus: Path) -> None:
    """Backspace, arrows and the like arriving with letters (a paste, a burst over SSH) act
    where they were typed, not after the letters behind them."""
    from textual import events

    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        await pilot.press("slash", "ctrl+c")  # with nothing selected: on to the app, which says how to quit
        await pilot.pause(0.2)
        assert any("ctrl+q" in notification.message for notification in app._notifications)
        type_ahead(app, "Linux\x7fy")  # still in the search bar
        await settle(pilot)
        assert bar.value == "Linuy"
        type_ahead(app, "\x7f" * 5 + "abc\x7f\x7fde")
        await settle(pilot)
        assert bar.value == "ade"
        type_ahead(app, "\x7f\x7f\x7fab")
        app.post_message(events.Key("left", None))
        type_ahead(app, "c")
        await settle(pilot)
        assert bar.value == "acb" and isinstance(app.focused, SearchBar)


async def test_the_status_line_drops_hints_before_it_cuts_words(real_corpus: Path) -> None:
    """At 80 columns the count, the position and the matches stay whole: the hints and a
    `0 skipped` go first, then the query the search bar shows anyway."""
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        type_ahead(app, "/title:linux\r")
        await settle(pilot)
        for width, expected in (
            (120, "4 of 65 posts match 'title:linux' · 0 skipped · 1/4 · 10 matches in this post (n: next)"),
            (80, "4 of 65 posts match 'title:linux' · 1/4 · 10 matches in this post"),
            (56, "4 of 65 posts match · 1/4 · 10 matches in this post"),
        ):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            assert status(app) == expected, width


async def test_help_and_skipped_screens(archive_dir: Path) -> None:
    app = PostshelfApp([archive_dir])
    async with app.run_test(size=(120, 70)) as pilot:
        await settle(pilot)
        assert "4 skipped (! to see why)" in status(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app.screen)
        await pilot.press("G")  # the end of the help
        await pilot.pause()
        help_text += screen_text(app.screen)
        for expected in (
            "Next post",
            "Search",
            "Skipped and ignored files",
            "Quit",
            "Leave search",
            "Next pane",
            "Links and images",
            "Filter / unfilter",
            "sort:relevance",
        ):
            assert expected in help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, SkippedScreen)
        skipped_text = screen_text(app.screen)
        assert "4 files skipped" in skipped_text
        assert "binary file: looks like a PNG image, not text" in skipped_text
        assert "Read as: a folder of posts: every .md, .markdown, .html and .htm" in skipped_text  # no site
        await pilot.press("escape")
        assert not isinstance(app.screen, SkippedScreen)


async def test_q_quits(archive_dir: Path) -> None:
    app = PostshelfApp([archive_dir])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_q_in_the_search_bar_is_typed_not_quit(archive_dir: Path) -> None:
    app = PostshelfApp([archive_dir])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("/", "q")
        assert app.screen.query_one(SearchBar).value == "q"
        assert not app._exit


async def test_hostile_text_is_shown_neutralised(archive_dir: Path) -> None:
    app = PostshelfApp([archive_dir])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("/", *"Evil")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Evil title red" in header(app)
        body = app.screen.query_one(ReaderBody).text
        assert "Body" in body and "\x1b" not in body and "\u202e" not in body


async def test_demo_archive_opens(tmp_path: Path) -> None:
    from tui.cli import demo_path

    app = PostshelfApp([demo_path()])
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PostList).count == app.archive.post_count >= 20
        assert app.archive.posts[int(app.archive.order[0])].title in header(app)


async def test_search_highlights_and_n_moves_between_matches(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"linux")
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        # The match in the first title is drawn in the match style.
        match_style = post_list.get_component_rich_style("post-list--match", partial=True)
        title_line = post_list.render_line(0)
        styled = "".join(s.text for s in title_line if s.style and s.style.underline and s.style.bold)
        assert styled.lower() == "linux" and match_style.underline

        await pilot.press("enter", "enter")
        await settle(pilot)
        body = app.screen.query_one(ReaderBody)
        total = len(body.match_lines)
        assert total >= 2
        assert f"{total} matches in this post (n: next)" in status(app)
        await pilot.press("n")
        assert f"match 1 of {total}" in status(app)
        assert body.scroll_y <= body.match_lines[0]
        await pilot.press("n")
        assert f"match 2 of {total}" in status(app)
        await pilot.press("N")
        assert f"match 1 of {total}" in status(app)
        await pilot.press("N")
        assert f"match {total} of {total}" in status(app)


async def test_n_scrolls_sideways_to_a_match_in_wide_code(tmp_path: Path) -> None:
    """A match far to the right in a code line wider than the reader: `n` brings it into view."""
    wide = "x = call(" + ", ".join(f"argument_{number}" for number in range(14)) + ", needle_here)"
    (tmp_path / "code.md").write_text(
        f"---\ntitle: Code\ndate: 2024-01-02\n---\nBefore.\n\n```python\n{wide}\n```\n\nneedle_here again.\n"
    )
    (tmp_path / "other.md").write_text(f"---\ntitle: Other\ndate: 2024-01-01\n---\nneedle_here\n\n    {wide}\n")
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_ahead(app, "/needle_here\r\r")
        await settle(pilot)
        body = app.screen.query_one(ReaderBody)
        await pilot.press("n")
        assert "match 1 of 2" in status(app)
        assert body.scroll_x > 0 and "needle_here" in screen_text(body)
        await pilot.press("n")  # the one in the prose: back to the left edge
        assert "match 2 of 2" in status(app) and body.scroll_x == 0
        # Scrolled sideways, then the lines wrap anew or another post opens: the prose is whole.
        for keys, shown in (("f", "Before."), ("escape j enter", "Other")):
            await pilot.press("l", "l", "l")
            assert body.scroll_x > 0
            await pilot.press(*keys.split())
            await settle(pilot)
            assert body.scroll_x == 0 and shown in header(app) + screen_text(body), keys


@pytest.mark.slow
async def test_bad_query_is_explained_and_results_stay(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"linux")
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        assert post_list.count == 6
        await pilot.press(*' "unclosed')
        await settle(pilot)
        sidebar = screen_text(app.screen.query_one("#sidebar"))
        assert 'unclosed quote: add the closing "' in sidebar
        assert post_list.count == 6  # the last good results stay
        await pilot.press('"')
        await settle(pilot)
        assert "unclosed quote" not in screen_text(app.screen.query_one("#sidebar"))
        assert post_list.count == 0


@pytest.mark.slow
async def test_qualifiers_and_folding_in_the_app(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"動畫 sort:-date")
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        assert post_list.count == 4
        assert "4 of 65 posts match '動畫 sort:-date'" in status(app)
        await pilot.press("ctrl+a", "ctrl+k", *"cat:zaker")
        await settle(pilot)
        assert post_list.count == 3
        await pilot.press(*" is:undated")
        await settle(pilot)
        assert post_list.count == 0


def big_archive(count: int) -> Archive:
    """An archive of `count` small posts built in memory (no files): for list-scale tests."""
    from datetime import datetime, timedelta

    from tui.archive.archive import Loaded
    from tui.archive.post import Post

    archive = Archive([])
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batch = []
    for number in range(count):
        post = Post(
            location=f"/nowhere/{number}.md",
            relative_path=f"{number}.md",
            title=f"Post number {number}" + (" 繁體動畫" if number % 1000 == 7 else ""),
            date=start - timedelta(minutes=number),
            date_raw="",
            author="bot",
        )
        batch.append(Loaded(str(post.path), 1, 1, post, "", None))
        if len(batch) == 20_000:
            archive.add_loaded(batch)
            batch = []
    if batch:
        archive.add_loaded(batch)
    return archive


@pytest.mark.slow
async def test_virtual_list_with_100k_rows() -> None:
    archive = big_archive(100_000)
    app = PostshelfApp([], archive=archive)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        assert post_list.count == 100_000
        await pilot.press("end")
        assert post_list.cursor == 99_999
        assert "Post number 99999" in screen_text(post_list)
        await pilot.press("pageup", "k")
        await pilot.press("slash", *"动画")
        await settle(pilot)
        assert post_list.count == 100
        assert "Post number 7 繁體動畫" in screen_text(post_list)
        assert "100 of 100,000 posts" in status(app)
        await pilot.press("ctrl+a", "ctrl+k")
        await settle(pilot)
        assert post_list.count == 100_000
        await pilot.press("escape")
        await pilot.press("j")
        assert post_list.current_index is not None and post_list.cursor > 0


async def test_new_files_appear_while_the_app_runs(archive_dir: Path) -> None:
    app = PostshelfApp([archive_dir])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for_live_reload(pilot, archive_dir)
        post_list = app.screen.query_one(PostList)
        before = post_list.count
        (archive_dir / "arrived.md").write_text("---\ntitle: Arrived while running\ndate: 2099-01-01\n---\nhello\n")
        (archive_dir / "json.md").unlink()
        for _ in range(100):
            await pilot.pause(0.1)
            if "Arrived while running" in screen_text(post_list) and post_list.count == before:
                break
        assert "Arrived while running" in screen_text(post_list)
        assert post_list.count == before  # one added, one deleted
        assert "JSON frontmatter" not in {p.title for p in app.archive.ordered_posts()}


async def test_a_folder_made_while_the_app_runs_is_watched_too(archive_dir: Path) -> None:
    """Live reload watches each folder on its own: one that appears later is read at once, and
    posts written into it afterwards appear as well."""
    app = PostshelfApp([archive_dir])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for_live_reload(pilot, archive_dir)
        (archive_dir / "later" / "deeper").mkdir(parents=True)
        (archive_dir / "later" / "deeper" / "first.md").write_text("---\ntitle: Came with its folder\n---\nx\n")

        def titles() -> set[str]:
            return {post.title for post in app.archive.ordered_posts()}

        await wait_for(pilot, lambda: "Came with its folder" in titles(), "the new folder's post")
        await wait_for_live_reload(pilot, archive_dir / "later" / "deeper")
        (archive_dir / "later" / "deeper" / "second.md").write_text("---\ntitle: Written into it later\n---\ny\n")
        await wait_for(pilot, lambda: "Written into it later" in titles(), "a post written into the new folder")


async def test_live_changes_keep_the_readers_place_and_the_lists_row(tmp_path: Path) -> None:
    """A feed bot rewrites the open post: the reader stays where it was in it. The post under
    the cursor is deleted: the cursor stays on its row, on the post that took it."""
    for number in range(1, 6):
        body = "\n\n".join(f"Paragraph {line} of post {number}." for line in range(200))
        (tmp_path / f"post-{number}.md").write_text(
            f"---\ntitle: Post {number}\ndate: 2021-01-0{number}\n---\n{body}\n"
        )
    app = PostshelfApp([tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for_live_reload(pilot, tmp_path)
        posts, body = app.screen.query_one(PostList), app.screen.query_one(ReaderBody)
        await pilot.press("j", "j")  # Post 3 (newest first)
        await settle(pilot)
        assert "Post 3" in header(app)
        body.scroll_to(y=120, animate=False)
        await pilot.pause()
        changed = tmp_path / "post-3.md"
        changed.write_text(changed.read_text() + "\nOne more line.\n")
        await wait_for(pilot, lambda: "One more line." in "".join(body.text), "the changed post to show")
        await settle(pilot)
        assert body.scroll_y == 120 and "Post 3" in header(app)

        before = posts.count  # the five, and live reload's probe (helpers.wait_for_live_reload)
        (tmp_path / "post-3.md").unlink()
        await wait_for(pilot, lambda: posts.count == before - 1, "the deleted post to go")
        await settle(pilot)
        assert posts.cursor == 2 and "Post 2" in header(app)


@pytest.mark.slow
async def test_loading_progress_and_stop(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for number in range(12000):
        (root / f"{number:05d}.md").write_text(f"---\ntitle: Post {number}\n---\nbody\n")
    app = PostshelfApp([root], use_cache=False, watch=False)
    async with app.run_test(size=(100, 24)) as pilot:
        seen_progress = False
        for _ in range(600):
            await pilot.pause(0.02)
            if "Loading" in status(app) and "Esc stops" in status(app) and app.archive.post_count:
                seen_progress = True
                break
        assert seen_progress, status(app)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "loading stopped at" in status(app), "the status line to say loading stopped")
        loaded = app.archive.post_count
        assert 0 < loaded < 12000
        # Every file read is counted, those added after the last progress report too.
        assert f"loading stopped at {loaded + len(app.archive.skipped):,} " in status(app)
        assert app.screen.query_one(PostList).count == loaded


async def test_typing_a_search_marks_the_open_post(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        body = app.screen.query_one(ReaderBody)
        assert "Bangumi" in header(app) and body.match_lines == []
        text = body.text
        await pilot.press("slash", *"番组")
        await settle(pilot)
        assert body.text == text  # the same lines, now marked
        assert len(body.match_lines) >= 1
        assert "match in this post (n: next)" in status(app) or "matches in this post" in status(app)
        await pilot.press("ctrl+a", "ctrl+k")
        await settle(pilot)
        assert body.match_lines == []


async def test_a_post_without_text_says_so(tmp_path: Path) -> None:
    (tmp_path / "only-frontmatter.md").write_text(
        "---\ntitle: Nothing here\ndate: 2021-01-01\n---\n\n", encoding="utf-8"
    )
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Nothing here" in header(app)
        assert "This post has no text" in app.screen.query_one(ReaderBody).text


async def test_a_title_taken_from_the_first_heading_is_not_shown_twice(tmp_path: Path) -> None:
    (tmp_path / "no-title.md").write_text(
        "---\ndate: 2021-01-01\n---\n\n# Only a heading\n\nThe text.\n", encoding="utf-8"
    )
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Only a heading" in header(app)
        body = app.screen.query_one(ReaderBody).text
        assert "The text." in body and "Only a heading" not in body


async def test_the_open_post_stays_open_when_its_file_changes(tmp_path: Path) -> None:
    for number in range(1, 6):
        (tmp_path / f"post-{number}.md").write_text(
            f"---\ntitle: Post {number}\ndate: 2021-01-0{number}\n---\nFirst version of {number}.\n", encoding="utf-8"
        )
    app = PostshelfApp([tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")  # Post 3
        await settle(pilot)
        assert "Post 3" in header(app)
        await wait_for_live_reload(pilot, tmp_path)
        (tmp_path / "post-3.md").write_text(
            "---\ntitle: Post 3\ndate: 2021-01-03\n---\nSecond version.\n", encoding="utf-8"
        )
        body = app.screen.query_one(ReaderBody)
        for _ in range(100):
            await pilot.pause(0.1)
            if "Second version." in body.text:
                break
        assert "Second version." in body.text and "Post 3" in header(app)
        assert app.screen.query_one(PostList).cursor == 2


async def test_a_title_only_match_is_said_and_highlighted(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"2014 总结", "enter")
        await settle(pilot)
        assert "the title matches, not the text" in status(app)
        region = app.screen.query_one(ReaderHeader).region
        title_line = app.screen._compositor.render_strips()[region.y]
        marked = "".join(segment.text for segment in title_line if segment.style and segment.style.underline)
        assert "2014" in marked and "总结" in marked


async def test_pages_pressed_quickly_each_move_a_page(tmp_path: Path) -> None:
    """Space Space (or PageDown twice) pressed during the first page's scroll moved one page
    and a bit, not two (found by a new user): each press is a page from where the last one
    is going."""
    from textual import events

    body_text = "\n\n".join(f"Paragraph {line}." for line in range(300))
    (tmp_path / "long.md").write_text(f"---\ntitle: Long\ndate: 2021-01-02\n---\n{body_text}\n")
    for number in range(40):  # more posts than a page of the list: Space would page it
        (tmp_path / f"other-{number}.md").write_text(f"---\ntitle: Other {number}\ndate: 2020-01-01\n---\nx\n")
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # into the reader
        body = app.screen.query_one(ReaderBody)
        await wait_for(pilot, lambda: body.has_focus and body.virtual_size.height > 300, "the post in the reader")
        page = body.scrollable_content_region.height
        type_ahead(app, "  ")  # unlike pilot.press, no waiting for the scroll between them
        app.post_message(events.Key("pagedown", None))
        await wait_for(pilot, lambda: body.scroll_y == body.scroll_target_y == 3 * page, "three pages down", 20)
        type_ahead(app, "b")
        app.post_message(events.Key("pageup", None))
        await wait_for(pilot, lambda: body.scroll_y == body.scroll_target_y == page, "two pages up", 20)
        # Enter and Space Space in one burst from the list: the reader pages, not the list.
        await pilot.press("escape", "g")
        await settle(pilot)
        body.scroll_to(y=0, animate=False)
        type_ahead(app, "\r  ")
        await wait_for(pilot, lambda: body.scroll_y == body.scroll_target_y == 2 * page, "two pages down", 20)
        assert app.screen.query_one(PostList).cursor == 0


async def test_a_page_up_after_widening_the_terminal_moves_a_page(tmp_path: Path) -> None:
    """Widening the terminal at the end of a post shortens it: Textual moves the scroll back
    but not where it was last going, and PageUp from there moved nothing (found in review)."""
    body_text = "\n\n".join(f"Paragraph {number}. " + "word " * 40 for number in range(150))
    (tmp_path / "long.md").write_text(f"---\ntitle: Long\n---\n{body_text}\n")
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        body = app.screen.query_one(ReaderBody)
        await wait_for(pilot, lambda: body.has_focus and body.virtual_size.height > 300, "the post in the reader")
        await pilot.press("end")
        await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y > 0, "the end of the post")
        tall = body.virtual_size.height
        await pilot.resize_terminal(200, 30)
        await wait_for(
            pilot,
            lambda: (
                body.virtual_size.height < tall  # rewrapped at the new width
                and body._rendered_generation == body._generation
                and body.scroll_y == body.max_scroll_y
            ),
            "the wider post",
        )
        await pilot.pause()
        end, page = body.scroll_y, body.scrollable_content_region.height
        await pilot.press("pageup")
        await wait_for(pilot, lambda: body.scroll_y == body.scroll_target_y, "a page up", 20)
        assert body.scroll_y == end - page


async def test_on_a_narrow_terminal_a_post_is_read_at_the_whole_width(real_corpus: Path) -> None:
    """At 40 columns the reader beside the list had 12 and showed the text cut at its right
    edge (found by a new user): Enter reads at the whole width, Esc goes back to the list."""
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(40, 15)) as pilot:
        await settle(pilot)
        sidebar, body = app.screen.query_one("#sidebar"), app.screen.query_one(ReaderBody)
        await pilot.press("enter")
        await wait_for(pilot, lambda: body.has_focus and not sidebar.display, "the reader alone")
        await wait_for(pilot, lambda: body.size.width >= 38, "the reader at the whole width")
        await pilot.resize_terminal(120, 30)  # wider: beside the list again; narrower: alone
        await wait_for(pilot, lambda: sidebar.display and body.has_focus, "the list back beside the reader")
        await pilot.resize_terminal(40, 15)
        await wait_for(pilot, lambda: not sidebar.display and body.size.width >= 38, "the reader alone again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: sidebar.display and app.screen.query_one(PostList).has_focus, "the list")
        await pilot.press("enter")  # and `/` from the reader alone brings the search bar back (review)
        await wait_for(pilot, lambda: body.has_focus and not sidebar.display, "the reader alone")
        await pilot.press("slash", *"linux")
        await wait_for(pilot, lambda: app.screen.query_one(SearchBar).value == "linux", "the query")
        assert sidebar.display


async def test_keys_held_after_enter_are_dropped_when_something_else_takes_the_keyboard(tmp_path: Path) -> None:
    """Found in review: in the burst `Enter j / a b` the j held for the reader was typed into
    the query (`abj`), and with Ctrl+P after `Enter j` into the command palette."""
    from textual import events
    from textual.widgets import Input

    for number in range(3):
        (tmp_path / f"post-{number}.md").write_text(f"---\ntitle: Post {number}\n---\ntext\n")
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        type_ahead(app, "\rj/ab")
        await wait_for(pilot, lambda: bar.has_focus and bar.value == "ab", "the query typed after / alone")
        await pilot.press("escape", "escape")
        await settle(pilot)
        type_ahead(app, "\rj")
        app.post_message(events.Key("ctrl+p", None))
        await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused is not bar, "the palette")
        await settle(pilot)
        assert app.focused.value == ""
