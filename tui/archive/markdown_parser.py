"""The one Markdown parser of the reader, the fidelity benchmark and search: markdown-it-py
(CommonMark, as VitePress, Docusaurus and most site generators parse) with the syntax sites
add: tables, strikethrough, footnotes, `:::` containers, MkDocs admonitions, definition lists,
task lists and `$math$`. Raw HTML stays in the token stream; the reader converts it.
"""

from __future__ import annotations

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
    return parser


def parse_tree(markdown: str) -> SyntaxTreeNode:
    """The document as a tree (blocks, then inline nodes under each `inline` node)."""
    return SyntaxTreeNode(markdown_parser().parse(markdown))
