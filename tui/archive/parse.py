"""One file on disk -> its frontmatter and body, or the reason it cannot be read as a post.

Frontmatter comes as YAML (`---`, parsed with python-frontmatter), TOML (`+++`, Hugo) or JSON
(a leading `{...}` object, Hugo). Files come in UTF-8 (with or without BOM), UTF-16 (with BOM,
or recognised by its NUL pattern), or GB18030/GBK, with any line endings. YAML that fails to
parse is recovered line by line, because feed bots write titles YAML cannot read, and losing
a post over a quote character is worse than showing it with a 'repaired' mark.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from .simple_yaml import load_simple_yaml


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
_YAML_DOCUMENT_END = re.compile(r"^\.\.\.[ \t]*$", re.MULTILINE)
_YAML_FENCE = YAMLHandler.FM_BOUNDARY  # the closing line python-frontmatter looks for
assert _YAML_FENCE is not None
_TOML = _TomlHandler()

MAX_POST_BYTES = 32 * 1024 * 1024
"""Bigger files are skipped: no post is that long, and reading one would cost hundreds of MB."""

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAGIC_NUMBERS = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "a program (ELF)",
    b"RIFF": "a RIFF media file",
    b"\x00\x00\x01\x00": "an icon",
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
            raise NotAPost(f"starts with a UTF-8 BOM but is not valid UTF-8 ({_where(error)})") from error
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise NotAPost(f"starts with a UTF-16 BOM but is not valid UTF-16 ({_where(error)})") from error
    if b"\x00" in data:
        guessed = _guess_utf16(data)
        if guessed:
            try:
                text = data.decode(guessed)
            except UnicodeDecodeError:
                text = ""
            if text and _mostly_printable(text):
                return text, "UTF-16 without BOM"
        if data.count(b"\x00") * 10 > len(data):  # a stray NUL or two does not make text binary
            raise NotAPost("binary file: it contains NUL bytes and is not UTF-16 text")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        return _decode_not_utf8(data, utf8_error)


def _decode_not_utf8(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    """UTF-8 with a few bad bytes stays UTF-8 (a stray byte must not turn a post into GB18030
    mojibake, or lose it); otherwise GB18030, or Big5 when GB18030 reads it as gibberish."""
    lenient = data.decode("utf-8", "replace")
    bad = lenient.count("\ufffd")
    valid_non_ascii = len(lenient) - len(lenient.encode("ascii", "ignore")) - bad
    replaced = f"UTF-8 with {bad:,} invalid byte sequence{'s' if bad != 1 else ''} shown as \ufffd"
    if valid_non_ascii >= 10 * bad:
        return lenient, replaced
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        big5 = _big5_instead(data, text)
        return (big5, "Big5") if big5 is not None else (text, "GB18030")
    if bad * 100 <= len(data):  # a few stray bytes in ASCII text: keep the post
        return lenient, replaced
    if not _HIGH_BYTE_RUN.search(data) and bad * 4 <= len(data):
        try:  # accented letters one at a time among ASCII: Western European text
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise NotAPost("binary file: it contains NUL bytes and is not text in a known encoding")
    raise NotAPost(f"not text in a known encoding: invalid UTF-8 ({_where(utf8_error)}) and not GBK/GB18030 either")


_HIGH_BYTE_RUN = re.compile(rb"[\x80-\xff]{3,}")
# Big5 bytes read as GB18030 land on kana, Greek, Cyrillic, box drawing and private-use
# characters, which real GBK Chinese text rarely contains.
_UNLIKELY_IN_GBK = re.compile("[\u0370-\u04ff\u2460-\u257f\u3040-\u30ff\u3100-\u312f\ue000-\uf8ff\ufe30-\ufe4f]")


def _big5_instead(data: bytes, gb_text: str) -> str | None:
    non_ascii = len(gb_text) - len(gb_text.encode("ascii", "ignore"))
    if not non_ascii or len(_UNLIKELY_IN_GBK.findall(gb_text)) * 4 < non_ascii:
        return None
    try:
        big5 = data.decode("cp950")
    except UnicodeDecodeError:
        return None
    return big5 if len(_UNLIKELY_IN_GBK.findall(big5)) * 4 < non_ascii else None


def _where(error: UnicodeDecodeError) -> str:
    return f"bad byte 0x{error.object[error.start]:02x} at offset {error.start}"


def _mostly_printable(text: str) -> bool:
    sample = text[:2048]
    controls = sum(1 for char in sample if char < " " and char not in "\n\r\t")
    return controls <= len(sample) * 0.02


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: its ASCII characters put a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    # NULs come from the ASCII characters (frontmatter, tags), all on one side; Chinese text
    # has few of them, so only their placement counts. A strict decode confirms the guess.
    if odd_nuls >= 8 and even_nuls * 20 <= odd_nuls:
        return "utf-16-le"
    if even_nuls >= 8 and odd_nuls * 20 <= even_nuls:
        return "utf-16-be"
    return None


def read_post_file(path: Path | str, inside: Sequence[Path | str] | None = None) -> RawPost:
    """Read and split one file. Raises NotAPost with a human reason.

    With `inside`, a symbolic link is followed only to a file under one of those folders (or
    to one of those files): an archive from elsewhere must not show `~/.ssh/id_rsa` as a post.
    """
    text, encoding = decode(read_bytes(path, inside))
    raw = parse_text(text)
    if encoding != "UTF-8":
        raw.notes.append(f"encoding: {encoding}")
    return raw


_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


def read_bytes(path: Path | str, inside: Sequence[Path | str] | None = None) -> bytes:
    """A regular file's bytes, at most MAX_POST_BYTES. Never blocks on a pipe, never reads a
    device (a link to /dev/zero would read forever)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        try:
            descriptor = os.open(path, flags | (getattr(os, "O_NOFOLLOW", 0) if inside is not None else 0))
        except OSError as error:
            if inside is None or error.errno != errno.ELOOP:
                raise
            # The file is a symbolic link (or a loop of them): follow it only into the archive.
            target = os.path.realpath(path)
            if not any(_within(target, place) for place in inside):
                raise NotAPost("symbolic link to a file outside the archive (not followed)") from None
            descriptor = os.open(path, flags)
    except OSError as error:
        raise NotAPost(f"cannot be read: {error.strerror or error}") from error
    try:  # os.read, not a file object around the descriptor: that cost a third of the reading
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise NotAPost("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise NotAPost(not_regular_reason(info.st_mode))
        if info.st_size > MAX_POST_BYTES:
            raise NotAPost(_too_big(info.st_size))
        try:
            # Ask for what fstat said (asking for the limit would allocate 32 MB every time);
            # a file that grew meanwhile, or a short read, is read on up to the limit.
            data = os.read(descriptor, info.st_size + 1)
            if len(data) != info.st_size:
                data += _read_on(descriptor, MAX_POST_BYTES + 1 - len(data))
        except OSError as error:
            raise NotAPost(f"cannot be read: {error.strerror or error}") from error
    finally:
        os.close(descriptor)
    if len(data) > MAX_POST_BYTES:  # grew since fstat
        raise NotAPost(_too_big(len(data)))
    return data


def _read_on(descriptor: int, limit: int) -> bytes:
    """The rest of a file, at most `limit` bytes."""
    parts = []
    while limit > 0:
        part = os.read(descriptor, min(limit, 1 << 20))
        if not part:
            break
        parts.append(part)
        limit -= len(part)
    return b"".join(parts)


def not_regular_reason(mode: int) -> str:
    return f"not a regular file: it is {_KINDS.get(stat.S_IFMT(mode), 'a special file')}"


def _too_big(size: int) -> str:
    return f"too big for a post: {size / 2**20:,.0f} MB (files over {MAX_POST_BYTES // 2**20} MB are skipped)"


def _within(target: str, place: Path | str) -> bool:
    place = os.path.realpath(place)
    return target == place or target.startswith(place.rstrip(os.sep) + os.sep)


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
    except ValueError as error:
        raise NotAPost(f"frontmatter opened with '{delimiter}' on the first line is never closed") from error


def _parse_yaml(text: str) -> RawPost:
    first_line = text.split("\n", 1)[0]
    if first_line.rstrip("-").strip():
        return RawPost({}, text, "none")  # '----- text' is a Markdown rule, not frontmatter
    # YAML's document end closes it too, whichever comes first: Jekyll reads `---` … `...` (its
    # own test site has one).
    dots = _YAML_DOCUMENT_END.search(text, len(first_line)) if "\n..." in text else None
    dashes = _YAML_FENCE.search(text, len(first_line)) if dots is not None else None
    if dots is not None and (dashes is None or dots.start() < dashes.start()):
        frontmatter, body = text[len(first_line) + 1 : dots.start()], text[dots.end() :].lstrip("\n")
    else:
        frontmatter, body = _split(_YAML, text, "---")
    try:
        # python-frontmatter's YAML handler stays the parser of record; the common flat shapes
        # are read by line with PyYAML's own resolver, to the same mapping, at a third the cost.
        loaded = load_simple_yaml(frontmatter)
        if loaded is None:
            loaded = _YAML.load(frontmatter)
        if loaded is None:
            return RawPost({}, body, "yaml")
        if isinstance(loaded, dict):
            return RawPost(_string_keys(loaded), body, "yaml")
        problem = f"it is a YAML {type(loaded).__name__}, not a mapping"
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = f"{getattr(error, 'problem', None) or 'syntax error'}{where}"
    except RecursionError:
        problem = "it nests too deeply"
    except Exception as error:  # PyYAML's constructors raise ValueError for 2021-13-45, huge ints...
        problem = f"{type(error).__name__}: {str(error)[:100]}"
    note = f"frontmatter is not valid YAML ({problem}); fields recovered from the raw lines"
    return RawPost(recover_yaml_lines(frontmatter), body, "yaml", repaired=True, notes=[note])


def _parse_toml(text: str) -> RawPost:
    frontmatter, body = _split(_TOML, text, "+++")
    try:
        return RawPost(_string_keys(_TOML.load(frontmatter)), body, "toml")
    except RecursionError:
        problem = "it nests too deeply"
    except Exception as error:  # TOMLDecodeError, or ValueError for an int of 5,000 digits
        problem = str(error)[:100] if isinstance(error, tomllib.TOMLDecodeError) else f"{type(error).__name__}"
    metadata = recover_yaml_lines(frontmatter.replace(" = ", ": "))
    note = f"frontmatter is not valid TOML ({problem}); fields recovered from the raw lines"
    return RawPost(metadata, body, "toml", repaired=True, notes=[note])


def _parse_json(text: str) -> RawPost | None:
    try:
        loaded, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):  # JSONDecodeError, or an int of 5,000 digits
        return None  # a body that merely starts with '{': keep it as text
    if not isinstance(loaded, dict):
        return None
    return RawPost(_string_keys(loaded), text[end:].lstrip("\n"), "json")


def _string_keys(mapping: dict) -> dict[str, Any]:
    return {str(key).strip().lower(): value for key, value in mapping.items()}


# Greedy values, stripped afterwards: a lazy `(.*?)[ \t]*$` is quadratic on long runs of spaces.
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*))?$")
_ITEM_LINE = re.compile(r"^[ \t]+-[ \t]*(.*)$|^-[ \t]+(.*)$")


def recover_yaml_lines(frontmatter: str) -> dict[str, Any]:
    (
        """Best-effort `key: value` and `- item` reading of frontmatter YAML refused.

    Values lose the runs of quotes feed bots wrap them in (`"""
        "2015"
        """` -> `2015`).
    """
    )
    metadata: dict[str, Any] = {}
    current_key: str | None = None
    for line in frontmatter.split("\n"):
        key_match = _KEY_LINE.match(line)
        if key_match:
            current_key = key_match.group(1).lower()
            value = (key_match.group(2) or "").strip()
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
    start, end = 0, len(value)  # indices, not slices: a run of 400k quotes must stay linear
    while end - start >= 2 and value[start] in "'\"" and value[end - 1] in "'\"":
        start, end = start + 1, end - 1
        while start < end and value[start].isspace():
            start += 1
        while end > start and value[end - 1].isspace():
            end -= 1
    value = value[start:end]
    return value if value.strip("'\" ") else ""
