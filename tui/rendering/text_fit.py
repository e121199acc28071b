"""Fitting text and URLs into terminal cells, and URLs fit for terminal hyperlinks."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from rich.cells import cell_len

from ..archive.sanitize import one_line


def fit(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells, with `…` when something was cut."""
    if cell_len(text) <= cells:
        return text
    if cells <= 0:
        return ""
    kept, used = [], 0
    for character in text:
        width = cell_len(character)
        if used + width > cells - 1:
            break
        kept.append(character)
        used += width
    return "".join(kept) + "…"


def _tail(text: str, cells: int) -> str:
    kept, used = [], 0
    for character in reversed(text):
        width = cell_len(character)
        if used + width > cells:
            break
        kept.append(character)
        used += width
    return "".join(reversed(kept))


SCHEME = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


def shorten_url(url: str, cells: int) -> str:
    """A URL in at most `cells` cells that still says where it goes: the scheme goes first,
    then the middle of the path (`host/…/file.jpg`), so the host and the file name stay."""
    if cell_len(url) <= cells:
        return url
    if cells <= 1:
        return fit(url, cells)
    text = SCHEME.sub("", url)
    if cell_len(text) <= cells:
        return text
    slash = text.find("/")
    head = text[: slash + 1] if slash > 0 else ""
    if not head or cell_len(head) + 8 > cells:
        half = (cells - 1) // 2
        return fit(text, half + 1)[:-1] + "…" + _tail(text, cells - 1 - half)
    return head + "…" + _tail(text[len(head) :], cells - cell_len(head) - 1)


def hyperlink_target(url: str) -> str:
    """A URL fit for an OSC 8 hyperlink (`Style(link=...)`): the spec allows only printable
    ASCII there, so anything else (a Chinese path, a space) is percent-encoded."""
    return quote(one_line(url), safe="!#$%&'()*+,-./:;=?@[]_~")


def url_key(url: str) -> str:
    """Two spellings of one URL (percent-encoded by the parser or not) compare equal."""
    url = unquote(url)
    scheme, separator, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{separator}{host.lower()}{slash}{path}"
