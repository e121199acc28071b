"""The main screen: search bar and post list on the left, the reader on the right."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import get_current_worker

from ..archive import Archive, Post
from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from ..widgets.reader_header import ReaderHeader
from ..widgets.search_bar import SearchBar
from ..widgets.status_line import StatusLine

OPEN_DELAY = 0.08
"""Seconds the cursor must rest on a post before it opens: holding j never queues renders."""


class MainScreen(Screen):
    BINDINGS = [
        Binding("/", "focus_search", "Search"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
        Binding("escape", "focus_list", "Back to list", show=False),
        Binding("exclamation_mark", "skipped", "Skipped files"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.query_text = ""
        self._open_timer: Timer | None = None
        self._open_post: Post | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="sidebar"):
                yield SearchBar(id="search")
                yield PostList(id="posts")
            with Vertical(id="reader"):
                with VerticalScroll(id="reader-header-scroll"):
                    yield ReaderHeader(id="reader-header")
                yield ReaderBody(id="reader-body")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PostList).focus()
        self._update_status(loading=True)

    # ------------------------------------------------------------ archive

    def show_archive(self, archive: Archive) -> None:
        self.archive = archive
        empty = "No posts found here. Run `postshelf index PATH` to see what was read."
        self.query_one(PostList).show(archive.posts, range(len(archive.posts)), empty_message=empty)
        if self.query_text:
            self._run_search(self.query_text)
        self._update_status()

    # ------------------------------------------------------------ search

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.value
        if self.archive is not None:
            self._run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def _run_search(self, query: str) -> None:
        archive = self.archive
        if archive is None:
            return
        indices = archive.search(query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, query, indices)

    def _show_results(self, query: str, indices: list[int]) -> None:
        if query != self.query_text or self.archive is None:
            return  # a newer keystroke is on its way
        post_list = self.query_one(PostList)
        message = f"No post matches {query.strip()!r}" if query.strip() else "No posts"
        post_list.show(self.archive.posts, indices, keep_post=post_list.current_post, empty_message=message)
        self._update_status()

    @on(SearchBar.Left)
    def _search_left(self) -> None:
        self.query_one(PostList).focus()

    # ------------------------------------------------------------ reading

    @on(PostList.Highlighted)
    def _post_highlighted(self, event: PostList.Highlighted) -> None:
        self._update_status()
        if self._open_timer is not None:
            self._open_timer.stop()
        post = event.post
        if post is None:
            self._show_post(None)
        elif post is not self._open_post:
            self._open_timer = self.set_timer(OPEN_DELAY, lambda: self._show_post(post))

    @on(PostList.Chosen)
    def _post_chosen(self, event: PostList.Chosen) -> None:
        if self._open_timer is not None:
            self._open_timer.stop()
        if event.post is not self._open_post:
            self._show_post(event.post)
        self.query_one(ReaderBody).focus()

    def _show_post(self, post: Post | None) -> None:
        self._open_post = post
        self.query_one(ReaderHeader).show_post(post)
        body = self.query_one(ReaderBody)
        if post is None or self.archive is None:
            body.clear()
            return
        archive = self.archive
        body.show(lambda: archive.read_markdown(post))

    # ------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_focus_list(self) -> None:
        self.query_one(PostList).focus()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_skipped(self) -> None:
        from .skipped import SkippedScreen

        self.app.push_screen(SkippedScreen(self.archive.skipped if self.archive else []))

    def _update_status(self, loading: bool = False) -> None:
        archive = self.archive
        post_list = self.query_one(PostList)
        self.query_one(StatusLine).show_counts(
            loaded=len(archive.posts) if archive else 0,
            shown=post_list.count,
            skipped=len(archive.skipped) if archive else 0,
            query=self.query_text,
            position=post_list.cursor if post_list.count else None,
            loading=loading or archive is None,
        )
