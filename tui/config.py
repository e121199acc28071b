"""The user's settings file (TOML): theme, sort order, when posts count as read, images, keys.

Pure: no Textual import, so the CLI and the tests read it cheaply. Loading never raises; a bad
file or a bad setting costs only that setting (it keeps its default) and yields one plain
message for the app to show, because a typo in a config file must never stop the app starting.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .archive.locations import config_path
from .archive.query import SORTS

MARK_READ = ("open", "never")
IMAGES = ("off", "auto")
SETTINGS = ("theme", "sort", "mark_read", "images", "keys")


@dataclass(frozen=True)
class Config:
    theme: str | None = None
    """A Textual theme name ("textual-dark", "nord", …); None keeps Textual's default."""
    sort: str = "date"
    """The list order when the query has no sort: one of query.SORTS."""
    mark_read: str = "open"
    """"open": opening a post marks it read; "never": only the key does."""
    images: str = "off"
    """"off": placeholders only, nothing fetched; "auto": inline images where the terminal can."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated Textual key names, ready for `App.set_keymap`."""


# ---------------------------------------------------------------- key names

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    [
        "escape",
        "enter",
        "return",
        "tab",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        "space",
    ]
    + [f"f{number}" for number in range(1, 25)]
)
# Textual's short names for some punctuation (its `KEY_NAME_REPLACEMENTS`).
_SHORT_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def _character_key(character: str) -> str:
    """A typed character as Textual names it: "b" stays "b", "?" becomes "question_mark"."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _SHORT_NAMES.get(name, name)


def _is_character_name(name: str) -> bool:
    """ "question_mark", "full_stop", "less_than_sign": the name of one printable ASCII
    character (a keyboard's; "banana" names 🍌, which no key types)."""
    if name in _SHORT_NAMES.values():
        return True
    spaced = name.replace("_", " ").upper()
    for candidate in (spaced, spaced.replace(" THAN", "-THAN"), spaced.replace("HYPHEN MINUS", "HYPHEN-MINUS")):
        try:
            character = unicodedata.lookup(candidate)
            if character.isprintable() and character.isascii():
                return True
        except KeyError:
            continue
    return False


def normalize_key(text: str) -> str | None:
    """One key as written in the file -> Textual's name for it, or None when it cannot be a key.

    Textual matches a keymap's names exactly as written ("Ctrl+X" or "shift+ctrl+x" never
    fire), so the file's spellings become Textual's here: lower case, modifiers in its order,
    punctuation by name ("?" -> "question_mark", as the help screen shows it).
    """
    key = text.strip()
    if not key or any(character.isspace() for character in key):
        return None
    if len(key) == 1:
        return _character_key(key) if key.isprintable() else None
    if key.endswith("++"):  # "ctrl++": the plus key with a modifier
        *modifiers, base = [*key[:-2].split("+"), "+"]
    else:
        *modifiers, base = key.split("+")
    lowered_modifiers = [modifier.lower() for modifier in modifiers]
    if any(modifier not in MODIFIERS for modifier in lowered_modifiers):
        return None
    if len(set(lowered_modifiers)) != len(lowered_modifiers):
        return None
    # Textual names combinations with the modifiers in alphabetical order: "ctrl+shift+x".
    prefix = "".join(modifier + "+" for modifier in sorted(lowered_modifiers))
    if len(base) == 1:
        if not base.isprintable():
            return None
        return prefix + _character_key(base.lower() if prefix else base)
    lowered = _SHORT_NAMES.get(base.lower(), base.lower())
    if lowered in NAMED_KEYS or (re.fullmatch(r"[a-z][a-z_]*[a-z]", lowered) and _is_character_name(lowered)):
        return prefix + lowered
    return None


# ---------------------------------------------------------------- loading

_TOML_ERROR = re.compile(r"^(?P<what>.*) \(at (?:line (?P<line>\d+), column \d+|end of document)\)$", re.DOTALL)
_TOML_WORDS = (
    ("Expected '=' after a key", "expected '=' after a key (settings are written name = value)"),
    ("Invalid value", 'the value is not valid TOML (text needs quotes, e.g. theme = "nord")'),
    ("Invalid statement", "expected a setting (name = value) or a section ([keys])"),
    ("Expected newline or end of document", "unexpected text after the value (one setting per line)"),
    ("Expected ']' at the end of a table", "expected ']' to close the section name"),
    ("Expected ']]'", "expected ']]' to close the section name"),
    ("Unterminated string", "text in quotes is not closed before the end of the line"),
    ('Expected "\'"', "text in quotes is not closed before the end of the line"),
    ("Expected '\"'", "text in quotes is not closed before the end of the line"),
    ("Unclosed array", "a list [ … ] is not closed"),
    ("Unclosed inline table", "a table { … } is not closed"),
    ("Cannot overwrite a value", "this setting is given twice"),
    ("Cannot declare", "this section is given twice"),
    ("Cannot redefine", "this section is given twice"),
    ("Cannot mutate", "this section is given twice"),
    ("Duplicate inline table key", "a name is given twice inside { … }"),
    ("Invalid initial character for a key", "a setting name must start with a letter, digit, '_' or '-'"),
    ("Unescaped '\\'", "a backslash inside \"…\" must be doubled (or use '…' quotes)"),
    ("Invalid hex value", "a \\u escape in a string is not valid"),
    ("Escaped character", "a \\u escape in a string is not valid"),
    ("Invalid date", "the date is not valid"),
    ("Illegal character", "a control character is not allowed here"),
    ("Found invalid character", "a control character is not allowed here"),
)


def _plain_toml_error(name: str, source: str, error: tomllib.TOMLDecodeError) -> str:
    """tomllib's "Expected '=' after a key in a key/value pair (at line 3, column 5)" ->
    "config.toml line 3: expected '=' after a key …"."""
    text = str(error)
    match = _TOML_ERROR.match(text)
    what, line = (match.group("what"), match.group("line")) if match else (text, None)
    quote = re.fullmatch(r"""Expected ("'"|'"')""", what)
    if quote and line is None:  # tomllib points past the end; the line with the odd quote is the one
        odd = [number for number, row in enumerate(source.splitlines(), 1) if row.count(quote.group(1)[1]) % 2]
        line = str(odd[0]) if odd else None
    if what.startswith(("Illegal character '\\n'", "Illegal character '\\r'")):
        what = "Unterminated string"  # a newline inside "…": the quotes were never closed
    for prefix, words in _TOML_WORDS:
        if what.startswith(prefix):
            what = words
            break
    else:
        what = what[:1].lower() + what[1:]
    where = f"line {line}" if line else "at the end of the file"
    return f"{name} {where}: {what}; the file was ignored, all settings are at their defaults"


def _line_of(lines: list[str], section: str | None, key: str) -> int | None:
    """Best-effort line number of `key = …` in `[section]`, or of the header `[key]`
    (tomllib does not report positions)."""
    current: str | None = None
    quoted = r"""["']?""" + re.escape(key) + r"""["']?"""
    own = re.compile(r"^\s*" + quoted + r"\s*=")
    dotted = re.compile(r"^\s*" + re.escape(section or "") + r"\s*\.\s*" + quoted + r"\s*=") if section else None
    for number, line in enumerate(lines, start=1):
        header = re.match(r"^\s*\[\s*([^\[\]]+?)\s*\]", line)
        if header:
            current = header.group(1).strip("\"'")
            if section is None and current == key:
                return number
            continue
        if current == section and own.match(line):
            return number
        if current is None and dotted is not None and dotted.match(line):
            return number
    return None


def _choices(values: Collection[str]) -> str:
    return ", ".join(f'"{value}"' for value in values)


def _suggest(word: str, candidates: Collection[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


class _Reader:
    """Collects one message per problem, each pointing at the line when it can be found."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self._errors: list[tuple[int, str]] = []

    def error(self, message: str, key: str, section: str | None = None) -> None:
        line = _line_of(self.lines, section, key)
        where = f"{self.name} line {line}" if line else self.name
        self._errors.append((line or len(self.lines) + 1, f"{where}: {message}"))

    @property
    def errors(self) -> list[str]:
        """In the order of the file, so they read top to bottom."""
        return [message for _, message in sorted(self._errors, key=lambda item: item[0])]

    def text(self, data: dict[str, Any], key: str, default: str, example: str) -> str:
        value = data[key]
        if isinstance(value, str):
            return value.strip()
        self.error(f'{key} must be text in quotes, e.g. {key} = "{example}"; using the default', key)
        return default

    def choice(self, data: dict[str, Any], key: str, default: str, valid: tuple[str, ...]) -> str:
        if key not in data:
            return default
        value = self.text(data, key, default, valid[0])
        if value in valid:
            return value
        if value.lower() in valid:
            return value.lower()
        self.error(f'{key} = "{value}" is not one of {_choices(valid)}; using "{default}"', key)
        return default


def load_config(
    path: Path | None = None,
    *,
    known_themes: Collection[str] | None = None,
    known_actions: Collection[str] | None = None,
) -> tuple[Config, list[str]]:
    """The settings in `path` (default: `config_path()`) and a message for each problem.

    Never raises. A missing file is simply the defaults. `known_themes` and `known_actions`,
    when given, are checked against; otherwise any theme name and binding id is accepted.
    """
    path = config_path() if path is None else path
    name = path.name or str(path)
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        return Config(), []
    except IsADirectoryError:
        return Config(), [f"{path} is a folder, not a settings file; using the default settings"]
    except OSError as error:
        reason = error.strerror or str(error)
        return Config(), [f"cannot read {path}: {reason}; using the default settings"]
    try:
        text = data_bytes.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data_bytes[: error.start].count(b"\n") + 1
        return Config(), [f"{name} line {line}: the file is not UTF-8 text; using the default settings"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Config(), [_plain_toml_error(name, text, error)]
    return _read_settings(_Reader(name, text), data, known_themes, known_actions)


def _read_settings(
    reader: _Reader, data: dict[str, Any], known_themes: Collection[str] | None, known_actions: Collection[str] | None
) -> tuple[Config, list[str]]:
    for key in data:
        if key not in SETTINGS:
            kind = "section" if isinstance(data[key], dict) else "setting"
            reader.error(
                f'unknown {kind} "{key}"{_suggest(key, SETTINGS)}; it was ignored. '
                f"Known settings: {', '.join(SETTINGS)}",
                key,
            )

    theme: str | None = None
    if "theme" in data:
        value = reader.text(data, "theme", "", "textual-dark") or None
        if value is not None and known_themes is not None and value not in known_themes:
            themes = sorted(known_themes)
            reader.error(
                f'theme "{value}" is not a known theme{_suggest(value, themes)}; '
                f"using the default. Themes: {', '.join(themes)}",
                "theme",
            )
            value = None
        theme = value

    keys: dict[str, str] = {}
    if "keys" in data:
        table = data["keys"]
        if isinstance(table, dict):
            keys = _read_keys(reader, table, known_actions)
        else:
            reader.error(
                'keys must be a section: a line [keys] followed by lines like bookmark = "b"; it was ignored', "keys"
            )

    config = Config(
        theme=theme,
        sort=reader.choice(data, "sort", "date", SORTS),
        mark_read=reader.choice(data, "mark_read", "open", MARK_READ),
        images=reader.choice(data, "images", "off", IMAGES),
        keys=keys,
    )
    return config, reader.errors


def _read_keys(reader: _Reader, table: dict[str, Any], known_actions: Collection[str] | None) -> dict[str, str]:
    keys: dict[str, str] = {}
    for action, value in table.items():
        if known_actions is not None and action not in known_actions:
            reader.error(
                f'[keys] "{action}" is not a key binding id{_suggest(action, known_actions)}; '
                "it was ignored (the help screen, ?, lists the ids)",
                action,
                "keys",
            )
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            written = list(value)
        elif isinstance(value, str):
            written = value.split(",")
        else:
            reader.error(
                f'[keys] {action} must be text in quotes, e.g. {action} = "b" or "b,ctrl+b"; it was ignored',
                action,
                "keys",
            )
            continue
        names = [normalize_key(key) for key in written]
        bad = [key.strip() for key, normal in zip(written, names, strict=True) if normal is None]
        if bad:
            shown = ", ".join(f'"{key}"' for key in bad)
            reader.error(
                f"[keys] {action}: {shown} cannot be a key (write letters, digits or names like "
                '"ctrl+x", "f5", "pageup", "question_mark", "space", separated by commas); '
                "it was ignored",
                action,
                "keys",
            )
            continue
        keys[action] = ",".join(dict.fromkeys(name for name in names if name is not None))
    return keys


__all__ = ["Config", "load_config", "normalize_key"]
