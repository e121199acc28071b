"""Site-generator markup in Markdown, rewritten into Markdown the reader can show for what it is.

Hugo shortcodes (`{{< alert >}}…{{< /alert >}}`, `{{% pageinfo %}}`), Liquid tags of Jekyll and
Hexo (`{% highlight ruby %}…{% endhighlight %}`, `{% note %}`), Zola shortcodes
(`{% quote() %}…{% end %}`, `{{ youtube(id=…) }}`) are template calls a site expands when it
builds. A reader cannot run them, but must not run them into the paragraph around them either:
each becomes a labelled container (`⟨alert color=warning⟩`) whose inner content stays a block,
as code when the tag holds code and as Markdown otherwise. Escaped calls that a site prints as
written (`{{</* x */>}}`, `{{/* x() */}}`) are printed as written. `[[TOC]]` lines go (the
reader has no anchors to jump to) and `{#id}` heading attributes are removed.

The containers use the `::: name` syntax of markdown-it's container plugin with more colons the
further out they are, so an inner container (or a site's own `::: tip`) never closes an outer one.
Text only: no Textual, no Rich. Linear in the length of the body.
"""

from __future__ import annotations

import re

from .site_calls import HUGO, LIQUID, RAW_TAGS, inline_calls, label, protect, restore

SITE_CONTAINER = "postshelf-site"
"""The container name the reader draws as a dim label line."""

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_TOC_LINE = re.compile(
    r"^[ \t]*(?:\[\[?_?TOC_?\]\]?|\{:toc\}|\*[ \t]+TOC|\{\{[<%][ \t]*toc[ \t]*/?[>%]\}\}|@\[toc\](?:\([^)]*\))?)[ \t]*$",
    re.IGNORECASE,
)
_HEADING_ATTRIBUTES = re.compile(r"^([ \t]{0,3}#{1,6}[ \t].*?)[ \t]*\{[ \t]*[#.][^{}\n]*\}[ \t]*$")
_KRAMDOWN_LINE = re.compile(r"^[ \t]*\{[:.#][^{}\n]{0,200}\}[ \t]*$")  # `{: .class}`, `{.display-6}`

# Zola inline shortcode alone on a line: {{ youtube(id="x") }}
_ZOLA_CALL = re.compile(r"^[ \t]*\{\{[ \t]*([\w-]+)\(([^\n]*)\)[ \t]*\}\}[ \t]*$")
CODE_TAGS = {"highlight", "code", "codeblock", "code-block", "code-toggle", "codefile", "include-code"}
"""Tags whose inner content is code: kept verbatim in a code block."""
CODE_UNLESS_TEXT = {"tab"}
"""Docsy's tabs hold code unless they say `text=true`."""
_DROPPED_TAGS = {"comment"}
_BOX_TAGS = {"alert", "callout", "notice", "admonition", "note", "tip", "warning", "info", "caution", "danger", "hint"}
"""Shortcodes a site draws as a titled, coloured box (docsy's `alert`, hugo-notice's `notice`):
a box here too, named by its kind or colour, with its `title`."""
_BOX_COLOURS = {"primary": "note", "secondary": "note", "light": "note", "dark": "note", "default": "note"}
_BOX_KINDS = {"note", "info", "tip", "hint", "success", "warning", "caution", "danger", "error", "important"}
_ARGUMENT = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))|"([^"]*)"|(\S+)""")


def normalise_site_markup(markdown: str) -> str:
    """Markdown with site-generator markup turned into containers, code blocks and labels."""
    if not _might_have_markup(markdown):
        return markdown
    return _Rewriter(markdown.split("\n")).run()


def _might_have_markup(markdown: str) -> bool:
    return any(marker in markdown for marker in ("{{", "{%", "TOC", "toc", "{#", "{.", "{:", "[!code"))


_CODE_NOTATION = re.compile(
    r"[ \t]*(?://|#|--|;|<!--|/\*)[ \t]*\[!code[ \t]+(?P<kind>[^\]:\n]*)(?::(?P<lines>\d+))?\][ \t]*(?:-->|\*/)?[ \t]*$"
)


def _code_notations(lines: list[str]) -> list[str]:
    """Code lines with VitePress's (Shiki's) notation comments taken out, as the site shows
    them: `// [!code --]` and `// [!code ++]` mark a removed and an added line, drawn with a
    `-` and a `+` in a gutter every line of the block then has; `highlight`, `focus`, `error`,
    `warning` and `word:` only colour the line."""
    kinds: list[str | None] = [None] * len(lines)
    marked = [False] * len(lines)
    for number, line in enumerate(lines):
        match = _CODE_NOTATION.search(line)
        if match is not None:
            marked[number] = True
            for covered in range(number, min(len(lines), number + int(match.group("lines") or 1))):
                kinds[covered] = match.group("kind").strip()  # `[!code ++:3]`: this line and the 2 after
    diff = any(kind in ("--", "++") for kind in kinds)
    shown = []
    for line, kind, notation in zip(lines, kinds, marked, strict=True):
        if notation:
            line = _CODE_NOTATION.sub("", line)
        line = line.replace("[!!code ", "[!code ")  # the docs' way to show the notation itself
        if diff:
            line = {"--": "- ", "++": "+ "}.get(kind or "", "  ") + line
        shown.append(line)
    return shown


class _Tag:
    """One template call standing alone on its line."""

    __slots__ = ("kind", "name", "arguments", "closing", "self_closing")

    def __init__(self, kind: str, name: str, arguments: str, closing: bool, self_closing: bool) -> None:
        self.kind = kind  # 'hugo', 'liquid' or 'zola'
        self.name = name
        self.arguments = arguments
        self.closing = closing
        self.self_closing = self_closing

    def closes(self, opener: _Tag) -> bool:
        if not self.closing:
            return False
        if opener.kind == "hugo":
            return self.kind == "hugo" and self.name == opener.name
        if opener.kind == "zola":
            return self.name == "end"
        return self.name in (f"end{opener.name}", "end")


def _standalone_tag(line: str) -> _Tag | None:
    stripped = line.strip()
    if not stripped.startswith("{"):
        return None
    match = HUGO.fullmatch(stripped)
    if match:
        return _Tag("hugo", match.group(3), match.group(4).strip(), bool(match.group(2)), bool(match.group(5)))
    match = LIQUID.fullmatch(stripped)
    if match:
        name, arguments = match.group(1), match.group(2).strip()
        if name == "end" or (name.startswith("end") and not arguments):
            return _Tag("liquid", name, "", True, False)
        if arguments.startswith("("):  # Zola: {% quote(author="x") %} … {% end %}
            return _Tag("zola", name, arguments[1:].rstrip(")"), False, False)
        return _Tag("liquid", name, arguments, False, False)
    match = _ZOLA_CALL.match(stripped)
    if match:
        return _Tag("zola", match.group(1), match.group(2), False, True)
    return None


def _code_language(tag: _Tag, inner: list[str]) -> str:
    if tag.name == "highlight" and tag.arguments:
        return tag.arguments.split()[0].strip("\"'")
    for argument in tag.arguments.split():
        key, _, value = argument.partition("=" if "=" in argument else ":")
        if key in ("lang", "language", "format") and value:
            return value.strip("\"'")
    first = next((line.strip() for line in inner if line.strip()), "")
    if tag.name == "code-toggle":
        return "yaml" if ":" in first and "=" not in first else "toml"
    return "json" if first.startswith("{") else ""


class _Rewriter:
    def __init__(self, lines: list[str]) -> None:
        self.lines = _join_calls(lines)
        self.out: list[str] = []
        self.open: list[tuple[_Tag, str]] = []  # containers opened, with their colon marker
        self.html_lines, lone = _scan_blocks(self.lines)
        self.lone_containers = lone
        self.pairs = self._pair_tags()

    def _pair_tags(self) -> dict[int, int]:
        """Line of each opening tag -> line of its closing tag, in one pass (a stack, as a
        site's template engine pairs them); tags in code blocks are not tags."""
        pairs: dict[int, int] = {}
        stack: list[tuple[int, _Tag]] = []
        fence = ""
        for index, line in enumerate(self.lines):
            if fence:
                stripped = line.strip()
                if stripped.startswith(fence) and not stripped.strip(fence[0]):
                    fence = ""
                continue
            opened = _FENCE.match(line)
            if opened:
                fence = opened.group(1)
                continue
            if "{" not in line or index in self.html_lines:
                continue
            tag = _standalone_tag(protect(line)[0])
            if tag is None or tag.self_closing:
                continue
            if not tag.closing:
                stack.append((index, tag))
                continue
            for depth in range(len(stack) - 1, max(-1, len(stack) - 64), -1):
                if tag.closes(stack[depth][1]):
                    pairs[stack[depth][0]] = index
                    del stack[depth:]
                    break
        return pairs

    def run(self) -> str:
        index = 0
        lines = self.lines
        while index < len(lines):
            line = lines[index]
            fence = _FENCE.match(line)
            if fence:
                index = self._copy_fence(index, fence.group(1))
                continue
            definition = _TEMPLATED_DEFINITION.match(line)
            if definition:  # `[1349]: {{ site.repository }}/issues/1349`: a definition once rendered
                line = definition.group(1) + _TEMPLATE_VALUE.sub(_value_name, definition.group(2))
            protected, kept = protect(line)
            if index in self.html_lines:
                # Inside an HTML block (`<table>` rows around `{% for %}`): a label in the text,
                # never block structure, which would end the HTML block and show its tags.
                shown = restore(inline_calls(protected), kept)
                if shown.strip():  # a line left empty would end the HTML block
                    self.out.append(shown)
                index += 1
                continue
            if index in self.lone_containers:
                # `::: mkdocs.plugins.BasePlugin` (mkdocstrings) never closes: a label, not a
                # container that would swallow the rest of the page.
                marker = ":" * (40 - min(len(self.open), 30))
                name = protected.strip().lstrip(":").strip()
                self.out += ["", f"{_indent(line)}{marker} {SITE_CONTAINER} ⟨{name}⟩", _indent(line) + marker, ""]
                index += 1
                continue
            tag = _standalone_tag(protected)
            if tag is not None:
                index = self._tag(tag, index, _indent(line))
                continue
            if _TOC_LINE.match(protected) or _KRAMDOWN_LINE.match(protected):
                index += 1
                continue
            heading = _HEADING_ATTRIBUTES.match(protected)
            if heading:
                protected = heading.group(1)
            self.out.append(restore(inline_calls(protected), kept))
            index += 1
        for _tag, marker in reversed(self.open):
            self.out.append(marker)
        return "\n".join(self.out)

    def _copy_fence(self, index: int, marker: str) -> int:
        """Code is copied as written, but escaped calls and `{% raw %}` show as the site shows
        them, an escaped call written over several lines too."""
        start = index
        index += 1
        while index < len(self.lines):
            stripped = self.lines[index].strip()
            index += 1
            if stripped.startswith(marker) and not stripped.strip(marker[0]):
                break
        lines = self.lines[start:index]
        if any("[!code" in line for line in lines):
            closed = len(lines) > 1 and lines[-1].strip().startswith(marker)
            body = lines[1:-1] if closed else lines[1:]
            lines = [lines[0], *_code_notations(body), *lines[len(lines) - closed :]]
        self.out.append(self._code_line("\n".join(lines)))
        return index

    @staticmethod
    def _code_line(line: str) -> str:
        if "{%" in line:
            line = re.sub(r"\{%-?[ \t]*(?:raw|endraw)[ \t]*-?%\}", "", line)
        protected, kept = protect(line)
        return restore(protected, kept)

    def _tag(self, tag: _Tag, index: int, indent: str) -> int:
        if tag.closing:
            if self.open and tag.closes(self.open[-1][0]):
                self.out.append(indent + self.open.pop()[1])
                self.out.append("")
            return index + 1
        closing = self.pairs.get(index)
        if tag.name in _DROPPED_TAGS and closing is not None:
            return closing + 1
        if tag.name in RAW_TAGS:
            if closing is not None:
                self.out.extend(self.lines[index + 1 : closing])
                return closing + 1
            return index + 1
        marker = ":" * (40 - min(len(self.open), 30))
        self.out.append("")
        if tag.name in _BOX_TAGS and closing is not None:
            self.out.append(f"{indent}{marker} {_box(tag)}")
            self.open.append((tag, marker))
            return index + 1
        self.out.append(f"{indent}{marker} {SITE_CONTAINER} {label(tag.name, tag.arguments)}")
        if closing is None:
            self.out.append(indent + marker)
            self.out.append("")
            return index + 1
        if _holds_code(tag):
            inner = [self._code_line(line) for line in self.lines[index + 1 : closing]]
            ticks = "`" * max(3, 1 + max((len(run) for line in inner for run in re.findall("`+", line)), default=0))
            self.out.append(f"{indent}{ticks}{_code_language(tag, inner)}")
            self.out.extend(inner)
            self.out.append(f"{indent}{ticks}")
            self.out.append(indent + marker)
            self.out.append("")
            return closing + 1
        self.open.append((tag, marker))
        return index + 1


_CALL_START = re.compile(r"^[ \t]*\{\{[<%]|^[ \t]*\{%")
_CALL_END = re.compile(r"[>%]\}\}|%\}")
MAX_CALL_LINES = 20


def _join_calls(lines: list[str]) -> list[str]:
    """A call written over several lines (`{{% blocks/cover` ⏎ `title="…" %}}`) made one line."""
    result: list[str] = []
    index = 0
    fence = ""
    while index < len(lines):
        line = lines[index]
        index += 1
        opened = _FENCE.match(line)
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif _CALL_START.match(line) and not _CALL_END.search(line):
            end = next(
                (at for at in range(index, min(len(lines), index + MAX_CALL_LINES)) if _CALL_END.search(lines[at])),
                None,
            )
            if end is not None:
                line = " ".join([line.rstrip(), *(part.strip() for part in lines[index : end + 1])])
                index = end + 1
        pair = _ONE_LINE_PAIR.match(line) if not fence and "{{" in line else None
        if pair:  # `{{% alert %}} **Hello** {{% /alert %}}`: a block, as over three lines
            indent = pair.group(1)
            result += [indent + pair.group(2), indent + pair.group(5).strip(), indent + pair.group(6)]
            continue
        result.append(line)
    return result


_ONE_LINE_PAIR = re.compile(
    r"^([ \t]*)(\{\{([<%])[ \t]*([\w.-]+)\b[^{}\n]*?[>%]\}\})(.+?)(\{\{\3[ \t]*/[ \t]*\4[ \t]*[>%]\}\})[ \t]*$"
)


_COLON_OPEN = re.compile(r"^[ \t]{0,3}(:{3,})[ \t]*([^\s:].*)$")  # (`::::` is a closer, not `:::` + `:`)
_COLON_CLOSE = re.compile(r"^[ \t]{0,3}(:{3,})[ \t]*$")
_HTML_BLOCK_END = re.compile(r"^[ ]{0,3}(?:<(script|pre|style|textarea)\b|<!--)", re.IGNORECASE)
_HTML_BLOCK_START = re.compile(r"^[ ]{0,3}<(?:[A-Za-z][\w-]*|/[A-Za-z][\w-]*|!--)")


def _scan_blocks(lines: list[str]) -> tuple[set[int], set[int]]:
    """(lines inside raw HTML blocks, `:::` openers that are never closed), outside code."""
    html: set[int] = set()
    openers: list[tuple[int, int]] = []
    lone: set[int] = set()
    fence = ""
    in_html = False
    html_end = ""  # a comment or script block ends at its end marker, others at a blank line
    previous_blank = True
    for index, line in enumerate(lines):
        stripped = line.strip()
        if html_end:
            html.add(index)
            if html_end in line.lower():
                html_end = ""
            previous_blank = False
            continue
        if fence:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
            previous_blank = False
            continue
        opened = _FENCE.match(line)
        if opened:
            fence, in_html, previous_blank = opened.group(1), False, False
            continue
        if not stripped:
            in_html, previous_blank = False, True
            continue
        if not in_html and previous_blank and _HTML_BLOCK_START.match(line):
            ending = _HTML_BLOCK_END.match(line)
            if ending:  # types 1 and 2 of CommonMark: up to the end marker, blank lines and all
                marker = "-->" if ending.group(1) is None else f"</{ending.group(1).lower()}>"
                html.add(index)
                if marker not in line.lower()[ending.end() :]:
                    html_end = marker
                previous_blank = False
                continue
            in_html = True
        closer = _COLON_CLOSE.match(line) if in_html else None
        if closer and openers and len(closer.group(1)) >= openers[-1][1]:
            # A container's end ends an HTML block inside it: markdown-it finds the container's
            # extent first (`</details>` then `:::` with no blank line between, VitePress docs).
            in_html = False
            openers.pop()
        elif in_html:
            html.add(index)
        else:
            opener = _COLON_OPEN.match(line)
            closer = _COLON_CLOSE.match(line) if opener is None else None
            if opener:
                openers.append((index, len(opener.group(1))))
            elif closer and openers and len(closer.group(1)) >= openers[-1][1]:
                openers.pop()
        previous_blank = False
    lone.update(index for index, _count in openers)
    return html, lone


_TEMPLATED_DEFINITION = re.compile(r"^([ ]{0,3}\[[^\[\]\n]{1,200}\]:[ \t]*)(\S*\{\{.*)$")
_TEMPLATE_VALUE = re.compile(r"\{\{-?([^{}\n]*?)-?\}\}")  # (spaces taken out after: `[ \t]*` on each side backtracked)


def _value_name(match: re.Match[str]) -> str:
    """A template value in a link's address, named without spaces: the site fills it in (a
    Jekyll `site.repository`) and the link is a link, where the spaces made the definition
    text, and `[a patch][1349]` with it."""
    return "".join(match.group(1).split())


def _box(tag: _Tag) -> str:
    """`alert title="Heads up" color=warning` -> `warning Heads up`: the container the reader
    draws as a box (its kind, else its colour, names it; any other argument is not shown)."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ARGUMENT.finditer(tag.arguments):
        if match.group(1):
            named[match.group(1).lower()] = next(value for value in match.group(2, 3, 4) if value is not None)
        else:
            positional.append(match.group(5) if match.group(5) is not None else match.group(6))
    colour = named.get("color", named.get("type", named.get("kind", positional[0] if positional else "")))
    colour = colour.split()[0].lower() if colour.split() else ""
    colour = _BOX_COLOURS.get(colour, colour)
    kind = colour if colour in _BOX_KINDS else tag.name
    title = named.get("title", positional[1] if tag.name == "notice" and len(positional) > 1 else "")
    return " ".join(f"{kind} {title}".split())


def _holds_code(tag: _Tag) -> bool:
    if tag.name in CODE_TAGS:
        return True
    return tag.kind == "hugo" and tag.name in CODE_UNLESS_TEXT and not re.search(r"\btext=\"?true", tag.arguments)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]
