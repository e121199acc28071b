"""One line under the panes: how many posts are loaded, shown and skipped."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    def show_counts(self, *, loaded: int, shown: int, skipped: int, query: str, position: int | None,
                    loading: bool = False, counting: bool = False, match: tuple[int, int] | None = None) -> None:
        text = Text()
        if loading:
            text.append(f"Loading… {loaded:,} posts", style="bold")
        elif query.strip():
            text.append(f"{shown:,}{'+' if counting else ''} of {loaded:,} posts", style="bold")
            text.append(f" match {query.strip()!r}")
            if counting:
                text.append(" (counting…)")
        else:
            text.append(f"{loaded:,} posts", style="bold")
        text.append(" · ")
        text.append(f"{skipped:,} skipped", style="bold" if skipped else "")
        if skipped:
            text.append(" (! to see why)")
        if position is not None and shown:
            text.append(f" · {position + 1:,}/{shown:,}{'+' if counting else ''}")
        if match is not None:
            current, total = match
            text.append(" · ")
            if not total:
                text.append("no match in this post")
            elif current:
                text.append(f"match {current} of {total}", style="bold")
            else:
                text.append(f"{total} match{'es' if total != 1 else ''} in this post (n: next)")
        self.update(text)
