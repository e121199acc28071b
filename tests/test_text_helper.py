"""The second process that checks half of a long run of texts: the same answers, or none."""

from __future__ import annotations

import os
from itertools import repeat
from pathlib import Path

import pytest

from helpers import wait_until
from tui.archive import term_positions, text_helper
from tui.archive.opening import open_archive
from tui.archive.text_helper import HELPER, TextHelper, map_file, source_of

TERMS = ["信用", "linux", "的", "数据", "苹果", "二次元", "the", "https", "不存在的词语", "，"]


def _texts(tmp_path: Path, piece: bytes, times: int):
    """A texts file of `piece` repeated, mapped, and each piece's (starts, ends)."""
    path = tmp_path / "texts.blob"
    path.write_bytes(piece * times)
    with open(path, "rb") as file:
        blob = map_file(file)
    starts = list(range(0, len(piece) * times, len(piece)))
    return blob, starts, [start + len(piece) for start in starts]


def _finds(blob, term: bytes):
    return lambda starts, ends: list(map(blob.find, repeat(term), starts, ends))


def test_searches_shared_with_the_second_process_find_what_one_finds(real_corpus: Path, monkeypatch) -> None:
    open_archive([real_corpus])  # writes the cache: its texts are a mapped file the helper can read
    archive, _ = open_archive([real_corpus])
    assert source_of(archive.index.state.main_blob) is not None
    monkeypatch.setattr(term_positions, "POSITIONS_PER_CHECK", 0)  # no term found by its positions: all checked
    monkeypatch.setattr(text_helper, "SHARED_FROM", 10**9)
    alone = {term: archive.search(term).ids.tolist() for term in TERMS}
    relevance = {term: archive.search(f"sort:relevance {term}").ids.tolist() for term in TERMS}
    monkeypatch.setattr(text_helper, "SHARED_FROM", 2)  # every run of two texts or more is shared
    wait_until(HELPER.ready, what="the text helper to start")
    answered = HELPER.answered
    for term in TERMS:
        assert archive.search(term).ids.tolist() == alone[term], term
        assert archive.search(f"sort:relevance {term}").ids.tolist() == relevance[term], term
    assert HELPER.ready() and HELPER.answered > answered + len(TERMS)  # it took part, and answered every time


def test_a_file_replaced_since_is_not_read_and_a_dead_helper_is_not_waited_for(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(text_helper, "SHARED_FROM", 2)
    blob, starts, ends = _texts(tmp_path, b"alpha beta|gamma alpha|delta|alpha", 100)
    path = tmp_path / "texts.blob"
    helper = TextHelper()
    try:
        wait_until(helper.ready, what="the text helper to start")
        expected = _finds(blob, b"gamma")(starts, ends)
        assert helper.split(blob, b"gamma", starts, ends, False, _finds(blob, b"gamma")) == expected
        assert helper.answered == 1
        replacement = tmp_path / "new.blob"
        replacement.write_bytes(b"x" * len(blob))
        os.replace(replacement, path)  # a cache written anew: same path, another file
        assert helper.split(blob, b"gamma", starts, ends, False, _finds(blob, b"gamma")) == expected
        assert helper.answered == 2  # from the map it holds: the file the caller maps too
        newcomer = TextHelper()  # one that must open the path finds another file there
        try:
            wait_until(newcomer.ready, what="another text helper to start")
            assert newcomer.split(blob, b"gamma", starts, ends, False, _finds(blob, b"gamma")) == expected
            assert newcomer.answered == 0
        finally:
            newcomer.close()
        helper._process.kill()
        helper._process.wait()
        assert helper.split(blob, b"gamma", starts, ends, False, _finds(blob, b"gamma")) == expected
        assert not helper.ready()  # failed once: the searches go alone from then on
    finally:
        helper.close()


def test_a_map_grown_since_is_read_to_its_length_only(tmp_path: Path) -> None:
    """A cold read's texts file grows batch by batch: a map of its first batch is not the file."""
    path = tmp_path / "texts.blob"
    with open(path, "w+b") as file:
        file.write(b"one two three " * 400)
        file.flush()
        first = map_file(file, 14 * 400)
        file.write(b"four " * 400)
        file.flush()
        grown = map_file(file, 14 * 400 + 5 * 400)
    assert source_of(first) != source_of(grown)
    helper = TextHelper()
    try:
        wait_until(helper.ready, what="the text helper to start")
        starts, ends = [0] * 8192, [len(grown)] * 8192
        counted = helper.split(
            grown,
            b"four",
            starts,
            ends,
            True,
            lambda s, e: [grown[a:b].count(b"four") for a, b in zip(s, e, strict=True)],
        )
        assert counted == [400] * 8192 and helper.answered == 1
    finally:
        helper.close()


@pytest.fixture(autouse=True)
def _no_helper_left(monkeypatch):
    yield
    HELPER.close()
    monkeypatch.setattr(HELPER, "_failed", False)


def test_a_search_stopped_halfway_leaves_no_answer_behind(tmp_path: Path, monkeypatch) -> None:
    """An error in the caller's half (a MemoryError in a session with a memory limit) must not
    leave the helper's answer to be read as the next request's (found in review)."""
    monkeypatch.setattr(text_helper, "SHARED_FROM", 2)
    blob, starts, ends = _texts(tmp_path, b"needle hay|hay hay|", 4000)
    helper = TextHelper()
    try:
        wait_until(helper.ready, what="the text helper to start")

        def failing(s, e):
            raise MemoryError

        with pytest.raises(MemoryError):
            helper.split(blob, b"needle", starts, ends, False, failing)
        expected = _finds(blob, b"needle")(starts, ends)
        assert helper.split(blob, b"needle", starts, ends, False, _finds(blob, b"needle")) == expected
        assert helper.answered == 0
    finally:
        helper.close()


def test_the_helper_answers_on_descriptors_past_1023(tmp_path: Path, monkeypatch) -> None:
    """(select.select cannot wait on them: a long cold read leaves many files open.)"""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1200 if hard == resource.RLIM_INFINITY else min(hard, 1200)
    if wanted < 1200:
        pytest.skip("the open-file limit is below 1,200 here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    padding = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    monkeypatch.setattr(text_helper, "SHARED_FROM", 2)
    blob, starts, ends = _texts(tmp_path, b"abc|", 100)
    helper = TextHelper()
    try:
        wait_until(helper.ready, what="the text helper to start")
        assert helper._process.stdout.fileno() > 1023
        assert helper.split(blob, b"b", starts, ends, False, _finds(blob, b"b")) == list(range(1, 400, 4))
        assert helper.answered == 1
    finally:
        helper.close()
        for descriptor in padding:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _mapped_kb(name: str) -> int:
    """How much of the file called `name` this process has mapped in (resident)."""
    total, current = 0, ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if line[:1] in "0123456789abcdef" and "-" in line.split(" ")[0]:
            current = line.split()[-1] if len(line.split()) > 5 else ""
        elif line.startswith("Rss:") and current.endswith(name):
            total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="no /proc/self/smaps here")
def test_a_few_texts_are_read_not_mapped_and_answer_the_same(real_corpus: Path) -> None:
    """Each page of a map that is touched maps the kernel's whole folio around it: 256 texts
    checked in list order mapped 139 MB at 100k posts. A few texts are read from the file."""
    open_archive([real_corpus])
    archive, _ = open_archive([real_corpus])
    blob = archive.index.state.main_blob
    assert blob.reader is not None and _mapped_kb("texts.blob") == 0
    found = {term: archive.search(f"sort:relevance {term}").ids.tolist() for term in TERMS}
    assert _mapped_kb("texts.blob") == 0
    blob.reader = None  # through the map instead
    assert {term: archive.search(f"sort:relevance {term}").ids.tolist() for term in TERMS} == found
    assert _mapped_kb("texts.blob") > 0
