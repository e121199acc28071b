"""Command line: `postshelf [PATH...]`, `postshelf index PATH...`, `postshelf search PATH... -q Q`.

Exit status: 0 success, 1 when no search query matched anything, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .archive.sanitize import one_line, strip_controls
from .cli_options import add_cache_options

if TYPE_CHECKING:
    from .archive import Archive
    from .archive.change_check import QuickCheck

# The domain (numpy, the parsers: ~0.2 s) is imported where a command needs it: `postshelf
# search` starts its check for changed files first, so that `find` runs meanwhile.

COMMANDS = ("index", "search", "show", "cache", "serve")


def demo_path() -> Path:
    from importlib.resources import files  # only here: ~15 ms of every command's start

    return Path(str(files("tui") / "demo"))


def _existing_paths(parser: argparse.ArgumentParser, paths: list[str]) -> list[Path]:
    result = []
    for path in paths:
        candidate = Path(path).expanduser()
        if not candidate.exists():
            parser.error(f"no such file or folder: {path}")
        result.append(candidate)
    return result


def _open_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postshelf",
        description="Browse, read and search archives of posts with frontmatter "
        "(Hexo, Jekyll, Hugo, RSS-to-Markdown dumps).",
        epilog="Other commands: `postshelf index PATH...` (load and report), "
        "`postshelf search PATH... -q QUERY` (search from scripts), "
        "`postshelf show FILE... [--json]` (print posts as the reader shows them), "
        "`postshelf serve PATH... --ssh PORT` (serve to many readers). "
        "With no PATH, a demo archive opens.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="folders (searched recursively) or post files")
    parser.add_argument("--version", action="version", version=f"postshelf {__version__}")
    return add_cache_options(parser)


def _index_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postshelf index", description="Load an archive without the UI and report what was read."
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    return add_cache_options(parser)


def _cache_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postshelf cache", description="Show where postshelf keeps its caches and how big they are."
    )
    parser.add_argument("--clear", action="store_true", help="delete the caches (of PATH... if given, else all)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="the archive folders whose cache to clear")
    return parser


def _search_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postshelf search",
        description="Run queries over an archive and print the matches (date, title, path).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "-q", "--query", action="append", required=True, metavar="QUERY", help="a query; repeat for several"
    )
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="hits printed per query (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object per query and line")
    return add_cache_options(parser)


def _attach_query_values(argv: list[str]) -> list[str]:
    """`-q -word` would make argparse take `-word` for an option: attach it (`--query=-word`)."""
    result = []
    values = iter(argv)
    for arg in values:
        if arg in ("-q", "--query"):
            value = next(values, None)
            result.append(arg if value is None else f"--query={value}")
        else:
            result.append(arg)
    return result


def main(argv: list[str] | None = None) -> int:
    try:
        status = _main(argv)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # `postshelf search ... | head`: the reader left; exit quietly like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `postshelf --no-cache search ...`: options given before a command belong to it.
    leading = []
    while (
        argv
        and argv[0] in ("--no-cache", "--rebuild")
        and len(argv) > 1
        and argv[1] in COMMANDS + ("--no-cache", "--rebuild")
    ):
        leading.append(argv.pop(0))
    if argv and argv[0] in COMMANDS:
        command, rest = argv[0], argv[1:] + leading
        if command == "index":
            return _index(_index_parser(), rest)
        if command == "cache":
            return _cache(_cache_parser(), rest)
        if command == "show":
            from .show import main as show_main

            return show_main(rest, _json, _existing_paths)
        if command == "serve":
            from .serve.command import main as serve_main

            return serve_main(rest)
        return _search(_search_parser(), _attach_query_values(rest))
    parser = _open_parser()
    args = parser.parse_args(argv)
    paths = _existing_paths(parser, args.paths) if args.paths else [demo_path()]
    from .app import PostshelfApp  # Textual only for the UI

    app = PostshelfApp(paths, use_cache=not args.no_cache, rebuild=args.rebuild)
    app.run()
    return app.return_code or 0  # non-zero when the app stopped on an error


def _open(
    paths: list[Path], *, rebuild: bool = False, use_cache: bool = True, quick: QuickCheck | None = None
) -> Archive:
    """Open through the cache, saying on stderr when the cache could not be used."""
    from .archive.opening import open_archive

    def notice(message: str) -> None:
        print(f"postshelf: {message}", file=sys.stderr)

    archive, _ = open_archive(paths, rebuild=rebuild, use_cache=use_cache, notice=notice, quick=quick)
    return archive


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json(value: dict) -> str:
    """One JSON line. A file name that is not valid UTF-8 holds lone surrogates, which cannot be
    printed: they are written as JSON escapes (`\\udcff`), which `json.loads` turns back into
    the same name (`os.fsencode` then gives the original bytes)."""
    text = json.dumps(value, ensure_ascii=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _use_reading_state(archive: Archive) -> None:
    """is:read, is:unread and is:bookmarked answer from the reader's state, as in the app."""
    from .archive.user_state import FlagMasks, UserState, state_path_for

    state, notice = UserState.load(state_path_for(archive.roots), set_aside=False)
    if notice:
        print(f"postshelf: {notice}", file=sys.stderr)
    archive.index.flags = FlagMasks(state, archive.posts.columns["path"])


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _index(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    args = parser.parse_args(argv)
    archive = _open(_existing_paths(parser, args.paths), rebuild=args.rebuild, use_cache=not args.no_cache)
    repaired = archive.count_listed("repaired", bool)
    undated = archive.count_listed("timestamp", lambda timestamp: timestamp is None)
    if args.json:
        print(
            _json(
                {
                    "posts": archive.post_count,
                    "undated": undated,
                    "repaired": repaired,
                    "skipped": [{"path": str(s.path), "reason": s.reason} for s in archive.skipped],
                    "ignored": [
                        {"path": rule.path, "reason": rule.reason, "files": rule.files} for rule in archive.ignored
                    ],
                    "sites": [
                        {"path": str(root / site.folder) if site.folder else str(root), "generator": site.generator}
                        for root, layout in archive.layouts.items()
                        for site in layout.all_sites
                    ],
                    "files_seen": archive.files_seen,
                    "seconds": round(archive.load_seconds, 3),
                }
            )
        )
        return 0
    for root, layout in archive.layouts.items():
        for site in layout.all_sites:
            print(f"{one_line(site.described)}{'' if len(archive.roots) == 1 else f' under {one_line(str(root))}'}")
    print(
        f"{_count(archive.post_count, 'post')} loaded, {len(archive.skipped):,} skipped "
        f"({_count(archive.files_seen, 'file')} read), {archive.files_ignored:,} ignored "
        f"in {archive.load_seconds:.2f} s"
    )
    if repaired or undated:
        print(f"{repaired:,} with repaired frontmatter, {undated:,} undated")
    for rule in archive.ignored:
        print(f"ignored {one_line(rule.relative_path)} ({_count(rule.files, 'file')}: {one_line(rule.reason)})")
    for entry in archive.skipped:
        print(f"skipped: {entry.relative_path}: {entry.reason}")
    return 0


def _search(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    args = parser.parse_args(argv)
    if args.limit < 0:
        parser.error("--limit must be 0 or more")
    paths = _existing_paths(parser, args.paths)
    quick = None
    if not args.no_cache and not args.rebuild:
        from .archive.change_check import check_for_cache  # stdlib only: find starts before numpy loads

        quick = check_for_cache(paths)
    from .archive.query import QueryError, parse  # after find starts: 20 ms of imports (dataclasses)

    queries = []
    for text in args.query:
        try:
            queries.append(parse(text))
        except QueryError as error:
            if quick is not None:
                quick.cancel()
            # The message alone (argparse's usage block above it buried it), and the exit of bad usage.
            print(f"postshelf search: bad query {text!r}: {error}", file=sys.stderr)
            return 2
    archive = _open(paths, rebuild=args.rebuild, use_cache=not args.no_cache, quick=quick)
    _use_reading_state(archive)
    from .archive.many_queries import run_queries

    any_match = False
    for result in run_queries(archive.index, queries, args.limit):
        query = result.query
        any_match = any_match or result.count > 0
        hits = [archive.posts[i] for i in result.ids[: args.limit].tolist()]
        if args.json:
            print(
                _json(
                    {
                        "query": query.text,
                        "count": result.count,
                        "hits": [
                            {
                                "date": post.date.isoformat() if post.date else None,
                                "title": post.title,
                                "path": str(post.path),
                            }
                            for post in hits
                        ],
                    }
                )
            )
            continue
        shown = f" (showing {len(hits):,})" if len(hits) < result.count else ""
        print(f"# {query.text}: {result.count:,} match{'es' if result.count != 1 else ''}{shown}")
        for post in hits:
            # The path as it is (two spaces in a file name stay two: it is pasted into `show`),
            # less what would drive the terminal or break the line.
            path = strip_controls(str(post.path)).replace("\t", "\\t").replace("\n", "\\n")
            print(f"{post.date_label:10}  {post.title}  {path}")
    return 0 if any_match else 1


def _cache(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    from .archive import cache_folders as cache
    from .archive.locations import cache_dir_for, cache_root

    args = parser.parse_args(argv)
    if args.clear:
        if args.paths:
            removed = sum(cache.clear(cache_dir_for([path])) for path in _existing_paths(parser, args.paths))
        else:
            removed = cache.clear()
        print(f"removed {removed} cache{'s' if removed != 1 else ''} from {cache_root()}")
        return 0
    if args.paths:
        parser.error("PATH is only used with --clear")
    entries = cache.describe()
    print(f"caches in {cache_root()}: {len(entries)}")
    total = 0
    for entry in entries:
        total += entry["bytes"]
        posts = f"{entry['posts']:,} posts" if entry["posts"] is not None else "incomplete"
        print(f"{entry['bytes'] / 1e6:9.1f} MB  {posts:>14}  {', '.join(one_line(r) for r in entry['roots'])}")
        print(f"{'':12}{entry['path']}")
    if entries:
        print(f"{total / 1e6:9.1f} MB in all; `postshelf cache --clear` removes them")
    return 0
