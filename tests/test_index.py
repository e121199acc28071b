"""The search index answers exactly what a brute-force scan with the same folding answers."""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import sys
import tempfile
from datetime import UTC
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REAL, REPO
from tui.archive import Archive
from tui.archive.archive import find_post_files, load_file
from tui.archive.field_values import host_of as _host
from tui.archive.folding import fold
from tui.archive.highlights import highlight_spans
from tui.archive.index_batch import doc_text as _doc_text
from tui.archive.loader import load_archive
from tui.archive.natural_order import natural_key
from tui.archive.query import Query, Term, parse

sys.path.insert(0, str(REPO / "benchmarks"))
from generate_archive import COMMON_HANZI, generate  # noqa: E402


@lru_cache(maxsize=1)
def corpus() -> tuple[Archive, list[str]]:
    """The real corpus (when present) plus 150 generated posts, and each post's plain text."""
    folder = tempfile.mkdtemp(prefix="postshelf-index-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # built once per process, removed with it
    generated = Path(folder) / "generated"
    generate(generated, 150, seed=3)
    roots = [generated] + ([REAL] if REAL.is_dir() else [])
    archive = load_archive(roots)
    texts_by_path = {}
    for post_file in find_post_files(roots):
        loaded = load_file(post_file)
        if not isinstance(loaded, tuple):
            continue
        texts_by_path[loaded[0].path] = loaded[1]
    return archive, [texts_by_path[post.path] for post in archive.posts]


def brute_force(archive: Archive, texts: list[str], query: Query) -> list[int]:
    """The meaning of a query, written as plainly as possible."""

    def within(term: Term, value: str) -> bool:
        return fold(term.value) == fold(value) if term.exact else fold(term.value) in fold(value)

    def term_matches(term: Term, doc: int) -> bool:
        post = archive.posts[doc]
        if term.field == "text":
            found = fold(term.value) in fold(_doc_text(post, texts[doc]))
        elif term.field == "title":
            found = fold(term.value) in fold(post.title)
        elif term.field == "author":
            found = bool(post.author) and within(term, post.author)
        elif term.field == "tag":
            found = any(within(term, tag) for tag in post.tags)
        elif term.field == "cat":
            values = [level for path in post.categories for level in path]
            values += ["/".join(path[:depth]) for path in post.categories for depth in range(2, len(path) + 1)]
            found = any(within(term, value) for value in values)
        elif term.field == "source":
            found = bool(post.link) and within(term, _host(post.link))
        elif term.field == "date":
            stamp = post.date.replace(tzinfo=UTC).timestamp() if post.date else None
            found = (
                stamp is not None
                and (term.start is None or stamp >= term.start)
                and (term.end is None or stamp < term.end)
            )
        else:
            found = post.date is None if term.value == "undated" else post.repaired
        return found != term.negated

    return [
        doc
        for doc in archive.order.tolist()
        if all(any(term_matches(term, doc) for term in group) for group in query.groups)
    ]


def words_from(archive: Archive, texts: list[str]) -> list[str]:
    pieces = set()
    for text in texts[::3]:
        for start in range(0, min(len(text), 400), 37):
            for length in (1, 2, 3, 4, 6):
                piece = text[start : start + length].strip()
                if piece and '"' not in piece:
                    pieces.add(piece)
    pieces.update(["linux", "LINUX", "動畫", "动画", "ＡＢＣ", "Apple M1", "吨链", "的", "docker", "zzzz"])
    return sorted(pieces)


@lru_cache(maxsize=1)
def vocabulary() -> tuple[list[str], list[str], list[str]]:
    archive, texts = corpus()
    authors = sorted({post.author for post in archive.posts if post.author})
    categories = sorted({level for post in archive.posts for path in post.categories for level in path})
    return words_from(archive, texts), authors, categories


def query_text() -> st.SearchStrategy[str]:
    words, authors, categories = vocabulary()

    def quoted(value: str) -> str:
        special = " " in value or ":" in value or "(" in value or ")" in value
        return f'"{value}"' if (special or value.startswith("-") or value == "OR") else value

    word = st.sampled_from(words).map(quoted)
    qualifier = st.one_of(
        st.sampled_from(words).map(lambda w: f"title:{quoted(w)}"),
        st.sampled_from(authors).map(lambda a: f"author:{quoted(a[:4])}"),
        st.sampled_from(authors).map(lambda a: f"author:={quoted(a)}"),
        st.sampled_from(categories).map(lambda c: f"cat:={quoted(c)}"),
        st.sampled_from(categories).map(lambda c: f"cat:{quoted(c[:3])}"),
        st.integers(2015, 2023).map(lambda y: f"date:{y}"),
        st.tuples(st.integers(2015, 2023), st.integers(1, 12)).map(lambda ym: f"date:{ym[0]}-{ym[1]:02d}"),
        st.tuples(st.integers(2016, 2022), st.integers(1, 12)).map(lambda ym: f"before:{ym[0]}-{ym[1]:02d}-01"),
        st.integers(2016, 2022).map(lambda y: f"after:{y}-06-15"),
        st.sampled_from(["is:undated", "is:repaired", "source:example.com", "tag:x"]),
    )
    atom = st.one_of(word, word, qualifier)
    signed = st.tuples(st.booleans(), atom).map(
        lambda pair: ("-" if pair[0] and not pair[1].startswith("-") else "") + pair[1]
    )
    group = st.lists(signed, min_size=1, max_size=3).map(" OR ".join)
    sort = st.sampled_from(["", "", " sort:-date", " sort:title", " sort:relevance"])
    return st.tuples(st.lists(group, min_size=1, max_size=3).map(" ".join), sort).map("".join)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_index_agrees_with_brute_force(data) -> None:
    archive, texts = corpus()
    text = data.draw(query_text())
    query = parse(text)
    expected = brute_force(archive, texts, query)
    results = list(archive.index.search(query, limit=5))
    final = results[-1]
    assert final.complete and final.count == len(expected), text
    if query.sort == "date":
        assert final.ids.tolist() == expected, text
        assert results[0].ids.tolist() == expected[: max(5, len(results[0].ids))][: len(results[0].ids)], text
    elif query.sort == "-date":
        dated = [doc for doc in expected if archive.posts[doc].date is not None]
        undated = [doc for doc in expected if archive.posts[doc].date is None]
        assert final.ids.tolist() == dated[::-1] + undated, text  # undated last, in path order (README)
    else:
        assert sorted(final.ids.tolist()) == sorted(expected), text


def test_first_page_comes_before_the_count() -> None:
    archive, _ = corpus()
    # OR: through the postings, then checked (a long term in titles: their pairs say only "may")
    results = list(archive.index.search("data OR title:数据库", limit=3))
    assert not results[0].complete and len(results[0].ids) == 3
    assert results[-1].complete and results[-1].count > 3
    assert results[-1].ids[:3].tolist() == results[0].ids.tolist()


def test_relevance_puts_title_matches_first() -> None:
    archive, _ = corpus()
    result = archive.index.run("sort:relevance linux")
    in_title = [fold("linux") in fold(archive.posts[doc].title) for doc in result.ids.tolist()]
    assert in_title == sorted(in_title, reverse=True) and in_title[0]


def test_sort_title() -> None:
    archive, _ = corpus()
    ids = archive.index.run("sort:title 的").ids.tolist()
    titles = [fold(archive.posts[doc].title) for doc in ids]
    assert titles == sorted(titles, key=natural_key)  # `2` before `10`


def test_traditional_simplified_and_width_folding(tmp_path: Path) -> None:
    for name, text in (("traditional", "新番動畫推薦"), ("simplified", "新番动画推荐"), ("wide", "ＬＩＮＵＸ 内核")):
        (tmp_path / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n{text}\n", encoding="utf-8")
    folded = load_archive([tmp_path])
    assert folded.index.run("動畫").count == folded.index.run("动画").count == 2
    assert folded.index.run("linux").count == folded.index.run("Ｌｉｎｕｘ").count == 1
    archive, _ = corpus()
    assert archive.index.run("ＬＩＮＵＸ").count == archive.index.run("linux").count > 0


def test_should_stop_cancels_counting() -> None:
    archive, _ = corpus()
    results = list(archive.index.search("data OR title:数据库", limit=1, should_stop=lambda: True))
    assert len(results) == 1 and not results[0].complete


def test_highlight_spans_map_to_original_text() -> None:
    text = "動畫 and ＡＢＣ and Linux linux"
    assert [text[a:b] for a, b in highlight_spans(text, ("动画", "abc", "linux"))] == [
        "動畫",
        "ＡＢＣ",
        "Linux",
        "linux",
    ]
    assert highlight_spans("aaaa", ("aa", "aaa")) == [(0, 4)]


def test_empty_archive_searches() -> None:
    archive = load_archive([])
    assert archive.index.run("anything").count == 0
    assert archive.index.run("").ids.tolist() == []


def test_ids_are_numpy_ints() -> None:
    archive, _ = corpus()
    assert isinstance(archive.index.run("linux").ids, np.ndarray)


def test_date_qualifiers_use_the_date_the_post_shows(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: east\ndate: 2021-06-01T05:00:00+08:00\n---\nx")
    archive = load_archive([tmp_path])
    assert archive.posts[int(archive.order[0])].date_label == "2021-06-01"
    assert archive.index.run("date:2021-06-01").count == 1
    assert archive.index.run("date:2021-05-31").count == 0


def test_many_queries_on_every_core_give_what_one_at_a_time_gives() -> None:
    from tui.archive.many_queries import run_queries

    archive, _ = corpus()
    queries = [
        parse(text)
        for text in ("的", "title:新", "browser -的", "sort:relevance 中国", "sort:title date:2021", "zzzz-nothing")
    ]
    together = list(run_queries(archive.index, queries, limit=5))
    assert [result.query for result in together] == queries
    for query, result in zip(queries, together, strict=True):
        alone = archive.index.run(query)
        assert result.count == alone.count
        assert result.ids.tolist() == alone.ids[:5].tolist()
    assert together[0].count > 5 and together[-1].count == 0


def test_a_cache_searches_all_its_segments_at_once_and_finds_what_each_holds(tmp_path: Path, monkeypatch) -> None:
    """Read back from a cache, a gram is looked up in every segment in one pass
    (posting_stack.py): it must find exactly what the segments hold one by one, and searches
    must answer as they do before the cache."""
    from tui.archive import index_batch, posting_stack
    from tui.archive.opening import open_archive

    generated = tmp_path / "generated"
    generate(generated, 150, seed=5)
    roots = [generated] + ([REAL] if REAL.is_dir() else [])
    monkeypatch.setattr(index_batch, "SEGMENT_DOCS", 16)  # many small segments, some empty of a gram
    read, complete = open_archive(roots)
    assert complete
    cached, complete = open_archive(roots)
    assert complete
    state = cached.index.state
    stack = state.stack
    assert stack is not None and stack.count == len(state.segments) > 10
    assert read.index.state.stack is not None  # the cold read switched to its cache's files too
    assert not stack.lays_out(state.segments[1:]) and not stack.lays_out(state.segments[:-1])
    reordered = state.segments[1:2] + state.segments[:1] + state.segments[2:]
    assert stack.lays_out(state.segments) and not stack.lays_out(reordered)
    assert stack.fences is not None  # each segment's every 512th key, searched first
    from tui.archive.posting_stack import PostingStack, segment_row

    unfenced = PostingStack.of(
        stack.keys,
        stack.key_starts,
        stack.ids,
        np.array([segment_row(s) for s in state.segments]),
    )
    assert unfenced.fences is None
    keys = sorted({int(key) for segment in state.segments for key in segment.keys.tolist()})
    sample = keys[:: max(1, len(keys) // 3000)]
    for key in [0, keys[-1] + 1, *sample, *(key + 1 for key in sample[::5])]:
        one_by_one = sorted(
            segment.base + int(local) for segment in state.segments for local in segment.local_ids(key).tolist()
        )
        assert sorted(stack.docs_with(key).tolist()) == one_by_one == sorted(unfenced.docs_with(key).tolist()), key
        assert stack.count_with(key) == len(one_by_one)
        for by_segment_from in (0, 10**9):  # a segment at a time, and all at once
            monkeypatch.setattr(posting_stack, "_MARK_BY_SEGMENT_FROM", by_segment_from)
            mask = np.zeros(state.size, dtype=bool)
            stack.mark(key, mask)
            assert np.flatnonzero(mask).tolist() == one_by_one, key
    words = words_from(read, [read.posts[doc].title for doc in range(read.post_count)])
    plain = [word for word in words if not set(word) & set('()":-') and word != "OR"]
    for word in plain[::7] + ["linux", "的", "数据 OR 链", "title:的", "zzzz"]:
        assert cached.search(word).ids.tolist() == read.search(word).ids.tolist(), word


def test_a_common_term_s_first_screen_read_from_the_texts_is_the_full_result_s_first_screen(
    tmp_path: Path, monkeypatch
) -> None:
    """first_page.py reads a common term's first hits straight from the texts in list order:
    they must be the first hits of the complete result, and a rare term must still be found."""
    from tui.archive import first_page

    monkeypatch.setattr(first_page, "_POSTING_COST", 1.0)  # postings as dear as at a million posts
    generate(tmp_path / "many", 1200, seed=9)
    archive = load_archive([tmp_path / "many"])
    index = archive.index
    read_directly = []
    common = [
        "的",
        "链",
        "linux",
        "data 的",
        "吨链",
        "cat:编程 的",
        "date:2021 链",
        "zzzz",
        "链吨链吨",
        "sort:-date 的",
    ]
    for text in common + COMMON_HANZI[:60]:
        results = list(index.search(text, limit=20))
        final = results[-1]
        assert final.complete and final.count == len(final.ids), text
        if len(results) > 1:
            first = results[0]
            assert not first.complete and first.ids.tolist() == final.ids[: len(first.ids)].tolist(), text
            assert len(first.ids) == min(20, final.count), text
        page = first_page.scanned_first_page(
            index.state, parse(text), 20, lambda term: index._exact_mask(index.state, term, {})
        )
        if page is not None:
            hits, complete = page
            assert hits[:20] == final.ids[:20].tolist() and (len(hits) == final.count or not complete), text
            read_directly.append(text)
    assert {"链", "吨链", "linux", "date:2021 链"} <= set(read_directly), read_directly
    # is:unread asked twice in one search (a first screen, then the rest) must not change its
    # answer midway: the reader may mark posts read meanwhile.
    calls = []

    def flags(name: str, size: int) -> np.ndarray:
        calls.append(name)
        return np.arange(size) % (2 + len(calls)) != 0  # a different answer each time

    index.flags = flags
    results = list(index.search("is:unread linux", limit=20))
    assert len(calls) == 1 and len(results) == 2
    assert results[0].ids.tolist() == results[-1].ids[:20].tolist()


def test_every_post_s_postings_are_the_characters_and_pairs_of_its_folded_text() -> None:
    """The segment's postings, sorted as four runs (characters as uint32, pairs, titles' grams,
    words), must list each post under exactly its visible characters, its adjacent pairs (a space
    may be half of a pair, never a post separator), those of its title, and its words (maximal
    runs of three or more ASCII letters and digits), read here plainly from each post's folded
    text."""
    from tui.archive.folding import code_points, fold_code_points
    from tui.archive.index_batch import GRAM_SHIFT, TITLE_TAG, build_batch
    from tui.archive.words import word_key

    archive, texts = corpus()
    posts = [archive.posts[doc] for doc in range(archive.post_count)]
    posts.append(dataclasses.replace(posts[0], title="\U0010ffff \u3000"))  # the last code point
    texts = [*texts, ""]
    batch = build_batch(posts, texts)
    expected: dict[int, set[int]] = {}
    words: dict[str, set[int]] = {}
    for doc, post in enumerate(posts):
        folded = fold_code_points(code_points(_doc_text(post, texts[doc]))).tolist()
        for position, point in enumerate(folded):
            if point > 0x20:
                expected.setdefault(point, set()).add(doc)
            if position and point >= 0x20 and folded[position - 1] >= 0x20:
                expected.setdefault((folded[position - 1] << GRAM_SHIFT) | point, set()).add(doc)
        title = folded[: len(post.title)]
        for position, point in enumerate(title):
            if point > 0x20:
                expected.setdefault(TITLE_TAG | point, set()).add(doc)
            if position and point >= 0x20 and title[position - 1] >= 0x20:
                expected.setdefault(TITLE_TAG | (title[position - 1] << GRAM_SHIFT) | point, set()).add(doc)
        run = ""
        for point in [*folded, 0]:
            if chr(point) in "0123456789abcdefghijklmnopqrstuvwxyz":
                run += chr(point)
                continue
            if len(run) >= 3:
                words.setdefault(run, set()).add(doc)
                expected.setdefault(word_key(run), set()).add(doc)
            run = ""
    found: dict[int, set[int]] = {}
    for segment in batch.segments:
        assert np.all(segment.keys[1:] > segment.keys[:-1])
        for at, key in enumerate(segment.keys.tolist()):
            local = segment.ids[segment.starts[at] : segment.starts[at + 1]]
            assert np.all(np.diff(local.astype(np.int64)) > 0), key  # each post once, in order
            if len(local) or key >> GRAM_SHIFT < 0x20 or key & ((1 << GRAM_SHIFT) - 1):
                found.setdefault(key, set()).update(segment.base + int(one) for one in local.tolist())
        _assert_positions(
            segment,
            [
                fold_code_points(code_points(_doc_text(post, text)))
                for post, text in zip(
                    posts[segment.base : segment.base + segment.size],
                    texts[segment.base : segment.base + segment.size],
                    strict=True,
                )
            ],
            [len(post.title) for post in posts[segment.base : segment.base + segment.size]],
        )
    assert found == expected
    listed, keys, collided = batch.words
    assert sorted(listed) == sorted(words) and len(words) > 500 and "linux" in words and collided == []
    assert keys.tolist() == [word_key(word) for word in listed]


def _assert_positions(segment, folded_posts: list, title_lengths: list[int]) -> None:
    """Each key's positions are where its pair starts in the segment's texts, one after another
    (a separator between posts); (character, 0) where no pair in the BMP follows the character
    (a key with no posts of its own); none for a pair beyond the BMP."""
    from tui.archive.index_batch import GRAM_SHIFT

    joined: list[int] = []
    char_starts = []
    for folded in folded_posts:
        if joined:
            joined.append(0x1E)
        char_starts.append(len(joined))
        joined.extend(folded.tolist())
    expected: dict[int, list[int]] = {}
    for at, point in enumerate(joined):
        if 0x20 <= point < 0x10000:
            after = joined[at + 1] if at + 1 < len(joined) else 0
            after = after if 0x20 <= after < 0x10000 else 0
            expected.setdefault((point << GRAM_SHIFT) | after, []).append(at)
    assert segment.pos_starts is not None and segment.positions is not None
    found = {}
    for at, key in enumerate(segment.keys.tolist()):
        positions = segment.positions[segment.pos_starts[at] : segment.pos_starts[at + 1]].tolist()
        if positions:
            found[key] = positions
    assert found == expected
    assert segment.char_starts.tolist() == char_starts
    assert segment.title_stops.tolist() == [
        start + length for start, length in zip(char_starts, title_lengths, strict=True)
    ]


def test_latin_terms_are_answered_from_the_words_exactly(monkeypatch) -> None:
    """Terms of three or more ASCII letters and digits come from the word list (words.py) with
    no text checked; the posts must be exactly those whose folded text has the term. Two words
    given the same key (forced here) send their terms back to checking texts, still exact."""
    import re

    from tui.archive import words

    archive, texts = corpus()
    folded = [fold(_doc_text(post, texts[doc])) for doc, post in enumerate(archive.posts)]
    terms = sorted({piece for text in folded for piece in re.findall(r"[0-9a-z]{3,}", text)})
    terms = terms[::7] + [term[1:4] for term in terms[::11]] + ["ytho", "inux", "zzzzq", "2021", "ing"]
    index = archive.index
    checked = []
    for term in terms:
        expected = {doc for doc, text in enumerate(folded) if term in text}
        mask, exact = index.candidates(term)
        assert mask is not None
        if index.state.words.keys_containing(term) is not None:
            assert exact and set(np.flatnonzero(mask).tolist()) == expected, term
            checked.append(term)
        assert set(index.run(term, limit=None).ids.tolist()) == expected, term
    assert len(checked) > 200 and "ytho" in checked and "ing" not in checked  # `ing`: in too many words

    with monkeypatch.context() as one_key:  # every long word one key, within a segment
        one_key.setattr(words, "word_key", lambda word: 5)
        text = "abcdefghijk\x1eabcdefghijz abcdefghijk short"
        points = np.array([ord(char) for char in text], dtype=np.uint32)
        assert words.segment_words(points, text, np.flatnonzero(points == 0x1E))[1:] == (
            ["abcdefghijk", "abcdefghijz"],
            [5],
        )
    same_key = words.WordList()
    same_key.add(["abc", "xyz"], np.array([7, 8], dtype=np.uint64), [])
    same_key.add(["abd", "xyz"], np.array([7, 8], dtype=np.uint64), [])  # a later batch: abd has abc's key
    assert same_key.collided == {7} and same_key.keys_containing("ab") is None and same_key.keys_containing("xy") == [8]

    listed = index.state.words
    linux, kernel = words.word_key("linux"), words.word_key("kernel")
    monkeypatch.setattr(listed, "collided", {linux})  # as if two words had the key of `linux`
    assert listed.keys_containing("inux") is None and listed.keys_containing("kernel") == [kernel]
    expected = {doc for doc, text in enumerate(folded) if "inux" in text}
    assert expected and set(index.run("inux", limit=None).ids.tolist()) == expected


@pytest.mark.parametrize("terms", ["linux", "的", "linux 的", "apple", "数据", "http", "数据库"])
def test_a_relevance_first_screen_from_titles_is_the_top_of_the_full_order(terms: str) -> None:
    """When enough posts have a term in their title, they alone give the first screen
    (relevance.py): it must be exactly the start of the complete order."""
    archive, _ = corpus()
    folded = [fold(term) for term in terms.split()]
    limit = 3
    results = list(archive.index.search(f"sort:relevance {terms}", limit=limit))
    final = results[-1]
    in_titles = [doc for doc in final.ids.tolist() if any(t in fold(archive.posts[doc].title) for t in folded)]
    assert final.complete and final.ids.tolist() == archive.index.run(f"sort:relevance {terms}").ids.tolist()
    if len(in_titles) >= limit and final.count > limit:
        assert len(results) == 2 and not results[0].complete and results[0].count == final.count
        assert results[0].ids.tolist() == final.ids[:limit].tolist()
        assert set(final.ids[:limit].tolist()) <= set(in_titles)
    else:
        assert len(results) == 1


@pytest.mark.parametrize("text", ["ab\nabc", "abc\n\nabc", "abc\nABC", "abc\nabé", "\nabc", "abc\n", "abc\nab"])
def test_a_word_list_that_is_not_one_is_refused(text: str) -> None:
    """The cache's word list (words.WordList.saved) is checked when read: a wrong one would
    give wrong answers, so the cache is read again instead (CacheError)."""
    from tui.archive.words import WordList

    with pytest.raises(ValueError):
        WordList.restored(text, np.zeros(text.count("\n") + 1, dtype=np.uint64), [])
    good = WordList.restored("abc\nxyz9", np.array([5, 6], dtype=np.uint64), [])
    assert len(good) == 2 and good.keys_containing("yz9") == [6] and good.keys_containing("b") == [5]
    with pytest.raises(ValueError):
        WordList.restored("abc\nxyz9", np.array([5], dtype=np.uint64), [])


def test_relevance_leaves_out_posts_with_a_long_terms_grams_but_not_the_term(tmp_path: Path) -> None:
    """A term of three characters or more is narrowed by its pairs, and sort:relevance counts
    it in every candidate instead of checking each first: the candidates that have the pairs
    apart (`数据` and `据库`, never `数据库`) must be left out of the first screen, the count
    and the order."""
    for number in range(12):
        title = "数据库 评测" if number % 2 and number < 8 else "随笔"
        body = "数据库 " * (number + 1) if number < 8 else "数据 与 据库 各自出现"
        (tmp_path / f"post-{number:02d}.md").write_text(
            f"---\ntitle: {title}\ndate: 2021-01-{number + 1:02d}\n---\n{body}\n", encoding="utf-8"
        )
    archive = load_archive([tmp_path])
    having = {doc for doc, post in enumerate(archive.posts) if int(post.path.stem[-2:]) < 8}
    results = list(archive.index.search("sort:relevance 数据库", limit=3))
    final = results[-1]
    assert final.complete and final.count == 8 and set(final.ids.tolist()) == having
    numbers = [int(archive.posts[doc].path.stem[-2:]) for doc in final.ids.tolist()]
    assert numbers == [7, 5, 3, 1, 6, 4, 2, 0]  # the term in the title first, then more occurrences first
    assert len(results) == 2 and not results[0].complete and results[0].ids.tolist() == final.ids[:3].tolist()


@pytest.mark.parametrize("sorted_below", [1, 10**9])
def test_a_masks_posts_in_list_order_whichever_way_they_are_found(monkeypatch, sorted_below: int) -> None:
    """Few posts are sorted by their place, many are marked at their places (index_state)."""
    from tui.archive import index_state

    archive, _ = corpus()
    state = archive.index.state
    monkeypatch.setattr(index_state, "SORTED_BELOW", sorted_below)
    rng = np.random.default_rng(5)
    for share in (0.0, 0.01, 0.3, 1.0):
        mask = rng.random(state.size) < share
        expected = [doc for doc in state.order.tolist() if mask[doc]]
        assert state.in_order(mask).tolist() == expected


def test_relevance_with_two_terms_puts_every_title_match_above_every_body(tmp_path: Path) -> None:
    """Each term's body count was capped at 999 on its own, so two terms 600 times each in a
    body (1,200) outscored a title match (1,000), and the first screen (titles alone) was not
    the top of the full order (found in review)."""
    for number in range(4):
        (tmp_path / f"t{number}.md").write_text(
            f"---\ntitle: foo note {number}\ndate: 2021-01-0{number + 1}\n---\nbar once\n", encoding="utf-8"
        )
    (tmp_path / "heavy.md").write_text(
        "---\ntitle: heavy\ndate: 2020-01-01\n---\n" + "foo bar " * 600, encoding="utf-8"
    )
    archive = load_archive([tmp_path])
    first, final = archive.index.search("sort:relevance foo bar", limit=3)
    names = [archive.posts[doc].path.name for doc in final.ids.tolist()]
    assert names == ["t3.md", "t2.md", "t1.md", "t0.md", "heavy.md"]
    assert first.ids.tolist() == final.ids[:3].tolist()


def test_relevance_finds_a_term_across_the_end_of_the_title(tmp_path: Path) -> None:
    """`postshelf search -q` takes a line break in a phrase: a match across the title's end
    is found by every sort, sort:relevance too (it counts the title and the body apart)."""
    (tmp_path / "a.md").write_text("---\ntitle: Kernel notes\ndate: 2021-01-01\n---\nhello\n", encoding="utf-8")
    archive = load_archive([tmp_path])
    for query in ('"notes\n"', '"notes\n" sort:relevance', '"s\n\n" sort:relevance'):
        assert archive.index.run(query).count == 1, query


def test_a_phrase_the_reader_shows_in_one_piece_is_found(tmp_path: Path, real_corpus: Path) -> None:
    """Links, emphasis, inline tags, code spans and CJK line breaks split the indexed text where
    the reader shows one piece (review: 紧急呼吁用户 in a real post found nothing)."""
    from tui.rendering.post import line_text, post_lines

    (tmp_path / "page.md").write_text(
        "---\ntitle: page\n---\n前文[链接文字](http://x.com)后文 hello**world**end 这是*重点*内容 第一行\n第二行\n\n"
        "Use `Array<String>` and [`x: true`](/c.html#x) 启用此功能, snake_case stays, [![badge](b.png)](u) [ref text][1]\n\n"
        "[1]: http://example.com\n[asdf]: http://a\n[chruby]: http://c\n\n一个3*3矩阵\n\n"  # (marks pair within a paragraph: one each)
        # Marks that pair with none are shown, and found (review): each was lost from the index.
        + "\n\n".join(
            (
                "Put posts in _posts and edit _config.yml",
                "Use *args and **kwargs",
                "Glob *.md and *.txt",
                "char* p and int* q",
                "**bold** then 2*3",
                "MAX_SIZE_ and foo_*",
                "matrix[i][j] and dp[0][2]",
                "\\[not link\\](x) here",
                "managers such as [asdf], [chruby] or [rvm]",  # shortcut references: [rvm] is not defined
                "similar [if you use the `github-pages`\ngem](/x) here",  # link text over a line break
                "while i < rows and j > 0",  # `<` before a space starts no tag
                "> 引用的第一行\n> 引用的第二行",  # a quote's lines are joined, without their `>`
                "- **`import.meta.env.MODE`**: {string} 模式",  # bold code: its marks are not text
                "No preset limits[^limits] in it\n\n[^limits]: A note.",  # shown as [n]
                "Match [^abc] in a regex",  # no such footnote: text
                "A claim[^1].\n\n[^1]: Footnotes are shown at the end",  # (a link definition is not)
            )
        )
        + "\n\n"
        "第三行文字 \n第四行文字\n\n第五行\n**第六行**\n\n硬换行  \n下一行\n\n```\n代码一\n代码二\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.md").write_text(
        '---\ntitle: feed\n---\n<div><p>在<a href="http://x.com">紧急呼吁</a>用户 <B>ab</B>cd 第一行\n第二行</p></div>\n',
        encoding="utf-8",
    )
    archive = load_archive([tmp_path, real_corpus])
    page, feed = (next(p for p in archive.ordered_posts() if p.title == name) for name in ("page", "feed"))
    shown = {
        post.title: "\n".join(line_text(line) for line in post_lines(archive.reader_markdown(post), 200)[0])
        for post in (page, feed)
    }
    for phrase, post in (
        ("链接文字后文", page),
        ("helloworldend", page),
        ("这是重点内容", page),
        ("第一行第二行", page),
        ('"Array<String>"', page),
        ('"true 启用此功能"', page),
        ("snake_case", page),
        ('"ref text"', page),
        ("3*3矩阵", page),  # a lone mark is no emphasis: shown, and found, as written
        ("_config.yml", page),
        ('"*args and **kwargs"', page),
        ('"*.md and *.txt"', page),
        ('"char* p and int* q"', page),
        ('"bold then 2*3"', page),
        ('"MAX_SIZE_ and foo_*"', page),
        ('"matrix[i][j] and dp[0][2]"', page),  # no reference [2] defined: not a link
        ('"[not link](x) here"', page),
        ('"as asdf, chruby or [rvm]"', page),
        ('"use the github-pages gem here"', page),
        ('"while i < rows and j > 0"', page),
        ('"Footnotes are shown at the end"', page),
        ("第一行引用的第二行", page),
        ('"import.meta.env.MODE: {string}"', page),
        ('"No preset limits[1] in it"', page),  # (the page's first footnote)
        ('"Match [^abc] in a regex"', page),
        ("文字第四行", page),  # one space before the line's end is no hard break
        ("第五行第六行", page),  # a line starting in bold is joined like any other
        ("紧急呼吁用户", feed),
        ("abcd", feed),
        ("第一行第二行", feed),
    ):
        assert phrase.strip('"') in shown[post.title], (phrase, shown[post.title])  # what the reader shows
        assert post.title in {archive.posts[i].title for i in archive.search(phrase).ids}, phrase  # is found
    (tmp_path / "breaks.md").write_text(
        "---\ntitle: breaks\n---\n<div><p>换行前<br>\n换行后, 2<sup>31</sup> - 1</p></div>\n", encoding="utf-8"
    )
    archive = load_archive([tmp_path, real_corpus])
    for glued in ("硬换行下一行", "代码一代码二", "换行前换行后"):  # breaks and code lines are not joined
        assert archive.search(glued).count == 0, glued
    raised = {archive.posts[i].title for i in archive.search('"2^31 - 1"').ids}  # as shown (322 Coin Change too)
    assert "breaks" in raised and archive.search('"231 - 1"').count == 0
    found = {archive.posts[i].title for i in archive.search("紧急呼吁用户").ids}
    assert len(found) == 2 and any("Linus Torvalds" in title for title in found), found  # the real post
