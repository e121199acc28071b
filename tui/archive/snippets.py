"""MkDocs snippet includes (pymdownx.snippets): `--8<-- "CONTRIBUTING.md"` shows that file.

A page of an MkDocs site can be a single such line; the site shows the file's text in its
place, so the reader must too. The forms the site reads are read here:
- a line `--8<-- "file"` (any number of dashes on each side of `8<`), indented or not;
- a block: a line `--8<--` alone, then one file a line (an empty line is a blank line, a line
  starting with `;` is a comment), then `--8<--` again;
- part of a file: `"file:3:8"` (lines 3 to 8; either side may be left out, a negative number
  counts from the end, several ranges are separated by commas) or `"file:name"` (the lines
  between `--8<-- [start:name]` and `--8<-- [end:name]`). Those section lines never show.
A leading `;` is the escape the docs use to show the syntax itself: it shows without the `;`.

The path is relative to the site's folder (the one holding mkdocs.yml, where `mkdocs build`
runs), and a file is only read when it lies inside that folder and inside the archive's root,
is a regular file and is not too big: a post cannot pull in `/etc/passwd` through
`postshelf serve`. Whatever cannot be included (or would include itself) stays as written.
Every file read is listed with its size and times, so a change to it is seen (loader.py).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

_MARKER = re.compile(
    r"""^(?P<indent>[ \t]*)(?P<escape>;*)-+8<-+
    (?:[ \t]+(?P<quoted>"(?:\\"|[^"\n\r])+?"|'(?:\\'|[^'\n\r])+?'))?\r?$""",
    re.VERBOSE,
)
_SECTION_LINE = re.compile(
    r"^(?P<before>.*?)(?P<escape>;*)(?P<marker>-+8<-+[ \t]+)"
    r"(?P<label>\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\])(?P<after>.*)$",
    re.IGNORECASE,
)
_PART = re.compile(
    r"^(?P<path>.*?)(?::(?P<ranges>-?[0-9]*(?::-?[0-9]*)?(?:,-?[0-9]*(?::-?[0-9]*)?)*)|:(?P<section>[a-z][-_0-9a-z]*))?$",
    re.IGNORECASE,
)
_SITE_MARKERS = ("mkdocs.yml", "mkdocs.yaml")
MAX_SNIPPET_BYTES = 1_000_000
MAX_INCLUDED_CHARACTERS = 4_000_000
"""Text all the snippets of one post may add: a post naming a big file ten thousand times (or
with ten thousand line ranges) must not take gigabytes; past this a snippet stays as written."""
_MAX_DEPTH = 4  # snippets may include snippets, as in pymdownx
MAX_INCLUDES = 1_000
"""Includes one page may expand, at every depth: a page naming a file 40 times, which names a
file 40 times, which names an empty file 40 times, is 64,000 otherwise (the budget of
characters does not count empty files)."""
_NOT_TEXT = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".pdf", ".zip"})

Source = tuple[str, int, int, int]
"""A file a snippet read: (real path, size, mtime_ns, ctime_ns) as it was read; size -1 for one
named but missing (the post changes when it appears)."""


def expand_snippets(markdown: str, path: Path, relative_path: str) -> str:
    """The body with its snippet lines replaced by the files they name (a post at `path`,
    found as `relative_path` under its archive root)."""
    return expand_snippets_with_sources(markdown, path, relative_path)[0]


def expand_snippets_with_sources(markdown: str, path: Path, relative_path: str) -> tuple[str, list[Source]]:
    """expand_snippets, and the files it read (whose changes change the post)."""
    if "8<-" not in markdown:
        return markdown, []
    site = site_folder(path, relative_path, _SITE_MARKERS)
    if site is None:
        return markdown, []
    sources: dict[str, Source] = {}
    lines = _expanded(markdown.split("\n"), _Reader(site, sources), ())
    return "\n".join(lines), list(sources.values())


def site_folder(path: Path, relative_path: str, markers: tuple[str, ...]) -> Path | None:
    """The nearest folder above the post, up to its archive root, that holds one of `markers`
    (mkdocs.yml: the folder paths are relative to)."""
    depth = relative_path.count("/")
    folder = path.parent
    for _ in range(depth + 1):
        if any(os.path.exists(folder / marker) for marker in markers):
            return folder
        folder = folder.parent
    return None


class _Reader:
    """Reads the files of one site, each once, and lists them."""

    def __init__(self, site: Path, sources: dict[str, Source]) -> None:
        self.site = site
        self.sources = sources
        self._texts: dict[str, tuple[str, list[str]] | None] = {}
        self.budget = MAX_INCLUDED_CHARACTERS
        self.includes_left = MAX_INCLUDES

    def read(self, name: str) -> tuple[str, list[str]] | None:
        """(real path, lines) of `name` under the site's folder, or None (outside it, not a
        regular file, too big, not text)."""
        if name not in self._texts:
            found = read_inside(self.site, name, self.sources)
            if found is None:
                self._texts[name] = None
            else:
                lines = found[1].split("\n")
                if lines and lines[-1] == "":
                    lines.pop()
                self._texts[name] = (found[0], [line.rstrip("\r") for line in lines])
        return self._texts[name]


def _expanded(lines: list[str], reader: _Reader, stack: tuple[str, ...]) -> list[str]:
    """The lines with every snippet in them replaced; `stack`: the files being included."""
    out: list[str] = []
    in_block = False
    for line in lines:
        match = _MARKER.match(line)
        if match is not None:
            indent, escape, quoted = match.group("indent", "escape", "quoted")
            if escape:
                out.append(line.replace(";", "", 1))
            elif quoted is None:
                in_block = not in_block
            elif not in_block:  # (pymdownx ignores a one-line snippet inside a block)
                out.extend(_included(quoted[1:-1].strip(), indent, line, reader, stack))
            continue
        if not in_block:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        name = line.strip()
        if not name:
            out.append("")
        elif not name.startswith(";"):  # a comment line
            out.extend(_included(name, indent, f'{indent}--8<-- "{name}"', reader, stack))
    return out


def _included(spec: str, indent: str, as_written: str, reader: _Reader, stack: tuple[str, ...]) -> list[str]:
    """The lines a snippet puts in place, indented as its line; the line itself when it
    names nothing that can be read."""
    part = _PART.match(spec)
    name = part.group("path").strip() if part else ""
    if not name or len(stack) >= _MAX_DEPTH or reader.includes_left <= 0:
        return [as_written]
    reader.includes_left -= 1
    found = reader.read(name)
    if found is None or found[0] in stack:
        return [as_written]
    real_path, whole = found
    lines: list[str] | None = whole
    if part is not None and part.group("ranges"):
        lines = _line_ranges(whole, part.group("ranges"), reader.budget)
    elif part is not None and part.group("section"):
        lines = _section(whole, part.group("section"))
    added = -1 if lines is None else sum(map(len, lines)) + len(indent) * len(lines)
    if lines is None or not 0 <= added <= reader.budget:
        return [as_written]
    lines = _without_section_lines(lines)
    reader.budget -= added
    return [indent + line if line else line for line in _expanded(lines, reader, (*stack, real_path))]


def _line_ranges(lines: list[str], ranges: str, budget: int) -> list[str] | None:
    """The lines of `start:end` ranges (1-based, inclusive; negative: from the end); None
    once they hold more than `budget` characters."""
    count = len(lines)

    def number(text: str, default: int) -> int:
        if not text or text == "-":
            return default
        value = int(text)
        return count + value + 1 if value < 0 else value

    chosen: list[str] = []
    size = 0
    for span in ranges.split(","):
        first, _, last = span.partition(":")
        start = max(1, number(first, 1))
        end = min(count, number(last, count))
        piece = lines[start - 1 : end]
        size += sum(map(len, piece))
        if size > budget:
            return None
        chosen.extend(piece)
    return chosen


def _section(lines: list[str], name: str) -> list[str]:
    """The lines between `--8<-- [start:name]` and `--8<-- [end:name]` (none if it is absent)."""
    chosen: list[str] = []
    inside = False
    for line in lines:
        match = _SECTION_LINE.match(line) if "8<" in line else None
        if match is not None and not match.group("escape") and match.group("name").lower() == name.lower():
            if match.group("kind").lower() == "end" and inside:
                break
            inside = inside or match.group("kind").lower() == "start"
            continue
        if inside:
            chosen.append(line)
    return chosen


def _without_section_lines(lines: list[str]) -> list[str]:
    """Section marker lines are for including; the site never shows them (an escaped one shows
    without its `;`)."""
    kept: list[str] = []
    for line in lines:
        match = _SECTION_LINE.match(line) if "8<" in line else None
        if match is None:
            kept.append(line)
        elif match.group("escape"):
            kept.append(line.replace(";", "", 1))
    return kept


def read_inside(site: Path, name: str, sources: dict[str, Source]) -> tuple[str, str] | None:
    """(real path, text) of `name` under the site's folder, listed in `sources`; or None."""
    if Path(name).suffix.lower() in _NOT_TEXT or "\0" in name:
        return None
    try:
        real_site = site.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    try:
        target = (site / name).resolve(strict=True)
    except (OSError, RuntimeError):
        missing = os.path.normpath(real_site / name)
        if missing.startswith(str(real_site) + os.sep):  # seen if it appears
            sources.setdefault(missing, (missing, -1, -1, -1))
        return None
    if not target.is_relative_to(real_site):
        return None
    text = _read_regular(str(target), sources)
    return None if text is None else (str(target), text)


def _read_regular(path: str, sources: dict[str, Source]) -> str | None:
    """A regular text file's text (listed in `sources` with its size and times), or None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        # Listed as it was before reading (a change while reading is seen next time), and
        # also when it cannot be included: once it can (a pipe replaced, a file cut), it is.
        sources.setdefault(path, (path, status.st_size, status.st_mtime_ns, status.st_ctime_ns))
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


def sources_changed(sources: list[Source] | tuple[Source, ...]) -> bool:
    """Whether any file a post included is gone or not as it was read."""
    for path, size, mtime_ns, ctime_ns in sources:
        try:
            status = os.stat(path)
        except OSError:
            if size < 0:  # was missing, still is
                continue
            return True
        if (status.st_size, status.st_mtime_ns, status.st_ctime_ns) != (size, mtime_ns, ctime_ns):
            return True
    return False
