"""Post body -> Markdown for the reader.

HTML bodies (what feed bots store) go through a markdownify subclass that fixes what its
defaults get wrong for scraped pages. A page's text is text: every character Markdown would
read as syntax (`- ` or `1. ` starting a line, `>`, backticks, `<`, `[`, `|`) is escaped, so a
`<p>` of `- item<br>` lines is not a list and its backticks show, as in a browser (HTML
inside a Markdown page keeps its Markdown). Conversion costs 1-5 ms a post, so it happens only
for the post being read, never for the whole archive. markdownify pulls in BeautifulSoup (~100 ms
of import), so it is imported on first use.

Bodies are hostile input: the HTML parser is guarded against markup it takes quadratic time
on, nothing but http(s) becomes a link or an image source (`javascript:`, `data:`, `file:`...
show as text or go), and the reader gets a bounded amount: Rich needs ~50 µs and ~2 KB a
rendered line, markdownify ~45 µs a tag, so a 10 MB post or 100,000 paragraphs are cut (with
a note) instead of rendering for a minute into gigabytes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from .fields import real_url
from .html_blocks import whole_html_blocks_for
from .hugo_includes import expand_readfile
from .post import Post
from .reading import with_lead
from .sanitize import strip_controls
from .snippets import expand_snippets
from .text_pieces import CODE_SPAN, outside

MAX_READER_CHARACTERS = 1_000_000
"""Markdown beyond this is not shown: rendering 4 MB of it took 17 s and 400 MB in Rich."""
MAX_READER_LINES = 50_000
"""Nor beyond this many lines: 100,000 tiny paragraphs took 7 s to render."""
MAX_READER_TAGS = 50_000
"""HTML beyond this many tags is not converted: 200,000 tags took 4.6 s in markdownify."""
_TAGS_PREFIX = re.compile(rf"(?:[^<]*<){{{MAX_READER_TAGS}}}")

_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
# `<br><br>` is how scraped pages end a paragraph: two hard breaks in a row are a blank line.
_DOUBLE_HARD_BREAK = re.compile(r"\\\n(?:[ \t]*\\\n)+")
# `<p><br></p>` spacers leave hard breaks with nothing to break: a lone `\` would show.
_EMPTY_HARD_BREAK = re.compile(r"^[ \t]*\\\n", re.MULTILINE)
# A hard break before a blank line, the end, or a line that starts another block (a heading, a
# list, a quote, a fence, a table) breaks nothing: Markdown would show its `\`.
_TRAILING_HARD_BREAK = re.compile(r"\\\n(?=[ \t]*(?:\n|$|#{1,6}[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|>|```|~~~|\||▶))")
_PUNCTUATION_CATEGORIES = ("P", "S")
_MATH_SPAN = re.compile(
    r"^(?:>[ \t]?)*\$\$(?:[^\n]|\n(?![ \t>]*\n))+?\$\$[ \t]*$"  # a block: `$$` opens a line, one ends one
    r"|(?<![\d\\$])(?:\$\$[^$\n]+?\$\$|\$(?![\s$])[^$\n]+?(?<![\s\\])\$)(?![\d$])",  # in a line
    re.MULTILINE,
)
"""`$$…$$` and `$…$` as the reader's Markdown reads math (markdown_parser.py: no space just
inside a single dollar, no digit just outside: `$5 and $10` is money); never across a blank
line, and (see html_to_markdown) never in code."""
_PLUGIN_MARKER = re.compile(r"((?:^|\n)[ \t]*)(:|!!!|\?\?\?)")
_FENCED_CODE = re.compile(
    r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^(?:[ \t]*>)*[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL
)
"""A code block, in a quote too (`> ```…`)."""
_IN_MATH = re.compile(r"\\([!-/:-@\[-`{-~])|\*")
"""In a math span: an escape (its character stays), or a bare `*` (emphasis markup, which
Markdown does not read there: a feed's `x<em>i*c</em>i` shows as `xi*ci`, as a browser does)."""
_LANGUAGE_CLASS = re.compile(r"^(?:language|lang|highlight|brush:?)-?(\w[\w+#-]*)$", re.IGNORECASE)
_KNOWN_LANGUAGES = {
    "python",
    "py",
    "bash",
    "sh",
    "shell",
    "console",
    "js",
    "javascript",
    "ts",
    "typescript",
    "json",
    "yaml",
    "toml",
    "html",
    "xml",
    "css",
    "c",
    "cpp",
    "c++",
    "java",
    "go",
    "rust",
    "ruby",
    "php",
    "sql",
    "kotlin",
    "swift",
    "diff",
    "ini",
    "dockerfile",
    "makefile",
    "lua",
    "csharp",
    "cs",
    "scala",
    "r",
    "perl",
    "vue",
    "jsx",
    "tsx",
    "text",
    "plaintext",
}


def _code_language(element) -> str:
    """`<pre><code class="language-python">` -> 'python' (also `lang-`, bare names, hljs)."""
    for candidate in (element, element.find("code")):
        if candidate is None or not hasattr(candidate, "get"):
            continue
        for css_class in candidate.get("class") or []:
            match = _LANGUAGE_CLASS.match(css_class)
            if match:
                return match.group(1).lower()
            if css_class.lower() in _KNOWN_LANGUAGES:
                return css_class.lower()
    return ""


_SAFE_SOURCE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def _web_source(url: str) -> str:
    """An image/video/frame source worth showing: http(s) or protocol-relative; else ''."""
    url = str(url or "").strip()
    if not _SAFE_SOURCE.match(url):
        return ""
    return "https:" + url if url.startswith("//") else url


@lru_cache(maxsize=2)
def _converter(in_markdown: bool = False):
    """`in_markdown`: for HTML inside a Markdown page, whose text may hold Markdown (a
    `<summary>` or a `<div class="note">` with `code` in it, which Jekyll's kramdown reads);
    a page's own HTML (a feed's body, a site's .html page) is text, escaped whole."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    class PostConverter(MarkdownConverter):
        """markdownify tuned for scraped feed HTML."""

        def convert_img(self, el, text, parent_tags):
            # Lazy-loading pages put the real image in data-original/data-src.
            src = next(
                (
                    _web_source(el.get(attr))
                    for attr in ("data-original", "data-src", "data-actualsrc", "src")
                    if _web_source(el.get(attr))
                ),
                "",
            )
            alt = " ".join((el.get("alt") or el.get("title") or "").split()).replace("[", "(").replace("]", ")")
            if not src:  # (a source built by a template, a script's): its alt text, as any image's
                return f"![{alt}]()" if alt else ""
            return f"![{alt}]({_safe_url(real_url(src))})"

        def convert_iframe(self, el, text, parent_tags):
            src = _web_source(el.get("src")) or _web_source(el.get("data-src"))
            if not src:
                return ""
            url = _safe_url(real_url(src))
            return f"\n\n▶ [Embedded video or page: {url}]({url})\n\n"

        def convert_video(self, el, text, parent_tags):
            src = _web_source(el.get("src"))
            if not src:
                source = el.find("source")
                src = _web_source(source.get("src")) if source is not None else ""
            if not src:
                return text
            url = _safe_url(real_url(src))
            return f"\n\n▶ [Video: {url}]({url})\n\n"

        convert_audio = convert_video

        def convert_a(self, el, text, parent_tags):
            href = el.get("href") or ""
            if href and not re.match(r"^(https?:|mailto:|#|/)", href, re.IGNORECASE):
                # javascript:, data: and other schemes are never made clickable.
                return text
            if href:
                el["href"] = _safe_url(real_url(href))
            return super().convert_a(el, text, parent_tags)  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def escape(self, text, parent_tags):
            if not in_markdown:  # the reader's plugins' markers too: `:::` `!!!` `???` `: definition`
                text = super().escape(text, parent_tags)  # type: ignore[misc]  # markdownify's stub omits the converter's methods
                return _PLUGIN_MARKER.sub(r"\1\\\2", text)
            # The Markdown in it is read: a code span in it shows as written (`(\_)` showed).
            # Text that reads like a tag (`&lt;div&gt;`) must not become HTML, which the reader
            # drops; `[text](url)` or `[x]` written in the HTML is text, not a link or a checkbox.
            escaped = super().escape  # type: ignore[misc]  # markdownify's stub omits the converter's methods
            return outside(
                text, CODE_SPAN, lambda piece: escaped(piece, parent_tags).replace("<", "\\<").replace("[", "\\[")
            )

        def convert_hN(self, n, el, text, parent_tags):
            if not text.strip():  # `<h4> </h4>`: a browser shows nothing, not an empty `####`
                return "\n\n" if "_inline" not in parent_tags else ""
            return super().convert_hN(n, el, text, parent_tags)  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def convert_td(self, el, text, parent_tags):
            # A cell's text as a browser lays it out: the source's line breaks and indentation
            # are one space (a list in a Jekyll docs cell showed `layout   file`).
            return super().convert_td(el, " ".join(text.split()), parent_tags)  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def convert_th(self, el, text, parent_tags):
            return super().convert_th(el, " ".join(text.split()), parent_tags)  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def convert_br(self, el, text, parent_tags):
            if "_inline" in parent_tags:
                return " "
            return "\\\n"

        def convert_strong(self, el, text, parent_tags):
            return _emphasis_markup(super().convert_strong(el, text, parent_tags), "strong")  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def convert_b(self, el, text, parent_tags):
            return _emphasis_markup(super().convert_b(el, text, parent_tags), "strong")  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def convert_em(self, el, text, parent_tags):
            return _emphasis_markup(super().convert_em(el, text, parent_tags), "em")  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def convert_i(self, el, text, parent_tags):
            return _emphasis_markup(super().convert_i(el, text, parent_tags), "em")  # type: ignore[misc]  # markdownify's stub omits the converter's methods

        def _drop(self, el, text, parent_tags):
            return ""

        def convert_sup(self, el, text, parent_tags):
            # 2<sup>31</sup> must not read 231: a terminal has no raised text.
            stripped = text.strip()
            if not stripped:
                return " " if text else ""  # `g<sup>y</sup><sup> </sup>mod`: a browser shows the space
            return f"^{stripped}" if stripped.isalnum() else f"^({stripped})"

        def convert_sub(self, el, text, parent_tags):
            stripped = text.strip()
            if not stripped:
                return " " if text else ""
            return f"_{stripped}" if stripped.isalnum() else f"_({stripped})"

        # A button's label is text the page shows (`赞赏`, `Copy`); its controls are not.
        convert_svg = convert_noscript = convert_template = _drop
        convert_input = convert_select = convert_head = convert_title = _drop

        def convert(self, html):
            if "rowspan" not in html.lower():
                return super().convert(html)
            soup = BeautifulSoup(html, **self.options["bs4_options"])  # type: ignore[attr-defined]  # not in markdownify's stub
            _spread_rowspans(soup)
            return self.convert_soup(soup)

    return PostConverter(
        heading_style="atx",
        bullets="-",
        code_language_callback=_code_language,
        escape_misc=not in_markdown,
        table_infer_header=True,
        strip_document="strip",
    )


def _spread_rowspans(soup) -> None:
    """A cell spanning rows (`<td rowspan="6">`) leaves an empty cell in each row below it, as a
    browser leaves its column taken: a Markdown table has no spans, and the later rows' cells
    each moved one column left (jekyll's hooks table: events under "Owner")."""
    budget = 5_000  # empty cells in all: a hostile `rowspan=1000 colspan=1000` made a million (17 s)
    for table in soup.find_all("table", limit=1000):
        covered: dict[int, int] = {}  # column -> rows below still covered
        for row in table.find_all("tr", limit=10_000):
            if row.find_parent("table") is not table:
                continue  # a nested table's row: its own table's
            cells = row.find_all(["td", "th"], recursive=False)
            column = index = 0
            while column < 1000 and (index < len(cells) or covered.get(column, 0) > 0):
                if covered.get(column, 0) > 0:
                    if budget <= 0:
                        return
                    budget -= 1
                    covered[column] -= 1
                    empty = soup.new_tag("td")
                    if index < len(cells):
                        cells[index].insert_before(empty)
                    else:
                        row.append(empty)
                    column += 1
                    continue
                cell = cells[index]
                index += 1
                width, rows = _span(cell, "colspan"), _span(cell, "rowspan")
                for spanned in range(column, column + width):
                    if rows > 1:
                        covered[spanned] = rows - 1
                column += width


def _span(cell, attribute: str) -> int:
    value = str(cell.get(attribute, "1")).strip()
    return max(1, min(1000, int(value))) if value.isdigit() else 1


def _safe_url(url: str) -> str:
    """Keep a URL from breaking the Markdown link syntax around it."""
    return url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# `<` that starts no complete tag before the next `<` (quoted attribute values may hold `<`).
_BROKEN_TAG_START = re.compile(r"""<(?!(?:[A-Za-z]|/|!(?!--)|\?)(?:[^<>"']|"[^"]*"|'[^']*')*>|!--)""")


_MARKUP = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][\w:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)
"""A comment, or a tag with its attributes (quoted ones may hold `<li>`): what is looked at."""
_LISTS = frozenset({"ul", "ol", "dl", "menu"})
_ITEMS = ("li", "dt", "dd")


def _closed_list_items(body: str) -> str:
    """HTML lets `</li>` (and `</dt>`, `</dd>`) be left out: the next item, or the end of the
    list, closes it. Python's html.parser does not know that and nests each item in the one
    before (`- One.- Two.- Three.` on one line): the end tags are written in."""
    lower = body.lower()
    if sum(map(lower.count, ("<li", "<dt", "<dd"))) <= sum(map(lower.count, ("</li", "</dt", "</dd"))):
        return body
    pieces: list[str] = []
    done = 0
    open_tags: list[str] = []
    for match in _MARKUP.finditer(body):
        if match.group(2) is None:
            continue  # a comment
        closing, name = match.group(1), match.group(2).lower()
        if name not in _LISTS and name not in _ITEMS:
            continue
        closed = ""
        if not closing and name in _ITEMS:
            if open_tags and open_tags[-1] in _ITEMS and (name == "li") == (open_tags[-1] == "li"):
                closed = f"</{open_tags.pop()}>"  # the item before ends where this one starts
            open_tags.append(name)
        elif not closing:
            open_tags.append(name)  # a list, perhaps inside an item
        elif name in _ITEMS:
            if open_tags and open_tags[-1] == name:
                open_tags.pop()
        else:
            while open_tags and open_tags[-1] in _ITEMS:
                closed += f"</{open_tags.pop()}>"  # the list's end ends its last item
            if open_tags and open_tags[-1] == name:
                open_tags.pop()
        if closed:
            pieces += (body[done : match.start()], closed)
            done = match.start()
    return "".join(pieces) + body[done:]


def _neutralise_broken_markup(body: str) -> str:
    """Escape tag starts that never close. Python's html.parser rescans from each of them:
    20,000 repetitions of `<a x` took 42 s, of an unclosed `<!--` 5 s."""
    last_close = body.rfind("-->")
    if body.find("<!--", last_close + 3 if last_close >= 0 else 0) >= 0:
        head, tail = (body[: last_close + 3], body[last_close + 3 :]) if last_close >= 0 else ("", body)
        body = head + tail.replace("<!--", "&lt;!--")
    return _BROKEN_TAG_START.sub("&lt;", body)


def _needs_html_emphasis(inner: str) -> bool:
    """CommonMark closes `**` only where flanking rules allow: `**重要。**在` stays literal
    because `。` is punctuation and `在` is not a space. Such emphasis is written as HTML."""
    return bool(inner) and (
        unicodedata.category(inner[0])[0] in _PUNCTUATION_CATEGORIES
        or unicodedata.category(inner[-1])[0] in _PUNCTUATION_CATEGORIES
    )


_EMPHASIS = re.compile(r"^(\s*)(\*{1,2})(.*?)\2(\s*)$", re.DOTALL)


def _emphasis_markup(markdown: str, tag: str) -> str:
    match = _EMPHASIS.match(markdown)
    if match is None or not _needs_html_emphasis(match.group(3)):
        return markdown
    return f"{match.group(1)}<{tag}>{match.group(3)}</{tag}>{match.group(4)}"


def html_to_markdown(body: str, in_markdown: bool = False) -> str:
    """Raises nothing: broken, deep or huge HTML still gives the text that could be read."""
    try:
        markdown = _converter(in_markdown).convert(_closed_list_items(_neutralise_broken_markup(body)))
    except Exception:
        # Nested 10,000 deep (RecursionError), or a parser bug: show the text, never fail.
        return html.unescape(re.sub(r"<[^<>]*>", " ", body))
    return outside(markdown + "\n", _FENCED_CODE, _tidy)


def _tidy(text: str) -> str:
    """Hard breaks that break nothing go; in math, which Markdown does not read, the escapes
    that keep the page's text literal elsewhere (`\\*`, `\\_`, `\\\\frac`) and emphasis markup go."""
    text = outside(text, CODE_SPAN, _as_written_in_math)
    text = _DOUBLE_HARD_BREAK.sub("\n\n", text)
    text = _EMPTY_HARD_BREAK.sub("", text)
    return _TRAILING_HARD_BREAK.sub("\n\n", text)


def _as_written_in_math(text: str) -> str:
    return _MATH_SPAN.sub(lambda math: _IN_MATH.sub(lambda part: part.group(1) or "", math.group(0)), text)


def post_markdown(post: Post, body: str, lead: str = "") -> str:
    """The Markdown the reader shows for a post whose file holds `body`: with the files its
    MkDocs snippet lines (snippets.py) or Hugo readfile shortcodes (hugo_includes.py) name put
    in their place, block HTML whole where the site reads it so (html_blocks.py), then converted;
    `lead`, its frontmatter description, as its first paragraph (reading.with_lead)."""
    if post.body_format != "html":
        body = expand_snippets(body, post.path, post.relative_path)
        body = expand_readfile(body, post.path, post.relative_path)
        body = whole_html_blocks_for(body, post.path, post.relative_path)
    markdown = to_markdown(body, post.body_format)
    return with_lead(markdown, strip_controls(lead), post.title) if lead else markdown


def to_markdown(body: str, body_format: str, in_markdown: bool = False) -> str:
    """The Markdown the reader shows for a body: converted, decoded and made safe
    (`in_markdown`: HTML from a Markdown page, see _converter)."""
    omitted = 0
    if body_format == "html":
        prefix = _TAGS_PREFIX.match(body)
        if prefix is not None and prefix.end() < len(body):
            omitted, body = len(body) - prefix.end() + 1, body[: prefix.end() - 1]
        markdown = html_to_markdown(body, in_markdown)
    else:
        markdown = body.replace("&#123;", "{").replace("&#125;", "}")
    markdown = strip_controls(markdown)
    markdown = "\n".join(line.rstrip() if not line.endswith("  ") else line for line in markdown.split("\n"))
    return _cut_for_reader(_BLANK_RUNS.sub("\n\n", markdown).strip() + "\n", omitted)


def _cut_for_reader(markdown: str, omitted: int = 0) -> str:
    limit = MAX_READER_CHARACTERS
    if markdown.count("\n", 0, limit) > MAX_READER_LINES:
        limit = _nth_newline(markdown, MAX_READER_LINES)
    if len(markdown) <= limit and not omitted:
        return markdown
    cut = markdown.rfind("\n\n", 0, limit)
    shown = markdown[: cut if cut > limit // 2 else limit]
    if shown.count("```") % 2:
        shown += "\n```"
    rest = len(markdown) - len(shown) + omitted
    return (
        f"{shown}\n\n---\n\n*The rest of this post (about {rest:,} more characters) is too long for "
        "the reader and is not shown. Open the file itself to read it.*\n"
    )


def _nth_newline(text: str, count: int) -> int:
    position = -1
    for _ in range(count):
        position = text.find("\n", position + 1)
    return position
