"""Is what the reader shows found by search? Random phrases of each post's reader text, looked up
in that post's own index text (the text search checks matches in), folded as search folds.

    python benchmarks/phrase_search.py ARCHIVE... [--per-post 40] [--seed 7] [--show 20]

Prints, per archive, how many phrases were tried and how many were not found, then examples.
Phrases are 3-8 characters of one line of the reader's text at 200 columns; lines of the
reader's own marks (image lines, embedded pages, box and table rules) are left out.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.archive.archive import Skipped, find_post_files, load_file  # noqa: E402
from tui.archive.folding import fold  # noqa: E402
from tui.rendering.post import searchable_text  # noqa: E402
from tui.show import rendered_lines  # noqa: E402

_READER_MARKS = re.compile(r"\[img|\[image:|▶|⟨|⟩|[─━│└┌┐┘├┤┬┴┼]|This post has|This page is markup")
_LINE_START = re.compile(r"^[▌┃•◦▪☐☑\d.\s]+")


def measure(root: Path, per_post: int, rng: random.Random) -> tuple[int, list[tuple[str, str, str]]]:
    tried, missed = 0, []
    for post_file in find_post_files([root]):
        loaded = load_file(post_file)
        if isinstance(loaded, Skipped):
            continue
        post, text = loaded
        index_text = fold(" ".join(text.split()))
        title = fold(post.title)
        lines = [searchable_text(line).strip() for line in rendered_lines(post, 200)]
        lines = [_LINE_START.sub("", line) for line in lines if len(line) >= 4 and not _READER_MARKS.search(line)]
        lines = [line for line in lines if len(line) >= 4]
        for _ in range(min(per_post, len(lines))):
            line = rng.choice(lines)
            length = rng.randint(3, 8)
            start = rng.randint(0, max(0, len(line) - length))
            phrase = " ".join(line[start : start + length].split())
            if len(phrase) < 3:
                continue
            tried += 1
            folded = fold(phrase)
            if folded not in index_text and folded not in title:
                missed.append((post.relative_path, phrase, line[:80]))
    return tried, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archives", nargs="+", type=Path)
    parser.add_argument("--per-post", type=int, default=40, help="phrases tried in each post (at most)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=20, help="examples of phrases not found")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total_tried, examples = 0, []
    for root in args.archives:
        tried, missed = measure(root, args.per_post, rng)
        total_tried += tried
        examples += missed
        print(f"{root}: {tried:,} phrases, {len(missed):,} not found ({len(missed) / max(1, tried):.1%})")
    print(f"all: {total_tried:,} phrases, {len(examples):,} not found ({len(examples) / max(1, total_tried):.1%})")
    for path, phrase, line in examples[: args.show]:
        print(f"  {path}: {phrase!r} in {line!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
