"""The export dialog: save the open post as a clean Markdown file, outside the archive."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..archive import Post
from ..archive.export import (
    ExportError,
    TargetExists,
    default_export_name,
    inside_archive,
    post_as_markdown,
    write_export,
)
from ..widgets.typed_input import TypedInput

HINT = "Enter saves · Esc cancels · typing replaces the path, ← → edit it"


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the path written, or None when cancelled. Errors keep it open."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, post: Post, markdown: str, archive_roots: Sequence[Path]) -> None:
        super().__init__()
        self.post = post
        self.markdown = markdown
        self.archive_roots = list(archive_roots)
        self.default_name = default_export_name(post)
        self._confirmed: Path | None = None
        """The existing file the user was warned about: Enter again overwrites exactly it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog") as dialog:
            dialog.border_title = "Export as Markdown"
            yield Static(Text(self.post.title, no_wrap=True, overflow="ellipsis"), id="export-post")
            yield TypedInput(value=str(self.default_folder() / self.default_name), id="export-path")
            yield Static("", id="export-target")
            yield Static("", id="export-message")
            yield Static(Text(HINT, style="dim"), id="export-hint")

    def default_folder(self) -> Path:
        """The current folder, unless it is inside the archive (`postshelf .` in one's blog),
        where nothing is written: then the home folder's Downloads, or the home folder."""
        for folder in (Path.cwd(), Path.home() / "Downloads", Path.home()):
            if folder.is_dir() and not inside_archive(folder / self.default_name, self.archive_roots):
                return folder
        return Path.cwd()

    def on_mount(self) -> None:
        self._show_target(self.query_one("#export-path", Input).value)

    def target_for(self, value: str) -> Path | None:
        """What the typed text means: `~` expanded, relative to the current folder; a folder
        gets the default file name, a name without a suffix gets `.md`. None when empty."""
        text = value.strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        if text.endswith(("/", "\\")) or path.is_dir():
            path = path / self.default_name
        elif not path.suffix:
            path = path.with_name(path.name + ".md")
        return path

    def _show_target(self, value: str) -> None:
        target = self.target_for(value)
        line = Text("Writes ", style="dim")
        line.append(str(target) if target else "nothing yet: type a file name")
        if target is not None and inside_archive(target, self.archive_roots):
            line.append("  (inside the archive: refused)", style="bold")
        elif target is not None and target.exists():
            line.append("  (exists: Enter asks before overwriting)", style="bold")
        self.query_one("#export-target", Static).update(line)

    def _say(self, message: str, kind: str) -> None:
        label = self.query_one("#export-message", Static)
        label.update(Text(message))
        label.set_class(kind == "error", "-error")
        label.set_class(kind == "confirm", "-confirm")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._confirmed = None
        self._say("", "")
        self._show_target(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        target = self.target_for(event.value)
        if target is None:
            self._say("Type a file name or path first.", "error")
            return
        text = post_as_markdown(self.post, self.markdown)
        try:
            written = write_export(text, target, archive_roots=self.archive_roots, overwrite=self._confirmed == target)
        except TargetExists:
            self._confirmed = target
            self._say(f"{target.name} exists — press Enter again to overwrite it, or change the name.", "confirm")
            return
        except ExportError as error:
            self._confirmed = None
            self._say(str(error), "error")
            self.query_one("#export-path", Input).select_all()  # typing replaces the path again
            return
        self.app.notify(f"Saved {written}", title="Export", markup=False)
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)
