"""Keys typed right after a key that hands the keyboard on (Enter in the search bar or the
list): Textual delivers them to the widget that still has the focus, so that widget holds
them and sends them on once the next one has it. Used by SearchBar and PostList."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widget import Widget


def own_binding(widget: Widget, key: str) -> Binding | None:
    """The widget's own binding for `key`, with the user's `[keys]` applied (Textual applies
    them to a copy when it looks keys up, never to the widget's bindings themselves)."""
    bindings = widget._bindings
    keymap = widget.app._keymap
    if keymap:
        bindings = bindings.copy()
        bindings.apply_keymap(keymap)
    found = bindings.key_to_bindings.get(key)
    return found[0] if found else None


class KeyHandOver:
    """Between `start()` and the widget's next focus, its keys are held, not acted on."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self.active = False
        self._held: list[events.Key] = []

    def start(self) -> None:
        self.active = True

    def take(self, event: events.Key) -> bool:
        """Hold the key (or send it on, once the focus has moved); False when not handing over."""
        if not self.active:
            return False
        event.stop()
        event.prevent_default()
        key = events.Key(event.key, event.character)
        if self._widget.has_focus:
            self._held.append(key)
        else:
            self._widget.app.post_message(key)
        return True

    def send_on(self) -> None:
        """The keys held go where the focus now is (on blur, or when it stayed here)."""
        keys, self._held = self._held, []
        for key in keys:
            self._widget.app.post_message(key)

    def forget(self) -> None:
        """The keys held were not for what takes the keyboard now (a dialog)."""
        self._held = []

    def stop(self) -> None:
        """The widget is itself again (it has the focus back), holding nothing."""
        self.active = False
        self._held = []
