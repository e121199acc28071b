"""The search input. Esc or Enter hands the keyboard back to the list."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

_LEAVING_KEYS = ("enter", "escape", "down")


class SearchBar(Input):
    BINDINGS = [
        Binding("escape", "leave", "Leave search"),
        Binding("down", "leave", "To the list", show=False),
    ]

    class Left(Message):
        """The user is done typing; the list should take the focus."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ search: every word must appear", id=id)
        self._leaving = False
        self._keys_for_the_list: list[events.Key] = []

    async def _on_key(self, event: events.Key) -> None:
        """Enter runs as a binding only once its key has passed up to the app, and keys sent
        with it (pasted, or at once over a slow link) reach this widget before that: from
        Enter (Esc, Down) on they are not typed into the query but passed on once the list
        has the focus."""
        if self._leaving:
            event.stop()
            event.prevent_default()
            key = events.Key(event.key, event.character)
            if self.has_focus:
                self._keys_for_the_list.append(key)
            else:
                self.app.post_message(key)
        elif event.key in _LEAVING_KEYS:
            self._leaving = True

    def _on_focus(self, event: events.Focus) -> None:
        self._leaving = False
        self._keys_for_the_list = []

    def _on_blur(self, event: events.Blur) -> None:
        keys, self._keys_for_the_list = self._keys_for_the_list, []
        for key in keys:
            self.app.post_message(key)

    def action_leave(self) -> None:
        self.post_message(self.Left())

    async def action_submit(self) -> None:
        await super().action_submit()
        self.post_message(self.Left())
