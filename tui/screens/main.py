"""The main screen: search bar and post list on the left, the reader on the right."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..archive import Archive
from ..archive.folding import fold
from ..archive.index import SearchResult
from ..archive.query import QueryError, parse
from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from ..widgets.reader_header import ReaderHeader
from ..widgets.search_bar import SearchBar
from ..widgets.status_line import StatusLine

OPEN_DELAY = 0.08
"""Seconds the cursor must rest on a post before it opens: holding j never queues renders."""
FIRST_PAGE = 200
"""Hits shown before the full count is known."""


class MainScreen(Screen):
    BINDINGS = [
        Binding("/", "focus_search", "Search"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
        Binding("escape", "escape", "Back to list / stop loading", show=False),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("exclamation_mark", "skipped", "Skipped files"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.query_text = ""
        self._open_timer: Timer | None = None
        self._open_index: int | None = None
        self._highlight: tuple[str, ...] = ()
        self._counting = False
        self._match: tuple[int, int] | None = None
        self._shown_generation = -1
        self._progress: tuple[int, int, float] | None = None
        self._load_note = ""
        self._shown_query = ""
        self._query_error = False
        self._loading = True

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="sidebar"):
                yield SearchBar(id="search")
                yield Static(id="search-error")
                yield PostList(id="posts")
            with Vertical(id="reader"):
                with VerticalScroll(id="reader-header-scroll", can_focus=False):
                    yield ReaderHeader(id="reader-header")
                yield ReaderBody(id="reader-body")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PostList).focus()
        self._update_status()

    # ------------------------------------------------------------ archive

    def show_archive(self, archive: Archive) -> None:
        """Show the archive (possibly still loading) and keep the view in step with it."""
        self.archive = archive
        self.refresh_posts()

    def refresh_posts(self) -> None:
        """Posts were added or removed (loading, live reload): refresh the list or the search."""
        archive = self.archive
        if archive is None or archive.generation == self._shown_generation:
            self._update_status()
            return
        self._shown_generation = archive.generation
        if self.query_text.strip():
            self._run_search(self.query_text)
        else:
            self._shown_query = ""
            post_list = self.query_one(PostList)
            empty = "Loading…" if self._loading else "No posts found here (see `postshelf index PATH`)."
            post_list.show(archive.posts, archive.order, keep_index=post_list.current_index, empty_message=empty)
        self._update_status()

    def show_progress(self, done: int, total: int, started: float) -> None:
        self._progress = (done, total, started)
        self.refresh_posts()

    def loading_finished(self, complete: bool) -> None:
        self._loading = False
        if self._progress is not None and not complete:
            done, total, _ = self._progress
            self._load_note = f"loading stopped at {done:,} of {total:,} files"
        self._progress = None
        self._shown_generation = -1
        self.refresh_posts()

    # ------------------------------------------------------------ search

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.value
        if self.archive is not None:
            self._run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def _run_search(self, text: str) -> None:
        """Parse and run a query; a newer keystroke cancels this one (exclusive worker)."""
        archive = self.archive
        worker = get_current_worker()
        if archive is None:
            return
        try:
            query = parse(text)
        except QueryError as error:
            self.app.call_from_thread(self._show_query_error, text, str(error))
            return
        for result in archive.index.search(query, limit=FIRST_PAGE, should_stop=lambda: worker.is_cancelled):
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._show_results, text, result)

    def _show_query_error(self, text: str, message: str) -> None:
        if text != self.query_text:
            return
        error = self.query_one("#search-error", Static)
        error.update(f"⚠ {message}")
        error.display = True
        self._query_error = True
        self._update_status()
        self.query_one(SearchBar).add_class("-invalid")

    def _clear_query_error(self) -> None:
        self._query_error = False
        self.query_one("#search-error", Static).display = False
        self.query_one(SearchBar).remove_class("-invalid")

    def _show_results(self, text: str, result: SearchResult) -> None:
        if text != self.query_text or self.archive is None:
            return  # a newer keystroke is on its way
        self._clear_query_error()
        post_list = self.query_one(PostList)
        self._highlight = tuple(fold(term) for term in result.query.highlight_terms)
        self._shown_query = text
        self._counting = not result.complete
        message = f"No post matches {text.strip()!r}" if text.strip() else "No posts"
        post_list.show(self.archive.posts, result.ids, keep_index=post_list.current_index,
                       empty_message=message, highlight=self._highlight)
        self.query_one(ReaderBody).set_highlight(self._highlight)
        if not self._highlight:
            self._match = None
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
        index = event.index
        if index is None:
            self._show_post(None)
        elif index != self._open_index:
            self._open_timer = self.set_timer(OPEN_DELAY, lambda: self._show_post(index))

    @on(PostList.Chosen)
    def _post_chosen(self, event: PostList.Chosen) -> None:
        if self._open_timer is not None:
            self._open_timer.stop()
        if event.index != self._open_index:
            self._show_post(event.index)
        self.query_one(ReaderBody).focus()

    def _show_post(self, index: int | None) -> None:
        self._open_index = index
        self._match = None
        archive = self.archive
        body = self.query_one(ReaderBody)
        if index is None or archive is None:
            self.query_one(ReaderHeader).show_post(None)
            body.clear()
            return
        post = archive.posts[index]
        self.query_one(ReaderHeader).show_post(post)
        body.show(lambda: archive.read_markdown(post), self._highlight)

    @on(ReaderBody.MatchMoved)
    def _match_moved(self, event: ReaderBody.MatchMoved) -> None:
        self._match = (event.current, event.total) if self._highlight else None
        self._update_status()

    # ------------------------------------------------------------ actions

    def action_next_match(self) -> None:
        self.query_one(ReaderBody).action_next_match()

    def action_previous_match(self) -> None:
        self.query_one(ReaderBody).action_previous_match()

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_escape(self) -> None:
        if self._progress is not None and self.query_one(PostList).has_focus:
            self.app.stop_loading()
        self.query_one(PostList).focus()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_skipped(self) -> None:
        from .skipped import SkippedScreen

        self.app.push_screen(SkippedScreen(list(self.archive.skipped) if self.archive else []))

    def _update_status(self) -> None:
        archive = self.archive
        post_list = self.query_one(PostList)
        progress = None
        if self._progress is not None:
            done, total, started = self._progress
            elapsed = max(1e-6, time.perf_counter() - started)
            rate = done / elapsed
            remaining = (total - done) / rate if rate > 0 else None
            progress = (done, total, rate, remaining)
        self.query_one(StatusLine).show_counts(
            loaded=archive.post_count if archive else 0,
            shown=post_list.count,
            skipped=len(archive.skipped) if archive else 0,
            query=self._shown_query if self.query_text.strip() else "",
            query_error=self._query_error,
            position=post_list.cursor if post_list.count else None,
            progress=progress,
            opening=archive is None,
            counting=self._counting,
            match=self._match,
            note=self._load_note,
        )
