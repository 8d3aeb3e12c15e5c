"""Hostile YAML and JSON texts for the reading-limit tests (engine, command line, web upload)."""

from __future__ import annotations

import itertools

from dti.engine.bounded import MAX_ALIASES, MAX_BYTES, MAX_DEPTH, MAX_NODES

HEADER = "format: dti/1\ncode: bom-2023-huyen\nname: Bom bí danh\nlevel: huyen\nyear: 2023\n"


def _laughs() -> str:
    """Nine levels of nine aliases: 442 bytes (the probe's was 491) that a naive reader expands to 9^9 strings."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghi"
    for previous, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return HEADER + "\n".join(lines) + "\nindices: [*i]\n"


BILLION_LAUGHS = _laughs()
LAUGHS_INPUTS = BILLION_LAUGHS.replace("indices:", "units:")  # the same bomb as an inputs file
LAUGHS_MESSAGE = "tệp có hơn 100.000 giá trị khi mở hết các bí danh (*tên) (giới hạn của tệp YAML/JSON)"
DEEP_MESSAGE = f"danh sách và bảng lồng nhau quá {MAX_DEPTH} cấp (giới hạn của tệp YAML/JSON)"
ALIASES_MESSAGE = f"dùng bí danh YAML (*tên) quá {MAX_ALIASES} lần (giới hạn của tệp YAML)"
SIZE_MESSAGE = "tệp vượt giới hạn 2 MB (2.097.152 byte) của một tệp YAML/JSON"
MANY_MESSAGE = "tệp có hơn 100.000 giá trị (giới hạn của tệp YAML/JSON)"

# 100,000 lists inside each other: a recursive reader runs out of stack.
DEEP_YAML = HEADER + "indices: " + "[" * 100_000 + "]" * 100_000 + "\n"
# One more alias than allowed, each naming a single scalar (nothing to expand).
MANY_ALIASES = HEADER + "notes: &n ghi chú\nsource: [" + ", ".join(["*n"] * (MAX_ALIASES + 1)) + "]\n"
# Just over the size limit: a comment, so only the size is wrong.
OVERSIZED_YAML = HEADER + "#" + "x" * MAX_BYTES + "\n"
# One more value than allowed, no alias.
MANY_VALUES_YAML = HEADER + "notes: [" + "1," * MAX_NODES + "1]\n"

JSON_HEAD = '{"format": "dti-inputs/1", "units": '
DEEP_JSON = JSON_HEAD + "[" * 100_000 + "]" * 100_000 + "}"
OVERSIZED_JSON = JSON_HEAD + "[]" + " " * MAX_BYTES + "}"
MANY_VALUES_JSON = JSON_HEAD + "[" + "0," * MAX_NODES + "0]}"
