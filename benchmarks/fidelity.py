"""How much of each post reaches the reader: letters and digits of the visible source vs what
`postshelf show --json` prints, and kinsoku line-breaking faults at two widths.

    python benchmarks/fidelity.py                      # ../shared/corpus/real and the five sites
    python benchmarks/fidelity.py PATH... [--worst 10] [--json]

The visible source text is what a browser would show: an HTML body's text nodes (no scripts,
styles, comments); a Markdown body rendered to HTML by markdown-it with the syntax sites add
(tables, footnotes, containers, admonitions, definition lists), then its text nodes. Letters
and digits are compared as multisets (case-folded): retention = shared / source. A kinsoku
fault is a wrapped line that starts with closing punctuation or ends with an opening bracket.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.archive.fields import body_format  # noqa: E402
from tui.archive.html_blocks import whole_html_blocks_for  # noqa: E402
from tui.archive.markdown_parser import markdown_parser  # noqa: E402
from tui.archive.parse import NotAPost, read_post_file  # noqa: E402
from tui.rendering.linebreak import CLOSING, OPENING, is_cjk  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
DEFAULT_PATHS = [
    SHARED / "real",
    *(SHARED / "sites" / name for name in ("docs-cn", "docsy", "jekyll", "mkdocs", "zola")),
]
WIDTHS = (40, 80)
_INVISIBLE = {"script", "style", "template", "noscript", "head", "title", "svg"}
_DECORATION = " │▌•◦▪┃"
_HEADING_ID = re.compile(r"^([ \t]{0,3}#{1,6}[ \t].*?)[ \t]*\{[ \t]*#[^{}\n]*\}[ \t]*$", re.MULTILINE)
_KRAMDOWN = re.compile(r"\{[:.#][^{}\n]{0,200}\}")
_TEMPLATE_COMMENT = re.compile(
    r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}"
    r"|\{\{[<%]\s*comment\s*[>%]\}\}.*?\{\{[<%]\s*/comment\s*[>%]\}\}",
    re.DOTALL,
)
_CLOSING_TAG = re.compile(r"\{\{[<%]\s*/[\w./-]+\s*[>%]\}\}|\{%-?\s*(?:end\w*|raw)\s*-?%\}")
_LIQUID_LINE = re.compile(
    r"^[ \t]*\{%-?[ \t]*(?:for|if|unless|elsif|else|assign|capture|case|when|end\w*)\b[^\n]*?%\}[ \t]*\n", re.MULTILINE
)
_BOX_CALL = re.compile(
    r"\{\{[<%]\s*(?:alert|callout|notice|admonition|note|tip|warning|info|caution|danger|hint)\b([^{}\n]*?)[>%]\}\}"
)
_TITLE_ARGUMENT = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
"""A box shortcode (docsy's `{{% alert title="X" color=info %}}`): the site shows the box
and its title, not the call."""


def _box_title(match: re.Match) -> str:
    title = _TITLE_ARGUMENT.search(match.group(1))
    return next((value for value in title.groups() if value is not None), "") if title else ""


_TOC = re.compile(r"^[ \t]*\[\[?_?toc_?\]\]?[ \t]*$", re.MULTILINE | re.IGNORECASE)
_LINK_TARGET_CALL = re.compile(
    r"\]\(\s*(?:\{\{(?![<%])[^{}\n]*\}\}|\{%-?\s*(?:link|post_url)\s[^%\n]*%\}"
    r"|\{\{[<%]\s*(?:ref|relref)\s[^{}\n]*[>%]\}\})"
)
"""A Liquid call, or Hugo's `{{< ref "x" >}}`, where a link's URL goes: the site writes a URL
there, inside the link's href."""
_DEFINITION_TARGET_CALL = re.compile(r"^([ ]{0,3}\[[^\[\]\n]+\]:[ \t]*)\{\{(?![<%])[^{}\n]*\}\}", re.MULTILINE)
"""The same in a link reference definition (`[1349]: {{ site.repository }}/issues/1349`)."""


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _INVISIBLE:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in _INVISIBLE and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


_CODE_NOTATION = re.compile(
    r"[ \t]*(?://|#|--|;|<!--|/\*)[ \t]*\[!code[ \t]+[^\]\n]*\][ \t]*(?:-->|\*/)?[ \t]*$", re.MULTILINE
)


def visible_source_text(path: Path) -> str:
    raw = read_post_file(path)
    body = raw.body
    if body_format(body, path.suffix) != "html":
        # Sites drop heading ids (`## 标题 {#id}`) and table-of-contents markers from the page.
        body = _HEADING_ID.sub(r"\1", body)
        # kramdown (Jekyll) and Python-Markdown (MkDocs) read a block element whole, blank lines
        # and all, where markdown-it ends it at a blank line and shows the rest as code.
        body = whole_html_blocks_for(body, path, str(path.relative_to(path.anchor)))
        # Template comments and closing tags are never on the page (`{% comment %}…`, `{{< /alert >}}`).
        # A Liquid statement alone on its line (`{% for … %}` around table rows) prints nothing,
        # line and all: left blank, it would end the HTML block and show the rows' tags as text.
        body = _CLOSING_TAG.sub("", _LIQUID_LINE.sub("", _TEMPLATE_COMMENT.sub("", body)))
        body = _DEFINITION_TARGET_CALL.sub(r"\1/", _LINK_TARGET_CALL.sub("](/", body))
        # VitePress takes its code notation comments out (`// [!code ++]` colours the line).
        body = _CODE_NOTATION.sub("", body)
        body = _BOX_CALL.sub(_box_title, body)
        body = markdown_parser().render(_TOC.sub("", body))
    parser = _TextNodes()
    # kramdown attribute lists (`{:width="100%"}`) are read by the site, not shown.
    parser.feed(_KRAMDOWN.sub("", body))
    parser.close()
    return " ".join(parser.parts)


def letters(text: str) -> Counter:
    return Counter(character for character in text.casefold() if character.isalnum())


def retention(source: Counter, shown: Counter) -> float:
    total = sum(source.values())
    if not total:
        return 1.0
    return sum(min(count, shown[character]) for character, count in source.items()) / total


def kinsoku_faults(lines: list[str], width: int) -> list[int]:
    """Line numbers where a wrap (the line before is full) put closing punctuation first, or
    where a full line ends with an opening bracket."""
    from rich.cells import cell_len

    faults = []
    for number in range(1, len(lines)):
        previous, line = lines[number - 1].rstrip(), lines[number].lstrip(_DECORATION)
        if (
            not line
            or not previous
            or cell_len(previous) < width - 3
            or line[0] not in CLOSING
            or line.startswith(("...", "…"))
        ):
            continue
        # Full-width punctuation never starts a line; ASCII forms not after CJK text (`.json`
        # or `./x.jsx` starting a line is a word, not punctuation).
        if not line[0].isascii() or (is_cjk(previous[-1]) and (not line[1:2].strip() or is_cjk(line[1]))):
            faults.append(number)
    for number, line in enumerate(lines[:-1]):
        line = line.rstrip()
        if line and line[-1] in OPENING and not line[-1].isascii() and cell_len(line) >= width - 3:
            faults.append(number)
    return faults


def prose_lines(path: Path, width: int) -> list[str]:
    """The reader's lines of a post (same code path as `show`), with code blocks and table rows
    blanked: code keeps the line breaks of its source and table cells fold inside their column."""
    from tui.archive.archive import PostFile, Skipped, load_file
    from tui.show import rendered_lines

    loaded = load_file(PostFile(str(path), path.parent, explicit=True))
    if isinstance(loaded, Skipped):
        return []
    result = []
    for line in rendered_lines(loaded[0], width):
        text = "".join(segment.text for segment in line if not segment.control).rstrip()
        code = any(segment.style is not None and segment.style.bgcolor is not None for segment in line)
        result.append("" if code or text.lstrip(" ")[:1] in ("│", "├", "┌", "└", "┃") else text)
    return result


def show(paths: list[Path], width: int) -> list[dict]:
    command = [sys.executable, "-m", "tui", "show", "--json", "--width", str(width), *map(str, paths)]
    output = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if output.returncode not in (0, 1):
        raise SystemExit(f"postshelf show failed ({output.returncode}): {output.stderr[-2000:]}")
    return [json.loads(line) for line in output.stdout.splitlines() if line.strip()]


def measure(path: Path, worst: int) -> dict:
    shown = {width: show([path], width) for width in WIDTHS}
    posts = [entry for entry in shown[80] if "text" in entry]
    skipped = [entry for entry in shown[80] if "skipped" in entry]
    scores = []
    for entry in posts:
        try:
            source = letters(visible_source_text(Path(entry["path"])))
        except NotAPost:
            continue
        scores.append((retention(source, letters(entry["title"] + " " + entry["text"])), entry["path"]))
    faults = {width: [] for width in WIDTHS}
    for width in WIDTHS:
        for entry in shown[width]:
            if "text" in entry:
                lines = prose_lines(Path(entry["path"]), width)
                for line in kinsoku_faults(lines, width):
                    faults[width].append((entry["path"], lines[max(0, line - 1) : line + 1]))
    scores.sort()
    return {
        "path": str(path),
        "posts": len(posts),
        "skipped": len(skipped),
        "mean_retention": round(100 * sum(score for score, _ in scores) / max(1, len(scores)), 3),
        "min_retention": round(100 * scores[0][0], 3) if scores else 100.0,
        "below_97": sum(1 for score, _ in scores if score < 0.97),
        "below_100": sum(1 for score, _ in scores if score < 0.99995),
        **{f"kinsoku_{width}": len(faults[width]) for width in WIDTHS},
        "worst": [{"retention": round(100 * score, 2), "path": post} for score, post in scores[:worst]],
        "kinsoku_examples": [{"path": post, "lines": lines} for post, lines in (faults[40] + faults[80])[:worst]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--worst", type=int, default=3, help="list this many worst posts per archive")
    parser.add_argument("--json", action="store_true", help="one JSON object per archive")
    args = parser.parse_args()
    paths = args.paths or [path for path in DEFAULT_PATHS if path.exists()]
    if not args.json:
        print(
            f"{'archive':<28}{'posts':>6}{'skip':>5}{'mean %':>9}{'min %':>9}{'<97%':>6}{'<100%':>6}"
            f"{'kinsoku@40':>11}{'@80':>5}"
        )
    for path in paths:
        result = measure(path, args.worst)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
            continue
        name = path.name if path.parent.name != "sites" else f"sites/{path.name}"
        print(
            f"{name:<28}{result['posts']:>6}{result['skipped']:>5}{result['mean_retention']:>9.2f}"
            f"{result['min_retention']:>9.2f}{result['below_97']:>6}{result['below_100']:>6}"
            f"{result['kinsoku_40']:>11}{result['kinsoku_80']:>5}"
        )
        for worst in result["worst"]:
            if worst["retention"] < 100:
                print(f"    {worst['retention']:6.2f}%  {worst['path']}")
        for example in result["kinsoku_examples"]:
            print(f"    kinsoku: {example['path']}: {example['lines']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
