"""check_table on whole published documents: derived figures, 0–1 values, index percents and
ranks of part of a ranked set (a region's provinces of the national table)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dti.engine import (
    KINDS,
    Finding,
    Framework,
    check_appendix,
    check_table,
    load_framework,
    read_appendix,
    read_results,
)
from tests.engine.conftest import FRAMEWORKS, ROOT, D, framework
from tests.engine.test_results_published import REGION
from tests.files import write_csv


@pytest.fixture(scope="module")
def national() -> Framework:
    return load_framework(FRAMEWORKS / "quoc-gia-2022-tinh.yaml")


@pytest.fixture(scope="module")
def ninh_binh() -> Framework:
    return load_framework(FRAMEWORKS / "ninh-binh-2023-huyen.yaml")


def check(fw: Framework, tmp_path: Path, text: str, *, partial: bool = False) -> list[Finding]:
    return check_table(fw, read_results(fw, write_csv(tmp_path / "kq.csv", text)), partial=partial)


def brief(findings: list[Finding]) -> list[tuple[str, str, str, object, object]]:
    return [(f.unit, f.code, f.kind, f.published, f.expected) for f in findings]


def planted(old: str, new: str) -> str:
    assert REGION.count(old) == 1, old
    return REGION.replace(old, new)


# --- the region's table: DTI, pillars, 0–1 values, national ranks ---------------------------


def test_region_table_as_published_has_no_findings(national: Framework, tmp_path: Path) -> None:
    assert check(national, tmp_path, REGION) == []


def test_dti_not_explained_by_the_indices(national: Framework, tmp_path: Path) -> None:
    findings = check(national, tmp_path, planted("0.6376,0.6521", "0.6386,0.6521"))
    assert brief(findings) == [("Thái Nguyên", "DTI", "derived", D("0.6386"), D("0.6376"))]
    assert findings[0].place == "dòng 2, cột K (DTI)"
    assert "công bố 0,6386, tính lại 0,6376" in findings[0].message


def test_pillar_not_explained_by_its_indices(national: Framework, tmp_path: Path) -> None:
    # Kinh tế số of Yên Bái: (foundation 342,65 + 0,7487 × 150) / 650 = 0,6999, printed 0,6899.
    findings = check(national, tmp_path, planted("0.6999,0.6082", "0.6899,0.6082"))
    assert brief(findings) == [("Yên Bái", "KTS", "derived", D("0.6899"), D("0.6999"))]


def test_derived_figure_within_the_rounding_of_its_values_is_fine(national: Framework, tmp_path: Path) -> None:
    # Thái Nguyên's DTI is 0,637565 from the printed values, each of which may be off by
    # 0,00005 × its max (0,05 points in all): the DTI lies in 0,637515…0,637615, printed 0,6375
    # or 0,6376, never 0,6377.
    assert check(national, tmp_path, planted("0.6376,0.6521", "0.6375,0.6521")) == []
    findings = check(national, tmp_path, planted("0.6376,0.6521", "0.6377,0.6521"))
    assert brief(findings) == [("Thái Nguyên", "DTI", "derived", D("0.6377"), D("0.6376"))]


def test_derived_figure_printed_with_fewer_decimals_gets_their_tolerance(national: Framework, tmp_path: Path) -> None:
    assert check(national, tmp_path, planted("0.6376,0.6521", "0.64,0.6521")) == []
    findings = check(national, tmp_path, planted("0.6376,0.6521", "0.65,0.6521"))
    assert brief(findings) == [("Thái Nguyên", "DTI", "derived", D("0.65"), D("0.6376"))]


def test_derived_figure_not_checked_without_its_indices(national: Framework, tmp_path: Path) -> None:
    assert check(national, tmp_path, "unit,DTI,CQS\nA,0.5,0.9\n") == []


def test_value_not_the_index_score_over_its_max(national: Framework, tmp_path: Path) -> None:
    findings = check(national, tmp_path, "unit,7,value:7\nA,147.1,0.7355\nB,147.1,0.7455\n")
    assert brief(findings) == [("B", "value:7", "value", D("0.7455"), D("0.7355"))]
    assert findings[0].place == "dòng 3, cột C (value:7)"


def test_value_within_the_rounding_of_the_score(national: Framework, tmp_path: Path) -> None:
    # 147,11 of 200 is 0,73555: printed 0,7355 or 0,7356 (the score's own rounding ± 0,005 / 200).
    assert check(national, tmp_path, "unit,7,value:7\nA,147.11,0.7355\nB,147.11,0.7356\n") == []


@pytest.mark.parametrize(("value", "kind", "bound"), [("1.0200", "above_max", 1), ("-0.1000", "below_zero", 0)])
def test_value_outside_0_1(national: Framework, tmp_path: Path, value: str, kind: str, bound: int) -> None:
    findings = check(national, tmp_path, f"unit,value:1\nA,{value}\n")
    assert brief(findings) == [("A", "value:1", kind, D(value), D(bound))]


WITH_INDICATORS = """
indices:
  - code: "I"
    name: Một
    max: 50
    indicators:
      - {code: I.1, name: A, max: 40, scoring: {method: manual}}
      - {code: I.2, name: B, max: 10, scoring: {method: manual}}
"""


def test_index_percent_not_score_over_max(tmp_path: Path) -> None:
    # 45 of 50 is 90 %.
    text = 'unit,I,percent:I\nA,45,90\nB,45,"91,5"\nC,45,"90,0040"\n'
    findings = check(framework(WITH_INDICATORS), tmp_path, text)
    assert brief(findings) == [("B", "percent:I", "percent", D("91.5"), D("90.00"))]
    assert findings[0].place == "dòng 3, cột C (percent:I)"


def test_index_percent_uses_the_max_lowered_by_na(tmp_path: Path) -> None:
    # I.2 (10 points) not applicable: 36 of 40 is 90 %, not 72 %.
    text = "unit,I.1,I.2,I,percent:I\nA,36,N/A,36,90\nB,36,N/A,36,72\n"
    findings = check(framework(WITH_INDICATORS), tmp_path, text)
    assert brief(findings) == [("B", "percent:I", "percent", D("72"), D("90.00"))]


# --- ranks: the whole set by number, part of it by order -------------------------------------


def test_rank_of_a_larger_set_checked_by_order(national: Framework, tmp_path: Path) -> None:
    # Thái Nguyên has the highest DTI of the region but is printed below Bắc Kạn.
    findings = check(national, tmp_path, planted("0.6045,3,2", "0.6045,10,2"))
    assert brief(findings) == [("Thái Nguyên", "rank", "rank_order", 10, None)]
    assert findings[0].place == "dòng 2, cột O (rank)"
    assert "Bắc Kạn hạng 9 với 63,22" in findings[0].message
    assert "Thái Nguyên hạng 10 với 63,76" in findings[0].message


def test_rank_of_a_derived_figure_checked_by_order(national: Framework, tmp_path: Path) -> None:
    findings = check(national, tmp_path, planted("0.6864,9,30", "0.6864,9,3"))
    assert brief(findings) == [("Tuyên Quang", "rank:CQS", "rank_order", 7, None)]
    assert "Bắc Kạn hạng 3 với 0,5705" in findings[0].message


def test_equal_values_must_share_a_rank(national: Framework, tmp_path: Path) -> None:
    text = "unit,1,2,3,4,5,7,8,9,rank\nA,50,50,50,50,50,100,75,75,20\nB,50,50,50,50,50,100,75,75,21\n"
    findings = check(national, tmp_path, text)
    assert brief(findings) == [("B", "rank", "rank_order", 21, None)]


def test_a_shared_rank_needs_equal_values(national: Framework, tmp_path: Path) -> None:
    text = "unit,1,2,3,4,5,7,8,9,rank\nA,50,50,50,50,50,100,75,75,20\nB,50,50,50,50,49,100,75,75,20\n"
    assert brief(check(national, tmp_path, text)) == [("B", "rank", "rank_order", 20, None)]


def test_partial_flag_checks_by_order_even_within_the_row_count(national: Framework, tmp_path: Path) -> None:
    # Ranks 1, 3, 3 of three units: a whole table would rank them 1, 2, 2; of a larger set
    # (someone else second) they are right.
    same = "50,50,50,50,100,75,75"
    text = f"unit,1,2,3,4,5,7,8,9,rank\nA,60,{same},1\nB,50,{same},3\nC,50,{same},3\n"
    assert check(national, tmp_path, text, partial=True) == []
    assert brief(check(national, tmp_path, text)) == [("B", "rank", "rank", 3, 2), ("C", "rank", "rank", 3, 2)]


def test_index_rank_of_a_whole_table_checked_by_number(ninh_binh: Framework, tmp_path: Path) -> None:
    text = "unit,1,rank:1\nA,50,1\nB,55,2\nC,40,3\n"
    assert brief(check(ninh_binh, tmp_path, text)) == [("A", "rank:1", "rank", 1, 2), ("B", "rank:1", "rank", 2, 1)]


CLASSIFIED = """
max: 100
classification:
  basis: total
  bands: [{name: Tốt, min: 75}, {name: Khá, min: 50}, {name: Kém, min: 0}]
indices:
  - {code: "I", name: Một, max: 50}
  - {code: "II", name: Hai, max: 50}
"""


def test_class_not_the_band_of_the_total(tmp_path: Path) -> None:
    fw = framework(CLASSIFIED)
    findings = check(fw, tmp_path, "unit,I,II,Xếp loại\nA,40,40,Tốt\nB,30,30,Tốt\nC,30,,Tốt\n")
    assert brief(findings) == [("B", "class", "class", "Tốt", "Khá")]  # C: its total is not known
    assert "công bố Tốt, tính lại Khá" in findings[0].message
    assert findings[0].place == "dòng 3, cột D (class)"


def test_every_new_kind_has_a_vietnamese_text() -> None:
    for kind in ("derived", "value", "rank_order", "class", "sheet_mismatch", "missing_unit"):
        assert KINDS[kind].strip()
    finding = Finding("A", "rank", "rank_order", 3, None, "dòng 2", "B hạng 2 với 1,0")
    assert finding.message == "A · rank: xếp hạng trái với thứ tự giá trị: B hạng 2 với 1,0 [dòng 2]"


# --- seed 000: Ninh Bình's published 2023 table ---------------------------------------------


def test_ninh_binh_2023_mistakes_still_found_as_a_document(ninh_binh: Framework) -> None:
    appendix = read_appendix(ninh_binh, ROOT / "examples" / "ninh-binh-2023-ket-qua.csv")
    assert len(appendix.sheets) == 1
    findings = check_appendix(ninh_binh, appendix)
    assert brief(findings) == [
        ("UBND thành phố Ninh Bình", "4", "sum", Decimal("62.6"), Decimal("63.6")),
        ("UBND thành phố Ninh Bình", "5", "sum", Decimal("61.82"), Decimal("60.82")),
        ("UBND huyện Kim Sơn", "8", "sum", Decimal("66.23"), Decimal("79.23")),
    ]
    assert [f.place for f in findings] == ["dòng 2, cột AD (4)", "dòng 2, cột AM (5)", "dòng 6, cột CD (8)"]
