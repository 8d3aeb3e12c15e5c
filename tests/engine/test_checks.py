"""check_table: the mistakes a reader of a published results table could catch."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dti.engine.checks import Finding, check_table
from dti.engine.loader import load_framework, parse_framework
from dti.engine.model import Framework
from dti.engine.results import read_results

ROOT = Path(__file__).resolve().parents[2]

FRAMEWORK = """
format: dti/1
code: thu-ket-qua
name: Bộ chỉ số thử (kết quả)
level: huyen
year: 2023
max: 40
ranking: {{basis: {basis}, decimals: {decimals}, ties: {ties}}}
indices:
  - code: "1"
    name: Một
    max: 20
    indicators:
      - {{code: "1.1", name: A, max: 10, scoring: {{method: manual}}}}
      - {{code: "1.2", name: B, max: 10, scoring: {{method: manual}}}}
  - code: "2"
    name: Hai
    max: 20
    groups:
      - code: "2.1"
        name: Nhóm
        indicators:
          - {{code: "2.1.1", name: C, max: 10, scoring: {{method: manual}}}}
          - {{code: "2.1.2", name: D, max: 10, scoring: {{method: manual}}}}
"""


def framework(basis: str = "total", decimals: int = 2, ties: str = "competition") -> Framework:
    return parse_framework(FRAMEWORK.format(basis=basis, decimals=decimals, ties=ties), file="thu.yaml")


def check(tmp_path: Path, text: str, fw: Framework | None = None) -> list[Finding]:
    fw = fw or framework()
    path = tmp_path / "kq.csv"
    path.write_text(text, encoding="utf-8")
    return check_table(fw, read_results(fw, path))


def brief(findings: list[Finding]) -> list[tuple[str, str, str, object, object]]:
    return [(f.unit, f.code, f.kind, f.published, f.expected) for f in findings]


CORRECT = (
    "unit,group,1.1,1.2,1,2.1.1,2.1.2,2.1,2,total,percent,rank\n"
    'UBND huyện A,huyen,10,"9,5","19,5",8,7,15,15,"34,5","86,25",1\n'
    "UBND huyện B,huyen,5,5,10,5,5,10,10,20,50,2\n"
    "UBND huyện C,huyen,5,5,10,5,5,10,10,20,50,2\n"
)


def test_correct_table_has_no_findings(tmp_path: Path) -> None:
    assert check(tmp_path, CORRECT) == []


def test_index_not_the_sum_of_its_indicators(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1.1,1.2,1\nA,10,9,20\n")
    assert brief(findings) == [("A", "1", "sum", Decimal("20"), Decimal("19"))]
    assert findings[0].place == "dòng 2, cột D (1)"
    assert "công bố 20, tính lại 19" in findings[0].message


def test_group_not_the_sum_of_its_indicators(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,2.1.1,2.1.2,2.1,2\nA,8,7,16,16\n")
    assert brief(findings) == [("A", "2.1", "sum", Decimal("16"), Decimal("15"))]


def test_index_not_the_sum_of_its_groups(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,2.1,2\nA,15,14\n")
    assert brief(findings) == [("A", "2", "sum", Decimal("14"), Decimal("15"))]


def test_total_not_the_sum_of_its_indices(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1,2,total\nA,20,10,31\n")
    assert brief(findings) == [("A", "total", "sum", Decimal("31"), Decimal("30"))]


def test_total_summed_from_indicators_when_indices_are_not_published(tmp_path: Path) -> None:
    assert brief(check(tmp_path, "unit,1.1,1.2,2.1.1,2.1.2,total\nA,10,9,8,7,35\n")) == [
        ("A", "total", "sum", Decimal("35"), Decimal("34"))
    ]


def test_total_not_checked_when_an_index_is_missing(tmp_path: Path) -> None:
    assert check(tmp_path, "unit,1,total\nA,20,31\n") == []


@pytest.mark.parametrize(
    ("parts", "index"),
    [
        ("3,33;3,33", "6,67"),  # each part rounded from 3,333…: true sum 6,666…
        ("3,33;3,33", "6,65"),
        ("3,33;3,33", "6,66"),
    ],
)
def test_difference_within_rounding_tolerance_is_not_a_finding(tmp_path: Path, parts: str, index: str) -> None:
    a, b = parts.split(";")
    assert check(tmp_path, f'unit,1.1,1.2,1\nA,"{a}","{b}","{index}"\n') == []


@pytest.mark.parametrize("index", ["6,68", "6,64", "6,76"])
def test_difference_beyond_rounding_tolerance_is_a_finding(tmp_path: Path, index: str) -> None:
    findings = check(tmp_path, f'unit,1.1,1.2,1\nA,"3,33","3,33","{index}"\n')
    assert [(f.code, f.kind, f.expected) for f in findings] == [("1", "sum", Decimal("6.66"))]


def test_na_parts_count_as_nothing(tmp_path: Path) -> None:
    assert check(tmp_path, "unit,1.1,1.2,1\nA,10,N/A,10\n") == []


def test_partial_parts_are_not_compared(tmp_path: Path) -> None:
    # 1.2 not published: the index cannot be checked against its parts.
    assert check(tmp_path, "unit,1.1,1.2,1\nA,10,,15\n") == []


def test_score_above_max(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1.1,1.2,1\nA,11,9,20\n")
    assert brief(findings) == [("A", "1.1", "above_max", Decimal("11"), Decimal("10"))]
    assert findings[0].place == "dòng 2, cột B (1.1)"
    assert "11 > 10" in findings[0].message


def test_index_above_max(tmp_path: Path) -> None:
    assert brief(check(tmp_path, "unit,1,2\nA,21,10\n")) == [("A", "1", "above_max", Decimal("21"), Decimal("20"))]


def test_index_above_its_lowered_max(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1,max:1\nA,16,15\n")
    assert brief(findings) == [("A", "1", "above_max", Decimal("16"), Decimal("15"))]


def test_total_above_max(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,total\nA,41\n")
    assert brief(findings) == [("A", "total", "above_max", Decimal("41"), Decimal("40"))]


def test_score_below_zero(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1.1,1.2\nA,10,-1\n")
    assert brief(findings) == [("A", "1.2", "below_zero", Decimal("-1"), Decimal("0"))]


def test_percent_not_total_over_max(tmp_path: Path) -> None:
    text = "unit,1,2,total,percent\nA,20,10,30,75\nB,20,10,30,70\n"
    findings = check(tmp_path, text)
    assert brief(findings) == [("B", "percent", "percent", Decimal("70"), Decimal("75.00"))]
    assert findings[0].place == "dòng 3, cột E (percent)"


def test_percent_rounded_as_printed_is_fine(tmp_path: Path) -> None:
    # 20 / 30 = 66,666…%: "66,67" and "66,7" are both correct roundings.
    assert check(tmp_path, 'unit,1,2,max:total,total,percent\nA,10,10,30,20,"66,67"\n') == []
    assert check(tmp_path, 'unit,1,2,max:total,total,percent\nA,10,10,30,20,"66,7"\n') == []


def test_percent_uses_applicable_max_after_na(tmp_path: Path) -> None:
    text = "unit,1.1,1.2,2.1.1,2.1.2,percent\nA,10,N/A,5,5,50\n"
    findings = check(tmp_path, text)
    # applicable max 30 (1.2 is N/A): 20 / 30 = 66,67 %, not 50 %
    assert brief(findings) == [("A", "percent", "percent", Decimal("50"), Decimal("66.67"))]


def test_rank_contradicting_totals_competition(tmp_path: Path) -> None:
    text = "unit,1,2,total,rank\nA,20,10,30,2\nB,20,10,30,1\nC,10,5,15,3\n"
    assert brief(check(tmp_path, text)) == [("A", "rank", "rank", 2, 1)]


def test_competition_ties_skip_the_next_rank(tmp_path: Path) -> None:
    good = "unit,1,2,total,rank\nA,20,10,30,1\nB,20,10,30,1\nC,10,5,15,3\n"
    assert check(tmp_path, good) == []
    bad = "unit,1,2,total,rank\nA,20,10,30,1\nB,20,10,30,1\nC,10,5,15,2\n"
    assert brief(check(tmp_path, bad)) == [("C", "rank", "rank", 2, 3)]


def test_dense_ties_do_not_skip(tmp_path: Path) -> None:
    fw = framework(ties="dense")
    good = "unit,1,2,total,rank\nA,20,10,30,1\nB,20,10,30,1\nC,10,5,15,2\n"
    assert check(tmp_path, good, fw) == []
    bad = "unit,1,2,total,rank\nA,20,10,30,1\nB,20,10,30,1\nC,10,5,15,3\n"
    assert brief(check(tmp_path, bad, fw)) == [("C", "rank", "rank", 3, 2)]


def test_rank_by_percent_ties_at_displayed_decimals(tmp_path: Path) -> None:
    # Bình Định style: percent of the applicable max, one decimal, dense.
    fw = framework(basis="percent", decimals=1, ties="dense")
    text = 'unit,1,2,total,rank\nA,18,18,36,1\nB,"18,01",18,"36,01",1\nC,10,5,15,2\n'
    assert check(tmp_path, text, fw) == []  # 90,0 % and 90,025 % both show as 90,0 %


def test_rank_within_each_group(tmp_path: Path) -> None:
    text = "unit,group,1,2,rank\nA,g1,20,10,1\nB,g1,10,10,2\nC,g2,5,5,1\nD,g2,6,5,2\n"
    # g1 is right; in g2, D (11) is ahead of C (10)
    assert brief(check(tmp_path, text)) == [("C", "rank", "rank", 1, 2), ("D", "rank", "rank", 2, 1)]


def test_unknown_code(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1,2,9.9\nA,20,10,1\n")
    assert brief(findings) == [("", "9.9", "unknown_code", "9.9", None)]
    assert findings[0].place == "dòng 1, cột D"


def test_duplicate_unit(tmp_path: Path) -> None:
    findings = check(tmp_path, "unit,1,2\nA,20,10\nA,20,10\n")
    assert brief(findings) == [("A", "", "duplicate_unit", "A", None)]
    assert findings[0].place == "dòng 3"


def test_every_finding_has_a_message(tmp_path: Path) -> None:
    text = "unit,1.1,1.2,1,9.9,total,percent,rank\nA,11,-1,5,1,5,99,2\nA,1,1,2,1,2,5,1\n"
    findings = check(tmp_path, text)
    assert {f.kind for f in findings} >= {"unknown_code", "duplicate_unit", "sum", "above_max", "below_zero"}
    for f in findings:
        assert f.message.strip()
        assert "\n" not in f.message


# --- the published Ninh Bình 2023 table ----------------------------------------------------


def test_ninh_binh_2023_published_mistakes() -> None:
    # Checked by hand against the published appendix (seed 000):
    #  - TP Ninh Bình, Nhân lực số: 10+10+3,6+10+10+5+0+10+5 = 63,6, published 62,6;
    #  - TP Ninh Bình, An toàn thông tin mạng: 10+10+5+4+5+6,82+10+10 = 60,82, published 61,82;
    #  - Kim Sơn, Hoạt động xã hội số: 10,26+20+1,27+0+10+13+15+9,7 = 79,23, published 66,23.
    # Every other index, and every total (sum of the published indices), adds up.
    fw = load_framework(ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml")
    table = read_results(fw, ROOT / "examples" / "ninh-binh-2023-ket-qua.csv")
    assert len(table.rows) == 8
    findings = check_table(fw, table)
    assert brief(findings) == [
        ("UBND thành phố Ninh Bình", "4", "sum", Decimal("62.6"), Decimal("63.6")),
        ("UBND thành phố Ninh Bình", "5", "sum", Decimal("61.82"), Decimal("60.82")),
        ("UBND huyện Kim Sơn", "8", "sum", Decimal("66.23"), Decimal("79.23")),
    ]


def test_rank_not_judged_on_an_incomplete_total(tmp_path: Path) -> None:
    # Only index 1 is published: the totals (and so the ranks) cannot be recomputed, and
    # B may well be ahead on index 2. Nothing here shows a mistake.
    assert check(tmp_path, "unit,1,rank\nA,20,2\nB,10,1\n") == []


def test_percent_not_judged_on_an_incomplete_total(tmp_path: Path) -> None:
    # 75 % of 40 is 30: possible, since index 2 is not published.
    assert check(tmp_path, "unit,1,percent\nA,20,75\n") == []
