"""`dti rank`, `dti check` and `dti score` on hostile spreadsheets (issue 10 §1): the installed
command exits 2 with one Vietnamese line naming the limit, quickly."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.files import hostile_xlsx, write_csv

ROOT = Path(__file__).resolve().parents[1]
DTI = ROOT / ".venv" / "bin" / "dti"
FRAMEWORK = str(ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml")

HOSTILE = {
    "cell": "tệp giải nén ra hơn 100 MB (thành phần 'xl/sharedStrings.xml')",
    "sheet": "tệp giải nén ra hơn 100 MB (thành phần 'xl/worksheets/sheet1.xml')",
    "bomb": "tỷ lệ nén 342:1 của thành phần 'xl/worksheets/sheet1.xml' vượt giới hạn 100:1 (tệp nén bất thường)",
    "long-cell": "trang 'Dữ liệu', dòng 2, cột B: ô B2 dài hơn 32.767 ký tự",
}


def refused(*argv: str) -> str:
    """Run the installed command: exit 2, one 'dti: ' line and nothing on stdout, within 15 s
    of wall time on a shared machine (the refusal itself takes well under a second)."""
    start = time.monotonic()
    done = subprocess.run([str(DTI), *argv], capture_output=True, text=True, timeout=60, check=False)
    assert time.monotonic() - start < 15
    assert done.returncode == 2, done
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dti: "), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("verb", "kind"),
    [
        *((verb, kind) for verb in ("rank", "check", "score") for kind in ("cell", "long-cell")),
        ("check", "sheet"),
        ("rank", "bomb"),
    ],
)
def test_a_hostile_xlsx_exits_2_with_one_line(tmp_path: Path, verb: str, kind: str) -> None:
    path = hostile_xlsx(tmp_path / f"{kind}.xlsx", kind)
    assert refused(verb, FRAMEWORK, str(path)) == f"dti: {path}{', ' if kind == 'long-cell' else ': '}{HOSTILE[kind]}"


@pytest.mark.parametrize("verb", ["rank", "score"])
def test_a_csv_of_millions_of_rows_exits_2_with_one_line(tmp_path: Path, verb: str) -> None:
    path = write_csv(tmp_path / "dai.csv", "unit,value\n" + "A,1\n" * 1_000_000)
    assert refused(verb, FRAMEWORK, str(path)) == f"dti: {path}, dòng 150.001: có hơn 150.000 dòng"
