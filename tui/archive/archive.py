"""Archive: find post files under the given folders, load them, keep them current.

Nothing here knows about the UI. Loading never raises for a bad file: it becomes a `Skipped`
entry with the reason, and the rest loads. Posts get ids in the order they load; the index
keeps the display order. Big archives load in batches that are searchable as they arrive
(see loader.py), and a cache (cache.py) makes the next start nearly free; opening.py
puts the two together.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .index import SearchIndex, SearchResult
from .locations import normalize_root
from .post import Post, Skipped
from .post_table import PostTable
from .sites import Layout
from .survey import Ignored, PostFile, find_post_files

if TYPE_CHECKING:
    from .post_reading import Loaded, ReadBatch
    from .snippets import Source

_READING_NAMES = (
    "Loaded",
    "ReadBatch",
    "build_post",
    "load_file",
    "load_one",
    "prepare_batch",
    "read_batch",
    "read_rows",
)


def __getattr__(name: str):
    """Reading files is post_reading.py's (the parsers: not imported by a warm start that reads
    no file); its names are still found here."""
    if name in _READING_NAMES:
        from . import post_reading

        return getattr(post_reading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Archive:
    """Posts (by id), the search index, skipped files, and what each file looked like."""

    def __init__(self, roots: Iterable[Path | str]) -> None:
        self.roots = [normalize_root(root) for root in roots]
        self.posts = PostTable()
        self.index = SearchIndex()
        self.skipped: list[Skipped] = []
        self.ignored: list[Ignored] = []
        """Files with a post extension that are not posts, by rule (set each time the roots are walked)."""
        self.layouts: dict[Path, Layout] = {}
        """How each root is read (its site generator), from the last walk."""
        self.sources: dict[str, tuple[Source, ...]] = {}
        """path -> the other files its post shows (MkDocs snippets): a change to one is a
        change to the post (loader.py)."""
        self._files: dict[str, tuple[int, int, int, int]] | None = {}
        self._files_loader: Callable[[], dict[str, tuple[int, int, int, int]]] | None = None
        self.load_seconds = 0.0
        self.verified_at: float | None = None
        """When the file table was last checked against every file on disk (change_check.py);
        live changes applied one by one since then do not move it."""
        self.generation = 0
        """Bumped whenever posts are added or removed, so views know to refresh."""
        self._lock = threading.RLock()
        self._markdown_cache: OrderedDict[str, str] = OrderedDict()

    @property
    def files(self) -> dict[str, tuple[int, int, int, int]]:
        """path -> (size, mtime_ns, post id or -1 when the file was skipped, ctime_ns).

        From a cache this table is read on first use (it is only needed to find changes, which
        happens after the list is on screen)."""
        if self._files is None:
            with self._lock:
                if self._files is None:
                    self._files = self._files_loader() if self._files_loader else {}
        return self._files

    @files.setter
    def files(self, value: dict[str, tuple[int, int, int, int]]) -> None:
        self._files = value

    @contextmanager
    def changes_paused(self) -> Iterator[None]:
        """No post is added or removed while this is held: for reading parts that must agree
        (the cache writer) or swapping the index's storage for the same posts (after a save)."""
        with self._lock:
            yield

    def load_files_table_later(self, loader: Callable[[], dict[str, tuple[int, int, int, int]]]) -> None:
        self._files, self._files_loader = None, loader

    # ------------------------------------------------------------ loading

    def add_loaded(self, loaded: list[Loaded]) -> None:
        """Add read files: posts to the table and the index, skips to the list."""
        from .post_reading import prepare_batch

        self.add_batch(prepare_batch(loaded))

    def add_batch(self, read: ReadBatch) -> None:
        """Add a read and indexed batch (cheap: the work was done where it was read)."""
        loaded = read.items
        batch = read.index
        with self._lock:
            files = self.files
            known = [item[0] for item in loaded if item[0] in files]
            if known:
                self._forget(known)  # changed files: their old versions go
            first_id = len(self.posts)
            self.posts.append_rows(read.rows)
            self.index.add_batch(batch)
            self.sources.update(read.sources)
            next_id = first_id
            for path, size, mtime_ns, skipped, ctime_ns in loaded:
                if skipped is None:
                    files[path] = (size, mtime_ns, next_id, ctime_ns)
                    next_id += 1
                else:  # a file without a post says why
                    files[path] = (size, mtime_ns, -1, ctime_ns)
                    self.skipped.append(skipped)
            self.generation += 1

    def _forget(self, paths: Iterable[str]) -> None:
        """Drop what is known of these files (they changed or vanished)."""
        gone_ids = []
        gone_paths = set()
        for path in paths:
            record = self.files.pop(path, None)
            if record is None:
                continue
            gone_paths.add(path)
            if record[2] >= 0:
                gone_ids.append(record[2])
            self._markdown_cache.pop(path, None)
            self.sources.pop(path, None)
        if gone_ids:
            self.index.remove(gone_ids)
        if gone_paths:
            self.skipped = [entry for entry in self.skipped if str(entry.path) not in gone_paths]

    def remove_files(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._forget(list(paths))
            self.generation += 1

    # ------------------------------------------------------------ reading

    @property
    def order(self):
        """Ids of the posts to list, newest first, undated last."""
        return self.index.order

    @property
    def post_count(self) -> int:
        return len(self.index.order)

    @property
    def files_seen(self) -> int:
        return self.post_count + len(self.skipped)

    @property
    def files_ignored(self) -> int:
        return sum(rule.files for rule in self.ignored)

    def how_read(self) -> list[str]:
        """How each folder given was read: its site generators, else as a folder of posts."""
        lines = []
        for root, layout in self.layouts.items():
            where = f" under {root}" if len(self.layouts) > 1 else ""
            sites = [site.described + where for site in layout.all_sites]
            lines += sites or [f"a folder of posts: every .md, .markdown, .html and .htm file in {root}"]
        return lines

    def layout_for(self, root: Path) -> Layout:
        layout = self.layouts.get(root)
        if layout is None:
            layout = self.layouts[root] = Layout.of(root)
        return layout

    def count_listed(self, column: str, matches: Callable[[Any], bool]) -> int:
        """How many listed posts have a column value that matches, without making the Posts
        (`postshelf index` counts the repaired and undated of 100k posts)."""
        values = self.posts.columns[column]
        return sum(1 for i in self.order.tolist() if matches(values[i]))

    def ordered_posts(self) -> list[Post]:
        return [self.posts[i] for i in self.order.tolist()]

    def search(self, query: str, limit: int | None = None) -> SearchResult:
        """All matches of a query (see query.py). Raises QueryError for a malformed query."""
        return self.index.run(query, limit=limit)

    def reader_markdown(self, post: Post) -> str:
        """What the reader draws: the body as Markdown without a heading that repeats the title."""
        from .reading import reader_markdown

        return reader_markdown(self.read_markdown(post), post.title, post.body_format)

    def read_markdown(self, post: Post) -> str:
        """The post's body as Markdown, re-read from disk (bodies are not kept in memory)."""
        key = str(post.path)
        with self._lock:
            cached = self._markdown_cache.get(key)
            if cached is not None:
                self._markdown_cache.move_to_end(key)
                return cached
        from .convert import post_markdown
        from .fields import description
        from .parse import NotAPost, read_post_file
        from .sanitize import one_line

        try:
            raw = read_post_file(post.path, self.roots)
            markdown = post_markdown(post, raw.body, description(raw.metadata)) or ""
        except NotAPost as reason:
            markdown = f"*The file of this post can no longer be read ({one_line(str(reason))}).*\n"
        with self._lock:
            self._markdown_cache[key] = markdown
            if len(self._markdown_cache) > 64:
                self._markdown_cache.popitem(last=False)
        return markdown


__all__ = ["Archive", "Ignored", "PostFile", "Skipped", "find_post_files"]
