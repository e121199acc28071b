"""The search input. Esc or Enter hands the keyboard back to the list."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    BINDINGS = [
        Binding("escape", "leave", "Leave search"),
        Binding("down", "leave", "To the list", show=False),
    ]

    class Left(Message):
        """The user is done typing; the list should take the focus."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ search: every word must appear", id=id)

    def action_leave(self) -> None:
        self.post_message(self.Left())

    async def action_submit(self) -> None:
        await super().action_submit()
        self.post_message(self.Left())
