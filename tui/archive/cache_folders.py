"""The cache folders as the user sees them: `postshelf cache` lists them and clears them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .locations import cache_root


def describe() -> list[dict]:
    """Every cache folder: its roots, post count, size and age (for `postshelf cache`)."""
    root = cache_root()
    entries: list[dict] = []
    if not root.is_dir():
        return entries
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or ".tmp-" in folder.name or ".old-" in folder.name:
            continue  # a save in progress, or one that was interrupted
        size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
        info = {"path": str(folder), "bytes": size, "roots": [], "posts": None, "created": None}
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            info.update(
                roots=manifest.get("roots", []),
                posts=manifest.get("listed", manifest.get("posts")),
                created=manifest.get("created"),
            )
        except (OSError, ValueError):
            info["roots"] = ["(incomplete or damaged)"]
        entries.append(info)
    return entries


def clear(directory: Path | None = None) -> int:
    """Delete one cache folder, or all of them; returns how many were removed."""
    targets = (
        [directory] if directory else [p for p in cache_root().glob("*") if p.is_dir()] if cache_root().is_dir() else []
    )
    removed = 0
    for target in targets:
        if target is not None and target.exists():
            shutil.rmtree(target, ignore_errors=True)
            removed += 1
    if directory is None and cache_root().is_dir():
        for table in cache_root().glob("folding-*.npy"):  # every archive's (folding.py): built again on use
            table.unlink(missing_ok=True)
    return removed
