"""Small sites of every generator postshelf recognises, written in tmp dirs with the traps real
repositories hold: a `resources/` or `themes/` folder that is content, templates beside the
content, page bundles, dates kept only in paths, a README at the root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tui.archive import Archive
from tui.archive.loader import load_archive
from tui.archive.site_generators import POST_SUFFIXES
from tui.archive.sites import is_post_file


def write_site(root: Path, files: dict[str, str]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def post_like_files(root: Path) -> int:
    """Files with a post extension under a folder, as a user would count them (not in .git)."""
    count = 0
    for _folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != ".git"]
        count += sum(1 for name in files if os.path.splitext(name)[1].lower() in POST_SUFFIXES)
    return count


def load(root: Path) -> Archive:
    archive = load_archive([root])
    assert archive.post_count + len(archive.skipped) + archive.files_ignored == post_like_files(root)
    return archive


def by_path(archive: Archive) -> dict:
    return {post.relative_path: post for post in archive.ordered_posts()}


def ignored(archive: Archive) -> dict[str, tuple[str, int]]:
    return {rule.relative_path: (rule.reason, rule.files) for rule in archive.ignored}


def day(year: int, month: int, number: int) -> datetime:
    return datetime(year, month, number, tzinfo=UTC)


def test_hugo_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "hugo",
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n',
            "README.md": "# My site\n",
            "AGENTS.md": "# Notes for agents\n",
            "content/_index.md": '+++\ntitle = "Home"\n+++\n',
            "content/posts/first.md": '+++\ntitle = "First"\ndate = 2024-05-01\nauthors = ["Ann", "Bob"]\n+++\nText.\n',
            "content/posts/bundle/index.md": '+++\ntitle = "A bundle"\ndate = 2024-06-01\n+++\n',
            "content/posts/bundle/notes.txt": "a resource of the bundle",
            "content/posts/bundle/aside.md": "A text the bundle's page may include.\n",
            "content/posts/bundle/includes/install.md": "## Installation\n",
            "content/posts/bundle/includes/more/deeper.md": "Deeper.\n",
            "content/posts/branch/_index.md": '+++\ntitle = "A section"\n+++\n',
            "content/posts/branch/child.md": '+++\ntitle = "A page of the section"\n+++\n',
            "content/docs/functions/resources/get.md": '+++\ntitle = "resources.Get"\n+++\n',
            "content/docs/linked.md": '+++\nlinkTitle = "Short"\nlastmod = 2023-02-03\n+++\n\n# The long title\n',
            "layouts/_default/single.html": "{{ .Content }}",
            "layouts/partials/head.html": "<head></head>",
            "archetypes/default.md": '+++\ntitle = "{{ replace .File.ContentBaseName "-" " " | title }}"\n+++\n',
            "themes/ananke/layouts/index.html": "<main></main>",
            "static/google1234.html": "google-site-verification",
            "public/index.html": "<p>built</p>",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {
        "content/_index.md",
        "content/posts/first.md",
        "content/posts/bundle/index.md",
        "content/posts/branch/_index.md",
        "content/posts/branch/child.md",
        "content/docs/functions/resources/get.md",
        "content/docs/linked.md",
    }
    resource = "a resource of the Hugo page bundle bundle/index.md, not a page"
    assert ignored(archive) == {
        "content/posts/bundle/aside.md": (resource, 1),
        "content/posts/bundle/includes/": (resource, 2),
        "archetypes/": ("Hugo archetypes (templates for new pages)", 1),
        "layouts/": ("Hugo templates", 2),
        "public/": ("the generated site", 1),
        "static/": ("static files, copied as they are", 1),
        "themes/": ("Hugo themes", 1),
        "AGENTS.md": ("repository document", 1),
        "README.md": ("repository document", 1),
    }
    assert posts["content/posts/first.md"].categories == (("posts",),)
    assert posts["content/posts/first.md"].authors == ("Ann", "Bob")
    assert posts["content/posts/bundle/index.md"].categories == (("posts",),)  # the bundle is the page
    assert posts["content/docs/functions/resources/get.md"].categories == (("docs", "functions", "resources"),)
    linked = posts["content/docs/linked.md"]
    assert linked.title == "The long title"  # linkTitle is not a title
    assert linked.date == day(2023, 2, 3) and any("lastmod" in note for note in linked.notes)
    assert posts["content/_index.md"].categories == ()


def test_hugo_languages_are_not_categories(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "hugo",
        {
            "config/_default/hugo.yaml": "languages:\n  en: {}\n  fr: {}\n",
            "content/en/docs/a.md": "---\ntitle: A\n---\n",
            "content/fr/docs/a.md": "---\ntitle: A (fr)\n---\n",
            "layouts/index.html": "x",
        },
    )
    posts = by_path(load(root))
    assert posts["content/en/docs/a.md"].categories == (("docs",),)
    assert posts["content/fr/docs/a.md"].categories == (("docs",),)
    other = write_site(
        tmp_path / "hugo2",
        {
            "hugo.toml": "",
            "config/_default/languages.toml": '[de]\ncontentDir = "inhalt/de"\n',
            "inhalt/de/blog/a.md": "---\ntitle: A\n---\n",
            "content/api/b.md": "---\ntitle: B\n---\n",
        },
    )
    posts = by_path(load(other))
    assert posts["inhalt/de/blog/a.md"].categories == (("blog",),)
    assert posts["content/api/b.md"].categories == (("api",),)  # a section, though named like a language


def test_zola_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "zola",
        {
            "config.toml": 'base_url = "https://example.org"\n',
            "templates/index.html": "{% block content %}{% endblock %}",
            "templates/page.html": "{{ page.content }}",
            "sass/site.scss": "body {}",
            "content/_index.md": '+++\ntitle = "Home"\n+++\n',
            "content/themes/_index.md": '+++\ntitle = "Themes"\n+++\n',
            "content/themes/after-dark/index.md": '+++\ntitle = "after-dark"\ndate = 2018-01-02\n+++\n',
            "content/blog/issue-407.md": '+++\ntitle = "Issue 407"\npath = "2022/04/07/issue-407"\n+++\n',
            "content/blog/aliased.md": '+++\ntitle = "Aliased"\naliases = ["/2021/03/09/aliased.html"]\n+++\n',
            "content/blog/2020-01-05_underscored.md": '+++\ntitle = "Underscored"\n+++\n',
            "content/blog/page/index.md": '+++\ntitle = "Bundled page"\ndate = 2019-05-05\n+++\n',
            "content/blog/page/embed.html": "<p>an asset of the bundle</p>",
            "content/documentation/templates/overview.md": '+++\ntitle = "Overview"\n+++\n',
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert "content/themes/after-dark/index.md" in posts and "content/documentation/templates/overview.md" in posts
    assert not any(path.startswith("templates/") for path in posts)
    rules = ignored(archive)
    assert rules["templates/"] == ("Zola templates", 2)
    assert rules["content/**/*.html"][1] == 1
    assert posts["content/blog/issue-407.md"].date == day(2022, 4, 7)
    assert posts["content/blog/aliased.md"].date == day(2021, 3, 9)
    assert posts["content/blog/2020-01-05_underscored.md"].date == day(2020, 1, 5)
    assert posts["content/blog/page/index.md"].categories == (("blog",),)
    assert posts["content/themes/after-dark/index.md"].categories == (("themes",),)
    assert archive.search("date:2022").count == 1


def test_jekyll_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "jekyll",
        {
            "_config.yml": "title: Site\ncollections:\n  docs:\n    output: true\n  notes:\n    output: true\n"
            "exclude:\n  - notes.md\n  - _notes\n",
            "_notes/draft.md": "---\ntitle: A collection the site excludes\n---\n",
            "README.md": "# The site's repository\n",
            "notes.md": "# excluded by the configuration\n",
            "index.html": "---\nlayout: home\ntitle: Home\n---\n<p>Welcome</p>\n",
            "about.md": "---\ntitle: About\n---\n",
            "resources/index.md": "---\ntitle: Resources\n---\nA page called resources.\n",
            "_posts/2021-12-05-first-post.md": "---\ntitle: First post\n---\n",
            "_posts/releases/2022-01-09-v1.md": "---\ntitle: v1\ndate: 2022-01-10 10:00:00\n---\n",
            "_drafts/unfinished.md": "---\ntitle: Unfinished\n---\n",
            "_docs/install.md": "---\ntitle: Install\n---\n",
            "_layouts/default.html": "{{ content }}",
            "_includes/footer.html": "<footer></footer>",
            "_sass/x.md": "not a page",
            "_site/index.html": "<p>built</p>",
            "_private/secret.md": "# not a page: Jekyll ignores _ folders",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {
        "index.html",
        "about.md",
        "resources/index.md",
        "_posts/2021-12-05-first-post.md",
        "_posts/releases/2022-01-09-v1.md",
        "_drafts/unfinished.md",
        "_docs/install.md",
    }
    rules = ignored(archive)
    assert rules["_layouts/"][1] == 1 and rules["_includes/"][1] == 1 and rules["_site/"][1] == 1
    assert rules["README.md"] == ("repository document", 1)
    assert "notes.md" in rules["notes.md"][0]
    assert "_private/" in rules
    assert posts["_posts/2021-12-05-first-post.md"].date == day(2021, 12, 5)
    assert posts["_posts/releases/2022-01-09-v1.md"].date.day == 10  # the frontmatter wins over the name
    assert posts["_posts/releases/2022-01-09-v1.md"].categories == (("releases",),)
    assert posts["resources/index.md"].categories == ()  # Jekyll pages have no folder categories
    assert [site.described for site in archive.layouts[root].all_sites] == [
        "Jekyll site at the root (pages in _posts/, _drafts/, _docs/, ./)"  # not _notes/, which it excludes
    ]


def test_hexo_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "hexo",
        {
            "_config.yml": "title: Blog\n",
            "package.json": '{"dependencies": {"hexo": "^7"}}',
            "README.md": "# blog\n",
            "scaffolds/post.md": "---\ntitle: {{ title }}\n---\n",
            "themes/landscape/README.md": "# a theme\n",
            "themes/landscape/layout/index.html": "<%- body %>",
            "node_modules/hexo/README.md": "# hexo\n",
            "public/index.html": "<p>built</p>",
            "source/_posts/新媒体/ZAKER/a.md": "---\ntitle: A\ndate: 2021-12-05 10:00:00\n---\n",
            "source/_posts/2021/12/06/slug.md": "---\ntitle: Dated by folders\n---\n",
            "source/_posts/2021-12-07-bundle/index.md": "---\ntitle: Dated bundle\n---\n",
            "source/themes/index.md": "---\ntitle: Themes we like\n---\n",
            "source/about/index.md": "---\ntitle: About\n---\n",
            "source/_data/menu.md": "not a page",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {
        "source/_posts/新媒体/ZAKER/a.md",
        "source/_posts/2021/12/06/slug.md",
        "source/_posts/2021-12-07-bundle/index.md",
        "source/themes/index.md",
        "source/about/index.md",
    }
    rules = ignored(archive)
    assert rules["themes/"] == ("Hexo themes", 2)
    assert rules["scaffolds/"][1] == 1 and rules["public/"][1] == 1 and rules["node_modules/"][1] == 1
    assert posts["source/_posts/新媒体/ZAKER/a.md"].categories == (("新媒体", "ZAKER"),)
    assert posts["source/_posts/2021/12/06/slug.md"].date == day(2021, 12, 6)
    assert posts["source/_posts/2021-12-07-bundle/index.md"].date == day(2021, 12, 7)
    assert posts["source/_posts/2021-12-07-bundle/index.md"].categories == ()
    assert posts["source/themes/index.md"].categories == ()


def test_vitepress_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "vitepress",
        {
            "package.json": '{"devDependencies": {"vitepress": "^1"}}',
            "README.md": "# docs\n",
            "CLAUDE.md": "# notes\n",
            ".vitepress/config.mts": "export default { srcDir: 'src' }\n",
            ".vitepress/theme/Layout.md": "# theme",
            "src/index.md": "---\nlayout: home\n---\n\n<Home />\n",
            "src/guide/forms.md": (
                "<script setup>\nimport { ref } from 'vue'\nconst message = ref('')\n</script>\n\n"
                "# 表单输入绑定 {#form-input-bindings}\n\n## 基本用法 {#basic-usage}\n"
            ),
            "src/guide/reactivity.md": '# 响应式基础 <a id="x"></a> {#reactivity-fundamentals}\n\n```sh\n# not a heading\n```\n',
            "src/guide/code.md": "```js\n# not a title\n```\n\n## 代码 [¶](#code)\n",
            "src/examples/src/counter/template.html": "<button>{{ count }}</button>",
            "src/public/robots.md": "static",
            "scripts/notes.md": "# tooling notes",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {"src/index.md", "src/guide/forms.md", "src/guide/reactivity.md", "src/guide/code.md"}
    assert posts["src/guide/forms.md"].title == "表单输入绑定"
    assert posts["src/guide/reactivity.md"].title == "响应式基础"
    assert posts["src/guide/code.md"].title == "代码"
    assert posts["src/guide/forms.md"].categories == (("guide",),)
    rules = ignored(archive)
    assert rules["src/**/*.html"][1] == 1
    assert rules["src/public/"][1] == 1 and rules["scripts/"][1] == 1
    assert rules["README.md"][0] == rules["CLAUDE.md"][0] == "repository document"
    assert "<Home />" in archive.read_markdown(posts["src/index.md"])  # never a bare "no text"


def test_mkdocs_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "mkdocs",
        {
            "mkdocs.yml": "site_name: Docs\ndocs_dir: documentation\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
            "README.md": "# project\n",
            "documentation/index.md": "# Home\n",
            "documentation/user-guide/writing.md": "Writing\n=======\n\nText.\n",
            "documentation/extra.html": "<p>copied as it is</p>",
            "overrides/main.html": "{% extends 'base.html' %}",
            "src/pkg/templates/x.html": "<div></div>",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {"documentation/index.md", "documentation/user-guide/writing.md"}
    assert posts["documentation/user-guide/writing.md"].title == "Writing"
    assert posts["documentation/user-guide/writing.md"].categories == (("user-guide",),)
    assert set(ignored(archive)) == {"documentation/**/*.html", "overrides/", "src/", "README.md"}


def test_docusaurus_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "docusaurus",
        {
            "docusaurus.config.js": "module.exports = {}\n",
            "docs/intro.md": "# Intro\n",
            "docs/_shared.md": "a partial",
            "blog/2021-12-05-welcome.md": "---\ntitle: Welcome\n---\n",
            "blog/2022-01-02-bundle/index.md": "---\ntitle: Bundle\n---\n",
            "src/pages/about.md": "# About\n",
            "src/components/Note.md": "# a component's notes",
            "static/verify.html": "x",
            "i18n/fr/docusaurus-plugin-content-docs/current/intro.md": "# Intro (fr)\n",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {
        "docs/intro.md",
        "blog/2021-12-05-welcome.md",
        "blog/2022-01-02-bundle/index.md",
        "src/pages/about.md",
    }
    assert posts["blog/2021-12-05-welcome.md"].date == day(2021, 12, 5)
    assert posts["blog/2022-01-02-bundle/index.md"].date == day(2022, 1, 2)
    assert posts["blog/2022-01-02-bundle/index.md"].title == "Bundle"


def test_eleventy_and_astro_sites(tmp_path: Path) -> None:
    eleventy = write_site(
        tmp_path / "eleventy",
        {
            "eleventy.config.js": "export default function () {}\n",
            "posts/a.md": "# A\n",
            "_includes/base.html": "<html></html>",
            "_site/index.html": "built",
        },
    )
    assert set(by_path(load(eleventy))) == {"posts/a.md"}
    astro = write_site(
        tmp_path / "astro",
        {
            "astro.config.mjs": "export default {}\n",
            "src/content/blog/a.md": "---\ntitle: A\npubDate: 2024-01-02\n---\n",
            "src/pages/about.md": "# About\n",
            "src/layouts/Note.md": "# layout notes",
            "public/x.html": "x",
        },
    )
    posts = by_path(load(astro))
    assert set(posts) == {"src/content/blog/a.md", "src/pages/about.md"}
    assert posts["src/content/blog/a.md"].date == day(2024, 1, 2)
    assert posts["src/content/blog/a.md"].categories == (("blog",),)


def test_a_theme_alone_has_no_pages(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "theme",
        {
            "hugo.yaml": "params: {}\n",
            "theme.toml": 'name = "t"\n',
            "README.md": "# theme\n",
            "layouts/index.html": "x",
            "layouts/partials/nav.html": "x",
        },
    )
    archive = load(root)
    assert archive.post_count == 0
    assert ignored(archive)["layouts/"] == ("Hugo templates", 2)


def test_repository_root_with_the_site_one_level_down(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "repo",
        {
            "README.md": "# repo\n",
            "package.json": "{}",
            "CODE_OF_CONDUCT.md": "# be nice\n",
            "docs/config.toml": 'base_url = "https://example.org"\n',
            "docs/templates/index.html": "x",
            "docs/content/a.md": '+++\ntitle = "A"\n+++\n',
            "test_site/config.toml": 'base_url = "https://example.org"\n',
            "test_site/templates/index.html": "x",
            "test_site/content/t.md": '+++\ntitle = "T"\n+++\n',
            "target/cargo-timings/cargo-timing.html": "<table></table>",
            "src/templates/report.html": "x",
        },
    )
    archive = load(root)
    assert [post.relative_path for post in archive.ordered_posts()] == ["docs/content/a.md"]
    rules = ignored(archive)
    assert rules["test_site/"] == ("a Zola test site of the repository", 2)
    assert rules["target/"][0] == "outside the Zola site in docs/"
    assert rules["README.md"][0] == "repository document"


def test_a_folder_of_repositories_reads_each_ones_site(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "src",
        {
            "README.md": "# my projects\n",
            "blog/.git/HEAD": "ref: refs/heads/main\n",
            "blog/README.md": "# blog\n",
            "blog/site/hugo.toml": "",
            "blog/site/content/posts/a.md": "---\ntitle: A\n---\n",
            "blog/site/layouts/index.html": "x",
            "blog/notes/todo.md": "# not in the site\n",
            "notes/b.md": "# B\n",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {"blog/site/content/posts/a.md", "notes/b.md"}
    assert posts["blog/site/content/posts/a.md"].categories == (("posts",),)
    rules = ignored(archive)
    assert rules["blog/site/layouts/"] == ("Hugo templates", 1)
    assert rules["blog/notes/"] == ("outside the Hugo site in blog/site/", 1)
    assert rules["blog/README.md"] == ("repository document", 1)
    assert rules["README.md"] == ("repository document", 1)


def test_plain_folder_keeps_todays_rules_but_only_at_its_root(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "plain",
        {
            "a.md": "# A\n",
            "resources/x.md": "# at the root: tooling\n",
            "notes/resources/y.md": "# below the root: a folder like any other\n",
            "notes/themes/z.md": "# also kept\n",
            "notes/node_modules/dep/README.md": "# never content\n",
            "docs/guide.md": "# Guide\n",
        },
    )
    archive = load(root)
    posts = by_path(archive)
    assert set(posts) == {"a.md", "notes/resources/y.md", "notes/themes/z.md", "docs/guide.md"}
    assert posts["docs/guide.md"].categories == ()  # `docs` is a container, not a category
    assert posts["notes/resources/y.md"].categories == (("notes", "resources"),)


def test_undated_posts_and_titles_sort_naturally(tmp_path: Path) -> None:
    names = ["issue-1", "issue-2", "issue-10", "issue-100", "issue-11"]
    root = write_site(tmp_path / "weekly", {f"{name}.md": f"# 第 {name[6:]} 期\n" for name in names})
    archive = load(root)
    assert [post.relative_path for post in archive.ordered_posts()] == [
        "issue-1.md",
        "issue-2.md",
        "issue-10.md",
        "issue-11.md",
        "issue-100.md",
    ]
    by_title = [archive.posts[i].title for i in archive.search("sort:title").ids]
    assert by_title == ["第 1 期", "第 2 期", "第 10 期", "第 11 期", "第 100 期"]


def test_each_author_of_a_list_is_an_author(tmp_path: Path) -> None:
    from tui.archive.facets import FacetData

    root = write_site(
        tmp_path / "authors",
        {
            "a.md": "---\ntitle: A\nauthors: [Ann, Bob]\n---\n",
            "b.md": "---\ntitle: B\nauthor: Ann\n---\n",
        },
    )
    archive = load(root)
    assert archive.search("author:=Bob").count == 1
    assert archive.search("author:=Ann").count == 2
    counts = FacetData.build(archive.posts).counts(archive.order)
    assert counts.authors() == [("Ann", 2), ("Bob", 1)]


def test_index_json_accounts_for_every_file(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "hugo",
        {
            "hugo.toml": "",
            "content/a.md": "---\ntitle: A\n---\n",
            "content/b.md": "---\ntitle: B\n---\n",
            "content/empty.md": "",
            "layouts/x.html": "x",
            "README.md": "# r\n",
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "tui", "index", "--json", "--no-cache", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    summary = json.loads(result.stdout)
    assert summary["posts"] == 2 and summary["undated"] == 2 and summary["repaired"] == 0
    assert summary["ignored"] == [
        {"path": f"{root}/layouts/", "reason": "Hugo templates", "files": 1},
        {"path": f"{root}/README.md", "reason": "repository document", "files": 1},
    ]
    total = summary["posts"] + len(summary["skipped"]) + sum(rule["files"] for rule in summary["ignored"])
    assert total == post_like_files(root) == 5
    text = subprocess.run(
        [sys.executable, "-m", "tui", "index", "--no-cache", str(root)], capture_output=True, text=True, timeout=60
    ).stdout
    assert "ignored layouts/ (1 file: Hugo templates)" in text
    assert text.startswith("Hugo site at the root (pages in content/)")


def test_live_reload_follows_the_site_rules(tmp_path: Path) -> None:
    from tui.archive.loader import apply_file_changes

    root = write_site(
        tmp_path / "hugo", {"hugo.toml": "", "content/a.md": "---\ntitle: A\n---\n", "layouts/x.html": "x"}
    )
    archive = load(root)
    template = write_site(root, {"layouts/y.html": "y"}) / "layouts" / "y.html"
    page = write_site(root, {"content/resources/b.md": "---\ntitle: B\n---\n"}) / "content" / "resources" / "b.md"
    folder = write_site(root, {"content/new/c.md": "---\ntitle: C\n---\n"}) / "content" / "new"
    apply_file_changes(archive, {str(template), str(page), str(folder)})
    assert {post.title for post in archive.ordered_posts()} == {"A", "B", "C"}
    bundle = write_site(root, {"content/d/index.md": "---\ntitle: D\n---\n", "content/d/x/e.md": "E\n"})
    apply_file_changes(archive, {str(bundle / "content" / "d"), str(bundle / "content" / "d" / "x" / "e.md")})
    assert {post.title for post in archive.ordered_posts()} == {"A", "B", "C", "D"}  # e.md: the bundle's


def test_live_reload_follows_page_bundles_made_and_unmade(tmp_path: Path) -> None:
    """An index.md written into a Hugo folder makes its other files resources; deleted, they
    are pages again; a folder moved into a bundle brings no pages; as a new start would see."""
    from tui.archive.loader import apply_file_changes

    root = write_site(
        tmp_path / "hugo",
        {"hugo.toml": "", "content/c/a.md": "---\ntitle: A\n---\n", "content/c/other.md": "---\ntitle: O\n---\n"},
    )
    archive = load(root)
    folder = root / "content" / "c"

    def titles() -> set[str]:
        return {post.title for post in archive.ordered_posts()}

    def fresh() -> set[str]:
        return {post.title for post in load(root).ordered_posts()}

    assert titles() == {"A", "O"}
    (folder / "index.md").write_text("---\ntitle: C\n---\n", encoding="utf-8")
    apply_file_changes(archive, {str(folder / "index.md")})
    assert titles() == fresh() == {"C"}
    (folder / "a.md").unlink()
    apply_file_changes(archive, {str(folder / "a.md")})
    assert titles() == fresh() == {"C"}
    outside = write_site(tmp_path / "outside", {"moved/x.md": "---\ntitle: X\n---\n"})
    (outside / "moved").rename(folder / "moved")
    apply_file_changes(archive, {str(folder / "moved")})
    assert titles() == fresh() == {"C"}
    (folder / "index.md").unlink()
    apply_file_changes(archive, {str(folder / "index.md")})
    assert titles() == fresh() == {"O", "X"}


@given(st.text(alphabet=".aMdDhtmlrkwn x", max_size=12))
def test_post_extensions_are_read_as_splitext_reads_them(name: str) -> None:
    assert is_post_file(name) == (os.path.splitext(name)[1].lower() in POST_SUFFIXES)
