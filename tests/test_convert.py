"""HTML bodies -> Markdown the reader shows."""

from __future__ import annotations

from tui.archive.convert import html_to_markdown, to_markdown


def md(html: str) -> str:
    return to_markdown(html, "html")


def test_images_show_alt_and_real_url() -> None:
    result = md('<p><img src="https://cors.zfour.workers.dev/?http://img.example/a.gif" alt="封面"></p>')
    assert result.strip() == "![封面](http://img.example/a.gif)"


def test_lazy_loaded_images_use_the_real_source() -> None:
    result = md('<img src="data:image/gif;base64,R0lG" data-original="https://img.example/real.jpg">')
    assert "https://img.example/real.jpg" in result and "data:" not in result


def test_iframes_become_a_link_line() -> None:
    result = md('<p>before</p><iframe src="//player.bilibili.com/player.html?aid=1"></iframe>')
    assert "▶ [Embedded video or page: https://player.bilibili.com/player.html?aid=1]" in result


def test_video_becomes_a_link_line() -> None:
    result = md('<video><source src="https://v.example/a.mp4"></video>')
    assert "▶ [Video: https://v.example/a.mp4](https://v.example/a.mp4)" in result


def test_code_blocks_are_fenced_with_language() -> None:
    result = md('<pre><code class="language-python">def f():\n    return &#123;&#125;\n</code></pre>')
    assert "```python\ndef f():\n    return {}\n```" in result


def test_code_language_from_bare_class() -> None:
    assert "```bash" in md('<pre class="bash"><code>ls -la</code></pre>')


def test_tables_are_kept() -> None:
    result = md("<table><tr><th>名称</th><th>数量</th></tr><tr><td>甲</td><td>1</td></tr></table>")
    assert "| 名称 | 数量 |" in result and "| 甲 | 1 |" in result


def test_br_is_a_line_break() -> None:
    assert md("<p>one<br>two</p>").strip() == "one\\\ntwo"


def test_scripts_styles_comments_and_svg_are_dropped_but_button_labels_show() -> None:
    """A browser shows a button's label (`赞赏`) but never a script, style, comment or SVG path."""
    result = md(
        "<style>.x{color:red}</style><p>kept</p><script>alert(1)</script><!-- secret -->"
        "<svg><path d='M0'/></svg><button>赞赏</button>"
    )
    assert result.split() == ["kept", "赞赏"]


def test_javascript_links_are_not_links() -> None:
    result = md('<a href="javascript:alert(1)">click</a> <a href="https://ok.example/">ok</a>')
    assert "javascript" not in result
    assert "[ok](https://ok.example/)" in result


def test_blank_line_runs_collapse() -> None:
    result = md("<p>a</p>" + "<br>\n" * 20 + "<p>b</p>")
    assert "\n\n\n" not in result


def test_markdown_bodies_decode_brace_escapes_and_strip_controls() -> None:
    assert to_markdown("code &#123;x&#125; \x1b[31mred", "markdown") == "code {x} red\n"


def test_deeply_nested_html_does_not_raise() -> None:
    result = md("<div>" * 3000 + "deep" + "</div>" * 3000)
    assert "deep" in result


def test_spacer_breaks_leave_no_stray_backslash() -> None:
    result = md("<p>one</p><p><br></p><p>two<br></p><p>three<br>four</p>")
    assert result == "one\n\ntwo\n\nthree\\\nfour\n"


def test_markdown_files_stay_markdown_whatever_they_start_with() -> None:
    """A `.md` page may open with `<script setup>`, a style or a comment: it is still Markdown
    (its `**bold**` is bold, its code spans keep their tags); only one wrapped HTML document,
    as feed bots write, is converted as HTML."""
    from tui.archive.fields import body_format
    from tui.rendering.post import line_text, post_lines

    for start in ("<style>p{color:red}</style>", "<script setup>\nimport X from './x'\n</script>", "<!-- note -->"):
        body = start + "\n\n# 表单输入绑定\n\nPara **bold** and `<input v-model>` here\n"
        assert body_format(body, ".md") == "markdown"
        lines = [line_text(line) for line in post_lines(to_markdown(body, "markdown"), 60)[0]]
        assert "Para bold and <input v-model> here" in lines
        assert not any("import" in line or "color" in line or "note" in line for line in lines)
    assert body_format("<div>\n<p>feed <b>post</b></p>\n</div>\n", ".md") == "html"
    assert body_format("<div>a</div>\n\n# Markdown\n\n<div>b</div>\n", ".md") == "markdown"
    assert body_format("<p>page</p>", ".html") == "html"


def _shown(html: str, width: int = 100) -> list[str]:
    """The reader's lines for an HTML body."""
    from tui.rendering.post import line_text, post_lines

    return [line_text(line) for line in post_lines(to_markdown(html, "html"), width)[0]]


def test_superscripts_and_subscripts_keep_their_meaning() -> None:
    shown = _shown("<p>amount &lt;= 10<sup>4</sup>, 2<sup>31</sup> - 1, x<sup>n+1</sup>, H<sub>2</sub>O</p>")
    assert shown == ["amount <= 10^4, 2^31 - 1, x^(n+1), H_2O"]
    # A raised space is a space (a real post's `<em>g</em><sup>y</sup><sup> </sup>mod n`).
    assert _shown("<p>Y=<em>g</em><sup>y</sup><sup> </sup>mod n, a<sub> </sub>b, c<sup></sup>d</p>") == [
        "Y=g^y mod n, a b, cd"
    ]


def test_html_text_that_reads_as_markdown_shows_as_a_browser_shows_it() -> None:
    """A feed's `<p>` of `- item<br>` lines, backticks and `&gt;` quoted mail is text: no list,
    no code span, no quote block; every `-`, backtick and `>` shows (found by a new user on
    the real corpus: 16 `>` in a mail, 2 shown)."""
    shown = _shown(
        "<p>- 新增：`SaTokenManager` 类<br> - 优化：**[重要]** 文档<br>"
        "&gt; quoted line<br>&gt;&gt; deeper<br>1. not a list<br># not a heading<br>a | b | c</p>"
        "<p>~~~<br>+ plus<br>x = y<br>===</p>"
        "<p>:::warning careful<br>!!! note this<br>??? question<br>: definition-like</p>"
    )
    assert shown == [
        "- 新增：`SaTokenManager` 类",
        "- 优化：**[重要]** 文档",
        "> quoted line",
        ">> deeper",
        "1. not a list",
        "# not a heading",
        "a | b | c",
        "",
        "~~~",
        "+ plus",
        "x = y",
        "===",
        "",
        ":::warning careful",  # the reader's containers, admonitions and definition lists too
        "!!! note this",
        "??? question",
        ": definition-like",
    ]


def test_list_items_without_end_tags_are_items_of_their_own() -> None:
    """HTML may leave out `</li>`, `</dt>` and `</dd>` (MkDocs's plugins page does); each item
    is still an item, nested lists stay nested."""
    assert html_to_markdown("<ul>\n  <li>One.\n  <li>Two\n     more.\n  <li>Three.\n</ul>\n").split("\n")[:4] == [
        "- One.",
        "- Two",
        "  more.",
        "- Three.",
    ]
    nested = html_to_markdown("<ul><li>A<ul><li>a1<li>a2</ul><li>B</ul>")
    assert nested.split("\n")[:4] == ["- A", "  - a1", "  - a2", "- B"]
    commented = html_to_markdown("<ul><li>A<ul><!-- <li>old --><li>a1</li><li>a2</li></ul></li><li>B</li></ul>")
    assert commented.split("\n")[:4] == ["- A", "  - a1", "  - a2", "- B"]  # a comment's <li> is no item
    assert html_to_markdown('<ul><li>one <img alt="<li>" src="x.png"><li>two</ul>').split("\n")[:2] == [
        "- one ![<li>]()",  # a source that is no web address: the alt text, as any image shows it
        "- two",
    ]
    terms = html_to_markdown("<dl><dt>Term<dd>Meaning<dt>Other<dd>Its meaning</dl>")
    assert terms.index("Term") < terms.index(":   Meaning") < terms.index("Other") < terms.index(":   Its meaning")


def test_a_one_row_table_is_a_row_and_an_empty_heading_is_nothing() -> None:
    """A page's `<table>` of one `<tr>` (a caption beside a video, in the real corpus) drew a
    header rule over nothing; `<h4> </h4>` became an empty `####` (found by a new user)."""
    html = (
        "<p>before</p><table><tr><td><em>Diffie discusses</em> it</td><td>video</td></tr></table><h4> </h4><p>after</p>"
    )
    assert [line.strip() for line in _shown(html, 60) if line.strip()] == [
        "before",
        "Diffie discusses it   video",
        "after",
    ]
    assert "#" not in to_markdown(html, "html")


def test_code_and_text_between_two_dollars_keep_every_character() -> None:
    """Found in review: a shell command's `\\` before a line starting with `|` or `-` was taken
    for a hard break (the `\\` lost, a blank line added); math clean-up ran inside code
    (`$y*$z` lost its `*`) and paired `$$` across blocks (`echo $$` … `kill $$`), which made
    `&lt;details&gt;` real HTML that the reader drops."""
    html = (
        "<pre><code>docker run \\\n  -v /x:/y \\\n  | grep a\n</code></pre>"
        "<p>Perl: <code>my $x = $y*$z;</code> and <code>$\\{a\\}$</code></p>"
        "<p>echo $$ to see the &lt;details&gt; tag</p><ul><li>kill $$ - now</li></ul>"
    )
    shown = _shown(html)
    assert [line.strip() for line in shown[:3]] == ["docker run \\", "-v /x:/y \\", "| grep a"]
    quoted = to_markdown("<blockquote><pre>ls -l \\\n| grep x\n</pre></blockquote>", "html")
    assert "> ls -l \\\n> | grep x" in quoted  # in a quote too
    assert "Perl: my $x = $y*$z; and $\\{a\\}$" in shown
    assert "echo $$ to see the <details> tag" in shown and "• kill $$ - now" in shown


def test_a_heading_that_repeats_the_title_is_dropped_even_escaped() -> None:
    """An HTML body's `<h1>C++ &amp; C#: 1. Intro</h1>` is `# C\\+\\+ \\& C\\#: 1\\. Intro` once its
    text is escaped: it still repeats the title, so it is not shown twice (found in review)."""
    from tui.archive.reading import reader_markdown

    for title in ("C++ & C#: 1. Intro", "Why a = b + c", "snake_case [draft]"):
        body = f"<h1>{title.replace('&', '&amp;')}</h1><p>Text.</p>"
        assert reader_markdown(to_markdown(body, "html"), title, "html").strip() == "Text."


def test_html_inside_markdown_keeps_its_code_spans_as_written() -> None:
    """Jekyll's collections page: `<p>… an underscore (`_`)</p>` in Markdown showed `(\\_)`, the
    escape that keeps text literal shown inside the code span (found in review)."""
    html = "<div><p>starts with an underscore (`_`) or a_b, `x*y` and &lt;b&gt;</p></div>"
    markdown = to_markdown(html, "html", in_markdown=True)
    assert "(`_`)" in markdown and "`x*y`" in markdown and "a\\_b" in markdown and "\\<b>" in markdown


def test_a_cell_holding_paragraphs_and_a_list_reads_as_a_browser_lays_it_out() -> None:
    """A Jekyll docs cell: `<p>` then `<ul><li>` with the source's indentation showed as
    `directory.   - Using null … a layout   file`."""
    html = (
        "<table><tr><th>Variable</th><th>Description</th></tr><tr><td><p>layout</p></td><td>\n"
        "    <p>\n\n      Use the layout\n      file.\n\n    </p>\n    <ul>\n      <li>\n"
        "        Using null will produce\n        a file.\n      </li>\n    </ul>\n</td></tr></table>"
    )
    shown = "\n".join(_shown(html, 100))
    assert "Use the layout file. - Using null will produce a file." in shown, shown


def test_a_cell_spanning_rows_keeps_the_later_cells_in_their_columns() -> None:
    """jekyll's hooks table: `<td rowspan="2">:site</td>`; the next row's cells each moved one
    column left, events under "Owner" and the last column empty."""
    html = (
        "<table><tr><th>Owner</th><th>Event</th><th>When</th></tr>"
        '<tr><td rowspan="2">site</td><td>after_init</td><td>at init</td></tr>'
        "<tr><td>after_reset</td><td>at reset</td></tr>"
        "<tr><td>pages</td><td>post_init</td><td>always</td></tr></table>"
    )
    lines = _shown(html, 60)
    header = next(line for line in lines if "Event" in line)
    reset = next(line for line in lines if "after_reset" in line)
    assert reset.index("after_reset") == header.index("Event") and reset.index("at reset") == header.index("When")
    assert "site" not in reset  # the spanning cell is drawn once, its column left empty below it
