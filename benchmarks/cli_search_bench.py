"""`postshelf search` against `grep -rlF` on the same archive, side by side.

    python benchmarks/cli_search_bench.py ARCHIVE [--word 数据] [--repeat 7]

Both run warm: the archive's files are read once first (page cache) and postshelf's cache is
built first (`postshelf index`), in a cache folder of its own. Runs alternate (grep, postshelf,
grep, ...) so that a busy machine slows both alike. Prints one JSON line: the median wall and
CPU time of each, and grep ÷ postshelf (above 1: postshelf is faster). The target is 2.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTSHELF = Path(sys.executable).with_name("postshelf")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--word", default="数据")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="postshelf-cli-bench-") as cache:
        env = dict(os.environ, POSTSHELF_CACHE_DIR=cache, POSTSHELF_DATA_DIR=cache, LANG="C.UTF-8")
        subprocess.run(["grep", "-rlF", args.word, str(args.archive)], stdout=subprocess.DEVNULL, check=False)
        subprocess.run([str(POSTSHELF), "index", str(args.archive)], env=env, stdout=subprocess.DEVNULL, check=True)
        grep_command = ["grep", "-rlF", args.word, str(args.archive)]
        postshelf_command = [str(POSTSHELF), "search", str(args.archive), "-q", args.word]
        runs: dict[str, list[tuple[float, float]]] = {"grep": [], "postshelf": []}
        for _ in range(args.repeat):
            runs["grep"].append(timed(grep_command, env))
            runs["postshelf"].append(timed(postshelf_command, env))
    result: dict[str, object] = {"archive": str(args.archive), "word": args.word, "repeat": args.repeat}
    for name, values in runs.items():
        result[f"{name}_wall_s"] = round(statistics.median(wall for wall, _ in values), 3)
        result[f"{name}_cpu_s"] = round(statistics.median(cpu for _, cpu in values), 3)
    result["grep_over_postshelf"] = round(result["grep_wall_s"] / result["postshelf_wall_s"], 2)  # type: ignore[operator]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
