"""Reading YAML and JSON from outside (framework files, inputs files) within fixed limits.

A small file must not be able to take a server down: nested YAML aliases ("billion laughs")
expand 491 bytes into gigabytes, and deep nesting exhausts the stack. Every YAML or JSON text
the engine reads goes through `read_text` and `load_yaml` / `load_json`, which refuse, with an
InputError that names the limit, a text over any of these limits (docs/framework-format.md,
"Giới hạn"):

- `MAX_BYTES`: the size of the file, checked before parsing;
- `MAX_DEPTH`: lists and mappings nested inside each other;
- `MAX_ALIASES`: uses of a YAML alias (`*name`); the shipped frameworks use none;
- `MAX_NODES`: values (keys, scalars, lists, mappings) once every alias is expanded, which is
  what any walk over the document visits;
- `MAX_NUMBER_CHARS`: the characters of one YAML number (`1:59:59…` in base 60 takes time
  that grows with the square of its length); the engine reads at most 15 digits anyway.

YAML limits are checked on libyaml's parse events and JSON limits on a scan of the text, both
before the document is built, so a refusal is quick and small.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.cyaml import CSafeLoader
from yaml.events import (
    AliasEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import Node, ScalarNode

from dti.engine.errors import InputError
from dti.engine.numbers import fmt

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50
MAX_ALIASES = 300
MAX_NODES = 100_000
MAX_NUMBER_CHARS = 100

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{},:]')  # a string (closed or not), or a mark
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def read_text(path: Path) -> str:
    """A UTF-8 file's text, refused unread beyond `MAX_BYTES` (OSError, UnicodeDecodeError pass through)."""
    with path.open("rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    _check_size(len(data), str(path))
    return data.decode("utf-8")


def load_yaml(text: str, *, file: str) -> Any:
    """The data of one YAML document (safe types only) within the limits; yaml.YAMLError if malformed."""
    _check_size(len(text.encode("utf-8")), file)
    _check_events(text, file)
    loader = _SafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_json(text: str, *, file: str) -> Any:
    """The data of a JSON text within the limits; json.JSONDecodeError if malformed."""
    _check_size(len(text.encode("utf-8")), file)
    _check_json(text, file)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(file, "", "có số quá dài, không đọc được") from exc


def _check_size(size: int, file: str) -> None:
    if size > MAX_BYTES:
        limit = f"{MAX_BYTES // (1024 * 1024)} MB ({fmt(Decimal(MAX_BYTES))} byte)"
        raise InputError(file, "", f"tệp vượt giới hạn {limit} của một tệp YAML/JSON")


def _too_deep() -> str:
    return f"danh sách và bảng lồng nhau quá {MAX_DEPTH} cấp (giới hạn của tệp YAML/JSON)"


def _too_many(counted: str = "") -> str:
    return f"tệp có hơn {fmt(Decimal(MAX_NODES))} giá trị{counted} (giới hạn của tệp YAML/JSON)"


def _check_json(text: str, file: str) -> None:
    """A JSON text within `MAX_DEPTH` and `MAX_NODES`, scanned before parsing.

    Strings are skipped whole (brackets and commas inside them do not count; an unclosed one
    runs to the end, so the scan stays linear); each bracket that opens, comma and colon counts
    one value. Up to its first mistake a text is read by the scan as JSON reads it, so nothing
    the scan lets through nests deeper in the parser.
    """
    depth = nodes = 0
    for token in _JSON_TOKEN.finditer(text):
        mark = text[token.start()]
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(file, "", _too_deep())
        elif mark in "]}":
            depth -= 1
            continue
        elif mark == '"':
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise InputError(file, "", _too_many())


def _check_events(text: str, file: str) -> None:
    """The YAML text's parse events within the limits, counted before anything is built.

    Each scalar, list and mapping counts one and each alias the size of the node it names
    (anchor to end), so the count is the size of the document with aliases expanded; an alias
    inside the node it names (a loop) is refused too. A syntax error raises yaml.YAMLError.
    """
    aliases = nodes = 0
    sizes: dict[str, int] = {}  # anchor -> nodes of its node, aliases expanded
    nested: list[tuple[str | None, int]] = []  # lists and mappings being read: anchor, count at start

    def refuse(event: Event, message: str) -> InputError:
        mark = event.start_mark
        return InputError(file, f"dòng {mark.line + 1}" if mark else "", message)

    for event in yaml.parse(text, Loader=CSafeLoader):
        if isinstance(event, AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise refuse(event, f"dùng bí danh YAML (*tên) quá {MAX_ALIASES} lần (giới hạn của tệp YAML)")
            if any(anchor == event.anchor for anchor, _ in nested):
                raise refuse(event, f"bí danh *{event.anchor} nằm trong chính mục mà nó trỏ tới (vòng lặp)")
            nodes += sizes.get(event.anchor or "", 1)  # an unknown one is a YAML error when loading
        elif isinstance(event, ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, SequenceStartEvent | MappingStartEvent):
            nodes += 1
            nested.append((event.anchor, nodes))
            if len(nested) > MAX_DEPTH:
                raise refuse(event, _too_deep())
        elif isinstance(event, SequenceEndEvent | MappingEndEvent):
            anchor, start = nested.pop()
            if anchor is not None:
                sizes[anchor] = nodes - start + 1
        if nodes > MAX_NODES:  # "aliases expanded" only said to whoever wrote one
            raise refuse(event, _too_many(" khi mở hết các bí danh (*tên)" if aliases else ""))


class _SafeLoader(CSafeLoader):
    """PyYAML's safe loader (libyaml) where a value the constructors cannot hold (a date like
    2023-02-30, `!!bool maybe`, a number over `MAX_NUMBER_CHARS`) is a YAML error at its line,
    not a crash."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, ScalarNode) and node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise ConstructorError(None, None, f"số dài quá {MAX_NUMBER_CHARS} ký tự", node.start_mark)
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, AttributeError) as exc:  # what the safe constructors raise on such values
            raise ConstructorError(None, None, "giá trị không đọc được", node.start_mark) from exc
