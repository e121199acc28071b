"""`postshelf show FILE... [--width N] [--json]`: posts printed as the reader draws them.

Through exactly the reader's code path (`rendering.post.post_lines` on `Archive`'s reader
Markdown), so it is the way to check from a script what a reader sees: the fidelity benchmark
compares its `--json` text with the source. Styled on a terminal, plain text otherwise (like
glow); folders are walked as the app walks them.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from .archive.archive import Skipped, find_post_files, load_file
from .archive.convert import post_markdown
from .archive.fields import description
from .archive.parse import NotAPost, read_post_file
from .archive.post import Post
from .archive.reading import reader_markdown
from .archive.sanitize import one_line


def show_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postshelf show",
        description="Print posts as the reader shows them (folders: every post in them).",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="post files or folders")
    parser.add_argument("--width", type=int, metavar="N", help="cells per line (default: the terminal's, else 80)")
    parser.add_argument(
        "--json",
        action="store_true",
        help='one JSON object per post and line: {"path", "title", "date", "authors", "categories", '
        '"tags", "link", ..., "text"} or {"path", "skipped"}',
    )
    return parser


def post_text_lines(post: Post, width: int) -> list[str]:
    """The body lines of a post at `width`, without styles."""
    from .rendering.post import line_text

    return [line_text(line) for line in rendered_lines(post, width)]


def rendered_lines(post: Post, width: int):
    """The reader's lines of a post (styled segments), read from its file."""
    from .rendering.post import post_lines

    try:
        raw = read_post_file(post.path)
        markdown = post_markdown(post, raw.body, description(raw.metadata))
    except NotAPost as reason:
        markdown = f"*The file of this post can no longer be read ({one_line(str(reason))}).*\n"
    lines, _links = post_lines(reader_markdown(markdown, post.title, post.body_format), width, (post.link, post.image))
    return lines


def _header(post: Post) -> list[str]:
    facts = [post.date_label]
    if post.author:
        facts.append(post.author)
    if post.categories:
        facts.append(" / ".join(post.categories[0]))
    lines = [post.title, " · ".join(fact for fact in facts if fact)]
    if post.link:
        lines.append(f"↗ {post.link}")
    return lines


def post_fields(post: Post) -> dict[str, object]:
    """What the reader's header shows of a post, for scripts: each field as it was read."""
    return {
        "path": str(post.path),
        "title": post.title,
        "date": post.date.isoformat() if post.date else None,
        "date_written": post.date_raw,
        "authors": list(post.authors),
        "categories": [list(path) for path in post.categories],
        "tags": list(post.tags),
        "link": post.link,
        "image": post.image,
        "notes": list(post.notes),
    }


def main(argv: list[str], json_line, existing_paths) -> int:
    parser = show_parser()
    args = parser.parse_args(argv)
    if args.width is not None and not 10 <= args.width <= 1000:
        parser.error("--width must be between 10 and 1000")
    paths = existing_paths(parser, args.paths)
    terminal = sys.stdout.isatty()
    width = args.width or (shutil.get_terminal_size((80, 24)).columns if terminal else 80)
    console = None
    if terminal and not args.json:
        from rich.console import Console

        console = Console(width=max(width, 10), soft_wrap=True, highlight=False, markup=False, emoji=False)
    skipped = 0
    first = True
    found = False
    for post_file in find_post_files(paths):
        found = True
        loaded = load_file(post_file)
        if isinstance(loaded, Skipped):
            skipped += 1
            if args.json:
                print(json_line({"path": str(post_file.path), "skipped": loaded.reason}))
            else:
                print(f"skipped: {loaded.relative_path}: {loaded.reason}", file=sys.stderr)
            continue
        post, _text = loaded
        if args.json:
            print(json_line({**post_fields(post), "text": "\n".join(post_text_lines(post, width))}))
            continue
        if not first:
            print()
        first = False
        _print_post(post, width, console)
    if not found:
        names = ", ".join(str(path) for path in paths)
        print(f"postshelf: no post files (.md, .markdown, .html, .htm) in {names}", file=sys.stderr)
        return 1
    return 1 if skipped else 0


def _print_post(post: Post, width: int, console) -> None:
    from rich.segment import Segments
    from rich.text import Text

    from .rendering.post import line_text

    title, facts, *link = _header(post)
    lines = rendered_lines(post, width)
    if console is None:
        for line in [*_wrapped(title, width), *_wrapped(facts, width), *link]:
            print(line)
        print("─" * min(width, 40))
        for line in lines:
            print(line_text(line))
        return
    for line in _wrapped(title, width):
        console.print(Text(line, style="bold"))
    for line in _wrapped(facts, width):
        console.print(Text(line, style="dim"))
    for line in link:  # whole, to be copied: a terminal folds it
        console.print(Text(line, style="blue"))
    console.print(Text("─" * min(width, 40), style="dim"))
    for line in lines:
        console.print(Segments(line))


def _wrapped(text: str, width: int) -> list[str]:
    """A header line broken to `width` as the body's lines are (CJK and kinsoku included): the
    body is wrapped, so a long title printed whole ran past it."""
    from rich.console import Console
    from rich.text import Text

    from .rendering.linebreak import install_cjk_line_breaking

    install_cjk_line_breaking()
    console = Console(width=width, force_terminal=False, color_system=None, legacy_windows=False)
    return [line.plain.rstrip() for line in Text(text).wrap(console, width)] or [""]
