"""Reading post files: a file -> a Post and its searchable text, or why it was skipped; a
batch of them -> the rows and the index batch an Archive adds (in a loader process for big
archives). The parsers live behind this module, imported only when a file is read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace

from . import fields
from .hugo_includes import expand_readfile_with_sources
from .index_batch import IndexBatch, build_batch
from .parse import NotAPost, RawPost, not_regular_reason, read_post_file
from .post import Post, Skipped
from .post_table import post_row
from .reading import new_lead
from .sanitize import one_line
from .site_fields import author_names, post_date, title_from_markdown_heading, title_from_path
from .site_generators import MARKDOWN_SUFFIXES, POST_SUFFIXES
from .snippets import Source, expand_snippets_with_sources
from .survey import PostFile


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
    sources: tuple[Source, ...] = ()
    """Other files the post shows (MkDocs snippets): a change to one changes the post."""


def build_post(post_file: PostFile, raw: RawPost) -> tuple[Post, str]:
    """A parsed file -> (Post, searchable plain text of its body)."""
    post, text, _ = build_post_with_sources(post_file, raw)
    return post, text


def build_post_with_sources(post_file: PostFile, raw: RawPost) -> tuple[Post, str, tuple[Source, ...]]:
    """build_post, and the other files whose text the post shows (snippets.py)."""
    metadata = raw.metadata
    relative_path = post_file.relative_path
    suffix = os.path.splitext(post_file.location)[1]
    body = raw.body
    sources: list[Source] = []
    if post_file.generator == "MkDocs" and "8<-" in body:  # its title and words may be a snippet's
        body, sources = expand_snippets_with_sources(body, post_file.path, relative_path)
    elif post_file.generator == "Hugo" and "readfile" in body:
        body, sources = expand_readfile_with_sources(body, post_file.path, relative_path)
    body_format = fields.body_format(body, suffix)

    title = fields.text_value(metadata.get("title"))
    if not title and suffix.lower() in MARKDOWN_SUFFIXES:
        title = title_from_markdown_heading(body)
    if not title:
        title = fields.title_from_body(body, body_format) or title_from_path(relative_path)
    if not title:
        title = "(untitled)"

    date, date_raw, date_note = post_date(metadata, relative_path)

    taxonomy_tags, taxonomy_categories = fields.zola_taxonomies(metadata.get("taxonomies"))
    categories = fields.category_paths(
        metadata.get("categories", metadata.get("category", taxonomy_categories)), raw.frontmatter_format
    )
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
        location=post_file.location,
        relative_path=one_line(relative_path),
        title=title,
        date=date,
        date_raw=date_raw,
        authors=author_names(metadata),
        categories=categories,
        tags=fields.unique(fields.tag_list(metadata.get("tags", metadata.get("tag"))) + taxonomy_tags),
        image=fields.first_url(metadata, fields.IMAGE_KEYS),
        link=fields.first_url(metadata, fields.LINK_KEYS),
        body_format=body_format,
        repaired=raw.repaired,
        notes=tuple(notes),
    )
    text = fields.plain_text(body, body_format)
    lead = new_lead(fields.description(metadata), text)  # the reader's first paragraph (reading.with_lead)
    return post, f"{lead}\n{text}" if lead else text, tuple(sources)


def load_file(post_file: PostFile) -> tuple[Post, str] | Skipped:
    result = _load_with_sources(post_file)
    return result if isinstance(result, Skipped) else result[:2]


EXPLICIT_SUFFIXES = POST_SUFFIXES | {".mdown", ".mkd", ".mkdn", ".txt", ".text", ""}
"""What a file named on the command line may be: a post's, or plain text (`notes.txt`,
`README`). Anything else (`mkdocs.yml`, `app.py`) is not read as one."""


def _load_with_sources(post_file: PostFile) -> tuple[Post, str, tuple[Source, ...]] | Skipped:
    suffix = os.path.splitext(post_file.location)[1].lower()
    if post_file.explicit and suffix not in EXPLICIT_SUFFIXES:
        reason = f"not a post: a {suffix} file (postshelf reads .md, .markdown, .html, .htm and plain text)"
        return Skipped(post_file.path, one_line(post_file.relative_path), reason)
    try:
        raw = read_post_file(post_file.location, None if post_file.explicit else [post_file.root])
        return build_post_with_sources(post_file, raw)
    except NotAPost as reason:
        return Skipped(post_file.path, one_line(post_file.relative_path), one_line(str(reason)))
    except RecursionError:
        return Skipped(post_file.path, one_line(post_file.relative_path), "nested too deeply to parse")
    except Exception as error:  # a bug of ours must not cost the user the rest of the archive
        detail = f"unexpected error while reading: {type(error).__name__}: {one_line(str(error))[:200]}"
        return Skipped(post_file.path, one_line(post_file.relative_path), detail)


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
    result = _load_with_sources(post_file)
    if isinstance(result, Skipped):
        return Loaded(post_file.location, size, mtime_ns, None, "", result, ctime_ns)
    return Loaded(post_file.location, size, mtime_ns, result[0], result[1], None, ctime_ns, result[2])


@dataclass(frozen=True, slots=True)
class ReadBatch:
    """Files read and indexed together, ready to add to an archive."""

    items: list[tuple[str, int, int, Skipped | None, int]]
    """(path, size, mtime_ns, why it was skipped, ctime_ns) of each file read: plain tuples, which
    unpickle in C (Loaded objects took a tenth of the loading process's time)."""
    rows: list[tuple]
    """`post_row` of each item that has a post, in order."""
    index: IndexBatch
    disk_blocks: int = 0
    """Blocks read from the disk, not the page cache, while these files were read (loader.py
    reads ahead when they come from the disk)."""
    sources: dict[str, tuple[Source, ...]] = field(default_factory=dict)
    """path -> the other files its post shows, for the posts that show any (Loaded.sources)."""


def prepare_batch(loaded: list[Loaded]) -> ReadBatch:
    """Index read files. CPU-heavy: runs in a worker process for big archives."""
    posts = [item.post for item in loaded if item.post is not None]
    texts = [item.text for item in loaded if item.post is not None]
    index = build_batch(posts, texts)
    items = [(item.path, item.size, item.mtime_ns, item.skipped, item.ctime_ns) for item in loaded]
    sources = {item.path: item.sources for item in loaded if item.sources}
    return ReadBatch(items, [post_row(post) for post in posts], index, sources=sources)


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
    blocks_before = _disk_blocks_read()
    for post_file in post_files:
        item = load_one(post_file)
        pending.append(item)
        characters += len(item.text)
        if characters >= BATCH_TEXT_CHARACTERS:
            parts.append(prepare_batch(pending))
            pending, characters = [], 0
    if pending or not parts:
        parts.append(prepare_batch(pending))
    parts[-1] = replace(parts[-1], disk_blocks=_disk_blocks_read() - blocks_before)
    return parts


def _disk_blocks_read() -> int:
    """Blocks this process has read from the disk so far (0 where the system does not say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_inblock
