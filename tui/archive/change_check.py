"""Has anything under the roots changed since the cache last checked every file? Cheaply.

A warm start must see every change, and checking 100k files one `stat` at a time costs 0.3 to
0.5 s of Python. The inode change time (ctime) answers it in one pass: writing a file, renaming
it, or adding or removing a file in a folder (which changes the folder) all set a ctime that
no program can set back. So when nothing under the roots has a ctime newer than the moment the
cache's file table was last checked against the disk (`Archive.verified_at`), nothing changed.

`find` does that pass in C, in its own process, while this one loads the cache. Whatever it
cannot vouch for (find missing or failing, a symbolic link, whose target it does not look at, a
clock set back) is answered "can't tell", and the caller does the full check of every file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterable
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

    def __init__(self, roots: Iterable[Path], since: float) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        find = shutil.which("find")
        paths = [str(root) for root in roots]
        if find is None or not paths or since <= 0:
            return
        # `.git` is never read (survey.py skips it) and changes with every commit: not looked into.
        command = [find, "-P", *paths, "(", "-name", ".git", "-type", "d", "-prune", ")", "-o"]
        command += ["(", "-newerct", f"@{since:.6f}", "-o", "-type", "l", ")", "-print", "-quit"]
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        except OSError:
            self._process = None

    def unchanged(self) -> bool:
        """True only when find saw every folder and found nothing newer (and no link)."""
        if self._process is None:
            return False
        try:
            output, _ = self._process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            return False
        return self._process.returncode == 0 and not output

    def cancel(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def verified_in_manifest(directory: Path) -> float | None:
    """When the cache in `directory` last checked every file (its manifest says), if it says.
    Read without the cache module, so a command can start the check before importing it."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    verified = manifest.get("verified") if isinstance(manifest, dict) else None
    return float(verified) if isinstance(verified, (int, float)) else None


def check_for_cache(roots: Iterable[Path | str]) -> QuickCheck | None:
    """The quick check against the cache of these roots, started now (None: no cache yet)."""
    normalized = [normalize_root(root) for root in roots]
    return quick_check(normalized, verified_in_manifest(cache_dir_for(normalized)))


def quick_check(roots: Iterable[Path], since: float | None) -> QuickCheck | None:
    """Start the check (None when there is no time to check against)."""
    if since is None or os.name != "posix" or time.time() < since:  # no time, or the clock went back
        return None
    return QuickCheck(list(roots), since)
