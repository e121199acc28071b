"""Where each pair of characters stands in a segment's texts, not only which posts have it.

A long term (three characters or more) used to be found by its pairs' posting lists, then
checked in the text of every post that has them all: about 1 us a post, 60-85 ms at 100k
posts for a term in a third of them, whatever the intersection did. With the positions of
each pair, a term is where its first pair stands and its next pair two characters on (and so
on): array operations on the pairs' positions, no text read (term_positions.py). The same
positions count a term's occurrences for sort:relevance.

A position is a code point's index in the segment's texts, one after another (each post's
first one is in `char_starts`). Every character at or above a space that is in the Basic
Multilingual Plane gets one, keyed by the pair it starts, or by (character, 0) when no pair in
the BMP follows it (a line's last character): a character's positions are then one run of
keys (all its pairs), and a single character is counted too. The positions come from one
sort, which also gives the pairs' posting lists (it replaces their own sort: positions cost
about 20 ms a segment of 2,048 generated posts to build, and 4 bytes a character to keep).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BMP = 0x10000
_PAIR_SHIFT = 21  # as index_batch.GRAM_SHIFT (a pair's key is first << 21 | second)
_DOC_BITS = 11  # as index_batch._DOC_BITS


@dataclass(frozen=True, slots=True)
class PairPositions:
    """A segment's pairs: their keys (sorted, with the (character, 0) ones), how many posts and
    how many positions each has, the posts (local ids, grouped by key) and the positions."""

    keys: np.ndarray  # uint64
    post_counts: np.ndarray  # int64, per key
    position_counts: np.ndarray  # int64, per key
    ids: np.ndarray  # uint16
    positions: np.ndarray  # uint32


def pair_positions(folded: np.ndarray, doc: np.ndarray, space: int) -> PairPositions | None:
    """The pairs of a segment's folded code points (uint32; `doc`: each one's local post id);
    None when there are too many to number in 32 bits."""
    count = len(folded)
    if count >= 1 << 32:
        return None
    # Built in place, one 64-bit array: (first << 16 | second) << 32 | position.
    entries = folded.astype(np.uint64)
    entries <<= np.uint64(16)
    pairable = folded >= space
    follows = pairable[1:] & (folded[1:] < BMP)
    follows &= pairable[:-1]
    entries[:-1] |= folded[1:] * follows
    del follows
    entries <<= np.uint64(32)
    entries |= np.arange(count, dtype=np.uint64)
    pairable &= folded < BMP
    entries = entries[pairable]
    del pairable
    entries.sort()
    if np.little_endian:  # the low half of each entry
        positions = np.ascontiguousarray(entries.view(np.uint32)[::2])
    else:
        positions = (entries & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    pair = entries >> np.uint64(32)  # first << 16 | second
    del entries
    docs = doc[positions]
    changed = np.empty(len(pair), dtype=bool)  # a new pair, or a new post within one
    if len(pair):
        changed[0] = True
        np.not_equal(docs[1:], docs[:-1], out=changed[1:])
        changed[1:] |= pair[1:] != pair[:-1]
    changed = np.flatnonzero(changed)
    changed_pairs = pair[changed]
    new_pair = np.concatenate(([True], changed_pairs[1:] != changed_pairs[:-1])) if len(changed) else changed > 0
    pair_keys = changed_pairs[new_pair]
    starts = changed[new_pair]
    keys = ((pair_keys >> np.uint64(16)) << np.uint64(_PAIR_SHIFT)) | (pair_keys & np.uint64(0xFFFF))
    position_counts = np.diff(np.append(starts, len(pair)))
    real = (changed_pairs & np.uint64(0xFFFF)) != 0  # (character, 0) lists no post
    if len(changed):
        post_counts = np.add.reduceat(real.astype(np.int64), np.flatnonzero(new_pair))
    else:
        post_counts = np.zeros(0, dtype=np.int64)
    ids = docs[changed[real]].astype(np.uint16)
    return PairPositions(keys, post_counts, position_counts, ids, positions)


def other_pairs(folded: np.ndarray, tagged: np.ndarray, space: int) -> np.ndarray:
    """Entries `key << 11 | doc` (unsorted) of the pairs with a character beyond the BMP,
    which have no positions (`tagged`: code point << 11 | doc)."""
    pairable = folded >= space
    wide = pairable[:-1] & pairable[1:] & ((folded[:-1] >= BMP) | (folded[1:] >= BMP))
    return (folded[:-1][wide].astype(np.uint64) << np.uint64(32)) | tagged[1:][wide]


def merged(pairs: PairPositions, others: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(keys, where each key's ids start, ids, how many positions each key has) of the
    positioned pairs and the others (sorted unique entries `key << 11 | doc`)."""
    post_starts = np.concatenate(([0], np.cumsum(pairs.post_counts)))
    if not len(others):
        return pairs.keys, post_starts, pairs.ids, pairs.position_counts
    other_keys, other_starts = np.unique(others >> np.uint64(_DOC_BITS), return_index=True)
    other_ids = (others & np.uint64((1 << _DOC_BITS) - 1)).astype(np.uint16)
    other_counts = np.diff(np.append(other_starts, len(others)))
    keys = np.concatenate((pairs.keys, other_keys))
    order = np.argsort(keys, kind="stable")
    counts = np.concatenate((pairs.post_counts, other_counts))[order]
    sources = np.concatenate((post_starts[:-1], other_starts + len(pairs.ids)))[order]
    all_ids = np.concatenate((pairs.ids, other_ids))
    ids = all_ids[np.repeat(sources - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))]
    position_counts = np.concatenate((pairs.position_counts, np.zeros(len(other_keys), dtype=np.int64)))[order]
    return keys[order], np.concatenate(([0], np.cumsum(counts))), ids, position_counts
