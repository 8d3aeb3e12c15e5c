"""`dti validate` and `dti score` on hostile YAML/JSON files: exit 2 with one line, quickly.

The installed command runs under a 2 GB address-space cap, so a broken limit fails the test
instead of exhausting the machine.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from tests import yaml_bombs as bombs

ROOT = Path(__file__).resolve().parents[1]
DTI = ROOT / ".venv" / "bin" / "dti"
FRAMEWORK = str(ROOT / "frameworks" / "quoc-gia-2022-tinh.yaml")


def _children_cpu() -> float:
    """CPU seconds used by this process's finished children: a loaded machine stretches wall
    time, not the work a command does."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.parametrize(
    ("verb", "name", "content", "refusal"),
    [
        ("validate", "bom-bi-danh.yaml", bombs.BILLION_LAUGHS, f", dòng 11: {bombs.LAUGHS_MESSAGE}"),
        ("validate", "long-sau.yaml", bombs.DEEP_YAML, f", dòng 6: {bombs.DEEP_MESSAGE}"),
        ("validate", "nhieu-bi-danh.yaml", bombs.MANY_ALIASES, f", dòng 7: {bombs.ALIASES_MESSAGE}"),
        ("score", "so-lieu-bom.yaml", bombs.LAUGHS_INPUTS, f", dòng 11: {bombs.LAUGHS_MESSAGE}"),
        ("score", "so-lieu-long-sau.json", bombs.DEEP_JSON, f": {bombs.DEEP_MESSAGE}"),
        ("score", "so-lieu-qua-lon.json", bombs.OVERSIZED_JSON, f": {bombs.SIZE_MESSAGE}"),
    ],
)
def test_a_hostile_file_exits_2_with_one_line(tmp_path: Path, verb: str, name: str, content: str, refusal: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    arguments = [str(DTI), verb, str(path)] if verb == "validate" else [str(DTI), verb, FRAMEWORK, str(path)]
    start = _children_cpu()
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=60, check=False, preexec_fn=_capped)
    seconds = _children_cpu() - start
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"dti: {path}{refusal}\n"
    assert seconds < 3, seconds  # CPU seconds, the interpreter's start included
