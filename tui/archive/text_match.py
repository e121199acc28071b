"""Checking terms in the folded texts themselves: the exact answer the postings narrow down.

Each check runs over many posts at once with map and compress, so the per-post loop stays in
C; what is left is the find (or count) over each post's text. A long run of them is shared with
a second process (text_helper.py), so both cores do it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from itertools import compress, repeat
from operator import methodcaller

import numpy as np

from .index_state import IndexState
from .text_helper import HELPER

READ_BELOW = 512
"""Texts fewer than this are read from the file, not the map (text_helper.SourcedMap.reader):
a first screen's 256 in list order then map nothing. More (runs in file order, a rare term's
long scan) go through the map, where pages touched before cost nothing: reading 2,048 at a
time made the first screen at a million posts 17 -> 21 ms p95, 512 20 ms."""


def containing(state: IndexState, term: bytes, ids: list[int], in_title: bool = False) -> list[int]:
    """The ids whose folded text (or title) contains term, in the order given."""
    if not ids:
        return ids
    wanted = np.asarray(ids, dtype=np.int64)
    starts = state.starts[wanted].tolist()
    ends = (state.title_ends if in_title else state.ends)[wanted].tolist()
    found: Iterable[int]
    if max(ids) < state.main_docs:
        blob = state.main_blob
        if _read_from_file(blob, len(ids)):
            found = map(methodcaller("find", term), _texts(blob, starts, ends))  # (>= 0 when there)
        else:
            found = HELPER.split(blob, term, starts, ends, False, lambda s, e: list(map(blob.find, repeat(term), s, e)))
    elif min(ids) >= state.main_docs:
        found = map(state.delta_blob.find, repeat(term), starts, ends)
    else:
        main_docs, main_find, delta_find = state.main_docs, state.main_blob.find, state.delta_blob.find
        found = (
            (main_find if doc < main_docs else delta_find)(term, start, end)
            for doc, start, end in zip(ids, starts, ends, strict=True)
        )
    return list(compress(ids, map((0).__le__, found)))


def occurrences(state: IndexState, ids: np.ndarray, term: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Occurrences of term in each post's text from starts[doc] to ends[doc]: a slice and a
    count per post (a find per occurrence, looped in Python, was 3x slower), taken in the
    order the texts lie in the file (pages read front to back)."""
    counts = np.zeros(len(ids), dtype=np.int64)
    main = ids < state.main_docs
    for blob, chosen in ((state.main_blob, np.flatnonzero(main)), (state.delta_blob, np.flatnonzero(~main))):
        if len(chosen):
            chosen = chosen[np.argsort(ids[chosen], kind="stable")]
            docs = ids[chosen]
            counts[chosen] = HELPER.split(
                blob, term, starts[docs].tolist(), ends[docs].tolist(), True, partial(_counts, blob, term)
            )
    return counts


def _counts(blob, term: bytes, starts: Sequence[int], ends: Sequence[int]) -> list[int]:
    return list(map(methodcaller("count", term), _texts(blob, starts, ends)))


def _texts(blob, starts: Sequence[int], ends: Sequence[int]) -> Iterator[bytes]:
    """The texts, as bytes: a few of them read from the file (text_helper.SourcedMap.reader),
    many sliced from the map."""
    if _read_from_file(blob, len(starts)):
        return map(os.pread, repeat(blob.reader.fileno()), map(int.__sub__, ends, starts), starts)
    return map(blob.__getitem__, map(slice, starts, ends))


def _read_from_file(blob, texts: int) -> bool:
    return texts < READ_BELOW and getattr(blob, "reader", None) is not None
