"""Reading files: encodings, frontmatter formats, broken YAML, reasons for skipping."""

from __future__ import annotations

import codecs

import pytest

from tui.archive.parse import NotAPost, decode, parse_text, read_post_file, recover_yaml_lines


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("标题".encode(), "UTF-8"),
        (codecs.BOM_UTF8 + "标题".encode(), "UTF-8 with BOM"),
        ("标题 title".encode("utf-16"), "UTF-16"),
        (codecs.BOM_UTF16_BE + "标题 title".encode("utf-16-be"), "UTF-16"),
        ("---\ntitle: plain ascii\n---\n".encode("utf-16-le"), "UTF-16 without BOM"),
        ("国标编码的中文".encode("gbk"), "GB18030"),
        ("㐀 GB18030 extension".encode("gb18030"), "GB18030"),
    ],
)
def test_decode_recognises_encodings(data: bytes, encoding: str) -> None:
    text, found = decode(data)
    assert found == encoding
    assert "\ufeff" not in text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "looks like a PNG image"),
        (b"\x00\x01\x02\x03" * 100, "binary file: it contains NUL bytes"),
        (b"text \xff\xfe\xfd\x80\x80", "not text in a known encoding: invalid UTF-8 (bad byte 0xff at offset 5)"),
        (codecs.BOM_UTF8 + b"\xff\xff", "starts with a UTF-8 BOM but is not valid UTF-8"),
    ],
)
def test_decode_explains_what_it_cannot_read(data: bytes, reason: str) -> None:
    with pytest.raises(NotAPost, match=reason.replace("(", r"\(").replace(")", r"\)")):
        decode(data)


def test_yaml_frontmatter_after_blank_lines() -> None:
    raw = parse_text("\n\n---\ntitle: 'x'\ndate: 2021-03-21 16:40:55\n---\n\n<div>body</div>\n")
    assert raw.frontmatter_format == "yaml"
    assert raw.metadata["title"] == "x"
    assert raw.body.strip() == "<div>body</div>"
    assert not raw.repaired


def test_crlf_and_lone_cr_become_newlines() -> None:
    raw = parse_text("---\r\ntitle: a\r\n---\r\nline one\rline two\r\n")
    assert raw.metadata == {"title": "a"}
    assert raw.body == "line one\nline two\n"


def test_toml_frontmatter() -> None:
    raw = parse_text('+++\ntitle = "Hugo"\ndraft = true\n+++\nbody')
    assert raw.frontmatter_format == "toml"
    assert raw.metadata == {"title": "Hugo", "draft": True}
    assert raw.body.strip() == "body"


def test_json_frontmatter_with_nested_object() -> None:
    raw = parse_text('{\n "title": "J",\n "params": {"a": 1}\n}\n\nbody {not json}\n')
    assert raw.frontmatter_format == "json"
    assert raw.metadata["title"] == "J"
    assert raw.body.strip() == "body {not json}"


def test_text_starting_with_a_brace_is_a_body() -> None:
    raw = parse_text("{ this is not json }\n")
    assert raw.frontmatter_format == "none"
    assert raw.metadata == {}


def test_no_frontmatter() -> None:
    raw = parse_text("# Heading\n\ntext\n")
    assert raw.frontmatter_format == "none"
    assert raw.body.startswith("# Heading")


def test_markdown_rule_line_is_not_frontmatter() -> None:
    raw = parse_text("--- not a delimiter\ntext\n")
    assert raw.frontmatter_format == "none"


def test_broken_yaml_is_repaired_from_raw_lines() -> None:
    text = (
        '\n---\ntitle: """""""\'P232. 非减数组 _ AlgoCasts 视频更新\'"""""""\ncategories: \n'
        "    - 编程\n    - AlgoCasts - 视频更新\nauthor: AlgoCasts\ndate: 2021-03-22 04:44:34\n"
        "thumbnail: ''\n---\n\n<div>x</div>"
    )
    raw = parse_text(text)
    assert raw.repaired
    assert raw.metadata["title"] == "P232. 非减数组 _ AlgoCasts 视频更新"
    assert raw.metadata["date"] == "2021-03-22 04:44:34"
    assert raw.metadata["categories"] == ["编程", "AlgoCasts - 视频更新"]
    assert raw.metadata["thumbnail"] == ""
    assert "not valid YAML" in raw.notes[0] and "line 3" in raw.notes[0]


def test_recover_yaml_lines_keeps_colons_in_values() -> None:
    assert recover_yaml_lines("date: Sun, 05 Dec 2021 04:17:18 GMT\nlink: https://a.b/c") == {
        "date": "Sun, 05 Dec 2021 04:17:18 GMT",
        "link": "https://a.b/c",
    }


def test_yaml_that_is_not_a_mapping_is_repaired() -> None:
    raw = parse_text("---\n- just\n- a list\n---\nbody")
    assert raw.repaired
    assert "not a mapping" in raw.notes[0]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty file"),
        ("  \n\n ", "empty file"),
        ("---\ntitle: x\nbody", "frontmatter opened with '---' on the first line is never closed"),
        ("+++\ntitle = 'x'\nbody", "frontmatter opened with '+++' on the first line is never closed"),
    ],
)
def test_unreadable_posts_have_reasons(text: str, reason: str) -> None:
    with pytest.raises(NotAPost, match=reason.replace("+", r"\+")):
        parse_text(text)


def test_read_post_file_reports_missing_file(tmp_path) -> None:
    with pytest.raises(NotAPost, match="cannot be read"):
        read_post_file(tmp_path / "gone.md")


def test_read_post_file_notes_the_encoding(tmp_path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes("---\ntitle: 中文\n---\n正文".encode("gbk"))
    raw = read_post_file(path)
    assert raw.metadata["title"] == "中文"
    assert raw.notes == ["encoding: GB18030"]


def test_yaml_frontmatter_may_end_with_the_document_end_marker(sites_corpus) -> None:
    """Jekyll reads `---` … `...`; its own test site has such a post, which was skipped."""
    post = read_post_file(sites_corpus / "jekyll/test/source/_posts/2014-03-03-yaml-with-dots.md")
    assert post.metadata == {"title": "Test Post Where YAML Ends in Dots"}
    assert post.body.startswith("# Test")
    with pytest.raises(NotAPost, match="never closed"):
        parse_text("---\ntitle: x\nbody... with dots\n")  # `...` inside a line closes nothing
    # Whichever comes first closes it: a `---` rule further down is the body's (review).
    dots_first = parse_text("---\ntitle: Dots\n...\nBody one.\n\n---\n\nBody two.\n")
    assert dots_first.metadata == {"title": "Dots"} and dots_first.body.startswith("Body one.")
    dashes_first = parse_text("---\ntitle: Dashes\n---\nBody.\n...\nMore.\n")
    assert dashes_first.metadata == {"title": "Dashes"} and dashes_first.body == "Body.\n...\nMore.\n"
