"""A fast path for the frontmatter shapes feed bots and site generators write.

PyYAML builds a node tree and walks it for every post; most frontmatter is flat `key: value`
lines and `- item` lists. Those are read here by line, with PyYAML's own resolver and
constructors deciding what each plain scalar means (dates, booleans, numbers), so the result is
the same mapping `yaml.safe_load` gives. Anything else returns None and PyYAML reads it.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*))?")
_ITEM = re.compile(r"([ ]*)-(?:[ ]+(.*))?")
# Characters YAML accepts in a document, minus tab (it changes how lines split) and the line
# breaks Python's split would not see (NEL, LS, PS).
_NOT_PRINTABLE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN_START_REFUSED = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Inside `[...]`: what would need PyYAML's flow rules (quotes, nesting, mappings, comments).
_FLOW_REFUSED = re.compile(r"[\[\]{}'\"#:?&*!|>%@`]")
_STR = "tag:yaml.org,2002:str"
_resolver = Resolver()
# How plain scalars and keys resolve, remembered: the same few (`false`, `Solidot`, `title`)
# come back in every post. Bounded, so a million distinct values cannot grow it.
_plain_tags: dict[str, str] = {}
_plain_keys: set[str] = set()
_constructor = SafeConstructor()
_SUPPORTED_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


class _Refused(Exception):
    """The text is not one of the simple shapes: PyYAML must read it."""


def _scalar(text: str) -> Any:
    """One scalar written on one line, as PyYAML would construct it."""
    first = text[0]
    if first == "[":
        return _flow_sequence(text)
    if first == "'":
        if len(text) < 2 or text[-1] != "'" or "'" in text[1:-1]:
            raise _Refused
        return text[1:-1]
    if first == '"':
        if len(text) < 2 or text[-1] != '"' or '"' in text[1:-1] or "\\" in text:
            raise _Refused
        return text[1:-1]
    if first in _PLAIN_START_REFUSED or ": " in text or " #" in text or text.endswith(":"):
        raise _Refused
    tag = _plain_tags.get(text)
    if tag is None:
        tag = _resolver.resolve(ScalarNode, text, (True, False))
        if len(_plain_tags) < 4096:
            _plain_tags[text] = tag
    if tag == _STR:
        return text
    if tag not in _SUPPORTED_TAGS:
        raise _Refused
    return _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, text))


def _flow_sequence(text: str) -> list[Any]:
    """`[a, b c, 2021-01-01]`: plain items only; quotes, nesting and empty items go to PyYAML."""
    if text[-1] != "]" or _FLOW_REFUSED.search(text, 1, len(text) - 1):
        raise _Refused
    inner = text[1:-1].strip(" ")
    if not inner:
        return []
    items = [item.strip(" ") for item in inner.split(",")]
    if not all(items):
        raise _Refused
    return [_scalar(item) for item in items]


def _key(name: str) -> str:
    if name not in _plain_keys:
        if _resolver.resolve(ScalarNode, name, (True, False)) != _STR:
            raise _Refused  # `on:` is the key True, `null:` the key None: PyYAML's business
        if len(_plain_keys) < 4096:
            _plain_keys.add(name)
    return name


def load_simple_yaml(frontmatter: str) -> dict[str, Any] | None:
    """The mapping PyYAML would load, or None when the text is not a simple shape."""
    if "\t" in frontmatter or _NOT_PRINTABLE.search(frontmatter):
        return None
    mapping: dict[str, Any] = {}
    items: list[Any] | None = None
    item_indent = -1
    try:
        for line in frontmatter.split("\n"):
            line = line.rstrip(" ")
            if not line:
                continue
            if line[0] != " " and line[0] != "-":
                match = _KEY.fullmatch(line)
                if match is None:
                    return None
                key = _key(match.group(1))
                value = match.group(2)
                items, item_indent = None, -1
                if value:
                    mapping[key] = _scalar(value)
                else:
                    mapping[key] = None
                    items = []
                    pending_key = key
                continue
            match = _ITEM.fullmatch(line)
            if match is None or items is None or not match.group(2):
                return None
            indent = len(match.group(1))
            if item_indent < 0:
                item_indent = indent
            elif indent != item_indent:
                return None
            items.append(_scalar(match.group(2)))
            mapping[pending_key] = items
    except _Refused:
        return None
    except (ValueError, OverflowError):
        return None  # a constructor refused (2021-13-45): PyYAML reports it
    return mapping if mapping else None
