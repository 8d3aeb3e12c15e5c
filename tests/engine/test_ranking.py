"""Ranks (competition, dense), ties at displayed decimals, groups, bases, bands, derived figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dti.engine.loader import load_framework
from dti.engine.model import Framework, RankBasis, RankingPolicy, Ties
from dti.engine.ranking import (
    basis_value,
    classify,
    derived_values,
    display_key,
    figures,
    index_basis,
    index_ranks,
    name_key,
    order_key,
    rank_results,
    ranks,
    shown_decimals,
)
from dti.engine.scoring import UnitInputs, UnitResult, score_campaign, score_unit
from tests.engine.conftest import FRAMEWORKS, D, framework

# --- ranks() -------------------------------------------------------------------------------


def values(*xs: str | None) -> list[Decimal | None]:
    return [None if x is None else D(x) for x in xs]


def test_competition_ranks() -> None:
    assert ranks(values("90", "80", "80", "70"), Ties.COMPETITION) == [1, 2, 2, 4]


def test_dense_ranks() -> None:
    assert ranks(values("90", "80", "80", "70"), Ties.DENSE) == [1, 2, 2, 3]


def test_ranks_keep_input_order() -> None:
    assert ranks(values("70", "90", "80", "80"), Ties.COMPETITION) == [4, 1, 2, 2]
    assert ranks(values("70", "90", "80", "80"), Ties.DENSE) == [3, 1, 2, 2]


def test_national_style_gap() -> None:
    scores = values(*[str(100 - i) for i in range(14)], "50", "50", "40")
    result = ranks(scores, Ties.COMPETITION)
    assert result[14:] == [15, 15, 17]


def test_all_equal() -> None:
    assert ranks(values("5", "5", "5"), Ties.COMPETITION) == [1, 1, 1]
    assert ranks(values("5", "5", "5"), Ties.DENSE) == [1, 1, 1]


def test_ties_at_top() -> None:
    assert ranks(values("9", "9", "8"), Ties.COMPETITION) == [1, 1, 3]
    assert ranks(values("9", "9", "8"), Ties.DENSE) == [1, 1, 2]


def test_none_is_not_ranked() -> None:
    assert ranks(values("5", None, "7"), Ties.COMPETITION) == [2, None, 1]
    assert ranks(values(None, None), Ties.DENSE) == [None, None]
    assert ranks([], Ties.DENSE) == []


def test_equal_decimals_with_different_exponents_tie() -> None:
    assert ranks([D("85.0"), D("85.00"), D("85")], Ties.COMPETITION) == [1, 1, 1]


# --- rank_results: displayed decimals, groups, basis ---------------------------------------


def ranking_fw(basis: str = "percent", decimals: int = 1, ties: str = "competition", extra: str = "") -> Framework:
    return framework(
        f"""
        precision: 4
        ranking: {{basis: {basis}, decimals: {decimals}, ties: {ties}}}
        {extra}
        indices:
          - code: "I"
            name: Chỉ số
            indicators:
              - {{code: I.1, name: Một, max: 100, scoring: {{method: manual}}}}
        """
    )


def result(unit: str, total: str, mx: str = "100", group: str = "") -> UnitResult:
    t, m = D(total), D(mx)
    return UnitResult(unit, group, total=t, max=m, percent=t / m * 100, indices={"I": t}, index_max={"I": m})


def rank_of(fw: Framework, results: list[UnitResult]) -> list[int | None]:
    rank_results(fw, results)
    return [r.rank for r in results]


@pytest.mark.parametrize(
    ("decimals", "a", "b", "expected"),
    [
        (1, "85.04", "85.0449", [1, 1]),  # both 85.0 at one decimal
        (2, "85.04", "85.0449", [1, 1]),  # both 85.04 at two decimals (85.0449 rounds down)
        (2, "85.04", "85.0451", [2, 1]),  # 85.04 vs 85.05
        (3, "85.04", "85.0449", [2, 1]),  # 85.040 vs 85.045
        (4, "85.04", "85.0449", [2, 1]),
        (1, "85.05", "85.0", [1, 2]),  # 85.05 → 85.1 (half up)
        (1, "85.0499", "85.0", [1, 1]),
    ],
)
def test_ties_are_decided_at_displayed_decimals(decimals: int, a: str, b: str, expected: list[int]) -> None:
    fw = ranking_fw(decimals=decimals)
    assert rank_of(fw, [result("A", a), result("B", b)]) == expected


def test_ties_at_displayed_decimals_end_to_end() -> None:
    fw = ranking_fw(decimals=1)
    units = [
        UnitInputs("A", values={"I.1": {"score": D("85.04")}}),
        UnitInputs("B", values={"I.1": {"score": D("85.0449")}}),
        UnitInputs("C", values={"I.1": {"score": D("90")}}),
        UnitInputs("D", values={"I.1": {"score": D("10")}}),
    ]
    results = score_campaign(fw, units)
    assert [r.rank for r in results] == [2, 2, 1, 4]
    dense = score_campaign(ranking_fw(decimals=1, ties="dense"), units)
    assert [r.rank for r in dense] == [2, 2, 1, 3]


def test_basis_value_rounds_to_displayed_decimals() -> None:
    fw = ranking_fw(decimals=1)
    assert basis_value(fw, result("A", "85.05"), fw.ranking.basis) == D("85.1")
    assert basis_value(fw, result("A", "85.0449"), fw.ranking.basis) == D("85.0")


def test_ranking_inside_groups() -> None:
    fw = ranking_fw(basis="total", decimals=2)
    results = [
        result("Sở A", "90", group="so"),
        result("Huyện X", "50", group="huyen"),
        result("Sở B", "70", group="so"),
        result("Huyện Y", "95", group="huyen"),
        result("Sở C", "70", group="so"),
        result("Huyện Z", "60", group="huyen"),
    ]
    assert rank_of(fw, results) == [1, 3, 2, 1, 2, 2]


def test_ranking_groups_end_to_end() -> None:
    fw = ranking_fw(basis="total", decimals=2)
    units = [
        UnitInputs("Sở A", group="1", values={"I.1": {"score": D(40)}}),
        UnitInputs("Huyện X", group="2", values={"I.1": {"score": D(30)}}),
        UnitInputs("Sở B", group="1", values={"I.1": {"score": D(50)}}),
        UnitInputs("Huyện Y", group="2", values={"I.1": {"score": D(20)}}),
    ]
    assert [r.rank for r in score_campaign(fw, units)] == [2, 1, 1, 2]


def test_basis_percent_versus_total() -> None:
    # A: 450 of 500 applicable points (90 %); B: 460 of 700 (65.7 %)
    units = [result("A", "450", "500"), result("B", "460", "700")]
    assert rank_of(ranking_fw(basis="percent", decimals=1), units) == [1, 2]
    units = [result("A", "450", "500"), result("B", "460", "700")]
    assert rank_of(ranking_fw(basis="total", decimals=2), units) == [2, 1]


def test_percent_basis_uses_applicable_maximum_after_na() -> None:
    fw = framework(
        """
        ranking: {basis: percent, decimals: 1, ties: dense}
        indices:
          - code: "I"
            name: Chỉ số
            indicators:
              - {code: I.1, name: Một, max: 50, scoring: {method: manual}}
              - {code: I.2, name: Hai, max: 50, scoring: {method: manual}}
        """
    )
    units = [
        UnitInputs("A", values={"I.1": {"score": D(45)}}, na={"I.2": "Không có"}),  # 45/50 = 90 %
        UnitInputs("B", values={"I.1": {"score": D(50)}, "I.2": {"score": D(30)}}),  # 80/100 = 80 %
    ]
    results = score_campaign(fw, units)
    assert [r.percent for r in results] == [D(90), D(80)]
    assert [r.rank for r in results] == [1, 2]


def test_unit_without_percent_is_not_ranked() -> None:
    fw = ranking_fw()
    no_max = UnitResult("X", total=D(0), max=D(0), percent=None)
    assert rank_of(fw, [result("A", "50"), no_max]) == [1, None]


# --- classification -------------------------------------------------------------------------

BANDS = """classification:
          basis: percent
          bands:
            - {name: Xuất sắc, min: 90}
            - {name: Tốt, min: 75}
            - {name: Khá, min: 60}
            - {name: Trung bình, min: 50}
            - {name: Kém, min: 0}"""


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("100", "Xuất sắc"),
        ("90", "Xuất sắc"),  # exactly at the band minimum
        ("89.99", "Tốt"),
        ("75", "Tốt"),
        ("74.99", "Khá"),
        ("60", "Khá"),
        ("50", "Trung bình"),
        ("49.99", "Kém"),
        ("0", "Kém"),
    ],
)
def test_classification_bands(total: str, band: str) -> None:
    fw = ranking_fw(basis="total", decimals=2, extra=BANDS)
    assert classify(fw, result("A", total)) == band


def test_classification_at_displayed_precision() -> None:
    # ranking by total: the percent used for bands is shown at the framework's precision (4 here)
    fw = ranking_fw(basis="total", decimals=2, extra=BANDS)
    assert classify(fw, result("A", "89.99995")) == "Xuất sắc"  # 90.0000 when shown
    assert classify(fw, result("A", "89.9999")) == "Tốt"


def test_classification_on_ranking_basis_uses_ranking_decimals() -> None:
    fw = ranking_fw(basis="percent", decimals=1, extra=BANDS)
    assert classify(fw, result("A", "89.95")) == "Xuất sắc"  # shown as 90,0
    assert classify(fw, result("A", "89.94")) == "Tốt"


def test_classification_on_total() -> None:
    fw = ranking_fw(
        basis="percent",
        decimals=1,
        extra="classification: {basis: total, bands: [{name: Đạt, min: 500}, {name: Chưa đạt, min: 0}]}",
    )
    assert classify(fw, result("A", "500", "1000")) == "Đạt"
    assert classify(fw, result("A", "499.99", "1000")) == "Chưa đạt"


def test_no_classification() -> None:
    fw = ranking_fw()
    assert classify(fw, result("A", "99")) == ""


def test_below_every_band() -> None:
    fw = ranking_fw(extra="classification: {basis: percent, bands: [{name: Tốt, min: 80}]}")
    assert classify(fw, result("A", "79")) == ""


def test_rank_results_sets_classification() -> None:
    fw = ranking_fw(basis="total", decimals=2, extra=BANDS)
    results = [result("A", "90"), result("B", "55")]
    rank_results(fw, results)
    assert [r.classification for r in results] == ["Xuất sắc", "Trung bình"]


# --- derived 0–1 figures ------------------------------------------------------------------


def national() -> Framework:
    return load_framework(FRAMEWORKS / "quoc-gia-2022-tinh.yaml")


NATIONAL_SCORES = {"1": "80", "2": "70", "3": "60", "4": "50", "5": "40", "6": "33", "7": "150", "8": "100", "9": "90"}


def national_unit(name: str = "Ninh Bình", scores: dict[str, str] = NATIONAL_SCORES) -> UnitInputs:
    return UnitInputs(name, values={code: {"score": D(v)} for code, v in scores.items()})


def test_national_total_excludes_reference_index() -> None:
    r = score_unit(national(), national_unit())
    assert r.total == D(640)  # index 6 (Đô thị thông minh) is reference only
    assert r.max == D(1000)


def test_national_pillars() -> None:
    fw = national()
    r = score_unit(fw, national_unit())
    d = derived_values(fw, r)
    assert d["DTI"] == D("0.6400")  # 640 / 1000
    assert d["CQS"] == D("0.6429")  # (300 + 150) / 700 = 0.642857…
    assert d["KTS"] == D("0.6154")  # (300 + 100) / 650 = 0.615384…
    assert d["XHS"] == D("0.6000")  # (300 + 90) / 650
    assert d["V1"] == D("0.8000")
    assert d["V7"] == D("0.7500")
    assert str(d["CQS"]) == "0.6429"  # four decimals


def test_national_derived_set_by_campaign_and_ranked_on_percent() -> None:
    fw = national()
    better = dict(NATIONAL_SCORES, **{"7": "160"})
    tied = dict(NATIONAL_SCORES, **{"9": "90.001"})
    results = score_campaign(fw, [national_unit("A"), national_unit("B", better), national_unit("C", tied)])
    assert results[0].derived["DTI"] == D("0.6400")
    assert results[1].derived["CQS"] == D("0.6571")  # 460 / 700
    assert [r.rank for r in results] == [2, 1, 2]  # 64.00 % and 64.0001 % share a rank at 2 decimals


def test_derived_missing_index_is_none() -> None:
    fw = national()
    scores = {k: v for k, v in NATIONAL_SCORES.items() if k != "8"}
    d = derived_values(fw, score_unit(fw, national_unit(scores=scores)))
    assert d["KTS"] is None
    assert d["DTI"] is None
    assert d["CQS"] == D("0.6429")


def test_derived_uses_applicable_maximum() -> None:
    fw = framework(
        """
        indices:
          - code: "I"
            name: Chỉ số
            indicators:
              - {code: I.1, name: Một, max: 60, scoring: {method: manual}}
              - {code: I.2, name: Hai, max: 40, scoring: {method: manual}}
        derived:
          - {code: V, name: Giá trị, indices: all, decimals: 3}
        """
    )
    r = score_unit(fw, UnitInputs("A", values={"I.1": {"score": D(45)}}, na={"I.2": "Không áp dụng"}))
    assert derived_values(fw, r) == {"V": D("0.750")}


def test_derived_with_zero_maximum_is_none() -> None:
    fw = framework(
        """
        indices:
          - code: "I"
            name: Chỉ số
            indicators:
              - {code: I.1, name: Một, max: 60, scoring: {method: manual}}
        derived:
          - {code: V, name: Giá trị, indices: ["I"], decimals: 4}
        """
    )
    r = score_unit(fw, UnitInputs("A", na={"I.1": "Không áp dụng"}))
    assert derived_values(fw, r) == {"V": None}


# --- figures as shown, and the order of a ranked list ---------------------------------------

EIGHT_HUNDRED = """
        precision: 3
        ranking: {basis: percent, decimals: 2, ties: competition}
        indices:
          - code: "I"
            name: Một
            indicators:
              - {code: I.1, name: Một, max: 400, scoring: {method: manual}}
          - code: "II"
            name: Hai
            indicators:
              - {code: II.1, name: Hai, max: 400, scoring: {method: manual}}
        """


def eight_hundred(*units: tuple[str, str, str]) -> tuple[Framework, list[UnitResult]]:
    """Units scored on 800 points (precision 3, ranked on percent at 2 decimals)."""
    fw = framework(EIGHT_HUNDRED)
    inputs = [
        UnitInputs(name, values={"I.1": {"score": D(one)}, "II.1": {"score": D(two)}}) for name, one, two in units
    ]
    return fw, score_campaign(fw, inputs)


def test_figures_round_half_up_at_the_displayed_decimals() -> None:
    # Regression: `dti rank` printed 81,12 (half-even) for 649 of 800 = 81,125 %.
    fw, (unit,) = eight_hundred(("A", "324.5", "324.5"))
    shown = figures(fw, unit)
    assert unit.percent == D("81.125")
    assert shown.percent == D("81.13")
    assert (shown.total, shown.max) == (D("649.000"), D("800.000"))  # precision 3: not the ranking basis
    assert shown.indices == {"I": D("324.500"), "II": D("324.500")}
    assert shown.items == {"I.1": D("324.500"), "II.1": D("324.500")}


def test_figures_leave_out_items_that_do_not_count() -> None:
    fw = ranking_fw(basis="total", decimals=1, extra="")
    unit = score_unit(fw, UnitInputs("A", na={"I.1": "Không áp dụng"}))
    assert figures(fw, unit).items == {}


def test_shown_decimals_of_the_ranking_basis_and_of_the_other() -> None:
    by_percent = RankingPolicy(RankBasis.PERCENT, 1, Ties.DENSE)
    assert shown_decimals(3, by_percent, RankBasis.PERCENT) == 1
    assert shown_decimals(3, by_percent, RankBasis.TOTAL) == 3
    by_total = RankingPolicy(RankBasis.TOTAL, 0, Ties.COMPETITION)
    assert (shown_decimals(2, by_total, RankBasis.TOTAL), shown_decimals(2, by_total, RankBasis.PERCENT)) == (0, 2)


def test_a_unit_shown_at_the_same_percent_shares_the_rank() -> None:
    fw, results = eight_hundred(("A", "324.5", "324.5"), ("B", "324.52", "324.52"))  # 81,125 % and 81,13 %
    assert [figures(fw, r).percent for r in results] == [D("81.13"), D("81.13")]
    assert [r.rank for r in results] == [1, 1]


def test_vietnamese_name_order() -> None:
    names = ["UBND huyện Gia Lâm", "UBND huyện Đông Anh", "UBND huyện Ân Thi", "UBND huyện Duy Tiên", "UBND huyện An"]
    assert sorted(names, key=name_key) == [
        "UBND huyện An",
        "UBND huyện Ân Thi",
        "UBND huyện Duy Tiên",
        "UBND huyện Đông Anh",  # Đ after D, not after Z as by code point
        "UBND huyện Gia Lâm",
    ]


def test_order_key_rank_then_exact_value_then_name() -> None:
    rows = [
        (None, None, "An"),
        (2, D("94.925"), "Bắc"),
        (2, D("94.947"), "Yên"),
        (1, D("99"), "Zô"),
        (2, D("94.925"), "Đông"),
        (4, D("90"), "Ân"),
        (2, D("94.925"), "Gia"),
    ]
    ordered = sorted(rows, key=lambda row: order_key(*row))
    assert [name for _, _, name in ordered] == ["Zô", "Yên", "Bắc", "Đông", "Gia", "Ân", "An"]


def test_display_key_orders_a_tie_by_the_exact_basis() -> None:
    fw, results = eight_hundred(
        ("UBND huyện Gia Lâm", "324.5", "324.5"),
        ("UBND huyện Đông Anh", "324.5", "324.5"),
        ("UBND huyện Yên Mỹ", "324.52", "324.52"),
        ("UBND huyện Duy Tiên", "324.5", "324.5"),
        ("UBND huyện Ba Vì", "400", "400"),
    )
    ordered = sorted(results, key=lambda r: display_key(fw, r))
    assert [(r.unit, r.rank) for r in ordered] == [
        ("UBND huyện Ba Vì", 1),
        ("UBND huyện Yên Mỹ", 2),  # 81,13 % exactly: before the three at 81,125 %, all shown 81,13
        ("UBND huyện Duy Tiên", 2),
        ("UBND huyện Đông Anh", 2),
        ("UBND huyện Gia Lâm", 2),
    ]


def test_index_ranks_by_points_when_the_framework_ranks_by_total() -> None:
    policy = RankingPolicy(RankBasis.TOTAL, 2, Ties.COMPETITION)
    assert index_ranks([D("40"), D("45"), D("40"), None], [D("50"), D("45"), D("50"), D("50")], policy) == [
        2,
        1,
        2,
        None,
    ]


def test_index_ranks_by_percent_of_the_applicable_max_when_the_framework_ranks_by_percent() -> None:
    """An N/A lowers a unit's max for the index: 40/45 (88,9 %) ranks above 42/50 (84 %), as the
    total's percent ranking does; equal shown percents share a rank (dense here)."""
    policy = RankingPolicy(RankBasis.PERCENT, 1, Ties.DENSE)
    scores = [D("42"), D("40"), D("44.45"), D("30")]
    maxima = [D("50"), D("45"), D("50"), D("50")]
    assert [index_basis(s, m, policy) for s, m in zip(scores, maxima, strict=True)] == [
        D("84.0"),
        D("88.9"),
        D("88.9"),
        D("60.0"),
    ]
    assert index_ranks(scores, maxima, policy) == [2, 1, 1, 3]
