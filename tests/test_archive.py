"""Loading whole archives: what is found, what is skipped and why, order, search."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import ENCODED_POSTS, FIXTURE_POSTS, IGNORED_FILES, SKIPPED_FILES
from tui.archive import Archive
from tui.archive.loader import load_archive


def by_title(archive: Archive) -> dict:
    return {post.title: post for post in archive.ordered_posts()}


def test_every_fixture_post_loads_and_every_bad_file_is_skipped(archive_dir: Path) -> None:
    archive = load_archive([archive_dir])
    assert archive.post_count == len(FIXTURE_POSTS) + len(ENCODED_POSTS)
    assert sorted(s.relative_path for s in archive.skipped) == sorted(SKIPPED_FILES)
    assert archive.files_seen == len(FIXTURE_POSTS) + len(ENCODED_POSTS) + len(SKIPPED_FILES)


def test_skipped_files_say_why(archive_dir: Path) -> None:
    reasons = {s.relative_path: s.reason for s in load_archive([archive_dir]).skipped}
    assert reasons["binary.md"] == "binary file: looks like a PNG image, not text"
    assert reasons["empty.md"] == "empty file"
    assert "never closed" in reasons["unclosed.md"]
    assert "not text in a known encoding" in reasons["bad-bytes.md"]


def test_generated_output_tooling_and_hidden_folders_are_ignored(archive_dir: Path) -> None:
    paths = {post.relative_path for post in load_archive([archive_dir]).ordered_posts()}
    for ignored in IGNORED_FILES:
        assert ignored not in paths


def test_site_root_documents_are_not_posts(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: site\n")
    (tmp_path / "README.md").write_text("# About this site\n")
    (tmp_path / "source" / "_posts").mkdir(parents=True)
    (tmp_path / "source" / "_posts" / "a.md").write_text("---\ntitle: A\n---\n")
    assert [post.title for post in load_archive([tmp_path]).ordered_posts()] == ["A"]


def test_fields_of_the_feed_bot_post(archive_dir: Path) -> None:
    post = by_title(load_archive([archive_dir]))["信用建设示范区典型经验"]
    assert post.author == "ZAKER"
    assert post.categories == (("新媒体", "ZAKER", "channel"),)
    assert post.date_raw == "Sun, 05 Dec 2021 04:17:18 GMT"
    assert post.date is not None and post.date.isoformat() == "2021-12-05T04:17:18+00:00"
    assert post.image == "http://static.example.com/a.gif"
    assert post.body_format == "html"


def test_titles_fall_back_in_order(archive_dir: Path) -> None:
    titles = by_title(load_archive([archive_dir]))
    assert "111111" in titles  # an int title
    assert "Heading Title" in titles  # no frontmatter: first heading
    assert "plain-no-heading" in titles  # no heading: file name
    assert "empty-title" in titles  # empty title, empty body: file name
    assert "jekyll dated by name" not in titles and "Jekyll dated by name" in titles


def test_repaired_post_is_flagged(archive_dir: Path) -> None:
    post = by_title(load_archive([archive_dir]))["P232. 非减数组 _ AlgoCasts 视频更新"]
    assert post.repaired
    assert post.categories == (("编程", "AlgoCasts"),)
    assert post.date is not None and post.date.year == 2021


def test_encodings_and_formats_load(archive_dir: Path) -> None:
    titles = by_title(load_archive([archive_dir]))
    for title in (
        "UTF-8 with BOM",
        "UTF-16 文章",
        "UTF-16 BE",
        "国标编码的文章",
        "CRLF post",
        "Hugo TOML",
        "JSON frontmatter",
        "HTML file post",
        "Markdown extension",
    ):
        assert title in titles
    assert titles["Hugo TOML"].categories == (("指南",), ("Hugo",))
    assert titles["Jekyll dated by name"].date_label == "2021-12-05"


def test_newest_first_undated_last_wrong_years_kept(archive_dir: Path) -> None:
    posts = load_archive([archive_dir]).ordered_posts()
    dated = [post for post in posts if post.date is not None]
    assert posts[: len(dated)] == dated
    assert [p.date for p in dated] == sorted((p.date for p in dated), reverse=True)
    assert dated[-1].title == "Epoch bug" and dated[-1].date.year == 1970


def test_control_sequences_never_reach_fields(archive_dir: Path) -> None:
    archive = load_archive([archive_dir])
    post = next(p for p in archive.ordered_posts() if p.title.startswith("Evil"))
    assert post.title == "Evil title red"
    assert post.author == "mallory"
    body = archive.read_markdown(post)
    assert "\x1b" not in body and "\u202e" not in body and "\x9b" not in body


def test_search_is_substring_and_case_insensitive(archive_dir: Path) -> None:
    archive = load_archive([archive_dir])
    titles = lambda query: {archive.posts[i].title for i in archive.search(query).ids}  # noqa: E731
    assert titles("信用 建设") == {"信用建设示范区典型经验"}
    assert titles("HUGO body") == {"Hugo TOML"}
    assert titles("zaker") == {"信用建设示范区典型经验"}  # author and categories are searched
    assert titles("nothing-like-this") == set()
    assert archive.search("  ").count == archive.post_count


def test_same_file_through_two_roots_is_listed_once(archive_dir: Path) -> None:
    archive = load_archive([archive_dir, archive_dir / "json.md"])
    assert sum(1 for p in archive.ordered_posts() if p.title == "JSON frontmatter") == 1


def test_loading_never_writes_into_the_archive(archive_dir: Path) -> None:
    def snapshot() -> dict:
        return {
            path: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(archive_dir.rglob("*"))
            if path.is_file()
        }

    before = snapshot()
    archive = load_archive([archive_dir])
    for post in archive.ordered_posts():
        archive.read_markdown(post)
    assert snapshot() == before


# ---------------------------------------------------------------- the real corpus


def test_real_corpus_loads_completely(real_corpus: Path, seed_corpus: Path) -> None:
    archive = load_archive([real_corpus, seed_corpus])
    assert archive.post_count == 66
    assert archive.skipped == []
    assert sum(post.repaired for post in archive.ordered_posts()) == 3
    assert sum(post.date is None for post in archive.ordered_posts()) == 4
    assert all(post.title for post in archive.ordered_posts())
    for post in archive.ordered_posts():
        assert archive.read_markdown(post)  # every body converts


def test_real_corpus_oddities(real_corpus: Path) -> None:
    titles = by_title(load_archive([real_corpus]))
    assert titles["2015"].repaired
    assert titles["Linus Torvalds 警告不要用 Linux 5.12-rc1"].repaired
    assert titles["111111"].date_label == "2021-01-07"
    assert titles["如何在Windows环境下写一个控制台文本编辑器"].date.year == 1970
    assert titles["(untitled)"].categories == (("编程", "Go 语言中文网 - 周刊"),)
    zaker = titles["Asahi Linux 在 Apple M1 下运行首个三角形渲染"]
    assert zaker.categories == (("新媒体", "ZAKER", "channel"),)
