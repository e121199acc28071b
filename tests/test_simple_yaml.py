"""The frontmatter fast path gives exactly what PyYAML gives, or steps aside."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from frontmatter.default_handlers import YAMLHandler
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.archive.simple_yaml import load_simple_yaml

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_HANDLER = YAMLHandler()


def _pyyaml(text: str) -> object:
    try:
        return _HANDLER.load(text)
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        return error


def _same(fast: object, slow: object) -> bool:
    """Equal values of equal types all the way down (1 == 1.0 == True would hide a wrong type)."""
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, dict):
        assert isinstance(slow, dict)
        return list(fast) == list(slow) and all(_same(fast[k], slow[k]) for k in fast)
    if isinstance(fast, list):
        assert isinstance(slow, list)
        return len(fast) == len(slow) and all(_same(a, b) for a, b in zip(fast, slow, strict=True))
    if isinstance(fast, float) and fast != fast:
        return slow != slow  # .nan
    return fast == slow


def _check(text: str) -> bool:
    """True when the fast path read the text (and then it must agree with PyYAML)."""
    fast = load_simple_yaml(text)
    if fast is None:
        return False
    slow = _pyyaml(text)
    assert _same(fast, slow), f"{text!r}: fast {fast!r}, PyYAML {slow!r}"
    return True


def test_the_shapes_feed_bots_write_take_the_fast_path() -> None:
    text = (
        "title: '蒸导粕闰旁提待剁低羡痢睁；'\n"
        "categories: \n - 传统媒体\n - Solidot\n - 最新消息\n"
        "author: Solidot\ncomments: false\ndate: Mon, 24 May 2021 22:16:00 GMT\n"
        "updated: 2021-05-24 22:16:00\ntags: [rust, 开源]\nweight: 10\nthumbnail: \n"
    )
    assert _check(text)
    loaded = load_simple_yaml(text)
    assert loaded is not None
    assert loaded["comments"] is False
    assert loaded["updated"] == datetime.datetime(2021, 5, 24, 22, 16)
    assert loaded["tags"] == ["rust", "开源"]
    assert loaded["thumbnail"] is None


@pytest.mark.parametrize(
    "text",
    [
        "title: a\n  continued on the next line\n",
        "title: >\n  folded\n",
        "title: 'it''s'\n",
        'title: "tab\\there"\n',
        "title: a # comment\n",
        "on: yes\n",
        "title: [a, [b]]\n",
        "date: 2021-13-45\n",
        "menu: { main: { weight: 40 } }\n",
        "- a\n- b\n",
        "key: &anchor value\n",
        "title: a: b\n",
    ],
)
def test_what_is_not_a_simple_shape_is_left_to_pyyaml(text: str) -> None:
    assert load_simple_yaml(text) is None


_KEYS = st.sampled_from(["title", "date", "tags", "on", "null", "Yes", "x-y", "_k", "a1", "categories", "~"])
_PIECES = st.sampled_from(
    [
        "a",
        "数据",
        " ",
        "  ",
        ":",
        ": ",
        "#",
        " #",
        "'",
        '"',
        "-",
        "- ",
        "[",
        "]",
        ",",
        "{",
        "}",
        "?",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "\\",
        "1",
        "0x1f",
        "1_000",
        "1:20",
        ".5",
        ".inf",
        "~",
        "null",
        "true",
        "no",
        "ON",
        "2021-05-24",
        "2021-05-24 22:16:00",
        "2021-05-24T22:16:00+08:00",
        "2021-13-45",
        "\u00a0",
        "\u3000",
        "\x85",
        "=",
        "<<",
        "e5",
        "+1",
        "-1",
        "\ufeff",
        "\u2028",
        "\r",
        "\t",
    ]
)
_SCALARS = st.lists(_PIECES, min_size=1, max_size=5).map("".join)


@st.composite
def _frontmatter(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        key = draw(_KEYS)
        shape = draw(st.sampled_from(["plain", "single", "double", "items", "flow", "empty"]))
        value = draw(_SCALARS)
        if shape == "plain":
            lines.append(f"{key}: {value}")
        elif shape == "single":
            lines.append(f"{key}: '{value}'")
        elif shape == "double":
            lines.append(f'{key}: "{value}"')
        elif shape == "flow":
            lines.append(f"{key}: [{value}, {draw(_SCALARS)}]")
        elif shape == "empty":
            lines.append(f"{key}:" + draw(st.sampled_from(["", " "])))
        else:
            indent = " " * draw(st.integers(0, 4))
            lines.append(f"{key}:")
            lines.extend(f"{indent}- {draw(_SCALARS)}" for _ in range(draw(st.integers(1, 3))))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=1000, deadline=None)
@given(_frontmatter())
def test_the_fast_path_agrees_with_pyyaml(text: str) -> None:
    _check(text)


@pytest.mark.corpus
def test_every_frontmatter_of_the_corpus_agrees_with_pyyaml() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    fast = 0
    for path in sorted(SHARED.rglob("*")):
        if path.suffix not in (".md", ".markdown", ".html") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").lstrip("\ufeff").lstrip()
        if not text.startswith("---"):
            continue
        try:
            frontmatter, _ = _HANDLER.split(text)
        except ValueError:
            continue
        fast += _check(frontmatter)
    assert fast > 300  # most of the sites' frontmatter is the simple shape
