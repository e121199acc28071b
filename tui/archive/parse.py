"""One file on disk -> its frontmatter and body, or the reason it cannot be read as a post.

Frontmatter comes as YAML (`---`, parsed with python-frontmatter), TOML (`+++`, Hugo) or JSON
(a leading `{...}` object, Hugo). Files come in UTF-8 (with or without BOM), UTF-16 (with BOM,
or recognised by its NUL pattern), or GB18030/GBK, with any line endings. YAML that fails to
parse is recovered line by line, because feed bots write titles YAML cannot read, and losing
a post over a quote character is worse than showing it with a 'repaired' mark.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler


class NotAPost(Exception):
    """The file cannot be read as a post; the message is shown to the user as the reason."""


@dataclass(slots=True)
class RawPost:
    metadata: dict[str, Any]
    body: str
    frontmatter_format: str  # 'yaml', 'toml', 'json' or 'none'
    repaired: bool = False
    notes: list[str] = field(default_factory=list)


class _TomlHandler(BaseHandler):
    """python-frontmatter's own TOML handler needs the third-party `toml`; 3.11 has tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_YAML = YAMLHandler()
_TOML = _TomlHandler()

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAGIC_NUMBERS = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive", b"\x1f\x8b": "gzip data",
    b"\x7fELF": "a program (ELF)", b"RIFF": "a RIFF media file", b"\x00\x00\x01\x00": "an icon",
}


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name). Raises NotAPost for binary or undecodable data."""
    for magic, kind in _MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise NotAPost(f"binary file: looks like {kind}, not text")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as error:
            raise NotAPost(f"starts with a UTF-8 BOM but is not valid UTF-8 ({_where(error)})")
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise NotAPost(f"starts with a UTF-16 BOM but is not valid UTF-16 ({_where(error)})")
    if b"\x00" in data:
        guessed = _guess_utf16(data)
        if guessed:
            try:
                text = data.decode(guessed)
            except UnicodeDecodeError:
                text = ""
            if text and _mostly_printable(text):
                return text, "UTF-16 without BOM"
        if data.count(b"\x00") > len(data) // 100 + 1:
            raise NotAPost("binary file: it contains NUL bytes and is not UTF-16 text")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            raise NotAPost(
                f"not text in a known encoding: invalid UTF-8 ({_where(utf8_error)}) "
                "and not GBK/GB18030 either"
            )


def _where(error: UnicodeDecodeError) -> str:
    return f"bad byte 0x{error.object[error.start]:02x} at offset {error.start}"


def _mostly_printable(text: str) -> bool:
    sample = text[:2048]
    controls = sum(1 for char in sample if char < " " and char not in "\n\r\t")
    return controls <= len(sample) * 0.02


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def read_post_file(path: Path) -> RawPost:
    """Read and split one file. Raises NotAPost with a human reason."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise NotAPost("is a directory")
    except OSError as error:
        raise NotAPost(f"cannot be read: {error.strerror or error}")
    text, encoding = decode(data)
    raw = parse_text(text)
    if encoding != "UTF-8":
        raw.notes.append(f"encoding: {encoding}")
    return raw


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_text(text: str) -> RawPost:
    """Split decoded text into frontmatter and body."""
    text = normalize_newlines(text).lstrip("\ufeff")
    if not text.strip():
        raise NotAPost("empty file")
    start = text.lstrip()
    if start.startswith("---"):
        return _parse_yaml(start)
    if start.startswith("+++"):
        return _parse_toml(start)
    if start.startswith("{") and start[1:2] in ("\n", " ", '"', "\t"):
        json_post = _parse_json(start)
        if json_post is not None:
            return json_post
    return RawPost({}, text, "none")


def _split(handler: BaseHandler, text: str, delimiter: str) -> tuple[str, str]:
    try:
        frontmatter, body = handler.split(text)
        return frontmatter, body.lstrip("\n")
    except ValueError:
        raise NotAPost(f"frontmatter opened with '{delimiter}' on the first line is never closed")


def _parse_yaml(text: str) -> RawPost:
    first_line = text.split("\n", 1)[0]
    if first_line.rstrip("-").strip():
        return RawPost({}, text, "none")  # '----- text' is a Markdown rule, not frontmatter
    frontmatter, body = _split(_YAML, text, "---")
    try:
        loaded = _YAML.load(frontmatter)
    except yaml.YAMLError as error:
        metadata = recover_yaml_lines(frontmatter)
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "syntax error"
        note = f"frontmatter is not valid YAML ({problem}{where}); fields recovered from the raw lines"
        return RawPost(metadata, body, "yaml", repaired=True, notes=[note])
    except RecursionError:
        metadata = recover_yaml_lines(frontmatter)
        note = "frontmatter nests too deeply for YAML; fields recovered from the raw lines"
        return RawPost(metadata, body, "yaml", repaired=True, notes=[note])
    if loaded is None:
        return RawPost({}, body, "yaml")
    if not isinstance(loaded, dict):
        metadata = recover_yaml_lines(frontmatter)
        note = f"frontmatter is a YAML {type(loaded).__name__}, not a mapping; fields recovered from the raw lines"
        return RawPost(metadata, body, "yaml", repaired=True, notes=[note])
    return RawPost(_string_keys(loaded), body, "yaml")


def _parse_toml(text: str) -> RawPost:
    frontmatter, body = _split(_TOML, text, "+++")
    try:
        loaded = _TOML.load(frontmatter)
    except tomllib.TOMLDecodeError as error:
        metadata = recover_yaml_lines(frontmatter.replace(" = ", ": "))
        note = f"frontmatter is not valid TOML ({error}); fields recovered from the raw lines"
        return RawPost(metadata, body, "toml", repaired=True, notes=[note])
    return RawPost(_string_keys(loaded), body, "toml")


def _parse_json(text: str) -> RawPost | None:
    try:
        loaded, end = json.JSONDecoder().raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        return None  # a body that merely starts with '{': keep it as text
    if not isinstance(loaded, dict):
        return None
    return RawPost(_string_keys(loaded), text[end:].lstrip("\n"), "json")


def _string_keys(mapping: dict) -> dict[str, Any]:
    return {str(key).strip().lower(): value for key, value in mapping.items()}


_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
_ITEM_LINE = re.compile(r"^[ \t]+-[ \t]*(.*?)[ \t]*$|^-[ \t]+(.*?)[ \t]*$")


def recover_yaml_lines(frontmatter: str) -> dict[str, Any]:
    """Best-effort `key: value` and `- item` reading of frontmatter YAML refused.

    Values lose the runs of quotes feed bots wrap them in (`"""'2015'"""` -> `2015`).
    """
    metadata: dict[str, Any] = {}
    current_key: str | None = None
    for line in frontmatter.split("\n"):
        key_match = _KEY_LINE.match(line)
        if key_match:
            current_key = key_match.group(1).lower()
            value = key_match.group(2)
            metadata[current_key] = _unquote(value) if value else None
            continue
        item_match = _ITEM_LINE.match(line)
        if item_match and current_key is not None:
            item = _unquote(item_match.group(1) or item_match.group(2) or "")
            existing = metadata.get(current_key)
            if not isinstance(existing, list):
                existing = [] if existing in (None, "") else [existing]
                metadata[current_key] = existing
            if item:
                existing.append(item)
    return metadata


def _unquote(value: str) -> str:
    value = value.strip()
    while len(value) >= 2 and value[0] in "'\"" and value[-1] in "'\"":
        value = value[1:-1].strip()
    return value if value.strip("'\" ") else ""
