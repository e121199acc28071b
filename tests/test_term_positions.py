"""Terms found by their pairs' positions: exactly the posts and counts the texts themselves give."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REAL, REPO
from tui.archive import index_batch
from tui.archive.folding import fold
from tui.archive.index_state import IndexState
from tui.archive.loader import refresh
from tui.archive.opening import open_archive
from tui.archive.query import Query, Term
from tui.archive.term_positions import (
    _MATCHERS,
    _Plan,
    _plan,
    containing_mask,
    positioned_points,
    term_counts,
    term_starts,
)
from tui.archive.text_match import containing, occurrences

sys.path.insert(0, str(REPO / "benchmarks"))
from generate_archive import generate  # noqa: E402


def _texts(state: IndexState) -> list[str]:
    return [
        bytes(state.blob_for(doc)[state.starts[doc] : state.ends[doc]]).decode("utf-8", "surrogatepass")
        for doc in range(state.size)
    ]


def _pieces(texts: list[str], seed: int) -> list[str]:
    """Pieces of the posts' own texts (2 to 9 characters: spaces, punctuation, Latin and CJK
    alike), and a few that are in none."""
    rng = random.Random(seed)
    pieces = set()
    while len(pieces) < 400:
        text = rng.choice(texts)
        length = rng.choice((2, 3, 3, 4, 4, 5, 6, 9))
        start = rng.randrange(max(1, len(text) - length))
        pieces.add(text[start : start + length])
    return sorted(pieces) + ["吨链链吨", "zzzz", "the the"]


def _agree(state: IndexState, pieces: list[str]) -> int:
    """Check every piece the positions can tell against the texts; how many they told."""
    everyone = np.arange(state.size)
    told = 0
    for piece in pieces:
        term = fold(piece)
        encoded = term.encode("utf-8", "surrogatepass")
        mask = containing_mask(state, term)
        if mask is None:
            continue
        told += 1
        expected = np.zeros(state.size, dtype=bool)
        expected[containing(state, encoded, everyone.tolist())] = True
        assert np.flatnonzero(mask).tolist() == np.flatnonzero(expected).tolist(), piece
        counts = term_counts(state, term)
        assert counts is not None, piece
        assert counts[0].tolist() == occurrences(state, everyone, encoded, state.starts, state.title_ends).tolist()
        assert counts[1].tolist() == occurrences(state, everyone, encoded, state.title_ends, state.ends).tolist()
    return told


def _assert_ways_agree(state: IndexState, pieces: list[str]) -> None:
    """Each way of matching a term's pairs (all segments at once, by one binary search in all,
    segment by segment) finds the same starts, whichever the plan would choose."""
    planned = 0
    for piece in pieces:
        points = positioned_points(fold(piece))
        plan = None if points is None or len(points) < 2 else _plan(state, points)
        if not isinstance(plan, _Plan):
            continue
        planned += 1
        found = [match(state, plan.pairs).tolist() for match in _MATCHERS.values()]
        assert found[0] == found[1] == found[2], piece
    assert planned > 300


def test_positions_find_the_posts_and_counts_the_texts_have_read_cold_from_a_cache_and_added_since(
    tmp_path: Path, monkeypatch
) -> None:
    generated = tmp_path / "generated"
    generate(generated, 120, seed=9)
    roots = [generated] + ([REAL] if REAL.is_dir() else [])
    monkeypatch.setattr(index_batch, "SEGMENT_DOCS", 16)  # many segments: terms in some, not others
    read, _ = open_archive(roots)
    cold = read.index.state
    pieces = _pieces(_texts(cold), seed=1)
    assert _agree(cold, pieces) > 350
    cached, _ = open_archive(roots)
    _assert_ways_agree(cached.index.state, pieces)  # every segment the cache's: all three ways
    (generated / "late.md").write_text(
        "---\ntitle: 吨链链吨 the the\n---\n吨链链吨吨链 the the the, 数据😀数据 𠀀𠀁 aaaaaaa\n", encoding="utf-8"
    )
    refresh(cached)  # the cache's segments, then the new post in a segment of its own
    state = cached.index.state
    assert state.stack is not None and state.stack.count < len(state.segments)
    late = cached.search("吨链链吨 the").ids.tolist()
    assert [cached.posts[doc].path.name for doc in late] == ["late.md"]
    assert _agree(state, pieces + ["数据", "据😀", "the the", "aaa", "aaaa", "吨链", "链吨吨", "链链"]) > 350


def test_overlapping_repeats_are_counted_as_a_left_to_right_count_counts_them(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: 链吨链吨链吨链\n---\naaaaaaa 链吨链吨链 abababab xaax\n", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text("---\ntitle: other\n---\naaa aa a\n", encoding="utf-8")
    archive, _ = open_archive([tmp_path])
    state = archive.index.state
    everyone = np.arange(state.size)
    for term in ("链吨链", "链吨链吨", "aaa", "aa", "abab", "bab", "a a"):
        counts = term_counts(state, term)
        assert counts is not None, term
        encoded = term.encode()
        assert counts[0].tolist() == occurrences(state, everyone, encoded, state.starts, state.title_ends).tolist()
        assert counts[1].tolist() == occurrences(state, everyone, encoded, state.title_ends, state.ends).tolist()
    assert archive.search("sort:relevance aaa").count == 2


def test_a_pair_repeated_all_over_its_posts_is_checked_in_the_texts_instead(tmp_path: Path) -> None:
    rule = "=" * 4000
    for name in range(3):
        body = f"{rule}\n{'==x' if name else 'x=='}\n"
        (tmp_path / f"{name}.md").write_text(f"---\ntitle: post {name}\n---\n{body}", encoding="utf-8")
    archive, _ = open_archive([tmp_path])
    state = archive.index.state
    assert term_starts(state, [ord(c) for c in "==="]) is None  # 12,000 positions for 3 posts
    assert archive.search('"==="').count == 3
    assert term_starts(state, [ord(c) for c in "==x"]) is not None  # "=x" has 2: "==" is searched at them
    assert archive.search('"==x"').count == 2


@pytest.mark.parametrize("term", ["数据😀", "😀数", "𠀀𠀁", "a\n\n"])
def test_a_term_positions_cannot_tell_is_found_in_the_texts(tmp_path: Path, term: str) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: a\n---\n数据😀数据 𠀀𠀁\n数\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: b\n---\n数据 😀 数 𠀀\n", encoding="utf-8")
    archive, _ = open_archive([tmp_path])
    assert containing_mask(archive.index.state, term) is None
    found = archive.index.run(Query(groups=((Term("text", term),),))).ids.tolist()
    assert [archive.posts[doc].path.name for doc in found] == ["a.md"]


def test_an_archive_without_posts_finds_nothing_by_positions(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a post\n", encoding="utf-8")
    for _ in range(2):  # read, then from its cache
        archive, _ = open_archive([tmp_path])
        for query in ("数据库", '"a b"', "foo-bar", "sort:relevance 数据库"):
            assert archive.search(query).count == 0, query


def test_a_cache_whose_post_positions_are_out_of_order_is_rebuilt(tmp_path: Path, monkeypatch) -> None:
    from tui.archive.locations import cache_dir_for

    monkeypatch.setattr(index_batch, "SEGMENT_DOCS", 2)
    for number in range(6):
        (tmp_path / f"{number}.md").write_text(f"---\ntitle: post {number}\n---\nhello world end\n", encoding="utf-8")
    open_archive([tmp_path])
    path = cache_dir_for([tmp_path]) / "char_starts.npy"
    starts = np.load(path)
    starts[1] = 0  # the second post starting where the first does: same size, same totals
    np.save(path, starts)
    notices: list[str] = []
    archive, _ = open_archive([tmp_path], notice=notices.append)
    assert any("out of order" in notice for notice in notices), notices
    assert archive.search('"o w"').count == 6
