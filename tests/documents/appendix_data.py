"""Results for the appendix tests: Ninh Bình's published 2023 tables (seed 000, ranked by total),
and a small campaign ranked by percent of the applicable maximum with N/A and dense ties, as
Bình Định ranks its departments."""

from __future__ import annotations

from pathlib import Path

from dti.engine import Framework, load_framework, rank_results, read_results, row_result
from dti.results.snapshot import Snapshot, snapshot_of_results

ROOT = Path(__file__).resolve().parents[2]
NINH_BINH = ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml"
NINH_BINH_RESULTS = ROOT / "examples" / "ninh-binh-2023-ket-qua.csv"

PERCENT_FRAMEWORK = """format: dti/1
code: thu-ty-le-2024-so
name: Bộ chỉ số thử xếp hạng theo tỷ lệ
level: so
year: 2024
precision: 2
ranking: {basis: percent, decimals: 1, ties: dense}
classification:
  basis: percent
  bands:
    - {name: Tốt, min: 90}
    - {name: Khá, min: 60}
    - {name: Trung bình, min: 0}
general_info: []
indices:
  - code: I
    name: Nhận thức số
    max: 60
    indicators:
      - {code: I.1, name: Người đứng đầu chỉ đạo chuyển đổi số, max: 20, scoring: {method: manual}}
      - {code: I.2, name: Kế hoạch chuyển đổi số hằng năm, max: 20, scoring: {method: manual}}
      - {code: I.3, name: Dịch vụ công trực tuyến toàn trình, max: 20, scoring: {method: manual}}
  - code: II
    name: Hạ tầng số
    max: 40
    indicators:
      - {code: II.1, name: Mạng truyền số liệu chuyên dùng, max: 20, scoring: {method: manual}}
      - {code: II.2, name: Hệ thống giám sát an toàn thông tin, max: 20, scoring: {method: manual}}
derived:
  - {code: DTI, name: Chỉ số DTI, indices: all, decimals: 4}
"""

GROUP = "Sở, ban, ngành"
# Sở Y tế 93,8 % and Sở Nội vụ 93,75 % (N/A: max 80) share rank 2, Y tế first by the exact value;
# Văn phòng UBND has two N/A (max 60); dense ties: Sở Công Thương is 4th.
PERCENT_ROWS = [
    ("Sở Công Thương", "10", "10", "10", "10", "10"),
    ("Sở Nội vụ", "20", "20", "N/A", "20", "15"),
    ("Sở Tài chính", "20", "20", "20", "20", "15"),
    ("Sở Y tế", "20", "20", "18,8", "20", "15"),
    ("Văn phòng UBND tỉnh", "20", "18", "N/A", "15", "N/A"),
]
PERCENT_ORDER = ["Sở Tài chính", "Sở Y tế", "Sở Nội vụ", "Văn phòng UBND tỉnh", "Sở Công Thương"]


def percent_files(
    folder: Path, groups: dict[str, list[tuple[str, ...]]] | None = None, *, derived: bool = True
) -> tuple[Path, Path]:
    """The percent framework (without its derived DTI if not `derived`) and its results CSV
    written in `folder` (one group by default)."""
    framework = folder / "thu-ty-le-2024-so.yaml"
    text = PERCENT_FRAMEWORK if derived else PERCENT_FRAMEWORK.split("derived:")[0]
    framework.write_text(text, encoding="utf-8")
    lines = ["unit,group,I.1,I.2,I.3,II.1,II.2"]
    for group, rows in (groups or {GROUP: PERCENT_ROWS}).items():
        lines += [",".join(f'"{cell}"' for cell in (row[0], group, *row[1:])) for row in rows]
    results = folder / "ket-qua.csv"
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return framework, results


def snapshot_of(framework_path: Path, results_path: Path) -> tuple[Framework, Snapshot]:
    """A results file ranked by its framework, as the snapshot `dti report appendix` builds."""
    framework = load_framework(framework_path)
    results = [row_result(framework, row) for row in read_results(framework, results_path).rows]
    rank_results(framework, results)
    return framework, snapshot_of_results(framework, results, name=results_path.name, year=framework.year)


def ninh_binh() -> tuple[Framework, Snapshot]:
    return snapshot_of(NINH_BINH, NINH_BINH_RESULTS)
