"""The `!` screen: files that could not be read as posts, each with its reason."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..archive import Skipped


class SkippedScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close")]

    def __init__(self, skipped: Sequence[Skipped]) -> None:
        super().__init__()
        self.skipped = skipped

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="skipped-body"):
            count = len(self.skipped)
            heading = f"{count:,} file{'s' if count != 1 else ''} skipped" if count else "No files were skipped"
            yield Static(Text(heading, style="bold"), id="skipped-title")
            text = Text()
            for entry in self.skipped[:5000]:
                text.append(entry.relative_path + "\n", style="bold")
                text.append("    " + entry.reason + "\n")
            if count > 5000:
                text.append(f"… and {count - 5000:,} more (run `postshelf index` for the full list)\n")
            if count:
                yield Static(text, id="skipped-list")
            yield Static(Text("Esc closes this screen.", style="dim"))

    def action_dismiss(self) -> None:
        self.dismiss(None)
