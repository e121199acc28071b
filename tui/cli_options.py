"""Command-line options that more than one command declares (`postshelf`, `index`, `search`,
`serve`), in a module each can import without importing the others."""

from __future__ import annotations

import argparse


def add_cache_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--rebuild and --no-cache: how the archive is opened (see archive/opening.py)."""
    parser.add_argument("--rebuild", action="store_true", help="ignore the cache: read every file again")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    return parser
