"""Writing a cold read's index to the cache's files as batches arrive, instead of at the end.

The folded texts and posting lists are four fifths of an archive's index (100k posts: 280 MB
of texts, 500 MB of postings). Kept on the heap until the cache is saved, they made a cold
read peak at 1.15 GB; written to the cache's (temporary) folder as each batch is added and
memory-mapped back, they cost only the pages searches touch, and saving the cache at the end
only has to write the small arrays. The folder is the one `cache.save` renames into place.
"""

from __future__ import annotations

import mmap
import shutil
from pathlib import Path

import numpy as np

from .index_batch import Segment, position_arrays
from .posting_stack import fences_of
from .text_helper import map_file

_HEADER_BYTES = 128
"""Room kept at the start of each .npy file for its header, written last (when the length is
known): a multiple of 64, as numpy writes them, and enough for any length."""


class _ArrayFile:
    """A one-dimensional .npy file that grows at the end."""

    def __init__(self, path: Path, dtype: type) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        self.length = 0
        self._file = open(path, "wb")  # noqa: SIM115 - open for the whole load, closed in finish()
        self._file.write(b"\0" * _HEADER_BYTES)

    def append(self, values: np.ndarray) -> np.ndarray:
        """Write values; returns them read back from the file (memory-mapped)."""
        data = np.ascontiguousarray(values, dtype=self.dtype)
        start = self.length
        self._file.write(data.tobytes())
        self._file.flush()
        self.length += len(data)
        if not len(data):
            return data
        return np.memmap(
            self.path,
            dtype=self.dtype,
            mode="r",
            offset=_HEADER_BYTES + start * self.dtype.itemsize,
            shape=(len(data),),
        )

    def finish(self) -> None:
        descr = np.lib.format.dtype_to_descr(self.dtype)
        # As np.save words it (", }" included): cache._mapped maps such a file itself; any other
        # wording went through np.load's memmap, whose slices cost 25 us each (8 ms a start).
        text = f"{{'descr': {descr!r}, 'fortran_order': False, 'shape': ({self.length},), }}".encode("latin1")
        preamble = np.lib.format.MAGIC_PREFIX + bytes((1, 0))
        room = _HEADER_BYTES - len(preamble) - 2
        text = text + b" " * (room - len(text) - 1) + b"\n"
        self._file.seek(0)
        self._file.write(preamble + len(text).to_bytes(2, "little") + text)
        self._file.close()

    def close(self) -> None:
        self._file.close()


class IndexSpill:
    """The texts and posting lists of every batch added, in a cache folder being written."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.docs = 0
        self._texts = open(directory / "texts.blob", "w+b")  # noqa: SIM115 - closed in finish()
        self._text_length = 0
        self._keys = _ArrayFile(directory / "keys.npy", np.uint64)
        self._key_starts = _ArrayFile(directory / "key_starts.npy", np.uint32)
        self._ids = _ArrayFile(directory / "ids.npy", np.uint16)
        self._pos_starts = _ArrayFile(directory / "pos_starts.npy", np.uint32)
        self._positions = _ArrayFile(directory / "positions.npy", np.uint32)
        self._char_starts = _ArrayFile(directory / "char_starts.npy", np.uint32)
        self._title_stops = _ArrayFile(directory / "title_stops.npy", np.uint32)
        self._fences: list[np.ndarray] = []  # taken while the keys are in memory, not from the map
        self.finished = False

    def add_texts(self, blob: bytes) -> tuple[int, bytes | mmap.mmap]:
        """Append a batch's folded texts: (where they start, a map of all texts so far)."""
        start = self._text_length
        self._texts.write(blob)
        self._texts.flush()
        self._text_length += len(blob)
        if not self._text_length:
            return start, b""
        return start, map_file(self._texts, self._text_length)

    def add_segment(self, segment: Segment) -> Segment:
        """Write a segment's posting lists; the same segment, read from the files."""
        self._fences.append(fences_of([segment]))
        written = [file.append(array) for file, array in zip(self._arrays[3:], position_arrays(segment), strict=True)]
        has = segment.positions is not None
        return Segment(
            segment.base,
            segment.size,
            self._keys.append(segment.keys),
            self._key_starts.append(segment.starts),
            self._ids.append(segment.ids),
            *(written if has else ()),
        )

    def finish(self) -> list[str]:
        """Complete the files (their .npy headers); returns their names."""
        if not self.finished:
            self._texts.close()
            for array_file in self._arrays:
                array_file.finish()
            fences = np.concatenate(self._fences) if self._fences else np.zeros(0, dtype=np.uint64)
            np.save(self.directory / "fences.npy", fences, allow_pickle=False)
            self.finished = True
        return [
            "texts.blob",
            "keys.npy",
            "key_starts.npy",
            "ids.npy",
            "pos_starts.npy",
            "positions.npy",
            "char_starts.npy",
            "title_stops.npy",
            "fences.npy",
        ]

    @property
    def _arrays(self) -> tuple[_ArrayFile, ...]:
        return (
            self._keys,
            self._key_starts,
            self._ids,
            self._pos_starts,
            self._positions,
            self._char_starts,
            self._title_stops,
        )

    def abandon(self) -> None:
        """Stop writing and delete the folder (a load stopped, a full disk): what is mapped
        stays readable until it is let go."""
        self._texts.close()
        for array_file in self._arrays:
            array_file.close()
        shutil.rmtree(self.directory, ignore_errors=True)
