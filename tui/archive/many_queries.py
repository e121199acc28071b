"""Run many queries at once on every core (for `postshelf search -q A -q B ...`).

A full count of a common term verifies tens of thousands of candidates in Python, which is
bound to one core by the GIL. Forked workers share the index (memory-mapped cache pages and
the parent's heap, copy-on-write), so each query runs where a core is free and only the
count and the first hits travel back. Where fork is not safe (not Linux) or there is a single
core, the queries run one after another.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence

import numpy as np

from .index import SearchIndex, SearchResult
from .query import Query

_FORKED_INDEX: SearchIndex | None = None  # set in the parent just before forking


def _run_in_worker(job: tuple[Query, int | None]) -> tuple[int, np.ndarray, float]:
    query, limit = job
    assert _FORKED_INDEX is not None
    result = _FORKED_INDEX.run(query, limit=limit)
    ids = result.ids if limit is None else result.ids[:limit]
    return result.count, ids, result.seconds


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_queries(index: SearchIndex, queries: Sequence[Query], limit: int | None) -> Iterator[SearchResult]:
    """Complete results in query order; `ids` holds at most `limit` hits, `count` all of them."""
    workers = min(_cores(), len(queries))
    if workers < 2 or not sys.platform.startswith("linux"):
        for query in queries:
            result = index.run(query, limit=limit)
            if limit is not None:
                result.ids = result.ids[:limit]
            yield result
        return
    import multiprocessing  # here: one query (the common case) never starts a pool

    global _FORKED_INDEX
    _FORKED_INDEX = index
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            jobs = [(query, limit) for query in queries]
            for query, (count, ids, seconds) in zip(queries, pool.imap(_run_in_worker, jobs), strict=True):
                yield SearchResult(query, ids, count, True, seconds)
    finally:
        _FORKED_INDEX = None
