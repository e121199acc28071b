"""What the screen shows: n and N move between the search's matches in the reader, and the
sidebar can give the reader the whole width (f, and on a narrow terminal when a post is read)."""

from __future__ import annotations

from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from .post_screen import PostScreen

READER_ALONE_BELOW = 60
"""Columns below which a post chosen from the list is read at the whole width (Esc: back): at
40, beside the list, the reader had 12 columns."""


class ViewActions(PostScreen):
    def action_next_match(self) -> None:
        self.query_one(ReaderBody).action_next_match()

    def action_previous_match(self) -> None:
        self.query_one(ReaderBody).action_previous_match()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        if sidebar.display:
            sidebar.display = False
            self.focus_now(self.query_one(ReaderBody))
        else:
            self.show_sidebar()
            self.focus_now(self.query_one(PostList))

    def read_alone_if_narrow(self) -> None:
        if self.size.width < READER_ALONE_BELOW:
            self.query_one("#sidebar").display = False
            self.read_alone = True

    def fit_reader_to_width(self) -> None:
        """On a resize across READER_ALONE_BELOW: a post being read narrows to the whole
        width, and widens back beside the list (unless f hid it)."""
        if self.size.width >= READER_ALONE_BELOW and self.read_alone:
            self.show_sidebar()
        elif self.size.width < READER_ALONE_BELOW and self.query_one(ReaderBody).has_focus:
            self.read_alone_if_narrow()
