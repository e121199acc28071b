"""The main screen: search bar and post list on the left, the reader on the right."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..archive import Archive, Post
from ..archive.facet_query import selected_facets
from ..archive.facets import FacetData
from ..archive.folding import fold
from ..archive.highlights import highlight_spans
from ..archive.query import QueryError, parse
from ..archive.query_text import has_sort
from ..archive.reading_session import ReadingSession
from ..archive.user_state import FlagMasks, UserState
from ..keymap import MAIN_BINDINGS
from ..widgets.facet_panel import FacetPanel
from ..widgets.header_image import HeaderImage
from ..widgets.post_list import PostList, no_posts_message
from ..widgets.reader_body import ReaderBody
from ..widgets.reader_header import ReaderHeader
from ..widgets.search_bar import SearchBar
from ..widgets.status_line import StatusLine
from .facet_actions import FacetActions
from .main_options import MainOptions
from .post_actions import PostActions
from .post_screen import StopsLoading
from .reading_actions import ReadingActions
from .sort_actions import SortActions
from .view_actions import ViewActions
from .worker_results import SaveFailed, SearchFailed, SearchResults

OPEN_DELAY = 0.08
"""Seconds the cursor must rest on a post before it opens: holding j never queues renders."""
FIRST_PAGE = 200
"""Hits shown before the full count is known."""
READ_AFTER = 1.0
"""Seconds a post must stay open to count as read (and enter the history): the cursor merely
passing over a post does neither."""
FOCUS_LIST_AFTER = 3.0
"""Seconds the list waits, after Enter in the search bar, for the query's results before it
takes the keyboard anyway (a search at a million posts answers in well under a second)."""
SAVE_CHECK_EVERY = 0.5
"""Seconds between asking the reading session whether a save is due (it decides when)."""


class MainScreen(ReadingActions, FacetActions, PostActions, SortActions, ViewActions):
    BINDINGS = MAIN_BINDINGS

    def __init__(self, options: MainOptions | None = None) -> None:
        super().__init__()
        self.options = options or MainOptions()
        self.archive: Archive | None = None
        self.query_text = ""
        self._open_timer: Timer | None = None
        self._pending_open: tuple[int, bool] | None = None
        """The post the cursor went to and whether by the user, until it opens (OPEN_DELAY)."""
        self._highlighted: int | None = None  # the cursor's post as last heard (elsewhere: it moved since)
        self._open_index: int | None = None
        self._highlight: tuple[str, ...] = ()
        self._shown_generation = -1
        self._loading = True
        self.reading: ReadingSession | None = None
        """Read marks, bookmarks, history: opened with the archive."""
        self.flags: FlagMasks | None = None
        self._restore_post = ""
        self._read_timer: Timer | None = None
        self._focus_list_timer: Timer | None = None
        """Set while the list waits for the results of the query just left (`_search_left`)."""
        self._error_text: str | None = None
        """The query the error shown is about."""
        self._shown_location = ""
        """The file of the post in the reader: shown again (changed on disk), it keeps its place."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FacetPanel(id="facets")
            with Vertical(id="sidebar"):
                yield SearchBar(id="search")
                yield Static(id="search-error")
                yield PostList(id="posts")
            with Vertical(id="reader"):
                with VerticalScroll(id="reader-header-scroll", can_focus=False):
                    yield ReaderHeader(id="reader-header")
                    yield HeaderImage(id="reader-image")
                yield ReaderBody(id="reader-body")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReaderBody).images = self.options.images
        self.query_one(HeaderImage).images = self.options.images
        self.focus_now(self.query_one(PostList))
        self.set_interval(SAVE_CHECK_EVERY, self.save_state)
        self.place_facets()

    def on_resize(self) -> None:
        self.place_facets()
        self.fit_reader_to_width()

    def on_unmount(self) -> None:
        self.save_state(now=True)

    # ------------------------------------------------------------ archive

    def show_archive(self, archive: Archive) -> None:
        """Show the archive (possibly still loading) and keep the view in step with it."""
        first = self.archive is None
        self.archive = archive
        self._status.opening = False
        if first:
            self.facet_data = FacetData()
            self._open_reading_session(archive)
        self.refresh_posts()

    # ------------------------------------------------------------ reading state

    @property
    def user_state(self) -> UserState | None:
        """The reading state itself (what the session has saved or will save)."""
        return self.reading.state if self.reading is not None else None

    def _open_reading_session(self, archive: Archive) -> None:
        """Read marks, bookmarks and where the reader left off (per archive and profile)."""
        session, notice = ReadingSession.open(
            archive.roots, self.options.profile, mark_read_on_open=self.options.mark_read_on_open
        )
        if notice:
            self.notify(notice, title="postshelf", severity="warning", timeout=15)
        self.reading = session
        paths = archive.posts.columns["path"]
        self.flags = session.flag_masks(paths)
        archive.index.flags = self.flags
        self.query_one(PostList).show_flags(
            lambda doc: (not session.is_read(paths[doc]), session.is_bookmarked(paths[doc]))
        )
        self._restore_post = session.last_post
        if session.last_query and not self.query_text:
            self.query_one(SearchBar).value = session.last_query  # runs the search

    def save_state(self, now: bool = False) -> None:
        """Write the reading state when the session says it is due (in a thread), or `now`."""
        session = self.reading
        if session is None:
            return
        if now:
            try:
                session.save()
            except OSError as error:
                self._save_failed(error)
        elif (snapshot := session.snapshot_due()) is not None:
            self._write_state_in_thread(session, snapshot)

    @work(thread=True, exclusive=True, group="save-state")
    def _write_state_in_thread(self, session: ReadingSession, snapshot: tuple[int, dict]) -> None:
        try:
            session.write(snapshot)
        except OSError as error:
            self.post_message(SaveFailed(error))

    @on(SaveFailed)
    def _save_failed_in_thread(self, message: SaveFailed) -> None:
        self._save_failed(message.error)

    def _save_failed(self, error: OSError) -> None:
        self.app.call_later(self.notify, f"Could not save your reading state: {error}", severity="error", timeout=10)

    def post_id_for_path(self, path: str) -> int | None:
        archive = self.archive
        if archive is None or not path:
            return None
        record = archive.files.get(path)
        if record is None or record[2] < 0 or not archive.index.state.alive[record[2]]:
            return None
        return record[2]

    def files_moved(self, moved: dict[str, str]) -> None:
        """Posts moved on disk (a folder renamed) keep their read marks and bookmarks."""
        if self.reading is not None:
            self.reading.move(moved)
            self.flags_changed()

    def flags_changed(self) -> None:
        self.query_one(PostList).refresh_flags()
        self._refresh_header()
        # The list is not searched again (is:unread would drop the post being read from under
        # the reader); it changes when the search does, as in newsboat.
        self.count_facets()

    def _refresh_header(self) -> None:
        """The open post's header again: its bookmark star and the search highlight changed."""
        archive, index = self.archive, self._open_index
        if archive is None or index is None:
            return
        reading = self.reading
        bookmarked = reading is not None and reading.is_bookmarked(archive.posts.columns["path"][index])
        self.query_one(ReaderHeader).show_post(archive.posts[index], bookmarked=bookmarked, highlight=self._highlight)

    def refresh_posts(self) -> None:
        """Posts were added or removed (loading, live reload): refresh the list or the search."""
        archive = self.archive
        if archive is None:
            return
        self._status.loaded = archive.post_count
        self._status.skipped = len(archive.skipped)
        if archive.generation == self._shown_generation:
            return
        self._shown_generation = archive.generation
        if self.query_text.strip() or self.options.default_sort != "date":
            self._run_search(self.query_text)
        else:
            self._status.results_query = ""
            post_list = self.query_one(PostList)
            empty = "Loading…" if self._loading else no_posts_message(len(archive.skipped) + archive.files_ignored)
            post_list.show(
                archive.posts,
                archive.order,
                keep_index=self._keep_index(),
                keep_row=post_list.cursor,
                empty_message=empty,
            )
            self._list_shown()
            self.facet_ids = archive.order
            self.count_facets()

    @property
    def _status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def _list_shown(self) -> None:
        """The status line follows the list: how many posts it shows, where the cursor is."""
        post_list = self.query_one(PostList)
        self._status.shown = post_list.count
        self._status.position = post_list.cursor if post_list.count else None

    def _keep_index(self) -> int | None:
        """The post the cursor should stay on: the current one, or where the reader left off."""
        post_list = self.query_one(PostList)
        if self._restore_post:
            restored = self.post_id_for_path(self._restore_post)
            if restored is not None:
                self._restore_post = ""
                return restored
            if not self._loading:
                self._restore_post = ""
        current = post_list.current_index
        if current is not None and self.archive is not None and not self.archive.index.state.alive[current]:
            # Its file changed on disk (live reload): stay on the new version of the same post;
            # gone, on the post that took its row (`post_list.show`'s keep_row).
            again = self.post_id_for_path(self.archive.posts.columns["path"][current])
            return current if again is None else again
        return current

    def show_progress(self, done: int, total: int, started: float) -> None:
        self._status.progress = (done, total, started)
        self.refresh_posts()

    def loading_finished(self, complete: bool) -> None:
        self._loading = False
        status = self._status
        status.archive_loading = False
        if status.progress is not None and not complete:
            done, total, _ = status.progress
            status.note = (
                f"loading stopped at {done:,} of {total:,} files" if total else f"loading stopped at {done:,} files"
            )
        status.progress = None
        self._shown_generation = -1
        self.refresh_posts()

    # ------------------------------------------------------------ search

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.value
        if self.reading is not None:
            self.reading.remember_query(event.value)
        self.query_one(FacetPanel).select(selected_facets(event.value, self.facet_data))
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
            self.post_message(SearchFailed(text, str(error)))
            return
        if self.options.default_sort != "date" and not has_sort(text):
            query = replace(query, sort=self.options.default_sort)
        for result in archive.index.search(query, limit=FIRST_PAGE, should_stop=lambda: worker.is_cancelled):
            if worker.is_cancelled:
                return
            self.post_message(SearchResults(text, result))

    @on(SearchFailed)
    def _show_query_error(self, message: SearchFailed) -> None:
        if message.text != self.query_text:
            return
        error = self.query_one("#search-error", Static)
        error.update(f"⚠ {message.error}")
        error.display = True
        self._status.query_error = True
        self._error_text = message.text
        self.query_one(SearchBar).add_class("-invalid")
        if self._focus_list_timer is not None:
            self._focus_list()

    def _clear_query_error(self) -> None:
        self._status.query_error = False
        self._error_text = None
        self.query_one("#search-error", Static).display = False
        self.query_one(SearchBar).remove_class("-invalid")

    @on(SearchResults)
    def _show_results(self, found: SearchResults) -> None:
        text, result = found.text, found.result
        if text != self.query_text or self.archive is None:
            return  # a newer keystroke is on its way
        self._clear_query_error()
        post_list = self.query_one(PostList)
        self._highlight = tuple(fold(term) for term in result.query.highlight_terms)
        same_query = text == self._status.results_query  # the same results again (live reload)
        self._status.results_query = text
        self._status.counting = not result.complete
        message = f"No post matches {text.strip()!r}" if text.strip() else "No posts"
        post_list.show(
            self.archive.posts,
            result.ids,
            keep_index=self._keep_index(),
            keep_row=post_list.cursor if same_query else None,
            empty_message=message,
            highlight=self._highlight,
        )
        self.query_one(ReaderBody).set_highlight(self._highlight)
        self._refresh_header()
        self._list_shown()
        if not self._highlight:
            self._status.match = None
        if result.complete:
            self.facet_ids = result.ids
            self.count_facets()
        if self._focus_list_timer is not None:
            self._focus_list()

    @on(SearchBar.Left)
    def _search_left(self) -> None:
        """Keys typed after Enter are for the results of the query just typed: while those
        are on their way, the search bar keeps the keys (SearchBar) and the list takes the
        focus once the results are shown (or after FOCUS_LIST_AFTER, if they never are)."""
        waiting = self._status.results_query != self.query_text != self._error_text
        if self.archive is not None and waiting:
            if self._focus_list_timer is None:
                self._focus_list_timer = self.set_timer(FOCUS_LIST_AFTER, self._focus_list)
            return
        self._focus_list()

    def _focus_list(self) -> None:
        if self._focus_list_timer is not None:
            self._focus_list_timer.stop()
            self._focus_list_timer = None
        bar = self.query_one(SearchBar)
        if self.focused is not bar or not bar.leaving:
            return  # the user clicked elsewhere, or back into the query, meanwhile
        if self.app.screen is not self:
            bar.forget_keys()  # a dialog opened meanwhile: the keys were not for it
        self.focus_now(self.query_one(PostList))

    # ------------------------------------------------------------ reading

    @on(PostList.Highlighted)
    def _post_highlighted(self, event: PostList.Highlighted) -> None:
        self._list_shown()
        self._open_pending(cancel=True)
        self._highlighted = event.index
        if event.index is None:
            self.show_post(None)
        elif event.index != self._open_index:
            self._pending_open = (event.index, event.by_user)
            self._open_timer = self.set_timer(OPEN_DELAY, self._open_pending)

    def _open_pending(self, cancel: bool = False) -> None:
        """Open the post the cursor went to now (`j m` bookmarked the post just left)."""
        pending, self._pending_open = self._pending_open, None
        if self._open_timer is not None:
            self._open_timer.stop()
        if pending is not None and not cancel:
            self.show_post(pending[0], by_user=pending[1])

    @on(PostList.Chosen)
    def _post_chosen(self, event: PostList.Chosen) -> None:
        self._open_pending(cancel=True)
        if event.index != self._open_index:
            self.show_post(event.index)
        self._count_as_read(event.index)
        if self.has_class("-facets-only"):  # narrow: the reader comes back in place of the facets
            self.show_facets(False)
        post_list, reader = self.query_one(PostList), self.query_one(ReaderBody)
        if self.app.screen is self and self.focused is post_list:  # (not if `/` or a dialog took it)
            self.read_alone_if_narrow()
            self.focus_now(reader)
        post_list.release_keys(to_reader=self.focused is reader)  # the keys typed after Enter

    def show_post(self, index: int | None, by_user: bool = True) -> None:
        """Show a post in the reader; one the user went to counts as read after READ_AFTER."""
        self._open_index = index
        self._status.match = None
        archive = self.archive
        body = self.query_one(ReaderBody)
        if self._read_timer is not None:
            self._read_timer.stop()
        if index is None or archive is None:
            self._shown_location = ""
            self.query_one(ReaderHeader).show_post(None)
            self.query_one(HeaderImage).show("")
            body.clear()
            return
        post = archive.posts[index]
        same_file, self._shown_location = post.location == self._shown_location, post.location
        self._refresh_header()
        self.query_one(HeaderImage).show(post.image)
        body.show(
            lambda: self._reader_markdown(post),
            self._highlight,
            header_links=(post.link, post.image),
            keep_place=same_file,
        )
        if self.reading is not None:
            self.reading.remember_post(archive.posts.columns["path"][index])
        if by_user:
            self._read_timer = self.set_timer(READ_AFTER, lambda: self._count_as_read(index))

    def _count_as_read(self, index: int) -> None:
        """The reader stayed on the post (or chose it): the session adds it to the history and
        marks it read."""
        reading, archive = self.reading, self.archive
        if reading is None or archive is None or index != self._open_index:
            return
        if reading.stayed_on(archive.posts.columns["path"][index]):
            self.flags_changed()

    @on(ReaderBody.MatchMoved)
    def _match_moved(self, event: ReaderBody.MatchMoved) -> None:
        match = (event.current, event.total) if self._highlight else None
        note = ""
        if match == (0, 0) and self._open_index is not None and self.archive is not None:
            title = self.archive.posts[self._open_index].title
            if not self.query_one(PostList).lists(self._open_index):
                note = "this post is not among the results"  # reached through the history
            elif highlight_spans(title, self._highlight):
                note = "the title matches, not the text"
            else:
                note = "no match in the text (a field matched)"
        self._status.match_note = note
        self._status.match = match

    # ------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.show_sidebar()  # (hidden by f, or a post read on a narrow terminal)
        bar = self.query_one(SearchBar)
        if self.focused is bar:  # a `/` typed in a query is a character of it (not has_focus:
            raise SkipAction()  # that is set when the bar gets to its Focus event, keys later)
        self.focus_now(bar)

    def current_post_id(self) -> int | None:
        """The post under the cursor just moved to (`j j m`, before it opens), else the one read."""
        post_list = self.query_one(PostList)
        cursor = post_list.current_index
        if post_list.has_focus and cursor is not None and cursor != self._highlighted:
            return cursor  # it moved; the screen hears of it next (not a post opened from history)
        self._open_pending()
        return self._open_index if self._open_index is not None else post_list.current_index

    def action_escape(self) -> None:
        if (
            self._status.progress is not None
            and self.query_one(PostList).has_focus
            and isinstance(self.app, StopsLoading)
        ):
            self.app.stop_loading()
        self.show_sidebar()  # (after f, or a post read on a narrow terminal)
        self.focus_now(self.query_one(PostList))

    def _reader_markdown(self, post: Post) -> str:
        """The Markdown the reader shows; the links screen numbers the same text."""
        return self.archive.reader_markdown(post) if self.archive is not None else ""  # (always open)
