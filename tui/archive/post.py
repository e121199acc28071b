"""The Post record: everything the list, the search and the reader header need.

Bodies are not kept here: at 100k posts they would cost gigabytes. The reader re-reads the
file when a post is opened (see `Archive.read_body`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Post:
    location: str
    """Absolute path of the file, as text: a Path for each post cost a cold read 5 us a post,
    only to be turned back into text (`path` makes one when asked)."""
    relative_path: str
    """Path under the archive root it was found in, for display."""
    title: str
    date: datetime | None
    """Timezone-aware (UTC when the post gave no zone); None when absent or unreadable."""
    date_raw: str
    """The date exactly as the post wrote it ('' when it had none)."""
    author: str = ""
    """Its authors as one line ('A, B'); set from `authors` when that is given."""
    categories: tuple[tuple[str, ...], ...] = ()
    """Each entry is one category path, outermost first: (('新媒体', 'ZAKER', 'channel'),)."""
    tags: tuple[str, ...] = ()
    image: str = ""
    link: str = ""
    body_format: str = "markdown"
    """'html' when the body is raw HTML (converted for reading), else 'markdown'."""
    repaired: bool = False
    """The frontmatter was broken and recovered by hand; some fields may be missing."""
    notes: tuple[str, ...] = field(default=())
    """What was odd about the file (encoding used, repairs made), shown in the reader."""
    authors: tuple[str, ...] = ()
    """Each author on its own (a facet entry each, `author:=` matches each); `author` joins them."""

    def __post_init__(self) -> None:
        if self.authors and not self.author:
            object.__setattr__(self, "author", ", ".join(self.authors))
        elif self.author and not self.authors:
            object.__setattr__(self, "authors", (self.author,))

    @property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def source(self) -> str:
        """The feed or site the post came from: the author, else the innermost category."""
        if self.author:
            return self.author
        if self.categories:
            return self.categories[0][-1]
        return ""

    @property
    def category_labels(self) -> tuple[str, ...]:
        return tuple(" / ".join(path) for path in self.categories)

    @property
    def date_label(self) -> str:
        """Short date for the list: '2021-12-05', or the raw text when it could not be read."""
        if self.date is not None:
            return self.date.strftime("%Y-%m-%d")
        return "undated"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that is not a post, and why (shown in the skipped list and by `postshelf index`)."""

    path: Path
    relative_path: str
    reason: str
