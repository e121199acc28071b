"""What a reader did with an archive: read marks, bookmarks, history, where they left off.

Kept per archive (and per reader profile, so readers of a served archive stay apart) in the
user's data directory, never in the archive. Posts are known by their file path, which
survives re-loading and editing. Written atomically (temp file, fsync, rename): a crash or a
kill mid-write leaves the previous file. A file that cannot be read is set aside with a
notice and the reader starts afresh; it never stops the app.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .locations import archive_key, data_root

STATE_VERSION = 1
HISTORY_LIMIT = 500
FLAGS = ("read", "unread", "bookmarked")
"""The `is:` values answered from this state."""


def state_path_for(roots: Iterable[Path | str], profile: str = "default") -> Path:
    safe_profile = re.sub(r"[^A-Za-z0-9_.-]", "_", profile)[:64] or "default"
    return data_root() / "state" / f"{archive_key(roots)}-{safe_profile}.json"


_WRITING = threading.Lock()
"""Held while a reading state is written (the app saves from a worker thread and on exit)."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def load_settings() -> dict:
    """Choices made in the app that outlive an archive (the theme); {} when unreadable."""
    try:
        data = json.loads((data_root() / "settings.json").read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(settings: dict) -> None:
    write_atomically(data_root() / "settings.json", json.dumps(settings, ensure_ascii=False).encode("utf-8"))


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of writes that were killed (older than a minute: not a live write)."""
    try:
        for temporary in path.parent.glob(f".{path.name}.*.tmp"):
            if time.time() - temporary.stat().st_mtime > 60:
                temporary.unlink()
    except OSError:
        pass


class UserState:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.roots: list[str] = []
        self.read: set[str] = set()
        self.bookmarks: dict[str, float] = {}
        """Post path -> when it was bookmarked (Unix seconds); insertion ordered."""
        self.history: list[str] = []
        self.history_position = -1
        self.last_query = ""
        self.last_post = ""
        self.generation = 0
        """Bumped on every change: masks and savers compare it."""
        self.saved_generation = 0

    # ------------------------------------------------------------ files

    @classmethod
    def load(cls, path: Path, set_aside: bool = True) -> tuple[UserState, str | None]:
        """The state at `path` (empty when there is none) and a notice when it was unusable.

        `set_aside`: move an unreadable file out of the way (the app, which writes a new one);
        readers that only look (the CLI) leave it."""
        state = cls(path)
        if set_aside:
            _remove_stale_temporaries(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return state, None
        except OSError as error:
            return state, f"Could not read your reading state ({error.strerror}); starting afresh"
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
                raise ValueError("not a postshelf state file of this version")
            state.roots = [str(root) for root in data.get("roots", [])]
            state.read = {str(item) for item in data.get("read", [])}
            state.bookmarks = {str(key): float(value) for key, value in dict(data.get("bookmarks", {})).items()}
            state.history = [str(item) for item in data.get("history", [])][-HISTORY_LIMIT:]
            state.history_position = min(
                int(data.get("history_position", len(state.history) - 1)), len(state.history) - 1
            )
            state.last_query = str(data.get("last_query", ""))
            state.last_post = str(data.get("last_post", ""))
        except (ValueError, TypeError, AttributeError) as error:
            if not set_aside:
                return cls(None), f"Your reading state could not be read ({error}); it is not used"
            aside = path.with_name(f"{path.stem}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}.json")
            try:
                os.replace(path, aside)
                where = f"set aside as {aside}"
            except OSError:
                where = "left in place"
            return cls(path), f"Your reading state could not be read ({error}); it was {where} and a fresh one started"
        return state, None

    def snapshot(self) -> tuple[int, dict]:
        """A copy of the state to write from another thread while this one keeps changing."""
        return self.generation, {
            "version": STATE_VERSION,
            "roots": list(self.roots),
            "read": list(self.read),
            "bookmarks": dict(self.bookmarks),
            "history": list(self.history),
            "history_position": self.history_position,
            "last_query": self.last_query,
            "last_post": self.last_post,
        }

    @property
    def dirty(self) -> bool:
        return self.generation != self.saved_generation

    def write(self, snapshot: tuple[int, dict]) -> None:
        """Write a snapshot atomically. Raises OSError when it cannot be written."""
        generation, data = snapshot
        if self.path is None:
            return
        with _WRITING:  # one write at a time (they share a temporary name)...
            if generation < self.saved_generation:
                return  # ...and an older snapshot, written late by a worker thread, never replaces a newer one
            data["read"].sort()
            encoded = json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8", "surrogateescape")
            write_atomically(self.path, encoded)
            self.saved_generation = max(self.saved_generation, generation)

    def save(self) -> None:
        """Write the state now if it changed. Raises OSError when it cannot be written."""
        if self.dirty:
            self.write(self.snapshot())

    def _changed(self) -> None:
        self.generation += 1

    # ------------------------------------------------------------ marks

    def is_read(self, path: str) -> bool:
        return path in self.read

    def set_read(self, paths: Iterable[str], read: bool = True) -> int:
        """Mark posts read or unread; returns how many changed."""
        before = len(self.read)
        if read:
            self.read.update(paths)
        else:
            self.read.difference_update(paths)
        changed = abs(len(self.read) - before)
        if changed:
            self._changed()
        return changed

    def is_bookmarked(self, path: str) -> bool:
        return path in self.bookmarks

    def toggle_bookmark(self, path: str) -> bool:
        """Returns whether the post is bookmarked now."""
        self._changed()
        if path in self.bookmarks:
            del self.bookmarks[path]
            return False
        self.bookmarks[path] = time.time()
        return True

    def move(self, moved: dict[str, str]) -> None:
        """Posts whose files were moved or renamed (old path -> new path) keep their marks,
        their place in the history, and being the last post read."""
        if not moved:
            return
        self.read = {moved.get(path, path) for path in self.read}
        self.bookmarks = {moved.get(path, path): when for path, when in self.bookmarks.items()}
        self.history = [moved.get(path, path) for path in self.history]
        self.last_post = moved.get(self.last_post, self.last_post)
        self._changed()

    # ------------------------------------------------------------ where the reader is

    def remember(self, query: str | None = None, post: str | None = None) -> None:
        if query is not None and query != self.last_query:
            self.last_query = query
            self._changed()
        if post is not None and post != self.last_post:
            self.last_post = post
            self._changed()

    def visit(self, path: str) -> None:
        """A post was opened (not by going back or forward): it becomes the newest history entry."""
        if 0 <= self.history_position < len(self.history) and self.history[self.history_position] == path:
            return
        del self.history[self.history_position + 1 :]
        self.history.append(path)
        if len(self.history) > HISTORY_LIMIT:
            del self.history[: len(self.history) - HISTORY_LIMIT]
        self.history_position = len(self.history) - 1
        self._changed()

    def step(self, offset: int, exists=lambda path: True) -> str | None:
        """Go back (-1) or forward (+1) in history, skipping posts that no longer exist."""
        position = self.history_position + offset
        while 0 <= position < len(self.history):
            if exists(self.history[position]):
                self.history_position = position
                self._changed()
                return self.history[position]
            position += offset
        return None


class FlagMasks:
    """`is:read`, `is:unread` and `is:bookmarked` as boolean masks over post ids.

    Recomputed only when the state changed or posts were added: one set lookup per post,
    ~10 ms at 100k posts."""

    def __init__(self, state: UserState, paths: Sequence[str]) -> None:
        self.state = state
        self.paths = paths  # the post table's path column: grows while loading
        self._cache: dict[str, tuple[int, int, np.ndarray]] = {}

    def __call__(self, flag: str, size: int) -> np.ndarray:
        name = "read" if flag == "unread" else flag
        cached = self._cache.get(name)
        if cached is None or cached[0] != self.state.generation or cached[1] != size:
            members = self.state.read if name == "read" else self.state.bookmarks
            paths = self.paths
            if members:
                mask = np.fromiter(
                    (paths[i] in members for i in range(min(size, len(paths)))), dtype=bool, count=min(size, len(paths))
                )
                if len(mask) < size:
                    mask = np.concatenate((mask, np.zeros(size - len(mask), dtype=bool)))
            else:
                mask = np.zeros(size, dtype=bool)
            cached = self._cache[name] = (self.state.generation, size, mask)
        return ~cached[2] if flag == "unread" else cached[2]
