"""Scaling benchmark: how cold read, warm start, search and memory grow with the number of posts.

    python benchmarks/scaling.py ARCHIVE_10K ARCHIVE_100K ARCHIVE_1M \\
        [--out benchmarks/out/scaling.png] [--json benchmarks/out/scaling.json]
    python benchmarks/scaling.py --from-json benchmarks/out/scaling.json   # redraw, no measuring
    python benchmarks/scaling.py --generate /tmp/posts-10k:10000 /tmp/posts-100k:100000

Each ARCHIVE is a folder of posts (from benchmarks/generate_archive.py, or any other); N is
the number of posts `postshelf index` lists there, or is given as PATH:N. With --generate, a
PATH:N that does not exist yet is generated first (generate_archive.py, seed 7); without it,
nothing is generated. For each archive, with a private cache and data folder, in fresh processes:

- cold read: wall seconds and peak RSS of `postshelf index --rebuild` (the RSS of the largest
  single process: the loader's two worker processes are not added to it);
- warm start: the real app in its own tmux server, from launch until the status line shows
  every post and no "Loading" (as the README's newsboat comparison measures it); then one
  search typed in the app, until its full count shows, and the app's VmHWM after it;
  median of --runs starts (3);
- search: p95 over benchmarks/search_bench.py's query set (250 queries, each once), in one
  process over the cached archive, of the time to the first screen of hits (200) and to the
  full count;
- the cache's size on disk.

Prints one JSON line per archive, writes the list to --json and draws a 2x2 log-log chart to
--out (matplotlib, a benchmark-only dependency: pip install -e '.[bench]'). Needs tmux. The
private folders go in $TMPDIR (else /tmp), one archive at a time: the cache takes ~8 MB per
1,000 generated posts, ~8 GB at 1M.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

POSTSHELF = Path(sys.executable).with_name("postshelf")
SCREEN_POLL_SECONDS = 0.02
WAIT_LIMIT_SECONDS = 600


def parse_archive_argument(text: str) -> tuple[Path, int | None]:
    """PATH or PATH:N (a path may hold colons: only a number after the last one is N)."""
    path, colon, count = text.rpartition(":")
    if colon and count.isdigit():
        return Path(path), int(count)
    return Path(text), None


def private_environment(folder: Path) -> dict[str, str]:
    """The app's settings, readers' data and cache all under `folder`: nothing shared between
    archives or with the user's own postshelf."""
    return dict(
        os.environ,
        POSTSHELF_CACHE_DIR=str(folder / "cache"),
        POSTSHELF_DATA_DIR=str(folder / "data"),
        POSTSHELF_CONFIG=str(folder / "config.toml"),
        LANG="C.UTF-8",
    )


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 2**20


# ---------------------------------------------------------------- cold read


def cold_read(archive: Path, environment: dict[str, str]) -> dict:
    """`postshelf index --rebuild`, timed from launch; its rusage from wait4 gives the peak RSS
    of this one run (RUSAGE_CHILDREN would keep the largest of every run so far)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(POSTSHELF), "index", "--rebuild", "--json", str(archive)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    process.stdout.close()
    reports = [line for line in output.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not reports:
        raise SystemExit(f"postshelf index --rebuild {archive} failed ({process.returncode}):\n{output}")
    return {
        "posts": json.loads(reports[-1])["posts"],
        "cold_read_s": round(seconds, 2),
        "cold_peak_rss_mb": round(usage.ru_maxrss / 1024),  # kilobytes on Linux
    }


# ---------------------------------------------------------------- warm start, in tmux


class Pane:
    """The one pane of a tmux server of our own: its socket in our temporary folder (nothing
    left behind, no clash with anyone's tmux), no user configuration."""

    def __init__(self, socket: Path) -> None:
        self.tmux = ["tmux", "-S", str(socket), "-f", "/dev/null"]

    def run(self, *arguments: str, check: bool = False, env: dict[str, str] | None = None) -> str:
        """tmux's output; with `check`, its complaint on failure."""
        done = subprocess.run(self.tmux + list(arguments), capture_output=True, text=True, env=env)
        if check and done.returncode != 0:
            raise SystemExit(f"tmux {' '.join(arguments)} failed: {done.stderr.strip()}")
        return done.stdout

    def text(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, shows: Callable[[str], bool], started: float) -> float | None:
        """Seconds from `started` until the pane's text `shows` what is awaited (None past the limit)."""
        while time.perf_counter() - started < WAIT_LIMIT_SECONDS:
            if shows(self.text()):
                return time.perf_counter() - started
            time.sleep(SCREEN_POLL_SECONDS)
        return None


def vmhwm_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), from /proc."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def warm_start(archive: Path, posts: int, socket: Path, environment: dict[str, str], query: str) -> dict:
    """One start of the app over its cache: to the full list, then one search to its full count.
    A new `socket` each time: a tmux server started on the socket of one that is still exiting
    fails now and then ("server exited unexpectedly")."""
    shutil.rmtree(environment["POSTSHELF_DATA_DIR"], ignore_errors=True)  # no reading state carried over
    settings = [f"{name}={environment[name]}" for name in environment if name.startswith("POSTSHELF_")]
    command = f"exec {shlex.quote(str(POSTSHELF))} {shlex.quote(str(archive))}"
    listed = re.compile(rf"\b{posts:,} posts?\b")
    # "12 of 10,000 posts match 'linux'": the whole query (not a prefix still being typed), counted.
    matching = re.compile(rf"\b{posts:,} posts? match {re.escape(repr(query.strip()))}")

    def everything_listed(text: str) -> bool:
        """The status line counts every post, and nothing says it is still loading (the app's
        own words, with their ellipsis: a post's title may say "Loading")."""
        if "Loading…" in text or "Opening…" in text:
            return False
        return any(listed.search(line) and "Loading " not in line for line in text.splitlines())

    def fully_counted(text: str) -> bool:
        return any(matching.search(line) and "counting" not in line for line in text.splitlines())

    pane = Pane(socket)
    search = peak = None
    started = time.perf_counter()
    try:
        pane.run(
            "new-session",
            *("-d", "-s", "app", "-x", "120", "-y", "40"),
            *(option for setting in settings for option in ("-e", setting)),
            command,
            env=environment,
            check=True,
        )
        full_list = pane.wait_for(everything_listed, started)
        pid = int(pane.run("display-message", "-p", "-t", "app", "#{pane_pid}").strip() or 0)
        if full_list is not None:
            pane.run("send-keys", "-t", "app", "/", check=True)
            time.sleep(0.5)  # the search box opens
            searched = time.perf_counter()
            pane.run("send-keys", "-t", "app", "-l", query, check=True)
            search = pane.wait_for(fully_counted, searched)
            peak = vmhwm_mb(pid) if pid else None
    finally:
        pane.run("kill-server")
    return {"warm_start_s": full_list, "ui_search_s": search, "ui_vmhwm_mb": peak}


def median(values: list[float | None], digits: int) -> float | None:
    known = [value for value in values if value is not None]
    return round(statistics.median(known), digits) if known else None


# ---------------------------------------------------------------- search, in process


def search_latencies(archive_path: Path) -> dict:
    """p95 of search_bench's queries over the archive as the app opens it (from its cache)."""
    from search_bench import percentile, query_sets, time_query
    from tui.archive.opening import open_archive

    archive, _ = open_archive([archive_path])
    queries = [query for kind in query_sets(archive).values() for query in kind]
    timings = [time_query(archive.index, query) for query in queries]
    return {
        "search_queries": len(queries),
        "search_first_hits_p95_ms": round(percentile([first for first, _, _ in timings], 0.95), 2),
        "search_full_count_p95_ms": round(percentile([full for _, full, _ in timings], 0.95), 2),
    }


def search_in_fresh_process(archive: Path, environment: dict[str, str]) -> dict:
    command = [sys.executable, __file__, "--search-child", str(archive)]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# ---------------------------------------------------------------- one archive


def measure_archive(archive: Path, given_posts: int | None, runs: int, query: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="postshelf-scaling-") as name:
        folder = Path(name)
        environment = private_environment(folder)
        cold = cold_read(archive, environment)
        cache_mb = folder_mb(Path(environment["POSTSHELF_CACHE_DIR"]))
        starts = [
            warm_start(archive, cold["posts"], folder / f"tmux-{run}.socket", environment, query) for run in range(runs)
        ]
        search = search_in_fresh_process(archive, environment)
    return {
        "archive": str(archive),
        "posts": given_posts or cold["posts"],
        "listed_posts": cold["posts"],
        "cold_read_s": cold["cold_read_s"],
        "cold_peak_rss_mb": cold["cold_peak_rss_mb"],
        "warm_start_s": median([start["warm_start_s"] for start in starts], 3),
        "warm_start_runs_s": [None if s["warm_start_s"] is None else round(s["warm_start_s"], 3) for s in starts],
        "ui_search_query": query,
        "ui_search_s": median([start["ui_search_s"] for start in starts], 3),
        "ui_vmhwm_mb": median([start["ui_vmhwm_mb"] for start in starts], 0),
        **search,
        "cache_mb": round(cache_mb, 1),
    }


# ---------------------------------------------------------------- chart


def short_count(number: float) -> str:
    """10000 -> '10k', 1000000 -> '1M': tick labels that fit a small panel."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if number >= size:
            return f"{number / size:g}{suffix}"
    return f"{number:g}"


def readable(value: float) -> str:
    """3 significant digits, but whole numbers from 100 up (1,500 rather than 1.5e+03)."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def same_scale_limits(low: float, high: float, size_ratio: float) -> tuple[float, float]:
    """Y limits around [low, high] spanning at least as many decades as N does, so that on
    every panel a flat line looks flat and a linear one rises at the same slope (on their own,
    1.19 s and 1.27 s would fill a panel and look steep)."""
    span = max(high / low, size_ratio, 10.0) * 2.0  # at least a decade, and a margin
    middle = (low * high) ** 0.5
    return middle / span**0.5, middle * span**0.5


CHART_PANELS = [
    # (title, [(result key, line label)], with a dashed linear reference)
    ("Cold read (index --rebuild), s", [("cold_read_s", None)], True),
    ("Warm start to the full list, s", [("warm_start_s", None)], False),
    (
        "Search p95, ms",
        [("search_first_hits_p95_ms", "first 200 hits"), ("search_full_count_p95_ms", "full count")],
        False,
    ),
    ("Peak memory, MB", [("ui_vmhwm_mb", "app after a search"), ("cold_peak_rss_mb", "cold read")], True),
]


def draw_chart(results: list[dict], out: Path) -> bool:
    """The 2x2 chart of cost against N; False (and how to install it) without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        print("No chart: matplotlib is missing (pip install -e '.[bench]').", file=sys.stderr)
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    results = sorted(results, key=lambda result: result["posts"])
    sizes = [result["posts"] for result in results]
    figure, axes = plt.subplots(2, 2, figsize=(8, 6), dpi=100)
    for panel, (title, series, with_linear) in zip(axes.flat, CHART_PANELS, strict=True):
        drawn: list[float] = []
        for key, label in series:
            points = [(result["posts"], result[key]) for result in results if result.get(key)]
            if not points:
                continue
            line = panel.plot(*zip(*points, strict=True), marker="o", label=label)[0]
            drawn += [value for _, value in points]
            for size, value in points:
                panel.annotate(readable(value), (size, value), xytext=(4, 4), textcoords="offset points", fontsize=7)
            if with_linear and len(points) > 1:
                (smallest, value), largest = points[0], points[-1][0]
                drawn.append(value * largest / smallest)
                panel.plot(
                    [smallest, largest],
                    [value, value * largest / smallest],
                    linestyle="--",
                    linewidth=1,
                    color=line.get_color(),
                    alpha=0.6,
                    label="linear from the smallest N" if key == series[0][0] else None,
                )
        panel.set_title(title, fontsize=10)
        panel.set_xscale("log")
        panel.set_yscale("log")
        panel.set_xticks(sizes, [short_count(size) for size in sizes])
        panel.xaxis.set_minor_locator(NullLocator())
        panel.set_xlim(min(sizes) / 1.6, max(sizes) * 1.6)  # room for the points' labels
        if drawn:
            panel.set_ylim(*same_scale_limits(min(drawn), max(drawn), max(sizes) / min(sizes)))
        panel.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        panel.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,g}"))
        panel.yaxis.set_minor_locator(NullLocator())
        panel.tick_params(labelsize=8)
        panel.grid(True, alpha=0.3)
        if panel.get_legend_handles_labels()[0]:
            panel.legend(fontsize=7)
    for panel in axes[1]:
        panel.set_xlabel("posts (N)", fontsize=8)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    plt.close(figure)
    print(f"chart: {out}", file=sys.stderr)
    return True


# ---------------------------------------------------------------- main


def main() -> None:
    """(The __main__ guard below matters: opening an archive may spawn processes that import this.)"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archives", nargs="*", help="archive folders, each PATH or PATH:N")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "scaling.png", help="the chart (PNG)")
    parser.add_argument("--json", type=Path, default=HERE / "out" / "scaling.json", help="the numbers")
    parser.add_argument("--from-json", type=Path, help="redraw the chart from saved numbers, measuring nothing")
    parser.add_argument("--generate", action="store_true", help="generate each missing PATH:N archive first")
    parser.add_argument("--runs", type=int, default=3, help="warm starts per archive (the median is kept)")
    parser.add_argument("--query", default="linux", help="the search typed in the app (in every generated archive)")
    parser.add_argument("--search-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.search_child:
        print(json.dumps(search_latencies(args.search_child)))
        return
    if args.from_json:
        draw_chart(json.loads(args.from_json.read_text()), args.out)
        return
    if not args.archives:
        parser.error("give archive folders (or --from-json FILE)")
    if shutil.which("tmux") is None:
        parser.error("tmux is needed to measure the app's warm start")
    if not POSTSHELF.exists():
        parser.error(f"{POSTSHELF} is missing: install postshelf in this Python (pip install -e .)")
    archives = [parse_archive_argument(text) for text in args.archives]
    for path, count in archives:
        if path.is_dir():
            continue
        if not (args.generate and count):
            parser.error(f"{path}: no such folder" + ("" if args.generate else " (--generate with PATH:N makes one)"))
        from generate_archive import generate

        print(f"generating {count:,} posts in {path}", file=sys.stderr)
        generate(path, count, seed=7)
    results = []
    for path, count in archives:
        started = time.perf_counter()
        result = measure_archive(path, count, args.runs, args.query)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        print(f"{path}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        results.append(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    draw_chart(results, args.out)


if __name__ == "__main__":
    main()
