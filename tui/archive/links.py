"""Every link and image of a post, numbered, so they can be opened or copied from the keyboard.

Over SSH a terminal cannot show images and often cannot click links, so the UI lists them by
number instead. The scan works on the Markdown the reader shows (markdownify output or
authored Markdown) with regular expressions rather than a Markdown parser: it may run on the
event loop, and markdown-it needs ~350 ms for a 500 KB post where this takes ~25 ms. URLs come
from strangers: only http(s), ftp and mailto survive; proxies are unwrapped; nothing raises.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from urllib.parse import unquote

from .fields import real_url
from .sanitize import one_line

MAX_LABEL = 100
"""Characters of a label; link texts in scraped pages can be whole paragraphs."""
MAX_LINKS = 5000
"""A bound on what one post may list (a 500 KB page of links stays usable)."""

COVER_LABEL = "Cover image"
ORIGINAL_LABEL = "Original post"


@dataclass(frozen=True)
class Link:
    number: int
    kind: str  # "link" | "image"
    label: str
    url: str


# ------------------------------------------------------------------ URLs

_ALLOWED = re.compile(r"^(?:(?:https?|ftp)://[^\s/?#]|mailto:[^\s])", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z]+:(?://)?")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Only entities with their semicolon: `?a=1&copy=2` is a query string, not `©=2`.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape(text: str) -> str:
    """CommonMark's backslash escapes and (semicolon-terminated) entities."""
    if "\\" in text:
        text = _BACKSLASH_ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    return text


def clean_url(raw: str) -> str:
    """A URL as written in Markdown -> the URL to open, or '' when it must not be followed.

    Escapes and entities decoded, CORS proxy removed, `//host` made https, spaces encoded;
    anything but http, https, ftp and mailto (javascript:, data:, file:, relative) is ''.
    """
    url = raw.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    url = real_url(_unescape(url))
    if url.startswith("//"):
        url = "https:" + url
    if not _ALLOWED.match(url):
        return ""
    return url.replace(" ", "%20")


def file_name(url: str) -> str:
    """The last path segment of a URL (decoded), or its host: a label for an image without alt."""
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    if "://" in path:
        path = path.split("://", 1)[1]
    elif ":" in path.split("/", 1)[0]:
        path = path.split(":", 1)[1]
    return one_line(unquote(path.rstrip("/").rsplit("/", 1)[-1]))


# ------------------------------------------------------------------ Markdown syntax

# Bounded repetitions keep a pathological post (a 500 KB line of `[`) linear-ish.
_TEXT = r"(?:[^\[\]\\\n]|\\.|\[(?:[^\[\]\\\n]|\\.){0,500}\]|\n(?![ \t]*\n)){0,2000}"
_DEST = r"(?:<[^<>\n]{0,4000}>|(?:[^\s()<>\\]|\\.|\((?:[^\s()\\]|\\.){0,4000}\)){1,4000}+)"
_TITLE = r"""(?:[ \t]*+\n?[ \t]*+(?<=[ \t\n])(?:"[^"\n]{0,1000}"|'[^'\n]{0,1000}'|\([^()\n]{0,1000}\)))?"""
# (Runs of spaces are taken possessively, here and around an address: `[ \t]*\n?[ \t]+` could
# split 50,000 spaces in every way before failing, 55 s for one line.)
_CJK_AND_WIDE = (
    "\u2018-\u201f\u2026\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_BARE_CHARS = rf"[^\s<>\"'`\[\]{{}}|{_CJK_AND_WIDE}]"

_SYNTAX = re.compile(
    rf"""
    (?=[!\[<hHfF `~])  # where any of these can start: other positions fail at once
    (?:
      ^[ ]{{0,3}}(?P<fence>`{{3,}}+|~{{3,}}+)[^\n]*+\n(?s:.*?)(?:^[ ]{{0,3}}(?P=fence)[ \t]*$|\Z)
    | (?<!`)(?P<ticks>`++)(?s:.{{1,2000}}?)(?<!`)(?P=ticks)(?!`)
    | !\[(?P<alt>{_TEXT})\]\([ \t]*+\n?[ \t]*+(?P<src>{_DEST}){_TITLE}[ \t]*+\n?[ \t]*+\)
    | \[(?P<text>{_TEXT})\]\([ \t]*+\n?[ \t]*+(?P<href>{_DEST})?{_TITLE}[ \t]*+\n?[ \t]*+\)
    | ^[ ]{{0,3}}\[(?P<deflabel>[^\[\]\n]{{1,999}})\]:[ \t]*+\n?[ \t]*+(?P<defdest>{_DEST}){_TITLE}[ \t]*+$
    | (?P<bang>!)?\[(?P<reftext>{_TEXT})\](?:[ ]?\[(?P<ref>[^\[\]\n]{{0,999}})\])?
    | <(?P<auto>[A-Za-z][A-Za-z0-9+.\-]{{1,31}}:[^\s<>]{{0,3999}}[^\s<>\\])\\?>
    | <(?P<email>[A-Za-z0-9.!\#$%&'*+/=?^_`{{|}}~\-]{{1,200}}@[A-Za-z0-9](?:[A-Za-z0-9.\-]{{0,250}}))\\?>
    | <img\b(?P<imgattrs>[^<>]{{0,4000}})>
    | <a\b(?P<aattrs>[^<>]{{0,4000}})>(?P<atext>[^<]{{0,1000}})
    | (?P<bare>(?:https?|ftp)://{_BARE_CHARS}{{1,4000}})
    )
    """,
    re.VERBOSE | re.MULTILINE | re.IGNORECASE,
)
_IMAGE_ONLY = re.compile(
    rf"!\[(?P<alt>{_TEXT})\]\([ \t]*+\n?[ \t]*+(?P<src>{_DEST}){_TITLE}[ \t]*+\n?[ \t]*+\)", re.VERBOSE
)
_DEFINITION = re.compile(
    rf"^[ ]{{0,3}}\[(?P<label>[^\[\]\n]{{1,999}})\]:[ \t]*+\n?[ \t]*+(?P<dest>{_DEST})", re.MULTILINE
)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_INLINE_MARKUP = re.compile(r"!\[([^\[\]]*)\]\([^()\s]*(?:\s[^()]*)?\)|\*\*|__|~~|`+|^[#>\s▶]+")
_TRAILING_PUNCTUATION = ".,:;!?*_~'\"\\"


def _reference_key(label: str) -> str:
    return " ".join(label.casefold().split())


def tag_attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        if name not in found:
            found[name] = html.unescape(match.group(2) or match.group(3) or match.group(4) or "")
    return found


def _trim_bare(url: str) -> str:
    """GFM's rule: trailing punctuation ends a sentence, not the URL; so does an unmatched `)`."""
    while url:
        if url[-1] in _TRAILING_PUNCTUATION:
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        else:
            break
    return url


def _label_text(text: str) -> str:
    """Link text -> a plain one-line label: images become their alt, emphasis marks go."""
    text = _INLINE_MARKUP.sub(lambda match: match.group(1) or "", text) if text else ""
    text = one_line(_unescape(text))
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rstrip() + "…"
    return text


class _Collector:
    """Numbers links in order of first appearance, one number per URL."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self._by_url: dict[str, int] = {}
        self._fallback_labels: set[int] = set()

    def add(self, kind: str, label: str, raw_url: str, *, cleaned: bool = False) -> None:
        if len(self.links) >= MAX_LINKS:
            return
        url = raw_url if cleaned else clean_url(raw_url)
        if not url:
            return
        label = one_line(label)
        for shown in (raw_url.strip(), url):
            # `▶ [Embedded video: URL](URL)`: the URL is shown in its own column anyway.
            if shown and label.endswith(shown):
                label = label[: -len(shown)].rstrip(" :：-—")
        label = _label_text(label)
        fallback = not label or label == COVER_LABEL
        if not label:
            label = file_name(url) if kind == "image" else _label_text(_SCHEME.sub("", url))
        index = self._by_url.get(url)
        if index is not None:
            if index in self._fallback_labels and not fallback:
                self.links[index] = replace(self.links[index], label=label)
                self._fallback_labels.discard(index)
            return
        self._by_url[url] = len(self.links)
        if fallback:
            self._fallback_labels.add(len(self.links))
        self.links.append(Link(len(self.links) + 1, kind, label, url))


def _scan(markdown: str, collector: _Collector, references: dict[str, str]) -> None:
    for match in _SYNTAX.finditer(markdown):
        group = match.lastgroup
        if match.group("fence") is not None or match.group("ticks") is not None:
            continue  # code is shown as written: a URL in it is an example, not a link
        if match.group("src") is not None:
            collector.add("image", match.group("alt"), match.group("src"))
        elif match.group("text") is not None:
            text = match.group("text")
            for image in _IMAGE_ONLY.finditer(text):  # [![alt](img)](href): the image, then the link
                collector.add("image", image.group("alt"), image.group("src"))
            collector.add("link", text, match.group("href") or "")
        elif match.group("defdest") is not None:
            collector.add("link", match.group("deflabel"), match.group("defdest"))
        elif match.group("reftext") is not None:
            text = match.group("reftext")
            ref = match.group("ref")
            url = references.get(_reference_key(ref or text))
            if url is None:
                _scan(text, collector, references)  # plain text in brackets: look inside
            elif match.group("bang"):
                collector.add("image", text, url)
            else:
                for image in _IMAGE_ONLY.finditer(text):
                    collector.add("image", image.group("alt"), image.group("src"))
                collector.add("link", text, url)
        elif match.group("auto") is not None:
            collector.add("link", "", match.group("auto"))
        elif match.group("email") is not None:
            collector.add("link", match.group("email"), "mailto:" + match.group("email"))
        elif match.group("imgattrs") is not None:
            attributes = tag_attributes(match.group("imgattrs"))
            source = next((attributes[key] for key in ("data-original", "data-src", "src") if attributes.get(key)), "")
            collector.add("image", attributes.get("alt") or attributes.get("title") or "", source)
        elif match.group("aattrs") is not None:
            attributes = tag_attributes(match.group("aattrs"))
            collector.add("link", html.unescape(match.group("atext") or ""), attributes.get("href", ""))
        elif group == "bare":
            collector.add("link", "", _trim_bare(match.group("bare")))


def links_in(markdown: str, header_link: str = "", header_image: str = "") -> list[Link]:
    """Every link and image of a post, numbered from 1 in reading order, one entry per URL.

    The post's own link comes first, then its cover image, then the body. Never raises: a
    post is untrusted input and this runs on the UI thread.
    """
    collector = _Collector()
    try:
        if isinstance(header_link, str) and header_link:
            collector.add("link", ORIGINAL_LABEL, header_link)
        if isinstance(header_image, str) and header_image:
            collector.add("image", COVER_LABEL, header_image)
        if not isinstance(markdown, str) or not markdown:
            return collector.links
        references: dict[str, str] = {}
        if "]:" in markdown:
            for match in _DEFINITION.finditer(markdown):
                references.setdefault(_reference_key(match.group("label")), match.group("dest"))
        _scan(markdown, collector, references)
    except Exception:  # noqa: BLE001 - a scanning bug must cost the rest of the list, not the app
        pass
    return collector.links
