"""App benchmark: drive the real app (headless) over generated archives and print JSON.

    python benchmarks/app_bench.py --posts 10000 100000 [--out benchmarks/out]

For each size: cold start (no cache) and warm start, each in a fresh process, timed from
process launch: first paint (the window is up), full list (every post listed and searchable),
resident memory once loaded; then, in the warm app, post open latency p50/p95 for ordinary
posts and for 500 KB posts (with the longest event-loop stall while one renders), and list
scrolling (time per keypress). Archives are generated once (benchmarks/generate_archive.py)
plus five 500 KB posts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ensure_archive(out: Path, posts: int) -> Path:
    from generate_archive import Writer, generate

    root = out / f"archive-{posts}"
    marker = root / ".complete"
    if not marker.exists():
        generate(root, posts, seed=7)
        writer = Writer(99)
        big = root / "source" / "_posts" / "big"
        big.mkdir(parents=True, exist_ok=True)
        for number in range(5):
            body = writer.body(170_000)  # ~500 KB of UTF-8
            (big / f"big-{number}.md").write_text(
                f"---\ntitle: 'Big post {number}'\ndate: 2030-01-0{number + 1} 00:00:00\n---\n\n<div>{body}</div>\n",
                encoding="utf-8",
            )
        marker.write_text("ok")
    return root


# ---------------------------------------------------------------- one measured app run


async def measure(archive_root: Path, launched: float, detail: bool, expected: int | None = None) -> dict:
    from tui.app import PostshelfApp
    from tui.widgets.post_list import PostList
    from tui.widgets.reader_body import ReaderBody

    if expected is None:  # counted by the parent when run from main(): not part of the timed start
        expected = sum(1 for _ in archive_root.rglob("*.md"))
    app = PostshelfApp([archive_root], watch=False)
    result: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        result["first_paint_s"] = round(time.time() - launched, 3)
        post_list = app.screen.query_one(PostList)
        while not (app.archive is not None and post_list.count >= expected):
            await asyncio.sleep(0.01)
        result["full_list_s"] = round(time.time() - launched, 3)
        while not app.loading_complete:
            await asyncio.sleep(0.05)
        await app.workers.wait_for_complete()
        result["loaded_and_cached_s"] = round(time.time() - launched, 3)
        await asyncio.sleep(0.3)
        result["resident_mb"] = round(resident_mb())
        if not detail:
            return result

        archive = app.archive
        screen = app.screen
        body = screen.query_one(ReaderBody)

        async def open_and_wait(index: int) -> tuple[float, float, float]:
            """(ms to the first lines on screen, ms to the complete render, longest stall ms)."""
            stalls = []
            done = asyncio.Event()

            async def ticker() -> None:
                last = time.perf_counter()
                while not done.is_set():
                    await asyncio.sleep(0.005)
                    now = time.perf_counter()
                    stalls.append(now - last - 0.005)
                    last = now

            generation = body._generation
            tick = asyncio.create_task(ticker())
            started = time.perf_counter()
            screen.show_post(index)
            first = None
            while not (body._generation > generation and body._rendered_generation == body._generation):
                if first is None and body._generation > generation and body._shown_generation == body._generation:
                    first = time.perf_counter() - started
                await asyncio.sleep(0.001)
            elapsed = time.perf_counter() - started
            done.set()
            await tick
            return (first or elapsed) * 1000, elapsed * 1000, max(stalls, default=0.0) * 1000

        order = archive.order.tolist()
        rng = random.Random(5)
        small = [i for i in rng.sample(order, 60) if "big" not in archive.posts[i].relative_path][:50]
        timings = [await open_and_wait(index) for index in small]
        result["open_ms_p50"] = round(statistics.median(t for _, t, _ in timings), 1)
        result["open_ms_p95"] = round(percentile([t for _, t, _ in timings], 0.95), 1)
        big = [i for i in order if "big" in archive.posts[i].relative_path]
        big_timings = [await open_and_wait(index) for index in big]
        result["open_500kb_first_screen_ms_max"] = round(max(f for f, _, _ in big_timings), 1)
        result["open_500kb_complete_ms_p50"] = round(statistics.median(t for _, t, _ in big_timings), 1)
        result["open_500kb_complete_ms_max"] = round(max(t for _, t, _ in big_timings), 1)
        result["open_500kb_longest_stall_ms"] = round(max(s for _, _, s in big_timings), 1)

        # Scrolling: the app's own work per keypress (move the cursor, repaint every visible
        # row: an upper bound, Textual repaints only what changed). Pilot's press() waits for
        # the whole app to go idle and would mostly time itself.
        post_list.focus()
        await pilot.pause()

        def frame(action) -> float:
            started = time.perf_counter()
            action()
            for y in range(post_list.size.height):
                post_list.render_line(y)
            return (time.perf_counter() - started) * 1000

        moves = [frame(post_list.action_cursor_down) for _ in range(300)]
        pages = [frame(post_list.action_page_down) for _ in range(100)]
        result["scroll_row_ms_p50"] = round(statistics.median(moves), 2)
        result["scroll_row_ms_p95"] = round(percentile(moves, 0.95), 2)
        result["scroll_page_ms_p95"] = round(percentile(pages, 0.95), 2)
        last = post_list.count - 1
        result["jump_to_end_ms"] = round(frame(post_list.action_last), 2)
        assert post_list.cursor == last
    return result


def child(args: argparse.Namespace) -> None:
    launched = float(os.environ["POSTSHELF_BENCH_LAUNCHED"])
    expected = int(os.environ["POSTSHELF_BENCH_EXPECTED"]) if "POSTSHELF_BENCH_EXPECTED" in os.environ else None
    report = asyncio.run(measure(Path(args.archive), launched, args.detail, expected))
    print(json.dumps(report))


def run_child(archive: Path, cache: Path, detail: bool) -> dict:
    expected = str(sum(1 for _ in archive.rglob("*.md")))
    env = dict(
        os.environ,
        POSTSHELF_CACHE_DIR=str(cache),
        POSTSHELF_BENCH_EXPECTED=expected,
        POSTSHELF_BENCH_LAUNCHED=repr(time.time()),
    )
    command = [sys.executable, __file__, "--child", "--archive", str(archive)] + (["--detail"] if detail else [])
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[10000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--archive", help=argparse.SUPPRESS)
    parser.add_argument("--detail", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    report = {"machine": f"{os.cpu_count()} cores, {os.uname().machine}", "sizes": {}}
    for posts in args.posts:
        archive = ensure_archive(args.out, posts)
        with tempfile.TemporaryDirectory() as cache:
            cold = run_child(archive, Path(cache), detail=False)
            warm = run_child(archive, Path(cache), detail=True)
        report["sizes"][str(posts)] = {
            "cold": cold,
            "warm": warm,
            "archive_mb": round(sum(p.stat().st_size for p in archive.rglob("*.md")) / 1e6),
        }
        print(json.dumps({posts: report["sizes"][str(posts)]}), file=sys.stderr)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
