"""What the main screen's key handlers in other files may use of it.

MainScreen is put together from a few parts (the reading keys, the post's links and files),
each in its own file; they share this base, which names what MainScreen provides, so none of
them reaches into another's private state.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.screen import Screen
from textual.widget import Widget

from ..archive import Archive
from ..archive.reading_session import ReadingSession
from ..archive.user_state import FlagMasks
from .main_options import MainOptions


class PostScreen(Screen):
    archive: Archive | None
    reading: ReadingSession | None
    """Read marks, bookmarks, history: opened with the archive."""
    flags: FlagMasks | None
    """is:read, is:unread and is:bookmarked over post ids."""
    options: MainOptions
    query_text: str
    """What the search bar holds."""

    def focus_now(self, widget: Widget) -> None:
        """Focus `widget` now. `Widget.focus()` waits its turn in the message queue, and keys
        the app takes meanwhile (pasted, or sent at once over a slow link) still go to the
        widget that had the focus. (Keys already handed to that widget stay there: `/` is a
        priority key for that reason, keymap.py.)"""
        self.set_focus(widget)

    read_alone = False
    """The sidebar was hidden because a post was chosen on a narrow terminal (view_actions.py)."""

    def show_sidebar(self) -> None:
        """The list and the search bar back in view (after f, or a post read on a narrow terminal)."""
        self.query_one("#sidebar").display = True
        self.read_alone = False

    def current_post_id(self) -> int | None:
        """The post being read, else the one under the cursor."""
        raise NotImplementedError

    def post_id_for_path(self, path: str) -> int | None:
        """The live post loaded from `path`, if there is one."""
        raise NotImplementedError

    def show_post(self, index: int | None, by_user: bool = True) -> None:
        """Show a post in the reader (None: an empty reader)."""
        raise NotImplementedError

    def flags_changed(self) -> None:
        """Read marks or bookmarks changed: everything that shows them follows."""
        raise NotImplementedError


@runtime_checkable
class StopsLoading(Protocol):
    """The app, which loads the archive (Esc stops it); the screen does not import the app."""

    def stop_loading(self) -> None: ...
