"""Frontmatter values -> clean Post fields.

Archives disagree on everything: dates come as RFC 822 strings, YAML datetimes, ISO 8601,
`Invalid Date` or only in a Jekyll file name; categories as a string, a Hexo hierarchy list,
nested lists or only as folders; titles as ints, empty, or missing. Every function here takes
whatever the YAML/TOML/JSON parser produced and never raises.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timezone
from email.utils import parsedate_to_datetime
from pathlib import PurePath
from typing import Any

from .sanitize import one_line, strip_controls

UTC = timezone.utc

# ---------------------------------------------------------------- dates

_EXTRA_DATE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%a %b %d %H:%M:%S %Y",
)


def parse_date(value: Any, default_zone: timezone = UTC) -> datetime | None:
    """Any frontmatter date -> an aware datetime, or None when it cannot be read.

    Naive values are taken to be in `default_zone` (UTC unless the archive says otherwise).
    """
    try:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=default_zone)
        if isinstance(value, date):
            return datetime.combine(value, time(), tzinfo=default_zone)
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return _from_epoch(value)
        if isinstance(value, str):
            return _parse_date_text(value.strip(), default_zone)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return None


def _from_epoch(seconds: float) -> datetime | None:
    if seconds > 1e11:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    if 0 < seconds < 1e10:
        return datetime.fromtimestamp(seconds, tz=UTC)
    return None


def _parse_date_text(text: str, default_zone: timezone) -> datetime | None:
    if not text or text.lower() in ("invalid date", "null", "none", "nan", "undefined"):
        return None
    if text.isdigit() and len(text) >= 9:
        return _from_epoch(int(text))
    try:
        parsed = datetime.fromisoformat(text.replace("/", "-") if text[:4].isdigit() else text)
    except ValueError:
        parsed = None
    if parsed is None and ("," in text or re.match(r"^[A-Za-z]{3}", text)):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        for form in _EXTRA_DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, form)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=default_zone)


def raw_date_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return one_line(str(value))


_JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.*)$")


def date_from_file_name(stem: str, default_zone: timezone = UTC) -> datetime | None:
    """Jekyll's `_posts/2021-12-05-slug.md` carries the date in the name."""
    match = _JEKYLL_NAME.match(stem)
    if not match:
        return None
    try:
        year, month, day = (int(part) for part in match.groups()[:3])
        return datetime(year, month, day, tzinfo=default_zone)
    except ValueError:
        return None


# ---------------------------------------------------------------- text fields


def text_value(value: Any) -> str:
    """A scalar or list frontmatter value as one display line ('' for None)."""
    if value is None or value is False:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(part for part in (text_value(item) for item in value) if part)
    if isinstance(value, dict):
        for key in ("name", "title", "text", "value"):
            if key in value:
                return text_value(value[key])
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return one_line(html.unescape(str(value)))


_MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_HTML_HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def title_from_body(body: str, body_format: str) -> str:
    """The first heading of a body, for posts whose frontmatter has no title."""
    head = body[:20000]
    if body_format == "html":
        match = _HTML_HEADING.search(head)
        return one_line(html.unescape(_TAG.sub("", match.group(1)))) if match else ""
    match = _MARKDOWN_HEADING.search(head)
    return one_line(match.group(1).strip("*_` ")) if match else ""


def title_from_file_name(stem: str) -> str:
    match = _JEKYLL_NAME.match(stem)
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
    if isinstance(value, (list, tuple)):
        nested = any(isinstance(item, (list, tuple)) for item in value)
        if nested or frontmatter_format in ("toml", "json"):
            paths = []
            for item in value:
                levels = _levels(item if isinstance(item, (list, tuple)) else [item])
                if levels:
                    paths.append(levels)
            return tuple(paths)
        levels = _levels(value)
        return (levels,) if levels else ()
    levels = _levels([value])
    return (levels,) if levels else ()


def _levels(items: Any) -> tuple[str, ...]:
    return tuple(part for part in (text_value(item) for item in items) if part)


def _split_list_text(text: str) -> list[str]:
    return [part for part in (one_line(piece) for piece in re.split(r"[,，、]", text)) if part]


def tag_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(_split_list_text(value))
    if isinstance(value, (list, tuple)):
        return tuple(tag for tag in (text_value(item) for item in value) if tag)
    tag = text_value(value)
    return (tag,) if tag else ()


CONTAINER_FOLDERS = {"source", "_posts", "posts", "post", "content", "_drafts", "blog"}


def categories_from_folder(relative_path: str) -> tuple[tuple[str, ...], ...]:
    """`source/_posts/新媒体/ZAKER/channel/x.md` -> (('新媒体', 'ZAKER', 'channel'),)."""
    parts = list(PurePath(relative_path).parts[:-1])
    while parts and parts[0].lower() in CONTAINER_FOLDERS:
        parts.pop(0)
    levels = tuple(one_line(part) for part in parts if one_line(part))
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
    if not isinstance(value, str):
        return ""
    url = real_url(html.unescape(value))
    return url if re.match(r"^https?://\S+$", url, re.IGNORECASE) else ""


IMAGE_KEYS = ("headimg", "thumbnail", "cover", "image", "featured_image", "banner", "img")
LINK_KEYS = (
    "link", "url", "source", "original", "original_link", "original_url", "origin",
    "permalink", "canonical", "canonical_url", "canonicalurl", "source_url", "via", "href",
)


def first_url(metadata: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        url = web_url(metadata.get(key))
        if url:
            return url
    return ""


# ---------------------------------------------------------------- bodies

_HTML_START = re.compile(
    r"^\s*<(?:!doctype|html|head|body|div|p|section|article|main|table|h[1-6]|ul|ol|img|"
    r"figure|blockquote|pre|span|a|iframe|video|br|hr|center|font|strong|b|em|i|section|header|"
    r"style|script|noscript|svg|link|meta|nav|footer|aside|dl|picture|audio|button|form|template)\b"
    r"|^\s*<!--",
    re.IGNORECASE,
)


def body_format(body: str, suffix: str) -> str:
    if suffix.lower() in (".html", ".htm") or _HTML_START.match(body[:2000]):
        return "html"
    return "markdown"


_INVISIBLE_BLOCKS = re.compile(
    r"<(script|style|svg|template|noscript)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)


def plain_text(body: str, body_format: str) -> str:
    """Searchable text of a body, cheap enough for every post of a big archive."""
    if body_format == "html":
        body = _INVISIBLE_BLOCKS.sub(" ", body)
        body = _TAG.sub(" ", body)
    body = html.unescape(body)
    return " ".join(strip_controls(body).split())
