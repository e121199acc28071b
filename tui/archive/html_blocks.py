"""Block HTML as kramdown (Jekyll) and Python-Markdown (MkDocs) read it: a block element
(`<table>`, `<div>`) runs to its closing tag, blank lines and all.

CommonMark ends an HTML block at a blank line, so a Jekyll docs table whose cells hold
`<p>` + blank line + indented text became an indented code block after the first blank line:
the reader showed its HTML as code (`front-matter.md`, `static_files.md`). For those two
generators, the blank lines inside such an element are taken out, so the reader's Markdown
parser sees one HTML block, which it converts as a whole.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .snippets import site_folder

_BLOCK_START = re.compile(
    r"[ ]{0,3}<(address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|form|header|nav|ol|section"
    r"|table|ul)(?=[\s>])[^>]*>",
    re.IGNORECASE,
)
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_SITE_MARKERS = ("_config.yml", "_config.yaml", "mkdocs.yml", "mkdocs.yaml")


def whole_html_blocks_for(markdown: str, path: Path, relative_path: str) -> str:
    """`markdown` with its block elements whole when the page's site reads them so."""
    if "<" not in markdown or "\n\n" not in markdown:
        return markdown
    site = site_folder(path, relative_path, _SITE_MARKERS)
    return whole_html_blocks(markdown) if site is not None and _reads_html_blocks_whole(site) else markdown


@lru_cache(maxsize=64)
def _reads_html_blocks_whole(site: Path) -> bool:
    from .site_generators import detect_site

    found = detect_site(site)
    return found is not None and found.generator in ("Jekyll", "MkDocs")


def whole_html_blocks(markdown: str) -> str:
    """Blank lines inside a block element that starts a line and closes later are left out;
    `markdown="1"` (Markdown inside, read as such) and code are left as written."""
    lines = markdown.split("\n")
    shown: list[str] = []
    index = 0
    fence = ""
    while index < len(lines):
        line = lines[index]
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
        elif marker:
            fence = marker.group(1)
        else:
            start = _BLOCK_START.match(line)
            if start and "markdown=" not in start.group(0):
                end = _closing_line(lines, index, start.group(1).lower())
                if end is None:  # never closed: the rest as written (one scan, not one per tag)
                    shown += lines[index:]
                    break
                shown += [kept for kept in lines[index : end + 1] if kept.strip()]
                index = end + 1
                continue
        shown.append(line)
        index += 1
    return "\n".join(shown)


def _closing_line(lines: list[str], start: int, name: str) -> int | None:
    """The line where the element opened on line `start` closes (nested ones counted)."""
    opening = re.compile(rf"<{name}(?=[\s>/])", re.IGNORECASE)
    closing = re.compile(rf"</{name}\s*>", re.IGNORECASE)
    depth = 0
    for number in range(start, len(lines)):
        line = lines[number]
        depth += len(opening.findall(line)) - len(closing.findall(line))
        if depth <= 0:
            return number
    return None
