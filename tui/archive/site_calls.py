"""Template calls inside a line of Markdown (Hugo shortcodes, Liquid and Zola tags): escaped
ones set aside and put back as written, the others made labels (`⟨param version⟩`) or, in a
link's destination, the target; code spans and Liquid raw spans keep theirs as written.
site_markup.py handles the calls that stand on lines of their own (blocks).
"""

from __future__ import annotations

import re

from .text_pieces import CODE_SPAN, outside

# Escaped template calls, printed by the site as written (without the comment marks).
# Never across a code span's backtick: `{{/*` and `*/}}` written apart are two examples.
_ESCAPED = re.compile(r"\{\{([<%])/\*((?:(?!\{\{)[^`])*?)\*/([>%])\}\}|\{\{/\*([^`\n]*?)\*/\}\}|\{%/\*([^`\n]*?)\*/%\}")
"""An escaped shortcode call may span lines (not past the next `{{`: a code block of unclosed
ones would be read in quadratic time); a Go template comment or a Liquid one is one line."""
_PAIR_OPEN = re.compile(r"\{\{([<%])/\*")
_RAW_MARK = re.compile(r"\{%-?[ \t]*(end)?raw[ \t]*-?%\}")
"""Liquid's `{% raw %}…{% endraw %}` in a line: read before Markdown, across code spans, so
its content shows as written and its marks do not."""
# Hugo: {{< name args >}} / {{% name args %}} / {{< /name >}} / {{< name args />}}
_HUGO_ARGUMENTS = r"((?:[^\n{}]|\{(?!\{)|\}(?!\}))*?)"  # up to the call's end, never into another call
HUGO = re.compile(r"\{\{([<%])[ \t]*(/?)[ \t]*([\w.-]+(?:/[\w.-]+)*)" + _HUGO_ARGUMENTS + r"[ \t]*(/?)[ \t]*([>%])\}\}")
# Liquid (Jekyll, Hexo) and Zola body shortcodes: {% name args %}, {%- name -%}
LIQUID = re.compile(r"\{%-?[ \t]*([\w.-]+)((?:[^\n%]|%(?!\}))*?)[ \t]*-?%\}")
_REF = re.compile(r"\{\{[<%][ \t]*(?:rel)?ref[ \t]+\"?([^\"\s>%]+)\"?[ \t]*[>%]\}\}")
# A Liquid call that begins a Markdown link's destination, where the site puts a URL:
# `]({{ site.repository }}/issues/1)`, `]({{ '/docs/' | relative_url }})`, `]({% link a.md %})`.
# Left as written, its spaces keep the link from parsing and the call shows as text.
_DESTINATION_CALL = re.compile(
    r"\]\([ \t]*(?:\{\{(?![<%])-?([^{}\n]*?)-?\}\}|\{%-?[ \t]*(?:link|post_url)[ \t]+([^\s%]+)[ \t]*-?%\})"
)
_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")

RAW_TAGS = {"raw", "verbatim"}
_ESCAPE_OPEN, _ESCAPE_CLOSE = "\ue000", "\ue001"


def label(name: str, arguments: str) -> str:
    """How a call the reader cannot run shows: `⟨alert color=warning⟩`, on one line."""
    arguments = " ".join(arguments.replace("`", "'").split())
    return f"⟨{name} {arguments}⟩" if arguments else f"⟨{name}⟩"


def protect(line: str) -> tuple[str, list[str]]:
    """Escaped calls are set aside so they are not read as calls, and put back as written."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        if match.group(1) is not None:
            text = "{{" + match.group(1) + match.group(2) + match.group(3) + "}}"
        elif match.group(4) is not None:
            text = "{{" + match.group(4) + "}}"
        else:
            text = "{%" + match.group(5) + "%}"
        kept.append(text)
        return f"{_ESCAPE_OPEN}{len(kept) - 1}{_ESCAPE_CLOSE}"

    if "/*" not in line:
        return line, kept

    return _ESCAPED.sub(keep, _escaped_pairs(line, kept)), kept


def _escaped_pairs(line: str, kept: list[str]) -> str:
    """One escape around a pair of calls (`{{</* imgproc >}}<b>x</b>{{< /imgproc */>}}`: Hugo
    prints both), set aside. One pass: each opener is paired with the next `*/`, which is
    looked for again only once passed (a line of openers without one stays linear)."""
    pieces, position, close = [], 0, -1
    for opener in _PAIR_OPEN.finditer(line):
        if opener.start() < position:
            continue
        if close < opener.end():
            close = line.find("*/", opener.end())
            if close < 0:
                break
        inner, ending = line[opener.end() : close], line[close + 2 : close + 5]
        if ending in (">}}", "%}}") and "{{" in inner and "`" not in inner and len(inner) <= 1000:
            kept.append("{{" + opener.group(1) + inner + ending[0] + "}}")
            pieces += [line[position : opener.start()], f"{_ESCAPE_OPEN}{len(kept) - 1}{_ESCAPE_CLOSE}"]
            position = close + 5
    return "".join(pieces) + line[position:] if pieces else line


def restore(line: str, kept: list[str]) -> str:
    if not kept:
        return line
    return re.sub(f"{_ESCAPE_OPEN}(\\d+){_ESCAPE_CLOSE}", lambda m: kept[int(m.group(1))], line)


def _destination(match: re.Match) -> str:
    """What can be told of the URL a call gives a link: a quoted path, the linked file; nothing
    for a variable (the link text is what a reader sees)."""
    if match.group(2) is not None:
        return f"]({match.group(2)}"
    quoted = _QUOTED.search(match.group(1))
    return f"]({(quoted.group(1) or quoted.group(2) or '') if quoted else ''}"


def inline_calls(line: str) -> str:
    """Calls inside a line of text: references become their target, others a label; in a
    code span or a `{% raw %}` span they stay as written."""
    if "`" not in line and "raw" not in line:
        return _calls_in_text(line)
    pieces, position, opener = [], 0, None
    for mark in _RAW_MARK.finditer(line):  # paired in one pass: a raw, then the next endraw
        if mark.group(1) is None and opener is None:
            opener = mark
        elif mark.group(1) is not None and opener is not None:
            pieces += [_outside_code_spans(line[position : opener.start()]), line[opener.end() : mark.start()]]
            opener, position = None, mark.end()
    return "".join(pieces) + _outside_code_spans(line[position:])  # (an unclosed raw: a tag, dropped)


def _outside_code_spans(text: str) -> str:
    """A code span shows its calls as written: the syntax a page explains (MkDocs and Zola
    never read them there; Jekyll and Hugo pages escape the ones they mean to show)."""
    return outside(text, CODE_SPAN, _calls_in_text)


def _calls_in_text(line: str) -> str:
    if "](" in line:
        line = _DESTINATION_CALL.sub(_destination, line)
    if "{{" in line:
        line = _REF.sub(lambda m: m.group(1), line)
        line = HUGO.sub(lambda m: "" if m.group(2) else label(m.group(3), m.group(4)), line)
    if "{%" in line:
        line = LIQUID.sub(
            lambda m: "" if m.group(1) in RAW_TAGS or m.group(1).startswith("end") else label(m.group(1), m.group(2)),
            line,
        )
    return line
