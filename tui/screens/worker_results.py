"""What the main screen's thread workers found, posted back as messages.

A worker computes off the event loop and touches no widget; the screen applies each result
on the UI thread, and drops one that a newer request has made stale.
"""

from __future__ import annotations

from textual.message import Message

from ..archive.facets import FacetCounts
from ..archive.index import SearchResult
from ..archive.links import Link


class SearchResults(Message):
    """Hits for `text`: the first page, then (complete) all of them."""

    def __init__(self, text: str, result: SearchResult) -> None:
        super().__init__()
        self.text = text
        self.result = result


class SearchFailed(Message):
    """`text` does not parse: `error` says why."""

    def __init__(self, text: str, error: str) -> None:
        super().__init__()
        self.text = text
        self.error = error


class FacetsCounted(Message):
    """Facet counts of request number `generation` (only the newest request's are shown)."""

    def __init__(self, generation: int, counts: FacetCounts, extra: dict[str, int]) -> None:
        super().__init__()
        self.generation = generation
        self.counts = counts
        self.extra = extra


class LinksFound(Message):
    """The links and images of the post titled `title`, for the links screen."""

    def __init__(self, title: str, links: list[Link]) -> None:
        super().__init__()
        self.title = title
        self.links = links


class SaveFailed(Message):
    """The reading state could not be written."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error
