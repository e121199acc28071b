"""Opening an archive: from its cache when the cache is usable, else by reading every file.

The one place that knows both the cache (cache.py) and the reading of files (loader.py): both
depend on the archive, and nothing below depends on this, so the imports point one way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from . import cache
from .archive import Archive
from .change_check import QuickCheck, check_for_cache
from .folding import fold_table
from .loader import read_all, refresh


def open_archive(
    roots: Iterable[Path | str],
    *,
    rebuild: bool = False,
    use_cache: bool = True,
    on_archive: Callable[[Archive], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    notice: Callable[[str], None] | None = None,
    quick: QuickCheck | None = None,
) -> tuple[Archive, bool]:
    """Open an archive from its cache (then catch up with the disk) or by reading every file.

    Returns the archive and whether it is complete (False when stopped while loading).
    `on_archive` gets the archive as soon as it exists, so a UI can show it while it fills.
    `quick`: the change check, if the caller started it earlier (change_check.check_for_cache).
    """
    say = notice or (lambda message: None)
    started = time.perf_counter()
    archive = None
    if not use_cache or rebuild:
        if quick is not None:
            quick.cancel()
        quick = None
    else:
        # Started first: find walks the roots in its own process while the cache loads here.
        quick = quick or check_for_cache(roots)
        try:
            archive = cache.load(roots)
        except cache.CacheError as error:
            if str(error) != "no cache yet":
                say(f"Cache not used: {error}. Reading every file again.")
        except Exception as error:  # a damaged cache must never stop postshelf from starting
            say(f"Cache not used: it could not be read ({type(error).__name__}). Reading every file again.")
    from_cache = archive is not None
    if archive is None:
        archive = Archive(roots)
    if on_archive is not None:
        on_archive(archive)
    fold_table()  # built once per process (~0.1 s): now, rather than on the first keystroke
    if from_cache:
        verified_before = archive.verified_at
        changed, removed = refresh(archive, progress, should_stop, quick)
        complete = not (should_stop is not None and should_stop())
        dirty = bool(changed or removed)
        if not dirty and use_cache and archive.verified_at != verified_before:
            cache.renew_verified(archive)
    else:
        if quick is not None:
            quick.cancel()
        if use_cache:
            cache.start_spill(archive)
        complete = read_all(archive, progress, should_stop)
        dirty = True
        if not complete:
            cache.drop_spill(archive)
    archive.load_seconds = time.perf_counter() - started
    if use_cache and complete and dirty:
        try:
            directory = cache.save(archive)
            cache.adopt_saved(archive, directory)
        except Exception as error:  # OSError mostly (disk full, read-only); the cache is optional
            reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
            say(f"Cache not written ({reason}); the next start reads every file again.")
    return archive, complete
