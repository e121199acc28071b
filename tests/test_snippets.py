"""MkDocs snippet includes: the file a `--8<--` line names is shown in its place, and nothing
outside the site's folder (or not a plain text file) is ever read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CORPUS
from tui.archive.loader import load_archive

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
    if line.endswith('"loop.md"'):
        assert shown.count("Loop.") == 4 and line in shown
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
