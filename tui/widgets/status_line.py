"""One line under the panes: posts loaded, shown and skipped; loading progress; match position.

The screen sets what it knows (each attribute where that fact changes) and the line is drawn
from all of them together, so no caller has to know what the others last said.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class StatusLine(Static):
    opening: reactive[bool] = reactive(True)
    """No archive yet."""
    archive_loading: reactive[bool] = reactive(True)
    """The archive is still being read."""
    progress: reactive[tuple[int, int, float] | None] = reactive(None)
    """(files done, files in all, when loading started by time.perf_counter) while loading."""
    note: reactive[str] = reactive("")
    """A remark on the archive, e.g. where loading was stopped."""
    loaded: reactive[int] = reactive(0)
    skipped: reactive[int] = reactive(0)
    results_query: reactive[str] = reactive("")
    """The query whose results are listed ("" when the list is not a search)."""
    query_error: reactive[bool] = reactive(False)
    """The query being typed does not parse (the last good results stay)."""
    counting: reactive[bool] = reactive(False)
    """Only the first hits are known: the count is still growing."""
    shown: reactive[int] = reactive(0)
    position: reactive[int | None] = reactive(None)
    """The cursor's row in the list."""
    match: reactive[tuple[int, int] | None] = reactive(None)
    """(current, total) matches in the open post, while searching."""
    match_note: reactive[str] = reactive("")
    """Why an open post that matched shows no match in its text."""

    def render(self) -> Text:
        """The whole line when it fits; else without its hints and a `0 skipped`, then
        without the query (the search bar shows it), before the end is cut with `…`."""
        room = self.content_region.width or self.size.width
        for brevity in range(3):
            text = self._line(brevity)
            if text.cell_len <= room:
                break
        return text

    def _line(self, brevity: int) -> Text:
        text = Text()
        loaded, query = self.loaded, self.results_query
        if self.opening or (self.archive_loading and not loaded and self.progress is None):
            text.append("Opening…" if self.opening else "Loading…", style="bold")
            return text
        if self.archive_loading and not loaded:
            query = ""  # nothing to match yet: never "0 of 0 posts match"
        if self.progress is not None:
            self._append_progress(text, *self.progress)
        shown, counting, more = self.shown, self.counting, "+" if self.counting else ""
        parts: list[Text] = []
        if query.strip():
            head = Text()
            head.append(f"{shown:,}{more} of {loaded:,} post{'' if loaded == 1 else 's'}", style="bold")
            head.append(" match" if brevity >= 2 else f" match {query.strip()!r}")
            if counting:
                head.append(" (counting…)")
            if self.query_error:
                head.append(" (the query being typed has an error)" if brevity < 1 else " (error)", style="italic")
            parts.append(head)
        elif self.progress is None:
            parts.append(Text.assemble((f"{loaded:,} post{'' if loaded == 1 else 's'}", "bold")))
        if self.skipped or brevity < 1:
            skipped = Text()
            skipped.append(f"{self.skipped:,} skipped", style="bold" if self.skipped else "")
            if self.skipped and brevity < 1:
                skipped.append(" (! to see why)")
            parts.append(skipped)
        if self.note:
            parts.append(Text(self.note))
        if self.position is not None and shown:
            parts.append(Text(f"{self.position + 1:,}/{shown:,}{more}"))
        if self.match is not None:
            parts.append(self._match_text(*self.match, hint=brevity < 1))
        if parts:
            text.append_text(Text(" · ").join(parts))
        elif text.plain.endswith(" · "):
            text.right_crop(3)
        return text

    @staticmethod
    def _append_progress(text: Text, done: int, total: int, started: float) -> None:
        rate = done / max(1e-6, time.perf_counter() - started)
        if total:
            text.append(f"Loading {done:,}/{total:,}", style="bold")
        else:  # the files are still being counted
            text.append(f"Loading {done:,}", style="bold")
        text.append(f" · {rate:,.0f}/s")
        if rate > 0 and done < total:
            text.append(f" · {_duration((total - done) / rate)} left")
        elif not total:
            text.append(" · counting files")
        text.append(" (Esc stops) · ")

    def _match_text(self, current: int, total: int, hint: bool) -> Text:
        if not total:
            return Text(self.match_note or "no match in this post")
        if current:
            return Text.assemble((f"match {current} of {total}", "bold"))
        return Text(f"{total} match{'es' if total != 1 else ''} in this post" + (" (n: next)" if hint else ""))
