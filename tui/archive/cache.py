"""The warm-start cache: an archive's posts, skipped files, file table and search index on disk.

Kept in the user's cache directory (locations.py), one folder per set of archive roots. Arrays
are .npy files and the folded texts one blob, all memory-mapped on load, so a 100k-post archive
opens in well under a second and pages in only what searches touch. A cache that is missing,
from another format, truncated or inconsistent is reported and rebuilt, never trusted: every
file is listed in the manifest with its size, the small ones with a CRC, and the arrays are
checked against each other before use. Writes go to a temporary folder renamed into place, so
a crash mid-write leaves the previous cache (or none), never half of one.
"""

from __future__ import annotations

import gc
import json
import mmap
import os
import pickle
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .. import __version__
from .archive import Archive, Skipped
from .cache_checks import CacheError, Checksums, check_arrays, checked_sources, crc
from .cache_folders import recover_interrupted_swap, remove_abandoned, swap_into_place
from .change_check import folders_apart
from .folded_titles import FoldedTitles
from .index_batch import Segment, position_arrays
from .index_spill import IndexSpill
from .index_state import IndexState
from .locations import cache_dir_for
from .post_table import PACKED, PackedStrings, PostTable
from .posting_stack import TABLE_COLUMNS, PostingStack, fences_of, segment_row
from .survey import Ignored
from .text_helper import map_file, moved_to
from .words import WordList

CACHE_FORMAT = 29  # 29: pairs' positions; 28: an image without a web source is its alt text alone; 27: the description searchable, redirect_to the link; 26: only defined footnotes numbered; 25: bold code, footnote numbers, raised text as shown; 24: quotes joined, no join across <br>; 23: `<` before a space is text, footnotes searchable, shortcut references; 22: only paired emphasis marks left out of the search text, defined references only; 21: Vue slots searchable, categories written as links, templated link definitions, YAML closed by ...; 20: search text without inline markup (links, emphasis, inline tags, CJK line breaks); 19: Hugo leaf bundles' resources are not pages; 18: field ids as int32, files.pickle checked when read; 17: Zola taxonomies; 16: categories from the root (cat:=/x); 15: the files snippets read; 14: fences; 13: titles' own grams; 12: the words; 11: text columns as bytes, the order
_ARRAYS = (
    "starts",
    "title_ends",
    "ends",
    "alive",
    "timestamps",
    "local_timestamps",
    "repaired",
    "order",
    "segment_table",
    "keys",
    "key_starts",
    "ids",
    "pos_starts",
    "positions",
    "char_starts",
    "title_stops",
    "fences",
)
_POSTINGS = ("keys", "key_starts", "ids", "segment_table", "fences", "pos_starts", "positions")
_CHECKED_FILES = ("posts.pickle", "meta.pickle", "files.pickle")


# ---------------------------------------------------------------- saving


def _temporary_folder(directory: Path) -> Path:
    """A new folder beside the cache's, to write it in (named so that `remove_abandoned` can
    tell whether the process writing it is still alive)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(directory)
    temporary = directory.with_name(f"{directory.name}.tmp-{os.getpid()}-{time.monotonic_ns()}")
    temporary.mkdir()
    return temporary


def start_spill(archive: Archive) -> None:
    """Write the index of an archive being read from scratch straight into a new cache folder
    (index_spill.py); without one (the cache folder cannot be written) it stays on the heap."""
    if archive.index.size or archive.index.spill is not None:
        return
    try:
        archive.index.spill = IndexSpill(_temporary_folder(cache_dir_for(archive.roots)))
    except OSError:
        archive.index.spill = None


def drop_spill(archive: Archive) -> None:
    """The cache will not be written (a load stopped midway): delete the files (what is mapped
    stays readable until it is let go)."""
    spill, archive.index.spill = archive.index.spill, None
    if spill is not None:
        spill.abandon()


def save(archive: Archive, directory: Path | None = None) -> Path:
    """Write the archive's cache atomically. Raises OSError when it cannot be written."""
    directory = directory or cache_dir_for(archive.roots)
    with archive.changes_paused():
        spill, state = archive.index.spill, archive.index.state
        if spill is not None and spill.directory.parent == directory.parent and state.main_docs == state.size:
            temporary, archive.index.spill = spill.directory, None
            written = spill.finish()  # the texts and posting lists are there already
        else:
            drop_spill(archive)
            temporary, written = _temporary_folder(directory), []
    try:
        with archive.changes_paused():
            state = archive.index.state
            columns = {name: values[: state.size] for name, values in archive.posts.state().items()}
            skipped = [(str(s.path), s.relative_path, s.reason) for s in archive.skipped]
            files = dict(archive.files)  # (reads a lazily loaded table first)
            sources = dict(archive.sources)
            fields = {  # int32: a million posts' ids, half the bytes to read at every start
                name: {value: np.concatenate(arrays).astype(np.int32) for value, arrays in values.items()}
                for name, values in state.fields.items()
            }
        _write_state(temporary, state, skip=written)
        _dump_columns(temporary / "posts.pickle", columns)
        ignored = [(rule.path, rule.relative_path, rule.reason, rule.files) for rule in archive.ignored]
        meta = {
            "skipped": skipped,
            "fields": fields,
            "ignored": ignored,
            "words": state.words.saved(),
            "sources": sources,
        }
        _dump(temporary / "meta.pickle", meta)
        _dump(temporary / "files.pickle", files, shared=False)
        manifest = {
            "format": CACHE_FORMAT,
            "postshelf": __version__,
            "roots": [str(root) for root in archive.roots],
            "posts": state.size,
            "listed": int(state.alive[: state.size].sum()),
            "created": time.time(),
            "verified": archive.verified_at,
            "apart": folders_apart(archive.roots, files),
            "files": {path.name: path.stat().st_size for path in temporary.iterdir()},
            "crc32": {name: crc(temporary / name) for name in _CHECKED_FILES},
        }
        (temporary / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        swap_into_place(temporary, directory)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return directory


def _write_state(directory: Path, state: IndexState, skip: list[str]) -> None:
    main_length = len(state.main_blob)
    if "texts.blob" not in skip:
        with open(directory / "texts.blob", "wb") as blob:
            if main_length:
                blob.write(memoryview(state.main_blob)[:main_length])
            blob.write(state.delta_blob)
    shift = np.where(np.arange(state.size) < state.main_docs, 0, main_length)
    segments = state.segments
    table = np.array([segment_row(s) for s in segments], dtype=np.int64).reshape(-1, TABLE_COLUMNS)
    arrays = {
        "starts": state.starts[: state.size] + shift,
        "title_ends": state.title_ends[: state.size] + shift,
        "ends": state.ends[: state.size] + shift,
        "alive": state.alive[: state.size],
        "timestamps": state.timestamps[: state.size],
        "local_timestamps": state.local_timestamps[: state.size],
        "repaired": state.repaired[: state.size],
        "order": state.order,  # sorting it again took 16 ms of every `postshelf search` at 100k
        "segment_table": table,
    }
    if "fences.npy" not in skip:  # every 512th key: read whole at every start (posting_stack.py)
        arrays["fences"] = _fences(state)
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    # The posting arrays are the big ones: written piece by piece, never concatenated in memory.
    if "keys.npy" not in skip:
        _save_pieces(directory / "keys.npy", [s.keys for s in segments], np.uint64)
        _save_pieces(directory / "key_starts.npy", [s.starts for s in segments], np.uint32)
        _save_pieces(directory / "ids.npy", [s.ids for s in segments], np.uint16)
        positioned = [position_arrays(s) for s in segments]
        for number, name in enumerate(("pos_starts", "positions", "char_starts", "title_stops")):
            _save_pieces(directory / f"{name}.npy", [columns[number] for columns in positioned], np.uint32)


def _fences(state: IndexState) -> np.ndarray:
    """The fences of the state's segments: a cache's own for the segments read from it, so that
    no page of its keys is touched (every 512th key is a page each: all of keys.npy mapped in)."""
    stack, segments = state.stack, state.segments
    if stack is not None and stack.fences is not None:
        return np.concatenate((stack.fences, fences_of(segments[stack.count :])))
    return fences_of(segments)


def _save_pieces(path: Path, pieces: list[np.ndarray], dtype) -> None:
    """Write arrays as one .npy file, as np.concatenate(pieces) would be, without building it."""
    total = sum(len(piece) for piece in pieces)
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": (total,)}
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(file, header)
        for piece in pieces:
            file.write(np.ascontiguousarray(piece, dtype=dtype).tobytes())


def _dump(path: Path, value, shared: bool = True) -> None:
    """`shared=False` for values with no object in two places: the pickler then keeps no table
    of every object written (at a million posts that table alone took 1.3 GB)."""
    with open(path, "wb") as file:
        pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = not shared
        pickler.dump(value)


_SHARED_COLUMNS = frozenset({"authors", "categories", "tags", "body_format", "notes"})
"""Columns whose values repeat (interned in PostTable): pickled with their sharing kept."""


def _dump_columns(path: Path, columns: dict[str, list]) -> None:
    """The post table as one pickle per column, in a row: the pickler's table of objects
    written only ever holds one column's, and only for the columns that share values."""
    with open(path, "wb") as file:
        pickle.dump(list(columns), file, protocol=pickle.HIGHEST_PROTOCOL)
        for name, column in columns.items():
            pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = name not in _SHARED_COLUMNS
            pickler.dump(PackedStrings.of(column).packed() if name in PACKED else column)


def _load_columns(file) -> dict[str, Sequence]:
    names = pickle.load(file)
    if not isinstance(names, list):
        raise ValueError("the post table is not a list of columns")
    columns: dict[str, Sequence] = {}
    for name in names:
        value = pickle.load(file)
        columns[name] = PackedStrings.unpacked(*value) if name in PACKED else value
    return columns


# ---------------------------------------------------------------- loading


def load(roots: Iterable[Path | str], directory: Path | None = None) -> Archive:
    """The cached archive for these roots. Raises CacheError when there is no usable cache."""
    archive = Archive(roots)
    directory = directory or cache_dir_for(archive.roots)
    if not directory.is_dir():
        recover_interrupted_swap(directory)
    remove_abandoned(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise CacheError("no cache yet")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CacheError(f"the cache manifest is unreadable ({error.__class__.__name__})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
        raise CacheError("the cache was written by another version of postshelf")
    if manifest.get("roots") != [str(root) for root in archive.roots]:
        raise CacheError("the cache belongs to other folders")
    try:
        for name, size in manifest["files"].items():
            if (directory / name).stat().st_size != size:
                raise CacheError(f"the cache file {name} is truncated or was changed")
        # Checksums in threads (zlib lets go of the GIL) while this one unpickles; checked
        # before anything read is used.
        # (files.pickle is checked when it is read: a warm start that finds nothing changed never reads it)
        expected = dict(manifest["crc32"])
        files_crc = expected.pop("files.pickle")
        checksums = Checksums(directory, expected)
        try:
            with _collector_paused(), open(directory / "posts.pickle", "rb") as file:
                columns = _load_columns(file)
            with _collector_paused(), open(directory / "meta.pickle", "rb") as file:
                meta = pickle.load(file)
        except Exception:
            checksums.check()  # a corrupt file says so, rather than how unpickling it failed
            raise
        checksums.check()
        arrays = {name: _mapped(directory / f"{name}.npy") for name in _ARRAYS}
        blob = _map(directory / "texts.blob")
        words = WordList.restored(*meta["words"])
    except CacheError:
        raise
    except (OSError, ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError, AttributeError) as error:
        raise CacheError(f"the cache is damaged ({error.__class__.__name__}: {str(error)[:80]})") from error
    size = int(manifest["posts"])
    check_arrays(arrays, size, len(blob))
    try:
        archive.posts = PostTable.from_state(columns)
    except ValueError as error:
        raise CacheError(f"the cache is damaged ({error})") from error
    if len(archive.posts) != size:
        raise CacheError("the cache's post table does not match its index")
    archive.skipped = [Skipped(Path(path), relative, reason) for path, relative, reason in meta["skipped"]]
    archive.ignored = [Ignored(*rule) for rule in meta["ignored"]]
    archive.sources = checked_sources(meta.get("sources"))
    verified = manifest.get("verified")
    archive.verified_at = float(verified) if isinstance(verified, (int, float)) else None
    archive.load_files_table_later(lambda: _load_pickle(directory / "files.pickle", dict, files_crc))
    segments = tuple(
        Segment(
            int(base),
            int(count),
            arrays["keys"][key_at : key_at + n_keys],
            arrays["key_starts"][start_at : start_at + n_keys + 1],
            arrays["ids"][ids_at : ids_at + n_ids],
            arrays["pos_starts"][start_at : start_at + n_keys + 1] if positioned else None,
            arrays["positions"][positions_at : positions_at + n_positions] if positioned else None,
            arrays["char_starts"][base : base + count] if positioned else None,
            arrays["title_stops"][base : base + count] if positioned else None,
        )
        for (base, count, n_keys, n_ids, n_positions, positioned), key_at, start_at, ids_at, positions_at in (
            _segment_offsets(arrays["segment_table"])
        )
    )
    restored = IndexState.restored(
        segments=segments,
        blob=blob,
        starts=np.array(arrays["starts"]),
        title_ends=np.array(arrays["title_ends"]),
        ends=np.array(arrays["ends"]),
        alive=np.array(arrays["alive"]),
        timestamps=np.array(arrays["timestamps"]),
        local_timestamps=np.array(arrays["local_timestamps"]),
        repaired=np.array(arrays["repaired"]),
        order=np.array(arrays["order"]),
        titles=FoldedTitles(columns["title"]),
        fields={name: {value: [ids] for value, ids in values.items()} for name, values in meta["fields"].items()},
        words=words,
        stack=PostingStack.of(*(arrays[name] for name in _POSTINGS)),
    )
    archive.index.restore(restored)
    return archive


def renew_verified(archive: Archive, directory: Path | None = None) -> None:
    """Record a check of every file that found nothing changed, so the next start can trust
    the quick check again. Best effort: the manifest is rewritten whole, atomically."""
    directory = directory or cache_dir_for(archive.roots)
    path = directory / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("posts") != archive.index.size:
            return  # not the cache this archive came from
        manifest["verified"] = archive.verified_at
        temporary = path.with_name(f"manifest.json.tmp-{os.getpid()}")
        temporary.write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, ValueError, AttributeError):
        pass


def _load_pickle(path: Path, kind: type, checksum: int | None = None):
    """A pickle from a cache already checked on load (or against `checksum` now); damage
    found now reads as empty."""
    try:
        if checksum is not None and crc(path) != checksum:
            return kind()
        with _collector_paused(), open(path, "rb") as file:
            value = pickle.load(file)
        return value if isinstance(value, kind) else kind()
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return kind()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling 100k rows allocates a million containers: the garbage collector would run
    hundreds of times meanwhile, rescanning everything alive (the app's widgets too), for
    nothing (a pickle makes no garbage): 0.1 to 0.2 s of a 0.25 s load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_NPY_HEADER = re.compile(
    rb"\x93NUMPY\x01\x00(..)\{'descr': '([<|][a-z][1-8])', 'fortran_order': False, 'shape': \((\d+),\), \} *\n", re.S
)
"""The header np.save writes for a one-dimensional array (format 1.0), as ours all are."""


def _mapped(path: Path) -> np.ndarray:
    """A .npy file mapped read-only, as a plain array. Not np.load's memmap: a slice of a memmap
    is a memmap again, made by Python code (25 us each, three per segment: 75 ms at a million
    posts), and np.load parses each header with ast (0.5 ms a file, at every start)."""
    with open(path, "rb") as file:
        header = _NPY_HEADER.match(file.read(128))
        if header is None or int.from_bytes(header[1], "little") + 10 != header.end():
            return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        dtype, count = np.dtype(header[2].decode("ascii")), int(header[3])
        if os.fstat(file.fileno()).st_size != header.end() + count * dtype.itemsize:
            raise ValueError(f"{path.name} is not as long as its header says")
        if not count:  # mmap cannot map the header alone
            empty = np.zeros(0, dtype=dtype)
            empty.flags.writeable = False
            return empty
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    return np.frombuffer(mapped, dtype=dtype, count=count, offset=header.end())


def _map(path: Path) -> bytes | mmap.mmap:
    if path.stat().st_size == 0:
        return b""
    with open(path, "rb") as file:
        return map_file(file)  # (a map that says which file it is: text_helper.py reads it too)


def _segment_offsets(table: np.ndarray):
    key_at = start_at = ids_at = positions_at = 0
    for row in np.asarray(table).tolist():
        yield row, key_at, start_at, ids_at, positions_at
        key_at += row[2]
        start_at += row[2] + 1
        ids_at += row[3]
        positions_at += row[4]


def adopt_saved(archive: Archive, directory: Path) -> None:
    """After a save, use the memory-mapped cache files instead of the in-memory index, as a warm
    start would: the texts and posting lists (most of the memory) are then paged in on demand."""
    state = archive.index.state
    moved_to(state.main_blob, directory / "texts.blob")  # a cold read's texts: its folder became the cache
    if state.main_docs == state.size and isinstance(state.main_blob, mmap.mmap):
        # Written as it was read (index_spill.py): mapped already, a segment at a time.
        try:
            arrays = {name: _mapped(directory / f"{name}.npy") for name in _POSTINGS}
        except (OSError, ValueError):
            pass
        else:
            archive.index.use_stack(PostingStack.of(*(arrays[name] for name in _POSTINGS)))
        release_free_memory()
        return
    with archive.changes_paused():
        try:
            saved = load(archive.roots, directory)
        except CacheError:
            return
        if saved.index.size != archive.index.size:
            return  # more posts arrived meanwhile; keep the in-memory index
        archive.index.use_storage_of(saved.index.state)
    release_free_memory()


def release_free_memory() -> None:
    """Hand freed heap pages back to the OS (glibc keeps them otherwise; RSS would not drop)."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
