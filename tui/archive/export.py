"""Write one post out as a clean Markdown file: tidy frontmatter plus the converted body.

The archive is read-only to postshelf (feed bots and site generators own it), so every export
target inside an archive root is refused, symlinks resolved. Files are written atomically: a
crash or a full disk leaves either the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .post import Post

NAME_LIMIT = 80
"""Characters of title kept in a file name."""
NAME_BYTES = 240
"""UTF-8 bytes of title kept: file systems allow 255 per name, `.md` and a margin included."""

_SEPARATORS = re.compile(r"[/\\]+")
_ILLEGAL = re.compile(r'[<>:"|?*]')  # illegal on Windows; ':' also shows as '/' in macOS Finder
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


class ExportError(ValueError):
    """An export that must not or cannot happen; the message is for the user as it is."""


class TargetExists(ExportError):
    """The target is already there: the caller may ask, then retry with overwrite=True."""


def _frontmatter(post: Post) -> dict[str, Any]:
    data: dict[str, Any] = {"title": post.title}
    if post.date is not None:
        data["date"] = post.date  # YAML writes an ISO 8601 timestamp and reads it back as a datetime
    elif post.date_raw:
        data["date"] = post.date_raw
    data["author"] = post.author
    if len(post.categories) == 1:
        data["categories"] = list(post.categories[0])  # one Hexo hierarchy: [outer, inner]
    else:
        data["categories"] = [list(path) for path in post.categories]  # several: [[a, b], [c]]
    data["tags"] = list(post.tags)
    data["link"] = post.link
    data["image"] = post.image
    return {key: value for key, value in data.items() if value not in ("", [], None)}


def post_as_markdown(post: Post, markdown: str) -> str:
    """YAML frontmatter, a blank line, then the body (what `Archive.read_markdown` gives)."""
    header = yaml.safe_dump(_frontmatter(post), allow_unicode=True, sort_keys=False, width=1_000_000)
    body = markdown.strip("\n")
    return f"---\n{header}---\n\n{body}\n" if body else f"---\n{header}---\n"


def _clean_name(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _SEPARATORS.sub(" - ", text)
    text = _ILLEGAL.sub(" ", text)
    # Controls, format characters (bidi overrides, zero-width), surrogates, unassigned: dropped.
    text = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn")
    )
    text = " ".join(text.split())  # every kind of space and newline -> one space
    text = text.strip(" .-")  # no hidden dot-files; Windows drops trailing dots and spaces
    if len(text) > NAME_LIMIT or len(text.encode("utf-8")) > NAME_BYTES:
        text = text[:NAME_LIMIT]
        while len(text.encode("utf-8")) > NAME_BYTES:
            text = text[:-1]
        text = text.rstrip(" .-")
    if _WINDOWS_RESERVED.match(text):
        text = f"{text}_"
    return text


def default_export_name(post: Post) -> str:
    """A file name from the title that every common file system accepts, ending in `.md`."""
    name = _clean_name(post.title)
    if name.lower().endswith(".md"):
        name = name[:-3].rstrip(" .-")
    if not name or name == "(untitled)":
        name = _clean_name(post.path.stem) or "post"
    return f"{name}.md"


def _inside(path: Path, root: Path) -> bool:
    return path == root or (root.is_dir() and path.is_relative_to(root))


def inside_archive(target: Path, archive_roots: Sequence[Path]) -> bool:
    """Whether writing `target` would write into the archive (symlinks followed)."""
    resolved = Path(target).expanduser().absolute().resolve()
    return any(_inside(resolved, Path(root).expanduser().resolve()) for root in archive_roots)


def write_export(text: str, target: Path, *, archive_roots: Sequence[Path], overwrite: bool) -> Path:
    """Write `text` to `target` atomically and return the path written.

    Raises ExportError (TargetExists when the file is there and `overwrite` is false) with a
    message for the user.
    """
    target = Path(target).expanduser().absolute()
    resolved = target.resolve()
    for root in archive_roots:
        real_root = Path(root).expanduser().resolve()
        if _inside(resolved, real_root):
            raise ExportError(
                f"{target} is inside the archive ({real_root}); postshelf never writes "
                "there. Choose a folder outside it."
            )
    if resolved.is_dir():
        raise ExportError(f"{target} is a folder; add a file name")
    parent = resolved.parent
    if not parent.is_dir():
        raise ExportError(f"the folder {target.parent} does not exist")
    if (resolved.exists() or target.is_symlink()) and not overwrite:
        raise TargetExists(f"{target} already exists")
    if resolved.exists() and not resolved.is_file():
        raise ExportError(f"{target} is not a regular file; choose another name")
    destination = resolved
    temporary = parent / f".{destination.name[:200]}.{secrets.token_hex(4)}.tmp"
    try:
        # O_EXCL with mode 0o666: the umask applies, as for any file the user creates.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise ExportError(f"cannot write in {target.parent}: {error.strerror or error}") from error
    try:
        with os.fdopen(descriptor, "wb") as file:
            if destination.exists():  # keep the permissions of the file being replaced
                os.fchmod(file.fileno(), stat.S_IMODE(destination.stat().st_mode))
            file.write(text.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, destination)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(parent)
    return destination


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


__all__ = ["ExportError", "TargetExists", "default_export_name", "post_as_markdown", "write_export"]
