"""YAML and JSON read within fixed limits (engine.bounded): hostile files refused quickly and small.

The hostile files are read one after the other in a child process, under a 2 GB address-space
cap so that a broken limit fails the test instead of the machine; each read is timed, and the
child's peak resident memory bounds every one of them. That peak is the kernel's VmHWM, not
resource's ru_maxrss: Linux carries ru_maxrss over from the parent (here pytest) through
fork and exec.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from dti.engine import FrameworkError, InputError, load_framework, parse_framework, read_inputs
from dti.engine.bounded import MAX_ALIASES, MAX_DEPTH, MAX_NODES, MAX_NUMBER_CHARS, load_json, load_yaml
from tests.engine.conftest import FRAMEWORKS, HEADER, ROOT
from tests.yaml_bombs import (
    ALIASES_MESSAGE,
    BILLION_LAUGHS,
    DEEP_JSON,
    DEEP_MESSAGE,
    DEEP_YAML,
    LAUGHS_INPUTS,
    LAUGHS_MESSAGE,
    MANY_ALIASES,
    MANY_MESSAGE,
    MANY_VALUES_JSON,
    MANY_VALUES_YAML,
    OVERSIZED_JSON,
    OVERSIZED_YAML,
    SIZE_MESSAGE,
)

SMALL = FRAMEWORKS / "quoc-gia-2022-tinh.yaml"

# file name -> (content, the refusal: file and place, message)
HOSTILE = {
    "bom-bi-danh.yaml": (BILLION_LAUGHS, "dòng 11", LAUGHS_MESSAGE),
    "long-sau.yaml": (DEEP_YAML, "dòng 6", DEEP_MESSAGE),
    "nhieu-bi-danh.yaml": (MANY_ALIASES, "dòng 7", ALIASES_MESSAGE),
    "qua-lon.yaml": (OVERSIZED_YAML, "", SIZE_MESSAGE),
    "nhieu-gia-tri.yaml": (MANY_VALUES_YAML, "dòng 6", MANY_MESSAGE),  # no alias: none is spoken of
    "so-lieu-long-sau.json": (DEEP_JSON, "", DEEP_MESSAGE),
    "so-lieu-qua-lon.json": (OVERSIZED_JSON, "", SIZE_MESSAGE),
    "so-lieu-nhieu-gia-tri.json": (MANY_VALUES_JSON, "", MANY_MESSAGE),
    "so-lieu-bom-bi-danh.yaml": (LAUGHS_INPUTS, "dòng 11", LAUGHS_MESSAGE),
}

# Reads each file given (a framework file when its name has no "so-lieu") and prints, per file,
# the error and the seconds; then the process's peak resident memory in MB.
CHILD = """
import json, re, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
from dti.engine import DtiError, load_framework, read_inputs
framework = load_framework(sys.argv[1])
measured = {}
for path in sys.argv[2:]:
    start = time.process_time()
    try:
        read_inputs(framework, path) if "so-lieu" in path else load_framework(path)
        error = "accepted"
    except DtiError as exc:
        error = f"{type(exc).__name__}: {exc}"
    measured[path.rsplit("/", 1)[-1]] = [error, time.process_time() - start]
peak_kb = re.search(r"VmHWM:\\s*(\\d+) kB", open("/proc/self/status").read()).group(1)
print(json.dumps({"files": measured, "peak_mb": int(peak_kb) / 1024}))
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for name, (content, _place, _message) in HOSTILE.items():
        (folder / name).write_text(content, encoding="utf-8")
        paths.append(str(folder / name))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(SMALL), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return {"folder": str(folder), **json.loads(done.stdout)}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_quickly_and_small(measured, name):
    _content, place, message = HOSTILE[name]
    error, seconds = measured["files"][name]
    where = f"{measured['folder']}/{name}" + (f", {place}" if place else "")
    assert error == f"InputError: {where}: {message}"
    assert seconds < 2, seconds


def test_reading_every_hostile_file_stays_under_200_mb(measured):
    assert measured["peak_mb"] < 200, measured["peak_mb"]


def test_the_billion_laughs_file_is_tiny():
    assert len(BILLION_LAUGHS.encode("utf-8")) < 500


# --- each limit, at and over it ------------------------------------------------------------


def _refusal(text: str, *, json_text: bool = False) -> str:
    with pytest.raises(InputError) as exc:
        load_json(text, file="t") if json_text else load_yaml(text, file="t")
    return str(exc.value)


def test_nesting_up_to_the_limit_is_read():
    nested: list[object] = []
    for _ in range(MAX_DEPTH - 1):
        nested = [nested]
    assert load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, file="t") == nested
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, file="t") == nested
    deeper = MAX_DEPTH + 1
    assert _refusal("[" * deeper + "]" * deeper) == f"t, dòng 1: {DEEP_MESSAGE}"
    assert _refusal("[" * deeper + "]" * deeper, json_text=True) == f"t: {DEEP_MESSAGE}"


def test_block_nesting_counts_like_flow_nesting():
    text = "".join(f"{'  ' * level}k{level}:\n" for level in range(MAX_DEPTH)) + "  " * MAX_DEPTH + "x: 1\n"
    assert _refusal(text) == f"t, dòng {MAX_DEPTH + 1}: {DEEP_MESSAGE}"  # where the 51st level starts


def test_aliases_up_to_the_limit_are_read():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * MAX_ALIASES) + "]\n"
    assert load_yaml(text, file="t") == {"a": "x", "b": ["x"] * MAX_ALIASES}
    assert _refusal(text.replace("[", "[*a, ")) == f"t, dòng 2: {ALIASES_MESSAGE}"


def test_an_alias_counts_every_value_it_repeats():
    anchored = "a: &a [" + ", ".join(["1"] * 999) + "]\n"  # the list and its 999 numbers: 1,000 values
    copies = MAX_NODES // 1000 - 3  # with the mapping, its keys a and b and the list b: 3 values short
    fits = anchored + "b: [" + ", ".join(["*a"] * copies) + "]\n"
    assert len(load_yaml(fits, file="t")["b"]) == copies
    assert _refusal(fits.replace("b: [", "b: [*a, *a, ")) == f"t, dòng 2: {LAUGHS_MESSAGE}"


def test_an_alias_inside_what_it_names_is_refused():
    assert _refusal("a: &a [1, *a]\n") == "t, dòng 1: bí danh *a nằm trong chính mục mà nó trỏ tới (vòng lặp)"
    assert _refusal("a: &a {b: {c: *a}}\n").endswith("(vòng lặp)")


def test_a_json_string_may_hold_brackets_and_commas():
    text = '{"a": "[[[{,,,:" , "b": ["]]]", "\\"[,"]}'
    assert load_json(text, file="t") == {"a": "[[[{,,,:", "b": ["]]]", '"[,']}


def test_unclosed_json_strings_are_scanned_in_linear_time():
    start = time.process_time()
    with pytest.raises(json.JSONDecodeError):
        load_json('"\\"' * 300_000, file="t")
    assert time.process_time() - start < 2


def test_a_json_integer_too_long_for_python_is_refused():
    assert _refusal('{"a": ' + "9" * 5000 + "}", json_text=True) == "t: có số quá dài, không đọc được"


# --- values YAML cannot hold: a YAML error at their line, never a crash ---------------------


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-30",  # no such day
        "!!bool có lẽ",
        "!!timestamp hôm qua",
        "!!int mười",
        "1" + ":59" * 40,  # a base-60 number over the limit: time grows with the square of its length
    ],
)
def test_a_value_yaml_cannot_hold_is_a_yaml_error_at_its_line(value):
    with pytest.raises(FrameworkError) as exc:
        parse_framework(HEADER + f"notes: {value}\n", file="t.yaml")
    assert [str(problem) for problem in exc.value.problems] == ["t.yaml: dòng 6, cột 8: YAML sai cú pháp"]


def test_a_long_number_is_refused_before_it_is_computed():
    start = time.process_time()
    with pytest.raises(yaml.YAMLError) as exc:
        load_yaml("a: 1" + ":59" * 500_000, file="t")
    assert time.process_time() - start < 2
    assert f"số dài quá {MAX_NUMBER_CHARS} ký tự" in str(exc.value)


def test_an_inputs_file_with_an_impossible_date_names_its_line(tmp_path: Path):
    path = tmp_path / "so-lieu.yaml"
    path.write_text("format: dti-inputs/1\nunits:\n  - unit: A\n    general: {ngay: 2023-02-30}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_inputs(load_framework(SMALL), path)
    assert str(exc.value) == f"{path}, dòng 4: tệp sai cú pháp"


def test_the_shipped_frameworks_use_no_alias_and_nest_far_below_the_limit():
    for path in sorted(FRAMEWORKS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
        assert not any(isinstance(event, yaml.AliasEvent) for event in events), path.name
        depth = deepest = 0
        for event in events:
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            deepest = max(deepest, depth)
        assert deepest <= MAX_DEPTH // 3, (path.name, deepest)
        assert load_framework(path).code == path.stem


def test_the_limits_are_documented():
    text = (ROOT / "docs" / "framework-format.md").read_text(encoding="utf-8")
    section = text[text.index("## Giới hạn") :]
    for value in ("2 MB (2.097.152 byte)", f"{MAX_DEPTH} levels", f"| {MAX_ALIASES} |", "100.000", "| 100 |"):
        assert value in section, value
