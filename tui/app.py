"""The postshelf App: loads the archive off the event loop and shows the main screen."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from .archive import Archive
from .rendering import install_cjk_line_breaking
from .screens.main import MainScreen


def _stylesheet() -> Path:
    """`styles/` ships inside the package when installed, and sits beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles" / "postshelf.tcss", here.parent / "styles" / "postshelf.tcss"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("postshelf.tcss not found: the package is incomplete")


class PostshelfApp(App):
    TITLE = "postshelf"
    CSS_PATH = str(_stylesheet())
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        install_cjk_line_breaking()
        self.paths = paths
        self.archive: Archive | None = None

    def on_mount(self) -> None:
        self.main_screen = MainScreen()
        self.push_screen(self.main_screen)
        self._load()

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        archive = Archive.load(self.paths)
        self.call_from_thread(self._loaded, archive)

    def _loaded(self, archive: Archive) -> None:
        self.archive = archive
        self.main_screen.show_archive(archive)
