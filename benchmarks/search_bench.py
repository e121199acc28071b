"""Search benchmark: build the index over an archive and time queries of each kind.

    python benchmarks/search_bench.py ARCHIVE [--repeat 3]

Prints one JSON object: load and index build time, resident memory, and for each query kind
the p50/p95 milliseconds to the first 200 hits (the first screen), plus the time to the full
count. The archive is opened as the app opens it: from its cache when there is one (the first
run reads every post and writes the cache). Use benchmarks/generate_archive.py to make
ARCHIVE (same seed: same queries).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_archive import COMMON_HANZI, ENGLISH, Writer  # noqa: E402
from tui.archive import Archive  # noqa: E402
from tui.archive.index import SearchIndex  # noqa: E402
from tui.archive.opening import open_archive  # noqa: E402


def resident_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def query_sets(archive: Archive, seed: int = 11) -> dict[str, list[str]]:
    rng = random.Random(seed)
    writer = Writer(7)
    words = writer.words[:2000]
    titles = [archive.posts[i].title for i in rng.sample(archive.order.tolist(), min(200, archive.post_count))]

    def piece(length: int) -> str:
        while True:
            title = rng.choice(titles)
            if len(title) >= length:
                start = rng.randrange(len(title) - length + 1)
                candidate = title[start : start + length]
                if " " not in candidate:
                    return candidate

    return {
        "1-char": [rng.choice(COMMON_HANZI) for _ in range(30)],
        "2-char": [w for w in words if len(w) == 2][:30],
        "4-char (present)": [piece(4) for _ in range(30)],
        "4-char (random)": ["".join(rng.choice(COMMON_HANZI) for _ in range(4)) for _ in range(30)],
        "english word": rng.sample(ENGLISH, 20) + [w.upper() for w in rng.sample(ENGLISH, 10)],
        "two-word AND": [f"{rng.choice(words)} {rng.choice(ENGLISH)}" for _ in range(30)],
        "phrase": [f'"{rng.choice(ENGLISH)} {rng.choice(COMMON_HANZI)}"' for _ in range(30)],
        "qualifier": [
            rng.choice(
                [
                    f"cat:编程 {rng.choice(ENGLISH)}",
                    f"author:ZAKER date:{rng.randint(2018, 2022)}",
                    f"title:{piece(2)}",
                    f"date:{rng.randint(2018, 2022)}-{rng.randint(1, 12):02d} -{rng.choice(words)}",
                    f"is:undated OR cat:知乎 {rng.choice(COMMON_HANZI)}",
                ]
            )
            for _ in range(30)
        ],
        "sort:relevance": [f"sort:relevance {rng.choice(words)}" for _ in range(10)],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def time_query(index: SearchIndex, query: str) -> tuple[float, float, int]:
    """(ms to the first 200 hits, ms to the full count, the count): what a reader waits for
    before the first screen of results, then before the status line's final count."""
    begin = time.perf_counter()
    results = index.search(query, limit=200)
    result = next(results)
    first_ms = (time.perf_counter() - begin) * 1000
    for result in results:  # noqa: B007 - the last result holds the full count
        pass
    return first_ms, (time.perf_counter() - begin) * 1000, result.count


def main() -> None:
    """(The __main__ guard below matters: loading spawns worker processes that import this.)"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    archive, _ = open_archive([args.archive])
    load_seconds = time.perf_counter() - started
    index = archive.index
    report = {
        "posts": archive.post_count,
        "load_seconds": round(load_seconds, 2),
        "index_build_seconds": round(index.build_seconds, 2),
        "resident_mb": round(resident_mb()),
        "peak_resident_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "postings": int(sum(len(segment.ids) for segment in index.state.segments)),
        "segments": len(index.state.segments),
        "queries": {},
    }
    for kind, queries in query_sets(archive).items():
        first, full, counts = [], [], []
        for _ in range(args.repeat):
            for query in queries:
                first_ms, full_ms, count = time_query(index, query)
                first.append(first_ms)
                full.append(full_ms)
                counts.append(count)
        report["queries"][kind] = {
            "first_200_p50_ms": round(statistics.median(first), 2),
            "first_200_p95_ms": round(percentile(first, 0.95), 2),
            "full_count_p95_ms": round(percentile(full, 0.95), 2),
            "median_matches": int(statistics.median(counts)),
        }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
