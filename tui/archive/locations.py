"""Where postshelf keeps what it writes: the settings file, the readers' data, the cache, and
the short name an archive goes by in the last two.

One module, so each place has one rule (and one environment override, which the tests use to
keep out of the user's folders). Nothing here creates a folder: the writers do, when they write.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

APP_NAME = "postshelf"


def normalize_root(root: Path | str) -> Path:
    """An archive folder as postshelf names it: absolute, `~` expanded, symbolic links kept."""
    return Path(os.path.abspath(os.path.expanduser(str(root))))


def config_path() -> Path:
    """$POSTSHELF_CONFIG, else config.toml in the platform's config folder."""
    override = os.environ.get("POSTSHELF_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def data_root() -> Path:
    """$POSTSHELF_DATA_DIR, else the platform's data folder: reading states, settings, host key."""
    override = os.environ.get("POSTSHELF_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_root() -> Path:
    """$POSTSHELF_CACHE_DIR, else the platform's cache folder: one folder per archive in it."""
    override = os.environ.get("POSTSHELF_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def archive_key(roots: Iterable[Path | str]) -> str:
    """A short name for an archive (its set of roots): its cache folder and state file use it."""
    key = "\0".join(sorted(str(normalize_root(root)) for root in roots))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def cache_dir_for(roots: Iterable[Path | str]) -> Path:
    """The cache folder of the archive at these roots."""
    return cache_root() / archive_key(roots)
