"""The main screen: search bar and post list on the left, the reader on the right."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Protocol, runtime_checkable

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..archive import Archive, Post
from ..archive.facet_query import selected_facets, with_facet
from ..archive.facets import FacetData
from ..archive.folding import fold
from ..archive.images import ImageCache
from ..archive.index import SearchResult, highlight_spans
from ..archive.query import SORTS, QueryError, parse
from ..archive.query_text import has_sort, with_sort
from ..archive.user_state import FlagMasks, UserState, state_path_for
from ..widgets.facet_panel import FacetPanel
from ..widgets.header_image import HeaderImage
from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from ..widgets.reader_header import ReaderHeader
from ..widgets.search_bar import SearchBar
from ..widgets.status_line import StatusLine

OPEN_DELAY = 0.08
"""Seconds the cursor must rest on a post before it opens: holding j never queues renders."""
FIRST_PAGE = 200
"""Hits shown before the full count is known."""
READ_AFTER = 1.0
"""Seconds a post must stay open to count as read (and enter the history): the cursor merely
passing over a post does neither."""
CONFIRM_MARKING_FROM = 50
"""Marking more listed posts read than this asks for A a second time."""
SAVE_EVERY = 2.0
"""Seconds between writes of the reading state (only when it changed)."""
FACETS_BESIDE_FROM = 140
"""Columns from which the facets show at start, beside the list and the reader."""
WIDE_FACETS_FROM = 160
"""Columns from which the facets get a wider column (long author and category names)."""
READER_BESIDE_FACETS_FROM = 110
"""Below this many columns, showing the facets hides the reader (until a post is chosen)."""
SORT_NAMES = {"date": "date, newest first", "-date": "date, oldest first", "title": "title", "relevance": "relevance"}


@runtime_checkable
class StopsLoading(Protocol):
    """The app, which loads the archive (Esc stops it); the screen does not import the app."""

    def stop_loading(self) -> None: ...


class MainScreen(Screen):
    BINDINGS = [
        Binding("/", "focus_search", "Search", id="search"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
        Binding("escape", "escape", "Back to list / stop loading", show=False),
        Binding("n", "next_match", "Next match", show=False, id="next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="previous_match"),
        Binding("full_stop", "next_unread", "Next unread", show=False, id="next_unread"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="toggle_read"),
        Binding("A", "mark_all_read", "Mark all listed read", show=False, id="mark_all_read"),
        Binding("m", "toggle_bookmark", "Bookmark", id="bookmark"),
        Binding("left_square_bracket,backspace", "back", "Back (history)", show=False, id="back"),
        Binding("right_square_bracket", "forward", "Forward (history)", show=False, id="forward"),
        Binding("s", "cycle_sort", "Sort", show=False, id="sort"),
        Binding("f", "toggle_sidebar", "Full-width reader", show=False, id="toggle_sidebar"),
        Binding("t", "toggle_facets", "Facets", id="facets"),
        Binding("e", "export", "Export as Markdown", show=False, id="export"),
        Binding("exclamation_mark", "skipped", "Skipped and ignored files", show=False, id="skipped"),
        Binding("L", "links", "Links and images", id="links"),
        Binding("c", "copy_link", "Copy the post's link", show=False, id="copy_link"),
        Binding("o", "open_link", "Open the post's link (copies over SSH)", show=False, id="open_link"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
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
        self.user_state: UserState | None = None
        self._flags: FlagMasks | None = None
        self._restore_post = ""
        self._read_timer: Timer | None = None
        self.default_sort = "date"
        self.mark_read_on_open = True
        self._facets: FacetData | None = None
        self._facet_ids: np.ndarray | None = None
        """The ids of the last complete result: what the facet counts are about."""
        self._facets_toggled = False
        self._mark_all_asked = 0.0
        self._match_note = ""
        self.images: ImageCache | None = None
        """An ImageCache when the user turned images on (settings: images = "auto")."""

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
        self.query_one(ReaderBody).images = self.images
        self.query_one(HeaderImage).images = self.images
        self.query_one(PostList).focus()
        self._update_status()
        self.set_interval(SAVE_EVERY, self.save_state)
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
        if first:
            self._facets = FacetData()
            self._open_user_state(archive)
        self.refresh_posts()

    # ------------------------------------------------------------ reading state

    def _open_user_state(self, archive: Archive) -> None:
        """Read marks, bookmarks and where the reader left off (per archive and profile)."""
        profile = getattr(self.app, "profile", "default")
        state, notice = UserState.load(state_path_for(archive.roots, profile))
        state.roots = [str(root) for root in archive.roots]
        if notice:
            self.notify(notice, title="postshelf", severity="warning", timeout=15)
        self.user_state = state
        self._flags = FlagMasks(state, archive.posts.columns["path"])
        archive.index.flags = self._flags
        paths = archive.posts.columns["path"]
        self.query_one(PostList).show_flags(lambda doc: (paths[doc] not in state.read, paths[doc] in state.bookmarks))
        self._restore_post = state.last_post
        if state.last_query and not self.query_text:
            self.query_one(SearchBar).value = state.last_query  # runs the search

    def save_state(self, now: bool = False) -> None:
        state = self.user_state
        if state is None or not state.dirty:
            return
        if now:
            self._write_state(state, state.snapshot())
        else:
            self._write_state_in_thread(state, state.snapshot())

    @work(thread=True, exclusive=True, group="save-state")
    def _write_state_in_thread(self, state: UserState, snapshot: tuple[int, dict]) -> None:
        self._write_state(state, snapshot)

    def _write_state(self, state: UserState, snapshot: tuple[int, dict]) -> None:
        try:
            state.write(snapshot)
        except OSError as error:
            self.app.call_later(
                self.notify, f"Could not save your reading state: {error}", severity="error", timeout=10
            )

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
        self._update_status()

    def _refresh_header(self) -> None:
        """The open post's header again: its bookmark star and the search highlight changed."""
        archive, index = self.archive, self._open_index
        if archive is None or index is None:
            return
        state = self.user_state
        bookmarked = state is not None and archive.posts.columns["path"][index] in state.bookmarks
        self.query_one(ReaderHeader).show_post(archive.posts[index], bookmarked=bookmarked, highlight=self._highlight)

    def refresh_posts(self) -> None:
        """Posts were added or removed (loading, live reload): refresh the list or the search."""
        archive = self.archive
        if archive is None or archive.generation == self._shown_generation:
            self._update_status()
            return
        self._shown_generation = archive.generation
        if self.query_text.strip() or self.default_sort != "date":
            self._run_search(self.query_text)
        else:
            self._shown_query = ""
            post_list = self.query_one(PostList)
            empty = "Loading…" if self._loading else "No posts found here (see `postshelf index PATH`)."
            post_list.show(archive.posts, archive.order, keep_index=self._keep_index(), empty_message=empty)
            self._facet_ids = archive.order
            self._count_facets()
        self._update_status()

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
        if self.user_state is not None:
            self.user_state.remember(query=event.value)
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
            self.app.call_from_thread(self._show_query_error, text, str(error))
            return
        if self.default_sort != "date" and not has_sort(text):
            query = replace(query, sort=self.default_sort)
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
        post_list.show(
            self.archive.posts,
            result.ids,
            keep_index=self._keep_index(),
            empty_message=message,
            highlight=self._highlight,
        )
        self.query_one(ReaderBody).set_highlight(self._highlight)
        self._refresh_header()
        if not self._highlight:
            self._match = None
        if result.complete:
            self._facet_ids = result.ids
            self._count_facets()
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
        self._match = None
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
        if self.user_state is not None:
            self.user_state.remember(post=archive.posts.columns["path"][index])
        if by_user:
            self._read_timer = self.set_timer(READ_AFTER, lambda: self._count_as_read(index))

    def _count_as_read(self, index: int, from_history: bool = False) -> None:
        """The reader stayed on the post (or chose it): mark it read and add it to the history."""
        state, archive = self.user_state, self.archive
        if state is None or archive is None or index != self._open_index:
            return
        path = archive.posts.columns["path"][index]
        if not from_history:
            state.visit(path)
        if self.mark_read_on_open and state.set_read([path]):
            self._flags_changed()

    @on(ReaderBody.MatchMoved)
    def _match_moved(self, event: ReaderBody.MatchMoved) -> None:
        self._match = (event.current, event.total) if self._highlight else None
        self._match_note = ""
        if self._match == (0, 0) and self._open_index is not None and self.archive is not None:
            title = self.archive.posts[self._open_index].title
            self._match_note = (
                "the title matches, not the text"
                if highlight_spans(title, self._highlight)
                else "no match in the text (a field matched)"
            )
        self._update_status()

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
        index, state = self._current_post_id(), self.user_state
        if index is None or state is None or self.archive is None:
            return
        path = self.archive.posts.columns["path"][index]
        now_read = path not in state.read
        state.set_read([path], now_read)
        self._flags_changed()
        self.notify("Marked read" if now_read else "Marked unread", timeout=2)

    def action_mark_all_read(self) -> None:
        state, archive = self.user_state, self.archive
        post_list = self.query_one(PostList)
        if state is None or archive is None or not post_list.count:
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
        changed = state.set_read([paths[doc] for doc in post_list.order_ids()])
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
        index, state = self._current_post_id(), self.user_state
        if index is None or state is None or self.archive is None:
            return
        marked = state.toggle_bookmark(self.archive.posts.columns["path"][index])
        self._flags_changed()
        self.notify("Bookmarked (is:bookmarked lists them)" if marked else "Bookmark removed", timeout=3)

    def _step_history(self, offset: int) -> None:
        state, archive = self.user_state, self.archive
        if state is None or archive is None:
            return
        path = state.step(offset, exists=lambda candidate: self._id_for_path(candidate) is not None)
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
            return self.default_sort
        return query.sort if has_sort(self.query_text) else self.default_sort

    def set_sort(self, sort: str) -> None:
        if sort not in SORTS:
            return
        bar = self.query_one(SearchBar)
        bar.value = with_sort(bar.value, sort, self.default_sort)
        self.notify(f"Sorted by {SORT_NAMES[sort]}", timeout=2)

    def action_cycle_sort(self) -> None:
        order = ["date", "-date", "title", "relevance"]
        current = self.current_sort()
        self.set_sort(order[(order.index(current) + 1) % len(order)] if current in order else "date")

    def action_export(self) -> None:
        index, archive = self._current_post_id(), self.archive
        if index is None or archive is None:
            return
        from .export import ExportScreen

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

    @work(thread=True, exclusive=True, group="facets")
    def _count_facets(self) -> None:
        """Facet counts for the current result, off the UI thread (a few ms at 100k posts)."""
        archive, facets, ids, flags = self.archive, self._facets, self._facet_ids, self._flags
        if archive is None or facets is None or ids is None or not self.query_one(FacetPanel).display:
            return
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
            self.app.call_from_thread(self.query_one(FacetPanel).show_counts, counts, extra)

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
        if self._progress is not None and self.query_one(PostList).has_focus and isinstance(self.app, StopsLoading):
            self.app.stop_loading()
        self.query_one(PostList).focus()

    def _reader_markdown(self, post: Post) -> str:
        """The Markdown the reader shows; the links screen numbers the same text."""
        archive = self.archive
        if archive is None:  # never: posts are shown from an open archive
            return ""
        return archive.reader_markdown(post)

    @work(thread=True, exclusive=True, group="links")
    def action_links(self) -> None:
        """L: the post's links and images by number, read off the event loop (a long post may
        need converting first)."""
        from ..archive.links import links_in
        from .links import LinksScreen

        archive, index = self.archive, self._open_index
        if archive is None or index is None:
            self.app.call_from_thread(self.app.notify, "Open a post first: L lists its links", markup=False)
            return
        post = archive.posts[index]
        links = links_in(self._reader_markdown(post), post.link, post.image)
        self.app.call_from_thread(self.app.push_screen, LinksScreen(post.title, links))

    def _post_link(self) -> str:
        index, archive = self._current_post_id(), self.archive
        if index is None or archive is None:
            return ""
        link = archive.posts[index].link
        if not link:
            self.notify("This post has no link of its own (L lists the links in it)", timeout=3)
        return link

    def action_copy_link(self) -> None:
        from ..open_link import copy_link

        if link := self._post_link():
            copy_link(self.app, link)

    def action_open_link(self) -> None:
        from ..open_link import open_link

        if link := self._post_link():
            open_link(self.app, link)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_skipped(self) -> None:
        from .skipped import SkippedScreen

        archive = self.archive
        if archive is None:
            self.app.push_screen(SkippedScreen([]))
            return
        sites = [site.described for layout in archive.layouts.values() for site in layout.all_sites]
        self.app.push_screen(SkippedScreen(list(archive.skipped), list(archive.ignored), sites))

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
            match_note=self._match_note,
            note=self._load_note,
            loading=self._loading,
        )
