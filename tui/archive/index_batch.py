"""Building the index of a batch of posts: fold their texts, store them, list their grams.

CPU-heavy, so it runs where the files were read (a loader process for big archives); the
result (an IndexBatch) is cheap to append to the SearchIndex (index.py). Each batch of up to
2,048 posts becomes a segment with its own small posting lists: for each character and each
pair of adjacent characters, the posts (2-byte local ids) whose folded text contains it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC

import numpy as np

from .field_values import category_values, source_host
from .folding import code_points, fold, fold_code_points
from .gram_positions import merged, other_pairs, pair_positions
from .post import Post
from .words import LONG_WORD_TAG, SHORT_WORD_TAG, segment_words, short_words, word_key

GRAM_SHIFT = 21  # code points fit in 21 bits; a bigram key is (first << 21) | second
TITLE_TAG = 1 << 48
"""Added to a character's or pair's key for its posting list in titles alone (`title:`): above
every bigram key (< 2**42), below every word key (words.py)."""
SEGMENT_DOCS = 2048
_DOC_BITS = 11
_DOC_SEPARATOR = 0x1E  # never in post text: control characters are stripped on load
LAST_INVISIBLE = 0x20  # spaces, newlines and controls are not indexed alone...
SPACE = 0x20  # ... but a space is, as half of a bigram, so phrases narrow well


@dataclass(frozen=True, slots=True)
class Segment:
    """Posting lists for posts base .. base+size-1, ids stored relative to base."""

    base: int
    size: int
    keys: np.ndarray  # uint64, sorted
    starts: np.ndarray  # uint32, len(keys) + 1
    ids: np.ndarray  # uint16 local ids, grouped by key
    pos_starts: np.ndarray | None = None
    """uint32, len(keys) + 1: where each key's positions start (gram_positions.py); None when
    the segment has none."""
    positions: np.ndarray | None = None  # uint32, grouped by key: code point indices
    char_starts: np.ndarray | None = None  # uint32, per post: the index of its first code point
    title_stops: np.ndarray | None = None  # uint32, per post: the index just after its title

    def local_ids(self, key: int) -> np.ndarray:
        where = int(np.searchsorted(self.keys, np.uint64(key)))
        if where < len(self.keys) and int(self.keys[where]) == key:
            return self.ids[self.starts[where] : self.starts[where + 1]]
        return self.ids[:0]


def position_arrays(segment: Segment) -> tuple[np.ndarray, ...]:
    """(pos_starts, positions, char_starts, title_stops) as a cache stores them: without
    positions, every offset zero."""
    pos_starts, positions, char_starts, title_stops = (
        segment.pos_starts,
        segment.positions,
        segment.char_starts,
        segment.title_stops,
    )
    if pos_starts is None or positions is None or char_starts is None or title_stops is None:
        zeros = np.zeros(len(segment.keys) + 1, dtype=np.uint32)
        return zeros, zeros[:0], np.zeros(segment.size, dtype=np.uint32), np.zeros(segment.size, dtype=np.uint32)
    return pos_starts, positions, char_starts, title_stops


@dataclass(frozen=True, slots=True)
class TextBatch:
    """Folded texts of a batch of posts, ready to append to the text store."""

    blob: bytes
    starts: np.ndarray  # int64, relative to the batch blob
    title_ends: np.ndarray
    ends: np.ndarray


@dataclass(frozen=True, slots=True)
class IndexBatch:
    """Everything the index needs about a batch of posts; built off the UI thread."""

    size: int
    segments: tuple[Segment, ...]  # bases relative to the batch
    texts: TextBatch
    timestamps: np.ndarray
    local_timestamps: np.ndarray
    repaired: np.ndarray
    titles: list[str]  # folded
    fields: dict[str, dict[str, list[int]]]  # name -> folded value -> batch-relative ids
    words: tuple[list[str], np.ndarray, list[int]] = ([], np.zeros(0, dtype=np.uint64), [])
    """The segments' words, their keys and the keys two share (words.py)."""


def doc_text(post: Post, body_text: str) -> str:
    levels = " ".join(level for path in post.categories for level in path)
    return "\n".join((post.title, post.author, levels, " ".join(post.tags), body_text))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique without the hash table numpy 2 builds first (8x slower here on 10M keys)."""
    values.sort()
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each distinct key, where its run starts) of sorted keys."""
    if not len(keys):
        return keys, np.zeros(0, dtype=np.int64)
    change = np.empty(len(keys), dtype=bool)
    change[0] = True
    np.not_equal(keys[1:], keys[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    return keys[starts], starts


def _title_grams(folded: np.ndarray, doc_starts: np.ndarray, title_lengths: np.ndarray) -> np.ndarray:
    """Entries `key << 11 | local id` (sorted, unique) of the characters and pairs of each
    post's title (the first `title_lengths[doc]` code points of its text), keyed with TITLE_TAG."""
    total = int(title_lengths.sum())
    offsets = np.cumsum(title_lengths) - title_lengths
    points = folded[np.repeat(doc_starts - offsets, title_lengths) + np.arange(total)].astype(np.uint64)
    docs = np.repeat(np.arange(len(title_lengths), dtype=np.uint64), title_lengths)
    tag, doc_bits = np.uint64(TITLE_TAG), np.uint64(_DOC_BITS)
    visible = points > LAST_INVISIBLE
    singles = ((points[visible] | tag) << doc_bits) | docs[visible]
    pairable = points >= SPACE
    pair = pairable[:-1] & pairable[1:] & (docs[1:] == docs[:-1])
    pairs = (((points[:-1][pair] << np.uint64(GRAM_SHIFT)) | points[1:][pair] | tag) << doc_bits) | docs[1:][pair]
    return _sorted_unique(np.concatenate((singles, pairs)))


def _segment(
    base: int, folded: np.ndarray, separators: np.ndarray, title_lengths: np.ndarray, words: np.ndarray
) -> Segment:
    """Posting lists for the posts whose folded code points are `folded` (parted at
    `separators`): their characters and pairs, those of their titles (TITLE_TAG), and their
    words (words.py), given as the entries `words`.

    A character and its local doc id fit in 32 bits, so the characters' entries are sorted as
    uint32 (twice as fast as uint64) and apart from the pairs'. Every pair's key is above every
    character's (its first character is at least a space), every title gram's above every pair's
    and every word's above those, so the four sorted runs, one after the other, are the
    segment's sorted keys. Pairs never span posts: the separator is in none."""
    size = len(title_lengths)
    edges = np.concatenate(([0], separators + 1, [len(folded)]))
    doc = np.repeat(np.arange(len(edges) - 1, dtype=np.uint32), np.diff(edges))
    tagged = (folded << np.uint32(_DOC_BITS)) | doc  # code points fit in 21 bits
    unigrams = _sorted_unique(tagged[folded > LAST_INVISIBLE])
    positioned = pair_positions(folded, doc, SPACE)
    doc_mask = (1 << _DOC_BITS) - 1
    runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (keys, where their ids start, ids)
    for entries in (unigrams,):
        run_keys, run_starts = _groups(entries >> np.uint32(_DOC_BITS))
        runs.append((run_keys.astype(np.uint64), run_starts, entries & doc_mask))
    position_counts = None
    if positioned is not None:
        pair_keys, pair_starts, pair_ids, position_counts = merged(
            positioned, _sorted_unique(other_pairs(folded, tagged, SPACE))
        )
        runs.append((pair_keys, pair_starts[:-1], pair_ids))
    else:
        in_pairs = folded >= SPACE
        pair = in_pairs[:-1] & in_pairs[1:]
        bigrams = _sorted_unique((folded[:-1][pair].astype(np.uint64) << np.uint64(32)) | tagged[1:][pair])
        run_keys, run_starts = _groups(bigrams >> np.uint64(_DOC_BITS))  # (first << 21 | second) << 11 | doc
        runs.append((run_keys, run_starts, bigrams & np.uint64(doc_mask)))
    del tagged, doc
    for entries in (_title_grams(folded, edges[:-1], title_lengths), _sorted_unique(words)):
        run_keys, run_starts = _groups(entries >> np.uint64(_DOC_BITS))
        runs.append((run_keys, run_starts, entries & np.uint64(doc_mask)))
    ids = np.empty(sum(len(run_ids) for _, _, run_ids in runs), dtype=np.uint16)
    keys = np.concatenate([run_keys for run_keys, _, _ in runs])
    starts = np.empty(len(keys) + 1, dtype=np.uint32)  # < 2048 docs x grams
    at = key_at = 0
    for run_keys, run_starts, run_ids in runs:
        ids[at : at + len(run_ids)] = run_ids
        starts[key_at : key_at + len(run_keys)] = run_starts + at
        at, key_at = at + len(run_ids), key_at + len(run_keys)
    starts[-1] = len(ids)
    if positioned is None or position_counts is None:
        return Segment(base, size, keys, starts, ids)
    pos_starts = np.zeros(len(keys) + 1, dtype=np.uint32)
    first = len(runs[0][0])
    pos_starts[first + 1 : first + 1 + len(position_counts)] = np.cumsum(position_counts)
    pos_starts[first + 1 + len(position_counts) :] = len(positioned.positions)
    char_starts = edges[:-1].astype(np.uint32)
    title_stops = char_starts + title_lengths.astype(np.uint32)
    return Segment(base, size, keys, starts, ids, pos_starts, positioned.positions, char_starts, title_stops)


def _listed_words(
    segments: Sequence[Segment], long_words: list[str], collided: list[int]
) -> tuple[list[str], np.ndarray, list[int]]:
    """The batch's distinct words and their keys (IndexBatch.words): the short ones read back
    from the segments' keys, the long ones as they were cut out."""
    short_keys = [s.keys[(s.keys >= SHORT_WORD_TAG) & (s.keys < LONG_WORD_TAG)] for s in segments]
    short = np.unique(np.concatenate(short_keys)) if short_keys else np.zeros(0, dtype=np.uint64)
    long_keys = np.array([word_key(word) for word in long_words], dtype=np.uint64)
    return short_words(short) + long_words, np.concatenate((short, long_keys)), collided


def build_batch(posts: Sequence[Post], body_texts: Sequence[str]) -> IndexBatch:
    """Fold, store and index a batch of posts. CPU-heavy: call it off the UI thread."""
    size = len(posts)
    segments = []
    blob_parts: list[bytes] = []
    starts = np.zeros(size, dtype=np.int64)
    title_ends = np.zeros(size, dtype=np.int64)
    ends = np.zeros(size, dtype=np.int64)
    offset = 0
    folded_titles: list[str] = []
    long_seen: set[str] = set()
    word_list: list[str] = []
    collided: list[int] = []
    for first in range(0, size, SEGMENT_DOCS):
        last = min(first + SEGMENT_DOCS, size)
        joined = "\x1e".join(doc_text(posts[i], body_texts[i]) for i in range(first, last))
        folded = fold_code_points(code_points(joined))
        joined_folded = folded.tobytes().decode("utf-32-le", "surrogatepass")
        parts = joined_folded.split("\x1e")
        separators = np.flatnonzero(folded == _DOC_SEPARATOR)
        word_entries, long_words, word_collisions = segment_words(folded, joined_folded, separators)
        fresh = [word for word in long_words if word not in long_seen]
        long_seen.update(fresh)
        word_list += fresh
        collided += word_collisions
        for position, part in enumerate(parts):
            doc = first + position
            title = part[: len(posts[doc].title)]
            folded_titles.append(title)
            encoded = part.encode("utf-8", "surrogatepass")
            starts[doc] = offset
            title_ends[doc] = offset + len(title.encode("utf-8", "surrogatepass"))
            offset += len(encoded)
            ends[doc] = offset
            blob_parts.append(encoded)
        title_lengths = np.fromiter((len(posts[doc].title) for doc in range(first, last)), np.int64, last - first)
        segments.append(_segment(first, folded, separators, title_lengths, word_entries))

    timestamps = np.full(size, np.nan)
    local_timestamps = np.full(size, np.nan)
    repaired = np.zeros(size, dtype=bool)
    fields: dict[str, dict[str, list[int]]] = {"author": {}, "cat": {}, "tag": {}, "source": {}}
    folded_values: dict[str, str] = {}
    for doc, post in enumerate(posts):
        if post.date is not None:
            timestamps[doc] = post.date.timestamp()
            # date:/before:/after: compare the date as the post shows it (its own zone).
            local_timestamps[doc] = post.date.replace(tzinfo=UTC).timestamp()
        repaired[doc] = post.repaired
        entries = {
            "author": post.authors,
            "cat": category_values(post.categories),
            "tag": post.tags,
            "source": (source_host(post.link),) if post.link else (),
        }
        for name, items in entries.items():
            for item in set(items):
                if item:
                    folded_item = folded_values.get(item)
                    if folded_item is None:
                        folded_item = folded_values[item] = fold(item)
                    fields[name].setdefault(folded_item, []).append(doc)
    texts = TextBatch(b"".join(blob_parts), starts, title_ends, ends)
    listed = _listed_words(segments, word_list, collided)
    return IndexBatch(
        size, tuple(segments), texts, timestamps, local_timestamps, repaired, folded_titles, fields, listed
    )
