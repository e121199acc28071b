"""The domain: loading, parsing, converting and searching posts. No Textual imports here."""

from .archive import Archive, Skipped, find_post_files, load_file
from .post import Post

__all__ = ["Archive", "Post", "Skipped", "find_post_files", "load_file"]
