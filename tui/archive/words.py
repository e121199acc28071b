"""Latin words as posting keys: exact answers for terms such as `python` or `ytho`.

A term of three or more characters is answered by intersecting its bigrams' postings, then
checking each candidate's text: for a common English word that is tens of thousands of texts
(100 ms at 100k posts). But a term made only of ASCII letters and digits can only occur inside
a word: a maximal run of them in the folded text. So each segment also lists, for every such
word of three or more characters, the posts that have it, under a key derived from the word;
and the index keeps every word it has seen (`WordList`). The posts containing a term are then
exactly those having one of the words that contain it: a scan of the word list, then the
union of a few posting lists, with no text checked.

A word of up to 9 characters is its own key (SHORT_WORD_TAG); a longer one's key is 50 bits of
a BLAKE2b digest. Two long words with the same key are found when the list is built (both words
are in it): such keys are `collided`, and a term matching one is answered the old way, by
checking texts.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence

import numpy as np

SHORT_WORD_TAG = 1 << 49
"""A word of up to 9 characters is its own key: this plus the word read as a base-37 number
(digits 1-10, letters 11-36, 0 for the padding after a shorter word; 37**9 < 2**47). No hash,
so no two such words share a key, and the words come back from the keys."""
LONG_WORD_TAG = 1 << 50
"""A longer word's key: this and 50 bits of a BLAKE2b digest. Both kinds are above every bigram
key (< 2**42), and shifted by the 11 bits of a local post id they still fit in 64."""
MAX_WORDS_PER_TERM = 64
"""A term inside more words than this (`ing`) reads too many posting lists: checked as before."""
_SHORT = 9
_TERM = re.compile(r"[0-9a-z]{3,}\Z")
_SYMBOLS = np.zeros(128, dtype=np.uint64)
_SYMBOLS[0x30:0x3A] = np.arange(1, 11)
_SYMBOLS[0x61:0x7B] = np.arange(11, 37)
_PLACES = 37 ** np.arange(_SHORT - 1, -1, -1, dtype=np.uint64)  # the first character's place first
_CHARACTERS = np.frombuffer(b"\x000123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_long_keys_seen: dict[str, int] = {}


def is_word_term(folded_term: str) -> bool:
    return _TERM.match(folded_term) is not None


def word_key(word: str) -> int:
    if len(word) <= _SHORT:
        value = 0
        for char in word.ljust(_SHORT, "\0"):
            value = value * 37 + int(_SYMBOLS[ord(char)]) if char != "\0" else value * 37
        return SHORT_WORD_TAG + value
    key = _long_keys_seen.get(word)
    if key is None:
        digest = hashlib.blake2b(word.encode("ascii"), digest_size=8).digest()
        key = LONG_WORD_TAG | (int.from_bytes(digest, "little") >> 14)
        if len(_long_keys_seen) > 200_000:  # long words repeat from batch to batch; junk must not pile up
            _long_keys_seen.clear()
        _long_keys_seen[word] = key
    return key


def short_words(keys: np.ndarray) -> list[str]:
    """The words whose keys these are (all SHORT_WORD_TAG keys)."""
    values = keys.astype(np.uint64) - np.uint64(SHORT_WORD_TAG)
    grid = np.empty((len(values), _SHORT + 1), dtype=np.uint8)
    grid[:, _SHORT] = ord("\n")
    for place in range(_SHORT - 1, -1, -1):
        grid[:, place] = _CHARACTERS[values % np.uint64(37)]
        values //= np.uint64(37)
    return grid.tobytes().decode("ascii").replace("\0", "").split("\n")[:-1]


def segment_words(folded: np.ndarray, text: str, separators: np.ndarray) -> tuple[np.ndarray, list[str], list[int]]:
    """The words of a segment's posts, whose folded code points are `folded` (`text` as a str,
    posts parted at `separators`): entries `key << 11 | local id` (uint64, unsorted, some
    twice), the distinct words longer than 9 characters, and the keys two of those share.

    Done in numpy: a regex over each post, or cutting every word out in Python, took 20 us a
    post, a tenth of its cost. Only the words of more than 9 characters are cut out."""
    # In place and into one padded buffer: each pass over 2M code points costs a millisecond.
    shifted = np.subtract(folded, np.uint32(0x30), dtype=np.uint32)  # digits from 0: folded is lower case
    padded = np.zeros(len(folded) + 2, dtype=bool)
    in_word = padded[1:-1]
    np.less(shifted, 10, out=in_word)
    np.subtract(shifted, np.uint32(0x31), out=shifted)  # letters from 0
    in_word |= shifted < 26
    del shifted
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    starts, lengths = edges[0::2], edges[1::2] - edges[0::2]
    long_enough = lengths >= 3
    starts, lengths = starts[long_enough], lengths[long_enough]
    keys = np.empty(len(starts), dtype=np.uint64)
    short = lengths <= _SHORT
    short_starts, short_lengths = starts[short], lengths[short]
    if len(short_starts):
        offsets = np.cumsum(short_lengths) - short_lengths
        places = np.arange(int(short_lengths.sum()), dtype=np.int64) - np.repeat(offsets, short_lengths)
        symbols = _SYMBOLS[folded[np.repeat(short_starts, short_lengths) + places]]
        keys[short] = np.add.reduceat(symbols * _PLACES[places], offsets) + np.uint64(SHORT_WORD_TAG)
    long_words: list[str] = []
    collided: list[int] = []
    if not short.all():
        long_starts = starts[~short]
        runs = list(map(text.__getitem__, map(slice, long_starts.tolist(), (long_starts + lengths[~short]).tolist())))
        long_words = sorted(set(runs))
        long_keys = [word_key(word) for word in long_words]
        if len(set(long_keys)) != len(long_keys):
            owner: dict[int, str] = {}
            pairs = zip(long_words, long_keys, strict=True)
            collided = sorted({key for word, key in pairs if owner.setdefault(key, word) != word})
        key_of = dict(zip(long_words, long_keys, strict=True))
        keys[~short] = np.fromiter(map(key_of.__getitem__, runs), dtype=np.uint64, count=len(runs))
    docs = np.searchsorted(separators, starts).astype(np.uint64)
    return (keys << np.uint64(11)) | docs, long_words, collided


_WORD_BYTES = b"0123456789abcdefghijklmnopqrstuvwxyz\n"


class WordList:
    """Every word the index has seen, with its key: appended to as batches are added (under the
    index's lock), read by searches on any thread. A search may see words added after its state
    was taken: their postings are in segments it does not have, so they add nothing to it.

    The words read from a cache stay one text (what the search scans) and one array of keys: a
    million words as a list of strings and ints would cost ~100 MB and 0.1 s at every start."""

    def __init__(self, text: str = "", keys: np.ndarray | None = None, collided: Iterable[int] = ()) -> None:
        self._base_text = text
        self._base_keys = keys if keys is not None else np.zeros(0, dtype=np.uint64)
        self._base_count = len(self._base_keys)
        self._words: list[str] = []  # added since: after the base's
        self._keys: list[int] = []
        self.collided: set[int] = set(collided)
        self._owner: dict[int, str] | None = None  # key -> word, made when first added to
        self._text: tuple[int, str, np.ndarray] | None = None  # (words in it, text, where each starts)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._base_count + len(self._words)

    def add(self, words: Sequence[str], keys: np.ndarray, collided: Iterable[int]) -> None:
        self.collided.update(collided)
        owner = self._owner
        if owner is None:
            base_words = self._base_text.split("\n") if self._base_count else []
            owner = self._owner = dict(zip(self._base_keys.tolist(), base_words, strict=True))
            owner.update(zip(self._keys, self._words, strict=True))
        for word, key in zip(words, keys.tolist(), strict=True):
            known = owner.get(key)
            if known is None:
                owner[key] = word
                self._keys.append(key)
                self._words.append(word)  # last: a reader takes as many words as there are
            elif known != word:
                self.collided.add(key)

    def saved(self) -> tuple[str, np.ndarray, list[int]]:
        """What the cache stores: the words joined by newlines, their keys, the collided keys."""
        count = len(self._words)
        text, _ = self._joined(count)
        keys = np.concatenate((self._base_keys, np.array(self._keys[:count], dtype=np.uint64)))
        return text, keys, sorted(self.collided)

    @classmethod
    def restored(cls, text: str, keys: np.ndarray, collided: Iterable[int]) -> WordList:
        """From what `saved` gave; ValueError when it is not a list of words and their keys
        (checked in C and numpy: a regex took 0.24 s over a million words)."""
        keys = np.asarray(keys, dtype=np.uint64)
        data = text.encode("ascii")  # UnicodeEncodeError is a ValueError
        ends = np.append(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10), len(data))
        lengths = np.diff(ends, prepend=-1) - 1
        if (
            data.translate(None, _WORD_BYTES)
            or (text and (lengths < 3).any())
            or (len(ends) if text else 0) != len(keys)
        ):
            raise ValueError("the word list does not match its keys")
        return cls(text, keys, collided)

    def _joined(self, added: int | None = None) -> tuple[str, np.ndarray]:
        """All the words as one text, and where each starts in it."""
        added = len(self._words) if added is None else added
        with self._lock:
            cached = self._text
            if cached is None or cached[0] != added:
                pieces = ([self._base_text] if self._base_count else []) + self._words[:added]
                text = "\n".join(pieces)
                starts = np.zeros(self._base_count + added, dtype=np.int64)
                if len(starts) > 1:
                    newlines = np.flatnonzero(np.frombuffer(text.encode("ascii"), dtype=np.uint8) == 10)
                    starts[1:] = newlines + 1
                cached = self._text = (added, text, starts)
        return cached[1], cached[2]

    def _key(self, index: int) -> int:
        if index < self._base_count:
            return int(self._base_keys[index])
        return self._keys[index - self._base_count]

    def keys_containing(self, folded_term: str) -> list[int] | None:
        """Keys of the words that contain the term; None when the list cannot answer exactly
        (a collided key) or cheaply (more than MAX_WORDS_PER_TERM words)."""
        text, starts = self._joined()
        found = []
        position = text.find(folded_term)
        while position >= 0:
            found.append(position)
            if len(found) > MAX_WORDS_PER_TERM:
                return None
            end = text.find("\n", position)
            if end < 0:
                break
            position = text.find(folded_term, end + 1)
        if not found:
            return []
        where = np.searchsorted(starts, np.array(found, dtype=np.int64), side="right") - 1
        keys = [self._key(index) for index in where.tolist()]
        if self.collided and not self.collided.isdisjoint(keys):
            return None
        return keys
