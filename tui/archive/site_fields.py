"""Fields as site generators keep them: titles in the first Markdown heading, dates in paths,
file names and aliases, authors as lists, categories as the folders below a content root.

Like fields.py, every function takes whatever the frontmatter parser produced, never raises and
does bounded, linear work (these run on every post, hostile ones included).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from . import dates, fields

# ---------------------------------------------------------------- titles

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+(.*))?$")
_SETEXT = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_RAW_START = re.compile(r"^[ \t]{0,3}<(script|style|template|pre|textarea|svg)\b|^[ \t]{0,3}<!--", re.IGNORECASE)
_RAW_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "template", "pre", "textarea", "svg")
}
_RAW_END["--"] = re.compile("-->")
_HTML_LINE = re.compile(r"^[ \t]{0,3}</?[A-Za-z][^\n]*$")
_HTML_HEADING = re.compile(r"<h[1-3][\s>]", re.IGNORECASE)
_ATTRIBUTES = re.compile(r"[ \t]*\{[#.:][^{}\n]*\}[ \t]*$")  # {#id}, {.class}, {: #id}
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_EMPTY_ANCHOR = re.compile(r"<a\b[^<>]*>[ \t]*</a\s*>", re.IGNORECASE)
_ANCHOR_LINK = re.compile(r"[ \t]*\[[^\[\]\n]{0,3}\]\(#[^()\s]*\)[ \t]*$")  # [¶](#id), [#](#id)
_TAG = re.compile(r"<[^<>\n]*>")
_HEAD_CHARACTERS = 20000
_HEAD_LINES = 400


def title_from_markdown_heading(body: str) -> str:
    """The first heading of a Markdown body: after any leading `<script setup>`, style or other
    HTML block, outside code fences; `{#id}` attributes and trailing anchors removed ('' if none)."""
    lines = body[:_HEAD_CHARACTERS].split("\n", _HEAD_LINES)[:_HEAD_LINES]
    fence = ""
    raw_end: re.Pattern | None = None
    previous = ""
    for number, line in enumerate(lines):
        if raw_end is not None:
            if raw_end.search(line):
                raw_end = None
            previous = ""
            continue
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        opened = _FENCE.match(line)
        if opened:
            fence, previous = opened.group(1), ""
            continue
        raw = _RAW_START.match(line)
        if raw:
            end = _RAW_END[(raw.group(1) or "--").lower()]
            if not end.search(line, raw.end()):
                raw_end = end
            previous = ""
            continue
        heading = _ATX.match(line)
        if heading:
            title = _clean_heading(heading.group(1) or "")
            if title:
                return title
            previous = ""
            continue
        if previous and _SETEXT.match(line):
            title = _clean_heading(previous)
            if title:
                return title
        if _HTML_LINE.match(line):
            if _HTML_HEADING.search(line):  # an HTML body in a .md file: its own first heading
                title = fields.title_from_body("\n".join(lines[number:]), "html")
                if title:
                    return title
            previous = ""
            continue
        previous = line if line.strip() else ""
    return ""


def _clean_heading(text: str) -> str:
    text = _CLOSING_HASHES.sub("", text.rstrip())
    for _ in range(3):  # `Title {#id} <a id="x"></a>`: each kind may follow the other
        text = _ATTRIBUTES.sub("", _ANCHOR_LINK.sub("", _EMPTY_ANCHOR.sub("", text)))
    text = fields.MARKDOWN_LINK.sub(r"\1", _TAG.sub("", text))
    text = text.replace("**", "").replace("__", "").replace("`", "")
    return fields.text_value(text.strip(" \t*_"))


def title_from_path(relative_path: str) -> str:
    """The file name as a title; a page bundle (`slug/index.md`) is named by its folder."""
    parts = PurePath(relative_path).parts
    stem = PurePath(parts[-1]).stem if parts else ""
    if stem.lower() in ("index", "_index") and len(parts) > 1:
        stem = parts[-2]
    return fields.title_from_file_name(stem)


# ---------------------------------------------------------------- dates

DATE_KEYS = ("date", "publishdate", "pubdate", "published", "publish_date", "created")
LAST_CHANGE_KEYS = ("lastmod", "updated", "last_modified_at", "modified", "last_modified")
_DATED_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[-_T ]|$)")
_DATED_FOLDERS = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$|\.)")


def _plausible(year: str, month: str, day: str) -> datetime | None:
    if not 1990 <= int(year) <= 2100:
        return None
    try:
        return datetime(int(year), int(month), int(day), tzinfo=UTC)
    except ValueError:
        return None


def date_from_path(relative_path: str) -> datetime | None:
    """`2021/12/05/slug.md`, `2021-12-05-slug.md`, `2021-12-05_slug.md`, `2021-12-05-slug/index.md`."""
    parts = PurePath(relative_path).parts[-12:]
    if not parts:
        return None
    stem = PurePath(parts[-1]).stem
    names = [stem]
    if stem.lower() in ("index", "_index") and len(parts) > 1:
        names.append(parts[-2])
    for name in names:
        match = _DATED_NAME.match(name)
        if match:
            return _plausible(*match.groups())
    return date_in_url("/".join(parts[:-1]) + "/")


def date_in_url(text: object) -> datetime | None:
    """A date kept in a URL path: `2022/04/07/slug` (Zola's `path`, aliases, permalinks)."""
    if not isinstance(text, str) or len(text) > 2000:
        return None
    for match in _DATED_FOLDERS.finditer(text):
        found = _plausible(*match.groups())
        if found is not None:
            return found
    last = text.rstrip("/").rsplit("/", 1)[-1]
    named = _DATED_NAME.match(last)
    return _plausible(*named.groups()) if named else None


def post_date(metadata: dict[str, Any], relative_path: str) -> tuple[datetime | None, str, str]:
    """(date, the date as written, a note when it is only the last change), from the first of:
    the frontmatter's publication date, Zola's `path` and aliases, the file or folder name, and
    as a last resort the date of the last change (Hugo `lastmod`, Zola `updated`)."""
    raw = ""
    for key in DATE_KEYS:
        value = metadata.get(key)
        if value is None or isinstance(value, bool):
            continue
        raw = raw or fields.raw_date_text(value)
        date = dates.parse_date(value)
        if date is not None:
            return date, raw, ""
    date = date_in_url(metadata.get("path"))
    aliases = metadata.get("aliases")
    if date is None and isinstance(aliases, (list, tuple)):
        for alias in aliases[:20]:
            date = date_in_url(alias)
            if date is not None:
                break
    date = date or date_from_path(relative_path)
    if date is not None:
        return date, raw, ""
    for key in LAST_CHANGE_KEYS:
        value = metadata.get(key)
        date = None if isinstance(value, bool) else dates.parse_date(value)
        if date is not None:
            return (
                date,
                raw or fields.raw_date_text(value),
                f"dated by its last change ({key}): it gives no publication date",
            )
    return None, raw, ""


# ---------------------------------------------------------------- authors


def author_names(metadata: dict[str, Any]) -> tuple[str, ...]:
    """`author: A`, `authors: [A, B]` (each its own author), `[extra] author = {name = …}` (Zola)."""
    value = metadata.get("author")
    if type(value) is str and value:  # one author, by far the commonest: remembered (bounded)
        names = _names_seen.get(value)
        if names is None:
            if len(_names_seen) >= 8192:
                _names_seen.clear()
            names = _names_seen[value] = _author_names(metadata)
        return names
    return _author_names(metadata)


_names_seen: dict[str, tuple[str, ...]] = {}


def _author_names(metadata: dict[str, Any]) -> tuple[str, ...]:
    value = next((metadata[key] for key in ("author", "authors") if metadata.get(key) not in (None, "", [])), None)
    if value is None:
        extra = metadata.get("extra")
        if isinstance(extra, dict):
            value = next((extra[key] for key in ("author", "authors") if extra.get(key) not in (None, "", [])), None)
    items = value[: fields.MAX_ITEMS] if isinstance(value, (list, tuple)) else [value]
    names: list[str] = []
    for item in items:
        name = fields.link_text(fields.text_value(item))
        if name and name not in names:
            names.append(name)
    return tuple(names)
