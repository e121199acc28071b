"""Shared fixtures: a small archive written file by file with every case the loader handles,
and the real corpus from ../shared when this checkout sits in the workplace.

Every test runs in its own HOME, XDG folders and postshelf cache/data/config folders, so tests
can run in parallel (pytest-xdist) and never touch the user's files. Markers are added here by
what a test uses: `corpus` (a fixture of ../shared), `e2e` (the real app through Pilot or a
snapshot, or a subprocess of the CLI; every `serve` test is one too).
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("POSTSHELF_CORPUS", REPO.parent / "shared" / "corpus"))
REAL = CORPUS / "real"
SEED = CORPUS / "seed"

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _write(root: Path, relative: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


# Each entry: relative path -> content (str, written as UTF-8) or bytes.
FIXTURE_POSTS: dict[str, str | bytes] = {
    # The feed-bot Hexo shape: leading blank line, RFC 822 date, 3-level categories, proxied image.
    "source/_posts/新媒体/ZAKER/channel/hexo.md": (
        "\n---\ntitle: '信用建设示范区典型经验'\ncategories: \n - 新媒体\n - ZAKER\n - channel\n"
        "headimg: 'https://cors.zfour.workers.dev/?http://static.example.com/a.gif'\n"
        "author: ZAKER\ncomments: false\ndate: Sun, 05 Dec 2021 04:17:18 GMT\n"
        "thumbnail: ''\n---\n\n<div>   \n<p>荆门 &#123;信用&#125; 建设</p><p>Second <b>para</b></p>  \n</div>\n            "
    ),
    # Older layout: 4-space list items, blank line after the list, naive YAML datetime.
    "post/编程/old.md": (
        "\n---\ntitle: Old layout post\ncategories: \n    - 编程\n    - 开源中国\n\n"
        "author: 开源中国\ndate: 2021-03-21 16:40:55\n---\n\n<div>   \n<p>plain</p>  \n</div>\n"
    ),
    # The feed bot's run-of-quotes title that YAML cannot parse.
    "source/_posts/broken.md": (
        '\n---\ntitle: """""""\'P232. 非减数组 _ AlgoCasts 视频更新\'"""""""\ncategories: \n'
        "    - 编程\n    - AlgoCasts\nauthor: AlgoCasts\ndate: 2021-03-22 04:44:34\n---\n\n<div><h1>P232</h1></div>\n"
    ),
    "int-title.md": "---\ntitle: 111111\ndate: 2021-01-07 10:00:00\n---\n\nbody",
    "empty-title.md": "---\ntitle:\ndate: Invalid Date\n---\n\n<div>   \n  \n</div>",
    "epoch.md": "---\ntitle: Epoch bug\ndate: Mon, 19 Jan 1970 10:51:32 GMT\n---\nbody",
    "iso-zone.md": "---\ntitle: ISO with zone\ndate: 2024-02-29T21:30:00+08:00\n---\nbody",
    "yaml-date.md": "---\ntitle: YAML date\ndate: 2023-06-01\ntags: alpha, beta\ncategories: 单个分类\n---\nbody",
    "nested-cats.md": (
        "---\ntitle: Nested categories\ndate: 2022-01-01T00:00:00Z\n"
        "categories: [[指南, 搜索], [Guide, Search]]\ntags: [x, y]\nlink: 'https://example.com/post'\n---\nbody"
    ),
    "_posts/2021-12-05-jekyll-name.md": "---\ntitle: Jekyll dated by name\n---\nbody",
    "content/posts/hugo.md": (
        '+++\ntitle = "Hugo TOML"\ndate = 2024-05-01T10:00:00+08:00\ncategories = ["指南", "Hugo"]\n'
        'tags = ["toml"]\ndraft = false\n+++\n\n# Hugo body\n\nText.\n'
    ),
    "json.md": '{\n  "title": "JSON frontmatter",\n  "date": "2022-08-14T08:00:00Z",\n  "categories": ["指南", "JSON"]\n}\n\nJSON body\n',
    "plain-heading.md": "Intro line\n\n# Heading Title\n\nNo frontmatter at all.\n",
    "plain-no-heading.md": "Just some text with no heading.\n",
    "crlf.md": "---\r\ntitle: CRLF post\r\ndate: 2020-02-02 02:02:02\r\n---\r\n\r\nline one\r\nline two\r\n",
    "hostile.md": (
        '---\ntitle: "Evil \\e]0;pwned\\a title \\e[31mred"\nauthor: "\\e]52;c;ZXZpbA==\\a mallory"\n'
        "date: 2021-01-01\n---\n\nBody \x1b[2J with \u202e override and \x9b31m C1\n"
    ),
    "page.html": "---\ntitle: HTML file post\ndate: 2019-09-09\n---\n<p>html <i>file</i></p>\n",
    "deep/a.markdown": "---\ntitle: Markdown extension\n---\nbody\n",
}

ENCODED_POSTS: dict[str, tuple[str, str]] = {
    "bom.md": ("\ufeff---\ntitle: UTF-8 with BOM\ndate: 2020-01-01\n---\nbody", "utf-8"),
    "utf16.md": ("---\ntitle: UTF-16 文章\ndate: 2020-01-02\n---\n正文", "utf-16"),
    "utf16be.md": ("\ufeff---\ntitle: UTF-16 BE\ndate: 2020-01-03\n---\nbody", "utf-16-be"),
    "gbk.md": ("---\ntitle: 国标编码的文章\ndate: 2020-01-04\n---\n\n中文正文，简体。", "gbk"),
}

SKIPPED_FILES: dict[str, bytes] = {
    "binary.md": PNG_BYTES,
    "unclosed.md": b"---\ntitle: never closed\n\nbody without the closing line\n",
    "empty.md": b"",
    "bad-bytes.md": b"---\ntitle: x\n---\n\xff\xfe\xfd\x80\x80 not text",
}

IGNORED_FILES: dict[str, str] = {
    "public/index.md": "---\ntitle: generated output\n---\n",
    "_site/index.html": "<p>generated</p>",
    "node_modules/pkg/README.md": "# a dependency",
    ".git/notes.md": "# git internals",
    ".hidden/secret.md": "# hidden",
    "notes.txt": "not a post suffix",
}


MISSING_CORPUS = "needs the sample corpus"
"""How the skip reason of a test without ../shared starts (counted in one line of the summary)."""
CORPUS_FIXTURES = {"real_corpus", "sites_corpus", "seed_corpus"}
E2E_SIGNS = ("run_test(", "snap_compare", "run_cli(", "subprocess.")
"""What a test's source shows when it drives the real app (Pilot, snapshots) or runs the CLI."""


def pytest_configure(config) -> None:
    """Snapshots are updated in one process: a worker of pytest-xdist sees only the snapshots of
    its own tests, and syrupy deletes the others as unused on --snapshot-update."""
    if config.getoption("--snapshot-update", default=False) and config.getoption("numprocesses", default=None):
        raise pytest.UsageError("--snapshot-update needs a run in one process: add -n 0")


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.corpus)
        if item.get_closest_marker("serve") or _drives_the_app(item):
            item.add_marker(pytest.mark.e2e)


def _drives_the_app(item) -> bool:
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return False
    return "snap_compare" in getattr(item, "fixturenames", ()) or any(sign in source for sign in E2E_SIGNS)


def pytest_terminal_summary(terminalreporter) -> None:
    """One line, whatever the options: how many tests skipped for want of ../shared."""
    missing = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and MISSING_CORPUS in str(report.longrepr[2])
    ]
    if missing:
        terminalreporter.write_line(
            f"{len(missing)} tests skipped: the sample corpus is not at {CORPUS} "
            "(it sits beside the checkout in the workplace; set POSTSHELF_CORPUS to use another folder)",
            yellow=True,
        )


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own cache, state, config, HOME and XDG folders: never the user's,
    never another test's (tests run in parallel)."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("POSTSHELF_CACHE_DIR", str(folder))
    monkeypatch.setenv("POSTSHELF_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("POSTSHELF_CONFIG", str(tmp_path_factory.mktemp("config") / "config.toml"))
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name, relative in (
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(name, str(home / relative))
    return folder


@pytest.fixture()
def archive_dir(tmp_path: Path) -> Path:
    """An archive with one file for every case; see FIXTURE_POSTS and friends."""
    root = tmp_path / "archive"
    for relative, content in FIXTURE_POSTS.items():
        _write(root, relative, content)
    for relative, (text, encoding) in ENCODED_POSTS.items():
        _write(root, relative, text, encoding)
    for relative, content in SKIPPED_FILES.items():
        _write(root, relative, content)
    for relative, content in IGNORED_FILES.items():
        _write(root, relative, content)
    return root


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"{MISSING_CORPUS}: the real posts are not here ({REAL})")
    return REAL


@pytest.fixture(scope="session")
def sites_corpus() -> Path:
    sites = CORPUS / "sites"
    if not sites.is_dir():
        pytest.skip(f"{MISSING_CORPUS}: the site repositories are not here ({sites})")
    return sites


@pytest.fixture(scope="session")
def seed_corpus() -> Path:
    if not SEED.is_dir():
        pytest.skip(f"{MISSING_CORPUS}: the seed post is not here ({SEED})")
    return SEED
