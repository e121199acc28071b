"""MkDocs snippet includes (pymdownx.snippets): `--8<-- "CONTRIBUTING.md"` shows that file.

A page of an MkDocs site can be a single such line; the site shows the file's text in its
place, so the reader must too. The path is relative to the site's folder (the one holding
mkdocs.yml, where `mkdocs build` runs), and a file is only read when it lies inside that folder
and inside the archive's root, is a regular file and is not too big: a post cannot pull in
`/etc/passwd` through `postshelf serve`. Whatever cannot be included stays as written.
`;--8<--` is the escape the docs use to show the syntax itself: it shows without the `;`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

_SNIPPET = re.compile(r"^([ \t]*)(;?)--8<--[ \t]+([\"'])([^\"'\n]+)\3[ \t]*$", re.MULTILINE)
_SITE_MARKERS = ("mkdocs.yml", "mkdocs.yaml")
MAX_SNIPPET_BYTES = 1_000_000
_MAX_DEPTH = 4  # snippets may include snippets, as in pymdownx; a cycle stops here
_NOT_TEXT = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".pdf", ".zip"})


def expand_snippets(markdown: str, path: Path, relative_path: str) -> str:
    """The body with its snippet lines replaced by the files they name (a post at `path`,
    found as `relative_path` under its archive root)."""
    if "--8<--" not in markdown:
        return markdown
    site = _site_folder(path, relative_path)
    if site is None:
        return markdown
    return _expanded(markdown, site, 0)


def _site_folder(path: Path, relative_path: str) -> Path | None:
    """The nearest folder above the post, up to its archive root, that holds mkdocs.yml."""
    depth = relative_path.count("/")
    folder = path.parent
    for _ in range(depth + 1):
        if any((folder / marker).is_file() for marker in _SITE_MARKERS):
            return folder
        folder = folder.parent
    return None


def _expanded(markdown: str, site: Path, depth: int) -> str:
    def include(match: re.Match) -> str:
        indent, escaped, _, name = match.groups()
        if escaped:
            return f"{indent}--8<-- {match.group(3)}{name}{match.group(3)}"
        text = _read_inside(site, name) if depth < _MAX_DEPTH else None
        if text is None:
            return match.group(0)
        text = _expanded(text, site, depth + 1)
        return "\n".join(indent + line if line else line for line in text.rstrip("\n").split("\n"))

    return _SNIPPET.sub(include, markdown)


def _read_inside(site: Path, name: str) -> str | None:
    """The text of `name` under the site's folder, or None (outside it, not a regular file,
    too big, not text)."""
    if Path(name).suffix.lower() in _NOT_TEXT or "\0" in name:
        return None
    try:
        real_site = site.resolve(strict=True)
        target = (site / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(real_site):
        return None
    try:
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_SNIPPET_BYTES:
            return None
        data = os.read(descriptor, MAX_SNIPPET_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
