"""The domain: loading, parsing, converting and searching posts. No Textual imports here.

Names are imported on first use, so that a command importing one light module (the change
check, the folders) does not pay for the whole domain (~0.2 s, numpy and the parsers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .archive import Archive, Ignored, Skipped, find_post_files, load_file
    from .post import Post

__all__ = ["Archive", "Ignored", "Post", "Skipped", "find_post_files", "load_file"]


def __getattr__(name: str):
    if name == "Post":
        from .post import Post

        return Post
    if name in __all__:
        from . import archive

        return getattr(archive, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
