"""The `!` screen: the files that were skipped, each with its reason, and the files ignored,
by the rule that ignored them (`layouts/`: Hugo templates)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..archive import Ignored, Skipped

SHOWN = 5000


def _files(count: int) -> str:
    return f"{count:,} file{'s' if count != 1 else ''}"


class SkippedScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close")]

    def __init__(self, skipped: Sequence[Skipped], ignored: Sequence[Ignored] = (), sites: Sequence[str] = ()) -> None:
        super().__init__()
        self.skipped = skipped
        self.ignored = ignored
        self.sites = sites
        """How the folders were read: 'Hugo site at docsy.dev/ (pages in content/)'."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="skipped-body"):
            if self.sites:
                yield Static(Text("Read as: " + "; ".join(self.sites), style="italic"), id="skipped-sites")
            count = len(self.skipped)
            heading = f"{_files(count)} skipped" if count else "No files were skipped"
            yield Static(Text(heading, style="bold"), id="skipped-title")
            text = Text()
            for entry in self.skipped[:SHOWN]:
                text.append(entry.relative_path + "\n", style="bold")
                text.append("    " + entry.reason + "\n")
            if count > SHOWN:
                text.append(f"… and {count - SHOWN:,} more (run `postshelf index` for the full list)\n")
            if count:
                yield Static(text, id="skipped-list")
            yield from self._ignored()
            yield Static(Text("Esc closes this screen.", style="dim"))

    def _ignored(self) -> ComposeResult:
        rules = self.ignored
        if not rules:
            return
        files = sum(rule.files for rule in rules)
        heading = f"{_files(files)} ignored: not posts here, by {len(rules):,} rule{'s' if len(rules) != 1 else ''}"
        yield Static(Text(heading, style="bold"), id="ignored-title")
        text = Text()
        for rule in rules[:SHOWN]:
            text.append(rule.relative_path, style="bold")
            text.append(f"  {_files(rule.files)}\n", style="dim")
            text.append("    " + rule.reason + "\n")
        yield Static(text, id="ignored-list")
