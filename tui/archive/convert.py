"""Post body -> Markdown for the reader.

HTML bodies (what feed bots store) go through a markdownify subclass that fixes what its
defaults get wrong for scraped pages. Conversion costs 1-5 ms a post, so it happens only for
the post being read, never for the whole archive. markdownify pulls in BeautifulSoup (~100 ms
of import), so it is imported on first use.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .fields import real_url
from .sanitize import strip_controls

_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
# `<p><br></p>` spacers leave hard breaks with nothing to break: a lone `\` would show.
_EMPTY_HARD_BREAK = re.compile(r"^[ \t]*\\\n", re.MULTILINE)
_TRAILING_HARD_BREAK = re.compile(r"\\\n(?=[ \t]*(?:\n|$))")
_LANGUAGE_CLASS = re.compile(r"^(?:language|lang|highlight|brush:?)-?(\w[\w+#-]*)$", re.IGNORECASE)
_KNOWN_LANGUAGES = {
    "python", "py", "bash", "sh", "shell", "console", "js", "javascript", "ts", "typescript",
    "json", "yaml", "toml", "html", "xml", "css", "c", "cpp", "c++", "java", "go", "rust",
    "ruby", "php", "sql", "kotlin", "swift", "diff", "ini", "dockerfile", "makefile", "lua",
    "csharp", "cs", "scala", "r", "perl", "vue", "jsx", "tsx", "text", "plaintext",
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


@lru_cache(maxsize=1)
def _converter():
    from markdownify import MarkdownConverter

    class PostConverter(MarkdownConverter):
        """markdownify tuned for scraped feed HTML."""

        def convert_img(self, el, text, parent_tags):
            # Lazy-loading pages put the real image in data-original/data-src.
            src = next(
                (el.get(attr) for attr in ("data-original", "data-src", "data-actualsrc", "src")
                 if el.get(attr) and not str(el.get(attr)).startswith("data:")),
                "",
            )
            alt = " ".join((el.get("alt") or el.get("title") or "").split())
            if not src:
                return f"[image: {alt}]" if alt else ""
            alt = alt.replace("[", "(").replace("]", ")")
            return f"![{alt}]({_safe_url(real_url(src))})"

        def convert_iframe(self, el, text, parent_tags):
            src = el.get("src") or el.get("data-src") or ""
            if not src:
                return ""
            url = _safe_url(real_url(src if not src.startswith("//") else "https:" + src))
            return f"\n\n▶ [Embedded video or page: {url}]({url})\n\n"

        def convert_video(self, el, text, parent_tags):
            src = el.get("src") or ""
            if not src:
                source = el.find("source")
                src = source.get("src") if source is not None else ""
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
            return super().convert_a(el, text, parent_tags)

        def convert_br(self, el, text, parent_tags):
            if "_inline" in parent_tags:
                return " "
            return "\\\n"

        def _drop(self, el, text, parent_tags):
            return ""

        convert_svg = convert_button = convert_noscript = convert_template = _drop
        convert_input = convert_select = convert_form = convert_head = convert_title = _drop

    return PostConverter(
        heading_style="atx",
        bullets="-",
        code_language_callback=_code_language,
        escape_misc=False,
        table_infer_header=True,
        strip_document="strip",
    )


def _safe_url(url: str) -> str:
    """Keep a URL from breaking the Markdown link syntax around it."""
    return url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def html_to_markdown(body: str) -> str:
    try:
        markdown = _converter().convert(body)
    except RecursionError:
        # Pathologically nested HTML: fall back to its text rather than failing the post.
        return html.unescape(re.sub(r"<[^>]*>", " ", body))
    markdown = _EMPTY_HARD_BREAK.sub("", markdown + "\n")
    return _TRAILING_HARD_BREAK.sub("\n", markdown)


def to_markdown(body: str, body_format: str) -> str:
    """The Markdown the reader shows for a body: converted, decoded and made safe."""
    if body_format == "html":
        markdown = html_to_markdown(body)
    else:
        markdown = body.replace("&#123;", "{").replace("&#125;", "}")
    markdown = strip_controls(markdown)
    markdown = "\n".join(line.rstrip() if not line.endswith("  ") else line for line in markdown.split("\n"))
    return _BLANK_RUNS.sub("\n\n", markdown).strip() + "\n"
