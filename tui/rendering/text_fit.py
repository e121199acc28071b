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
    """A URL in at most `cells` cells that still says where it goes. What goes first: the
    scheme, then the end of the query, then the middle of the path, then the end of the host
    (`amturing…/8371646.jpg`): the start of the host, the last part of the path (a file name,
    a video's id) and the start of the query (`?v=…`) stay while they fit."""
    if cell_len(url) <= cells:
        return url
    if cells <= 1:
        return fit(url, cells)
    text = SCHEME.sub("", url)
    if cell_len(text) <= cells:
        return text
    slash = text.find("/")
    if slash > 0:
        host, path = text[:slash], text[slash:]
        base, mark, query = path.partition("?")
        last = base[base.rfind("/") :]  # `/8371646.jpg`, with its slash
        if mark and cells - cell_len(host + base) > 6:  # the query's start: `?v=XyzAbc…`
            return host + base + "?" + fit(query, cells - cell_len(host + base) - 1)
        end = "?…" if mark else ""
        room = cells - cell_len(host) - 2 - cell_len(end)  # for the path's end, after `host/…`
        if room >= cell_len(last) - 1:  # the host, and as much of the path's end as fits
            return host + "/…" + _tail(base[1:], room) + end
        if cells - cell_len(last + end) >= 7:  # some of the host, and the last part whole
            return fit(host, cells - cell_len(last + end)) + last + end
        if room >= 8:  # a long file name: the host, and its end
            return host + "/…" + _tail(base[1:], room) + end
    half = (cells - 1) // 2
    return fit(text, half + 1)[:-1] + "…" + _tail(text, cells - 1 - half)


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
