"""The search index: character and bigram postings in numpy arrays, verified on folded text.

Every post's searchable text (title, author, categories, tags, body) is folded (see
folding.py) and kept as UTF-8 in one blob. For each character and each pair of adjacent
characters, a posting list holds the ids of the posts containing it, ids being positions in the
archive's date order (newest first). A query term of one or two characters is answered exactly
by one list; a longer term by intersecting its bigrams' lists and checking the survivors with a
substring search in the blob. Because ids are in date order, the first screen of hits is the
first survivors: a one-character query matching half the archive needs no more work than that.

Measured on 100k generated posts: see benchmarks/ and the README.
"""

from __future__ import annotations

import re
import time
from datetime import timezone
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from .folding import code_points, fold, fold_code_points
from .post import Post
from .query import Query, QueryError, Term, parse

_GRAM_SHIFT = 21  # code points fit in 21 bits; a bigram key is (first << 21) | second
_DOC_BITS = 12
_CHUNK_DOCS = 1 << _DOC_BITS  # posts processed together while building
_DOC_SEPARATOR = 0x1E  # never in post text: control characters are stripped on load
_LAST_INVISIBLE = 0x20  # spaces, newlines and controls are not indexed alone
_SPACE = 0x20  # ... but a space is, as half of a bigram
_STOP_CHECK_EVERY = 2048


@dataclass
class SearchResult:
    query: Query
    ids: np.ndarray
    """Matching post ids in display order (all of them when `complete`, else the first page)."""
    count: int
    """How many posts match (when `complete`; else how many were found so far)."""
    complete: bool = True
    seconds: float = 0.0


@dataclass
class _Evaluated:
    """One query term: which posts may match (None: any), whether that is exact, and a check."""

    mask: np.ndarray | None
    exact: bool
    matches: Callable[[int], bool]


def _doc_text(post: Post, body_text: str) -> str:
    levels = " ".join(level for path in post.categories for level in path)
    return "\n".join((post.title, post.author, levels, " ".join(post.tags), body_text))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class SearchIndex:
    def __init__(self, size: int) -> None:
        self.size = size
        self.blob = bytearray()
        self.offsets = np.zeros(size + 1, dtype=np.int64)
        self.title_ends = np.zeros(size, dtype=np.int64)
        self.gram_keys = np.zeros(0, dtype=np.uint64)
        self.gram_starts = np.zeros(1, dtype=np.int64)
        self.postings = np.zeros(0, dtype=np.int32)
        self.timestamps = np.full(size, np.nan)
        self.local_timestamps = np.full(size, np.nan)
        self.undated = np.ones(size, dtype=bool)
        self.repaired = np.zeros(size, dtype=bool)
        self.title_rank = np.arange(size, dtype=np.int64)
        self.field_values: dict[str, dict[str, np.ndarray]] = {}
        self.build_seconds = 0.0

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, posts: Sequence[Post], body_texts: Sequence[str]) -> SearchIndex:
        """Index posts (in display order) with their plain body texts."""
        started = time.perf_counter()
        index = cls(len(posts))
        chunks = []
        for base in range(0, len(posts), _CHUNK_DOCS):
            end = min(base + _CHUNK_DOCS, len(posts))
            texts = [_doc_text(posts[i], body_texts[i]) for i in range(base, end)]
            chunks.append(index._add_chunk(base, texts, [len(posts[i].title) for i in range(base, end)]))
        index._merge(chunks)
        index._build_fields(posts)
        index.build_seconds = time.perf_counter() - started
        return index

    def _add_chunk(self, base: int, texts: list[str], title_lengths: list[int]):
        joined = "\x1e".join(texts)
        folded = fold_code_points(code_points(joined))
        parts = folded.tobytes().decode("utf-32-le", "surrogatepass").split("\x1e")
        offset = len(self.blob)
        for position, (part, title_length) in enumerate(zip(parts, title_lengths)):
            encoded = part.encode("utf-8", "surrogatepass")
            self.offsets[base + position] = offset
            self.title_ends[base + position] = offset + len(part[:title_length].encode("utf-8", "surrogatepass"))
            self.blob += encoded
            offset += len(encoded)
        self.offsets[base + len(parts)] = offset

        local_doc = np.cumsum(folded == _DOC_SEPARATOR, dtype=np.uint64)
        visible = folded > _LAST_INVISIBLE
        in_pairs = folded >= _SPACE  # bigrams may include a space, so phrases narrow well
        wide = folded.astype(np.uint64)
        unigrams = (wide[visible] << np.uint64(_DOC_BITS)) | local_doc[visible]
        pair = in_pairs[:-1] & in_pairs[1:]
        bigram_keys = (wide[:-1][pair] << np.uint64(_GRAM_SHIFT)) | wide[1:][pair]
        bigrams = (bigram_keys << np.uint64(_DOC_BITS)) | local_doc[:-1][pair]
        entries = _sorted_unique(np.concatenate((unigrams, bigrams)))
        keys = entries >> np.uint64(_DOC_BITS)
        docs = (entries & np.uint64(_CHUNK_DOCS - 1)).astype(np.uint16)
        if len(keys):
            boundaries = np.flatnonzero(keys[1:] != keys[:-1]) + 1
            group_starts = np.concatenate(([0], boundaries))
            unique_keys = keys[group_starts]
            counts = np.diff(np.concatenate((group_starts, [len(keys)])))
        else:
            unique_keys, counts = keys, np.zeros(0, dtype=np.int64)
        return base, unique_keys, counts, docs

    def _merge(self, chunks) -> None:
        if not chunks:
            return
        vocabulary = _sorted_unique(np.concatenate([chunk[1] for chunk in chunks]))
        totals = np.zeros(len(vocabulary), dtype=np.int64)
        positions = []
        for _, unique_keys, counts, _ in chunks:
            where = np.searchsorted(vocabulary, unique_keys)
            totals[where] += counts
            positions.append(where)
        starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(totals, out=starts[1:])
        postings = np.empty(int(starts[-1]), dtype=np.int32)
        cursor = starts[:-1].copy()
        for (base, _, counts, docs), where in zip(chunks, positions):
            group_starts = np.cumsum(counts) - counts
            destination = np.repeat(cursor[where] - group_starts, counts) + np.arange(len(docs))
            postings[destination] = docs.astype(np.int32) + base
            cursor[where] += counts
        self.gram_keys, self.gram_starts, self.postings = vocabulary, starts, postings

    def _build_fields(self, posts: Sequence[Post]) -> None:
        values: dict[str, dict[str, list[int]]] = {"author": {}, "cat": {}, "tag": {}, "source": {}}
        folded_values: dict[str, str] = {}  # authors and categories repeat: fold each once
        for doc, post in enumerate(posts):
            entries = {
                "author": [post.author] if post.author else [],
                "cat": [level for path in post.categories for level in path]
                + ["/".join(path) for path in post.categories if len(path) > 1],
                "tag": list(post.tags),
                "source": [_host(post.link)] if post.link else [],
            }
            for name, items in entries.items():
                for item in set(items):
                    if item:
                        folded = folded_values.get(item)
                        if folded is None:
                            folded = folded_values[item] = fold(item)
                        values[name].setdefault(folded, []).append(doc)
            if post.date is not None:
                self.timestamps[doc] = post.date.timestamp()
                # date:/before:/after: compare the date as the post shows it (its own zone).
                self.local_timestamps[doc] = post.date.replace(tzinfo=timezone.utc).timestamp()
                self.undated[doc] = False
            self.repaired[doc] = post.repaired
        self.field_values = {
            name: {value: np.array(docs, dtype=np.int64) for value, docs in mapping.items()}
            for name, mapping in values.items()
        }
        titles = [fold(post.title) for post in posts]
        order = sorted(range(len(posts)), key=titles.__getitem__)
        self.title_rank = np.empty(len(posts), dtype=np.int64)
        self.title_rank[order] = np.arange(len(posts))

    # ------------------------------------------------------------ lookups

    def _posting(self, key: int) -> np.ndarray:
        where = int(np.searchsorted(self.gram_keys, np.uint64(key)))
        if where < len(self.gram_keys) and int(self.gram_keys[where]) == key:
            return self.postings[self.gram_starts[where]:self.gram_starts[where + 1]]
        return self.postings[:0]

    def _mask(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[ids] = True
        return mask

    def candidates(self, folded_term: str) -> tuple[np.ndarray | None, bool]:
        """Ids of posts that may contain the term (None: any post), and whether exactly."""
        points = [int(c) for c in code_points(folded_term)]
        pairable = [point >= _SPACE for point in points]
        keys: set[int] = set()
        for position, point in enumerate(points):
            if position + 1 < len(points) and pairable[position] and pairable[position + 1]:
                keys.add((point << _GRAM_SHIFT) | points[position + 1])
        if not keys:
            keys.update(point for point in points if point > _LAST_INVISIBLE)
        if not keys:
            return None, False
        exact = (len(points) == 1 and points[0] > _LAST_INVISIBLE) or (len(points) == 2 and all(pairable))
        lists = sorted((self._posting(key) for key in keys), key=len)
        result = lists[0]
        for other in lists[1:]:
            if not len(result):
                break
            result = _intersect(result, other)
        return result, exact

    def _contains(self, term: bytes, doc: int) -> bool:
        return self.blob.find(term, self.offsets[doc], self.offsets[doc + 1]) >= 0

    def _title_contains(self, term: bytes, doc: int) -> bool:
        return self.blob.find(term, self.offsets[doc], self.title_ends[doc]) >= 0

    # ------------------------------------------------------------ queries

    def _evaluate(self, term: Term) -> _Evaluated:
        if term.field in ("text", "title"):
            folded = fold(term.value)
            encoded = folded.encode("utf-8", "surrogatepass")
            ids, exact = self.candidates(folded)
            mask = None if ids is None else self._mask(ids)
            if term.field == "title":
                return _Evaluated(mask, False, lambda doc: self._title_contains(encoded, doc))
            if exact:
                return _Evaluated(mask, True, lambda doc: bool(mask[doc]))
            return _Evaluated(mask, False, lambda doc: self._contains(encoded, doc))
        if term.field in self.field_values:
            folded = fold(term.value)
            mask = np.zeros(self.size, dtype=bool)
            for value, ids in self.field_values[term.field].items():
                if folded in value:
                    mask[ids] = True
            return _Evaluated(mask, True, lambda doc: bool(mask[doc]))
        if term.field == "date":
            mask = ~self.undated
            if term.start is not None:
                mask &= self.local_timestamps >= term.start
            if term.end is not None:
                mask &= self.local_timestamps < term.end
            return _Evaluated(mask, True, lambda doc: bool(mask[doc]))
        if term.field == "is":
            mask = self.undated if term.value == "undated" else self.repaired
            return _Evaluated(mask, True, lambda doc: bool(mask[doc]))
        raise QueryError(f"cannot search {term.field}:")  # parse() never produces this

    def _group(self, group: Sequence[Term]) -> _Evaluated:
        """One AND operand: a single term, or terms joined by OR (any may match)."""
        evaluated = [(term, self._evaluate(term)) for term in group]
        if len(evaluated) == 1 and not group[0].negated:
            return evaluated[0][1]
        if len(evaluated) == 1:  # -term
            inner = evaluated[0][1]
            if inner.exact:
                mask = ~inner.mask if inner.mask is not None else np.zeros(self.size, dtype=bool)
                return _Evaluated(mask, True, lambda doc: bool(mask[doc]))
            return _Evaluated(None, False, lambda doc: not inner.matches(doc))
        checks = [(term.negated, item.matches) for term, item in evaluated]
        mask = None
        if all(not term.negated and item.mask is not None for term, item in evaluated):
            mask = np.zeros(self.size, dtype=bool)
            for _, item in evaluated:
                mask |= item.mask
        exact = all(item.exact and not term.negated for term, item in evaluated)
        return _Evaluated(mask, exact, lambda doc: any(check(doc) != negated for negated, check in checks))

    def search(self, query: Query | str, limit: int | None = 200,
               should_stop: Callable[[], bool] | None = None) -> Iterator[SearchResult]:
        """Yield the first `limit` hits as soon as they are known, then (if that was not
        everything) the complete result. Stops early when `should_stop()` turns true."""
        started = time.perf_counter()
        if isinstance(query, str):
            query = parse(query)
        mask: np.ndarray | None = None
        checks: list[Callable[[int], bool]] = []
        for group in query.groups:
            evaluated = self._group(group)
            if evaluated.mask is not None:
                mask = evaluated.mask.copy() if mask is None else mask & evaluated.mask
            if not evaluated.exact:
                checks.append(evaluated.matches)
        ids = np.arange(self.size) if mask is None else np.flatnonzero(mask)
        if query.sort == "-date":
            reversed_ids = ids[::-1]
            undated = self.undated[reversed_ids]
            ids = np.concatenate((reversed_ids[~undated], reversed_ids[undated]))

        if not checks:
            yield self._finish(query, ids, started)
            return
        if query.sort in ("date", "-date") and limit is not None:
            found: list[int] = []
            position = -1
            for position, doc in _iterate(ids):
                if all(check(doc) for check in checks):
                    found.append(doc)
                    if len(found) >= limit:
                        break
            else:
                position = len(ids)
            if len(found) < limit:
                yield self._finish(query, np.array(found, dtype=np.int64), started)
                return
            yield SearchResult(query, np.array(found, dtype=np.int64), len(found), False,
                               time.perf_counter() - started)
            rest = ids[position + 1:]
        else:
            found, rest = [], ids
        for step, doc in enumerate(rest.tolist()):
            if should_stop is not None and step % _STOP_CHECK_EVERY == 0 and should_stop():
                return
            if all(check(doc) for check in checks):
                found.append(doc)
        yield self._finish(query, np.array(found, dtype=np.int64), started)

    def _finish(self, query: Query, ids: np.ndarray, started: float) -> SearchResult:
        if query.sort == "title":
            ids = ids[np.argsort(self.title_rank[ids], kind="stable")]
        elif query.sort == "relevance":
            ids = self._by_relevance(ids, query)
        return SearchResult(query, ids, len(ids), True, time.perf_counter() - started)

    def _by_relevance(self, ids: np.ndarray, query: Query) -> np.ndarray:
        """Title matches above body matches, more occurrences above fewer, newer on ties."""
        terms = [fold(term).encode("utf-8", "surrogatepass") for term in query.highlight_terms]
        if not terms or not len(ids):
            return ids
        blob, offsets, title_ends = self.blob, self.offsets, self.title_ends
        scores = np.zeros(len(ids), dtype=np.int64)
        for position, doc in enumerate(ids.tolist()):
            start, title_end, end = offsets[doc], title_ends[doc], offsets[doc + 1]
            score = 0
            for term in terms:
                score += 1000 * min(blob.count(term, start, title_end), 9)
                score += min(blob.count(term, title_end, end), 999)
            scores[position] = score
        return ids[np.lexsort((ids, -scores))]

    def run(self, query: Query | str, limit: int | None = None) -> SearchResult:
        """The complete result in one call (for the CLI and tests)."""
        result = None
        for result in self.search(query, limit=limit):
            pass
        assert result is not None
        return result


def _iterate(ids: np.ndarray, step: int = 512) -> Iterator[tuple[int, int]]:
    """(position, id) pairs, converted to Python ints a slice at a time (not all up front)."""
    for start in range(0, len(ids), step):
        for offset, doc in enumerate(ids[start:start + step].tolist()):
            yield start + offset, doc


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique, minus the hash table numpy 2 builds first (8x slower here on 10M+ keys)."""
    values.sort()
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _intersect(small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """Sorted id arrays -> ids in both."""
    if len(small) > len(large):
        small, large = large, small
    where = np.searchsorted(large, small)
    where[where == len(large)] = 0
    return small[large[where] == small] if len(large) else large


def highlight_spans(text: str, folded_terms: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of the (folded) terms in `text`, merged and sorted."""
    if not text or not folded_terms:
        return []
    folded = fold(text)
    spans = []
    for term in folded_terms:
        if not term:
            continue
        for match in re.finditer(re.escape(term), folded):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
