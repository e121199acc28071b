"""MkDocs snippet includes: the file a `--8<--` line names is shown in its place, and nothing
outside the site's folder (or not a plain text file) is ever read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import CORPUS
from tui.archive.loader import apply_file_changes, load_archive
from tui.archive.opening import open_archive
from tui.archive.snippets import MAX_INCLUDED_CHARACTERS, MAX_SNIPPET_BYTES, expand_snippets

SITES = CORPUS / "sites"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "docs" / "about").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: Test\nmarkdown_extensions:\n  - pymdownx.snippets\n")
    (site / "CONTRIBUTING.md").write_text('# Contributing\n\nPatches welcome.\n\n--8<-- "docs/nested.txt"\n')
    (site / "docs" / "nested.txt").write_text("Nested words.\n")
    (tmp_path / "secret.md").write_text("Outside the site.\n")
    return site


def _shown(root: Path, name: str) -> str:
    archive = load_archive([root])
    (post,) = [post for post in archive.posts if post.path.name == name]
    return archive.read_markdown(post)


def test_a_snippet_line_shows_the_file_it_names(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "docs" / "about" / "contributing.md").write_text(
        'Before.\n\n--8<-- "CONTRIBUTING.md"\n\n;--8<-- "CONTRIBUTING.md"\n\nAfter.\n'
    )
    shown = _shown(site, "contributing.md")
    assert "# Contributing" in shown and "Patches welcome." in shown and "Nested words." in shown
    assert shown.index("Before.") < shown.index("Patches welcome.") < shown.index("After.")
    assert '\n--8<-- "CONTRIBUTING.md"\n' in shown  # the escaped line shows the syntax itself
    archive = load_archive([site])
    assert [archive.posts[doc].title for doc in archive.search('"nested words"').ids.tolist()] == ["Contributing"]


@pytest.mark.parametrize(
    "line",
    [
        '--8<-- "../secret.md"',  # outside the site's folder
        '--8<-- "/etc/passwd"',
        '--8<-- "link-out.md"',  # a link leading outside
        '--8<-- "zero.md"',  # a link to a device
        '--8<-- "fifo.md"',  # a pipe nobody writes to
        '--8<-- "missing.md"',
        '--8<-- "loop.md"',  # includes itself: stops, and shows what it could
    ],
)
def test_what_cannot_be_included_stays_as_written(tmp_path: Path, line: str) -> None:
    site = _site(tmp_path)
    (site / "link-out.md").symlink_to(tmp_path / "secret.md")
    (site / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(site / "fifo.md")
    (site / "loop.md").write_text('Loop.\n--8<-- "loop.md"\n')
    (site / "docs" / "page.md").write_text(f"Start.\n\n{line}\n")
    shown = _shown(site, "page.md")
    assert "Outside the site." not in shown and "root:" not in shown
    if line.endswith('"loop.md"'):  # included once; its line naming itself stays as written
        assert shown.count("Loop.") == 1 and line in shown
    else:
        assert line in shown


@pytest.mark.skipif(not SITES.is_dir(), reason="the shared site corpus is not here")
def test_mkdocs_contributing_page_shows_contributing_md() -> None:
    """Shown, titled and searched as the site shows it: CONTRIBUTING.md's heading and words."""
    archive = load_archive([SITES / "mkdocs"])
    (post,) = [post for post in archive.posts if post.relative_path == "docs/about/contributing.md"]
    shown = archive.read_markdown(post)
    assert "Contributing to MkDocs" in shown and "--8<--" not in shown
    assert post.title == "Contributing to MkDocs"
    found = archive.search('"reporting an issue"').ids.tolist()
    assert [archive.posts[doc].relative_path for doc in found] == ["docs/about/contributing.md"]


def test_the_block_form_line_ranges_and_sections(tmp_path: Path) -> None:
    """pymdownx's other forms: several files in a block, part of a file by its lines or by a
    named section (whose marker lines never show), and any number of dashes."""
    site = _site(tmp_path)
    (site / "lines.txt").write_text("one\ntwo\nthree\nfour\nfive\n")
    (site / "sections.md").write_text(
        "Before the section.\n# --8<-- [start:usage]\nUsage words.\n# --8<-- [end:usage]\nAfter it.\n"
    )
    (site / "docs" / "page.md").write_text(
        "Start.\n\n--8<--\ndocs/nested.txt\n; a comment\n\nlines.txt:2:3\n--8<--\n\n"
        '-8<- "lines.txt:-1"\n\n'
        '--8<-- "lines.txt::1,4:4"\n\n'
        '---8<--- "sections.md:usage"\n\n'
        '    --8<-- "sections.md"\n\nEnd.\n'
    )
    shown = _shown(site, "page.md")
    body = shown[shown.index("Start.") : shown.index("End.")]
    lines = [line for line in body.split("\n") if line.strip()]
    assert lines == [
        "Start.",
        "Nested words.",
        "two",
        "three",
        "five",
        "one",
        "four",
        "Usage words.",
        "    Before the section.",
        "    Usage words.",
        "    After it.",
    ]
    assert "a comment" not in shown and "[start:" not in shown and "8<" not in shown


def test_a_change_to_an_included_file_changes_the_post(tmp_path: Path) -> None:
    """The page is as it was; the file it shows is not: its search text follows, live and at the
    next start from the cache."""
    site = _site(tmp_path)
    page = site / "docs" / "about" / "contributing.md"
    page.write_text('--8<-- "CONTRIBUTING.md"\n\n--8<-- "later.md"\n')
    archive, _ = open_archive([site])
    assert archive.search("welcome").count == 1 and archive.search("reworded").count == 0

    contributing = site / "CONTRIBUTING.md"
    contributing.write_text("# Contributing\n\nPatches reworded.\n")
    applied = apply_file_changes(archive, {str(contributing)})
    assert applied == 1
    assert archive.search("reworded").count == 1 and archive.search("welcome").count == 0

    (site / "docs" / "nested.txt").write_text("Changed while closed.\n")
    contributing.write_text('# Contributing\n\n--8<-- "docs/nested.txt"\n')
    archive, _ = open_archive([site])  # from the cache, which knows the page shows both files
    assert archive.search('"changed while closed"').count == 1

    (site / "later.md").write_text("Appeared later.\n")  # named before it existed
    archive, _ = open_archive([site])
    assert archive.search('"appeared later"').count == 1
    (post,) = [post for post in archive.ordered_posts() if post.path == page]
    assert post.title == "Contributing"


def test_an_included_file_that_could_not_be_read_is_watched_too(tmp_path: Path) -> None:
    """A file too big to include, or a pipe, stays as written; once it is a file that can be
    included, the post shows it, live and at the next start from the cache."""
    site = _site(tmp_path)
    big, fifo = site / "big.md", site / "fifo.md"
    big.write_text("x" * (MAX_SNIPPET_BYTES + 1))
    os.mkfifo(fifo)
    (site / "docs" / "page.md").write_text('--8<-- "big.md"\n\n--8<-- "fifo.md"\n')
    archive, _ = open_archive([site])
    assert archive.search('"big.md"').count == 1 and archive.search("shrunk").count == 0

    big.write_text("Shrunk now.\n")
    assert apply_file_changes(archive, {str(big)}) == 1
    assert archive.search('"shrunk now"').count == 1

    fifo.unlink()
    fifo.write_text("A plain file now.\n")
    archive, _ = open_archive([site])
    assert archive.search('"a plain file now"').count == 1


def test_a_post_cannot_make_its_snippets_take_gigabytes(tmp_path: Path) -> None:
    """A 0.5 MB file named 10,000 times, or with 10,000 line ranges: what fits in the budget
    is included, the rest stays as written; the post still loads."""
    site = _site(tmp_path)
    (site / "big.md").write_text("word " * 100_000 + "\n")
    ranges = ",".join(["1:1"] * 10_000)
    (site / "docs" / "page.md").write_text(
        "Start.\n\n" + '--8<-- "big.md"\n' * 10_000 + f'\n--8<-- "big.md:{ranges}"\n\nEnd.\n'
    )
    page = site / "docs" / "page.md"
    expanded = expand_snippets(page.read_text(), page, "docs/page.md")
    assert MAX_INCLUDED_CHARACTERS // 2 < len(expanded) < MAX_INCLUDED_CHARACTERS + 1_000_000
    assert expanded.endswith("End.\n") and '--8<-- "big.md"' in expanded
    archive = load_archive([site])
    assert archive.post_count == 1 and not archive.skipped  # the page loads, in its budget


def test_one_file_of_a_site_is_read_as_the_site_reads_it(tmp_path: Path, capsys) -> None:
    """`postshelf show site/docs/page.md` (or opening that one file): the site above it is found,
    so its snippets show and its folders are what they are in the site; a file in no site is
    read as before."""
    from tui.cli import main as cli_main

    site = _site(tmp_path)
    page = site / "docs" / "about" / "contributing.md"
    page.write_text('Before.\n\n--8<-- "CONTRIBUTING.md"\n\nAfter.\n')
    assert cli_main(["show", "--json", str(page)]) == 0
    (entry,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "Patches welcome." in entry["text"] and "Nested words." in entry["text"]
    assert entry["title"] == "Contributing" and entry["path"] == str(page)
    archive = load_archive([page])  # the app, opened on the file
    (post,) = archive.posts
    assert post.relative_path == "docs/about/contributing.md" and post.categories == (("about",),)
    assert archive.search('"nested words"').count == 1
    alone = tmp_path / "alone.md"
    alone.write_text('--8<-- "site/CONTRIBUTING.md"\n')
    (post,) = load_archive([alone]).posts
    assert post.relative_path == "alone.md" and "Patches" not in load_archive([alone]).read_markdown(post)


def test_snippets_of_snippets_stop_at_a_thousand_a_page(tmp_path: Path) -> None:
    """40 lines naming a file of 40 lines naming an empty file 40 times: 64,000 includes of
    nothing (the budget counts characters). A thousand are made; the rest stay as written."""
    from tui.archive.snippets import MAX_INCLUDES

    site = _site(tmp_path)
    (site / "f3.md").write_text("")
    (site / "f2.md").write_text('--8<-- "f3.md"\n' * 40)
    (site / "f1.md").write_text('--8<-- "f2.md"\n' * 40)
    page = site / "docs" / "fan.md"
    expanded = expand_snippets('--8<-- "f1.md"\n' * 40, page, "docs/fan.md")
    assert 0 < expanded.count("--8<--") < 64_000 - MAX_INCLUDES
