"""One reader's session with one archive: read marks, bookmarks, history, where they are, and
when all that is written down.

The screen says what the reader did (stayed on a post, pressed u or m, went back); this object
decides what that means for the state and when a snapshot is due, so those rules can be tested
without a terminal. The state itself and its file are `user_state.UserState`'s: written
atomically, and never an older snapshot over a newer one (a worker thread may write late).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .user_state import FlagMasks, UserState, state_path_for

SAVE_AFTER = 2.0
"""Seconds a change may wait before it is written: a burst of changes makes one write."""

Snapshot = tuple[int, dict]
"""A copy of the state (its generation and its data), to write from another thread."""


class ReadingSession:
    def __init__(
        self,
        state: UserState,
        *,
        mark_read_on_open: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`mark_read_on_open`: a post the reader stays on counts as read (config mark_read =
        "open"); otherwise only the keys mark posts. `clock`: seconds, for the save timing."""
        self.state = state
        self.mark_read_on_open = mark_read_on_open
        self._clock = clock
        self._unsaved_since: float | None = None
        self._marked_by_hand: str | None = None
        """The post whose read mark the user set since it was opened: staying on it does not
        set the mark back (`u` on a post just opened was undone a second later)."""

    @classmethod
    def open(
        cls, roots: Sequence[Path], profile: str = "default", *, mark_read_on_open: bool = True
    ) -> tuple[ReadingSession, str | None]:
        """The session of `profile` on the archive at `roots`, and a notice when its saved
        state could not be used (it starts afresh then)."""
        state, notice = UserState.load(state_path_for(roots, profile))
        state.roots = [str(root) for root in roots]
        return cls(state, mark_read_on_open=mark_read_on_open), notice

    def _note_change(self) -> None:
        if self.state.dirty and self._unsaved_since is None:
            self._unsaved_since = self._clock()

    # ------------------------------------------------------------ marks

    def is_read(self, path: str) -> bool:
        return self.state.is_read(path)

    def is_bookmarked(self, path: str) -> bool:
        return self.state.is_bookmarked(path)

    def flag_masks(self, paths: Sequence[str]) -> FlagMasks:
        """`is:read`, `is:unread` and `is:bookmarked` over the posts whose paths these are."""
        return FlagMasks(self.state, paths)

    def stayed_on(self, path: str) -> bool:
        """The reader stayed on a post (or chose it): it enters the history and, unless the
        user turned that off, counts as read. Returns whether its read mark changed."""
        self.state.visit(path)
        by_hand = path == self._marked_by_hand
        changed = self.mark_read_on_open and not by_hand and self.state.set_read([path]) > 0
        self._note_change()
        return changed

    def toggle_read(self, path: str) -> bool:
        """Returns whether the post is read now."""
        now_read = not self.state.is_read(path)
        self.state.set_read([path], now_read)
        self._marked_by_hand = path
        self._note_change()
        return now_read

    def mark_read(self, paths: Iterable[str]) -> list[str]:
        """Returns the posts that were unread (what marking them unread again undoes)."""
        unread = [path for path in dict.fromkeys(paths) if not self.state.is_read(path)]
        self.state.set_read(unread)
        self._note_change()
        return unread

    def mark_unread(self, paths: Iterable[str]) -> int:
        """Returns how many of the posts were read."""
        changed = self.state.set_read(paths, read=False)
        self._note_change()
        return changed

    def move(self, moved: dict[str, str]) -> None:
        """Files moved or renamed while the archive was open (loader.apply_file_changes)."""
        self.state.move(moved)
        self._note_change()

    def toggle_bookmark(self, path: str) -> bool:
        """Returns whether the post is bookmarked now."""
        marked = self.state.toggle_bookmark(path)
        self._note_change()
        return marked

    # ------------------------------------------------------------ where the reader is

    @property
    def last_query(self) -> str:
        return self.state.last_query

    @property
    def last_post(self) -> str:
        return self.state.last_post

    def remember_query(self, text: str) -> None:
        self.state.remember(query=text)
        self._note_change()

    def remember_post(self, path: str) -> None:
        """The post in the reader: the next session opens on it."""
        if path != self._marked_by_hand:
            self._marked_by_hand = None  # another post: opening that one again marks it read
        self.state.remember(post=path)
        self._note_change()

    def back(self, exists: Callable[[str], bool] = lambda path: True) -> str | None:
        """The previous post in the history that still `exists`, or None at the start."""
        return self._step(-1, exists)

    def forward(self, exists: Callable[[str], bool] = lambda path: True) -> str | None:
        """The next post in the history that still `exists`, or None at the end."""
        return self._step(+1, exists)

    def _step(self, offset: int, exists: Callable[[str], bool]) -> str | None:
        path = self.state.step(offset, exists=exists)
        self._note_change()
        return path

    # ------------------------------------------------------------ saving

    def snapshot_due(self) -> Snapshot | None:
        """A snapshot to write now, when something changed SAVE_AFTER seconds ago or more;
        None otherwise. Changes made while it is written make the next one due."""
        if not self.state.dirty:
            self._unsaved_since = None
            return None
        now = self._clock()
        if self._unsaved_since is None:  # a write that failed, or changes it did not include
            self._unsaved_since = now
        if now - self._unsaved_since < SAVE_AFTER:
            return None
        self._unsaved_since = None
        return self.state.snapshot()

    def write(self, snapshot: Snapshot) -> None:
        """Write a snapshot (from any thread); one older than what is on disk is dropped.
        Raises OSError when it cannot be written."""
        self.state.write(snapshot)

    def save(self) -> None:
        """Write whatever is unsaved, now (the session ends). Raises OSError."""
        self.state.save()
