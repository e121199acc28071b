"""Facet benchmark: build FacetData and time counts() on a real-shaped archive and on a synthetic
one with many distinct values, plus the panel's re-layout.

    POSTSHELF_CACHE_DIR=/tmp/pscache100k python benchmarks/facet_bench.py /tmp/arch100k
    python benchmarks/facet_bench.py benchmarks/out/archive-100000 [--repeat 30] [--no-panel]

The archive is opened from its cache when there is one (else read and cached: slow once).
The generated archives have only 12 categories and authors and no links, so a synthetic
table of 100k posts follows: ~5,000 authors and ~2,000 hosts (Zipf-like), 1-3 category paths
per post among ~600 leaves, dates over 12 years in several zones, 3% undated.
Prints one JSON object; times in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.archive.facet_query import selected_facets, with_facet  # noqa: E402
from tui.archive.facets import FacetData  # noqa: E402
from tui.archive.folding import fold_table  # noqa: E402
from tui.archive.post import Post  # noqa: E402
from tui.archive.post_table import PostTable  # noqa: E402


def timed(function, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50": round(statistics.median(samples), 2),
        "p95": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
        "max": round(samples[-1], 2),
    }


def open_archive(path: str):
    from tui.archive import cache
    from tui.archive.opening import open_archive as load

    started = time.perf_counter()
    try:
        archive = cache.load([path])  # no stat scan of 100k files: the facets need only the posts
        how = "cache"
    except cache.CacheError:
        archive, _ = load([path])
        how = "read"
    return archive, how, time.perf_counter() - started


def synthetic_table(posts: int, seed: int = 3) -> PostTable:
    rng = random.Random(seed)
    tops = ["新媒体", "编程", "二次元", "图片", "音视频", "传统媒体", "游戏", "社交媒体", "博客", "科技"]
    sources = [f"源{index} {rng.choice('ABCDEFGH')}" for index in range(200)]
    leaves = [
        (rng.choice(tops), rng.choice(sources), rng.choice(["channel", "首页", "快讯", "分类", "最新"]))
        for _ in range(600)
    ]
    leaves += [(top, source) for top, source, _ in leaves[:60]]  # some 2-level paths
    authors = [f"作者{index}" for index in range(5000)]
    hosts = [f"site{index}.example.com" for index in range(2000)]
    author_weights = [1 / (rank + 1) for rank in range(len(authors))]
    host_weights = [1 / (rank + 1) for rank in range(len(hosts))]
    zones = [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))]
    start = datetime(2011, 1, 1, tzinfo=UTC)
    picked_authors = rng.choices(authors, author_weights, k=posts)
    picked_hosts = rng.choices(hosts, host_weights, k=posts)
    table = PostTable()
    for index in range(posts):
        paths = tuple(rng.sample(leaves, rng.choice((1, 1, 1, 2, 3))))
        date = None
        if rng.random() > 0.03:
            date = (start + timedelta(seconds=rng.randrange(12 * 365 * 86400))).astimezone(rng.choice(zones))
        link = f"https://{picked_hosts[index]}/post/{index}" if rng.random() > 0.1 else ""
        table.append(
            Post(
                f"/x/{index}.md",
                f"{index}.md",
                f"title {index}",
                date,
                "",
                picked_authors[index] if rng.random() > 0.05 else "",
                paths,
                link=link,
            )
        )
    return table


def measure(posts, repeat: int, order: np.ndarray | None = None) -> dict:
    size = len(posts)
    ids = np.arange(size, dtype=np.int64) if order is None else order
    fold_table()  # built once per process (the app does it while loading): not a facet cost
    started = time.perf_counter()
    data = FacetData.build(posts)
    build = (time.perf_counter() - started) * 1000

    batched = FacetData()
    started = time.perf_counter()
    for stop in range(1024, size + 1024, 1024):
        batched.extend(posts, min(stop, size))
    batches = (time.perf_counter() - started) * 1000

    rng = np.random.default_rng(1)
    tenth = np.sort(rng.choice(ids, size=len(ids) // 10, replace=False))
    data.counts(ids)  # first call also caches the archive-wide counts
    counts = data.counts(ids)

    def counts_and_first_pages(subset=ids) -> None:
        result = data.counts(subset, universe=ids)
        for kind in ("cat", "author", "source", "date"):
            result.entries(kind, None, 0, 50)

    values = data.values("cat")
    started = time.perf_counter()
    for value in values[:50]:
        data.qualifier("cat", value)
    qualifier_ms = (time.perf_counter() - started) * 1000 / max(1, min(50, len(values)))

    return {
        "posts": size,
        "distinct": {kind: len(data.values(kind)) for kind in ("cat", "author", "source", "date")},
        "build_ms": round(build, 1),
        "extend_in_1024_batches_total_ms": round(batches, 1),
        "counts_all_ms": timed(lambda: data.counts(ids), repeat),
        "counts_10pct_ms": timed(lambda: data.counts(tenth), repeat),
        "counts_all_plus_first_pages_ms": timed(counts_and_first_pages, repeat),
        "category_qualifier_ms_each": round(qualifier_ms, 2),
        "top_author": counts.authors()[:1],
        "with_facet+selected_facets_ms": timed(
            lambda: selected_facets(
                with_facet('信用 "a phrase" -cat:图片 date:2021 sort:title', "cat", values[0], data), data
            ),
            repeat,
        ),
    }, data


async def panel_relayout(data: FacetData, ids: np.ndarray, repeat: int) -> dict:
    """show_counts with every section open and the authors list shown to 400 entries."""
    from textual.app import App

    from tui.widgets.facet_panel import FacetPanel

    styles = Path(__file__).resolve().parent.parent / "styles"

    class Bench(App):
        CSS_PATH = [str(styles / "postshelf.tcss"), str(styles / "facets.tcss")]

        def compose(self):
            yield FacetPanel(id="facets", expanded=("is", "cat", "source", "author", "date"))

    app = Bench()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FacetPanel)
        counts = data.counts(ids)
        panel.show_counts(counts, {"bookmarked": 10, "unread": 5000})
        for _ in range(3):  # "… more" on the authors: 50 -> 100 -> 200 -> 400
            more = [index for index, row in enumerate(panel.rows) if row.is_more and row.kind == "author"]
            if not more:
                break
            panel.cursor = more[0]
            panel.action_choose()
        await pilot.pause()
        rows = len(panel.rows)
        subset = ids[::7]
        other = data.counts(subset, universe=ids)
        flip = [counts, other]

        def relayout() -> None:
            flip.reverse()
            panel.show_counts(flip[0], {"bookmarked": 10, "unread": 5000})
            for y in range(24):
                panel.render_line(y)

        return {"rows": rows, "show_counts_and_paint_ms": timed(relayout, repeat)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", nargs="?", default=str(Path(__file__).resolve().parent / "out" / "archive-100000"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--synthetic", type=int, default=100_000, help="posts in the synthetic table (0: skip)")
    parser.add_argument("--no-panel", action="store_true")
    args = parser.parse_args()

    report: dict = {}
    if args.archive and Path(args.archive).exists():
        archive, how, seconds = open_archive(args.archive)
        result, data = measure(archive.posts, args.repeat, archive.order)
        report["archive"] = {"path": args.archive, "opened_from": how, "open_s": round(seconds, 2), **result}
        if not args.no_panel:
            report["archive"]["panel"] = asyncio.run(panel_relayout(data, archive.order, args.repeat))
    if args.synthetic:
        started = time.perf_counter()
        table = synthetic_table(args.synthetic)
        result, data = measure(table, args.repeat)
        report["synthetic"] = {"table_s": round(time.perf_counter() - started, 1), **result}
        if not args.no_panel:
            report["synthetic"]["panel"] = asyncio.run(
                panel_relayout(data, np.arange(len(table), dtype=np.int64), args.repeat)
            )
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
