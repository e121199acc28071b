"""The inline part of a Markdown block (emphasis, code, links, images, inline HTML) -> Rich Text.

Images become placeholder lines of their own, `[img 3] alt — host/…/file.jpg`, numbered like
the links screen: Rich's own `🌆 alt` has no URL, which over SSH leaves nothing to act on. The
alt text is never cut (it wraps); only the URL is shortened, keeping its host and file name.
Inline HTML is read as a browser reads it: `<b>`, `<kbd>`, `<a href>`, `<br>`, `<img>` show
what they mean, unknown tags (Vue components) let their text through, comments go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from ..archive.links import Link, clean_url, file_name, tag_attributes
from ..archive.sanitize import one_line
from .linebreak import is_cjk
from .text_fit import SCHEME, hyperlink_target, shorten_url, url_key

STRONG = Style(bold=True)
EMPHASIS = Style(italic=True)
STRIKE = Style(strike=True)
UNDERLINE = Style(underline=True)
CODE = Style(color="cyan", bold=True)
KEY = Style(color="bright_yellow", bold=True)
MARK = Style(reverse=True)
LINK = Style(color="bright_blue", underline=True)
IMAGE_MARK = Style(color="magenta", bold=True)
ADDRESS = LINK + Style(meta={"address": True})
"""An image's address: shown, but not text of the page, so never a search match (post.py)."""
ALT = Style(italic=True)
FOOTNOTE_MARK = Style(color="cyan", bold=True)
MATH = Style(color="cyan", italic=True)

_EMPHASIS_TAGS = re.compile(r"</?(?:em|strong|i|b)>", re.IGNORECASE)


def math_text(tex: str) -> str:
    """Math as shown: HTML emphasis tags inside it are not. A feed's Markdown-to-HTML turned
    the `_` of `c_1` into `<em>`, and the HTML conversion keeps emphasis it cannot write as
    `*` as tags; in math, Markdown does not read them, and a browser would not show them."""
    return _EMPHASIS_TAGS.sub("", tex) if "<" in tex else tex


_KRAMDOWN_ATTRIBUTES = re.compile(r"^(?:\s*\{:[^{}\n]{0,200}\})+")
_TAG = re.compile(r"^<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>\s*$", re.DOTALL)
_HTML_STYLES = {
    "b": STRONG,
    "strong": STRONG,
    "i": EMPHASIS,
    "em": EMPHASIS,
    "cite": EMPHASIS,
    "var": EMPHASIS,
    "dfn": EMPHASIS,
    "s": STRIKE,
    "del": STRIKE,
    "strike": STRIKE,
    "u": UNDERLINE,
    "ins": UNDERLINE,
    "code": CODE,
    "tt": CODE,
    "samp": CODE,
    "kbd": KEY,
    "mark": MARK,
    "small": Style(dim=True),
}


@dataclass
class Images:
    """How images are numbered in this post (the links screen's numbers), by URL."""

    links: Sequence[Link] | None = None
    numbers: dict[str, Link] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.numbers = {url_key(link.url): link for link in self.links or ()}

    def mark(self, target: str) -> tuple[str, str]:
        """(`[img N]`, URL to show) for an image at `target` (already a hyperlink target)."""
        link = self.numbers.get(url_key(target)) if target else None
        shown = target and (link.url if link else clean_url(unquote(target)))
        if link is not None and self.links is not None:
            return f"[img {link.number}]", shown
        return "[img]", shown


class InlineRenderer:
    """Builds the Text of one block's inline content at a given width (for image placeholders)."""

    def __init__(self, width: int, images: Images, footnotes: dict[int, int], in_table: bool = False) -> None:
        self.width = max(8, width)
        self.images = images
        self.footnotes = footnotes
        self.in_table = in_table
        self.text = Text(overflow="fold")
        self._last = ""  # the last character appended ("\n" at a line start)
        self._styles: list[Style] = []
        self._html_open: list[tuple[str, Style | None]] = []
        self._after_image = False
        self._line_start = False  # after a hard break: leading spaces of the next text go

    # ---------------------------------------------------------------- public

    def render(self, inline: SyntaxTreeNode | None) -> Text:
        if inline is not None:
            self._children(inline.children)
        text = self.text
        text.rstrip()
        return text

    # ---------------------------------------------------------------- appending

    def _style(self) -> Style | None:
        if not self._styles:
            return None
        return Style.combine(self._styles)

    def _append(self, content: str, style: Style | None = None) -> None:
        if not content:
            return
        if self._after_image:
            content = _KRAMDOWN_ATTRIBUTES.sub("", content)
            if not content.strip():
                return
            self._after_image = False
            self._newline()
            content = content.lstrip(" ")
        if self._line_start:
            content = content.lstrip(" ")
            if not content:
                return
            self._line_start = False
        combined = self._style()
        if style is not None:
            combined = style if combined is None else combined + style
        self.text.append(content, combined)
        self._last = content[-1]

    def _newline(self) -> None:
        if self._last and self._last != "\n":
            self.text.append("\n")
            self._last = "\n"
            self._line_start = True

    # ---------------------------------------------------------------- nodes

    def _children(self, nodes: Sequence[SyntaxTreeNode]) -> None:
        # Each node's next sibling that shows something (the parser leaves empty text nodes
        # around emphasis), found in one pass from the end.
        followings: list[SyntaxTreeNode | None] = [None] * len(nodes)
        for index in range(len(nodes) - 2, -1, -1):
            after = nodes[index + 1]
            followings[index] = after if after.type != "text" or after.content else followings[index + 1]
        for node, following in zip(nodes, followings, strict=True):
            self._node(node, following)

    def _node(self, node: SyntaxTreeNode, following: SyntaxTreeNode | None) -> None:
        kind = node.type
        if kind == "text":
            self._append(node.content)
        elif kind == "softbreak":
            if self._after_image:
                return
            self._append("" if is_cjk(self._last) and is_cjk(_first_character(following)) else " ")
        elif kind == "hardbreak":
            if not self._after_image:
                self._newline_forced()
        elif kind == "code_inline":
            self._append(node.content, CODE)
        elif kind in ("strong", "em", "s"):
            self._styles.append({"strong": STRONG, "em": EMPHASIS, "s": STRIKE}[kind])
            self._children(node.children)
            self._styles.pop()
        elif kind == "link":
            self._link(str(node.attrs.get("href", "")), node.children)
        elif kind == "image":
            self._image(str(node.attrs.get("src", "")), _plain(node))
        elif kind == "html_inline":
            self._html(node.content)
        elif kind == "footnote_ref":
            number = self.footnotes.setdefault(int(node.meta.get("id", 0)), len(self.footnotes) + 1)
            self._append(f"[{number}]", FOOTNOTE_MARK)
        elif kind in ("math_inline", "math_inline_double"):
            self._append(math_text(node.content), MATH)
        elif node.children:
            self._children(node.children)
        elif node.content:
            self._append(node.content)

    def _newline_forced(self) -> None:
        self.text.append("\n")
        self._last = "\n"
        self._line_start = True

    def _link(self, href: str, children: Sequence[SyntaxTreeNode]) -> None:
        target = clean_url(href)
        style = LINK + Style(link=hyperlink_target(target)) if target else LINK
        self._styles.append(style)
        before = len(self.text)
        self._children(children)
        if len(self.text) == before and target:
            self._append(target)
        self._styles.pop()

    # ---------------------------------------------------------------- images

    def _image(self, source: str, alt: str) -> None:
        """`[img 3] alt — host/…/file.jpg` on a line of its own; in a table cell only the mark
        and the alt, which link to the image."""
        target = hyperlink_target(clean_url(source)) if source else ""
        mark, shown_url = self.images.mark(target)
        alt = one_line(alt)
        saved, self._styles = self._styles, []
        self._after_image = False
        if not self.in_table:
            self._newline()
        link = Style(link=target) if target else None
        self._append(mark, IMAGE_MARK + link if link else IMAGE_MARK)
        self._append(" ")
        if self.in_table or not shown_url:
            named = shown_url or ("" if source.lower().startswith("data:") else source)
            self._append(alt or file_name(named) or "image", ALT + link if link else ALT)
        else:
            room = self.width - cell_len(mark) - 1
            if alt:
                self._append(alt, ALT)
                self._append(" — ")
                # The URL takes what is left of the line, or up to two thirds of a line of its own.
                left = room - cell_len(alt) - 3
                url_cells = left if left >= 16 else max(16, room * 2 // 3)
                if cell_len(alt) + 3 > room:
                    url_cells = min(cell_len(SCHEME.sub("", shown_url)), max(16, room * 2 // 3))
            else:
                url_cells = max(16, room)
            # (without its scheme, short or long: an image's address is not text of the page)
            self._append(shorten_url(SCHEME.sub("", shown_url), url_cells), ADDRESS + Style(link=target))
        self._styles = saved
        self._after_image = not self.in_table

    # ---------------------------------------------------------------- inline HTML

    def _html(self, markup: str) -> None:
        if markup.startswith("<!--") or markup.startswith("<?") or markup.startswith("<!"):
            return
        match = _TAG.match(markup)
        if match is None:
            self._append(markup)  # not a tag after all: show it as written
            return
        closing, name, attributes, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        if closing:
            self._close_html(name)
            return
        attrs = tag_attributes(attributes)
        if name == "br":
            self._newline_forced()
        elif name == "img":
            source = next((attrs[key] for key in ("data-original", "data-src", "src") if attrs.get(key)), "")
            self._image(source, attrs.get("alt") or attrs.get("title") or "")
        elif name == "input":
            if attrs.get("type", "").lower() == "checkbox":
                self._append("☑" if "checked" in attributes.lower() else "☐")
        elif name == "a":
            target = clean_url(attrs.get("href", ""))
            style = LINK + Style(link=hyperlink_target(target)) if target else None
            self._open_html(name, style, self_closing)
        elif name == "sup":
            self._append("^")
            self._open_html(name, None, self_closing)
        elif name == "sub":
            self._append("_")
            self._open_html(name, None, self_closing)
        elif name == "hr":
            self._newline()
        else:
            self._open_html(name, _HTML_STYLES.get(name), self_closing)

    def _open_html(self, name: str, style: Style | None, self_closing: str) -> None:
        if self_closing or len(self._html_open) > 64:
            return
        self._html_open.append((name, style))
        if style is not None:
            self._styles.append(style)

    def _close_html(self, name: str) -> None:
        for depth in range(len(self._html_open) - 1, -1, -1):
            if self._html_open[depth][0] == name:
                for _name, style in self._html_open[depth:]:
                    if style is not None and style in self._styles:
                        self._styles.remove(style)
                del self._html_open[depth:]
                return


def _plain(node: SyntaxTreeNode) -> str:
    """The text of an image's alt (its inline children), without markup."""
    if node.children:
        return "".join(_plain(child) if child.children else child.content for child in node.children)
    return node.content


def _first_character(node: SyntaxTreeNode | None) -> str:
    """The first character of the text a node shows, inside emphasis and links too: a line of
    Chinese that starts in bold or a link is joined to the line before, as a browser joins it."""
    while node is not None and node.type in ("strong", "em", "s", "link"):
        node = node.children[0] if node.children else None
    return node.content[:1] if node is not None and node.type in ("text", "code_inline") else ""
