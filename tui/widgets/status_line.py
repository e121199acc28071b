"""One line under the panes: posts loaded, shown and skipped; loading progress; match position."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class StatusLine(Static):
    def show_counts(
        self,
        *,
        loaded: int,
        shown: int,
        skipped: int,
        query: str,
        position: int | None,
        progress: tuple[int, int, float, float | None] | None = None,
        opening: bool = False,
        counting: bool = False,
        match: tuple[int, int] | None = None,
        note: str = "",
        query_error: bool = False,
        match_note: str = "",
        loading: bool = False,
    ) -> None:
        text = Text()
        if opening or (loading and not loaded and progress is None):
            text.append("Opening…" if opening else "Loading…", style="bold")
            self.update(text)
            return
        if loading and not loaded:
            query = ""  # nothing to match yet: never "0 of 0 posts match"
        if progress is not None:
            done, total, rate, remaining = progress
            text.append(f"Loading {done:,}/{total:,}", style="bold")
            text.append(f" · {rate:,.0f}/s")
            if remaining is not None and done < total:
                text.append(f" · {_duration(remaining)} left")
            text.append(" (Esc stops) · ")
        if query.strip():
            text.append(
                f"{shown:,}{'+' if counting else ''} of {loaded:,} post{'' if loaded == 1 else 's'}", style="bold"
            )
            text.append(f" match {query.strip()!r}")
            if counting:
                text.append(" (counting…)")
            if query_error:
                text.append(" (the query being typed has an error)", style="italic")
        elif progress is None:
            text.append(f"{loaded:,} post{'' if loaded == 1 else 's'}", style="bold")
        if query.strip() or progress is None:
            text.append(" · ")
        text.append(f"{skipped:,} skipped", style="bold" if skipped else "")
        if skipped:
            text.append(" (! to see why)")
        if note:
            text.append(f" · {note}")
        if position is not None and shown:
            text.append(f" · {position + 1:,}/{shown:,}{'+' if counting else ''}")
        if match is not None:
            current, total = match
            text.append(" · ")
            if not total:
                text.append(match_note or "no match in this post")
            elif current:
                text.append(f"match {current} of {total}", style="bold")
            else:
                text.append(f"{total} match{'es' if total != 1 else ''} in this post (n: next)")
        self.update(text)
