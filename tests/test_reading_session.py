"""The reading session without a terminal: history, marks, what is saved and when."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tui.archive.reading_session import SAVE_AFTER, ReadingSession
from tui.archive.user_state import UserState, state_path_for


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_history_goes_back_and_forward_over_the_posts_stayed_on() -> None:
    session = ReadingSession(UserState())
    for path in ("/a.md", "/b.md", "/c.md"):
        session.stayed_on(path)
    assert session.back() == "/b.md"
    assert session.back(exists=lambda path: path != "/a.md") is None  # /a.md was deleted
    assert session.back() == "/a.md"
    assert session.back() is None  # the start of the history
    assert session.forward() == "/b.md"
    assert session.forward() == "/c.md"
    assert session.forward() is None  # the end
    session.back()
    session.stayed_on("/d.md")  # reading something new drops the forward entries
    assert session.state.history == ["/a.md", "/b.md", "/d.md"]
    assert session.forward() is None
    session.stayed_on("/d.md")  # staying on the same post again adds nothing
    assert session.state.history == ["/a.md", "/b.md", "/d.md"]


def test_toggling_read_and_bookmark() -> None:
    session = ReadingSession(UserState())
    assert not session.is_read("/a.md")
    assert session.toggle_read("/a.md") is True and session.is_read("/a.md")
    assert session.toggle_read("/a.md") is False and not session.is_read("/a.md")
    assert session.mark_read(["/a.md", "/b.md"]) == ["/a.md", "/b.md"]
    assert session.mark_read(["/a.md", "/b.md", "/c.md", "/c.md"]) == ["/c.md"]  # only /c.md was unread
    assert session.mark_unread(["/c.md", "/d.md"]) == 1 and not session.state.is_read("/c.md")
    assert session.toggle_bookmark("/b.md") is True and session.is_bookmarked("/b.md")
    assert session.toggle_bookmark("/b.md") is False and not session.is_bookmarked("/b.md")


def test_staying_on_a_post_marks_it_read_unless_the_user_said_never() -> None:
    session = ReadingSession(UserState())
    assert session.stayed_on("/a.md") is True  # the read mark changed: the list repaints
    assert session.stayed_on("/a.md") is False  # already read
    assert session.is_read("/a.md")

    never = ReadingSession(UserState(), mark_read_on_open=False)
    assert never.stayed_on("/a.md") is False
    assert not never.is_read("/a.md")
    assert never.state.history == ["/a.md"]  # it is still in the history


def test_a_read_mark_set_by_hand_is_not_set_back_by_staying_on_the_post() -> None:
    """`u` on a post just opened (or under the cursor, about to open) marked it unread; a
    second later staying on it marked it read again (found in review). Opened again after
    another post, it counts as read as usual."""
    session = ReadingSession(UserState())
    session.remember_post("/a.md")
    session.stayed_on("/a.md")
    assert session.toggle_read("/a.md") is False  # u: unread
    session.remember_post("/a.md")  # (the same post, shown again)
    assert session.stayed_on("/a.md") is False and not session.is_read("/a.md")
    session.remember_post("/b.md")
    session.remember_post("/a.md")
    assert session.stayed_on("/a.md") is True and session.is_read("/a.md")


def test_the_saved_session_reloads_per_archive_and_profile(tmp_path: Path) -> None:
    roots = [tmp_path / "archive"]
    session, notice = ReadingSession.open(roots, "alice")
    assert notice is None and session.last_query == "" and session.last_post == ""
    session.stayed_on("/a.md")
    session.stayed_on("/b.md")
    session.toggle_bookmark("/b.md")
    session.remember_query("cat:编程")
    session.remember_post("/b.md")
    session.back()
    session.save()

    again, notice = ReadingSession.open(roots, "alice")
    assert notice is None
    assert again.is_read("/a.md") and again.is_read("/b.md") and again.is_bookmarked("/b.md")
    assert (again.last_query, again.last_post) == ("cat:编程", "/b.md")
    assert again.forward() == "/b.md"  # the history position was kept (back, then forward)
    saved = json.loads(state_path_for(roots, "alice").read_text(encoding="utf-8"))
    assert saved["roots"] == [str(roots[0])]

    someone_else, _ = ReadingSession.open(roots, "bob")
    assert not someone_else.is_read("/a.md") and someone_else.last_query == ""


def test_a_save_is_due_a_while_after_a_change_and_a_burst_makes_one(tmp_path: Path) -> None:
    clock = FakeClock()
    session = ReadingSession(UserState(tmp_path / "state.json"), clock=clock)
    assert session.snapshot_due() is None  # nothing changed
    session.toggle_read("/a.md")
    clock.now += SAVE_AFTER / 2
    session.toggle_bookmark("/a.md")
    session.remember_query("linux")
    assert session.snapshot_due() is None  # not yet: more may follow
    clock.now += SAVE_AFTER / 2
    snapshot = session.snapshot_due()
    assert snapshot is not None
    _, data = snapshot
    assert data["read"] == ["/a.md"] and list(data["bookmarks"]) == ["/a.md"] and data["last_query"] == "linux"
    session.write(snapshot)
    clock.now += 10 * SAVE_AFTER
    assert session.snapshot_due() is None  # saved, nothing new
    session.remember_post("/a.md")
    clock.now += SAVE_AFTER
    assert session.snapshot_due() is not None  # the next change is timed from when it happened


def test_a_write_that_did_not_happen_is_due_again(tmp_path: Path) -> None:
    clock = FakeClock()
    session = ReadingSession(UserState(tmp_path / "state.json"), clock=clock)
    session.toggle_read("/a.md")
    clock.now += SAVE_AFTER
    assert session.snapshot_due() is not None  # handed to a writer that then failed
    assert session.snapshot_due() is None  # a new wait starts...
    clock.now += SAVE_AFTER
    snapshot = session.snapshot_due()  # ...and it is due again
    assert snapshot is not None
    session.write(snapshot)
    assert UserState.load(tmp_path / "state.json")[0].read == {"/a.md"}


def test_an_older_snapshot_never_overwrites_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    session = ReadingSession(UserState(path))
    session.toggle_read("/old.md")
    older = session.state.snapshot()
    session.toggle_read("/new.md")
    session.remember_query("newer")
    newer = session.state.snapshot()
    session.write(newer)
    session.write(older)  # a worker thread that was slow to start
    loaded, _ = UserState.load(path)
    assert loaded.read == {"/old.md", "/new.md"} and loaded.last_query == "newer"
    assert not session.state.dirty


def test_snapshots_written_from_threads_at_once_leave_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    session = ReadingSession(UserState(path))
    snapshots = []
    for number in range(20):
        session.remember_query(f"query {number}")
        snapshots.append(session.state.snapshot())
    threads = [threading.Thread(target=session.write, args=(snapshot,)) for snapshot in reversed(snapshots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert UserState.load(path)[0].last_query == "query 19"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
