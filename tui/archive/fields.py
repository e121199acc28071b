"""Frontmatter values -> clean Post fields.

Archives disagree on everything: dates come as RFC 822 strings, YAML datetimes, ISO 8601,
`Invalid Date` or only in a Jekyll file name; categories as a string, a Hexo hierarchy list,
nested lists or only as folders; titles as ints, empty, or missing. Every function here takes
whatever the YAML/TOML/JSON parser produced and never raises, and each does bounded work:
YAML aliases make a list of 9**9 strings out of 1 KB ("billion laughs"), lists can contain
themselves, and a field can be megabytes long.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import PurePath
from typing import Any

from .dates import JEKYLL_NAME
from .sanitize import one_line, strip_controls
from .site_markup import normalise_site_markup
from .visible_text import defined_labels, join_cjk_lines, markdown_inline_text, without_inline_tags

MAX_FIELD_CHARACTERS = 1000
"""Longer titles, authors and category names are cut (ending in …): each is one line on screen."""
MAX_ITEMS = 100
"""Values read from one frontmatter field (list items, nested values, tags, categories)."""
_MAX_DEPTH = 8

# ---------------------------------------------------------------- dates


def raw_date_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return text_value(value)  # str() of an alias bomb would never finish
    return _scalar_text(value, unescape=False)


def description(metadata: Any) -> str:
    """The frontmatter's `description`: the page's lead (reading.with_lead), searchable too.
    A page that only redirects (`redirect_to`) says where to."""
    if not isinstance(metadata, dict):
        return ""
    text = text_value(metadata.get("description"))
    if not text and metadata.get("redirect_to") is not None:
        target = web_url(metadata["redirect_to"])
        text = f"Redirects to {target}" if target else ""
    return text


def text_value(value: Any) -> str:
    """A scalar or list frontmatter value as one display line ('' for None).

    Reads at most MAX_ITEMS values, _MAX_DEPTH levels deep, and MAX_FIELD_CHARACTERS of text.
    """
    if isinstance(value, str):  # the common case, on the hot path of loading
        return _scalar_text(value)
    parts: list[str] = []
    _collect(value, parts, 0, [MAX_ITEMS])
    return _clip(", ".join(part for part in parts if part))


def _collect(value: Any, parts: list[str], depth: int, budget: list[int]) -> None:
    if value is None or value is False or budget[0] <= 0:
        return
    budget[0] -= 1
    if isinstance(value, (list, tuple)):
        if depth < _MAX_DEPTH:
            for item in value:
                if budget[0] <= 0:
                    break
                _collect(item, parts, depth + 1, budget)
    elif isinstance(value, dict):
        for key in ("name", "title", "text", "value"):
            if key in value:
                if depth < _MAX_DEPTH:
                    _collect(value[key], parts, depth + 1, budget)
                break
    else:
        parts.append(_scalar_text(value))


def _scalar_text(value: Any, unescape: bool = True) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an int of more than 4,300 digits
        return ""
    if unescape and len(text) <= _REMEMBERED_LENGTH:
        line = _lines_seen.get(text)
        if line is None:
            if len(_lines_seen) >= _REMEMBERED_TEXTS:
                _lines_seen.clear()
            line = _lines_seen[text] = _clip(one_line(html.unescape(text)))
        return line
    text = text[: MAX_FIELD_CHARACTERS * 4]  # the rest would be cut anyway: bound the work
    return _clip(one_line(html.unescape(text) if unescape else text))


# Authors and category names come back in post after post (a feed's name, its three levels of
# categories): their display lines are remembered, bounded, rather than cleaned every time.
_REMEMBERED_LENGTH = 64
_REMEMBERED_TEXTS = 8192
_lines_seen: dict[str, str] = {}


def _clip(text: str) -> str:
    return text if len(text) <= MAX_FIELD_CHARACTERS else text[: MAX_FIELD_CHARACTERS - 1] + "…"


# These patterns run on every post, hostile ones included: none may backtrack quadratically
# (a lazy `(.*?)` before a closing pattern that never comes scans to the end from every start).
_MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+)$", re.MULTILINE)
_HTML_HEADING_START = re.compile(r"<h[1-3][^<>]*>", re.IGNORECASE)
_HTML_HEADING_END = re.compile(r"</h[1-3]\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
"""A tag starts with a name, `/`, `!` or `?`: `i < editor.rows` and `<- 这样` are text (a browser's
reading), where everything up to the next `>` was taken out."""


def _strip_tags(text: str, replacement: str) -> str:
    """`_TAG.sub`, linear: a `<` with no `>` anywhere after it would make the pattern scan to the
    end from each of them (500k of them took 200 s), so the text after the last `>` is left as it is."""
    last = text.rfind(">")
    if text.find("<", last + 1) < 0:
        return _TAG.sub(replacement, text)
    return _TAG.sub(replacement, text[: last + 1]) + text[last + 1 :]


def title_from_body(body: str, body_format: str) -> str:
    """The first heading of a body, for posts whose frontmatter has no title."""
    head = body[:20000]
    if body_format == "html":
        start = _HTML_HEADING_START.search(head)
        end = _HTML_HEADING_END.search(head, start.end()) if start else None
        if start is None or end is None:
            return ""
        return _clip(one_line(html.unescape(_strip_tags(head[start.end() : end.start()], ""))))
    match = _MARKDOWN_HEADING.search(head)
    return _clip(one_line(match.group(1).rstrip(" \t#").strip("*_` "))) if match else ""


def title_from_file_name(stem: str) -> str:
    match = JEKYLL_NAME.match(stem)
    if match and match.group(4):
        stem = match.group(4).replace("-", " ")
    return one_line(stem)


# ---------------------------------------------------------------- categories and tags


def category_paths(value: Any, frontmatter_format: str) -> tuple[tuple[str, ...], ...]:
    """Categories as paths of levels.

    A flat YAML list is one Hexo hierarchy (`[新媒体, ZAKER, channel]`); nested lists are
    several hierarchies; TOML/JSON lists (Hugo taxonomies) are separate one-level categories;
    a string is one category, or several when comma-separated.
    """
    if value is None or value == "" or value == []:
        return ()
    if isinstance(value, str):
        return tuple((part,) for part in _split_list_text(value))
    if type(value) is list and len(value) <= 16 and all(type(item) is str for item in value):
        # A feed's categories come back in post after post: remembered (bounded) by their text.
        key = (frontmatter_format, *value)
        paths = _paths_seen.get(key)
        if paths is None:
            if len(_paths_seen) >= _REMEMBERED_TEXTS:
                _paths_seen.clear()
            paths = _paths_seen[key] = _category_paths_of_list(value, frontmatter_format)
        return paths
    if isinstance(value, (list, tuple)):
        return _category_paths_of_list(value, frontmatter_format)
    levels = _levels([value])
    return (levels,) if levels else ()


_paths_seen: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}


def _category_paths_of_list(value: list | tuple, frontmatter_format: str) -> tuple[tuple[str, ...], ...]:
    value = value[:MAX_ITEMS]
    nested = any(isinstance(item, (list, tuple)) for item in value)
    if nested or frontmatter_format in ("toml", "json"):
        paths = []
        for item in value:
            levels = _levels(item if isinstance(item, (list, tuple)) else [item])
            if levels:
                paths.append(levels)
        return _bounded(paths, lambda path: sum(map(len, path)))
    levels = _levels(value)
    return (levels,) if levels else ()


def _levels(items: Any) -> tuple[str, ...]:
    parts = [part for part in (link_text(text_value(item)) for item in items[:MAX_ITEMS]) if part]
    return _bounded(parts, len, MAX_FIELD_CHARACTERS)


MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")


def link_text(name: str) -> str:
    """A name written as a Markdown link (`Webtoons - [Naver](https://comic.naver.com)`, a feed
    bot's author and category) is its text, as the site shows it."""
    return text_value(MARKDOWN_LINK.sub(r"\1", name)) if "](" in name else name


def _bounded(items: list, size: Callable[[Any], int], limit: int = MAX_FIELD_CHARACTERS * 4) -> tuple:
    """The first items whose sizes add up to at most `limit` (at least one)."""
    if sum(map(size, items)) <= limit:
        return tuple(items)
    kept: list = []
    total = 0
    for item in items:
        total += size(item)
        if kept and total > limit:
            break
        kept.append(item)
    return tuple(kept)


def _split_list_text(text: str) -> tuple[str, ...]:
    pieces = re.split(r"[,，、]", text[: MAX_FIELD_CHARACTERS * 10], maxsplit=MAX_ITEMS)[:MAX_ITEMS]
    return _bounded([part for part in (_clip(one_line(piece)) for piece in pieces) if part], len)


def tag_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return _split_list_text(value)
    if isinstance(value, (list, tuple)):
        return _bounded([tag for tag in (text_value(item) for item in value[:MAX_ITEMS]) if tag], len)
    tag = text_value(value)
    return (tag,) if tag else ()


def zola_taxonomies(value: Any) -> tuple[tuple[str, ...], Any]:
    """Zola files tags and categories under `[taxonomies]`, with any taxonomy the site defines
    (`theme-tags`, `authors`): (the values of every taxonomy but categories, as tags; the
    categories, as written)."""
    if not isinstance(value, dict):
        return (), None
    tags = tuple(tag for name, values in value.items() if name != "categories" for tag in tag_list(values))
    return _bounded(list(unique(tags)), len), value.get("categories")


def unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


CONTAINER_FOLDERS = {"source", "_posts", "posts", "post", "content", "_drafts", "blog", "docs"}


def categories_from_folder(
    relative_path: str, content_parts: int | None = None, bundle: bool = False
) -> tuple[tuple[str, ...], ...]:
    """The folders of a path as one category path: `source/_posts/新媒体/ZAKER/channel/x.md` ->
    (('新媒体', 'ZAKER', 'channel'),). In a site, the folders below its content root (the first
    `content_parts` folders are not categories); elsewhere every folder but leading containers
    (`source/_posts`, `content`, `docs`). A page bundle's own folder (`slug/index.md`) is the
    page, not a category."""
    parts = PurePath(relative_path).parts
    folders = list(parts[:-1])
    if content_parts is None:
        while folders and folders[0].lower() in CONTAINER_FOLDERS:
            folders.pop(0)
    else:
        folders = folders[content_parts:]
    if folders and bundle:
        folders.pop()
    levels = tuple(one_line(part) for part in folders if one_line(part))
    return (levels,) if levels else ()


# ---------------------------------------------------------------- links and images

_CORS_PROXY = re.compile(r"^https?://[^/?#\s]+/?\?(https?://.+)$", re.IGNORECASE)


def real_url(url: str) -> str:
    """Undo CORS proxies of the form `https://proxy/?http://real` (possibly repeated)."""
    url = one_line(url)
    for _ in range(4):
        match = _CORS_PROXY.match(url)
        if not match:
            break
        url = match.group(1)
    return url


def web_url(value: Any) -> str:
    """An http(s) URL from a frontmatter value, proxy removed; '' for anything else
    (relative paths, `javascript:`, `data:`)."""
    if isinstance(value, dict):
        value = value.get("src") or value.get("url") or value.get("href") or ""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    if not isinstance(value, str) or len(value) > 4096:
        return ""
    url = real_url(html.unescape(value))
    return url if re.match(r"^https?://\S+$", url, re.IGNORECASE) else ""


IMAGE_KEYS = ("headimg", "thumbnail", "cover", "image", "featured_image", "banner", "img")
LINK_KEYS = (
    "redirect_to",  # (jekyll-redirect-from) where the page sends its readers: its link above all
    "link",
    "url",
    "source",
    "original",
    "original_link",
    "original_url",
    "origin",
    "permalink",
    "canonical",
    "canonical_url",
    "canonicalurl",
    "source_url",
    "via",
    "href",
)


def first_url(metadata: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = metadata.get(key)
        if value is not None:  # most keys are absent: no call for them
            url = web_url(value)
            if url:
                return url
    return ""


# ---------------------------------------------------------------- bodies

_WRAPPER_START = re.compile(
    r"\A\s*(?:<!doctype[^<>]*>\s*)?<(html|body|div|article|section|main|table)\b[^<>]*>", re.IGNORECASE
)


_WRAPPER_TAGS = {
    name: re.compile(rf"<(/?){name}\b[^<>]*>", re.IGNORECASE)
    for name in ("html", "body", "div", "article", "section", "main", "table")
}


def body_format(body: str, suffix: str) -> str:
    """'html' for `.html`/`.htm` files and for bodies that are one wrapped HTML document (what
    feed bots write: `<div>…</div>`); 'markdown' for everything else, whatever its first
    character: a Markdown page may open with `<script setup>`, a `<div>` or a comment."""
    if suffix.lower() in (".html", ".htm"):
        return "html"
    return "html" if _one_wrapped_document(body) else "markdown"


def _one_wrapped_document(body: str) -> bool:
    """The body is a single element (`<div>…</div>`, `<html>…</html>`) and nothing after it."""
    start = _WRAPPER_START.match(body[:4000])
    if start is None:
        return False
    name = start.group(1).lower()
    tail = body.rstrip()
    closing = f"</{name}>"
    # Only the end is lowered (lowering a whole body to compare its end was most of the cost).
    if tail[-len(closing) :].lower() != closing and not (name == "html" and tail[-7:].lower() == "</body>"):
        return False
    # The first element must close at the very end, not earlier (`<div>a</div>\n\n# Markdown\n<div>b</div>`).
    depth = 0
    for tag in _WRAPPER_TAGS[name].finditer(body):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return not body[tag.end() :].strip()
    return True


_INVISIBLE_START = re.compile(r"<(script|style|svg|template(?![ \t]+(?:#|v-slot))|noscript)\b|<!--", re.IGNORECASE)
"""(A Vue slot, `<template #title>` in a VitePress page, is shown: the team page's text.)"""
_INVISIBLE_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style", "svg", "template", "noscript")
}
_INVISIBLE_END["--"] = re.compile("-->")


def _drop_invisible_blocks(body: str) -> str:
    """Remove scripts, styles, SVG, templates and comments. A block that is never closed is
    left for the tag stripper (one `re.sub(r"<script.*?</script>")` rescans the whole rest of the
    body from every unclosed `<script>`: 50k of them took minutes)."""
    pieces: list[str] = []
    position = 0
    unclosed: set[str] = set()
    while (start := _INVISIBLE_START.search(body, position)) is not None:
        name = (start.group(1) or "--").lower()
        end = None if name in unclosed else _INVISIBLE_END[name].search(body, start.end())
        if end is None:
            unclosed.add(name)
            pieces.append(body[position : start.end()])
        else:
            pieces.append(body[position : start.start()])
            pieces.append(" ")
        position = start.end() if end is None else end.end()
        if len(unclosed) == len(_INVISIBLE_END):
            break
    if not pieces:
        return body
    pieces.append(body[position:])
    return "".join(pieces)


MAX_SEARCH_CHARACTERS = 1_000_000
"""Searchable text kept per post: indexing costs ~65 bytes a character while a batch is built,
so a 10 MB post would need 270 MB; the reader shows about as much (convert.MAX_READER_CHARACTERS)."""


_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]{1,200}\]:[ \t]*\S+.*$", re.MULTILINE)
"""A link's definition is not shown; a footnote's (`[^1]: text`) is, at the page's end."""
_HEADING_ID = re.compile(r"\{[ \t]*#[\w:.-]{1,200}[ \t]*\}")


_FENCE_LINE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})", re.MULTILINE)


def _fenced_pieces(body: str):
    """(is prose, text) pieces of Markdown: code blocks are shown as written, so kept whole."""
    position = 0
    fence = ""
    for marker in _FENCE_LINE.finditer(body):
        ticks = marker.group(1)
        if not fence:
            yield True, body[position : marker.start()]
            position, fence = marker.start(), ticks
        elif ticks[0] == fence[0] and len(ticks) >= len(fence):
            line_end = body.find("\n", marker.end())
            end = len(body) if line_end < 0 else line_end
            yield False, body[position:end]
            position, fence = end, ""
    yield not fence, body[position:]


def _visible_markdown(text: str, labels: frozenset[str]) -> str:
    text = _REFERENCE_DEFINITION.sub(" ", _drop_invisible_blocks(text))
    return _HEADING_ID.sub("", markdown_inline_text(text, _tags_to_spaces, labels))


def _tags_to_spaces(text: str) -> str:
    return _strip_tags(text, " ")


def plain_text(body: str, body_format: str) -> str:
    """Searchable text of a body, cheap enough for every post of a big archive: what the reader
    shows, near enough (no tags, comments, scripts, link addresses or heading ids), so a body
    match is a match the reader can highlight."""
    if body_format == "html":
        body = _drop_invisible_blocks(body)
        body = _strip_tags(join_cjk_lines(without_inline_tags(body)), " ")
    else:
        # Site markup as the reader shows it: labels for shortcodes, no template comments.
        body = normalise_site_markup(body)
        labels = defined_labels(body)
        body = " ".join(_visible_markdown(piece, labels) if prose else piece for prose, piece in _fenced_pieces(body))
    body = html.unescape(body)
    return " ".join(strip_controls(body, tags=False).split())[:MAX_SEARCH_CHARACTERS]
