"""A post's Markdown -> the reader's lines: markdown-it's token tree, drawn block by block.

Rich's own Markdown element set drops what it does not know (raw HTML, footnotes, containers)
and cuts wide tables with `…`; the reader must never lose a word, so the tree is drawn here:
every node type the parser produces has a rule, and the fallback for an unknown one is its
text. Raw HTML blocks are converted (markdownify on the fragment) and drawn as Markdown;
containers, admonitions and GitHub alerts are titled, indented blocks; site-generator tags
are dim label lines; footnotes are numbered and listed at the end; a table wraps its cells
and, when even that cannot fit the pane, is drawn wider (the reader scrolls sideways).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

from markdown_it.tree import SyntaxTreeNode
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ..archive.convert import to_markdown
from ..archive.links import Link
from ..archive.markdown_parser import CONTAINER, parse_tree
from ..archive.site_markup import SITE_CONTAINER
from .inline import STRONG, Images, InlineRenderer, math_text
from .linebreak import install_cjk_line_breaking, words

HEADING_STYLES = {
    "h1": Style(bold=True, color="bright_white"),
    "h2": Style(bold=True),
    "h3": Style(bold=True),
    "h4": Style(bold=True, italic=True),
    "h5": Style(italic=True),
    "h6": Style(italic=True, dim=True),
}
QUOTE_BAR = Style(color="magenta")
LABEL = Style(dim=True, italic=True)
RULE = Style(dim=True)
BOX_KINDS = {
    "tip": "green",
    "hint": "green",
    "success": "green",
    "check": "green",
    "done": "green",
    "info": "blue",
    "note": "blue",
    "abstract": "blue",
    "summary": "blue",
    "todo": "blue",
    "seealso": "blue",
    "important": "magenta",
    "details": "magenta",
    "question": "magenta",
    "example": "magenta",
    "warning": "yellow",
    "attention": "yellow",
    "caution": "red",
    "danger": "red",
    "error": "red",
    "failure": "red",
    "bug": "red",
}
MAX_HTML_DEPTH = 3
MAX_TABLE_WIDTH = 400
"""A table never drawn wider than this (the reader scrolls sideways to it)."""
MAX_CODE_WIDTH = 400
"""Code keeps its lines up to this many cells (the reader scrolls sideways to them); a longer
line (minified code) is wrapped, so that no part of it is out of reach."""
_BULLETS = ("•", "◦", "▪")


class Prefixed:
    """Renderables drawn at a narrower width, each line after a prefix (lists, quotes, boxes)."""

    def __init__(self, renderables: Sequence[RenderableType], first: Text, rest: Text | None = None) -> None:
        self.renderables = renderables
        self.first = first
        self.rest = rest if rest is not None else Text(" " * first.cell_len)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = max(self.first.cell_len, self.rest.cell_len)
        inner = options.update_width(max(4, options.max_width - indent))
        first = list(self.first.render(console))
        rest = list(self.rest.render(console))
        number = 0
        for renderable in self.renderables:
            for line in console.render_lines(renderable, inner, pad=False):
                yield from first if number == 0 else rest
                yield from line
                yield Segment.line()
                number += 1
        if number == 0 and self.first.plain.strip():
            yield from first
            yield Segment.line()


class Wide:
    """A block that needs more cells than the pane has: drawn at `width`, scrolled sideways."""

    def __init__(self, renderable: RenderableType, width: int, narrow: RenderableType | None = None) -> None:
        self.renderable = renderable
        self.width = width
        self.narrow = narrow if narrow is not None else renderable
        """What is drawn where nothing scrolls sideways (code wraps there)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Inside a list or a quote, where nothing scrolls sideways: drawn in the room there is."""
        yield from console.render(self.narrow, options)


class DocumentRenderer:
    """Draws one post. Not thread-safe: make one per render."""

    def __init__(self, width: int, links: Sequence[Link] | None, code_theme: str) -> None:
        self.width = width
        self.images = Images(links)
        self.code_theme = code_theme
        self.footnotes: dict[int, int] = {}  # footnote id -> number shown, in order of reference
        self.html_depth = 0

    # ---------------------------------------------------------------- blocks

    def blocks(self, nodes: Iterable[SyntaxTreeNode], width: int, tight: bool = False) -> list[RenderableType]:
        result: list[RenderableType] = []
        for node in nodes:
            drawn = self.block(node, width)
            if not drawn:
                continue
            if result and not tight:
                result.append(Text(""))
            result.extend(drawn)
        return result

    def block(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        kind = node.type
        if kind == "paragraph":
            text = self.inline(node, width)
            return [text] if text.plain.strip() else []
        if kind == "heading":
            return self.heading(node, width)
        if kind in ("fence", "code_block"):
            info = (node.info or "").strip()
            language = info.split()[0] if info and not info.startswith("[") else ""
            # VitePress code groups name each block: ```sh [npm]
            label = _FENCE_LABEL.search(info)
            code = self.code(node.content, language.split("[")[0].split("{")[0], width)
            return [Text(label.group(1), LABEL), code] if label else [code]
        if kind == "math_block" or kind == "math_block_label":
            return [self.code(math_text(node.content), "latex", width)]
        if kind == "blockquote":
            return self.blockquote(node, width)
        if kind in ("bullet_list", "ordered_list"):
            return self.list_block(node, width)
        if kind == "hr":
            return [Text("─" * min(width, 40), RULE)]
        if kind == "table":
            return self.table(node, width)
        if kind == "html_block":
            return self.html_block(node.content, width)
        if kind == CONTAINER:
            return self.container(node, width)
        if kind == "admonition":
            return self.admonition(node, width)
        if kind == "dl":
            return self.definitions(node, width)
        if kind == "footnote_block":
            return self.footnote_block(node, width)
        if kind == "front_matter":
            return []
        if node.children:
            return self.blocks(node.children, width)
        return [Text(node.content.rstrip("\n"))] if node.content.strip() else []

    def inline(self, node: SyntaxTreeNode, width: int, in_table: bool = False) -> Text:
        inline = node if node.type == "inline" else next((c for c in node.children if c.type == "inline"), None)
        return InlineRenderer(width, self.images, self.footnotes, in_table).render(inline)

    def heading(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        text = self.inline(node, width)
        if not text.plain.strip():
            return []
        text.stylize(HEADING_STYLES.get(node.tag, STRONG))
        if node.tag in ("h1", "h2"):
            # The rule goes under the heading's words; an image in the heading comes after it.
            first, *after = text.split("\n", allow_blank=False) if "\n" in text.plain else [text]
            first.rstrip()
            underline = "━" if node.tag == "h1" else "─"
            return [first, Text(underline * min(width, max(1, first.cell_len)), RULE), *after]
        return [text]

    def code(self, code: str, language: str, width: int) -> RenderableType:
        """Code as written: its lines kept whole (wider than the pane: scrolled sideways, as a
        wrapped line would break the shape of a table or of aligned columns in it)."""
        code = code.rstrip("\n")
        wrapped = Syntax(code, language or "text", theme=self.code_theme, word_wrap=True, padding=(0, 1))
        longest = max((cell_len(line.expandtabs(4)) for line in code.split("\n")), default=0) + 2
        if longest <= width or longest > MAX_CODE_WIDTH:
            return wrapped
        whole = Syntax(code, language or "text", theme=self.code_theme, word_wrap=False, padding=(0, 1))
        return Wide(whole, longest, narrow=wrapped)

    def blockquote(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        kind, title = _github_alert(node)
        if not kind:
            kind = _callout(node)
        if kind:
            return self.titled(kind.lower(), kind, title, node.children, width)
        inner = self.blocks(node.children, width - 2)
        return [Prefixed(inner, Text("▌ ", QUOTE_BAR), Text("▌ ", QUOTE_BAR))] if inner else []

    def list_block(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        ordered = node.type == "ordered_list"
        depth = sum(1 for parent in _ancestors(node) if parent.type in ("bullet_list", "ordered_list"))
        items = [child for child in node.children if child.type == "list_item"]
        tight = all(paragraph.hidden for item in items for paragraph in item.children if paragraph.type == "paragraph")
        start = _list_start(node.attrs.get("start", 1)) if ordered else 0
        marker_width = len(f"{start + len(items) - 1}.") + 1 if ordered else 2
        result: list[RenderableType] = []
        for number, item in enumerate(items, start):
            marker = f"{number}.".ljust(marker_width) if ordered else _BULLETS[depth % len(_BULLETS)] + " "
            inner = self.blocks(item.children, width - marker_width, tight=tight)
            if result and not tight:
                result.append(Text(""))
            style = Style(color="cyan") if ordered else Style(bold=True)
            result.append(Prefixed(inner, Text(marker, style), Text(" " * marker_width)))
        return result

    def titled(
        self, kind: str, name: str, title: str | Text, children: Iterable[SyntaxTreeNode], width: int
    ) -> list[RenderableType]:
        """A container, admonition or alert: `TIP 前提条件`, then its blocks behind a bar."""
        color = BOX_KINDS.get(kind.lower(), "blue")
        heading = Text(name.upper(), Style(color=color, bold=True))
        if title:
            heading.append(" ")
            start = len(heading)
            heading.append_text(Text(title) if isinstance(title, str) else title)
            heading.stylize(Style(bold=True), start)
        inner = self.blocks(children, width - 2)
        result: list[RenderableType] = [heading]
        if inner:
            result.append(Prefixed(inner, Text("│ ", Style(color=color)), Text("│ ", Style(color=color))))
        return result

    def container(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        params = (node.info or "").strip()
        name, _, title = params.partition(" ")
        if name == SITE_CONTAINER:
            inner = self.blocks(node.children, width - 2)
            label: list[RenderableType] = [Text(title.strip(), LABEL)]
            return label + ([Prefixed(inner, Text("  "))] if inner else [])
        return self.titled(name, name, self._inline_title(title.strip(), width), node.children, width)

    def _inline_title(self, title: str, width: int) -> Text:
        """A container's title as the site draws it: Markdown (`::: tip `skipLibCheck``)."""
        paragraph = next((node for node in parse_tree(title).children if node.type == "paragraph"), None)
        return self.inline(paragraph, width) if title and paragraph is not None else Text(title)

    def admonition(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        kind = str(node.meta.get("tag", "note")) if node.meta else "note"
        title_node = next((c for c in node.children if c.type == "admonition_title"), None)
        title = self.inline(title_node, width).plain if title_node is not None else ""
        if title.strip().lower() == kind.lower():
            title = ""
        body = [c for c in node.children if c.type != "admonition_title"]
        return self.titled(kind, kind, title, body, width)

    def definitions(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        result: list[RenderableType] = []
        for child in node.children:
            if child.type == "dt":
                text = self.inline(child, width)
                text.stylize(STRONG)
                result.append(text)
            elif child.type == "dd":
                inner = self.blocks(child.children, width - 4, tight=True)
                if inner:
                    result.append(Prefixed(inner, Text("    ")))
        return result

    def footnote_block(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        notes = [child for child in node.children if child.type == "footnote"]
        if not notes:
            return []
        result: list[RenderableType] = [Text("─" * min(width, 20), RULE)]
        for note in notes:
            identifier = int(note.meta.get("id", 0)) if note.meta else 0
            number = self.footnotes.setdefault(identifier, len(self.footnotes) + 1)
            mark = f"[{number}] "
            inner = self.blocks(
                [c for c in note.children if c.type != "footnote_anchor"], width - len(mark), tight=True
            )
            result.append(Prefixed(inner or [Text("")], Text(mark, Style(color="cyan", bold=True))))
        return result

    def html_block(self, html: str, width: int) -> list[RenderableType]:
        """Raw HTML in Markdown: converted as the feed bodies are, then drawn as Markdown."""
        if self.html_depth >= MAX_HTML_DEPTH:
            return [Text(html.strip())] if html.strip() else []
        component = _COMPONENT.match(html)
        if component:  # `<SupportedVersions />`: the site draws something here; say so
            return [Text(f"⟨{component.group(1)}⟩", LABEL)]
        # In a Markdown page (VitePress, Vue) a <template #slot> is shown, unlike in plain HTML.
        html = _TEMPLATE_TAG.sub(r"<\1div", html)
        markdown = to_markdown(html, "html", in_markdown=True).strip()  # capped like an HTML body
        if not markdown:
            return []
        self.html_depth += 1
        try:
            return self.blocks(parse_tree(markdown).children, width)
        finally:
            self.html_depth -= 1

    # ---------------------------------------------------------------- tables

    def table(self, node: SyntaxTreeNode, width: int) -> list[RenderableType]:
        rows: list[list[tuple[Text, str]]] = []
        header_rows = 0
        for section in node.children:
            for row_node in section.children:
                cells = []
                for cell in row_node.children:
                    style = str(cell.attrs.get("style", ""))
                    align = "center" if "center" in style else "right" if "right" in style else "left"
                    cells.append((self.inline(cell, width, in_table=True), align))
                rows.append(cells)
                if section.type == "thead":
                    header_rows += 1
        if not rows:
            return []
        if header_rows == len(rows):  # a header and nothing under it: one row of cells, no rule
            header_rows = 0  # (a page's one-row <table>, whose cells the conversion made a header)
        columns = max(len(row) for row in rows)
        widest = [0] * columns  # each column's longest line
        longest_word = [1] * columns
        for row in rows:
            for index, (text, _align) in enumerate(row):
                plain = text.plain
                widest[index] = max(widest[index], *(cell_len(line) for line in plain.split("\n")))
                longest_word[index] = max(longest_word[index], _longest_word(plain))
        chrome = 3 * columns + 1
        natural = sum(widest) + chrome
        # Words up to 10 cells stay whole; longer ones (URLs, paths) may fold inside their cell.
        needed = sum(min(word, 10) for word in longest_word) + chrome
        wraps = natural > width
        table = Table(
            box=box.SQUARE if wraps else box.SIMPLE_HEAD,
            show_header=header_rows > 0,
            show_lines=wraps,
            border_style="dim",
            header_style="bold",
            padding=(0, 1),
            expand=False,
            collapse_padding=False,
            pad_edge=True,
        )
        header = rows[0] if header_rows else []
        for index in range(columns):
            text, align = header[index] if index < len(header) else (Text(""), "left")
            table.add_column(text, justify=align, overflow="fold")  # type: ignore[arg-type]
        for row in rows[header_rows:]:
            table.add_row(*[text for text, _align in row])
        if needed > width:
            return [Wide(table, min(MAX_TABLE_WIDTH, max(needed, width)))]
        return [table]


def _longest_word(text: str) -> int:
    return max((cell_len(word.strip()) for _start, _end, word in words(text)), default=0)


def _ancestors(node: SyntaxTreeNode) -> Iterable[SyntaxTreeNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


_FENCE_LABEL = re.compile(r"\[([^\]]{1,80})\]")
_COMPONENT = re.compile(r"^\s*<([A-Z][\w.-]*|[a-z][\w]*-[\w-]+)\b[^<>]*?/?>\s*(?:</\1\s*>)?\s*$", re.DOTALL)
_TEMPLATE_TAG = re.compile(r"<(/?)template\b", re.IGNORECASE)
_ALERT = re.compile(r"^\[!([A-Za-z][\w-]{0,20})\][+-]?[ \t]*(.*)$")


def _github_alert(node: SyntaxTreeNode) -> tuple[str, str]:
    """`> [!NOTE]` (GitHub) or `> [!TIP] Title` (Obsidian, Hugo) opening a quote: (kind, title),
    with the marker line taken out of the quote; ('', '') for a plain quote."""
    if not node.children or node.children[0].type != "paragraph":
        return "", ""
    inline = next((c for c in node.children[0].children if c.type == "inline"), None)
    if inline is None or not inline.children or inline.children[0].type != "text":
        return "", ""
    match = _ALERT.match(inline.children[0].content.strip())
    if match is None:
        return "", ""
    line: list[SyntaxTreeNode] = []
    remaining = list(inline.children[1:])
    while remaining and remaining[0].type not in ("softbreak", "hardbreak"):
        line.append(remaining.pop(0))
    if remaining:
        remaining.pop(0)
    title = " ".join(" ".join([match.group(2), *(_plain_text(child) for child in line)]).split())
    inline.children = remaining
    return match.group(1), title


_CALLOUT = re.compile(r"^([?!][ \t]*)?([A-Z][A-Z]+):(?:[ \t]+|$)")


def _callout(node: SyntaxTreeNode) -> str:
    """`> NOTE: …`, `>? NOTE: …` (collapsed) or `>! NOTE: …` (open), as MkDocs' callouts
    extension writes a box: its kind, with the `NOTE:` (and `?`/`!`) taken out of the text;
    '' for a plain quote."""
    if not node.children or node.children[0].type != "paragraph":
        return ""
    inline = next((c for c in node.children[0].children if c.type == "inline"), None)
    if inline is None or not inline.children or inline.children[0].type != "text":
        return ""
    first = inline.children[0]
    match = _CALLOUT.match(first.content)
    if match is None:
        return ""
    first.token.content = first.content[match.end() :]  # type: ignore[union-attr]
    if not first.content and len(inline.children) > 1 and inline.children[1].type == "softbreak":
        inline.children = inline.children[2:]  # `NOTE:` alone on its line
    return match.group(2).lower()


def _plain_text(node: SyntaxTreeNode) -> str:
    """The words of an inline node and its children; raw HTML tags are not words."""
    if node.type == "html_inline":
        return ""
    if node.children:
        return "".join(_plain_text(child) for child in node.children)
    return node.content


def render_lines(
    markdown: str, width: int, code_theme: str = "monokai", links: Sequence[Link] | None = None
) -> list[list[Segment]]:
    """Markdown -> lines of segments at `width` cells (a wide table may be wider). Thread-safe."""
    install_cjk_line_breaking()
    console = Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
    renderer = DocumentRenderer(width, links, code_theme)
    tree = parse_tree(markdown)
    # Footnotes are listed last, whatever the parser's order of nodes.
    nodes = [child for child in tree.children if child.type != "footnote_block"]
    nodes += [child for child in tree.children if child.type == "footnote_block"]
    lines: list[list[Segment]] = []
    options = console.options.update_width(width)
    run: list[RenderableType] = []  # blocks drawn in one go (a call per block costs more)
    for block in [*renderer.blocks(nodes, width), None]:
        if block is None or isinstance(block, Wide):
            if run:
                lines.extend(console.render_lines(Group(*run), options, pad=False))
                run = []
            if block is not None:
                lines.extend(console.render_lines(block.renderable, options.update_width(block.width), pad=False))
        else:
            run.append(block)
    while lines and not "".join(segment.text for segment in lines[-1]).strip():
        lines.pop()
    return lines


def _list_start(value: object) -> int:
    """An ordered list's first number as the source wrote it: `0.` starts at 0, not 1."""
    try:
        return int(str(value))
    except ValueError:
        return 1
