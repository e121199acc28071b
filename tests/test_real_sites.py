"""Real site repositories (../shared/corpus/sites: Jekyll, Zola, VitePress, MkDocs and a Hugo
theme's docs), opened at the repository root as a user would: what a user checks first. Each
site is loaded once for the module."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import CORPUS
from test_sites import post_like_files
from tui.archive import Archive
from tui.archive.loader import load_archive

SITES = CORPUS / "sites"
NAMES = ("jekyll", "zola", "docs-cn", "mkdocs", "docsy")

# For each repository: where its pages are (globs, relative to the root), the extensions of its
# pages, the folders of templates and tooling, and the categories its pages may start with.
EXPECTED = {
    "jekyll": dict(
        pages=["docs/_posts/**/*", "docs/_docs/**/*", "docs/_tutorials/**/*", "docs/pages/**/*"],
        suffixes=(".md", ".markdown", ".html"),
        tooling=("docs/_includes/", "docs/_layouts/", "lib/", "test/"),
        categories={
            "community",
            "configuration",
            "continuous-integration",
            "deployment",
            "installation",
            "liquid",
            "maintaining",
            "plugins",
            "step-by-step",
            "upgrading",
        },
    ),
    "zola": dict(
        pages=["docs/content/**/*"],
        suffixes=(".md",),
        tooling=("docs/templates/", "test_site/", "test_site_i18n/", "components/"),
        categories={"documentation", "themes"},
    ),
    "docs-cn": dict(
        pages=["**/*"],
        suffixes=(".md",),
        tooling=(".github/", ".vitepress/"),
        categories={"guide", "config", "changes", "blog"},
    ),
    "mkdocs": dict(
        pages=["docs/**/*"], suffixes=(".md",), tooling=("mkdocs/",), categories={"about", "dev-guide", "user-guide"}
    ),
    "docsy": dict(
        pages=["docsy.dev/content/**/*"],
        suffixes=(".md", ".html"),
        tooling=("docsy.dev/layouts/", "theme/", "tests/", "docsy.dev/tests/", "docsy.dev/static/"),
        categories={"about", "blog", "community", "docs", "examples", "project", "tests"},
        # Beside shortcodes/index.md (a leaf bundle): its resource, shown where the page includes it.
        resources=("docsy.dev/content/en/docs/content/shortcodes/includes/",),
    ),
}
DOCUMENTS = re.compile(
    r"^(readme|license|changelog|contributing|agents|claude|code_of_conduct|history)\.", re.IGNORECASE
)
DATE_LINE = re.compile(r"^(date|publishDate|pubDate|published)\s*[:=]\s*\S", re.MULTILINE | re.IGNORECASE)
DATED_NAME = re.compile(r"(^|/)\d{4}-\d{2}-\d{2}-[^/]*$")


@pytest.fixture(scope="module")
def sites(sites_corpus) -> dict[str, Archive]:
    return {name: load_archive([sites_corpus / name]) for name in NAMES}


def content_files(name: str) -> set[str]:
    root = SITES / name
    expected = EXPECTED[name]
    found = set()
    for pattern in expected["pages"]:
        for path in root.glob(pattern):
            relative = path.relative_to(root)
            if (
                path.is_file()
                and path.suffix.lower() in expected["suffixes"]
                and not any(part.startswith(".") for part in relative.parts)
                and not (len(relative.parts) == 1 and DOCUMENTS.match(path.name))
                and not str(relative).startswith(expected.get("resources", ()))
            ):
                found.add(str(relative))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_file_is_accounted_for(sites, name: str) -> None:
    archive = sites[name]
    assert archive.post_count + len(archive.skipped) + archive.files_ignored == post_like_files(SITES / name)
    assert archive.skipped == []


@pytest.mark.parametrize("name", NAMES)
def test_the_posts_are_the_sites_pages(sites, name: str) -> None:
    paths = {post.relative_path for post in sites[name].ordered_posts()}
    assert paths == content_files(name)
    for folder in EXPECTED[name]["tooling"]:
        assert not any(path.startswith(folder) for path in paths), folder
    assert not any(DOCUMENTS.match(path) for path in paths)  # no README, AGENTS.md… at the root


@pytest.mark.parametrize("name", NAMES)
def test_dated_posts_have_their_dates(sites, name: str) -> None:
    for post in sites[name].ordered_posts():
        text = post.path.read_text(encoding="utf-8", errors="replace").lstrip()
        frontmatter = text[:3] in ("---", "+++") and text[3:].split(text[:3], 1)[0] or ""
        if DATE_LINE.search(frontmatter) or DATED_NAME.search(post.relative_path):
            assert post.date is not None, post.relative_path


@pytest.mark.parametrize("name", NAMES)
def test_titles_without_anchors_and_not_file_names(sites, name: str) -> None:
    for post in sites[name].ordered_posts():
        assert "{#" not in post.title and not post.title.endswith(("#", "¶")), post.relative_path
        assert post.title != "(untitled)"


@pytest.mark.parametrize("name", NAMES)
def test_categories_only_below_the_content_roots(sites, name: str) -> None:
    allowed = EXPECTED[name]["categories"]
    for post in sites[name].ordered_posts():
        from_folders = "categor" not in post.path.read_text(encoding="utf-8")
        for path in post.categories:
            assert path[0] not in ("content", "en", "src", "source", "_posts")
            if from_folders:
                assert path[0] in allowed, (post.relative_path, path)


def test_the_traps_of_each_site(sites) -> None:
    zola = {post.relative_path: post for post in sites["zola"].ordered_posts()}
    assert sum(path.startswith("docs/content/themes/") for path in zola) == 129  # content, not tooling
    assert any(path.startswith("docs/content/documentation/templates/") for path in zola)
    assert sites["zola"].search("date:2020").count > 0
    assert zola["docs/content/themes/tabi/index.md"].categories == (("themes",),)  # a bundle is no category
    # [taxonomies] theme-tags = ['Blog', 'Multilingual', ...]: tags, searched and faceted as tags.
    assert zola["docs/content/themes/linkita/index.md"].tags == ("Blog", "Multilingual", "Responsive", "SEO", "Search")
    assert sites["zola"].search("tag:=Blog").count > 10
    docsy = {rule.relative_path: rule for rule in sites["docsy"].ignored}
    assert docsy["docsy.dev/layouts/"].reason == "Hugo templates"
    docs_cn = {post.relative_path: post for post in sites["docs-cn"].ordered_posts()}
    assert docs_cn["guide/why.md"].title == "为什么选 Vite"
    assert docs_cn["guide/features.md"].title == "功能"
    assert docs_cn["guide/features.md"].categories == (("guide",),)
    assert docs_cn["config/index.md"].categories == (("config",),)  # a section's own page, not a bundle
    jekyll = sites["jekyll"]
    assert all(post.date is not None for post in jekyll.ordered_posts() if "/_posts/" in str(post.path))
    mkdocs = {post.relative_path: post for post in sites["mkdocs"].ordered_posts()}
    assert mkdocs["docs/user-guide/configuration.md"].title == "Configuration"


def test_the_description_is_the_pages_lead_and_is_searched(sites) -> None:
    """Docsy prints a page's description as its lead paragraph (69 of its pages have one)."""
    docsy = sites["docsy"]
    found = docsy.search('"quickly build site pages"')
    assert found.count == 1
    post = docsy.posts[int(found.ids[0])]
    assert post.relative_path == "docsy.dev/content/en/docs/content/shortcodes/index.md"
    shown = docsy.reader_markdown(post)
    assert shown.startswith("Use Docsy's Hugo shortcodes to quickly build site pages.\n\n")
    assert shown.count("quickly build site pages") == 1 and "Rather than writing" in shown
    section = next(p for p in docsy.ordered_posts() if p.relative_path == "docsy.dev/content/en/docs/content/_index.md")
    assert docsy.reader_markdown(section).strip() == "How to add content to and customize your Docsy site."
    zola = sites["zola"]  # its opening says it, with links in it: once
    linkita = next(p for p in zola.ordered_posts() if p.relative_path == "docs/content/themes/linkita/index.md")
    assert zola.reader_markdown(linkita).count("A clean and elegant blog theme for") == 1
    jekyll = sites["jekyll"]  # a page that only redirects (jekyll-redirect-from) says where to
    redirect = next(p for p in jekyll.ordered_posts() if p.relative_path == "docs/pages/redirects/github.html")
    assert redirect.link == "https://github.com/jekyll/jekyll"
    assert jekyll.reader_markdown(redirect).strip() == "Redirects to https://github.com/jekyll/jekyll"


@pytest.mark.parametrize("name", NAMES)
def test_index_json_adds_up(sites, name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "index", "--json", "--no-cache", str(SITES / name)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = json.loads(result.stdout)
    ignored = sum(rule["files"] for rule in summary["ignored"])
    assert summary["posts"] + len(summary["skipped"]) + ignored == post_like_files(SITES / name)
    assert summary["posts"] == sites[name].post_count


def test_a_folder_of_these_repositories(sites) -> None:
    archive = load_archive([SITES])
    assert archive.post_count + len(archive.skipped) + archive.files_ignored == post_like_files(SITES)
    assert archive.post_count == sum(site.post_count for site in sites.values())
    zola = next(
        post for post in archive.ordered_posts() if post.relative_path == "zola/docs/content/themes/tabi/index.md"
    )
    assert zola.categories == (("themes",),)
