"""The `?` screen: every key, read from the bindings themselves so it can never go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from ..widgets.search_bar import SearchBar

KEY_NAMES = {
    "question_mark": "?", "exclamation_mark": "!", "slash": "/", "escape": "Esc", "enter": "Enter",
    "tab": "Tab", "shift+tab": "Shift+Tab", "pageup": "PgUp", "pagedown": "PgDn", "space": "Space",
    "home": "Home", "end": "End", "up": "↑", "down": "↓", "ctrl+p": "Ctrl+P", "ctrl+q": "Ctrl+Q",
    "ctrl+c": "Ctrl+C",
}

SEARCH_HELP = """\
Type in the search bar; the list follows as you type. Every word must appear, as a substring,
so Chinese needs no spaces. Case, full-width forms and Traditional/Simplified Chinese are folded.
  信用 建设            both words          "exact phrase"      the words together
  -word                without             a OR b              either
  title: author: cat: tag: source:         one field (cat: is any category level)
  date:2021  date:2021-12  date:2021-12-05  date:2021-01..2021-06
  before:2021-06-01  after:2021-06-01      is:undated  is:repaired
  sort:date  sort:-date  sort:relevance  sort:title
In the reader, n and N go to the next and previous match."""


def key_label(keys: str) -> str:
    return " ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def binding_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    """(keys, description) for each binding, merging the keys of equal actions."""
    rows: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.description:
            rows.setdefault(binding.description, []).append(key_label(binding.key))
    return [(" ".join(keys), description) for description, keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
        Binding("j,down", "scroll('down')", "Scroll", show=False),
        Binding("k,up", "scroll('up')", "Scroll", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "End", show=False),
    ]

    def compose(self) -> ComposeResult:
        from .main import MainScreen  # the keys of the screen underneath

        sections = [
            ("Everywhere", list(MainScreen.BINDINGS) + [
                Binding("ctrl+p", "command_palette", "Command palette"),
                Binding("ctrl+q", "quit", "Quit (also from the search bar)"),
            ]),
            ("Post list", PostList.BINDINGS),
            ("Reader", ReaderBody.BINDINGS),
            ("Search bar", SearchBar.BINDINGS + [Binding("enter", "submit", "Search and go to the list")]),
        ]
        with VerticalScroll(id="help-body"):
            yield Static(Text("postshelf keys", style="bold"), id="help-title")
            for name, bindings in sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", min_width=12)
                table.add_column()
                for keys, description in binding_rows(list(bindings)):
                    table.add_row(keys, description)
                yield Static(Text(name, style="bold underline"), classes="help-section")
                yield Static(table)
            yield Static(Text("Search", style="bold underline"), classes="help-section")
            yield Static(SEARCH_HELP)
            yield Static(Text("Esc, q or ? closes this screen.", style="dim"), id="help-close")

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "home": body.scroll_home,
         "end": body.scroll_end}[where](animate=False)

    def action_dismiss(self) -> None:
        self.dismiss(None)
