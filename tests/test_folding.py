"""The folding table: built once, then read from the cache folder, never trusted blindly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui.archive import folding

_PRINT_FOLDED = "from tui.archive.folding import fold; print(fold('ＡＢＣ臺灣 Straße'))"


def _fold_in_a_new_process() -> str:
    """A fresh process: the table is module state, and each process builds or reads it once."""
    return subprocess.run([sys.executable, "-c", _PRINT_FOLDED], capture_output=True, text=True, check=True).stdout


def _saved_tables(cache: Path) -> list[Path]:
    return sorted(cache.glob("folding-*.npy"))


def test_the_table_is_saved_once_and_read_back_the_same(private_cache: Path) -> None:
    assert _fold_in_a_new_process() == "abc台湾 straße\n"
    (saved,) = _saved_tables(private_cache)
    written = saved.stat().st_mtime_ns
    assert _fold_in_a_new_process() == "abc台湾 straße\n"
    assert saved.stat().st_mtime_ns == written  # read, not written again
    table = folding._load_saved(saved)
    assert table is not None and np.array_equal(table, folding._build_table())


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a numpy file"),
        lambda path: path.write_bytes(path.read_bytes()[:100]),
        lambda path: np.save(path, np.array([[0x41, 0x42], [0x42, 0x43]], dtype=np.uint32)),  # A -> B -> C
        lambda path: np.save(path, np.array([[0x41], [0x110000]], dtype=np.uint32)),  # beyond Unicode
        lambda path: np.save(path, np.arange(4, dtype=np.int64)),
    ],
)
def test_a_damaged_table_is_built_again(private_cache: Path, damage) -> None:
    _fold_in_a_new_process()
    (saved,) = _saved_tables(private_cache)
    damage(saved)
    assert folding._load_saved(saved) is None
    assert _fold_in_a_new_process() == "abc台湾 straße\n"
    assert folding._load_saved(saved) is not None  # and saved again, whole


def test_a_cache_folder_that_cannot_be_written_only_costs_the_build(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("POSTSHELF_CACHE_DIR", str(blocker / "cache"))
    assert _fold_in_a_new_process() == "abc台湾 straße\n"
