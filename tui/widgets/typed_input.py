"""A text input that applies keys arriving together (pasted, or in one packet over a slow
link) in the order they were typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from .key_hand_over import own_binding


class TypedInput(Input):
    """Textual runs a key's binding only once the key has passed up to the app, after the
    letters queued behind it are typed: `ab` Backspace `c` gave `ac`... typed as `ab`, `c`, then
    the Backspace: `ab`; Ctrl+U `abc.md` left the export dialog empty. Here the input's own
    bindings run as their key arrives."""

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # typed by Input
        binding = own_binding(self, event.key)
        if binding and await self.app.run_action(binding.action, self):
            event.stop()  # else (Ctrl+C with nothing selected) the key goes on to the app's bindings
            event.prevent_default()
