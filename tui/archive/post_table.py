"""Posts stored column by column.

A list of 100k Post objects costs ~150 MB and a second to unpickle; columns of plain strings
and numbers pickle and load in a fraction of that, grow while an archive streams in, and make
a Post only when one is asked for (the list paints ~20 rows at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .post import Post

_COLUMNS = (
    "path",
    "relative_path",
    "title",
    "timestamp",
    "utc_offset",
    "date_raw",
    "authors",
    "categories",
    "tags",
    "image",
    "link",
    "body_format",
    "repaired",
    "notes",
)
_ZONES: dict[int, timezone] = {}


def _zone(offset_seconds: int) -> timezone:
    zone = _ZONES.get(offset_seconds)
    if zone is None:
        zone = _ZONES[offset_seconds] = timezone(timedelta(seconds=offset_seconds))
    return zone


class PostTable(Sequence[Post]):
    """Append-only columns of post fields; `table[i]` builds the Post."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {name: [] for name in _COLUMNS}
        self._interned: dict = {}

    def __len__(self) -> int:
        return len(self.columns["path"])

    def _intern(self, value):
        """Authors, categories and sources repeat across thousands of posts: keep one copy."""
        return self._interned.setdefault(value, value)

    def append(self, post: Post) -> None:
        columns = self.columns
        columns["relative_path"].append(post.relative_path)
        columns["title"].append(post.title)
        if post.date is None:
            columns["timestamp"].append(None)
            columns["utc_offset"].append(0)
        else:
            columns["timestamp"].append(post.date.timestamp())
            offset = post.date.utcoffset()
            assert offset is not None, "post dates always have a zone (fields.parse_date gives one)"
            columns["utc_offset"].append(int(offset.total_seconds()))
        columns["date_raw"].append(post.date_raw)
        columns["authors"].append(self._intern(post.authors))
        columns["categories"].append(self._intern(post.categories))
        columns["tags"].append(self._intern(post.tags))
        columns["image"].append(post.image)
        columns["link"].append(post.link)
        columns["body_format"].append(self._intern(post.body_format))
        columns["repaired"].append(post.repaired)
        columns["notes"].append(self._intern(post.notes))
        columns["path"].append(str(post.path))  # last: len() counts complete rows only

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        c = self.columns
        index = int(index)
        timestamp = c["timestamp"][index]
        date = None
        if timestamp is not None:
            date = datetime.fromtimestamp(timestamp, _zone(c["utc_offset"][index]))
        return Post(
            path=Path(c["path"][index]),
            relative_path=c["relative_path"][index],
            title=c["title"][index],
            date=date,
            date_raw=c["date_raw"][index],
            categories=c["categories"][index],
            tags=c["tags"][index],
            image=c["image"][index],
            link=c["link"][index],
            body_format=c["body_format"][index],
            repaired=c["repaired"][index],
            notes=c["notes"][index],
            authors=c["authors"][index],
        )

    def __iter__(self) -> Iterator[Post]:
        for index in range(len(self)):
            yield self[index]

    def state(self) -> dict[str, list]:
        return self.columns

    @classmethod
    def from_state(cls, columns: dict[str, list]) -> PostTable:
        table = cls()
        if set(columns) != set(_COLUMNS) or len({len(column) for column in columns.values()}) != 1:
            raise ValueError("post table columns are incomplete")
        table.columns = columns
        return table
