"""What the screen shows: n and N move between the search's matches in the reader, and the
sidebar can give the reader the whole width."""

from __future__ import annotations

from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from .post_screen import PostScreen


class ViewActions(PostScreen):
    def action_next_match(self) -> None:
        self.query_one(ReaderBody).action_next_match()

    def action_previous_match(self) -> None:
        self.query_one(ReaderBody).action_previous_match()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.focus_now(self.query_one(ReaderBody))
        else:
            self.focus_now(self.query_one(PostList))
