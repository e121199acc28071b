"""The cold read against newsboat's, run after run in turn: newsboat, postshelf, newsboat...

    python benchmarks/cold_interleaved.py ARCHIVE [--rounds 5] [--postshelf .venv/bin/postshelf]

`../shared/tools/sidebyside.py` runs each tool's three cold reads in a row. On a shared machine
the speed of the CPU drifts by 20% and more over minutes, and the ratio with it; in turn, each
pair of runs meets the same machine. Needs newsboat and the RSS feed sidebyside.py builds
(/tmp/nbx/feed<N>.xml); uses its newsboat runner (`../shared/tools/newsboat/bench.py`).
Prints each pair and the median of the ratios (newsboat ÷ postshelf: above 1, postshelf faster),
with each tool's CPU time.
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
from typing import Any

TOOLS = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "newsboat"


def newsboat_runner(posts: int) -> tuple[Any, str, dict]:
    """(the shared runner module, its run folder for this feed, its environment)."""
    sys.path.insert(0, str(TOOLS))
    import bench  # type: ignore[import-not-found]

    feed = Path(bench.BASE) / f"feed{posts}.xml"
    if not feed.exists():
        raise SystemExit(f"{feed} is missing: run ../shared/tools/sidebyside.py once to build it")
    run_dir = os.path.join(bench.BASE, f"run{posts}")
    os.makedirs(os.path.join(run_dir, "home"), exist_ok=True)
    Path(run_dir, "urls").write_text(f"file://{feed}\n")
    Path(run_dir, "config").write_text("reload-threads 1\nshow-read-feeds yes\n")
    return bench, run_dir, bench.env_for(run_dir)


def postshelf_cold(postshelf: str, archive: Path, cache_home: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of it and its loader processes) of `index --rebuild`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [postshelf, "index", "--rebuild", str(archive)],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, XDG_CACHE_HOME=cache_home),
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--posts", type=int, default=100_000, help="N of /tmp/nbx/feed<N>.xml")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postshelf", default=str(Path(sys.executable).parent / "postshelf"))
    args = parser.parse_args()

    runner, run_dir, env = newsboat_runner(args.posts)
    cache_home = tempfile.mkdtemp(prefix="postshelf-cold-")
    pairs = []
    for round_number in range(1, args.rounds + 1):
        newsboat = runner.reload_once(run_dir, env)
        wall, cpu = postshelf_cold(args.postshelf, args.archive, cache_home)
        pair = {
            "round": round_number,
            "newsboat_s": newsboat["wall_s"],
            "newsboat_cpu_s": round(newsboat["user_s"] + newsboat["sys_s"], 1),
            "postshelf_s": round(wall, 2),
            "postshelf_cpu_s": round(cpu, 1),
            "ratio": round(newsboat["wall_s"] / wall, 2),
        }
        pairs.append(pair)
        print(json.dumps(pair), flush=True)
    ratios = [pair["ratio"] for pair in pairs]
    print(
        json.dumps(
            {
                "posts": args.posts,
                "rounds": len(pairs),
                "newsboat_median_s": statistics.median(pair["newsboat_s"] for pair in pairs),
                "postshelf_median_s": statistics.median(pair["postshelf_s"] for pair in pairs),
                "ratio_median": statistics.median(ratios),
                "ratio_range": [min(ratios), max(ratios)],
            }
        )
    )
    subprocess.run(["rm", "-rf", cache_home], check=False)


if __name__ == "__main__":
    main()
