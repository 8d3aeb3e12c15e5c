"""The shipped examples: Kim Bảng's 2023 self-assessment and Ninh Bình's 2023 published results."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from dti.cli import main
from dti.engine import (
    Status,
    UnitResult,
    load_framework,
    rank_results,
    read_inputs,
    read_results,
    row_result,
    score_campaign,
)

ROOT = Path(__file__).resolve().parents[1]
HA_NAM = ROOT / "frameworks" / "ha-nam-2023-huyen.yaml"
KIM_BANG = ROOT / "examples" / "kim-bang-2023-tu-danh-gia.yaml"
NINH_BINH = ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml"
NINH_BINH_RESULTS = ROOT / "examples" / "ninh-binh-2023-ket-qua.csv"


@pytest.fixture(scope="module")
def kim_bang() -> UnitResult:
    fw = load_framework(HA_NAM)
    units = read_inputs(fw, KIM_BANG)
    assert [u.unit for u in units] == ["UBND huyện Kim Bảng"]
    (result,) = score_campaign(fw, units, explain=True)
    return result


def test_kim_bang_claimed_total_is_844(kim_bang: UnitResult) -> None:
    # "TỔNG ĐIỂM 844 điểm" in the source, and each index row as the source totals it.
    assert kim_bang.claimed_total == Decimal(844)
    assert kim_bang.claimed_indices == {
        "I": Decimal(97),
        "II": Decimal(90),
        "III": Decimal(90),
        "IV": Decimal(85),
        "V": Decimal(77),
        "VI": Decimal(180),
        "VII": Decimal(105),
        "VIII": Decimal(120),
    }
    assert kim_bang.max == Decimal(1000)


def _claims_above_formula(result: UnitResult) -> dict[str, Decimal]:
    """Indicators scored from data (status ok) whose claim exceeds the computed score."""
    return {
        code: s.score
        for code, s in result.items.items()
        if s.status is Status.OK and s.claimed is not None and s.score is not None and s.claimed > s.score
    }


def test_kim_bang_claims_the_formulas_do_not_support(kim_bang: UnitResult) -> None:
    # Every indicator scored from the unit's own data whose claim exceeds the formula, each
    # checked by hand against seed 004:
    assert _claims_above_formula(kim_bang) == {
        "III.1": Decimal("4.06"),  # 108.649 / 133.841 = 81,18 % × 5 = 4,059 → 4,06; claimed 5
        "IV.6": Decimal("7.00"),  # stated 70 % × 10 = 7; claimed 10
        "VI.2.6": Decimal("1.00"),  # stated 20 % × 5 = 1; claimed 5
        "VI.4.1": Decimal("4.50"),  # stated 90 % × 5 = 4,5; claimed 5
        "VI.6.5": Decimal("0.21"),  # 209.950 / 1.972.035.326 = 0,0106 % < 0,5 % → 0,0106 / 0,5 × 10; claimed 10
    }
    claimed = {code: kim_bang.items[code].claimed for code in ("III.1", "IV.6", "VI.2.6", "VI.4.1", "VI.6.5")}
    assert claimed == {"III.1": 5, "IV.6": 10, "VI.2.6": 5, "VI.4.1": 5, "VI.6.5": 10}


def test_kim_bang_smartphone_ratio(kim_bang: UnitResult) -> None:
    # III.1: the unit's own b (133.841, from its evidence) overrides the general-info figure
    # (dan_so_truong_thanh = 75.837 in its Bảng 1) and the difference is reported.
    s = kim_bang.items["III.1"]
    assert s.status is Status.OK
    assert (s.score, s.claimed) == (Decimal("4.06"), Decimal(5))
    assert "108.649 / 133.841 = 81,18 %" in s.trace
    assert any("133.841" in w and "75.837" in w for w in s.warnings), s.warnings


def test_kim_bang_declared_ratios_are_scored(kim_bang: UnitResult) -> None:
    # A declared percentage (`ratio`) is used when the unit entered no numerator, even where
    # the denominator comes from general info.
    assert kim_bang.items["IV.6"].score == Decimal("7.00")  # 70 % × 10
    assert kim_bang.items["VII.4"].score == Decimal("12.50")  # 50 % / 80 % × 20
    assert kim_bang.items["VIII.1"].score == Decimal("20.00")  # 100 % × 20
    for code in ("IV.6", "VII.4", "VIII.1"):
        assert kim_bang.items[code].status is Status.OK, code


def test_kim_bang_claims_below_formula_are_shown_too(kim_bang: UnitResult) -> None:
    below = {
        code: (s.score, s.claimed)
        for code, s in kim_bang.items.items()
        if s.status is Status.OK and s.claimed is not None and s.score is not None and s.claimed < s.score
    }
    assert below == {
        "IV.8": (Decimal("16.00"), Decimal(10)),  # 80 % × 20
        "VII.1": (Decimal("20.00"), Decimal(10)),  # 50 % ≥ 5 %
        "VII.2": (Decimal("20.00"), Decimal(10)),  # 50 % ≥ 10 %
        "VII.3": (Decimal("20.00"), Decimal(10)),  # 50 % ≥ 50 %
        "VII.4": (Decimal("12.50"), Decimal(10)),  # 50 % / 80 % × 20
        "VII.7": (Decimal("15.00"), Decimal(10)),  # 60 % ≥ 10 %
        "VIII.5": (Decimal("25.50"), Decimal(20)),  # 85 % × 30
    }


def test_kim_bang_explain_output() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["score", str(HA_NAM), str(KIM_BANG), "--explain"], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    text = out.getvalue()
    assert text.startswith("UBND huyện Kim Bảng (nhóm huyen) — ")
    lines = text.splitlines()
    for code_ in ("III.1", "IV.6", "VI.2.6", "VI.4.1", "VI.6.5"):
        line = next(li for li in lines if li.startswith(code_ + " "))
        assert "tự chấm cao hơn công thức" in line, line
    iii1 = lines.index(next(li for li in lines if li.startswith("III.1 ")))
    assert "4,06" in lines[iii1] and "0,94" in lines[iii1]  # computed, and claimed − computed
    assert "108.649 / 133.841 = 81,18 %" in lines[iii1 + 1]
    total = next(li for li in lines if "TỔNG ĐIỂM" in li)
    assert "844" in total and "1.000" in total


# --- Ninh Bình 2023 -------------------------------------------------------------------------

NINH_BINH_RANKING = [
    ("UBND thành phố Ninh Bình", "605.21", 1),
    ("UBND thành phố Tam Điệp", "593.47", 2),
    ("UBND huyện Gia Viễn", "574.7", 3),
    ("UBND huyện Nho Quan", "567.98", 4),
    ("UBND huyện Kim Sơn", "556.98", 5),
    ("UBND huyện Yên Mô", "553.09", 6),
    ("UBND huyện Yên Khánh", "551.01", 7),
    ("UBND huyện Hoa Lư", "523.08", 8),
]


def test_ninh_binh_ranking_reproduced_from_the_index_scores() -> None:
    fw = load_framework(NINH_BINH)
    table = read_results(fw, NINH_BINH_RESULTS)
    results = [row_result(fw, row) for row in table.rows]
    rank_results(fw, results)
    got = sorted(((r.unit, r.total, r.rank) for r in results), key=lambda x: x[2] or 0)
    assert got == [(u, Decimal(t), k) for u, t, k in NINH_BINH_RANKING]
    # the published total and rank of every unit agree with the recomputed ones
    for row, result in zip(table.rows, results, strict=True):
        assert row.published["total"] == result.total
        assert row.published["rank"] == result.rank


def test_ninh_binh_rank_command() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["rank", str(NINH_BINH), str(NINH_BINH_RESULTS), "--format", "csv"], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    assert [(r["unit"], Decimal(r["total"]), int(r["rank"])) for r in rows] == [
        (u, Decimal(t), k) for u, t, k in NINH_BINH_RANKING
    ]
