"""Has anything under the roots changed since the cache last checked every file? Cheaply.

A warm start must see every change, and checking 100k files one `stat` at a time costs 0.3 to
0.5 s of Python. The inode change time (ctime) answers it in one pass: writing a file, renaming
it, or adding or removing a file in a folder (which changes the folder) all set a ctime that
no program can set back. So when nothing under the roots has a ctime newer than the moment the
cache's file table was last checked against the disk (`Archive.verified_at`), nothing changed.

`find` does that pass in C, in its own process, while this one loads the cache. Whatever it
cannot vouch for (find missing or failing, a symbolic link, whose target it does not look at, a
clock set back) is answered "can't tell", and the caller does the full check of every file.

The pass is a `stat` per file, nearly all of it kernel time (2 µs a file here), so on a big
archive two `find`s share it: the cache remembers folders that hold about half the files
(`folders_apart`), one `find` walks those and the other walks the roots without them. A folder
made since lies under the roots, so the second sees it; one removed since makes the first fail,
which reads "can't tell".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from .locations import cache_dir_for, normalize_root

CLOCK_MARGIN = 2.0
"""Seconds taken off the check's start time: a file's ctime comes from the kernel's coarse
clock, a tick behind `time.time()`; a margin makes a change at the same moment count as new.
A full check that finds nothing renews the time (`cache.renew_verified`), so the margin does
not send later starts down the slow path."""


def check_started() -> float:
    """The time to record for a check of every file that starts now."""
    return time.time() - CLOCK_MARGIN


class QuickCheck:
    """A `find` over the roots for anything changed since `since`, running in the background."""

    def __init__(self, roots: Iterable[Path], since: float, apart: Sequence[str] = ()) -> None:
        """`apart`: folders under the roots walked by a second `find` (see the module's note)."""
        self._processes: list[subprocess.Popen[bytes]] = []
        find = shutil.which("find")
        paths = [str(root) for root in roots]
        if find is None or not paths or since <= 0:
            return
        # `.git` is never read (survey.py skips it) and changes with every commit: not looked into.
        skipped = ["-name", ".git", "-type", "d"]
        for folder in apart:
            skipped = ["-path", _literal_pattern(folder), "-o", *skipped]
        test = ["(", "-newerct", f"@{since:.6f}", "-o", "-type", "l", ")", "-print", "-quit"]
        commands = [[find, "-P", *paths, "(", *skipped, ")", "-prune", "-o", *test]]
        if apart:
            commands.append([find, "-P", *apart, "(", "-name", ".git", "-type", "d", ")", "-prune", "-o", *test])
        try:
            for command in commands:
                self._processes.append(
                    subprocess.Popen(
                        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
                    )
                )
        except OSError:
            self.cancel()

    def unchanged(self) -> bool:
        """True only when every find saw every folder and found nothing newer (and no link)."""
        if not self._processes:
            return False
        deadline = time.monotonic() + 60
        for process in self._processes:
            try:
                output, _ = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.cancel()
                return False
            if process.returncode != 0 or output:
                self.cancel()
                return False
        return True

    def cancel(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
        self._processes = []


def _literal_pattern(path: str) -> str:
    """`path` as a pattern for find's -path that matches only itself."""
    return "".join("\\" + character if character in "*?[]\\" else character for character in path)


SHARED_FROM = 10_000
"""Files below which one `find` does the check: it takes a few milliseconds, less than starting
a second process."""


def folders_apart(roots: Iterable[Path], files: Iterable[str]) -> list[str]:
    """Folders under the roots, none inside another, that hold about half of `files` (paths
    under the roots): for a second `find` to walk. Empty when the files are too few, there is
    no second core, or no such folders exist (all the files in one folder)."""
    if (os.cpu_count() or 1) < 2:
        return []
    in_folder = Counter(map(os.path.dirname, files))
    total = sum(in_folder.values())
    if total < SHARED_FROM:
        return []
    tops = {str(root) for root in roots}
    below: Counter[str] = Counter()
    for folder, count in in_folder.items():
        while folder not in tops:
            below[folder] += count
            parent = os.path.dirname(folder)
            if parent == folder:
                break  # not under a root (never: files come from the roots' walk)
            folder = parent
    for folder in [folder for folder in below if not any(_within(folder, top) for top in tops)]:
        del below[folder]
    wanted, slack = total / 2, total / 20
    chosen: dict[str, None] = {}
    # Largest first, and a folder before its subfolders (same count: the shorter name sorts
    # first), so only a chosen folder's subfolders need ruling out.
    for folder, count in sorted(below.items(), key=lambda item: (-item[1], item[0])):
        if wanted <= slack or len(chosen) == MAX_APART:
            break
        if count <= wanted + slack and not _inside_any(folder, chosen, tops):
            chosen[folder] = None
            wanted -= count
    return list(chosen) if wanted <= total / 5 else []


MAX_APART = 64
"""Folders named to the second `find` at most (each is two arguments of the first): a site of
one folder per page (Hugo's bundles) would otherwise name thousands."""


def _within(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _inside_any(folder: str, chosen: dict[str, None], tops: set[str]) -> bool:
    while folder not in tops:
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        if parent in chosen:
            return True
        folder = parent
    return False


def check_in_manifest(directory: Path) -> tuple[float | None, list[str]]:
    """When the cache in `directory` last checked every file, if its manifest says, and the
    folders it set apart for a second `find`. Read without the cache module, so a command can
    start the check before importing it."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, []
    if not isinstance(manifest, dict):
        return None, []
    verified, apart = manifest.get("verified"), manifest.get("apart")
    if not isinstance(apart, list) or not all(isinstance(folder, str) for folder in apart):
        apart = []
    return (float(verified) if isinstance(verified, (int, float)) else None), apart


def verified_in_manifest(directory: Path) -> float | None:
    return check_in_manifest(directory)[0]


def check_for_cache(roots: Iterable[Path | str]) -> QuickCheck | None:
    """The quick check against the cache of these roots, started now (None: no cache yet)."""
    normalized = [normalize_root(root) for root in roots]
    return quick_check(normalized, *check_in_manifest(cache_dir_for(normalized)))


def quick_check(roots: Iterable[Path], since: float | None, apart: Sequence[str] = ()) -> QuickCheck | None:
    """Start the check (None when there is no time to check against)."""
    if since is None or os.name != "posix" or time.time() < since:  # no time, or the clock went back
        return None
    roots = list(roots)
    if not all(any(_within(folder, str(root)) for root in roots) for folder in apart):
        apart = ()  # a manifest not written for these roots: one find (and no word of it read as find's)
    return QuickCheck(roots, since, apart)
