"""The one Markdown parser of the reader, the fidelity benchmark and search: markdown-it-py
(CommonMark, as VitePress, Docusaurus and most site generators parse) with the syntax sites
add: tables, strikethrough, footnotes, `:::` containers, MkDocs admonitions, definition lists,
task lists and `$math$`. Raw HTML stays in the token stream; the reader converts it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

CONTAINER = "container_any"
"""Node type of every `::: name title` container (VitePress tip/warning/details, site labels)."""


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
    container_plugin(parser, name="any", validate=lambda params, *_: bool(params.strip()))
    footnote_plugin(parser)
    admon_plugin(parser)
    deflist_plugin(parser)
    tasklists_plugin(parser)
    # `$5 and $10` is money, not math: no digits or spaces just inside the dollars.
    dollarmath_plugin(parser, allow_space=False, allow_digits=False, double_inline=True)
    rule = next(rule for rule in parser.block.ruler.__rules__ if rule.name == "math_block")
    parser.block.ruler.at("math_block", _display_math_alone(rule.fn))
    return parser


_LABEL_AFTER = re.compile(r"[ \t]*\(\S+\)[ \t]*$")


def _display_math_alone(math_block):
    """The plugin takes a line that starts and ends with `$$` for one display block, so
    `$$F(S)$$ - coins for $$S$$ using $$c$$` showed as a formula of the whole line, its `$$`
    left in: a pair closed inside the line is inline math in a paragraph (as kramdown reads it),
    unless only an equation label follows."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        start = state.bMarks[start_line] + state.tShift[start_line]
        line = state.src[start : state.eMarks[start_line]].rstrip()
        if line.startswith("$$"):
            close = line.find("$$", 3)
            if 0 < close < len(line) - 2 and not _LABEL_AFTER.match(line, close + 2):
                return False
        return math_block(state, start_line, end_line, silent)

    return rule


def parse_tree(markdown: str) -> SyntaxTreeNode:
    """The document as a tree (blocks, then inline nodes under each `inline` node)."""
    return SyntaxTreeNode(markdown_parser().parse(markdown))
