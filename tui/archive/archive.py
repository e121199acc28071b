"""Archive: find post files under the given folders, load them, keep them sorted, find posts.

Nothing here knows about the UI. Loading never raises for a bad file: it becomes a `Skipped`
entry with the reason, and the rest loads.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path

from . import fields
from .convert import to_markdown
from .index import SearchIndex, SearchResult
from .parse import NotAPost, RawPost, read_post_file
from .post import Post
from .sanitize import one_line

POST_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
# Generated output, dependencies and tooling in Hexo/Jekyll/Hugo site roots: never posts.
IGNORED_FOLDERS = {
    "public", "_site", "node_modules", "themes", "scaffolds", "resources", "vendor",
    "__pycache__", "site-packages",
}
SITE_CONFIG_FILES = {
    "_config.yml", "_config.yaml", "hugo.toml", "hugo.yaml", "hugo.json", "config.toml",
    "config.yaml", "config.yml", "package.json", "gemfile",
}
# Project documents at a site root describe the site; they are not posts.
SITE_DOCUMENTS = {"readme", "license", "licence", "changelog", "contributing", "code_of_conduct", "security"}


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    relative_path: str
    reason: str


@dataclass(frozen=True, slots=True)
class PostFile:
    path: Path
    root: Path

    @property
    def relative_path(self) -> str:
        try:
            return str(self.path.relative_to(self.root))
        except ValueError:
            return self.path.name


def _is_site_root(folder: Path, names: Iterable[str]) -> bool:
    return any(name.lower() in SITE_CONFIG_FILES for name in names)


def find_post_files(roots: Iterable[Path]) -> Iterator[PostFile]:
    """Every post file under the roots, in a stable order, each file once.

    Symlinked folders are not followed (no loops, nothing outside the archive); symlinked
    files are read like files.
    """
    seen: set[Path] = set()
    for root in roots:
        root = Path(os.path.abspath(root))
        if root.is_file():
            if root not in seen:
                seen.add(root)
                yield PostFile(root, root.parent)
            continue
        for folder, subfolders, files in os.walk(root, followlinks=False, onerror=lambda error: None):
            subfolders[:] = sorted(
                name for name in subfolders
                if not name.startswith(".") and name.lower() not in IGNORED_FOLDERS
            )
            folder_path = Path(folder)
            at_site_root = folder_path == root and _is_site_root(root, files)
            for name in sorted(files):
                stem, suffix = os.path.splitext(name)
                if suffix.lower() not in POST_SUFFIXES or name.startswith("."):
                    continue
                if at_site_root and stem.lower() in SITE_DOCUMENTS:
                    continue
                path = folder_path / name
                if path not in seen:
                    seen.add(path)
                    yield PostFile(path, root)


def build_post(post_file: PostFile, raw: RawPost, default_zone: timezone = fields.UTC) -> tuple[Post, str]:
    """A parsed file -> (Post, searchable plain text of its body)."""
    metadata = raw.metadata
    path = post_file.path
    relative_path = post_file.relative_path
    body_format = fields.body_format(raw.body, path.suffix)
    stem = path.stem

    title = fields.text_value(metadata.get("title"))
    if not title:
        title = fields.title_from_body(raw.body, body_format) or fields.title_from_file_name(stem)
    if not title:
        title = "(untitled)"

    date_value = metadata.get("date", metadata.get("pubdate", metadata.get("published")))
    date = fields.parse_date(date_value, default_zone)
    date_raw = fields.raw_date_text(date_value)
    if date_value is None:
        date = fields.date_from_file_name(stem, default_zone)

    categories = fields.category_paths(
        metadata.get("categories", metadata.get("category")), raw.frontmatter_format
    )
    if not categories:
        categories = fields.categories_from_folder(relative_path)

    notes = list(raw.notes)
    if metadata.get("draft") is True:
        notes.append("marked as a draft")

    post = Post(
        path=path,
        relative_path=one_line(relative_path),
        title=title,
        date=date,
        date_raw=date_raw,
        author=fields.text_value(metadata.get("author", metadata.get("authors"))),
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
    try:
        raw = read_post_file(post_file.path)
        return build_post(post_file, raw)
    except NotAPost as reason:
        return Skipped(post_file.path, one_line(post_file.relative_path), str(reason))
    except RecursionError:
        return Skipped(post_file.path, one_line(post_file.relative_path), "nested too deeply to parse")
    except Exception as error:  # a bug of ours must not cost the user the rest of the archive
        reason = f"unexpected error while reading: {type(error).__name__}: {one_line(str(error))[:200]}"
        return Skipped(post_file.path, one_line(post_file.relative_path), reason)


def sort_key(post: Post) -> tuple:
    """Newest first, undated last, then by title for a stable order."""
    if post.date is None:
        return (1, 0.0, post.title.casefold())
    return (0, -post.date.timestamp(), post.title.casefold())


@dataclass
class Archive:
    roots: list[Path]
    posts: list[Post] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    index: SearchIndex = field(default_factory=lambda: SearchIndex(0))
    load_seconds: float = 0.0
    _markdown_cache: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, roots: Iterable[Path | str], progress: Callable[[int], None] | None = None) -> Archive:
        started = time.perf_counter()
        archive = cls([Path(root) for root in roots])
        loaded: list[tuple[Post, str]] = []
        for count, post_file in enumerate(find_post_files(archive.roots), 1):
            result = load_file(post_file)
            if isinstance(result, Skipped):
                archive.skipped.append(result)
            else:
                loaded.append(result)
            if progress is not None and count % 500 == 0:
                progress(count)
        loaded.sort(key=lambda pair: sort_key(pair[0]))
        archive.posts = [post for post, _ in loaded]
        archive.index = SearchIndex.build(archive.posts, [text for _, text in loaded])
        archive.load_seconds = time.perf_counter() - started
        return archive

    @property
    def files_seen(self) -> int:
        return len(self.posts) + len(self.skipped)

    def search(self, query: str, limit: int | None = None) -> SearchResult:
        """All matches of a query (see query.py). Raises QueryError for a malformed query."""
        return self.index.run(query, limit=limit)

    def read_markdown(self, post: Post) -> str:
        """The post's body as Markdown, re-read from disk (bodies are not kept in memory)."""
        key = post.path
        with self._cache_lock:
            cached = self._markdown_cache.get(key)
            if cached is not None:
                self._markdown_cache.move_to_end(key)
                return cached
        try:
            raw = read_post_file(post.path)
            markdown = to_markdown(raw.body, post.body_format)
        except NotAPost as reason:
            markdown = f"*This post can no longer be read: {reason}.*\n"
        with self._cache_lock:
            self._markdown_cache[key] = markdown
            if len(self._markdown_cache) > 64:
                self._markdown_cache.popitem(last=False)
        return markdown
