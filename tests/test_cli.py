"""The command line, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ENCODED_POSTS, FIXTURE_POSTS, SKIPPED_FILES


def postshelf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60)


def test_index_reports_counts_and_reasons(archive_dir: Path) -> None:
    result = postshelf("index", str(archive_dir))
    assert result.returncode == 0
    loaded = len(FIXTURE_POSTS) + len(ENCODED_POSTS)
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"{loaded} posts loaded, {len(SKIPPED_FILES)} skipped ({loaded + len(SKIPPED_FILES)} files read), 4 ignored in "
    )
    assert "skipped: binary.md: binary file: looks like a PNG image, not text" in result.stdout
    assert "ignored node_modules/ (1 file: dependencies (node_modules))" in result.stdout
    assert "skipped: empty.md: empty file" in result.stdout


def test_index_json_adds_up(archive_dir: Path) -> None:
    summary = json.loads(postshelf("index", "--json", str(archive_dir)).stdout)
    assert summary["posts"] + len(summary["skipped"]) == summary["files_seen"]
    post_like = [
        path
        for path in archive_dir.rglob("*")
        if path.suffix in (".md", ".html", ".markdown") and ".git" not in path.parts
    ]
    assert summary["posts"] + len(summary["skipped"]) + sum(rule["files"] for rule in summary["ignored"]) == len(
        post_like
    )
    assert {"undated", "repaired", "sites"} <= set(summary)


def test_search_prints_matches(archive_dir: Path) -> None:
    result = postshelf("search", str(archive_dir), "-q", "信用 建设")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# 信用 建设: 1 match"
    assert lines[1].startswith("2021-12-05  信用建设示范区典型经验  ") and lines[1].endswith("hexo.md")


def test_search_json_one_object_per_query(archive_dir: Path) -> None:
    result = postshelf("search", str(archive_dir), "-q", "body", "-q", "zzzz-none", "--limit", "2", "--json")
    assert result.returncode == 0
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["query"] == "body" and first["count"] > 2 and len(first["hits"]) == 2
    assert set(first["hits"][0]) == {"date", "title", "path"}
    assert second == {"query": "zzzz-none", "count": 0, "hits": []}


def test_exit_status_1_when_nothing_matches(archive_dir: Path) -> None:
    assert postshelf("search", str(archive_dir), "-q", "zzzz-none").returncode == 1


def test_exit_status_2_on_bad_usage(archive_dir: Path, tmp_path: Path) -> None:
    assert postshelf("search", str(archive_dir)).returncode == 2  # no -q
    missing = postshelf("index", str(tmp_path / "missing"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    assert postshelf("search", str(archive_dir), "-q", "x", "--limit", "-1").returncode == 2


def test_real_corpus_index(real_corpus: Path) -> None:
    result = postshelf("index", str(real_corpus))
    assert result.stdout.startswith("65 posts loaded, 0 skipped (65 files read), 0 ignored")


def test_demo_archive_ships_with_the_package() -> None:
    from tui.cli import demo_path

    summary = json.loads(postshelf("index", "--json", str(demo_path())).stdout)
    assert 20 <= summary["posts"] <= 40
    assert summary["skipped"] == []


def test_a_query_starting_with_a_dash(archive_dir: Path) -> None:
    result = postshelf("search", str(archive_dir), "-q", "-body", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["query"] == "-body"


def test_bad_query_exits_2_with_the_message(archive_dir: Path) -> None:
    result = postshelf("search", str(archive_dir), "-q", "date:2021-13")
    assert result.returncode == 2 and "date:2021-13 is not a real date" in result.stderr
    assert result.stderr.startswith("postshelf search: bad query") and "usage:" not in result.stderr


def test_closed_pipe_is_not_an_error(archive_dir: Path) -> None:
    """`postshelf search ... | head`: the reader closes the pipe before postshelf writes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "search", str(archive_dir), "-q", ""],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "BrokenPipe" not in stderr and "Traceback" not in stderr


def test_options_before_the_command_and_the_shown_count(archive_dir: Path) -> None:
    result = postshelf("--no-cache", "search", str(archive_dir), "-q", "body", "--limit", "1")
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("# body: ") and first.endswith("(showing 1)")
    assert len(result.stdout.splitlines()) == 2


def test_search_answers_is_queries_from_the_reading_state(real_corpus: Path) -> None:
    from tui.archive.user_state import UserState, state_path_for

    state = UserState(state_path_for([real_corpus]))
    read = sorted(str(path) for path in real_corpus.glob("*.md"))[:3]
    state.set_read(read)
    state.toggle_bookmark(read[0])
    state.save()
    result = postshelf("search", str(real_corpus), "-q", "is:read", "-q", "is:bookmarked", "-q", "is:unread", "--json")
    counts = [json.loads(line)["count"] for line in result.stdout.splitlines()]
    assert counts == [3, 1, 62]


def test_serve_is_a_command() -> None:
    result = postshelf("serve", "--help")
    assert result.returncode == 0 and "--ssh" in result.stdout and "--web" in result.stdout


def test_show_json_gives_the_fields_the_reader_header_shows(real_corpus: Path) -> None:
    """Scripts get what the reader shows above the text: date, authors, categories, link."""
    (post,) = [path for path in real_corpus.glob("*.md") if "date: 2021-03-21 16:40:55" in path.read_text()]
    result = postshelf("show", "--json", str(post))
    (shown,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert shown["authors"] == ["Go 语言中文网 - 周刊"]
    assert shown["categories"] == [["编程", "Go 语言中文网 - 周刊"]]
    assert shown["date"].startswith("2021-03-21T16:40:55") and shown["date_written"] == "2021-03-21 16:40:55"
    assert shown["tags"] == [] and shown["text"] and shown["title"]


def test_search_prints_each_path_exactly(tmp_path: Path) -> None:
    """Two spaces in a file name printed as one could not be pasted into `show` (found by a
    new user); a line break or an escape in a name still cannot break or drive the output."""
    (tmp_path / "©  Anja Diabaté .md").write_text("---\ntitle: Anja\n---\nokapi\n", encoding="utf-8")
    (tmp_path / "odd\nname\x1b[31m.md").write_text("---\ntitle: Odd\n---\nokapi\n", encoding="utf-8")
    result = postshelf("search", str(tmp_path), "-q", "okapi", "--no-cache")
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and f"  {tmp_path / '©  Anja Diabaté .md'}" in result.stdout
    assert "\x1b" not in result.stdout and any(line.endswith("odd\\nname.md") for line in lines)
