"""Drawing posts for the terminal: Markdown to lines of styled segments, CJK line breaking,
and fitting text and URLs into cells. Uses Rich (never Textual), so the CLI's `show` and the
reader share every line of it."""

from .document import render_lines as render_markdown
from .linebreak import install_cjk_line_breaking
from .text_fit import fit, hyperlink_target, shorten_url, url_key

__all__ = ["fit", "hyperlink_target", "install_cjk_line_breaking", "render_markdown", "shorten_url", "url_key"]
