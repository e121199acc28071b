"""The keys that change what the reader has read and where they are: u, A, U, ., m, [ and ]."""

from __future__ import annotations

import time

import numpy as np

from ..widgets.post_list import PostList
from .post_screen import PostScreen

CONFIRM_MARKING_FROM = 50
"""Marking more listed posts read than this asks for A a second time."""


class ReadingActions(PostScreen):
    _mark_all_asked = 0.0
    """When A last asked for confirmation (time.monotonic)."""
    _marked_all: list[str] = []
    """The posts A last marked read (their paths): what U marks unread again."""

    def action_toggle_read(self) -> None:
        index, reading = self.current_post_id(), self.reading
        if index is None or reading is None or self.archive is None:
            return
        now_read = reading.toggle_read(self.archive.posts.columns["path"][index])
        self.flags_changed()
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
        self._marked_all = reading.mark_read([paths[doc] for doc in post_list.order_ids()])
        self.flags_changed()
        changed = len(self._marked_all)
        undo = " · U: unread again" if changed else ""
        self.notify(f"Marked {changed:,} post{'s' if changed != 1 else ''} read{undo}", timeout=5)

    def action_undo_mark_all(self) -> None:
        reading, marked = self.reading, self._marked_all
        if reading is None or not marked:
            self.notify("Nothing to undo: U gives back what A last marked read", timeout=3)
            return
        self._marked_all = []
        changed = reading.mark_unread(marked)
        self.flags_changed()
        self.notify(f"Marked {changed:,} post{'s' if changed != 1 else ''} unread again", timeout=3)

    def action_next_unread(self) -> None:
        archive, flags = self.archive, self.flags
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
        self.show_sidebar()  # (hidden by f, or a post read on a narrow terminal)
        self.focus_now(post_list)

    def action_toggle_bookmark(self) -> None:
        index, reading = self.current_post_id(), self.reading
        if index is None or reading is None or self.archive is None:
            return
        marked = reading.toggle_bookmark(self.archive.posts.columns["path"][index])
        self.flags_changed()
        self.notify("Bookmarked (is:bookmarked lists them)" if marked else "Bookmark removed", timeout=3)

    def _step_history(self, offset: int) -> None:
        reading = self.reading
        if reading is None or self.archive is None:
            return
        step = reading.back if offset < 0 else reading.forward
        path = step(lambda candidate: self.post_id_for_path(candidate) is not None)
        if path is None:
            self.notify("No earlier post in the history" if offset < 0 else "No later post in the history", timeout=2)
            return
        index = self.post_id_for_path(path)
        self.show_post(index)  # first: the cursor move below then finds it open already
        self.query_one(PostList).move_to_id(index)  # when it is in the list; else read it anyway

    def action_back(self) -> None:
        self._step_history(-1)

    def action_forward(self) -> None:
        self._step_history(+1)
