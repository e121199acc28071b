"""Rendering post Markdown to terminal lines with Rich, and line breaking that suits CJK.

Rich breaks lines only at spaces. Chinese and Japanese have none, so a paragraph mixing CJK
with a few Latin words breaks at those few spaces and leaves ragged half-empty lines. CJK text
may break between any two characters; `install_cjk_line_breaking` teaches Rich that.

Rich shows an image as `🌆 alt`, printed before the paragraph it sits in and with no URL,
which over SSH leaves nothing to act on. Images become placeholder lines here instead,
`[img 3] alt — host/…/file.jpg`, numbered like the links screen when given its list.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote, unquote

import rich._wrap
from markdown_it.token import Token
from rich.cells import cell_len
from rich.console import Console
from rich.markdown import Markdown
from rich.segment import Segment
from rich.theme import Theme

from .archive.links import Link, clean_url, file_name
from .archive.sanitize import one_line

_CJK = "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
# Punctuation that must not start a line; it stays with the character before it.
_CLOSING = "，。、；：？！）」』】》〉”’・ー…％,.;:?!)\\]}"
# A "word" is one CJK character (with any closing punctuation after it) or a run of other
# non-space characters, with trailing spaces.
_WORD = re.compile(rf"\s*(?:[{_CJK}][{_CLOSING}]*|[^\s{_CJK}]+)\s*")


def _words(text: str) -> Iterable[tuple[int, int, str]]:
    position = 0
    match = _WORD.match(text, position)
    while match is not None:
        start, end = match.span()
        yield start, end, match.group(0)
        match = _WORD.match(text, end)


def install_cjk_line_breaking() -> None:
    """Let Rich break lines between CJK characters (Rich only looks for spaces)."""
    if hasattr(rich._wrap, "words") and hasattr(rich._wrap, "divide_line"):
        rich._wrap.words = _words


# ------------------------------------------------------------------ fitting text into cells


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


_SCHEME = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


def shorten_url(url: str, cells: int) -> str:
    """A URL in at most `cells` cells that still says where it goes: the scheme goes first,
    then the middle of the path (`host/…/file.jpg`), so the host and the file name stay."""
    if cell_len(url) <= cells:
        return url
    if cells <= 1:
        return fit(url, cells)
    text = _SCHEME.sub("", url)
    if cell_len(text) <= cells:
        return text
    slash = text.find("/")
    head = text[: slash + 1] if slash > 0 else ""
    if not head or cell_len(head) + 8 > cells:
        half = (cells - 1) // 2
        return fit(text, half + 1)[:-1] + "…" + _tail(text, cells - 1 - half)
    return head + "…" + _tail(text[len(head):], cells - cell_len(head) - 1)


# ------------------------------------------------------------------ image placeholders

IMAGE_MARK = "postshelf_image"
ALT_MARK = "postshelf_alt"
_THEME = Theme({f"markdown.{IMAGE_MARK}": "bold magenta", f"markdown.{ALT_MARK}": "italic"})
_KRAMDOWN_ATTRIBUTES = re.compile(r"^(?:\s*\{:[^{}\n]{0,200}\})+")
_INDENTING = {"bullet_list_open": 4, "ordered_list_open": 4, "blockquote_open": 4}
_BREAKS = ("softbreak", "hardbreak")


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


class _Images:
    """Rewrites the parsed Markdown so every image is a placeholder of its own line."""

    def __init__(self, width: int, links: Sequence[Link] | None) -> None:
        self.width = width
        self.numbers: dict[str, Link] = {url_key(link.url): link for link in links or ()}
        self.numbered = links is not None

    def rewrite(self, tokens: list[Token]) -> None:
        indent = 0
        in_table = 0
        for token in tokens:
            kind = token.type
            if kind in _INDENTING:
                indent += _INDENTING[kind]
            elif kind.endswith("_close") and kind.replace("_close", "_open") in _INDENTING:
                indent -= _INDENTING[kind.replace("_close", "_open")]
            elif kind == "table_open":
                in_table += 1
            elif kind == "table_close":
                in_table -= 1
            elif kind == "heading_open" and token.tag == "h1":
                indent += 4  # Rich boxes h1 headings
            elif kind == "heading_close" and token.tag == "h1":
                indent -= 4
            elif kind == "inline" and token.children:
                token.children = self._inline(token.children, max(20, self.width - indent - 1), in_table > 0)

    def _inline(self, children: list[Token], cells: int, in_table: bool) -> list[Token]:
        if not any(child.type in ("image", "link_open") for child in children):
            return children
        result: list[Token] = []
        line_has_text = False
        after_image = False
        for child in children:
            kind = child.type
            if kind == "link_open":
                # The terminal may open it (OSC 8): only http(s)/ftp/mailto, proxies removed.
                child.attrs["href"] = hyperlink_target(clean_url(str(child.attrs.get("href", ""))))
                result.append(child)
            elif kind == "image":
                if line_has_text and not in_table:
                    result.append(Token("hardbreak", "br", 0))
                result.extend(self._placeholder(child, cells, in_table))
                line_has_text = True
                after_image = not in_table
            elif kind in _BREAKS:
                if after_image:
                    continue  # the placeholder ends its line already
                line_has_text = kind == "softbreak" and line_has_text
                result.append(child)
            elif kind == "text":
                content = child.content
                if after_image:
                    content = _KRAMDOWN_ATTRIBUTES.sub("", content.lstrip()).lstrip()
                    if not content:
                        continue
                    result.append(Token("hardbreak", "br", 0))
                    child.content = content
                    after_image = False
                result.append(child)
                line_has_text = line_has_text or bool(content.strip())
            else:
                if after_image and kind in ("code_inline", "em_open", "strong_open", "s_open"):
                    result.append(Token("hardbreak", "br", 0))
                    after_image = False
                result.append(child)
                line_has_text = line_has_text or kind == "code_inline"
        return result

    def _placeholder(self, image: Token, cells: int, in_table: bool) -> list[Token]:
        """`[img 3] alt — host/…/file.jpg` on one line; without alt the URL alone (its end is
        the file name); in a table cell only the mark and alt, which link to the image."""
        source = str(image.attrs.get("src", ""))
        target = hyperlink_target(clean_url(source)) if source else ""
        link = self.numbers.get(url_key(target)) if target else None
        shown_url = target and (link.url if link else clean_url(unquote(target)))
        alt = one_line(image.content)
        mark = f"[img {link.number}]" if link is not None and self.numbered else "[img]"
        room = cells - cell_len(mark) - 1
        tokens = [Token(IMAGE_MARK, IMAGE_MARK, 0, content=mark), Token("text", "", 0, content=" ")]
        if in_table or not shown_url:
            named = shown_url or ("" if source.lower().startswith("data:") else source)
            label = alt or file_name(named) or "image"
            tokens.append(Token(ALT_MARK, ALT_MARK, 0, content=fit(label, min(room, 24 if in_table else room))))
            if target:
                tokens = [Token("link_open", "a", 1, attrs={"href": target}), *tokens,
                          Token("link_close", "a", -1)]
            return tokens
        if alt:
            if cell_len(alt) + 3 + cell_len(shown_url) > room:
                # The URL keeps up to two thirds of the line (less its scheme); the alt the rest.
                url_cells = min(cell_len(_SCHEME.sub("", shown_url)), max(16, room * 2 // 3))
                alt = fit(alt, max(8, min(cell_len(alt), room // 2), room - 3 - url_cells))
            tokens += [Token(ALT_MARK, ALT_MARK, 0, content=alt), Token("text", "", 0, content=" — ")]
            room -= cell_len(alt) + 3
        return tokens + [
            Token("link_open", "a", 1, attrs={"href": target}),
            Token("text", "", 0, content=shorten_url(shown_url, max(16, room))),
            Token("link_close", "a", -1),
        ]


def render_markdown(markdown: str, width: int, code_theme: str = "monokai",
                    links: Sequence[Link] | None = None) -> list[list[Segment]]:
    """Markdown -> lines of segments at `width` cells. Thread-safe: a console per call.

    `links`: the post's `links_in(markdown, post.link, post.image)`, so image placeholders
    carry the numbers of the links screen; None shows them unnumbered.
    """
    console = Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
        theme=_THEME,
    )
    document = Markdown(markdown, code_theme=code_theme, hyperlinks=True)
    document.inlines = document.inlines | {IMAGE_MARK, ALT_MARK}
    _Images(width, links).rewrite(document.parsed)
    return console.render_lines(document, console.options.update_width(width), pad=False)
