"""Loading an archive in batches, in parallel, with progress and cancellation.

Reading and parsing a post costs ~0.2 ms of Python; 100k posts are 20 s of it. Files are read
in batches by worker processes (the GIL would serialise threads) while this process indexes
the batches that came back; each batch is searchable as soon as it is added, so the UI can
show and search what has loaded so far.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from .archive import Archive, PostFile
from .change_check import QuickCheck, check_started
from .snippets import sources_changed
from .survey import (
    Survey,
    explicit_post_file,
    folder_is_read,
    in_hugo_leaf_bundle,
    is_index,
    post_file_at,
    same_file,
    survey,
    survey_lazily,
    unchanged_since,
    walk,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .prefetch import ReadAhead

# The process pool (multiprocessing, concurrent.futures: ~30 ms of imports) is imported where a
# cold read starts it, not by every warm start and `postshelf search`.

BATCH_FILES = 1024
PARALLEL_FROM = 3000
"""Archives smaller than this load in-process: starting workers costs more than it saves."""


def worker_count(files: int) -> int:
    if files < PARALLEL_FROM:
        return 0
    return max(1, min(2, os.cpu_count() or 1))


def load_files(
    archive: Archive,
    files: list[PostFile],
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> bool:
    """Read `files` into the archive. Returns False when stopped before the end."""
    from .post_reading import read_batch  # the parsers: only when some file is to be read

    total = len(files)
    batches = [files[start : start + BATCH_FILES] for start in range(0, total, BATCH_FILES)]
    workers = worker_count(total) if workers is None else workers
    done = 0
    if progress is not None:
        progress(0, total)
    if workers == 0:
        for batch in batches:
            if should_stop is not None and should_stop():
                return False
            for read in read_batch(batch):
                archive.add_batch(read)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        return True
    from concurrent.futures.process import BrokenProcessPool

    try:
        _start_resource_tracker()
        return _load_in_workers(archive, batches, workers, lambda: total, progress, should_stop)
    except (BrokenProcessPool, OSError, ValueError):
        return _read_rest_here(archive, files, progress, should_stop)


def _read_rest_here(
    archive: Archive,
    files: list[PostFile],
    progress: Callable[[int, int], None] | None,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """No worker processes here (a sandbox, a frozen app): the files not read yet, in this process."""
    loaded_paths = set(archive.files)
    rest = [post_file for post_file in files if post_file.location not in loaded_paths]
    return load_files(archive, rest, progress, should_stop, workers=0)


def _start_resource_tracker() -> None:
    """multiprocessing starts a helper that inherits stderr; under a TUI, sys.stderr is a capture
    object with no real file descriptor, so start it with the process's own stderr."""
    from multiprocessing import resource_tracker

    saved = sys.stderr
    try:
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


def _load_in_workers(
    archive: Archive,
    batches: Iterable[list[PostFile]],
    workers: int,
    total: Callable[[], int],
    progress: Callable[[int, int], None] | None,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """`total`: how many files there are to read; 0 while a walk is still counting them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .allocator import keep_freed_memory
    from .post_reading import read_rows
    from .prefetch import available as prefetch_available

    done = 0
    reading_ahead: ReadAhead | None = None
    may_read_ahead = prefetch_available()
    # spawn, not fork: the app runs threads, and forking a threaded process is unsafe.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=keep_freed_memory) as pool:
            pending: deque[Future] = deque()
            upcoming = iter(batches)

            def submit(batch: list[PostFile]) -> None:
                pending.append(pool.submit(read_rows, [post_file.as_row() for post_file in batch]))
                if reading_ahead is not None:
                    reading_ahead.add([post_file.location for post_file in batch])

            # A bounded window: finished batches wait in memory only while this process indexes.
            for batch in upcoming:
                submit(batch)
                if len(pending) >= workers * 2:
                    break
            while pending:
                if should_stop is not None and should_stop():
                    pool.shutdown(wait=False, cancel_futures=True)
                    return False
                reads = pending.popleft().result()
                if may_read_ahead and sum(read.disk_blocks for read in reads) > READ_AHEAD_FROM_BLOCKS:
                    may_read_ahead = False
                    reading_ahead = _read_ahead()  # the files come from the disk: ask for the next ones early
                following = next(upcoming, None)
                if following is not None:
                    submit(following)
                for read in reads:
                    archive.add_batch(read)
                    done += len(read.items)
                if progress is not None:
                    counted = total()
                    progress(done, max(done, counted) if counted else 0)
    finally:
        if reading_ahead is not None:
            reading_ahead.close()
    return True


READ_AHEAD_FROM_BLOCKS = 2048
"""A batch of 1,024 files that read over 1 MB from the disk: the rest is read ahead."""


def _read_ahead() -> ReadAhead | None:
    from .prefetch import ReadAhead

    try:
        return ReadAhead()
    except (OSError, ValueError):  # no process can be started here: read without it
        return None


class _Walk:
    """A walk going on in a thread of its own, its files handed over in batches: the loader
    processes start on the first ones while it goes on. Every file is remembered (to read the
    rest in this process should the loader processes fail)."""

    def __init__(self, files: Iterator[PostFile]) -> None:
        self._files = files
        self.found: list[PostFile] = []
        self.finished = False
        self.error: BaseException | None = None
        self._handed: queue.SimpleQueue[list[PostFile] | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._walk, name="postshelf-walk", daemon=True)
        self._thread.start()

    def _walk(self) -> None:
        try:
            while not self._stop.is_set() and (batch := list(islice(self._files, BATCH_FILES))):
                self.found.extend(batch)
                self._handed.put(batch)
            self.finished = True
        except BaseException as error:  # handed to the reading thread, raised there
            self.error = error
        finally:
            self._handed.put(None)

    def batches(self) -> Iterator[list[PostFile]]:
        while (batch := self._handed.get()) is not None:
            yield batch
        if self.error is not None:
            raise self.error

    def total(self) -> int:
        """How many files the walk found; 0 while it is still counting."""
        return len(self.found) if self.finished else 0

    def every_file(self) -> list[PostFile]:
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.found

    def stop(self) -> None:
        self._stop.set()


def read_all(
    archive: Archive,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> bool:
    """Walk the roots and read every post file found into `archive`. A big archive is read while
    the walk goes on: loader processes start once it has found enough files to be worth them
    (walking 100k files took 0.6 s they spent waiting). `progress` gets (files read, files
    found), the second 0 while the walk is still counting. Returns False when stopped."""
    archive.verified_at = check_started()
    found = Survey()
    walking = survey_lazily(archive.roots, found)
    head = list(islice(walking, PARALLEL_FROM))
    workers = worker_count(len(head)) if workers is None else workers
    if len(head) < PARALLEL_FROM or workers == 0:
        files = head + list(walking)
        _keep_survey(archive, found)
        return load_files(archive, files, progress, should_stop, workers)
    walk_on = _Walk(chain(head, walking))
    if progress is not None:
        progress(0, walk_on.total())
    from concurrent.futures.process import BrokenProcessPool

    try:
        _start_resource_tracker()
        complete = _load_in_workers(archive, walk_on.batches(), workers, walk_on.total, progress, should_stop)
    except (BrokenProcessPool, OSError, ValueError):
        complete = _read_rest_here(archive, walk_on.every_file(), progress, should_stop)
    if not complete:
        walk_on.stop()
        archive.layouts = found.layouts  # what was read is followed as it changes
        return False
    walk_on.every_file()  # ended already: every batch was read
    _keep_survey(archive, found)
    return True


def _keep_survey(archive: Archive, found: Survey) -> None:
    archive.layouts = found.layouts
    archive.ignored = found.ignored


def load_archive(
    roots: Iterable[Path | str],
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> Archive:
    """Read every file of the archive at these roots, in this process, without the cache (the CLI
    without a cache, tests, benchmarks). See opening.py for opening through the cache."""
    started = time.perf_counter()
    archive = Archive(roots)
    read_all(archive, progress, should_stop, workers)
    archive.load_seconds = time.perf_counter() - started
    return archive


def survey_files(archive: Archive) -> list[PostFile]:
    """Walk the roots: the post files to read; what is ignored, and how, is kept on the archive."""
    archive.verified_at = check_started()
    found = survey(archive.roots)
    _keep_survey(archive, found)
    return found.files


# ---------------------------------------------------------------- keeping an archive current


def scan_changes(archive: Archive, quick: QuickCheck | None = None) -> tuple[list[PostFile], list[str]]:
    """Files that are new or whose size, mtime or change time changed, and files that are gone."""
    if quick is not None and quick.unchanged():  # the usual warm start: nothing newer on disk
        for root in archive.roots:
            if not root.is_file():
                archive.layout_for(root)
        return [], []
    verified_at = check_started()
    unchanged = unchanged_since(archive.roots, archive.files, archive.layouts)
    if unchanged is not None:  # one quick walk, no PostFile built
        archive.layouts = unchanged.layouts
        archive.ignored = unchanged.ignored
        archive.verified_at = verified_at
        return _showing_changed_files(archive), []
    changed: list[PostFile] = []
    present: set[str] = set()
    known = archive.files
    for post_file in survey_files(archive):
        path = post_file.location
        present.add(path)
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if not same_file(known.get(path), stat):
            changed.append(post_file)
    removed = [path for path in list(known) if path not in present]
    listed = {post_file.location for post_file in changed}
    changed += [post_file for post_file in _showing_changed_files(archive) if post_file.location not in listed]
    return changed, removed


def _showing_changed_files(archive: Archive) -> list[PostFile]:
    """The posts that show other files (MkDocs snippets) of which one changed: the post file
    is as it was, what the post shows is not."""
    stale = [path for path, sources in archive.sources.items() if sources_changed(sources)]
    return [post_file for post_file in map(partial(post_file_for, archive), stale) if post_file is not None]


def _showing(archive: Archive, paths: Iterable[str]) -> list[str]:
    """The posts that show any of these files (or a file under these folders)."""
    if not archive.sources:
        return []
    wanted = {os.path.realpath(path) for path in paths}
    prefixes = tuple(path.rstrip(os.sep) + os.sep for path in wanted)
    return [
        post
        for post, sources in archive.sources.items()
        if any(source[0] in wanted or source[0].startswith(prefixes) for source in sources)
    ]


def refresh(
    archive: Archive,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    quick: QuickCheck | None = None,
) -> tuple[int, int]:
    """Bring a cached archive up to date with the disk: (files re-read, files gone)."""
    changed, removed = scan_changes(archive, quick)
    if removed:
        archive.remove_files(removed)
    if changed:
        load_files(archive, changed, progress, should_stop)
    return len(changed), len(removed)


def post_file_for(archive: Archive, path: str) -> PostFile | None:
    """The PostFile for a changed path, if it is a post under one of the roots (not ignored)."""
    candidate = os.path.abspath(path)
    for root in archive.roots:
        root_text = str(root)
        if candidate == root_text and os.path.isfile(candidate):
            return explicit_post_file(root)
        if not candidate.startswith(root_text.rstrip(os.sep) + os.sep):
            continue
        return post_file_at(root, archive.layout_for(root), candidate)
    return None


def _post_files_in_folder(archive: Archive, folder: str) -> list[PostFile]:
    """The post files under a folder of one of the roots, by the survey's rules (none when
    the folder is ignored, or is inside a Hugo page bundle: its files are resources)."""
    candidate = os.path.abspath(folder)
    for root in archive.roots:
        prefix = str(root).rstrip(os.sep) + os.sep
        if candidate.startswith(prefix):
            layout = archive.layout_for(root)
            parts = tuple(candidate[len(prefix) :].split(os.sep))
            if not folder_is_read(layout, parts) or in_hugo_leaf_bundle(root, layout, parts) is not None:
                return []
            return list(walk(root, layout, type(root)(candidate), set()))
    return []


def _folder_now(archive: Archive, folder: str) -> tuple[list[PostFile], list[str]]:
    """A folder whose pages may have changed all at once (an index.md that makes or unmakes a
    Hugo page bundle): its post files not yet read, and the files read that are no longer
    posts."""
    listed = _post_files_in_folder(archive, folder)
    locations = {post_file.location for post_file in listed}
    prefix = os.path.abspath(folder).rstrip(os.sep) + os.sep
    gone = [known for known in archive.files if known.startswith(prefix) and known not in locations]
    return [post_file for post_file in listed if post_file.location not in archive.files], gone


def apply_file_changes(archive: Archive, paths: set[str], moved: dict[str, str] | None = None) -> int:
    """Live reload: re-read changed and new files, forget deleted ones. Returns files applied.
    `moved` gets old path -> new path of the posts that only moved (a folder renamed): a file
    gone and one come with the same size, title and date."""
    to_load: list[PostFile] = []
    gone: list[str] = []
    for showing in _showing(archive, paths):  # unchanged itself: re-read for what it shows
        post_file = post_file_for(archive, showing)
        if post_file is not None and os.path.isfile(post_file.path):
            to_load.append(post_file)
    forced = {post_file.location for post_file in to_load}
    for path in sorted(paths):
        if os.path.isdir(path):  # a folder moved or copied in: everything under it
            to_load.extend(
                post_file
                for post_file in _post_files_in_folder(archive, path)
                if post_file.location not in archive.files
            )
            continue
        if not os.path.exists(path):  # a folder moved away or deleted: everything under it
            prefix = os.path.abspath(path).rstrip(os.sep) + os.sep
            gone.extend(known for known in archive.files if known.startswith(prefix))
        post_file = post_file_for(archive, path)
        if post_file is not None and post_file.generator == "Hugo" and is_index(os.path.basename(path)):
            arrived, left = _folder_now(archive, os.path.dirname(post_file.location))  # a page bundle made or unmade
            to_load.extend(arrived)
            gone.extend(left)
        if post_file is None:
            if os.path.abspath(path) in archive.files:  # no longer a post (now ignored by a rule)
                gone.append(os.path.abspath(path))
            continue
        if os.path.isfile(post_file.path):
            record = archive.files.get(post_file.location)
            try:
                stat = os.stat(post_file.path)
            except OSError:
                gone.append(post_file.location)
                continue
            if not same_file(record, stat) and post_file.location not in forced:
                to_load.append(post_file)
        elif post_file.location in archive.files:
            gone.append(post_file.location)
    gone = list(dict.fromkeys(gone))
    to_load = list({post_file.location: post_file for post_file in to_load}.values())
    departed = _identities(archive, gone) if moved is not None and gone and to_load else {}
    if gone:
        archive.remove_files(gone)
    if to_load:
        load_files(archive, to_load, workers=0)
    if departed and moved is not None:
        came = _identities(archive, [post_file.location for post_file in to_load])
        by_identity = {identity: path for path, identity in came.items()}
        if len(by_identity) == len(came):  # two newcomers alike: which is which is not known
            alike = Counter(departed.values())  # nor for two departed alike
            moved.update(
                (path, by_identity[key]) for path, key in departed.items() if key in by_identity and alike[key] == 1
            )
    return len(gone) + len(to_load)


def _identities(archive: Archive, paths: list[str]) -> dict[str, tuple]:
    """(size, title, date) of the posts at these paths: a moved file keeps all three."""
    found = {}
    for path in paths:
        record = archive.files.get(path)  # (size, mtime_ns, post id or -1 when skipped, ctime_ns)
        if record is not None and record[2] >= 0:
            post = archive.posts[record[2]]
            found[path] = (record[0], post.title, post.date_raw)
    return found
