"""Links and images that work over SSH: the numbered list (domain), the reader's image
placeholders, opening or copying a link, and the links screen driven through the real app."""

from __future__ import annotations

import re
import sys
import webbrowser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.pilot import Pilot
from textual.strip import Strip

from helpers import settle
from tui.app import PostshelfApp
from tui.archive import Archive
from tui.archive.links import MAX_LABEL, Link, clean_url, file_name, links_in
from tui.archive.parse import read_post_file
from tui.archive.sanitize import strip_controls
from tui.open_link import can_open_browser
from tui.rendering import install_cjk_line_breaking, render_markdown, shorten_url
from tui.screens.help import binding_rows
from tui.screens.links import LinksScreen
from tui.widgets.reader_body import ReaderBody

ALLOWED = re.compile(r"^(?:(?:https?|ftp)://[^\s/?#]|mailto:\S)", re.IGNORECASE)
SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


def load(real_corpus: Path) -> Archive:
    from tui.archive.opening import open_archive

    archive, complete = open_archive([real_corpus], use_cache=False)
    assert complete
    return archive


def post_titled(archive: Archive, part: str):
    matches = [archive.posts[i] for i in range(archive.post_count) if part in archive.posts[i].title]
    assert len(matches) == 1, [post.title for post in matches]
    return matches[0]


def post_links(archive: Archive, part: str) -> tuple[object, list[Link]]:
    post = post_titled(archive, part)
    return post, links_in(archive.read_markdown(post), post.link, post.image)


def assert_well_formed(links: list[Link]) -> None:
    assert [link.number for link in links] == list(range(1, len(links) + 1))
    assert len({link.url for link in links}) == len(links)
    for link in links:
        assert link.kind in ("link", "image")
        assert ALLOWED.match(link.url), link.url
        for text in (link.label, link.url):
            assert strip_controls(text) == text and "\n" not in text and "\t" not in text
        assert 0 < len(link.label) <= MAX_LABEL


# ------------------------------------------------------------------ links_in on real posts


def test_real_posts_give_numbered_unique_safe_links(real_corpus: Path) -> None:
    archive = load(real_corpus)
    total = 0
    for index in range(archive.post_count):
        post = archive.posts[index]
        links = links_in(archive.read_markdown(post), post.link, post.image)
        assert_well_formed(links)
        if post.image:
            assert post.image in [link.url for link in links]
        total += len(links)
    assert total > 150


def test_proxied_images_are_unwrapped(real_corpus: Path) -> None:
    """The corpus's bodies hide images behind a CORS proxy; the list shows the real URL."""
    archive = load(real_corpus)
    post = post_titled(archive, "Asahi Linux")
    raw = read_post_file(post.path).body
    proxied = re.findall(r"https://cors\.zfour\.workers\.dev/\?(http[^\"'\s>]+)", raw)
    assert proxied, "the raw post uses the proxy"
    links = links_in(archive.read_markdown(post), post.link, post.image)
    urls = [link.url for link in links]
    assert proxied[0] in urls
    assert not any("workers.dev" in url for url in urls)
    # The same on Markdown that still carries the proxy (authored posts, other converters).
    markdown = (
        f"![cover](https://cors.zfour.workers.dev/?{proxied[0]}) [x](https://proxy.example/?https://real.example/a)"
    )
    assert [link.url for link in links_in(markdown)] == [proxied[0], "https://real.example/a"]


def test_iframes_tables_and_linked_images_of_the_2015_post(real_corpus: Path) -> None:
    archive = load(real_corpus)
    post, links = post_links(archive, "2015")
    assert_well_formed(links)
    # The cover image is number 1; the body's first image is the same URL, so it is not
    # listed twice, but its alt text is a better label than "Cover image".
    assert links[0] == Link(1, "image", "Whitfield Diffie", post.image)
    # `[![Whitfield Diffie](photo)](profile)`: the image, then the link it sits in.
    assert links[1] == Link(2, "link", "Whitfield Diffie", "https://amturing.acm.org/award_winners/diffie_8371646.cfm")
    # Iframes in table cells: labelled without repeating their URL.
    videos = [link for link in links if "youtube.com/embed/" in link.url]
    assert len(videos) == 8  # the eight <iframe>s of the page
    assert {link.label for link in videos} == {"Embedded video or page"}
    assert videos[0].url == "https://www.youtube.com/embed/d820zuDbYIg?controls=0&showinfo=0&rel=0&modestbranding=1"


def test_images_without_alt_are_labelled_with_their_file_name(real_corpus: Path) -> None:
    archive = load(real_corpus)
    _, links = post_links(archive, "B端决策类产品")
    assert links[0].label == "Cover image"
    assert [link.label for link in links[1:]] == [
        "7V2PZH6Q6h48AKivi9AF.png",
        "Mh0p2sqKbcrKppjJilwS.png",
        "l6ohOdR8VI3UWo8OFRP1.png",
        "BOwqNExANGOrasDmglqn.png",
    ]
    assert all(link.kind == "image" for link in links)


def test_bare_urls_autolinks_and_mail_addresses_in_real_posts(real_corpus: Path) -> None:
    archive = load(real_corpus)
    # markdownify escapes the underscores of a bare URL (`turing\_machine`): undone.
    _, links = post_links(archive, "在图灵机模型里发现了一个0day漏洞")
    assert links[-1].url == "https://www.theregister.com/2021/05/11/turing_machine_0day_no_patch_available/"
    _, links = post_links(archive, "3.21催回复")
    assert [link.url for link in links] == [
        "https://developers.weixin.qq.com/community/develop/doc/000c089a9e057005bddbb0a9b5ac00"
    ]
    _, links = post_links(archive, "surround file paths in Kconfig")
    assert [link.url for link in links] == ["mailto:yamada.masahiro@socionext.com", "mailto:wsa@the-dreams.de"]
    assert links[0].label == "yamada.masahiro@socionext.com"


def test_header_link_and_image_come_first_and_urls_are_listed_once() -> None:
    markdown = (
        "Intro [the post](https://example.com/post) and ![cover](https://img.example/c.jpg).\n\n"
        "Again [here](https://example.com/post), <https://example.com/post> and https://example.com/post.\n"
        "[![Photo](https://img.example/p.png)](https://img.example/p-large.png)\n"
    )
    links = links_in(markdown, "https://example.com/post", "https://img.example/c.jpg")
    assert links == [
        Link(1, "link", "Original post", "https://example.com/post"),
        Link(2, "image", "cover", "https://img.example/c.jpg"),
        Link(3, "image", "Photo", "https://img.example/p.png"),
        Link(4, "link", "Photo", "https://img.example/p-large.png"),
    ]
    assert [link.number for link in links_in(markdown)] == [1, 2, 3, 4]
    assert links_in(markdown)[0] == Link(1, "link", "the post", "https://example.com/post")


def test_dangerous_schemes_are_dropped() -> None:
    markdown = (
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html;base64,PHNjcmlwdD4=) "
        "![d](data:image/png;base64,iVBORw0KGgo=) [e](vbscript:msgbox) [f](file:///etc/passwd) "
        "<javascript:alert(1)> [g](ms-msdt:/id) [h](/relative/path) [i](#anchor) [j](java\tscript:x) "
        '<a href="javascript:alert(1)">k</a> <img src="data:image/gif;base64,R0lG"> [l]: javascript:x\n'
        "[ok](https://ok.example/) <mailto:me@example.com> [ftp](ftp://files.example/f.txt)"
    )
    assert [link.url for link in links_in(markdown)] == [
        "https://ok.example/",
        "mailto:me@example.com",
        "ftp://files.example/f.txt",
    ]
    for bad in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "", "  "):
        assert clean_url(bad) == ""
    assert links_in("", "javascript:alert(1)", "data:image/png;base64,AA") == []


def test_reference_links_escapes_and_long_labels() -> None:
    markdown = (
        "See [the spec][CM] and [Ref Two] and ![logo][img].\n\n"
        '[cm]: <https://spec.commonmark.org/0.31/> "CommonMark"\n'
        "[ref two]: https://two.example/a_(b)\n"
        "[img]: //cdn.example/logo.svg\n"
        "[unused]: https://unused.example/\n\n"
        f"[{'word ' * 60}](https://long.example/) [\\*escaped\\* **bold**](https://x.example/?a=1&amp;b=2&copy=3)\n"
    )
    links = links_in(markdown)
    assert [(link.kind, link.label, link.url) for link in links[:4]] == [
        ("link", "the spec", "https://spec.commonmark.org/0.31/"),
        ("link", "Ref Two", "https://two.example/a_(b)"),
        ("image", "logo", "https://cdn.example/logo.svg"),
        ("link", "unused", "https://unused.example/"),
    ]
    assert len(links[4].label) == MAX_LABEL and links[4].label.endswith("…")
    # `&amp;` is an entity; `&copy=3` (no semicolon) is part of the query string.
    assert links[5] == Link(6, "link", "*escaped* bold", "https://x.example/?a=1&b=2&copy=3")


def test_bare_urls_end_where_the_sentence_does() -> None:
    markdown = (
        "Read https://en.wikipedia.org/wiki/Foo_(bar). Then (https://paren.example/x), "
        "网址：https://cn.example/路径，谢谢 and https://a.example/b?c=d!"
    )
    assert [link.url for link in links_in(markdown)] == [
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://paren.example/x",
        "https://cn.example/",
        "https://a.example/b?c=d",
    ]


def test_urls_in_code_are_examples_not_links() -> None:
    markdown = (
        "A proxy looks like `https://cors.example.workers.dev/?https://…`; "
        "``a ` https://two.example`` then https://real.example/ and\n\n"
        "```python\nurl = 'https://fenced.example/'\n```\n\n~~~\n[x](https://tilde.example)\n~~~\n"
        "after [y](https://after.example)"
    )
    assert [link.url for link in links_in(markdown)] == ["https://real.example/", "https://after.example"]


def test_hostile_text_never_reaches_labels_or_urls() -> None:
    markdown = "[\x1b]52;c;ZXZpbA==\x07pwned \x1b[31mred\u202e](https://e.example/\x1b[2Jx) ![\x9b31m](https://i.example/a\x07.png)"
    links = links_in(markdown)
    assert_well_formed(links)
    assert links[0].url == "https://e.example/x"


def test_file_names_for_labels() -> None:
    assert file_name("https://a.example/x/y%20z.png?size=2#top") == "y z.png"
    assert file_name("https://a.example/") == "a.example"
    assert file_name("/relative/p.png") == "p.png"


FRAGMENTS = [
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<",
    ">",
    "\\",
    "\n",
    "\n\n",
    " ",
    '"',
    "'",
    "`",
    "*",
    "_",
    "{:",
    "}",
    "http://",
    "https://",
    "ftp://",
    "mailto:",
    "javascript:",
    "data:",
    "//",
    "a.example/",
    "&amp;",
    "&#0;",
    "https://proxy.example/?",
    "https://proxy.example/?javascript:x",
    "\x1b]52;c;",
    "\x1b[31m",
    "\x07",
    "\u202e",
    "\x00",
    "\x9b",
    "中文",
    "，",
    "。",
    "[ref]: ",
    '<a href="',
    "<img src='",
    "%",
    "%0a",
    "\t",
    "#",
    "```",
    "~~~",
    "\n```\n",
    "``",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map("".join),
    st.one_of(st.just(""), st.sampled_from(FRAGMENTS), st.text(max_size=20)),
    st.one_of(st.just(""), st.sampled_from(FRAGMENTS), st.text(max_size=20)),
)
def test_links_in_never_raises_and_numbers_consecutively(markdown: str, link: str, image: str) -> None:
    links = links_in(markdown, link, image)
    assert_well_formed(links)
    for url in (link, image):
        if clean_url(url):
            assert clean_url(url) in [found.url for found in links]


# ------------------------------------------------------------------ the reader's placeholders


def text_lines(lines) -> list[str]:
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


def test_reader_images_become_numbered_placeholder_lines(real_corpus: Path) -> None:
    install_cjk_line_breaking()
    archive = load(real_corpus)
    post, links = post_links(archive, "1화 표정관리")
    markdown = archive.read_markdown(post)
    for width in (47, 74):  # the reader at 80 and at 120 columns
        lines = text_lines(render_markdown(markdown, width, links=links))
        placeholders = [line for line in lines if line.startswith("[img")]
        assert len(placeholders) == 13 == len(links)
        for link, line in zip(links, placeholders, strict=True):
            assert line.startswith(f"[img {link.number}] comic content — image-comi")
            assert line.endswith(link.url[-8:])  # the file name survives shortening
        assert all(len(line) <= width for line in lines)
        assert not any("🌆" in line for line in lines)
    # Unnumbered when the reader does not pass the list.
    assert text_lines(render_markdown(markdown, 74))[0].startswith("[img] comic content — ")


def test_reader_placeholders_link_to_the_real_url(real_corpus: Path) -> None:
    """The URL part of a placeholder is an OSC 8 hyperlink to the unproxied URL."""
    archive = load(real_corpus)
    post = post_titled(archive, "Asahi Linux")
    markdown = archive.read_markdown(post)
    raw = read_post_file(post.path).body
    real = re.findall(r"https://cors\.zfour\.workers\.dev/\?(http[^\"'\s>]+)", raw)[0]
    lines = render_markdown(markdown, 60, links=links_in(markdown, post.link, post.image))
    line = next(line for line in lines if "[img" in "".join(segment.text for segment in line))
    targets = {segment.style.link for segment in line if segment.style and segment.style.link}
    assert targets == {real}
    painted = Strip(line).render(Console(force_terminal=True, color_system="truecolor"))
    assert "\x1b]8;id=" in painted and f";{real}\x1b\\" in painted
    assert "workers.dev" not in "".join(text_lines(lines))


def test_reader_placeholders_in_text_tables_and_odd_sources() -> None:
    markdown = (
        "Before ![inline](https://x.example/a.png) after.\n\n"
        '![wide](https://x.example/b.png){:width="100%"}\n{:align="center"}\n\n'
        "| photo | name |\n|---|---|\n| ![t](https://t.example/x.png) | y |\n\n"
        "![](/relative/p.png) [run](ms-msdt:/id) [ok](https://proxy.example/?https://real.example/p)\n"
    )
    lines = text_lines(render_markdown(markdown, 60))
    assert lines[:3] == ["Before", "[img] inline — x.example/a.png", "after."]
    assert "[img] wide — x.example/b.png" in lines
    assert not any("{:" in line for line in lines)
    assert any("[img] t" in line and "y" in line for line in lines)  # the table keeps its shape
    assert lines[-2:] == ["[img] p.png", "run ok"]  # a relative image: nothing to open
    links = {
        segment.style.link
        for line in render_markdown(markdown, 60)
        for segment in line
        if segment.style and segment.style.link
    }
    assert links == {
        "https://x.example/a.png",
        "https://x.example/b.png",
        "https://t.example/x.png",
        "https://real.example/p",
    }


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS + ["|", "|---|", "- ", "> ", "# ", "```"]), st.text(max_size=6)),
        max_size=40,
    ).map("".join),
    st.integers(min_value=1, max_value=120),
)
def test_placeholders_never_break_rendering(markdown: str, width: int) -> None:
    for links in (None, links_in(markdown)):
        lines = render_markdown(markdown, width, links=links)
        for line in lines:
            for segment in line:
                if segment.style and segment.style.link:
                    assert ALLOWED.match(segment.style.link) and segment.style.link.isascii()


def test_shorten_url_keeps_host_and_file_name() -> None:
    url = (
        "https://image-comic.pstatic.net/webtoon/651673/2/20150331143423_d2726553fabcc4f38a7158815648cd22_IMAG01_1.jpg"
    )
    assert shorten_url(url, 200) == url
    short = shorten_url(url, 48)
    assert len(short) == 48 and short.startswith("image-comic.pstatic.net/…") and short.endswith("IMAG01_1.jpg")
    assert len(shorten_url(url, 20)) == 20 and shorten_url(url, 20).endswith(".jpg")
    # The file name, a video's id and the start of a query outlast the host's end (found by a
    # new user: `amturing.…71646.jpg`, and a video's id cut for its player options).
    assert shorten_url("https://amturing.acm.org/images/lg_aw/8371646.jpg", 20) == "amturin…/8371646.jpg"
    video = "https://www.youtube.com/embed/XyzAbc1zuDbYIg?controls=0&showinfo=0&rel=0&modestbranding=1"
    assert shorten_url(video, 36) == "www.youtube.com/…ed/XyzAbc1zuDbYIg?…"
    assert shorten_url("https://www.youtube.com/watch?v=XyzAbc1zuDbYIg&t=10s", 30) == "www.youtube.com/watch?v=XyzAb…"


# ------------------------------------------------------------------ can_open_browser


def test_can_open_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SSH_VARIABLES + ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert not can_open_browser()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert can_open_browser()
    monkeypatch.setenv("SSH_TTY", "/dev/pts/3")
    assert not can_open_browser()
    monkeypatch.delenv("SSH_TTY")
    monkeypatch.delenv("WAYLAND_DISPLAY")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert can_open_browser()
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22")
    assert not can_open_browser()


# ------------------------------------------------------------------ the links screen in the app


def screen_text(widget) -> str:
    """What the terminal shows in the widget's region, composed exactly as it is painted."""
    strips = widget.app.screen._compositor.render_strips()
    region = widget.region
    return "\n".join(strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom))


def joined(widget) -> str:
    """A widget's text with wrapped lines joined back."""
    return "".join(line.strip() for line in screen_text(widget).splitlines())


def content(widget) -> str:
    """A widget's own text, even where a notification covers it on screen."""
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


def toasts(app) -> str:
    """The notifications on screen, their wrapped lines joined back."""
    texts = [screen_text(toast).replace("▌", " ") for toast in app.screen.query("Toast")]
    return " ".join(" ".join(texts).split())


async def loaded(pilot: Pilot) -> None:
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        await app.workers.wait_for_complete()
        if app.loading_complete:
            return
    raise AssertionError("the archive did not load")


async def show_links(pilot: Pilot, title_part: str) -> tuple[LinksScreen, list[Link]]:
    app = pilot.app
    await loaded(pilot)
    post = post_titled(app.archive, title_part)
    links = links_in(app.archive.read_markdown(post), post.link, post.image)
    screen = LinksScreen(post.title, links)
    await app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()
    return screen, links


def in_ssh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22")


def with_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SSH_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


def record_browser(monkeypatch: pytest.MonkeyPatch, result: bool = True) -> list[str]:
    opened: list[str] = []

    def fake_open(url: str, *args, **kwargs) -> bool:
        opened.append(url)
        return result

    def no_registered_browser(*args, **kwargs):
        raise webbrowser.Error("none in tests")

    monkeypatch.setattr(webbrowser, "open", fake_open)
    monkeypatch.setattr(webbrowser, "get", no_registered_browser)
    return opened


async def test_links_screen_lists_moves_and_copies(real_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_browser(monkeypatch)
    in_ssh(monkeypatch)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, links = await show_links(pilot, "2015")
        assert app.screen is screen
        shown = screen_text(screen)
        assert "Links · 2015" in shown
        assert "16 links and 3 images" in shown
        assert " 1  image  Whitfield Diffie" in shown
        assert " 5  link   Embedded video or page  www.youtube.com/…" in shown
        url_line = screen.query_one("#links-url")
        assert joined(url_line) == f"Image 1: Whitfield Diffie{links[0].url}"

        await pilot.press("j", "j", "down")
        assert screen.current == links[3]
        assert links[3].url in joined(url_line)
        await pilot.press("k")
        assert screen.current == links[2]
        await pilot.press("G")
        assert screen.current == links[-1]
        await pilot.press("g")
        assert screen.current == links[0]
        await pilot.press("pagedown")
        assert screen.current.number > 5
        await pilot.press("pageup")
        assert screen.current == links[0]

        await pilot.press("j", "c")
        await pilot.pause()
        assert app.clipboard == links[1].url
        assert "Copied the link" in toasts(app)
        await pilot.press("G", "y")
        assert app.clipboard == links[-1].url
        assert opened == []

        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_typing_a_number_jumps_and_enter_opens_it(real_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_browser(monkeypatch)
    in_ssh(monkeypatch)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, links = await show_links(pilot, "2015")
        status = screen.query_one("#links-status")
        await pilot.press("1", "2")
        assert screen.current == links[11]
        assert "Go to 12" in content(status)
        await pilot.press("enter")
        await pilot.pause()
        # Over SSH, "open" copies, and says why.
        assert app.clipboard == links[11].url
        assert "No local browser in this SSH session" in toasts(app)
        assert "Go to" not in content(status)

        await pilot.press("9")
        assert screen.current == links[8]
        await pilot.press("9")  # there is no link 99: a new number starts
        assert screen.current == links[8] and "Go to 9▏" in content(status)
        await pilot.press("1", "5")  # no 91 either: 1, then 15
        assert screen.current == links[14] and "Go to 15▏" in content(status)
        await pilot.press("2", "0")  # 2 (no 152), and no number starts with 0
        assert screen.current == links[1] and "Go to 2▏" in content(status)
        await pilot.press("backspace", "3")
        assert screen.current == links[2]
        await pilot.press("backspace", "9")
        await pilot.press("j")  # moving forgets the typed number
        assert "Go to" not in content(status)
        assert screen.current == links[9]  # from 9, where the typing left it
        await pilot.press("q")
        assert app.screen is app.main_screen
    assert opened == []


async def test_open_uses_the_browser_without_blocking(real_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_browser(monkeypatch)
    with_display(monkeypatch)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen, links = await show_links(pilot, "1화 표정관리")
        await pilot.press("j", "o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == [links[1].url]
        assert "Opening https://image-comic" in toasts(app)
        assert app.clipboard == ""


async def test_open_falls_back_to_copying(real_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = record_browser(monkeypatch, result=False)
    with_display(monkeypatch)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, links = await show_links(pilot, "1화 표정관리")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == [links[0].url]
        assert app.clipboard == links[0].url
        assert "Could not open a browser" in toasts(app)

        # A text-mode browser would draw over the app in this terminal: never started.
        monkeypatch.setattr(webbrowser, "get", lambda *args: webbrowser.GenericBrowser("lynx"))
        await pilot.press("j", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == [links[0].url]
        assert app.clipboard == links[1].url


async def test_rows_fit_at_80_and_120_columns_and_follow_a_resize(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, links = await show_links(pilot, "1화 표정관리")
        for size in ((80, 24), (120, 40)):
            if size != (80, 24):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                await pilot.pause()
            option_list = screen.query_one("#links-list")
            rows = [row.rstrip(" ▁▂▃▄▅▆▇█▔") for row in screen_text(option_list).splitlines()]
            assert rows[0].strip().startswith("1  image  comic content")
            visible = min(len(links), option_list.region.height)
            for number, row in enumerate(rows[:visible], 1):
                assert row.strip().startswith(f"{number}  image")
                assert row.endswith(links[number - 1].url[-8:])  # the file name is never cut off
                assert row.count("…") <= 1
            if size == (120, 40):
                assert visible == len(links)
                assert links[0].url in rows[0]  # a URL that fits is shown whole
            await pilot.press("G")
            assert joined(screen.query_one("#links-url")).endswith(links[-1].url)
            await pilot.press("g")


async def test_a_post_without_links(real_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_ssh(monkeypatch)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, links = await show_links(pilot, "10月30日微信支付升级维护通知")
        assert links == []
        assert "This post has no links." in screen_text(screen)
        assert screen.query_one("#links-body").region.height <= 10  # a small box, not rows of nothing
        await pilot.press("j", "G", "5", "enter", "c", "backspace")
        assert app.clipboard == ""
        await pilot.press("q")
        assert app.screen is app.main_screen


async def test_hostile_title_is_shown_neutralised(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        await app.push_screen(
            LinksScreen("Evil \x1b]0;pwned\x07 [b]title\u202e", [Link(1, "link", "x", "https://x.example/")])
        )
        await pilot.pause()
        shown = screen_text(app.screen)
        assert "Links · Evil  [b]title" in shown or "Links · Evil [b]title" in shown
        assert "\x1b" not in shown and "\u202e" not in shown


async def test_reader_shows_placeholders_in_the_app(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"표정관리")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        body = app.screen.query_one(ReaderBody)
        lines = body.text.splitlines()
        assert re.match(r"\[img( 1)?\] comic content — image-comi.*\.png$", lines[0]), lines[0]
        assert "🌆" not in body.text


def test_every_key_has_a_description_for_help() -> None:
    assert all(binding.description for binding in LinksScreen.BINDINGS)
    rows = {row[1]: row[0] for row in binding_rows(list(LinksScreen.BINDINGS))}
    assert rows["Type a link number"] == "0 1 2 3 4 5 6 7 8 9"
    assert rows["Open the link (copies it over SSH)"] == "Enter o"
    assert rows["Close"] == "Esc q"


@pytest.mark.slow
async def test_main_screen_keys_copy_open_and_list_links(tmp_path: Path, monkeypatch) -> None:
    from helpers import header, settle
    from tui.cli import demo_path

    (tmp_path / "no-link.md").write_text("---\ntitle: Linkless\ndate: 2030-01-01\n---\ntext\n", encoding="utf-8")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5555 10.0.0.1 22")  # a reader over SSH
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url))
    app = PostshelfApp([tmp_path, demo_path()], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Linkless" in header(app)  # the newest post
        await pilot.press("c")
        await settle(pilot)
        assert any("no link of its own" in n.message for n in app._notifications)
        await pilot.press("j")
        await settle(pilot)
        post = app.archive.posts[int(app.archive.order[1])]
        assert post.link and post.title[:8] in header(app)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == post.link
        app.copy_to_clipboard("")
        await pilot.press("o")  # over SSH: copies instead of starting a browser on the server
        await settle(pilot)
        assert app.clipboard == post.link and opened == []
        assert any("SSH" in n.message for n in app._notifications)

        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("2", "c")  # the second link (the cover image), copied
        await settle(pilot)
        assert app.clipboard.startswith("http") and app.clipboard != post.link
        await pilot.press("escape")
        assert not isinstance(app.screen, LinksScreen)


def test_addresses_written_as_text_in_html_are_links_without_the_escapes_of_the_text() -> None:
    """A page's `&lt;https://…&gt;`, `&lt;me@x.org&gt;` and a bare URL with `_`, `=` and `&`:
    the conversion escapes them as text (so that `<`, `>` show), and the links keep none."""
    from tui.archive.convert import to_markdown
    from tui.archive.links import links_in

    html = "<p>see &lt;https://example.com/a_b&gt; or https://x.org/p_q?a=1&amp;b=2, &lt;me@x.org&gt;</p>"
    assert [link.url for link in links_in(to_markdown(html, "html"))] == [
        "https://example.com/a_b",
        "https://x.org/p_q?a=1&b=2",
        "mailto:me@x.org",
    ]
