"""The domain: loading, parsing, converting and searching posts. No Textual imports here."""

from .archive import Archive, Ignored, Skipped, find_post_files, load_file
from .post import Post

__all__ = ["Archive", "Ignored", "Post", "Skipped", "find_post_files", "load_file"]
