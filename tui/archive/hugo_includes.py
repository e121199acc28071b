"""Docsy's `readfile` shortcode: `{{% readfile "includes/install.md" %}}` shows that file.

Hugo sites built on Docsy keep text shared by several pages in files of their own (often in a
page bundle's folder, where they are resources, not pages: survey.py) and pull it in with the
shortcode; the site shows the file's text in its place, so the reader must too. As the theme
reads them: a path is relative to the page's folder, or with a leading `/` to the content
folder; `code="true"` shows the file as a code block in `lang`; otherwise its Markdown is part
of the page (and may itself include files). The escaped form `{{</* readfile … */>}}` is the
syntax shown, not an include.

Files are read under the same rules as MkDocs snippets (snippets.py): inside the site's folder,
regular, not too big, each listed so a change to it changes the post. What cannot be included
stays as written (the reader shows the shortcode's name and arguments).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .snippets import MAX_INCLUDED_CHARACTERS, MAX_INCLUDES, Source, read_inside, site_folder

_READFILE = re.compile(r"\{\{[<%]-?[ \t]*readfile[ \t](?P<arguments>[^{}\n]*)[>%]\}\}")
"""Greedy up to the closing `>}}`/`%}}` and trimmed after: a lazy match backtracked over
every space of a long line (seconds for a line of 30,000)."""
_ARGUMENT = re.compile(r'(?:(?P<name>\w+)[ \t]*=[ \t]*)?(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))')
_SITE_MARKERS = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config/_default",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
)
_MAX_DEPTH = 4


def expand_readfile(markdown: str, path: Path, relative_path: str) -> str:
    """The body with its readfile shortcodes replaced by the files they name."""
    return expand_readfile_with_sources(markdown, path, relative_path)[0]


def expand_readfile_with_sources(markdown: str, path: Path, relative_path: str) -> tuple[str, list[Source]]:
    """expand_readfile, and the files it read (whose changes change the post)."""
    if "readfile" not in markdown:
        return markdown, []
    site = site_folder(path, relative_path, _SITE_MARKERS)
    if site is None or not _is_hugo(site):  # Zola's config.toml: a page there shows it as written
        return markdown, []
    sources: dict[str, Source] = {}
    page_folder = os.path.relpath(path.parent, site)
    expanded = _expanded(markdown, _Includes(site, page_folder, sources), (os.path.realpath(path),))
    return expanded, list(sources.values())


def _is_hugo(folder: Path) -> bool:
    """Whether Hugo builds the folder, as the survey decides (search only expands a Hugo
    site's pages, so the reader must not expand more)."""
    from .site_generators import detect_site  # only for a page that names readfile

    site = detect_site(folder)
    return site is not None and site.generator == "Hugo"


class _Includes:
    """What one page's shortcodes read: where from, what was read, how much may still be."""

    def __init__(self, site: Path, page_folder: str, sources: dict[str, Source]) -> None:
        self.site = site
        self.page_folder = "" if page_folder == "." else page_folder
        self.sources = sources
        self.budget = MAX_INCLUDED_CHARACTERS
        self.includes_left = MAX_INCLUDES
        self._read: dict[str, tuple[str, str] | None] = {}

    def read(self, name: str) -> tuple[str, str] | None:
        """(real path, text) of the file a shortcode names, or None; each name read once."""
        if name not in self._read:
            self._read[name] = self._read_file(name)
        return self._read[name]

    def _read_file(self, name: str) -> tuple[str, str] | None:
        if not name.startswith("/"):
            return read_inside(self.site, os.path.join(self.page_folder, name), self.sources)
        # From the content folder: the first folder on the way down to the page (content/,
        # then content/en/ for a site whose languages have folders of their own) that has it.
        parts = self.page_folder.split(os.sep) if self.page_folder else []
        for depth in range(1, len(parts) + 1):
            found = read_inside(self.site, os.path.join(*parts[:depth], name.lstrip("/")), self.sources)
            if found is not None:
                return found
        return None

    def spend(self, characters: int) -> bool:
        """Whether `characters` more fit in what one page may add (MAX_INCLUDED_CHARACTERS)."""
        if characters > self.budget:
            return False
        self.budget -= characters
        return True


def _expanded(markdown: str, includes: _Includes, stack: tuple[str, ...]) -> str:
    def replace(match: re.Match[str]) -> str:
        arguments = _arguments(match.group("arguments").rstrip(" \t-"))
        name = arguments.get("file") or arguments.get("0")
        if not name or len(stack) >= _MAX_DEPTH or includes.includes_left <= 0:
            return match.group(0)
        includes.includes_left -= 1
        found = includes.read(name)
        if found is None or found[0] in stack or len(found[1]) > includes.budget:
            return match.group(0)
        real_path, text = found
        text = text.rstrip("\n")
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        indent = markdown[line_start : match.start()]
        if indent.strip():
            indent = ""  # in the middle of a line: the text goes there as it is
        if arguments.get("code") == "true":
            fence = "~~~~" if "```" in text else "```"
            text = f"{fence}{arguments.get('lang', '')}\n{text}\n{fence}"
        else:  # what its own shortcodes add is counted there (and again here, in all it adds)
            text = _expanded(text, includes, (*stack, real_path))
        if not includes.spend(len(text) + len(indent) * text.count("\n")):
            return match.group(0)
        return text.replace("\n", "\n" + indent)

    return _READFILE.sub(replace, markdown)


def _arguments(text: str) -> dict[str, str]:
    """Named arguments by name, positional ones by their position ("0", "1", …)."""
    found: dict[str, str] = {}
    position = 0
    for match in _ARGUMENT.finditer(text):
        value = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
        if match.group("name"):
            found[match.group("name")] = value
        else:
            found[str(position)] = value
            position += 1
    return found
