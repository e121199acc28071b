"""Archive: find post files under the given folders, load them, keep them current.

Nothing here knows about the UI. Loading never raises for a bad file: it becomes a `Skipped`
entry with the reason, and the rest loads. Posts get ids in the order they load; the index
keeps the display order. Big archives load in batches that are searchable as they arrive
(see loader.py), and a cache (cache.py) makes the next start nearly free; opening.py
puts the two together.
"""

from __future__ import annotations

import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fields
from .convert import to_markdown
from .index import SearchIndex, SearchResult
from .index_batch import IndexBatch, build_batch
from .parse import NotAPost, RawPost, not_regular_reason, read_post_file
from .post import Post
from .post_table import PostTable, post_row
from .reading import reader_markdown
from .sanitize import one_line
from .site_fields import author_names, post_date, title_from_markdown_heading, title_from_path
from .site_generators import MARKDOWN_SUFFIXES
from .sites import Layout
from .survey import Ignored, PostFile, find_post_files, normalize_root


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    relative_path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Loaded:
    """One file after reading: its post and searchable text, or why it was skipped."""

    path: str
    size: int
    mtime_ns: int
    post: Post | None
    text: str
    skipped: Skipped | None
    ctime_ns: int = -1
    """The inode change time: an edit that keeps the size and sets the mtime back moves it."""


def build_post(post_file: PostFile, raw: RawPost, path: Path | None = None) -> tuple[Post, str]:
    """A parsed file -> (Post, searchable plain text of its body). `path`: the file's Path, if
    made already (a Path costs a tenth of what reading a small post does)."""
    metadata = raw.metadata
    path = path or post_file.path
    relative_path = post_file.relative_path
    body_format = fields.body_format(raw.body, path.suffix)

    title = fields.text_value(metadata.get("title"))
    if not title and path.suffix.lower() in MARKDOWN_SUFFIXES:
        title = title_from_markdown_heading(raw.body)
    if not title:
        title = fields.title_from_body(raw.body, body_format) or title_from_path(relative_path)
    if not title:
        title = "(untitled)"

    date, date_raw, date_note = post_date(metadata, relative_path)

    categories = fields.category_paths(metadata.get("categories", metadata.get("category")), raw.frontmatter_format)
    if not categories and post_file.folder_categories:
        categories = fields.categories_from_folder(
            relative_path, post_file.content_parts if post_file.generator else None, post_file.bundle
        )

    notes = [one_line(note) for note in raw.notes]
    if date_note:
        notes.append(date_note)
    if metadata.get("draft") is True:
        notes.append("marked as a draft")

    post = Post(
        path=path,
        relative_path=one_line(relative_path),
        title=title,
        date=date,
        date_raw=date_raw,
        authors=author_names(metadata),
        categories=categories,
        tags=fields.tag_list(metadata.get("tags", metadata.get("tag"))),
        image=fields.first_url(metadata, fields.IMAGE_KEYS),
        link=fields.first_url(metadata, fields.LINK_KEYS),
        body_format=body_format,
        repaired=raw.repaired,
        notes=tuple(notes),
    )
    return post, fields.plain_text(raw.body, body_format)


def load_file(post_file: PostFile) -> tuple[Post, str] | Skipped:
    path = post_file.path
    try:
        raw = read_post_file(path, None if post_file.explicit else [post_file.root])
        return build_post(post_file, raw, path)
    except NotAPost as reason:
        return Skipped(path, one_line(post_file.relative_path), one_line(str(reason)))
    except RecursionError:
        return Skipped(path, one_line(post_file.relative_path), "nested too deeply to parse")
    except Exception as error:  # a bug of ours must not cost the user the rest of the archive
        detail = f"unexpected error while reading: {type(error).__name__}: {one_line(str(error))[:200]}"
        return Skipped(path, one_line(post_file.relative_path), detail)


def load_one(post_file: PostFile) -> Loaded:
    """Stat, then read one file (stat first: a change while reading is seen next time)."""
    try:
        info = os.stat(post_file.location)
        size, mtime_ns, ctime_ns = info.st_size, info.st_mtime_ns, info.st_ctime_ns
    except OSError:
        size, mtime_ns, ctime_ns, info = -1, -1, -1, None
    if info is not None and not stat.S_ISREG(info.st_mode):
        # A pipe would block, a device (a link to /dev/zero) read forever: never opened.
        skipped = Skipped(post_file.path, one_line(post_file.relative_path), not_regular_reason(info.st_mode))
        return Loaded(post_file.location, size, mtime_ns, None, "", skipped, ctime_ns)
    result = load_file(post_file)
    if isinstance(result, Skipped):
        return Loaded(post_file.location, size, mtime_ns, None, "", result, ctime_ns)
    return Loaded(post_file.location, size, mtime_ns, result[0], result[1], None, ctime_ns)


@dataclass(frozen=True, slots=True)
class ReadBatch:
    """Files read and indexed together, ready to add to an archive."""

    items: list[tuple[str, int, int, Skipped | None, int]]
    """(path, size, mtime_ns, why it was skipped, ctime_ns) of each file read: plain tuples, which
    unpickle in C (Loaded objects took a tenth of the loading process's time)."""
    rows: list[tuple]
    """`post_row` of each item that has a post, in order."""
    index: IndexBatch


def prepare_batch(loaded: list[Loaded]) -> ReadBatch:
    """Index read files. CPU-heavy: runs in a worker process for big archives."""
    posts = [item.post for item in loaded if item.post is not None]
    texts = [item.text for item in loaded if item.post is not None]
    index = build_batch(posts, texts)
    items = [(item.path, item.size, item.mtime_ns, item.skipped, item.ctime_ns) for item in loaded]
    return ReadBatch(items, [post_row(post) for post in posts], index)


BATCH_TEXT_CHARACTERS = 2_000_000
"""Indexing costs ~65 bytes a character while a batch is built: a batch of files is indexed in
parts of about this much text, so 1,024 huge posts never need gigabytes at once."""


def read_rows(rows: list[tuple]) -> list[ReadBatch]:
    """`read_batch` of files sent as `PostFile.as_row` (how a loader process gets them)."""
    return read_batch([PostFile(*row) for row in rows])


def read_batch(post_files: list[PostFile]) -> list[ReadBatch]:
    """Read, parse and index a batch of files (the unit of work of a loader process)."""
    parts: list[ReadBatch] = []
    pending: list[Loaded] = []
    characters = 0
    for post_file in post_files:
        item = load_one(post_file)
        pending.append(item)
        characters += len(item.text)
        if characters >= BATCH_TEXT_CHARACTERS:
            parts.append(prepare_batch(pending))
            pending, characters = [], 0
    if pending or not parts:
        parts.append(prepare_batch(pending))
    return parts


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
            for row in read.rows:
                self.posts.append_row(row)
            self.index.add_batch(batch)
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
        return reader_markdown(self.read_markdown(post), post.title, post.body_format)

    def read_markdown(self, post: Post) -> str:
        """The post's body as Markdown, re-read from disk (bodies are not kept in memory)."""
        key = str(post.path)
        with self._lock:
            cached = self._markdown_cache.get(key)
            if cached is not None:
                self._markdown_cache.move_to_end(key)
                return cached
        try:
            raw = read_post_file(post.path, self.roots)
            markdown = to_markdown(raw.body, post.body_format) or ""
        except NotAPost as reason:
            markdown = f"*The file of this post can no longer be read ({one_line(str(reason))}).*\n"
        with self._lock:
            self._markdown_cache[key] = markdown
            if len(self._markdown_cache) > 64:
                self._markdown_cache.popitem(last=False)
        return markdown


__all__ = [
    "Archive",
    "Ignored",
    "Loaded",
    "PostFile",
    "ReadBatch",
    "Skipped",
    "find_post_files",
    "load_file",
    "read_batch",
]
