"""The search input. Esc or Enter hands the keyboard back to the list."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message

from .key_hand_over import KeyHandOver
from .typed_input import TypedInput


class SearchBar(TypedInput):
    """Keys are applied in the order typed (TypedInput). From Enter, Esc or Down on, keys are
    not typed into the query but passed on once the list has the focus."""

    BINDINGS = [
        Binding("escape", "leave", "Leave search"),
        Binding("down", "leave", "To the list", show=False),
    ]

    class Left(Message):
        """The user is done typing; the list should take the focus."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ search: every word must appear", id=id)
        self._hand_over = KeyHandOver(self)

    async def _on_key(self, event: events.Key) -> None:
        self._hand_over.take(event)  # held: stopped here; else on to TypedInput and Input

    @property
    def leaving(self) -> bool:
        """Enter, Esc or Down was pressed and the list has not taken the keyboard yet."""
        return self._hand_over.active

    def forget_keys(self) -> None:
        """Keys held for the list are not for whatever else takes the keyboard (a dialog)."""
        self._hand_over.forget()

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        self._hand_over.stop()  # clicked back into the query before the list took the keyboard

    def _on_focus(self, event: events.Focus) -> None:
        self._hand_over.stop()

    def _on_blur(self, event: events.Blur) -> None:
        self._hand_over.send_on()

    def action_leave(self) -> None:
        self._leave()

    async def action_submit(self) -> None:
        await super().action_submit()
        self._leave()

    def _leave(self) -> None:
        self._hand_over.start()
        self.post_message(self.Left())
