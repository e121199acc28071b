"""Read marks, bookmarks, history and where the reader left off: kept per archive, never in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import header, screen_text, settle, status, type_ahead, wait_for
from tui.app import PostshelfApp
from tui.archive.loader import load_archive
from tui.archive.natural_order import natural_key
from tui.archive.user_state import FlagMasks, UserState, state_path_for
from tui.screens.main import READ_AFTER
from tui.widgets.post_list import PostList
from tui.widgets.search_bar import SearchBar


def _snapshot_files(root: Path) -> dict[str, tuple[int, bytes]]:
    return {str(path): (path.stat().st_mtime_ns, path.read_bytes()) for path in root.rglob("*") if path.is_file()}


# ---------------------------------------------------------------- the state file


def test_state_round_trips_and_is_written_atomically(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = UserState(path)
    state.set_read(["/a.md", "/b.md"])
    state.toggle_bookmark("/b.md")
    state.visit("/a.md")
    state.visit("/b.md")
    state.remember(query="cat:编程", post="/b.md")
    state.save()
    assert not state.dirty
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left behind

    loaded, notice = UserState.load(path)
    assert notice is None
    assert loaded.read == {"/a.md", "/b.md"}
    assert list(loaded.bookmarks) == ["/b.md"]
    assert loaded.history == ["/a.md", "/b.md"] and loaded.history_position == 1
    assert (loaded.last_query, loaded.last_post) == ("cat:编程", "/b.md")


def test_history_goes_back_and_forward_and_skips_missing_posts() -> None:
    state = UserState()
    for path in ("/a", "/b", "/c"):
        state.visit(path)
    assert state.step(-1) == "/b"
    assert state.step(-1, exists=lambda path: path != "/a") is None  # /a is gone
    assert state.step(+1) == "/c"
    assert state.step(+1) is None
    state.step(-1)
    state.visit("/d")  # a new visit drops the forward entries
    assert state.history == ["/a", "/b", "/d"]


def test_a_corrupt_state_file_is_set_aside_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"version": 1, "read": [', encoding="utf-8")
    state, notice = UserState.load(path)
    assert notice is not None and "set aside" in notice
    assert state.read == set()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("state.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith('{"version": 1')
    assert not path.exists()


def test_flag_masks_answer_is_queries(real_corpus: Path) -> None:
    archive = load_archive([real_corpus])
    state = UserState()
    archive.index.flags = FlagMasks(state, archive.posts.columns["path"])
    paths = archive.posts.columns["path"]
    first, second = (int(doc) for doc in archive.order[:2])
    assert archive.search("is:read").count == 0
    assert archive.search("is:unread").count == 65
    state.set_read([paths[first], paths[second]])
    state.toggle_bookmark(paths[second])
    assert sorted(archive.search("is:read").ids.tolist()) == sorted([first, second])
    assert archive.search("is:unread").count == 63
    assert archive.search("is:bookmarked").ids.tolist() == [second]
    assert archive.search("-is:bookmarked is:read").ids.tolist() == [first]


# ---------------------------------------------------------------- in the app


@pytest.mark.slow
async def test_a_notification_stands_above_the_status_line(real_corpus: Path) -> None:
    from textual.widgets._toast import Toast

    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        toast = app.screen.query_one(Toast)  # "Bookmarked"
        status_line = app.screen.query_one("#status")
        # What shows in the status line's row under the toast is the status line, not the toast.
        widget, _ = app.screen.get_widget_at(toast.region.x + 2, status_line.region.y)
        assert widget is status_line


async def test_marks_follow_posts_whose_folder_is_renamed(tmp_path: Path) -> None:
    """`mv 编程 编程2` while the app is open: the posts come back under their new paths with
    their read marks and bookmarks (they were kept under paths that no longer exist)."""
    from helpers import wait_for_live_reload

    folder = tmp_path / "编程"
    folder.mkdir()
    for number in range(3):
        (folder / f"post-{number}.md").write_text(f"---\ntitle: Post {number}\ndate: 2021-01-0{number + 1}\n---\nx\n")
    app = PostshelfApp([tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for_live_reload(pilot, tmp_path)
        await pilot.press("enter", "m")  # Post 2, the newest: read and bookmarked
        await settle(pilot)
        assert app.screen.user_state.read == {str(folder / "post-2.md")}
        folder.rename(tmp_path / "编程2")
        moved = str(tmp_path / "编程2" / "post-2.md")
        await wait_for(pilot, lambda: moved in app.archive.files, "the renamed folder's posts")
        await settle(pilot)
        assert app.screen.user_state.bookmarks.keys() == {moved} and app.screen.user_state.read == {moved}
        assert header(app).startswith("★ Post 2")


async def test_keys_typed_right_after_moving_act_on_the_post_under_the_cursor(real_corpus: Path) -> None:
    """The post under the cursor opens after a short delay: `j m`, `j u` and `j e` typed
    together acted on the post just left (found by a new user; `e` exported the wrong post)."""
    from tui.screens.export import ExportScreen

    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        posts = [app.archive.posts[int(doc)] for doc in app.archive.order[:6]]
        await pilot.press("j", "m", "j", "u")
        await settle(pilot)
        assert list(app.screen.user_state.bookmarks) == [str(posts[1].path)]
        assert app.screen.user_state.read == {str(posts[2].path)}
        await pilot.press("j", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        assert app.screen.post.path == posts[3].path
        await pilot.press("escape")
        await settle(pilot)
        # In one burst (a paste, an SSH link), as the user typed them: the keys are all queued
        # before the list's cursor move reaches the screen.
        type_ahead(app, "jjm")
        await wait_for(pilot, lambda: len(app.screen.user_state.bookmarks) == 2, "the second bookmark")
        assert str(posts[5].path) in app.screen.user_state.bookmarks


async def test_m_acts_on_the_post_read_when_history_opened_one_the_list_does_not_show(real_corpus: Path) -> None:
    """Found in review: `[` opened a post the search does not list; the list kept the keys and
    its cursor stayed on another post, and `m` bookmarked that one."""
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        post_list = screen.query_one(PostList)
        await pilot.press("j", "enter")  # read it: it enters the history
        await settle(pilot)
        read = screen.current_post_id()
        await pilot.press("escape", "j", "enter")  # and the next
        await settle(pilot)
        await pilot.press("escape", "slash", *"title:2015", "enter")
        await wait_for(pilot, lambda: post_list.has_focus and not post_list.lists(read), "a list without it")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen._open_index == read, "the post from the history")
        await pilot.press("m")
        await settle(pilot)
        assert list(screen.user_state.bookmarks) == [app.archive.posts.columns["path"][read]]


async def test_reading_marks_bookmarks_and_restart(real_corpus: Path) -> None:
    archive_before = _snapshot_files(real_corpus)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        lines = screen_text(post_list).splitlines()
        assert lines[0].lstrip().startswith("●")  # everything starts unread
        await pilot.pause(READ_AFTER + 0.2)  # the subject: longer than a post takes to count as read
        assert app.screen.user_state.read == set()  # the post opened at start is not "read"

        await pilot.press("j", "enter")
        await settle(pilot)
        second = app.archive.posts[int(app.archive.order[1])]
        assert app.screen.user_state.read == {str(second.path)}
        assert not screen_text(post_list).splitlines()[2].lstrip().startswith("●")

        await pilot.press("m")
        await settle(pilot)
        assert header(app).startswith("★ " + second.title[:10])
        assert screen_text(post_list).splitlines()[2].lstrip().startswith("★")

        await pilot.press("escape", "slash", *"is:bookmarked")
        await settle(pilot)
        assert post_list.count == 1
        assert status(app).startswith("1 of 65 posts match 'is:bookmarked'")
        await pilot.press("escape")

    # A new session shows the same marks, the same query and the same post.
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "is:bookmarked"
        assert app.screen.query_one(PostList).count == 1
        assert second.title in header(app)
        await pilot.press("slash", "ctrl+a", "ctrl+k", "escape")
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        assert post_list.count == 65
        assert post_list.current_index == int(app.archive.order[1])  # still on the post left open

        await pilot.press("u")  # marks it unread again
        await settle(pilot)
        assert app.screen.user_state.read == set()
    assert _snapshot_files(real_corpus) == archive_before  # nothing written into the archive
    saved = json.loads(state_path_for([real_corpus]).read_text(encoding="utf-8"))
    assert saved["read"] == [] and list(saved["bookmarks"]) == [str(second.path)]


@pytest.mark.slow
async def test_next_unread_mark_all_read_history_sort_and_full_width(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        order = [int(doc) for doc in app.archive.order]
        post_list = app.screen.query_one(PostList)

        await pilot.press("enter")  # read the first post
        await settle(pilot)
        await pilot.press("escape", "full_stop")  # the next unread is the second
        await settle(pilot)
        assert post_list.current_index == order[1]
        await pilot.press("enter", "escape", "j", "j", "enter")  # read the second and the fourth
        await settle(pilot)
        assert app.screen.user_state.history[-3:] == [
            app.archive.posts.columns["path"][d] for d in (order[0], order[1], order[3])
        ]

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.archive.posts[order[1]].title in header(app)
        assert post_list.current_index == order[1]
        await pilot.press("left_square_bracket", "right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert app.archive.posts[order[3]].title in header(app)

        await pilot.press("escape", "full_stop")
        await settle(pilot)
        assert post_list.current_index == order[4]  # after the cursor (the fourth)
        await pilot.press("G", "full_stop")
        await settle(pilot)
        assert post_list.current_index == order[2]  # wraps round, skipping the read ones

        await pilot.press("A")  # 65 posts: asks first
        await settle(pilot)
        read_before = set(app.screen.user_state.read)
        assert len(read_before) < 65
        assert any("Press A again" in n.message for n in app._notifications)
        await pilot.press("A")
        await settle(pilot)
        assert len(app.screen.user_state.read) == 65
        assert any("U: unread again" in n.message for n in app._notifications)
        await pilot.press("U")  # a slip of A: the posts read before stay read, the others are unread again
        await settle(pilot)
        assert app.screen.user_state.read == read_before
        assert any(f"Marked {65 - len(read_before)} posts unread again" in n.message for n in app._notifications)
        await pilot.press("A", "A")
        await settle(pilot)
        assert len(app.screen.user_state.read) == 65
        await pilot.press("full_stop")
        await settle(pilot)
        assert "No unread posts" in " ".join(n.message for n in app._notifications)

        bar = app.screen.query_one(SearchBar)
        await pilot.press("s")
        await settle(pilot)
        assert bar.value == "sort:-date"
        stamps = [app.archive.posts[int(d)].date for d in post_list.order_ids()]
        dated = [stamp for stamp in stamps if stamp is not None]
        assert dated == sorted(dated) and len(dated) > 50  # oldest first
        await pilot.press("s")
        await settle(pilot)
        assert bar.value == "sort:title"
        shown = [app.archive.index.state.titles[int(d)] for d in post_list.order_ids()]
        assert shown == sorted(shown, key=natural_key)  # by folded title, `2` before `10`
        await pilot.press("s", "s")
        await settle(pilot)
        assert bar.value == ""
        bar.value = '"unclosed phrase'  # not read as a query: s says so, and appends nothing inside the quote
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert bar.value == '"unclosed phrase'
        assert any("Not sorted: the search cannot be read" in n.message for n in app._notifications)
        bar.value = ""
        await settle(pilot)

        await pilot.press("f")
        await settle(pilot)
        assert not app.screen.query_one("#sidebar").display
        assert app.screen.query_one("#reader").region.width == 100
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one("#sidebar").display


async def test_a_corrupt_state_file_does_not_stop_the_app(real_corpus: Path) -> None:
    path = state_path_for([real_corpus])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\xffnot json")
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PostList).count == 65
        assert any("set aside" in n.message for n in app._notifications)
        await pilot.press("enter", "m")
        await settle(pilot)
    fresh = json.loads(path.read_text(encoding="utf-8"))
    assert len(fresh["bookmarks"]) == 1
    assert len(list(path.parent.glob("*.corrupt-*.json"))) == 1


@pytest.mark.slow
async def test_reading_an_unread_list_keeps_the_post_in_place(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"is:unread", "escape")
        await settle(pilot)
        post_list = app.screen.query_one(PostList)
        await pilot.press("g", "j", "j", "enter")
        await settle(pilot)
        third = app.archive.posts[int(post_list.order_ids()[2])]
        await wait_for(pilot, lambda: app.screen.user_state.read, "the post to count as read")
        assert app.screen.user_state.read == {str(third.path)}
        assert post_list.count == 65 and post_list.cursor == 2  # still listed, cursor kept
        assert third.title in header(app)
        assert not screen_text(post_list).splitlines()[4].lstrip().startswith("●")  # shown as read


async def test_going_back_to_a_post_outside_the_results_says_so(real_corpus: Path) -> None:
    """`[` may open a post the search does not list: the status says so, not 'a field matched'."""
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        first = app.archive.posts[int(app.archive.order[0])]
        await pilot.press("enter")  # read the first post (kept in the history)
        await settle(pilot)
        await pilot.press("slash", *"Diffie", "enter", "enter")  # the one post that has it
        await settle(pilot)
        assert "Diffie" not in first.title and first.title not in header(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert first.title in header(app)
        assert "this post is not among the results" in status(app)
