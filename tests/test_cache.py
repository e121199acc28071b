"""The warm-start cache: it is used, kept exact, and never trusted when damaged."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from helpers import wait_until
from tui.archive import cache, cache_folders, change_check, loader, opening
from tui.archive.archive import Archive
from tui.archive.change_check import QuickCheck
from tui.archive.loader import apply_file_changes, load_archive
from tui.archive.locations import cache_dir_for
from tui.archive.natural_order import natural_key
from tui.archive.opening import open_archive
from tui.archive.survey import survey, unchanged_since


def state(archive: Archive) -> set:
    """What a user can see of an archive: every listed post and skipped file."""
    posts = {(str(p.path), p.title, p.date_label, p.author) for p in archive.ordered_posts()}
    skipped = {(str(s.path), s.reason) for s in archive.skipped}
    return posts | skipped


def fresh(root: Path) -> set:
    return state(load_archive([root]))


def opened(root: Path, notices: list[str] | None = None) -> Archive:
    notices = [] if notices is None else notices
    archive, complete = open_archive([root], notice=notices.append)
    assert complete
    return archive


def test_second_open_comes_from_the_cache(archive_dir: Path, monkeypatch) -> None:
    first = opened(archive_dir)
    assert cache_dir_for([archive_dir]).is_dir()
    read = []
    notices: list[str] = []
    with monkeypatch.context() as reading:
        reading.setattr(
            "tui.archive.post_reading.read_post_file",
            lambda path: read.append(path) or pytest.fail("a file was re-read"),
        )
        second = opened(archive_dir, notices)
    assert read == [] and notices == []
    assert state(second) == state(first) == fresh(archive_dir)
    from tui.archive.index_state import display_order

    saved = second.index.state  # the list order is read from the cache, as it was sorted
    assert second.order.tolist() == first.order.tolist() == display_order(saved.alive, saved.timestamps).tolist()
    assert second.search("信用 建设").count == 1
    from tui.archive.folding import fold

    assert second.search("sort:relevance 信用 OR linux").count == first.search("信用 OR linux").count
    by_title = [fold(second.posts[i].title) for i in second.search("sort:title").ids.tolist()]
    assert by_title == sorted(by_title, key=natural_key) and len(by_title) == second.post_count


def _bump(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_cache_follows_touch_edit_delete_add(archive_dir: Path) -> None:
    opened(archive_dir)
    touched = archive_dir / "int-title.md"
    _bump(touched)
    edited = archive_dir / "epoch.md"
    edited.write_text("---\ntitle: Edited title\ndate: 2030-01-01\n---\nnew body word zebra\n")
    _bump(edited)
    (archive_dir / "crlf.md").unlink()
    (archive_dir / "added.md").write_text("---\ntitle: Added later\n---\nbody\n")
    (archive_dir / "binary.md").write_text("---\ntitle: Fixed binary\n---\nnow text\n")
    _bump(archive_dir / "binary.md")

    second = opened(archive_dir)
    assert state(second) == fresh(archive_dir)
    titles = {post.title for post in second.ordered_posts()}
    assert {"Edited title", "Added later", "Fixed binary", "111111"} <= titles
    assert "Epoch bug" not in titles and "CRLF post" not in titles
    assert second.search("zebra").count == 1
    assert second.search("Epoch").count == 0
    assert "binary.md" not in {s.relative_path for s in second.skipped}
    assert state(opened(archive_dir)) == fresh(archive_dir)  # and the cache written after that too


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: (d / "ids.npy").write_bytes((d / "ids.npy").read_bytes()[:-10]), "truncated"),
        (lambda d: (d / "posts.pickle").write_bytes(b"\0" + (d / "posts.pickle").read_bytes()[1:]), "corrupt"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "unreadable"),
        (
            lambda d: (d / "manifest.json").write_text(
                json.dumps({**json.loads((d / "manifest.json").read_text()), "format": 999})
            ),
            "another version",
        ),
        (lambda d: (d / "texts.blob").unlink(), "damaged"),
    ],
)
def test_damaged_cache_is_rebuilt_with_a_notice(archive_dir: Path, damage, words: str) -> None:
    opened(archive_dir)
    damage(cache_dir_for([archive_dir]))
    notices: list[str] = []
    archive = opened(archive_dir, notices)
    assert state(archive) == fresh(archive_dir)
    assert len(notices) == 1 and words in notices[0] and "Reading every file again" in notices[0]
    assert opened(archive_dir, notices := []) and notices == []  # rebuilt: good again


def test_a_damaged_file_table_is_checked_when_it_is_read(archive_dir: Path) -> None:
    """files.pickle is read (and its checksum checked) only when something changed: damaged,
    it reads as empty, and every file is read again, never trusted."""
    opened(archive_dir)
    table = cache_dir_for([archive_dir]) / "files.pickle"
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF
    table.write_bytes(bytes(data))
    assert state(opened(archive_dir)) == fresh(archive_dir)  # nothing changed: not even read
    (archive_dir / "plain.md").write_text("---\ntitle: Changed since\n---\nNew words.\n", encoding="utf-8")
    archive = opened(archive_dir)
    assert state(archive) == fresh(archive_dir) and archive.search("changed since").count == 1


def _set_last(array, value):
    array[-1] = value
    return array


@pytest.mark.parametrize(
    ("name", "damage", "words"),
    [
        ("ends", lambda ends: _set_last(ends, 10**12), "shorter than its index"),  # past the texts
        ("order", lambda order: _set_last(order, 10**9), "points past its posts"),
        ("alive", lambda alive: _set_last(alive, False), "does not match its posts"),  # listed, not alive
    ],
)
def test_inconsistent_arrays_are_not_trusted(archive_dir: Path, name: str, damage, words: str) -> None:
    import numpy as np

    opened(archive_dir)
    path = cache_dir_for([archive_dir]) / f"{name}.npy"
    np.save(path, damage(np.load(path)))
    notices: list[str] = []
    assert state(opened(archive_dir, notices)) == fresh(archive_dir)
    assert notices and words in notices[0]


def test_unwritable_cache_is_bypassed(archive_dir: Path, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("POSTSHELF_CACHE_DIR", str(blocker / "cache"))
    notices: list[str] = []
    archive = opened(archive_dir, notices)
    assert state(archive) == fresh(archive_dir)
    assert notices and notices[0].startswith("Cache not written")


def test_interrupted_save_leaves_a_usable_cache(archive_dir: Path) -> None:
    opened(archive_dir)
    directory = cache_dir_for([archive_dir])
    # A crash between the two renames of a save: only the retired copy is left.
    os.rename(directory, directory.with_name(directory.name + ".old-1-1"))
    # ... and a crash in the middle of writing leaves a temporary folder behind.
    (directory.with_name(directory.name + ".tmp-1-1")).mkdir()
    notices: list[str] = []
    archive = opened(archive_dir, notices)
    assert notices == [] and state(archive) == fresh(archive_dir)


def test_the_cache_a_rebuild_replaces_is_removed(archive_dir: Path) -> None:
    """In a process of its own (the rebuild does not wait for 800 MB of files to go), but gone."""
    opened(archive_dir)
    directory = cache_dir_for([archive_dir])
    open_archive([archive_dir], rebuild=True)
    assert directory.is_dir()
    wait_until(lambda: not list(directory.parent.glob(directory.name + ".old-*")), "the replaced cache to go")
    assert state(open_archive([archive_dir])[0]) == fresh(archive_dir)


def test_stopping_a_load_keeps_what_was_read(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for number in range(2500):
        (root / f"{number:04d}.md").write_text(f"---\ntitle: Post {number}\n---\nbody {number}\n")
    batches = []
    archive, complete = open_archive(
        [root], progress=lambda done, total: batches.append(done), should_stop=lambda: len(batches) >= 2
    )
    assert not complete
    assert 0 < archive.post_count < 2500
    assert not cache_dir_for([root]).exists()  # an incomplete load is never cached
    archive, complete = open_archive([root])
    assert complete and archive.post_count == 2500


@pytest.mark.slow
def test_parallel_load_matches_the_in_process_load(tmp_path: Path) -> None:
    """Loader processes start while the walk is still going on (loader.read_all): the posts,
    their ids (load order), the skipped and the ignored files must be what one process finds."""
    root = tmp_path / "many"
    for number in range(3100):
        folder = root / "source" / "_posts" / f"part {number % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        text = f"---\ntitle: Post {number}\ndate: 2020-01-{number % 28 + 1:02d}\n---\nbody {number}\n"
        (folder / f"{number:04d}.md").write_text("" if number % 500 == 0 else text)
    (root / "_config.yml").write_text("title: a Hexo site\n")
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "node_modules" / "pkg" / "README.md").write_text("# not a post\n")
    parallel = load_archive([root], workers=2)
    serial = load_archive([root], workers=0)
    assert state(parallel) == state(serial) and parallel.post_count == 3100 - 7
    assert list(parallel.posts.columns["path"]) == list(serial.posts.columns["path"])
    assert parallel.ignored == serial.ignored and sum(rule.files for rule in parallel.ignored) == 1
    assert parallel.layouts.keys() == serial.layouts.keys() and len(parallel.skipped) == 7


@pytest.mark.slow
def test_reading_ahead_of_the_loaders_changes_nothing_they_read(tmp_path: Path, monkeypatch) -> None:
    """Posts that come from the disk are read ahead by a process of its own (prefetch.py):
    forced on, the archive must be what a plain load gives."""
    root = tmp_path / "many"
    for number in range(3100):
        folder = root / f"part {number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:04d}.md").write_text(f"---\ntitle: Post {number}\n---\nbody {number}\n")
    plain = load_archive([root], workers=2)
    started = []
    real_read_ahead = loader._read_ahead

    def read_ahead() -> object:
        reading = real_read_ahead()
        started.append(reading is not None)
        return reading

    monkeypatch.setattr(loader, "READ_AHEAD_FROM_BLOCKS", -1)  # as if every batch came from the disk
    monkeypatch.setattr(loader, "_read_ahead", read_ahead)
    ahead = load_archive([root], workers=2)
    assert started and all(started) and state(ahead) == state(plain) and ahead.post_count == 3100


def test_reading_ahead_opens_no_pipe_device_or_link(tmp_path: Path) -> None:
    """What it reads ahead, it opens as the loader does: regular files only, no symbolic link
    followed. A pipe nobody writes to or a link to /dev/zero must not hold it up."""
    from tui.archive.prefetch import read_ahead

    post = tmp_path / "post.md"
    post.write_text("---\ntitle: A post\n---\nbody\n")
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    (tmp_path / "folder.md").mkdir()
    paths = [str(tmp_path / name) for name in ("pipe.md", "zero.md", "folder.md", "gone.md", "post.md")]
    reader = threading.Thread(target=read_ahead, args=(paths,), daemon=True)
    reader.start()
    reader.join(60)  # a liveness bound, not a speed one: opening the pipe would wait forever
    assert not reader.is_alive()


def test_a_walk_that_fails_while_posts_are_read_says_so(tmp_path: Path, monkeypatch) -> None:
    """The walk runs in a thread of its own while loader processes read what it found: an error
    in it must reach the caller, not end the load quietly with part of the archive."""
    root = tmp_path / "many"
    root.mkdir()
    for number in range(12):
        (root / f"{number:02d}.md").write_text(f"---\ntitle: Post {number}\n---\nbody {number}\n")
    monkeypatch.setattr(loader, "PARALLEL_FROM", 4)
    monkeypatch.setattr(loader, "BATCH_FILES", 3)
    walk_for_real = loader.survey_lazily

    def failing_walk(roots, result):
        yield from list(walk_for_real(roots, result))[:8]
        raise PermissionError("the walk lost its way")

    monkeypatch.setattr(loader, "survey_lazily", failing_walk)
    seen = []
    with pytest.raises(PermissionError, match="lost its way"):
        loader.read_all(Archive([root]), progress=lambda done, total: seen.append(total), workers=2)
    assert seen and all(total == 0 for total in seen)  # never a count: the walk never ended


def test_live_changes_are_applied(archive_dir: Path) -> None:
    archive = opened(archive_dir)
    before = archive.post_count
    new = archive_dir / "source" / "_posts" / "live.md"
    new.write_text("---\ntitle: Arrived live\n---\nfresh words\n")
    (archive_dir / "json.md").unlink()
    ignored = archive_dir / "public" / "ignored.md"
    ignored.write_text("---\ntitle: generated\n---\n")
    applied = apply_file_changes(archive, {str(new), str(archive_dir / "json.md"), str(ignored)})
    assert applied == 2
    assert archive.post_count == before
    titles = {post.title for post in archive.ordered_posts()}
    assert "Arrived live" in titles and "JSON frontmatter" not in titles and "generated" not in titles
    assert archive.search("fresh words").count == 1
    assert state(archive) == fresh(archive_dir)


def test_cache_command_lists_and_clears(archive_dir: Path, private_cache: Path) -> None:
    opened(archive_dir)
    entries = cache_folders.describe()
    assert len(entries) == 1 and entries[0]["roots"] == [str(archive_dir)] and entries[0]["bytes"] > 0
    (private_cache / "folding-0123456789abcdef.npy").write_bytes(b"")  # the folding table kept beside them
    assert cache_folders.clear() == 1 and cache_folders.describe() == []
    assert list(private_cache.iterdir()) == []  # `postshelf cache --clear` leaves nothing behind


def test_folders_renamed_or_deleted_live(archive_dir: Path) -> None:
    archive = opened(archive_dir)
    folder = archive_dir / "newdir" / "deeper"
    folder.mkdir(parents=True)
    (folder / "deep.md").write_text("---\ntitle: Deep new okapi\n---\nokapi\n")
    apply_file_changes(archive, {str(archive_dir / "newdir")})
    assert archive.search("okapi").count == 1
    (archive_dir / "newdir").rename(archive_dir / "newdir2")
    apply_file_changes(archive, {str(archive_dir / "newdir"), str(archive_dir / "newdir2")})
    paths = [str(p.path) for p in archive.ordered_posts() if p.title == "Deep new okapi"]
    assert paths == [str(archive_dir / "newdir2" / "deeper" / "deep.md")]
    import shutil

    shutil.rmtree(archive_dir / "newdir2")
    apply_file_changes(archive, {str(archive_dir / "newdir2")})
    assert archive.search("okapi").count == 0
    assert state(archive) == fresh(archive_dir)


def test_a_renamed_folder_says_which_posts_moved_and_never_guesses(tmp_path: Path) -> None:
    """A post that left and one that came with the same size, title and date are one post
    moved (its marks follow it); when two that left look alike, which one moved is not known
    (found in review: a bookmark of a deleted twin went to the moved post)."""
    (tmp_path / "old").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "old" / "p.md").write_text("---\ntitle: Post\ndate: 2021-01-01\n---\nbody\n")
    for folder in ("old", "other"):
        (tmp_path / folder / "q.md").write_text("---\ntitle: Same\n---\nxx\n")
    archive = load_archive([tmp_path])
    (tmp_path / "old").rename(tmp_path / "new")
    (tmp_path / "other" / "q.md").unlink()  # in the same batch, the twin of old/q.md
    moved: dict[str, str] = {}
    changed = {str(tmp_path / "old"), str(tmp_path / "new"), str(tmp_path / "other" / "q.md")}
    apply_file_changes(archive, changed, moved)
    assert moved == {str(tmp_path / "old" / "p.md"): str(tmp_path / "new" / "p.md")}


_CHANGES = {
    "touched": lambda root: _bump(root / "int-title.md"),
    "edited, same size": lambda root: (
        (root / "epoch.md").write_bytes(bytes(reversed((root / "epoch.md").read_bytes()))),
        _bump(root / "epoch.md"),
    ),
    "deleted": lambda root: (root / "crlf.md").unlink(),
    "added": lambda root: (root / "added.md").write_text("---\ntitle: Added\n---\nbody\n"),
    "added in a new folder": lambda root: (
        (root / "new" / "deep").mkdir(parents=True),
        (root / "new" / "deep" / "post.md").write_text("---\ntitle: Deep\n---\nbody\n"),
    ),
}


@pytest.mark.parametrize("change", sorted(_CHANGES))
def test_the_quick_check_of_a_cached_archive_sees_every_change(archive_dir: Path, change: str) -> None:
    """A warm start skips the full survey when nothing changed: it must never miss a change."""
    archive = opened(archive_dir)
    same = unchanged_since(archive.roots, archive.files, archive.layouts)
    full = survey(archive.roots)
    assert same is not None and same.ignored == full.ignored and set(same.layouts) == set(full.layouts)
    assert {str(post_file.path) for post_file in full.files} == set(archive.files)
    _CHANGES[change](archive_dir)
    assert unchanged_since(archive.roots, archive.files, archive.layouts) is None
    assert state(opened(archive_dir)) == fresh(archive_dir)


def _after_now(tmp_path: Path) -> float:
    """A moment every change made from now on is newer than, by the file system's own clock
    (a file's ctime comes from a coarser clock than time.time())."""
    since = time.time()
    probe = tmp_path / "clock-probe"
    wait_until(lambda: probe.write_text("tick") and probe.stat().st_ctime > since, what="the file clock to pass")
    return since


_DEEP = (
    "a/b/c/d.md",
    "a/b/e.md",
    "a/f.md",
    "g/h/i.md",
    "g/j/k.md",
    "l/m.md",
    "n/o/p.md",
    "n/o [*]/q.md",
    "x?/y.md",
    "xy/z.md",
)
"""Files at several depths, some beside a `.git` folder, some in folders whose names find's
-path would read as patterns (`x?` would match `xy` too)."""


def _deep(root: Path) -> Path:
    for relative in _DEEP:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(f"---\ntitle: {relative}\n---\nbody\n")
    for folder in (root, root / "a" / "b"):
        (folder / ".git").mkdir(exist_ok=True)
    return root


@pytest.mark.parametrize("apart", [(), ("a/b", "g", "n/o [*]", "x?")], ids=["one find", "two finds"])
@pytest.mark.parametrize(
    "change", sorted(_CHANGES) + ["edited in place, size and mtime kept", *(f"deep: {path}" for path in _DEEP)]
)
def test_the_ctime_check_vouches_for_an_untouched_archive_and_sees_every_change(
    archive_dir: Path, tmp_path: Path, change: str, apart: tuple[str, ...]
) -> None:
    roots = [_deep(archive_dir)]
    folders = [str(archive_dir / folder) for folder in apart]
    since = _after_now(tmp_path)
    assert QuickCheck(roots, since, folders).unchanged()
    for folder in (archive_dir, archive_dir / "a" / "b"):
        (folder / ".git" / "postshelf-test").write_text("a commit")  # never read, so never a change
    assert QuickCheck(roots, since, folders).unchanged()
    if change in _CHANGES:
        _CHANGES[change](archive_dir)
    elif change.startswith("deep: "):
        _bump(archive_dir / change.removeprefix("deep: "))
    else:
        path = archive_dir / "epoch.md"
        before = path.stat()
        path.write_bytes(bytes(reversed(path.read_bytes())))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not QuickCheck(roots, since, folders).unchanged()


def test_folders_set_apart_for_a_second_find_hold_about_half_the_files(monkeypatch) -> None:
    root = Path("/archive")
    files = [f"/archive/a/{i}.md" for i in range(3000)]
    files += [f"/archive/b/c/{i}.md" for i in range(2500)] + [f"/archive/b/d/{i}.md" for i in range(2500)]
    files += [f"/archive/e/f/{i}.md" for i in range(1500)] + [f"/archive/{i}.md" for i in range(1500)]
    assert change_check.folders_apart([root], files) == ["/archive/b"]  # 5,000 of 11,000
    files += [f"/archive/b/d/more{i}.md" for i in range(3000)]  # b, 8,000 of 14,000, is too many
    assert change_check.folders_apart([root], files) == ["/archive/b/d", "/archive/e"]  # 5,500 + 1,500
    assert change_check.folders_apart([root], [f"/archive/{i}.md" for i in range(20_000)]) == []  # one folder
    assert change_check.folders_apart([root], files[:9_000]) == []  # one find is quick enough
    bundles = [f"/archive/content/posts/{i}/index.md" for i in range(100_000)]  # a folder per page
    assert change_check.folders_apart([root], bundles) == []  # half would take 50,000 folders
    assert len(change_check.folders_apart([root], bundles[:1000] + files)) <= change_check.MAX_APART
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert change_check.folders_apart([root], files) == []


def test_folders_apart_not_under_the_roots_are_not_given_to_find(archive_dir: Path, tmp_path: Path) -> None:
    """A manifest is only a hint: a name from it never reaches find as an expression."""
    evil = tmp_path / "written-by-find"
    check = change_check.quick_check([archive_dir], time.time() - 1, ["-fprint", str(evil)])
    assert check is not None and len(check._processes) == 1
    check.unchanged()
    assert not evil.exists()


def test_a_folder_set_apart_and_then_renamed_is_seen(archive_dir: Path, monkeypatch) -> None:
    """The manifest names the folders the second find walks: one gone since is a change."""
    monkeypatch.setattr(change_check, "SHARED_FROM", 1)
    for number in range(20):
        (archive_dir / "more" / str(number % 3)).mkdir(parents=True, exist_ok=True)
        (archive_dir / "more" / str(number % 3) / f"{number}.md").write_text(f"---\ntitle: More {number}\n---\nbody\n")
    opened(archive_dir)
    since, apart = change_check.check_in_manifest(cache_dir_for([archive_dir]))
    assert since is not None and apart and all(Path(folder).is_dir() for folder in apart)
    moved = Path(apart[0])
    moved.rename(moved.with_name(moved.name + "-renamed"))
    assert not change_check.check_for_cache([archive_dir]).unchanged()
    assert state(opened(archive_dir)) == fresh(archive_dir)


@pytest.mark.parametrize("where", ["linked.md", "a/linked.md", "a/b/c/linked.md", "a/b/c/linked"])
def test_a_symbolic_link_is_never_vouched_for(archive_dir: Path, tmp_path: Path, where: str) -> None:
    _deep(archive_dir)
    (archive_dir / where).symlink_to(archive_dir / ("epoch.md" if where.endswith(".md") else "a"))
    assert not QuickCheck([archive_dir], _after_now(tmp_path)).unchanged()


def test_a_warm_start_with_nothing_changed_does_not_walk_the_files(archive_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(change_check, "CLOCK_MARGIN", 0.0)  # the fixture's files are older than any check
    first = opened(archive_dir)
    assert first.ignored
    with monkeypatch.context() as walking:  # (not monkeypatch.undo(): that gave back the user's cache folder)
        walking.setattr(loader, "unchanged_since", lambda *args: pytest.fail("walked every file"))
        second = opened(archive_dir)
        assert state(second) == state(first)
        assert second.ignored == survey([archive_dir]).ignored
        assert set(second.layouts) == set(first.layouts)
    (archive_dir / "added.md").write_text("---\ntitle: Added after\n---\nbody okapi\n")
    third = opened(archive_dir)
    assert third.search("okapi").count == 1
    assert state(third) == fresh(archive_dir)


def test_a_full_check_that_finds_nothing_is_remembered(archive_dir: Path, monkeypatch) -> None:
    opened(archive_dir)
    verified = change_check.verified_in_manifest(cache_dir_for([archive_dir]))
    assert verified is not None
    monkeypatch.setattr(opening, "check_for_cache", lambda roots: None)  # no find: the full check runs
    opened(archive_dir)
    renewed = change_check.verified_in_manifest(cache_dir_for([archive_dir]))
    assert renewed is not None and renewed > verified


def _cache_files(directory: Path) -> dict[str, object]:
    """What a cache folder holds, array by array (headers aside) and file by file."""
    import numpy as np

    contents: dict[str, object] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix == ".npy":
            contents[path.name] = np.load(path).tolist()
        elif path.name in ("texts.blob", "posts.pickle", "files.pickle"):
            contents[path.name] = path.read_bytes()
    return contents


def _many_posts(root: Path, count: int) -> Path:
    root.mkdir()
    for number in range(count):
        (root / f"{number:03d}.md").write_text(
            f"---\ntitle: Post {number} 第{number}期\ndate: 2020-01-{number % 28 + 1:02d}\n---\n正文 body {number}\n"
        )
    return root


def test_a_cold_read_written_as_it_loads_is_the_cache_written_at_the_end(tmp_path: Path, monkeypatch) -> None:
    """The index goes to the cache folder batch by batch (index_spill.py): the same cache, the
    same answers, and the posts served from the files while the read is still going on."""
    root = _many_posts(tmp_path / "many", 40)
    monkeypatch.setattr(loader, "BATCH_FILES", 7)  # six batches, read in this process
    archive = opened(root)
    spilled = _cache_files(cache_dir_for([root]))
    assert archive.index.spill is None and archive.search("第3").count == 11  # 3, 30-39
    assert not list(cache_dir_for([root]).parent.glob("*.tmp-*"))

    from_heap = tmp_path / "from-heap"
    monkeypatch.setattr(cache, "start_spill", lambda archive: None)
    cache.save(opened_without_cache(root), from_heap)
    assert _cache_files(from_heap) == spilled
    for path in from_heap.glob("*.npy"):  # byte for byte, headers too: each is mapped the same way
        assert (cache_dir_for([root]) / path.name).read_bytes() == path.read_bytes(), path.name

    warm = opened(root)
    assert state(warm) == state(archive) == fresh(root)
    assert warm.search("body 17").count == 1


def opened_without_cache(root: Path) -> Archive:
    archive, complete = open_archive([root], use_cache=False)
    assert complete
    return archive


def test_a_cold_read_that_cannot_write_its_index_keeps_it_in_memory(tmp_path: Path, monkeypatch) -> None:
    from tui.archive.index_spill import IndexSpill

    root = _many_posts(tmp_path / "many", 30)
    monkeypatch.setattr(loader, "BATCH_FILES", 7)
    calls = []

    def disk_full_on_the_third_batch(self, blob):
        calls.append(blob)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, blob)

    original = IndexSpill.add_texts
    monkeypatch.setattr(IndexSpill, "add_texts", disk_full_on_the_third_batch)
    archive = opened(root)
    assert len(calls) == 3  # the spill stopped there; the rest of the batches stayed on the heap
    assert state(archive) == fresh(root) and archive.search("第2").count == 11
    assert not list(cache_dir_for([root]).parent.glob("*.tmp-*"))
    assert state(opened(root)) == fresh(root)  # and the cache written at the end is whole


def test_a_stopped_cold_read_leaves_no_half_written_cache(tmp_path: Path, monkeypatch) -> None:
    root = _many_posts(tmp_path / "many", 30)
    monkeypatch.setattr(loader, "BATCH_FILES", 7)
    batches: list[int] = []
    archive, complete = open_archive(
        [root], progress=lambda done, total: batches.append(done), should_stop=lambda: len(batches) >= 3
    )
    assert not complete and 0 < archive.post_count < 30
    assert archive.search("body").count == archive.post_count  # still served from the dropped files
    assert not cache_dir_for([root]).exists()
    assert not list(cache_dir_for([root]).parent.glob("*.tmp-*"))


@pytest.mark.parametrize(
    "values",
    [[], [""], ["a", "", "长标题 ✓", "\udcff\udcfe name", "x" * 1000], ["", ""]],
)
def test_a_packed_text_column_gives_back_every_value(values: list[str]) -> None:
    """Text columns are stored as one UTF-8 bytes object and offsets (post_table.PackedStrings)."""
    from tui.archive.post_table import PackedStrings

    column = PackedStrings.unpacked(*PackedStrings.of(values).packed())
    assert list(column) == values and len(column) == len(values)
    assert column[1:3] == values[1:3] and column[::-1] == values[::-1]
    if values:
        assert column[-1] == values[-1]
    column.append("added live")
    assert column[len(values)] == "added live" and column[-1] == "added live"
    assert list(PackedStrings.unpacked(*column.packed())) == [*values, "added live"]
    with pytest.raises(IndexError):
        column[len(values) + 1]


def test_an_edit_that_keeps_size_and_mtime_is_read_again(archive_dir: Path) -> None:
    """The file table keeps each file's inode change time: an edit that keeps the size and
    sets the mtime back (as `touch -r` or a sync tool might) is still read again."""
    opened(archive_dir)
    path = archive_dir / "epoch.md"
    before = path.stat()
    original = path.read_text(encoding="utf-8")
    edited = original.replace("Epoch", "Zebra", 1)
    assert len(edited.encode()) == len(original.encode()) and edited != original
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    archive = opened(archive_dir)
    assert archive.search("Zebra").count == 1 and state(archive) == fresh(archive_dir)


def test_the_cache_arrays_read_back_as_numpy_saved_them(archive_dir: Path, tmp_path: Path) -> None:
    """cache._mapped reads .npy headers itself (np.load parses each with ast, at every start)."""
    import numpy as np

    from tui.archive.cache import _mapped

    opened(archive_dir)
    files = sorted(cache_dir_for([archive_dir]).glob("*.npy"))
    np.save(tmp_path / "empty.npy", np.zeros(0, dtype=np.uint16))
    np.save(tmp_path / "big-endian.npy", np.arange(5, dtype=">i4"))
    assert len(files) >= 12
    for path in [*files, tmp_path / "empty.npy", tmp_path / "big-endian.npy"]:
        mapped, loaded = _mapped(path), np.load(path)
        assert mapped.dtype == loaded.dtype and np.array_equal(mapped, loaded, equal_nan=mapped.dtype.kind == "f")
        assert not mapped.flags.writeable
