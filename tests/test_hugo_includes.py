"""Docsy's readfile shortcode: the file it names is shown in its place, in the reader and in
search, and a change to that file changes the page; nothing outside the site is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS
from tui.archive.loader import apply_file_changes, load_archive
from tui.archive.opening import open_archive

SITES = CORPUS / "sites"
PAGE = """---
title: Shortcodes
---
The following section explains how to install:

{{% readfile "includes/install.md" %}}

1. Create a configuration file:

   {{< readfile file="includes/config.yaml" code="true" lang="yaml" >}}

1. Apply it.

Shared: {{% readfile file="/shared/common.md" %}}

The syntax: {{%/* readfile "includes/install.md" */%}}

{{% readfile "/../../secret.md" %}}

{{% readfile "missing.md" %}}
"""


def _write(site: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    files = {
        "hugo.toml": 'baseURL = "https://example.org/"\n',
        "content/docs/shortcodes/index.md": PAGE,
        "content/docs/shortcodes/includes/install.md": "## Installation\n\nRun the installer.\n",
        "content/docs/shortcodes/includes/config.yaml": "kind: Task\nmetadata:\n  name: hello\n",
        "content/shared/common.md": "Words kept in one place.\n",
    }
    _write(site, files)
    (tmp_path / "secret.md").write_text("Outside the site.\n", encoding="utf-8")
    return site


def test_readfile_shows_the_file_it_names(tmp_path: Path) -> None:
    site = _site(tmp_path)
    archive = load_archive([site])
    assert sorted(post.title for post in archive.posts) == ["Shortcodes", "common"]  # not the bundle's files
    (post,) = [post for post in archive.posts if post.title == "Shortcodes"]
    shown = archive.read_markdown(post)
    assert "## Installation\n\nRun the installer." in shown
    assert shown.index("how to install") < shown.index("Run the installer.") < shown.index("configuration file")
    assert "   ```yaml\n   kind: Task\n   metadata:\n     name: hello\n   ```" in shown  # in the list item
    assert "Shared: Words kept in one place." in shown
    assert '{{%/* readfile "includes/install.md" */%}}' in shown  # the syntax, as the page shows it
    assert "Outside the site." not in shown and '{{% readfile "/../../secret.md" %}}' in shown
    assert '{{% readfile "missing.md" %}}' in shown
    assert archive.search('"run the installer"').count == 1
    assert archive.search('"words kept in one place"').count == 2  # the page, and the file as a page of its own


def test_a_change_to_a_file_readfile_shows_changes_the_page(tmp_path: Path) -> None:
    site = _site(tmp_path)
    archive, _ = open_archive([site])
    install = site / "content/docs/shortcodes/includes/install.md"
    install.write_text("## Installation\n\nRun the new installer.\n", encoding="utf-8")
    assert apply_file_changes(archive, {str(install)}) == 1
    assert archive.search('"the new installer"').count == 1
    (site / "content/shared/common.md").write_text("Reworded while closed.\n", encoding="utf-8")
    archive, _ = open_archive([site])  # from the cache, which knows what the page showed
    assert archive.search('"reworded while closed"').count == 2


@pytest.mark.skipif(not SITES.is_dir(), reason="the shared site corpus is not here")
def test_docsy_shortcodes_page_shows_its_includes() -> None:
    archive = load_archive([SITES / "docsy"])
    (post,) = [post for post in archive.posts if post.relative_path.endswith("content/shortcodes/index.md")]
    shown = archive.read_markdown(post)
    assert "Check system compatibility before proceeding." in shown and "apiVersion: tekton.dev/v1beta1" in shown


def test_readfile_cannot_be_made_to_take_gigabytes_or_minutes(tmp_path: Path) -> None:
    """Whatever a page does, what its includes add stays in the budget (indents counted), a
    long line without its `%}}` is read in linear time, and a page naming itself is not
    included."""
    import time

    from tui.archive.hugo_includes import expand_readfile
    from tui.archive.snippets import MAX_INCLUDED_CHARACTERS

    site = _site(tmp_path)
    folder = site / "content/docs/shortcodes"
    (folder / "lines.txt").write_text("x\n" * 400_000, encoding="utf-8")
    page = folder / "index.md"
    relative = "content/docs/shortcodes/index.md"
    wide = " " * 2_000 + '{{% readfile "lines.txt" %}}\n'
    assert len(expand_readfile(wide * 3, page, relative)) < MAX_INCLUDED_CHARACTERS + 10_000
    started = time.perf_counter()
    expand_readfile('{{% readfile "a' + " " * 50_000 + "\n", page, relative)
    assert time.perf_counter() - started < 5  # quadratic, 30,000 spaces took 12 s; linear, milliseconds
    itself = '---\ntitle: Me\n---\nBefore.\n{{% readfile "index.md" %}}\n'
    page.write_text(itself, encoding="utf-8")
    assert expand_readfile(itself, page, relative) == itself


def test_readfile_is_hugos_alone_in_the_reader_as_in_search(tmp_path: Path) -> None:
    """A Zola site's config.toml is no Hugo site: a page there that writes the shortcode shows
    it as written, and what the reader shows is what search finds."""
    site = tmp_path / "zola"
    files = {
        "config.toml": 'base_url = "https://example.org"\n',
        "templates/index.html": "{{ section.content | safe }}\n",
        "content/blog/docsy.md": '+++\ntitle = "Docsy notes"\n+++\nDocsy writes {{% readfile "inc.md" %}} here.\n',
        "content/blog/inc.md": '+++\ntitle = "Inc"\n+++\nIncluded words.\n',
    }
    _write(site, files)
    archive = load_archive([site])
    (post,) = [post for post in archive.posts if post.title == "Docsy notes"]
    shown = archive.read_markdown(post)
    assert '{{% readfile "inc.md" %}}' in shown and "Included words" not in shown
    assert archive.search('"included words" title:docsy').count == 0


def test_a_bundle_page_changed_or_opened_alone_keeps_the_folders_it_has_in_the_site(tmp_path: Path) -> None:
    """Its includes/ folder holds resources, not pages: the page is still a bundle, so its
    own folder is not a category, whether read with the site, re-read after a change, or
    named alone (`postshelf show content/docs/shortcodes/index.md`)."""
    site = _site(tmp_path)
    archive, _ = open_archive([site])
    (post,) = [post for post in archive.posts if post.title == "Shortcodes"]
    assert post.categories == (("docs",),)
    page = site / "content/docs/shortcodes/index.md"
    page.write_text(PAGE.replace("title: Shortcodes", "title: Shortcodes again"), encoding="utf-8")
    assert apply_file_changes(archive, {str(page)}) == 1
    (post,) = [post for post in archive.posts if post.title == "Shortcodes again"]
    assert post.categories == (("docs",),)
    (alone,) = load_archive([page]).posts
    assert alone.categories == (("docs",),) and alone.relative_path == "content/docs/shortcodes/index.md"
    assert "Run the installer." in load_archive([page]).read_markdown(alone)


def test_includes_of_includes_stop_at_a_thousand_a_page(tmp_path: Path) -> None:
    """A page naming a file 40 times, which names a file 40 times, which names an empty file
    40 times: 64,000 expansions of nothing, found in review to take seconds. A thousand are
    made; the shortcodes past them stay as written."""
    from tui.archive.hugo_includes import expand_readfile
    from tui.archive.snippets import MAX_INCLUDES

    site = _site(tmp_path)
    folder = site / "content/docs/fan"
    folder.mkdir()
    (folder / "f3.md").write_text("")
    (folder / "f2.md").write_text('{{% readfile "f3.md" %}}\n' * 40)
    (folder / "f1.md").write_text('{{% readfile "f2.md" %}}\n' * 40)
    page = folder / "_index.md"
    expanded = expand_readfile('{{% readfile "f1.md" %}}\n' * 40, page, "content/docs/fan/_index.md")
    assert 0 < expanded.count("{{% readfile") < 64_000 - MAX_INCLUDES
