"""The `?` screen: every key, read from the bindings themselves so it can never go stale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keymap import APP_WIDE_BINDINGS, MAIN_BINDINGS, binding_rows, bound_keys
from ..widgets.facet_panel import FacetPanel
from ..widgets.post_list import PostList
from ..widgets.reader_body import ReaderBody
from ..widgets.search_bar import SearchBar
from .links import LinksScreen

SEARCH_INTRO = (
    "Type in the search bar; the list follows as you type. Every word must appear, as a "
    "substring, so Chinese needs no spaces. Case, full-width forms and Traditional/Simplified "
    "Chinese are folded."
)
SEARCH_ROWS = (
    ("信用 建设", "both words"),
    ('"exact phrase"', "the words together"),
    ("-word", "without the word"),
    ("a OR b", "either"),
    ("(a OR b) c  -(a OR b)", "parentheses group ORs"),
    ("title: author: cat: tag: source:", "in one field (cat: is any category level)"),
    ("author:=ZAKER  cat:=a/b", "the whole field value, exactly"),
    ("date:2021  date:2021-12  date:2021-12-05", "posts of that year, month or day"),
    ("date:2021-01..2021-06", "a range of months (or days)"),
    ("before:2021-06-01  after:2021-06-01", "before or after a day"),
    ("is:unread  is:read  is:bookmarked", "from your reading state"),
    ("is:undated  is:repaired", "posts without a date, posts whose frontmatter was repaired"),
    ("sort:date  sort:-date  sort:title  sort:relevance", "newest first (default), oldest first, …"),
)
SEARCH_OUTRO = "In the reader, n and N go to the next and previous match."


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
        Binding("j,down", "scroll('down')", "Scroll", show=False),
        Binding("k,up", "scroll('up')", "Scroll", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "End", show=False),
    ]

    def __init__(self, keymap: Mapping[str, str], settings_problems: Sequence[str] = ()) -> None:
        """`keymap`: the user's key overrides, shown as they are in force; `settings_problems`:
        what was wrong in the settings file."""
        super().__init__()
        self.keymap = dict(keymap)
        self.settings_problems = list(settings_problems)

    def compose(self) -> ComposeResult:
        sections = [
            ("Everywhere", MAIN_BINDINGS + APP_WIDE_BINDINGS),
            ("Post list", PostList.BINDINGS),
            ("Reader", ReaderBody.BINDINGS),
            ("Facets (t)", FacetPanel.BINDINGS),
            ("Links screen (L)", LinksScreen.BINDINGS),
            ("Search bar", SearchBar.BINDINGS + [Binding("enter", "submit", "Search and go to the list")]),
        ]
        keymap, problems = self.keymap, self.settings_problems
        with VerticalScroll(id="help-body"):
            yield Static(Text("postshelf keys", style="bold"), id="help-title")
            if problems:
                yield Static(
                    Text("Problems in the settings file (those settings use their defaults)", style="bold underline"),
                    classes="help-section",
                )
                yield Static(Text("\n".join(f"• {problem}" for problem in problems)), id="help-problems")
            for name, bindings in sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", min_width=12, max_width=24)
                table.add_column(ratio=1)
                table.add_column(style="dim", no_wrap=True)
                for keys, description, binding_id in binding_rows(bound_keys(list(bindings), keymap)):
                    table.add_row(keys, description, binding_id)
                yield Static(Text(name, style="bold underline"), classes="help-section")
                yield Static(table)
            yield Static(Text("Search", style="bold underline"), classes="help-section")
            yield Static(SEARCH_INTRO)
            search = Table.grid(padding=(0, 2))
            search.add_column(style="bold", ratio=1)
            search.add_column(ratio=1)
            for example, meaning in SEARCH_ROWS:
                search.add_row(example, meaning)
            yield Static(search, classes="help-search")
            yield Static(SEARCH_OUTRO)
            yield Static(
                Text(
                    "The grey names are ids for [keys] in the config file. Esc, q or ? closes this screen.", style="dim"
                ),
                id="help-close",
            )

    def on_mount(self) -> None:
        if self.settings_problems:
            # The notice about them said "press ? to see them all": they are listed here now,
            # and the notice sat over the top of this list for its 20 seconds.
            self.app.clear_notifications()

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "home": body.scroll_home, "end": body.scroll_end}[where](
            animate=False
        )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
