"""The links screen: every link and image of a post, by number, to open or copy.

Over SSH nothing in the reader can be clicked and no image can be shown, so this is how a post's
links are reached: pick one with j/k or type its number, then open it (a local browser) or copy
it (OSC 52, which reaches the clipboard of the machine the user sits at).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..archive.links import Link
from ..archive.sanitize import one_line
from ..open_link import copy_link, open_link
from ..rendering import fit, shorten_url

MAX_TYPED = 6
BOX_ROWS = 7
"""Rows of the box besides the list: its border, the title, the summary and the status line."""
URL_ROWS = 3
"""Rows under the list for the chosen link: a blank one, its label, its address (a long
address wraps onto more, and the list scrolls for them)."""
MAX_BOX_ROWS = 40
KIND_WIDTH = 5
KEYS_HINT = "Enter/o open · c/y copy · 0-9 go to number · Esc/q close"


class LinksScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("j,down", "move(1)", "Next link"),
        Binding("k,up", "move(-1)", "Previous link"),
        Binding("g,home", "first", "First link"),
        Binding("G,end", "last", "Last link"),
        Binding("pagedown", "page(1)", "Page down"),
        Binding("pageup", "page(-1)", "Page up"),
        Binding("enter,o", "open", "Open the link (copies it over SSH)"),
        Binding("c,y", "copy", "Copy the link"),
        *(Binding(str(digit), f"digit({digit})", "Type a link number", show=False) for digit in range(10)),
        Binding("backspace", "erase_digit", "Erase a typed digit", show=False),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, title: str, links: list[Link]) -> None:
        super().__init__()
        self.post_title = one_line(title) or "(untitled)"
        self.links = list(links)
        self.typed = ""
        self._row_width = 0

    def compose(self) -> ComposeResult:
        count = len(self.links)
        images = sum(link.kind == "image" for link in self.links)
        with Vertical(id="links-body"):
            yield Static(Content.assemble(("Links · ", "bold"), (self.post_title, "bold")), id="links-title")
            if count:
                others = count - images
                parts = [
                    f"{others} link{'s' if others != 1 else ''}" if others else "",
                    f"{images} image{'s' if images != 1 else ''}" if images else "",
                ]
                summary = " and ".join(part for part in parts if part)
                yield Static(Content(summary), id="links-summary")
                option_list = OptionList(id="links-list")
                option_list.can_focus = False  # the screen takes every key
                yield option_list
                yield Static(id="links-url")
            else:
                yield Static(Content("This post has no links."), id="links-empty")
            yield Static(Content(KEYS_HINT), id="links-status")

    def on_mount(self) -> None:
        self._fit_height()
        if self.links:
            self.call_after_refresh(self._fill)

    def on_resize(self, event: Resize) -> None:
        self._fit_height()
        if self.links:
            self.call_after_refresh(self._fill)

    def _fit_height(self) -> None:
        """As tall as the rows need, up to the most the terminal gives (a post with one image
        got a box of empty rows)."""
        around = BOX_ROWS + (URL_ROWS if self.links else 0)
        rows = around + max(len(self.links), 3)
        self.query_one("#links-body").styles.max_height = min(
            rows, MAX_BOX_ROWS, max(around + 3, self.size.height * 9 // 10)
        )

    # ------------------------------------------------------------ rows

    def _list(self) -> OptionList:
        return self.query_one("#links-list", OptionList)

    def _columns(self, width: int) -> tuple[int, int, int]:
        """Cells for the number, the label and the URL in rows `width` cells wide."""
        number_width = len(str(len(self.links)))
        rest = max(12, width - number_width - KIND_WIDTH - 7)
        longest = max(cell_len(link.label) for link in self.links)
        label_width = max(6, min(longest, rest * 2 // 5))
        return number_width, label_width, rest - label_width

    def _row(self, link: Link, columns: tuple[int, int, int]) -> Content:
        """`  3  image  label……  host/…/file.jpg`: fitted to the width, so it never wraps."""
        number_width, label_width, url_width = columns
        label = fit(link.label, label_width)
        label += " " * (label_width - cell_len(label))
        kind_style = "bold $text-accent" if link.kind == "image" else "$text-muted"
        return Content.assemble(
            (f" {link.number:>{number_width}}", "bold"),
            "  ",
            (f"{link.kind:<{KIND_WIDTH}}", kind_style),
            "  ",
            label,
            "  ",
            (shorten_url(link.url, url_width), "underline"),
        )

    def _fill(self) -> None:
        """(Re)build the rows for the list's width: columns fit the terminal, 80 or 200 wide."""
        option_list = self._list()
        padding = option_list.get_component_styles("option-list--option").padding.width
        # Leave room for the scrollbar whether or not it shows yet: one fill, not two.
        scrollbar = option_list.styles.scrollbar_size_vertical
        width = option_list.content_region.width - scrollbar - padding
        if width <= 0 or width == self._row_width:
            return
        self._row_width = width
        highlighted = option_list.highlighted if option_list.highlighted is not None else 0
        columns = self._columns(width)
        option_list.set_options(Option(self._row(link, columns)) for link in self.links)
        option_list.highlighted = min(highlighted, len(self.links) - 1)
        self._show_url()

    @property
    def current(self) -> Link | None:
        if not self.links or not self.is_mounted:
            return None
        index = self._list().highlighted
        return self.links[index] if index is not None and 0 <= index < len(self.links) else None

    def _show_url(self) -> None:
        link = self.current
        if link is not None:
            what = "Image" if link.kind == "image" else "Link"
            text = Content.assemble((f"{what} {link.number}: ", "bold"), link.label, "\n", (link.url, "underline"))
            self.query_one("#links-url", Static).update(text)

    def _show_status(self, text: str | None = None) -> None:
        self.query_one("#links-status", Static).update(Content(text or KEYS_HINT))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_url()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.typed = ""
        self.action_open()

    # ------------------------------------------------------------ actions

    def _go(self, index: int) -> None:
        if self.links:
            self._list().highlighted = max(0, min(len(self.links) - 1, index))

    def _clear_typed(self) -> None:
        if self.typed:
            self.typed = ""
            self._show_status()

    def action_move(self, step: int) -> None:
        self._clear_typed()
        current = self._list().highlighted if self.links else None
        self._go((current or 0) + step)

    def action_first(self) -> None:
        self._clear_typed()
        self._go(0)

    def action_last(self) -> None:
        self._clear_typed()
        self._go(len(self.links) - 1)

    def action_page(self, direction: int) -> None:
        self._clear_typed()
        if self.links:
            page = max(1, self._list().scrollable_content_region.height - 1)
            self._go((self._list().highlighted or 0) + direction * page)

    def action_digit(self, digit: int) -> None:
        """A digit that would make a number past the last link starts a new number: `15`,
        then `20` goes to 20, not to a 1520 that is not there."""
        if not self.links:
            return
        typed = self.typed + str(digit)
        if int(typed) > len(self.links):
            typed = str(digit)
        if typed.startswith("0") or len(typed) > MAX_TYPED:
            return
        self.typed = typed
        self._jump_to_typed()

    def action_erase_digit(self) -> None:
        if self.typed:
            self.typed = self.typed[:-1]
            if self.typed:
                self._jump_to_typed()
            else:
                self._show_status()

    def _jump_to_typed(self) -> bool:
        number = int(self.typed)
        if 1 <= number <= len(self.links):
            self._go(number - 1)
            self._show_status(f"Go to {self.typed}▏ Enter opens it, c copies it")
            return True
        self._show_status(f"Go to {self.typed}▏ no link {number}: the numbers go from 1 to {len(self.links)}")
        return False

    def action_open(self) -> None:
        if self.typed and not self._jump_to_typed():
            return
        self._clear_typed()
        link = self.current
        if link is not None:
            open_link(self.app, link.url, "image link" if link.kind == "image" else "link")

    def action_copy(self) -> None:
        if self.typed and not self._jump_to_typed():
            return
        self._clear_typed()
        link = self.current
        if link is not None:
            copy_link(self.app, link.url, "image link" if link.kind == "image" else "link")

    def action_close(self) -> None:
        self.dismiss(None)
