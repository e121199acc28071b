"""Whether a cache can be trusted: its files' checksums, and its arrays agreeing with each other.

A wrong answer from a damaged cache is worse than reading every file again (CacheError)."""

from __future__ import annotations

import threading
import zlib
from pathlib import Path

import numpy as np


class CacheError(Exception):
    """The cache cannot be used; the message says why (shown as a notice)."""


class Checksums:
    """The CRCs of cache files, computed in threads of their own (plain threads: a pool would
    import concurrent.futures and logging, 10 ms of every start)."""

    def __init__(self, directory: Path, expected: dict[str, int]) -> None:
        self._expected = expected
        self._found: dict[str, int | OSError] = {}
        self._threads = [
            threading.Thread(target=self._compute, args=(name, directory / name), daemon=True) for name in expected
        ]
        for thread in self._threads:
            thread.start()

    def _compute(self, name: str, path: Path) -> None:
        try:
            self._found[name] = crc(path)
        except OSError as error:
            self._found[name] = error

    def check(self) -> None:
        """Raises CacheError for a file whose checksum differs (OSError if one was unreadable)."""
        for thread in self._threads:
            thread.join()
        for name, checksum in self._expected.items():
            found = self._found[name]
            if isinstance(found, OSError):
                raise found
            if found != checksum:
                raise CacheError(f"the cache file {name} is corrupt")


def crc(path: Path) -> int:
    checksum = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            checksum = zlib.crc32(chunk, checksum)
    return checksum


def check_arrays(arrays: dict[str, np.ndarray], size: int, blob_length: int) -> None:
    """The arrays must agree with each other; a wrong result is worse than a rebuild."""
    for name in ("starts", "title_ends", "ends", "alive", "timestamps", "local_timestamps", "repaired"):
        if arrays[name].shape != (size,):
            raise CacheError(f"the cache array {name} has the wrong size")
    if size and (int(arrays["ends"].max()) > blob_length or int(arrays["starts"].min()) < 0):
        raise CacheError("the cache's texts are shorter than its index says")
    order = arrays["order"]
    if order.ndim != 1 or len(order) != int(np.count_nonzero(arrays["alive"])):
        raise CacheError("the cache's list order does not match its posts")
    if len(order) and (int(order.min()) < 0 or int(order.max()) >= size):
        raise CacheError("the cache's list order points past its posts")
    table = np.asarray(arrays["segment_table"])
    if table.ndim != 2 or (len(table) and table.shape[1] != 6):
        raise CacheError("the cache's segment table is damaged")
    if len(table):
        if int(table[:, 2].sum()) != len(arrays["keys"]) or int(table[:, 3].sum()) != len(arrays["ids"]):
            raise CacheError("the cache's posting lists do not add up")
        if int(table[:, 4].sum()) != len(arrays["positions"]) or len(arrays["pos_starts"]) != len(arrays["key_starts"]):
            raise CacheError("the cache's positions do not add up")
        if not len(arrays["char_starts"]) == len(arrays["title_stops"]) == int(table[:, 1].sum()):
            raise CacheError("the cache's positions do not add up")
        _check_segments(arrays, table)
        if int((table[:, 2] + 1).sum()) != len(arrays["key_starts"]):
            raise CacheError("the cache's posting offsets do not add up")
        if int(table[:, 0].max() + table[table[:, 0].argmax(), 1]) > size:
            raise CacheError("the cache's segments point past its posts")


def checked_sources(value: object) -> dict[str, tuple[tuple[str, int, int, int], ...]]:
    """The saved table of files snippets read (Archive.sources), or CacheError if malformed."""

    def source(entry: object) -> bool:
        return (
            isinstance(entry, tuple)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and all(isinstance(number, int) for number in entry[1:])
        )

    if not isinstance(value, dict) or not all(
        isinstance(path, str) and isinstance(entries, tuple) and all(map(source, entries))
        for path, entries in value.items()
    ):
        raise CacheError("the cache's table of included files is damaged")
    return value


def _check_segments(arrays: dict[str, np.ndarray], table: np.ndarray) -> None:
    """Each segment's posts' starts must rise from 0, each title inside its post. (Each
    segment's offsets are not read here: two values a segment, but each maps its page's whole
    folio, 125 MB of the app's memory at a million posts.)"""
    flags = table[:, 5]
    if not np.isin(flags, (0, 1)).all():
        raise CacheError("the cache's positions do not add up")
    char_starts = arrays["char_starts"].astype(np.int64)
    title_stops = arrays["title_stops"].astype(np.int64)
    sizes = table[:, 1]
    segment_first = (np.cumsum(sizes) - sizes)[sizes > 0]
    rises = np.diff(char_starts)
    new_segment = np.zeros(len(char_starts), dtype=bool)
    new_segment[segment_first] = True
    inside_next = np.append(np.where(new_segment[1:], np.iinfo(np.int64).max, char_starts[1:]), np.iinfo(np.int64).max)
    checked = np.repeat(flags == 1, sizes)  # (a segment without positions has zeros)
    if (
        char_starts[segment_first][checked[segment_first]].any()
        or (rises[~new_segment[1:] & checked[1:]] <= 0).any()
        or (title_stops < char_starts)[checked].any()
        or (title_stops >= inside_next)[checked].any()
    ):
        raise CacheError("the cache's post positions are out of order")
