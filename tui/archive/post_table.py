"""Posts stored column by column.

A list of 100k Post objects costs ~150 MB and a second to unpickle; columns of plain strings
and numbers pickle and load in a fraction of that, grow while an archive streams in, and make
a Post only when one is asked for (the list paints ~20 rows at a time).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from typing import Any

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
_INTERNED = frozenset({"authors", "categories", "tags", "body_format", "notes"})
PACKED = frozenset({"path", "relative_path", "title", "date_raw", "image", "link"})
"""Text columns kept packed (PackedStrings) once read from a cache."""
_ZONES: dict[int, timezone] = {}


def post_row(post: Post) -> tuple:
    """A post as the values of its columns, in `_COLUMNS` order."""
    if post.date is None:
        timestamp, utc_offset = None, 0
    else:
        offset = post.date.utcoffset()
        assert offset is not None, "post dates always have a zone (dates.parse_date gives one)"
        timestamp, utc_offset = post.date.timestamp(), int(offset.total_seconds())
    return (
        post.location,
        post.relative_path,
        post.title,
        timestamp,
        utc_offset,
        post.date_raw,
        post.authors,
        post.categories,
        post.tags,
        post.image,
        post.link,
        post.body_format,
        post.repaired,
        post.notes,
    )


def _zone(offset_seconds: int) -> timezone:
    zone = _ZONES.get(offset_seconds)
    if zone is None:
        zone = _ZONES[offset_seconds] = timezone(timedelta(seconds=offset_seconds))
    return zone


class PackedStrings(Sequence[str]):
    """A column of strings as one UTF-8 bytes object and where each value ends: a million
    strings unpickle as one (a tenth of the time; a list of them took 1.2 s at a million posts)
    and cost no object each until asked for. Bytes, not text: unpickling a text decodes all of
    it (25 ms of the 100k paths and titles at every `postshelf search`), a value is decoded when
    asked for. Values appended later (live changes) are kept as a plain list."""

    __slots__ = ("_data", "_ends", "_tail")

    def __init__(self, data: bytes = b"", ends: array | None = None) -> None:
        self._data = data
        self._ends = ends if ends is not None else array("q", [0])
        self._tail: list[str] = []

    @classmethod
    def of(cls, values: Iterable[str]) -> PackedStrings:
        encoded = [value.encode("utf-8", "surrogatepass") for value in values]  # paths keep their surrogates
        return cls(b"".join(encoded), array("q", accumulate(map(len, encoded), initial=0)))

    def packed(self) -> tuple[bytes, bytes]:
        """(UTF-8 data, offsets as bytes): what the cache stores."""
        if self._tail:
            whole = PackedStrings.of(self)
            return whole._data, whole._ends.tobytes()
        return self._data, self._ends.tobytes()

    @classmethod
    def unpacked(cls, data: bytes, ends: bytes) -> PackedStrings:
        offsets = array("q")
        offsets.frombytes(ends)
        if not isinstance(data, bytes) or not offsets or offsets[0] != 0 or offsets[-1] != len(data):
            raise ValueError("a packed column does not add up")
        return cls(data, offsets)

    def __len__(self) -> int:
        return len(self._ends) - 1 + len(self._tail)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        packed = len(self._ends) - 1
        if index < 0:
            index += len(self)
        if 0 <= index < packed:
            ends = self._ends
            return self._data[ends[index] : ends[index + 1]].decode("utf-8", "surrogatepass")
        if index < 0:
            raise IndexError(index)
        return self._tail[index - packed]

    def append(self, value: str) -> None:
        self._tail.append(value)

    def extend(self, values: Iterable[str]) -> None:
        self._tail.extend(values)


class PostTable(Sequence[Post]):
    """Append-only columns of post fields; `table[i]` builds the Post."""

    def __init__(self) -> None:
        self.columns: dict[str, Any] = {name: [] for name in _COLUMNS}
        """name -> list, or PackedStrings for a text column read from a cache."""
        self._interned: dict = {}

    def __len__(self) -> int:
        return len(self.columns["path"])

    def _intern(self, value):
        """Authors, categories and sources repeat across thousands of posts: keep one copy."""
        return self._interned.setdefault(value, value)

    def append(self, post: Post) -> None:
        self.append_rows([post_row(post)])

    def append_rows(self, rows: list[tuple]) -> None:
        """Rows from `post_row`: how loader processes send posts (plain values pickle several
        times faster than a Post, its Path and its datetime). Column by column: a row at a time
        was a tenth of a cold read's work in this process."""
        if not rows:
            return
        columns = self.columns
        values_of = list(zip(*rows, strict=True))
        if len(values_of) != len(_COLUMNS):
            raise ValueError(f"a post row has {len(values_of)} values, not {len(_COLUMNS)}")
        keep_one = self._interned.setdefault
        for name, values in zip(_COLUMNS[1:], values_of[1:], strict=True):
            columns[name].extend([keep_one(value, value) for value in values] if name in _INTERNED else values)
        columns["path"].extend(values_of[0])  # last: len() counts complete rows only

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
            location=c["path"][index],
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

    def state(self) -> dict[str, Any]:
        return self.columns

    @classmethod
    def from_state(cls, columns: dict[str, Any]) -> PostTable:
        table = cls()
        if set(columns) != set(_COLUMNS) or len({len(column) for column in columns.values()}) != 1:
            raise ValueError("post table columns are incomplete")
        table.columns = columns
        return table
