"""The search index: character and bigram postings in numpy arrays, verified on folded text.

Every post's searchable text (title, author, categories, tags, body) is folded (folding.py)
and kept as UTF-8 in a text store. For each character and each pair of adjacent characters, a
posting list holds the posts containing it, and each pair's positions are kept too. A query
term of one or two characters is answered exactly by one list; a longer one by its pairs'
positions (term_positions.py), or, where they cannot tell, by intersecting its pairs' lists and
checking the survivors with a substring search in the text store.

Posts are indexed in batches as they load; each batch of up to 2,048 posts becomes a segment
with its own small posting lists (2-byte local ids), searchable at once, so the list and the
search work while a big archive is still loading. Post ids are positions in load order; the
display order (newest first) is a separate array, and results are produced by walking it, so
the first screen of hits is found without looking at the rest. Removed or changed posts are
masked out (`alive`), never rewritten.

Batches are built in index_batch.py (where files are read); the state searches run on is
index_state.py. Measured on 100k generated posts: see benchmarks/ and the README.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .evaluated_term import Evaluated
from .first_page import scanned_first_page
from .folding import fold
from .gram_lookup import gram_count, gram_mask, term_keys
from .index_batch import TITLE_TAG, IndexBatch, Segment
from .index_spill import IndexSpill
from .index_state import GrowingArray, IndexState
from .natural_order import natural_key
from .posting_stack import PostingStack
from .query import Query, QueryError, Term, parse
from .relevance import checked_in_titles, relevance_order
from .term_positions import containing_mask, exactly_containing
from .text_match import containing

_STOP_CHECK_EVERY = 8192  # candidates between looks at should_stop: 2 x text_helper.SHARED_FROM
_FIRST_SCREEN_POSITIONS_MS = 8.0
"""A term's positions are read before the first screen when expected to take no longer; else
after it, and the first screen comes from checking the first candidates in list order."""
_CHECK_PER_POSTING = 300
"""Checking a candidate's text costs about as much as reading 300 postings (5 us against
15 ns each, at a million posts, where texts are often paged in): a long term's next gram is
read only while the checks it is expected to save cost more than reading it."""


@dataclass
class SearchResult:
    query: Query
    ids: np.ndarray
    """Matching post ids in display order (all of them when `complete`, else the first page)."""
    count: int
    """How many posts match (when `complete`; else how many were found so far)."""
    complete: bool = True
    seconds: float = 0.0


# ---------------------------------------------------------------- the index


class SearchIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        empty_f = np.zeros(0)
        empty_i = np.zeros(0, dtype=np.int64)
        self.state = IndexState(
            size=0,
            segments=(),
            main_blob=b"",
            main_docs=0,
            delta_blob=bytearray(),
            starts=empty_i,
            title_ends=empty_i,
            ends=empty_i,
            alive=np.zeros(0, dtype=bool),
            timestamps=empty_f,
            local_timestamps=empty_f,
            repaired=np.zeros(0, dtype=bool),
            titles=[],
            fields={"author": {}, "cat": {}, "tag": {}, "source": {}},
        )
        self.build_seconds = 0.0
        self._growing: dict[str, GrowingArray] = {}
        self.spill: IndexSpill | None = None
        """Where added batches' texts and postings go (a cold read being cached), or None: kept
        on the heap (see index_spill.py)."""
        self.flags: Callable[[str, int], np.ndarray] | None = None
        """is:read / is:unread / is:bookmarked masks, from the reader's state (user_state.py)."""

    @property
    def size(self) -> int:
        return self.state.size

    def restore(self, state: IndexState) -> None:
        """Start from a saved state (the cache's) instead of the current one."""
        with self._lock:
            self.state = state

    def use_storage_of(self, saved: IndexState) -> None:
        """Serve the same posts from another state's texts and postings (see IndexState.with_storage_of)."""
        with self._lock:
            self.state = self.state.with_storage_of(saved)

    def use_stack(self, stack: PostingStack) -> None:
        """Search the first segments through `stack` (the same postings, as a cache file lays
        them out), when it matches them."""
        with self._lock:
            state = self.state
            if stack.lays_out(state.segments[: stack.count]):
                self.state = replace(state, stack=stack)

    @property
    def order(self) -> np.ndarray:
        return self.state.order

    def add_batch(self, batch: IndexBatch) -> range:
        """Append a built batch; returns the ids its posts got."""
        started = time.perf_counter()
        with self._lock:
            state = self.state
            base = state.size
            segments = tuple(replace(s, base=s.base + base) for s in batch.segments)
            spilled = self._spill(state, batch, segments)
            if spilled is not None:
                state, segments, blob_base = spilled
            else:
                blob_base = len(state.delta_blob)
                state.delta_blob.extend(batch.texts.blob)
            fields = state.fields
            for name, values in batch.fields.items():
                for value, ids in values.items():
                    fields[name].setdefault(value, []).append(np.asarray(ids, dtype=np.int64) + base)
            state.words.add(*batch.words)
            grown = self._grown
            titles = state.titles
            if type(titles) is list:  # in place: a state only reads the titles of its own posts
                titles.extend(batch.titles)
            else:
                titles = titles + batch.titles
            self.state = replace(
                state,
                size=base + batch.size,
                segments=state.segments + segments,
                starts=grown("starts", state.starts, batch.texts.starts + blob_base),
                title_ends=grown("title_ends", state.title_ends, batch.texts.title_ends + blob_base),
                ends=grown("ends", state.ends, batch.texts.ends + blob_base),
                alive=grown("alive", state.alive, np.ones(batch.size, dtype=bool)),
                timestamps=grown("timestamps", state.timestamps, batch.timestamps),
                local_timestamps=grown("local_timestamps", state.local_timestamps, batch.local_timestamps),
                repaired=grown("repaired", state.repaired, batch.repaired),
                titles=titles,
                derived={},
            )
        self.build_seconds += time.perf_counter() - started
        return range(base, base + batch.size)

    def _grown(self, name: str, current: np.ndarray, values: np.ndarray) -> np.ndarray:
        """`current` (a state's array) with `values` appended; see GrowingArray."""
        growing = self._growing.get(name)
        if growing is None or growing.view is not current:  # replaced since (a removal, a restore)
            growing = self._growing[name] = GrowingArray(current)
        return growing.extend(values)

    def _spill(
        self, state: IndexState, batch: IndexBatch, segments: tuple[Segment, ...]
    ) -> tuple[IndexState, tuple[Segment, ...], int] | None:
        """Write a batch's texts and postings to the spill files: the state and segments that
        read them from there, and where its texts start; None to keep them on the heap."""
        spill = self.spill
        if spill is None or state.main_docs != state.size:  # not every post so far is in the files
            return None
        try:
            blob_base, main_blob = spill.add_texts(batch.texts.blob)
            mapped = tuple(spill.add_segment(segment) for segment in segments)
        except OSError:  # a full disk: the rest stays on the heap, and the cache is written whole
            self.spill = None
            spill.abandon()
            return None
        return replace(state, main_blob=main_blob, main_docs=state.size + batch.size), mapped, blob_base

    def remove(self, ids: Sequence[int]) -> None:
        """Hide posts (deleted or replaced by a newer version of their file)."""
        with self._lock:
            state = self.state
            alive = state.alive.copy()
            alive[np.asarray(list(ids), dtype=np.int64)] = False
            self.state = replace(state, alive=alive, derived={})

    # ------------------------------------------------------------ candidates

    def candidates(
        self,
        folded_term: str,
        state: IndexState | None = None,
        within: np.ndarray | None = None,
        in_title: bool = False,
        within_ms: float | None = None,
    ) -> tuple[np.ndarray | None, bool]:
        """Mask of posts that may contain the term (None: any post), and whether exactly; only
        among the posts of `within` (what the query's other terms left), when given; in their
        titles alone, with `in_title` (the titles' own grams, index_batch.TITLE_TAG).

        Rarest grams first; once few candidates are left, checking their texts costs less than
        reading another gram's postings (10 ms for a common one at a million posts)."""
        state = state or self.state
        if not in_title and (having := exactly_containing(state, folded_term, within_ms)) is not None:
            return (having if within is None else having & within), True
        keys, exact = term_keys(folded_term)
        if not keys:
            return None, False
        if in_title:
            keys = [key | TITLE_TAG for key in keys]
        if len(keys) > 1:
            keys.sort(key=lambda key: gram_count(state, key))
        mask = None
        for key in keys:
            postings = gram_count(state, key)
            if mask is not None and _checks_saved(int(np.count_nonzero(mask)), postings, state.size) < postings:
                break  # checking what is left costs less than reading this gram's postings
            gram = gram_mask(state, key)
            if mask is None:
                mask = gram if within is None else (gram & within)
            else:
                mask &= gram
        return mask, exact

    # ------------------------------------------------------------ queries

    def _evaluate(
        self, state: IndexState, term: Term, within: np.ndarray | None = None, later: bool = False
    ) -> Evaluated:
        """`within`: the posts the query's other terms leave (never given for a negated term);
        `later`: the term's positions only after the first screen (Evaluated.exactly)."""
        if term.field in ("text", "title"):
            folded = fold(term.value)
            encoded = folded.encode("utf-8", "surrogatepass")
            within_ms = _FIRST_SCREEN_POSITIONS_MS if later else None
            mask, exact = self.candidates(folded, state, within, term.field == "title", within_ms)
            starts, title_ends, ends = state.starts, state.title_ends, state.ends
            if term.field == "title" and not (exact and mask is not None):
                return Evaluated(
                    mask,
                    False,
                    lambda doc: state.blob_for(doc).find(encoded, starts[doc], title_ends[doc]) >= 0,
                    lambda ids: containing(state, encoded, ids, in_title=True),
                )
            if exact and mask is not None:  # an exact answer is always a mask
                return Evaluated.of_mask(mask)
            return Evaluated(
                mask,
                False,
                lambda doc: state.blob_for(doc).find(encoded, starts[doc], ends[doc]) >= 0,
                lambda ids: containing(state, encoded, ids),
                counted=folded,
                exactly=(lambda: containing_mask(state, folded)) if later else None,
            )
        if term.field in state.fields:
            folded = fold(term.value)
            mask = np.zeros(state.size, dtype=bool)
            values = state.fields[term.field]
            if term.exact:
                matching = [values.get(folded, [])]
            else:
                matching = [id_arrays for value, id_arrays in list(values.items()) if folded in value]
            for id_arrays in matching:
                for ids in list(id_arrays):
                    mask[ids[ids < state.size]] = True
            return Evaluated.of_mask(mask)
        if term.field == "date":
            mask = ~np.isnan(state.local_timestamps)
            if term.start is not None:
                mask &= state.local_timestamps >= term.start
            if term.end is not None:
                mask &= state.local_timestamps < term.end
            return Evaluated.of_mask(mask)
        if term.field == "is":
            if term.value == "undated":
                mask = np.isnan(state.timestamps)
            elif term.value == "repaired":
                mask = state.repaired
            elif self.flags is not None:
                mask = self.flags(term.value, state.size)
            else:  # no reading state (the CLI without one): nothing read, nothing bookmarked
                mask = np.full(state.size, term.value == "unread")
            return Evaluated.of_mask(mask)
        raise QueryError(f"cannot search {term.field}:")  # parse() never produces this

    def _estimate(self, state: IndexState, group: Sequence[Term]) -> int:
        """How many posts a group may match, roughly: the rarest first narrows the others
        (qualifiers, whose masks are cheap, before any text)."""
        if len(group) != 1 or group[0].negated:
            return state.size + 1
        if group[0].field not in ("text", "title"):
            return -1
        keys, _ = term_keys(fold(group[0].value))
        return min((gram_count(state, key) for key in keys), default=state.size)

    def _exact_mask(self, state: IndexState, term: Term, seen: dict[Term, Evaluated]) -> np.ndarray | None:
        """The posts matching a term, when a mask answers it exactly (cat:, date:, is:)."""
        evaluated = self._qualifier(state, term, seen)
        return evaluated.mask if evaluated.exact and evaluated.mask is not None else None

    def _qualifier(self, state: IndexState, term: Term, seen: dict[Term, Evaluated]) -> Evaluated:
        """A term other than text, evaluated once per search: the first screen and the full
        result must see the same is:read marks, even if the reader changes them meanwhile."""
        evaluated = seen.get(term)
        if evaluated is None:
            evaluated = seen[term] = self._evaluate(state, term)
        return evaluated

    def _group(
        self,
        state: IndexState,
        group: Sequence[Term],
        within: np.ndarray | None,
        seen: dict[Term, Evaluated],
        later: bool = False,
    ) -> Evaluated:
        """One AND operand: a single term, or terms joined by OR (any may match)."""
        evaluated = [
            (
                term,
                self._evaluate(state, term, None if term.negated else within, later and len(group) == 1)
                if term.field in ("text", "title")
                else self._qualifier(state, term, seen),
            )
            for term in group
        ]
        if len(evaluated) == 1 and not group[0].negated:
            return evaluated[0][1]
        if len(evaluated) == 1:  # -term
            inner = evaluated[0][1]
            if inner.exact:
                mask = ~inner.mask if inner.mask is not None else np.zeros(state.size, dtype=bool)
                return Evaluated.of_mask(mask)
            return Evaluated(None, False, lambda doc: not inner.matches(doc))
        checks = [(term.negated, item.matches) for term, item in evaluated]
        masks = [item.mask for term, item in evaluated if not term.negated and item.mask is not None]
        union: np.ndarray | None = None
        if len(masks) == len(evaluated):  # every alternative is a mask: the posts are their union
            union = np.zeros(state.size, dtype=bool)
            for item_mask in masks:
                union |= item_mask
        exact = all(item.exact and not term.negated for term, item in evaluated)
        return Evaluated(union, exact, lambda doc: any(check(doc) != negated for negated, check in checks))

    def search(
        self, query: Query | str, limit: int | None = 200, should_stop: Callable[[], bool] | None = None
    ) -> Iterator[SearchResult]:
        """Yield the first `limit` hits as soon as they are known, then (if that was not
        everything) the complete result. Stops early when `should_stop()` turns true."""
        started = time.perf_counter()
        state = self.state
        if isinstance(query, str):
            query = parse(query)
        page = None
        seen: dict[Term, Evaluated] = {}
        if limit is not None:
            page = scanned_first_page(state, query, limit, lambda term: self._exact_mask(state, term, seen))
        if page is not None:
            hits, complete = page
            if complete:
                yield from self._finish(state, query, np.array(hits, dtype=np.int64), started)
                return
            yield SearchResult(
                query, np.array(hits[:limit], dtype=np.int64), len(hits), False, time.perf_counter() - started
            )
            if should_stop is not None and should_stop():
                return
        mask: np.ndarray | None = None
        checks: list[Evaluated] = []
        for group in sorted(query.groups, key=lambda group: self._estimate(state, group)):
            evaluated = self._group(
                state, group, mask, seen, page is None and limit is not None and query.sort != "title"
            )
            if evaluated.mask is not None:
                mask = evaluated.mask.copy() if mask is None else mask & evaluated.mask
            if not evaluated.exact:
                checks.append(evaluated)
        ids = state.order if mask is None else state.in_order(mask)
        if query.sort == "-date":
            undated = np.isnan(state.timestamps[ids])
            ids = np.concatenate((ids[~undated][::-1], ids[undated]))  # undated last, in path order still

        if not checks:
            yield from self._finish(state, query, ids, started, limit)
            return
        # (not for a line break: scoring counts the title and the body apart, not across them)
        if query.sort == "relevance" and all(check.counted and "\n" not in check.counted for check in checks):
            unchecked = [check.counted for check in checks if check.counted is not None]
            yield from self._finish(state, query, ids, started, limit, unchecked)
            return

        def verified(chunk: np.ndarray) -> list[int]:
            survivors = chunk.tolist()
            for check in checks:
                if not survivors:
                    break
                survivors = check.filter(survivors)
            return survivors

        found: list[int] = []
        position = 0
        if query.sort in ("date", "-date") and limit is not None and page is None:
            step = max(32, min(256, limit * 2))  # small steps: stop once the first screen is full;
            while position < len(ids) and len(found) < limit:  # then longer: the text helper shares them
                found.extend(verified(ids[position : position + step]))
                position, step = position + step, min(2 * step, _STOP_CHECK_EVERY)
            if position >= len(ids):
                yield from self._finish(state, query, np.array(found, dtype=np.int64), started)
                return
            yield SearchResult(
                query, np.array(found[:limit], dtype=np.int64), len(found), False, time.perf_counter() - started
            )
        # The rest are checked in the order their texts lie in the file, not in list order:
        # the pages are read front to back (1.4-2x faster than jumping about, at any size).
        rest = ids[position:]
        for check in list(checks):  # after the first screen, what the positions can tell
            if (exact_mask := check.exactly() if check.exactly else None) is not None:
                rest, checks = rest[exact_mask[rest]], [other for other in checks if other is not check]
        in_file_order = np.sort(rest)
        matched = np.zeros(state.size, dtype=bool)
        for start in range(0, len(in_file_order), _STOP_CHECK_EVERY):
            if should_stop is not None and should_stop():
                return
            matched[verified(in_file_order[start : start + _STOP_CHECK_EVERY])] = True
        found.extend(rest[matched[rest]].tolist())
        yield from self._finish(state, query, np.array(found, dtype=np.int64), started, limit)

    def _finish(
        self,
        state: IndexState,
        query: Query,
        ids: np.ndarray,
        started: float,
        limit: int | None = None,
        unchecked: Sequence[str] = (),
    ) -> Iterator[SearchResult]:
        """The complete result, sorted; for sort:relevance, the first screen before it when
        titles alone give it (relevance.py), and `ids` may still hold posts without the
        (folded) terms of `unchecked`."""
        if query.sort == "title":
            ids = ids[np.argsort(self._title_rank(state)[ids], kind="stable")]
        elif query.sort == "relevance":
            terms = [fold(term) for term in query.highlight_terms]
            ordering = relevance_order(state, ids, terms, limit, self._title_matches(state), unchecked)
            for ordered, complete in ordering:
                if not complete:  # the count is not known yet when some terms are unchecked
                    count = len(ordered) if unchecked else len(ids)
                    yield SearchResult(query, ordered, count, False, time.perf_counter() - started)
            ids = ordered
        yield SearchResult(query, ids, len(ids), True, time.perf_counter() - started)

    def _title_rank(self, state: IndexState) -> np.ndarray:
        rank = state.derived.get("rank")
        if rank is None:
            titles = state.titles
            order = sorted(range(state.size), key=lambda doc: natural_key(titles[doc]))  # `2` before `10`
            rank = np.empty(state.size, dtype=np.int64)
            rank[order] = np.arange(state.size)
            state.derived["rank"] = rank
        return rank

    def _title_matches(self, state: IndexState) -> Callable[[str, np.ndarray], np.ndarray]:
        def title_matches(term: str, ids: np.ndarray) -> np.ndarray:
            mask, exact = self.candidates(term, state, in_title=True)
            if exact and mask is not None:
                return mask[ids]
            return checked_in_titles(state, term, ids, mask)

        return title_matches

    def run(self, query: Query | str, limit: int | None = None) -> SearchResult:
        """The complete result in one call (for the CLI and tests)."""
        result = None
        for result in self.search(query, limit=limit):  # noqa: B007 - the last result is the complete one
            pass
        assert result is not None
        return result


def _checks_saved(candidates: int, having: int, posts: int) -> float:
    """What reading a gram that `having` of `posts` posts have saves, in postings read: the
    candidates it is expected to rule out (as if the grams were independent: a common gram,
    like `e ` in a phrase, rules out few), times what checking each would cost."""
    return candidates * (1 - having / max(posts, 1)) * _CHECK_PER_POSTING
