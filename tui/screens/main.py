"""The main screen: search bar and post list on the left, the reader on the right."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..archive import Archive, Post
from ..archive.facets import FacetData, selected_facets, with_facet
from ..archive.folding import fold
from ..archive.images import ImageCache
from ..archive.index import highlight_spans
from ..archive.links import links_in
from ..archive.query import SORTS, QueryError, parse
from ..archive.reading_session import ReadingSession
from ..archive.user_state import FlagMasks, UserState
from ..keymap import MAIN_BINDINGS
from ..open_link import copy_link, open_link
from ..widgets.facet_panel import FacetPanel
from ..widgets.header_image import HeaderImage
from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from ..widgets.reader_header import ReaderHeader
from ..widgets.search_bar import SearchBar
from ..widgets.status_line import StatusLine
from .export import ExportScreen
from .help import HelpScreen
from .links import LinksScreen
from .skipped import SkippedScreen
from .worker_results import FacetsCounted, LinksFound, SaveFailed, SearchFailed, SearchResults

OPEN_DELAY = 0.08
"""Seconds the cursor must rest on a post before it opens: holding j never queues renders."""
FIRST_PAGE = 200
"""Hits shown before the full count is known."""
READ_AFTER = 1.0
"""Seconds a post must stay open to count as read (and enter the history): the cursor merely
passing over a post does neither."""
CONFIRM_MARKING_FROM = 50
"""Marking more listed posts read than this asks for A a second time."""
SAVE_CHECK_EVERY = 0.5
"""Seconds between asking the reading session whether a save is due (it decides when)."""
FACETS_BESIDE_FROM = 140
"""Columns from which the facets show at start, beside the list and the reader."""
WIDE_FACETS_FROM = 160
"""Columns from which the facets get a wider column (long author and category names)."""
READER_BESIDE_FACETS_FROM = 110
"""Below this many columns, showing the facets hides the reader (until a post is chosen)."""
SORT_NAMES = {"date": "date, newest first", "-date": "date, oldest first", "title": "title", "relevance": "relevance"}


@dataclass(frozen=True)
class MainOptions:
    """The user's settings that concern the main screen, given when it is made."""

    default_sort: str = "date"
    """The list order when the query has no sort: qualifier (config `sort`)."""
    mark_read_on_open: bool = True
    """Whether a post that stays open counts as read (config `mark_read`)."""
    images: ImageCache | None = None
    """An ImageCache when the user turned images on (settings: images = "auto")."""
    profile: str = "default"
    """Whose reading state this is (the SSH server gives each key its own)."""
    keymap: Mapping[str, str] = field(default_factory=dict)
    """The user's key overrides in force (config [keys]): binding id -> keys."""
    settings_problems: tuple[str, ...] = ()
    """What was wrong in the settings file (the help screen lists it)."""


@runtime_checkable
class StopsLoading(Protocol):
    """The app, which loads the archive (Esc stops it); the screen does not import the app."""

    def stop_loading(self) -> None: ...


_SORT_QUALIFIER = re.compile(r"(?<!\S)sort:\S*")


def with_sort(query_text: str, sort: str, default: str = "date") -> str:
    """The query text with its sort: qualifier replaced (dropped when it is the default)."""
    text = " ".join(_SORT_QUALIFIER.sub("", query_text).split())
    if sort != default:
        text = f"{text} sort:{sort}".strip()
    return text


class MainScreen(Screen):
    BINDINGS = MAIN_BINDINGS

    def __init__(self, options: MainOptions | None = None) -> None:
        super().__init__()
        self.options = options or MainOptions()
        self.archive: Archive | None = None
        self.query_text = ""
        self._open_timer: Timer | None = None
        self._open_index: int | None = None
        self._highlight: tuple[str, ...] = ()
        self._shown_generation = -1
        self._loading = True
        self.reading: ReadingSession | None = None
        """Read marks, bookmarks, history: opened with the archive."""
        self._flags: FlagMasks | None = None
        self._restore_post = ""
        self._read_timer: Timer | None = None
        self._facets: FacetData | None = None
        self._facet_ids: np.ndarray | None = None
        """The ids of the last complete result: what the facet counts are about."""
        self._facets_toggled = False
        self._mark_all_asked = 0.0
        self._facet_request = 0
        """Numbers the facet count requests: only the newest one's counts are shown."""

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
        self.query_one(PostList).focus()
        self.set_interval(SAVE_CHECK_EVERY, self.save_state)
        self._place_facets()

    def on_resize(self) -> None:
        self._place_facets()

    def on_unmount(self) -> None:
        self.save_state(now=True)

    # ------------------------------------------------------------ archive

    def show_archive(self, archive: Archive) -> None:
        """Show the archive (possibly still loading) and keep the view in step with it."""
        first = self.archive is None
        self.archive = archive
        self._status.opening = False
        if first:
            self._facets = FacetData()
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
        self._flags = session.flag_masks(paths)
        archive.index.flags = self._flags
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

    def _id_for_path(self, path: str) -> int | None:
        archive = self.archive
        if archive is None or not path:
            return None
        record = archive.files.get(path)
        if record is None or record[2] < 0 or not archive.index.state.alive[record[2]]:
            return None
        return record[2]

    def _flags_changed(self) -> None:
        self.query_one(PostList).refresh_flags()
        self._refresh_header()
        # The list is not searched again (is:unread would drop the post being read from under
        # the reader); it changes when the search does, as in newsboat.
        self._count_facets()

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
            empty = "Loading…" if self._loading else "No posts found here (see `postshelf index PATH`)."
            post_list.show(archive.posts, archive.order, keep_index=self._keep_index(), empty_message=empty)
            self._list_shown()
            self._facet_ids = archive.order
            self._count_facets()

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
            restored = self._id_for_path(self._restore_post)
            if restored is not None:
                self._restore_post = ""
                return restored
            if not self._loading:
                self._restore_post = ""
        current = post_list.current_index
        if current is not None and self.archive is not None and not self.archive.index.state.alive[current]:
            # Its file changed on disk (live reload): stay on the new version of the same post.
            return self._id_for_path(self.archive.posts.columns["path"][current])
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
            status.note = f"loading stopped at {done:,} of {total:,} files"
        status.progress = None
        self._shown_generation = -1
        self.refresh_posts()

    # ------------------------------------------------------------ search

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.value
        if self.reading is not None:
            self.reading.remember_query(event.value)
        self.query_one(FacetPanel).select(selected_facets(event.value, self._facets))
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
        if self.options.default_sort != "date" and not _SORT_QUALIFIER.search(text):
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
        self.query_one(SearchBar).add_class("-invalid")

    def _clear_query_error(self) -> None:
        self._status.query_error = False
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
        self._status.results_query = text
        self._status.counting = not result.complete
        message = f"No post matches {text.strip()!r}" if text.strip() else "No posts"
        post_list.show(
            self.archive.posts,
            result.ids,
            keep_index=self._keep_index(),
            empty_message=message,
            highlight=self._highlight,
        )
        self.query_one(ReaderBody).set_highlight(self._highlight)
        self._refresh_header()
        self._list_shown()
        if not self._highlight:
            self._status.match = None
        if result.complete:
            self._facet_ids = result.ids
            self._count_facets()

    @on(SearchBar.Left)
    def _search_left(self) -> None:
        self.query_one(PostList).focus()

    # ------------------------------------------------------------ reading

    @on(PostList.Highlighted)
    def _post_highlighted(self, event: PostList.Highlighted) -> None:
        self._list_shown()
        if self._open_timer is not None:
            self._open_timer.stop()
        index = event.index
        if index is None:
            self._show_post(None)
        elif index != self._open_index:
            by_user = event.by_user
            self._open_timer = self.set_timer(OPEN_DELAY, lambda: self._show_post(index, by_user=by_user))

    @on(PostList.Chosen)
    def _post_chosen(self, event: PostList.Chosen) -> None:
        if self._open_timer is not None:
            self._open_timer.stop()
        if event.index != self._open_index:
            self._show_post(event.index)
        self._count_as_read(event.index)
        if self.has_class("-facets-only"):  # narrow: the reader comes back in place of the facets
            self._show_facets(False)
        self.query_one(ReaderBody).focus()

    def _show_post(self, index: int | None, by_user: bool = True) -> None:
        """Show a post in the reader; one the user went to counts as read after READ_AFTER."""
        self._open_index = index
        self._status.match = None
        archive = self.archive
        body = self.query_one(ReaderBody)
        if self._read_timer is not None:
            self._read_timer.stop()
        if index is None or archive is None:
            self.query_one(ReaderHeader).show_post(None)
            self.query_one(HeaderImage).show("")
            body.clear()
            return
        post = archive.posts[index]
        self._refresh_header()
        self.query_one(HeaderImage).show(post.image)
        body.show(lambda: self._reader_markdown(post), self._highlight, header_links=(post.link, post.image))
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
            self._flags_changed()

    @on(ReaderBody.MatchMoved)
    def _match_moved(self, event: ReaderBody.MatchMoved) -> None:
        match = (event.current, event.total) if self._highlight else None
        note = ""
        if match == (0, 0) and self._open_index is not None and self.archive is not None:
            title = self.archive.posts[self._open_index].title
            note = (
                "the title matches, not the text"
                if highlight_spans(title, self._highlight)
                else "no match in the text (a field matched)"
            )
        self._status.match_note = note
        self._status.match = match

    # ------------------------------------------------------------ actions

    def action_next_match(self) -> None:
        self.query_one(ReaderBody).action_next_match()

    def action_previous_match(self) -> None:
        self.query_one(ReaderBody).action_previous_match()

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def _current_post_id(self) -> int | None:
        """The post being read, else the one under the cursor."""
        if self._open_index is not None:
            return self._open_index
        return self.query_one(PostList).current_index

    def action_toggle_read(self) -> None:
        index, reading = self._current_post_id(), self.reading
        if index is None or reading is None or self.archive is None:
            return
        now_read = reading.toggle_read(self.archive.posts.columns["path"][index])
        self._flags_changed()
        self.notify("Marked read" if now_read else "Marked unread", timeout=2)

    def action_mark_all_read(self) -> None:
        reading, archive = self.reading, self.archive
        post_list = self.query_one(PostList)
        if reading is None or archive is None or not post_list.count:
            return
        if post_list.count > CONFIRM_MARKING_FROM and time.monotonic() - self._mark_all_asked > 5:
            self._mark_all_asked = time.monotonic()
            self.notify(
                f"Mark all {post_list.count:,} listed posts read? Press A again to confirm "
                "(narrow the list with a search or a facet first to mark fewer)",
                timeout=5,
            )
            return
        self._mark_all_asked = 0.0
        paths = archive.posts.columns["path"]
        changed = reading.mark_read([paths[doc] for doc in post_list.order_ids()])
        self._flags_changed()
        self.notify(f"Marked {changed:,} post{'s' if changed != 1 else ''} read", timeout=3)

    def action_next_unread(self) -> None:
        archive, flags = self.archive, self._flags
        post_list = self.query_one(PostList)
        if archive is None or flags is None or not post_list.count:
            return
        unread = flags("unread", archive.index.size)[post_list.order_ids()]
        after = np.flatnonzero(unread[post_list.cursor + 1 :])
        if len(after):
            position = post_list.cursor + 1 + int(after[0])
        else:
            before = np.flatnonzero(unread[: post_list.cursor + 1])
            if not len(before):
                self.notify("No unread posts in this list", timeout=3)
                return
            position = int(before[0])
            self.notify("Back to the first unread post", timeout=2)
        post_list.move_to(position)
        post_list.focus()

    def action_toggle_bookmark(self) -> None:
        index, reading = self._current_post_id(), self.reading
        if index is None or reading is None or self.archive is None:
            return
        marked = reading.toggle_bookmark(self.archive.posts.columns["path"][index])
        self._flags_changed()
        self.notify("Bookmarked (is:bookmarked lists them)" if marked else "Bookmark removed", timeout=3)

    def _step_history(self, offset: int) -> None:
        reading = self.reading
        if reading is None or self.archive is None:
            return
        step = reading.back if offset < 0 else reading.forward
        path = step(lambda candidate: self._id_for_path(candidate) is not None)
        if path is None:
            self.notify("No earlier post in the history" if offset < 0 else "No later post in the history", timeout=2)
            return
        index = self._id_for_path(path)
        self._show_post(index)  # first: the cursor move below then finds it open already
        self.query_one(PostList).move_to_id(index)  # when it is in the list; else read it anyway

    def action_back(self) -> None:
        self._step_history(-1)

    def action_forward(self) -> None:
        self._step_history(+1)

    def current_sort(self) -> str:
        try:
            query = parse(self.query_text)
        except QueryError:
            return self.options.default_sort
        return query.sort if _SORT_QUALIFIER.search(self.query_text) else self.options.default_sort

    def set_sort(self, sort: str) -> None:
        if sort not in SORTS:
            return
        bar = self.query_one(SearchBar)
        bar.value = with_sort(bar.value, sort, self.options.default_sort)
        self.notify(f"Sorted by {SORT_NAMES[sort]}", timeout=2)

    def action_cycle_sort(self) -> None:
        order = ["date", "-date", "title", "relevance"]
        current = self.current_sort()
        self.set_sort(order[(order.index(current) + 1) % len(order)] if current in order else "date")

    def action_export(self) -> None:
        index, archive = self._current_post_id(), self.archive
        if index is None or archive is None:
            return
        post = archive.posts[index]
        self.app.push_screen(ExportScreen(post, archive.read_markdown(post), archive.roots))

    # ------------------------------------------------------------ facets

    def _place_facets(self) -> None:
        """At start, facets show on wide terminals only; after `t`, where the user put them."""
        if not self._facets_toggled:
            self._show_facets(self.size.width >= FACETS_BESIDE_FROM, focus=False)
        else:
            self._show_facets(self.query_one(FacetPanel).display, focus=False)

    def _show_facets(self, show: bool, focus: bool = True) -> None:
        panel = self.query_one(FacetPanel)
        panel.display = show
        self.set_class(self.size.width >= WIDE_FACETS_FROM, "-wide")
        self.set_class(show and self.size.width < READER_BESIDE_FACETS_FROM, "-facets-only")
        if show:
            self._count_facets()
            if focus:
                panel.focus()
        elif focus and panel.has_focus:
            self.query_one(PostList).focus()

    def action_toggle_facets(self) -> None:
        self._facets_toggled = True
        panel = self.query_one(FacetPanel)
        if panel.display and not panel.has_focus:
            panel.focus()
            return
        self._show_facets(not panel.display)

    def _count_facets(self) -> None:
        """Facet counts for the current result, when the panel shows: counted in a thread, and
        only the newest request's counts are shown."""
        self._facet_request += 1
        archive, facets, ids = self.archive, self._facets, self._facet_ids
        if archive is None or facets is None or ids is None or not self.query_one(FacetPanel).display:
            return
        self._count_facets_in_thread(self._facet_request, archive, facets, ids, self._flags)

    @work(thread=True, exclusive=True, group="facets")
    def _count_facets_in_thread(
        self, request: int, archive: Archive, facets: FacetData, ids: np.ndarray, flags: FlagMasks | None
    ) -> None:
        """A few ms at 100k posts: off the UI thread."""
        facets.extend(archive.posts)
        counts = facets.counts(ids, universe=archive.order)
        extra = {}
        if flags is not None and len(ids):
            size = archive.index.size
            extra = {
                "bookmarked": int(flags("bookmarked", size)[ids].sum()),
                "unread": int(flags("unread", size)[ids].sum()),
            }
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsCounted(request, counts, extra))

    @on(FacetsCounted)
    def _show_facet_counts(self, message: FacetsCounted) -> None:
        if message.generation == self._facet_request:
            self.query_one(FacetPanel).show_counts(message.counts, message.extra)

    @on(FacetPanel.Chosen)
    def _facet_chosen(self, event: FacetPanel.Chosen) -> None:
        bar = self.query_one(SearchBar)
        bar.value = with_facet(bar.value, event.kind, event.value, self._facets)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.query_one(ReaderBody).focus()
        else:
            self.query_one(PostList).focus()

    def action_escape(self) -> None:
        if (
            self._status.progress is not None
            and self.query_one(PostList).has_focus
            and isinstance(self.app, StopsLoading)
        ):
            self.app.stop_loading()
        self.query_one(PostList).focus()

    def _reader_markdown(self, post: Post) -> str:
        """The Markdown the reader shows; the links screen numbers the same text."""
        archive = self.archive
        if archive is None:  # never: posts are shown from an open archive
            return ""
        return archive.reader_markdown(post)

    def action_links(self) -> None:
        """L: the open post's links and images by number."""
        archive, index = self.archive, self._open_index
        if archive is None or index is None:
            self.notify("Open a post first: L lists its links", markup=False)
            return
        self._find_links(archive, archive.posts[index])

    @work(thread=True, exclusive=True, group="links")
    def _find_links(self, archive: Archive, post: Post) -> None:
        """Off the event loop: a long post may need converting first."""
        self.post_message(LinksFound(post.title, links_in(archive.reader_markdown(post), post.link, post.image)))

    @on(LinksFound)
    def _show_links(self, message: LinksFound) -> None:
        self.app.push_screen(LinksScreen(message.title, message.links))

    def _post_link(self) -> str:
        index, archive = self._current_post_id(), self.archive
        if index is None or archive is None:
            return ""
        link = archive.posts[index].link
        if not link:
            self.notify("This post has no link of its own (L lists the links in it)", timeout=3)
        return link

    def action_copy_link(self) -> None:
        if link := self._post_link():
            copy_link(self.app, link)

    def action_open_link(self) -> None:
        if link := self._post_link():
            open_link(self.app, link)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.options.keymap, self.options.settings_problems))

    def action_skipped(self) -> None:
        archive = self.archive
        if archive is None:
            self.app.push_screen(SkippedScreen([]))
            return
        sites = [site.described for layout in archive.layouts.values() for site in layout.all_sites]
        self.app.push_screen(SkippedScreen(list(archive.skipped), list(archive.ignored), sites))
