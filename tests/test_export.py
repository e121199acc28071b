"""Export: the Markdown written for real posts, the names, the refusals, and the dialog in the real app."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import frontmatter
import pytest

from helpers import type_ahead, wait_for
from tui.app import PostshelfApp
from tui.archive import Post
from tui.archive.export import ExportError, TargetExists, default_export_name, post_as_markdown, write_export
from tui.archive.loader import load_archive
from tui.screens.export import ExportScreen


def make_post(title: str, path: str = "/archive/some-post.md", **fields) -> Post:
    fields = {"date": None, "date_raw": "", **fields}
    return Post(location=path, relative_path=Path(path).name, title=title, **fields)


@pytest.fixture()
def archive_copy(real_corpus: Path, tmp_path: Path) -> Path:
    """The real posts in a folder of their own, for tests that try to write into the archive:
    should a refusal ever break, the shared corpus stays untouched."""
    copy = tmp_path / "archive"
    shutil.copytree(real_corpus, copy)
    return copy


def listing(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


# ---------------------------------------------------------------- the Markdown


def test_every_real_post_round_trips_through_frontmatter(real_corpus: Path) -> None:
    archive = load_archive([real_corpus])
    assert archive.post_count == 65
    for post in archive.ordered_posts():
        body = archive.read_markdown(post)
        text = post_as_markdown(post, body)
        parsed = frontmatter.loads(text)
        assert parsed["title"] == post.title
        if post.date is not None:
            assert parsed["date"] == post.date
        elif post.date_raw:
            assert parsed["date"] == post.date_raw
        else:
            assert "date" not in parsed.metadata
        assert parsed.get("author", "") == post.author
        expected_categories = (
            list(post.categories[0]) if len(post.categories) == 1 else [list(path) for path in post.categories]
        )
        assert parsed.get("categories", []) == expected_categories
        assert parsed.get("tags", []) == list(post.tags)
        assert parsed.get("link", "") == post.link
        assert parsed.get("image", "") == post.image
        assert parsed.content == body.strip("\n")
        assert text.startswith("---\n") and text.endswith("\n")
        assert f"\n---\n\n{body.strip()}" in text if body.strip() else text.endswith("\n---\n")
        assert not any(value in ("", [], None) for value in parsed.metadata.values())


def test_exported_posts_load_back_into_postshelf_unchanged(real_corpus: Path, tmp_path: Path) -> None:
    archive = load_archive([real_corpus])
    out = tmp_path / "out"
    out.mkdir()
    originals = {}
    for number, post in enumerate(archive.ordered_posts()):
        target = write_export(
            post_as_markdown(post, archive.read_markdown(post)),
            out / f"{number:02}.md",
            archive_roots=archive.roots,
            overwrite=False,
        )
        originals[target] = post
    reloaded = load_archive([out])
    assert reloaded.post_count == 65 and not reloaded.skipped
    for again in reloaded.ordered_posts():
        post = originals[again.path]
        assert (again.title, again.date, again.author, again.categories, again.tags, again.link, again.image) == (
            post.title,
            post.date,
            post.author,
            post.categories,
            post.tags,
            post.link,
            post.image,
        )
        if post.date is None:
            assert again.date_raw == post.date_raw


def test_the_frontmatter_of_a_feed_bot_post_reads_well() -> None:
    post = make_post(
        "信用建设 111",
        date=datetime(2021, 12, 5, 4, 17, 18, tzinfo=UTC),
        date_raw="Sun, 05 Dec 2021 04:17:18 GMT",
        author="ZAKER",
        categories=(("新媒体", "ZAKER", "channel"),),
        link="https://example.com/a",
    )
    assert post_as_markdown(post, "\n\n正文 **粗体**\n\n\n") == (
        "---\ntitle: 信用建设 111\ndate: 2021-12-05 04:17:18+00:00\nauthor: ZAKER\n"
        "categories:\n- 新媒体\n- ZAKER\n- channel\nlink: https://example.com/a\n---\n\n正文 **粗体**\n"
    )


def test_several_category_paths_numbers_and_unparsed_dates_survive() -> None:
    post = make_post("111111", date_raw="Invalid Date", categories=(("指南", "搜索"), ("Guide",)), tags=("x", "2021"))
    text = post_as_markdown(post, "")
    parsed = frontmatter.loads(text)
    assert parsed.metadata == {
        "title": "111111",
        "date": "Invalid Date",
        "categories": [["指南", "搜索"], ["Guide"]],
        "tags": ["x", "2021"],
    }
    assert text.endswith("---\n")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("信用建设示范区典型经验", "信用建设示范区典型经验.md"),
        ("AC/DC \\ live", "AC - DC - live.md"),
        ('What? <Yes>: "no" | *maybe*', "What Yes no maybe.md"),
        ("  lots   of\tspace\nand lines  ", "lots of space and lines.md"),
        ("Evil \u202eoverride\x1b[31m red\x07", "Evil override [31m red.md"),
        ("全角　空格", "全角 空格.md"),
        (".hidden...", "hidden.md"),
        ("-rf", "rf.md"),
        ("CON", "CON_.md"),
        ("nul.txt", "nul.txt_.md"),
        ("README.md", "README.md"),
        ("P232. 非减数组 _ AlgoCasts 视频更新", "P232. 非减数组 _ AlgoCasts 视频更新.md"),
    ],
)
def test_names_from_odd_titles(title: str, name: str) -> None:
    assert default_export_name(make_post(title)) == name


def test_names_without_a_usable_title_fall_back_to_the_file_stem() -> None:
    assert default_export_name(make_post("(untitled)", "/a/2021-12-05-jekyll.md")) == "2021-12-05-jekyll.md"
    assert default_export_name(make_post("???", "/a/x:y.md")) == "x y.md"
    assert default_export_name(make_post("(untitled)", "/a/ .md")) == "post.md"


def test_long_names_are_capped_in_characters_and_bytes() -> None:
    chinese = default_export_name(make_post("长" * 300))
    assert chinese == "长" * 80 + ".md"
    emoji = default_export_name(make_post("🙂" * 300))
    assert len(emoji.encode("utf-8")) <= 255 and emoji.endswith("🙂.md")
    words = default_export_name(make_post("word " * 40))
    assert len(words) <= 83 and not words.endswith(" .md")


def test_every_real_post_gets_a_name_the_file_system_takes(real_corpus: Path, tmp_path: Path) -> None:
    archive = load_archive([real_corpus])
    for post in archive.ordered_posts():
        name = default_export_name(post)
        assert name.endswith(".md") and not name.startswith(".")
        assert not set(name) & set('/\\<>:"|?*') and name.isprintable()
        assert len(name) <= 83 and len(name.encode("utf-8")) <= 255
        folder = tmp_path / str(post.path.stat().st_ino)  # titles repeat: one folder each
        folder.mkdir()
        assert write_export("x", folder / name, archive_roots=archive.roots, overwrite=False).name == name


# ---------------------------------------------------------------- writing and refusing


def test_writes_the_file_and_leaves_nothing_else(tmp_path: Path, archive_copy: Path) -> None:
    target = tmp_path / "out" / "note.md"
    target.parent.mkdir()
    assert write_export("# 你好\n", target, archive_roots=[archive_copy], overwrite=False) == target
    assert target.read_text(encoding="utf-8") == "# 你好\n"
    assert sorted(os.listdir(target.parent)) == ["note.md"]


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        written = write_export("x", tmp_path / "a.md", archive_roots=[], overwrite=False)
    finally:
        os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o644


def test_an_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    target.write_text("mine")
    target.chmod(0o600)
    with pytest.raises(TargetExists, match="already exists"):
        write_export("new", target, archive_roots=[], overwrite=False)
    assert target.read_text() == "mine"
    write_export("new", target, archive_roots=[], overwrite=True)
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o600  # the replaced file's permissions are kept
    assert os.listdir(tmp_path) == ["note.md"]


def test_refuses_to_write_into_the_archive(archive_copy: Path, tmp_path: Path) -> None:
    before = listing(archive_copy)
    existing = next(archive_copy.iterdir())
    for target in (archive_copy / "new.md", archive_copy / "sub" / ".." / "new.md", existing, archive_copy):
        with pytest.raises(ExportError, match="inside the archive") as raised:
            write_export("x", target, archive_roots=[tmp_path / "elsewhere", archive_copy], overwrite=True)
        assert not isinstance(raised.value, TargetExists)
    assert listing(archive_copy) == before


def test_symlinks_into_the_archive_are_seen_through(archive_copy: Path, tmp_path: Path) -> None:
    before = listing(archive_copy)
    (tmp_path / "door").symlink_to(archive_copy, target_is_directory=True)
    (tmp_path / "link.md").symlink_to(next(archive_copy.iterdir()))
    for target in (tmp_path / "door" / "new.md", tmp_path / "link.md"):
        with pytest.raises(ExportError, match="inside the archive"):
            write_export("x", target, archive_roots=[archive_copy], overwrite=True)
    # …and the other way round: an archive root given through a symlink.
    with pytest.raises(ExportError, match="inside the archive"):
        write_export("x", archive_copy / "new.md", archive_roots=[tmp_path / "door"], overwrite=True)
    assert listing(archive_copy) == before


def test_a_single_file_archive_protects_that_file_only(archive_copy: Path) -> None:
    post_file = next(archive_copy.iterdir())
    with pytest.raises(ExportError, match="inside the archive"):
        write_export("x", post_file, archive_roots=[post_file], overwrite=True)
    beside = archive_copy.parent / "beside.md"
    assert write_export("x", beside, archive_roots=[post_file], overwrite=False) == beside


def test_missing_folders_and_folders_as_targets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"the folder .*nowhere does not exist"):
        write_export("x", tmp_path / "nowhere" / "a.md", archive_roots=[], overwrite=False)
    with pytest.raises(ExportError, match="is a folder"):
        write_export("x", tmp_path, archive_roots=[], overwrite=True)
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "note.md"
    target.write_text("old")
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))

    def full_disk(source, destination):
        assert synced, "the data must reach the disk before the rename"
        assert Path(source).parent == tmp_path and Path(source).read_text() == "new"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ExportError, match="No space left on device"):
        write_export("new", target, archive_roots=[], overwrite=True)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["note.md"]


# ---------------------------------------------------------------- the dialog in the real app


async def opened_app(pilot) -> None:
    """Wait until the archive has loaded and the app is idle."""
    app = pilot.app
    for _ in range(400):
        if app.loading_complete:
            break
        await pilot.pause(0.05)
    assert app.loading_complete
    await app.workers.wait_for_complete()
    await pilot.pause()


async def push_export(pilot, index: int = 0) -> tuple[Post, ExportScreen, list]:
    app = pilot.app
    post = app.archive.posts[int(app.archive.order[index])]
    screen = ExportScreen(post, app.archive.read_markdown(post), app.archive.roots)
    results: list = []
    await app.push_screen(screen, callback=results.append)
    await pilot.pause()
    return post, screen, results


def dialog_text(app) -> str:
    """The words the dialog shows on the terminal, its wrapped lines joined and borders removed."""
    region = app.screen.query_one("#export-dialog").region
    strips = app.screen._compositor.render_strips()
    lines = (strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom))
    return " ".join(" ".join(line.strip(" │╭╮╰╯─▊▎▔▁").split()) for line in lines)


def squeezed(text: str) -> str:
    """Without any spaces: a long path wraps where the terminal ends, not where its spaces are."""
    return "".join(text.split())


async def test_from_inside_the_archive_the_default_folder_is_outside_it(
    archive_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    """`postshelf .` in one's own blog: the path offered is one that can be written (the
    home folder's Downloads here), not one inside the archive that Enter refuses."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(archive_copy)
    app = PostshelfApp([archive_copy], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_app(pilot)
        post, screen, results = await push_export(pilot, 0)
        expected = home / "Downloads" / default_export_name(post)
        assert screen.query_one("#export-path").value == str(expected)
        assert "refused" not in dialog_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert results == [expected] and expected.is_file()


async def test_enter_saves_under_the_default_name_in_the_current_folder(
    real_corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_app(pilot)
        post, screen, results = await push_export(pilot, 3)
        expected = tmp_path / default_export_name(post)
        assert screen.query_one("#export-path").value == str(expected)
        assert squeezed(f"Writes {expected}") in squeezed(dialog_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert results == [expected]
        assert app.screen is not screen
        assert expected.read_text(encoding="utf-8") == post_as_markdown(post, app.archive.read_markdown(post))
        assert any(note.message == f"Saved {expected}" for note in app._notifications)


async def test_a_typed_name_path_or_folder_is_where_it_writes(real_corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_app(pilot)
        post, screen, results = await push_export(pilot)
        await pilot.press(*"notes")  # the whole path is selected: typing replaces it
        assert screen.query_one("#export-path").value == "notes"
        assert squeezed(f"Writes {tmp_path / 'notes.md'}") in squeezed(dialog_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert results == [tmp_path / "notes.md"]
        assert frontmatter.loads((tmp_path / "notes.md").read_text(encoding="utf-8"))["title"] == post.title

        _, screen, results = await push_export(pilot, 1)
        await pilot.press(*"sub/")
        await pilot.press("enter")
        await pilot.pause()
        assert results == [tmp_path / "sub" / screen.default_name]
        assert (tmp_path / "sub" / screen.default_name).is_file()

        # Ctrl+U then a name, in one packet: the name was typed first, then wiped (review).
        _, screen, results = await push_export(pilot, 2)
        type_ahead(app, "\x15abc.md")
        await wait_for(pilot, lambda: screen.query_one("#export-path").value == "abc.md", "the name typed")
        await pilot.pause()
        assert squeezed(f"Writes {tmp_path / 'abc.md'}") in squeezed(dialog_text(app))


async def test_an_existing_file_needs_a_second_enter(real_corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_app(pilot)
        post, screen, results = await push_export(pilot, 2)
        target = tmp_path / screen.default_name
        target.write_text("mine")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and results == []
        assert f"{target.name} exists — press Enter again to overwrite it" in dialog_text(app)
        assert target.read_text() == "mine"

        # Any edit withdraws the question, even one that ends on the same name: it is asked again.
        await pilot.press("end", "backspace")
        assert "exists" not in dialog_text(app)
        await pilot.press("d", "enter")
        await pilot.pause()
        await pilot.pause()
        assert "press Enter again" in dialog_text(app) and target.read_text() == "mine"
        await pilot.press("enter")
        await pilot.pause()
        assert results == [target]
        assert target.read_text(encoding="utf-8") == post_as_markdown(post, app.archive.read_markdown(post))


@pytest.mark.slow
async def test_writing_into_the_archive_is_refused_on_screen(archive_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = listing(archive_copy)
    app = PostshelfApp([archive_copy], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_app(pilot)
        _, screen, results = await push_export(pilot)
        # Typed relative to the current folder (tmp_path), which holds the archive: a short path,
        # since every key is a round trip through the app (an absolute one took ~10 s).
        await pilot.press(*f"{archive_copy.relative_to(tmp_path)}/x.md")
        await pilot.pause()
        assert "(inside the archive: refused)" in dialog_text(app)  # said before Enter
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and results == []
        assert "is inside the archive" in dialog_text(app)
        assert "postshelf never writes there" in dialog_text(app)
        await pilot.press(*"elsewhere")  # after an error, typing replaces the path
        await pilot.pause()
        typed = screen.query_one("#export-path").value
        assert screen.target_for(typed) == tmp_path / "elsewhere.md"
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
    assert listing(archive_copy) == before


async def test_errors_stay_in_the_dialog_and_escape_cancels(real_corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_app(pilot)
        _, screen, results = await push_export(pilot)
        await pilot.press(*"no/such/a.md")
        await pilot.press("enter")
        await pilot.pause()
        assert "the folder" in dialog_text(app) and "does not exist" in dialog_text(app)
        await pilot.press("ctrl+a", "ctrl+k", "enter")  # an empty path
        await pilot.pause()
        assert "Type a file name or path first." in dialog_text(app)
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None] and app.screen is not screen
    assert os.listdir(tmp_path) == []
