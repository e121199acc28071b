"""Write a synthetic archive shaped like the real RSSHub-to-Hexo corpus, for benchmarks.

    python benchmarks/generate_archive.py OUT_DIR --posts 100000 [--seed 7]

Each post: a leading blank line, YAML frontmatter (quoted title, 3-level categories, author,
RFC 822 date, thumbnail), then an HTML body in a <div>: paragraphs of Chinese words with some
English, links, images behind a CORS proxy, now and then a list, a table or code. Word
frequencies follow a Zipf law so postings look like real text. Sizes: median ~3 KB, a long
tail, and every 1000th post ~40 KB. Fixed seed: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

# GB2312 level-1 hanzi: the 3,755 most common characters.
COMMON_HANZI = [
    bytes([high, low]).decode("gb2312")
    for high in range(0xB0, 0xD8)
    for low in range(0xA1, 0xFF)
    if not (high == 0xD7 and low > 0xF9)
]
ENGLISH = (
    "linux python rust github release update open source data model cloud server api "
    "security patch kernel apple microsoft google android windows docker kubernetes web "
    "browser chrome firefox database sql performance memory network video game anime"
).split()
CATEGORIES = [
    ("新媒体", "ZAKER", "channel"),
    ("新媒体", "36氪", "快讯"),
    ("编程", "开源中国", "资讯"),
    ("编程", "掘金", "分类"),
    ("二次元", "Bangumi", "放送列表"),
    ("图片", "1X", "Photos"),
    ("音视频", "低端影视", "首页"),
    ("传统媒体", "Solidot", "最新消息"),
    ("游戏", "3DMGame", "新闻中心"),
    ("新媒体", "IT 之家", "分类资讯"),
    ("社交媒体", "知乎", "用户文章"),
    ("编程", "LeetCode", "文章"),
]


class Writer:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        rng = self.random
        # A vocabulary of 30k words of 1-4 characters, drawn with Zipf-like weights.
        self.words = [
            "".join(rng.choice(COMMON_HANZI) for _ in range(rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(30000)
        ]
        self.weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        self.cumulative = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self.cumulative.append(total)

    def sentence(self, length: int) -> str:
        rng = self.random
        picks = rng.choices(self.words, cum_weights=self.cumulative, k=length)
        parts = []
        for word in picks:
            parts.append(word)
            if rng.random() < 0.04:
                parts.append(f" {rng.choice(ENGLISH)} ")
        return "".join(parts) + rng.choice("。，！？；") + "。"

    def body(self, target_chars: int) -> str:
        rng = self.random
        blocks = []
        size = 0
        while size < target_chars:
            roll = rng.random()
            if roll < 0.08:
                url = f"https://cors.zfour.workers.dev/?http://img.example.com/{rng.randrange(10**9)}.jpg"
                block = f'<p><img src="{url}" referrerpolicy="no-referrer"></p>'
            elif roll < 0.12:
                items = "".join(f"<li>{self.sentence(rng.randint(4, 10))}</li>" for _ in range(rng.randint(2, 5)))
                block = f"<ul>{items}</ul>"
            elif roll < 0.13:
                rows = "".join(f"<tr><td>{self.sentence(2)}</td><td>{rng.randint(1, 999)}</td></tr>" for _ in range(4))
                block = f"<table><tbody>{rows}</tbody></table>"
            elif roll < 0.14:
                block = "<pre><code>def main():\n    return &#123;'ok': True&#125;\n</code></pre>"
            else:
                text = self.sentence(rng.randint(10, 60))
                if rng.random() < 0.2:
                    text += f' <a href="https://example.com/{rng.randrange(10**6)}">{rng.choice(ENGLISH)}</a>'
                block = f"<p>{text}</p>"
            blocks.append(block)
            size += len(block)
        return "".join(blocks)

    def post(self, index: int, now: datetime) -> tuple[str, str]:
        rng = self.random
        categories = rng.choice(CATEGORIES)
        title = self.sentence(rng.randint(4, 12)).rstrip("。")
        date = now - timedelta(seconds=rng.randrange(0, 5 * 365 * 86400))
        if index % 1000 == 0:
            target = 40000
        else:
            target = int(min(30000, rng.lognormvariate(6.9, 0.6)))
        image = f"'https://cors.zfour.workers.dev/?http://img.example.com/{index}.jpg'"
        text = (
            f"\n---\ntitle: '{title}'\ncategories: \n"
            + "".join(f" - {level}\n" for level in categories)
            + f"headimg: {image}\nauthor: {categories[1]}\ncomments: false\n"
            + f"date: {format_datetime(date, usegmt=True)}\nthumbnail: {image}\n---\n\n"
            + f"<div>   \n{self.body(target)}  \n</div>\n            "
        )
        folder = "/".join(categories)
        return f"source/_posts/{folder}/{index:06d}.md", text


def generate(out: Path, posts: int, seed: int = 7) -> None:
    writer = Writer(seed)
    now = datetime(2022, 12, 31, tzinfo=UTC)
    for index in range(posts):
        relative, text = writer.post(index, now)
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    generate(args.out, args.posts, args.seed)
    print(f"wrote {args.posts} posts to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
