"""postshelf: a terminal browser for large archives of posts with frontmatter."""

__version__ = "0.1.0"
