"""Every scoring method at its edges, plus sums, N/A, adjustments, rounding and merged units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dti.engine.errors import FrameworkError
from dti.engine.model import Framework
from dti.engine.scoring import Status, UnitInputs, mean_of, score_campaign, score_item, score_unit
from tests.engine.conftest import RATIO_INPUTS, D, framework, score, single

# --- yes_no --------------------------------------------------------------------------------

YES_NO = "{method: yes_no, input: issued}"
YES_NO_INPUT = "[{name: issued, label: Đã ban hành kế hoạch, type: yes_no}]"


def test_yes_no_yes() -> None:
    s = score(single(YES_NO, YES_NO_INPUT, max=5), issued=True)
    assert (s.score, s.status) == (D("5.00"), Status.OK)
    assert s.trace == "Có = 5 điểm"


def test_yes_no_no() -> None:
    s = score(single(YES_NO, YES_NO_INPUT, max=5), issued=False)
    assert (s.score, s.status) == (D(0), Status.OK)
    assert s.trace == "Không = 0 điểm"


def test_yes_no_missing() -> None:
    s = score(single(YES_NO, YES_NO_INPUT, max=5))
    assert (s.score, s.status, s.missing) == (D(0), Status.MISSING, ("issued",))


def test_yes_no_points_yes() -> None:
    fw = single("{method: yes_no, input: issued, points_yes: max_points / 2}", YES_NO_INPUT, max=5)
    assert score(fw, issued=True).score == D("2.50")


# --- choice --------------------------------------------------------------------------------

CHOICE = "{method: choice, input: head, points: {chu_tich: max_points, pho: max_points / 2, khac: 0}}"
CHOICE_INPUT = (
    "[{name: head, label: Trưởng ban là, type: choice, "
    "options: {chu_tich: Bí thư/Chủ tịch, pho: Phó Bí thư/Phó Chủ tịch, khac: Khác}}]"
)


@pytest.mark.parametrize(("option", "expected"), [("chu_tich", "10"), ("pho", "5"), ("khac", "0")])
def test_choice_each_option(option: str, expected: str) -> None:
    s = score(single(CHOICE, CHOICE_INPUT, max=10), head=option)
    assert s.status is Status.OK
    assert s.score == D(expected)


def test_choice_half_of_odd_max() -> None:
    s = score(single(CHOICE, CHOICE_INPUT, max=5), head="pho")
    assert s.score == D("2.50")
    assert s.trace == "Phó Bí thư/Phó Chủ tịch = 2,5 điểm"


def test_choice_unknown_option_is_invalid() -> None:
    s = score(single(CHOICE, CHOICE_INPUT, max=10), head="bi_thu")
    assert (s.score, s.status) == (D(0), Status.INVALID)
    assert "bi_thu" in s.note


def test_choice_missing() -> None:
    s = score(single(CHOICE, CHOICE_INPUT, max=10))
    assert (s.score, s.status, s.missing) == (D(0), Status.MISSING, ("head",))


# --- ratio ---------------------------------------------------------------------------------

RATIO = "{method: ratio, numerator: a, denominator: b}"


def ratio_fw(scoring: str = RATIO, max: object = 5, precision: int | None = None) -> Framework:
    return single(scoring, RATIO_INPUTS, max=max, precision=precision)


def test_ratio_kim_bang_smartphones() -> None:
    s = score(ratio_fw(), a=D(108649), b=D(133841))
    assert (s.score, s.status) == (D("4.06"), Status.OK)
    assert s.trace == "108.649 / 133.841 = 81,18 % × 5 = 4,06 điểm"
    assert s.warnings == ()


def test_ratio_without_trace_when_not_explained() -> None:
    fw = ratio_fw()
    item = fw.item("I.1")
    assert item is not None
    s = score_item(fw, item, UnitInputs("A", values={"I.1": {"a": D(108649), "b": D(133841)}}))
    assert s.score == D("4.06")
    assert s.trace == ""


def test_ratio_denominator_from_general_info() -> None:
    fw = single(
        RATIO,
        "[{name: a, label: Số người có điện thoại, type: count}, {name: b, from: dan_so}]",
        max=5,
        general="[{code: dan_so, label: Dân số trưởng thành, type: count}]",
    )
    s = score(fw, general={"dan_so": D(133841)}, a=D(108649))
    assert s.score == D("4.06")
    assert fw.item("I.1").input("b").label == "Dân số trưởng thành"  # type: ignore[union-attr]


def test_ratio_zero_denominator_scores_zero_with_warning() -> None:
    s = score(ratio_fw(), a=D(5), b=D(0))
    assert (s.score, s.status) == (D(0), Status.OK)
    assert len(s.warnings) == 1
    assert "b" in s.warnings[0] and "bằng 0" in s.warnings[0]


def test_ratio_zero_over_zero_scores_zero() -> None:
    s = score(ratio_fw(), a=D(0), b=D(0))
    assert s.score == D(0)
    assert s.warnings


def test_ratio_on_zero_max_gives_max() -> None:
    s = score(ratio_fw("{method: ratio, numerator: a, denominator: b, on_zero: max}"), a=D(0), b=D(0))
    assert (s.score, s.status) == (D(5), Status.OK)
    assert s.warnings and "tối đa" in s.warnings[0]


def test_ratio_numerator_above_denominator_gives_max_with_warning() -> None:
    s = score(ratio_fw(), a=D(140000), b=D(133841))
    assert s.score == D(5)
    assert len(s.warnings) == 1
    warning = s.warnings[0]
    assert "Tử số" in warning and "Mẫu số" in warning  # named by their labels
    assert "140.000" in warning and "133.841" in warning
    assert "100 %" in warning


def test_ratio_equal_numerator_and_denominator() -> None:
    s = score(ratio_fw(), a=D(7), b=D(7))
    assert s.score == D(5)
    assert s.warnings == ()


@pytest.mark.parametrize(("a", "b", "bad"), [("-1", "10", "a"), ("1", "-10", "b")])
def test_ratio_negative_input_is_invalid(a: str, b: str, bad: str) -> None:
    s = score(ratio_fw(), a=D(a), b=D(b))
    assert (s.score, s.status) == (D(0), Status.INVALID)
    assert f"'{bad}'" in s.note and "âm" in s.note


@pytest.mark.parametrize(
    ("values", "missing"),
    [({"a": D(1)}, ("b",)), ({"b": D(1)}, ("a",)), ({}, ("a", "b"))],
)
def test_ratio_missing_inputs(values: dict[str, Decimal], missing: tuple[str, ...]) -> None:
    s = score(ratio_fw(), **values)
    assert (s.score, s.status, s.missing) == (D(0), Status.MISSING, missing)


def test_ratio_declared_percentage_used_when_a_and_b_absent() -> None:
    s = score(ratio_fw(), ratio=D("0.8118"))
    assert (s.score, s.status) == (D("4.06"), Status.OK)
    assert "81,18 %" in s.trace


def test_ratio_declared_percentage_used_when_numerator_empty_and_denominator_from_general_info() -> None:
    fw = single(
        RATIO,
        "[{name: a, label: Số người có điện thoại, type: count}, {name: b, from: dan_so}]",
        max=5,
        general="[{code: dan_so, label: Dân số trưởng thành, type: count}]",
    )
    s = score(fw, general={"dan_so": D(133841)}, ratio=D("0.8118"))
    assert (s.score, s.status) == (D("4.06"), Status.OK)


def test_ratio_entered_value_overrides_general_info_with_warning() -> None:
    fw = single(
        RATIO,
        "[{name: a, label: Số người có điện thoại, type: count}, {name: b, from: dan_so}]",
        max=5,
        general="[{code: dan_so, label: Dân số trưởng thành, type: count}]",
    )
    s = score(fw, general={"dan_so": D(200000)}, a=D(108649), b=D(133841))
    assert s.score == D("4.06")
    assert any("nhập riêng 133.841" in w and "(200.000)" in w for w in s.warnings), s.warnings
    same = score(fw, general={"dan_so": D(133841)}, a=D(108649), b=D(133841))
    assert same.warnings == ()


def test_ratio_declared_percentage_ignored_when_a_and_b_given() -> None:
    s = score(ratio_fw(), a=D(1), b=D(2), ratio=D("0.8118"))
    assert s.score == D("2.50")


def test_ratio_declared_percentage_above_100_is_capped() -> None:
    s = score(ratio_fw(), ratio=D("1.2"))
    assert s.score == D(5)
    assert s.warnings


def test_ratio_framework_declares_the_ratio_field() -> None:
    item = ratio_fw().item("I.1")
    assert item is not None
    field = item.input("ratio")
    assert field is not None and not field.required


def test_ratio_of_a_percent_value() -> None:
    fw = single("{method: ratio, value: p}", "[{name: p, label: Tỷ lệ, type: percent}]", max=10)
    assert score(fw, p=D("0.25")).score == D("2.50")
    over = score(fw, p=D("1.5"))
    assert over.score == D(10)
    assert over.warnings


# --- ratio_target --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "expected"),
    [("0", "0"), ("40", "8"), ("49.99", "10.00"), ("50", "10"), ("80", "10"), ("100", "10")],
)
def test_ratio_target(a: str, expected: str) -> None:
    fw = ratio_fw("{method: ratio_target, numerator: a, denominator: b, target: '50%'}", max=10)
    s = score(fw, a=D(a), b=D(100))
    assert s.score == D(expected)


def test_ratio_target_exactly_at_target_says_max() -> None:
    fw = ratio_fw("{method: ratio_target, numerator: a, denominator: b, target: '5%'}", max=10)
    s = score(fw, a=D(5), b=D(100))
    assert s.score == D(10)
    assert "điểm tối đa" in s.trace


@pytest.mark.parametrize(("n", "expected"), [("0", "0"), ("3", "1.5"), ("9", "4.5"), ("10", "5"), ("25", "5")])
def test_ratio_target_on_a_count(n: str, expected: str) -> None:
    fw = single(
        "{method: ratio_target, value: articles, target: 10}",
        "[{name: articles, label: Số tin bài, type: count}]",
        max=5,
    )
    assert score(fw, articles=D(n)).score == D(expected)


def test_ratio_target_decimal_comma_threshold() -> None:
    fw = ratio_fw("{method: ratio_target, numerator: a, denominator: b, target: '0,5%'}", max=10)
    assert score(fw, a=D(1), b=D(400)).score == D(5)  # 0.25 % of 0.5 %
    assert score(fw, a=D(1), b=D(200)).score == D(10)


# --- gated_ratio ---------------------------------------------------------------------------

GATED = "{method: gated_ratio, numerator: a, denominator: b, full: '90%', floor: '80%'}"


@pytest.mark.parametrize(
    ("a", "expected"),
    [
        ("0", "0"),
        ("79.99", "0"),  # below floor
        ("80", "8.89"),  # at floor: 80/90 × 10
        ("85", "9.44"),  # between
        ("89.99", "10.00"),  # 9.9988… rounds to 10.00
        ("90", "10"),  # at full
        ("99", "10"),  # above
    ],
)
def test_gated_ratio(a: str, expected: str) -> None:
    s = score(ratio_fw(GATED, max=10), a=D(a), b=D(100))
    assert s.score == D(expected)


def test_gated_ratio_at_floor_trace() -> None:
    s = score(ratio_fw(GATED, max=10), a=D(80), b=D(100))
    assert "80 % ≤ 80 % < 90 %" in s.trace


# --- all_or_nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "expected"), [("9999", "0"), ("10000", "10"), ("0", "0")])
def test_all_or_nothing(a: str, expected: str) -> None:
    s = score(ratio_fw("{method: all_or_nothing, numerator: a, denominator: b}", max=10), a=D(a), b=D(10000))
    assert s.score == D(expected)


def test_all_or_nothing_custom_threshold() -> None:
    fw = ratio_fw("{method: all_or_nothing, numerator: a, denominator: b, threshold: '95%'}", max=10)
    assert score(fw, a=D(95), b=D(100)).score == D(10)
    assert score(fw, a=D("94.99"), b=D(100)).score == D(0)


# --- tiers ---------------------------------------------------------------------------------

TIERS = (
    "{method: tiers, numerator: a, denominator: b, "
    "tiers: [{min: '10%', points: 10}, {min: '7%', points: 7}, {min: '3%', points: 3}]}"
)


@pytest.mark.parametrize(
    ("a", "expected"),
    [
        ("100", "10"),
        ("10", "10"),  # exactly at the top tier
        ("9.99", "7"),
        ("7", "7"),
        ("6.99", "3"),
        ("3", "3"),
        ("2.99", "0"),  # below the lowest: otherwise (default 0)
        ("0", "0"),
    ],
)
def test_tiers_on_a_ratio(a: str, expected: str) -> None:
    s = score(ratio_fw(TIERS, max=10), a=D(a), b=D(100))
    assert s.score == D(expected)


def test_tiers_otherwise() -> None:
    fw = ratio_fw(TIERS.replace("}]}", "}], otherwise: 1}"), max=10)
    assert score(fw, a=D(2), b=D(100)).score == D(1)
    assert score(fw, a=D(3), b=D(100)).score == D(3)


@pytest.mark.parametrize(("n", "expected"), [("0", "0"), ("1", "2.5"), ("1.5", "2.5"), ("2", "5"), ("7", "5")])
def test_tiers_on_a_count(n: str, expected: str) -> None:
    fw = single(
        "{method: tiers, value: meetings, tiers: [{min: 2, points: max_points}, {min: 1, points: max_points / 2}]}",
        "[{name: meetings, label: Số cuộc họp, type: number}]",
        max=5,
    )
    assert score(fw, meetings=D(n)).score == D(expected)


def test_tiers_zero_denominator() -> None:
    s = score(ratio_fw(TIERS, max=10), a=D(0), b=D(0))
    assert (s.score, s.status) == (D(0), Status.OK)
    assert s.warnings
    on_zero = ratio_fw(TIERS.replace("tiers: [", "on_zero: max, tiers: ["), max=10)
    assert score(on_zero, a=D(0), b=D(0)).score == D(10)


def test_tiers_points_above_max_are_clamped() -> None:
    fw = single(
        "{method: tiers, value: n, tiers: [{min: 1, points: 20}]}",
        "[{name: n, label: n, type: count}]",
        max=5,
    )
    s = score(fw, n=D(3))
    assert s.score == D(5)
    assert "tối đa 5" in s.trace


# --- per_item ------------------------------------------------------------------------------

PER_ITEM = "{method: per_item, count: platforms, points_each: 3}"
PER_ITEM_INPUT = "[{name: platforms, label: Số nền tảng dùng chung, type: count}]"


@pytest.mark.parametrize(("n", "expected"), [("0", "0"), ("9", "27"), ("10", "30"), ("11", "30"), ("1000", "30")])
def test_per_item_cap_is_max(n: str, expected: str) -> None:
    s = score(single(PER_ITEM, PER_ITEM_INPUT, max=30), platforms=D(n))
    assert s.score == D(expected)


def test_per_item_above_cap_trace() -> None:
    s = score(single(PER_ITEM, PER_ITEM_INPUT, max=30), platforms=D(11))
    assert s.trace == "11 × 3 = 33, tối đa 30 = 30 điểm"


def test_per_item_explicit_cap() -> None:
    fw = single("{method: per_item, count: platforms, points_each: 3, cap: 12}", PER_ITEM_INPUT, max=30)
    assert score(fw, platforms=D(3)).score == D(9)
    assert score(fw, platforms=D(4)).score == D(12)
    assert score(fw, platforms=D(5)).score == D(12)


def test_per_item_negative_is_invalid() -> None:
    s = score(single(PER_ITEM, PER_ITEM_INPUT, max=30), platforms=D(-1))
    assert (s.score, s.status) == (D(0), Status.INVALID)


# --- split ---------------------------------------------------------------------------------

SPLIT = (
    "{method: split, parts: ["
    "{name: Cấp huyện, max: 5, scoring: {method: yes_no, input: district_has}}, "
    "{name: Cấp xã, max: 5, scoring: {method: ratio, numerator: a, denominator: b}}]}"
)
SPLIT_INPUTS = (
    "[{name: district_has, label: Cấp huyện có, type: yes_no}, "
    "{name: a, label: Số xã có, type: count}, {name: b, label: Số xã, type: count}]"
)


def test_split_adds_parts() -> None:
    s = score(single(SPLIT, SPLIT_INPUTS, max=10), district_has=True, a=D(9), b=D(18))
    assert (s.score, s.status) == (D("7.50"), Status.OK)
    assert "Cấp huyện" in s.trace and "Cấp xã" in s.trace


def test_split_rounds_each_part_before_adding() -> None:
    fw = single(
        "{method: split, parts: ["
        "{name: Huyện, max: 5, scoring: {method: ratio, numerator: a, denominator: b}}, "
        "{name: Xã, max: 5, scoring: {method: ratio, numerator: c, denominator: d}}]}",
        "[{name: a, label: a, type: count}, {name: b, label: b, type: count}, "
        "{name: c, label: c, type: count}, {name: d, label: d, type: count}]",
        max=10,
    )
    s = score(fw, a=D(1), b=D(3), c=D(1), d=D(3))
    # 1/3 × 5 = 1.666… → 1.67 per part; 3.34, not round(3.333…) = 3.33
    assert s.score == D("3.34")


def test_split_part_is_clamped_to_its_own_max() -> None:
    fw = single(
        "{method: split, parts: ["
        "{name: Huyện, max: 2, scoring: {method: per_item, count: n, points_each: 1}}, "
        "{name: Xã, max: 8, scoring: {method: per_item, count: m, points_each: 1}}]}",
        "[{name: n, label: n, type: count}, {name: m, label: m, type: count}]",
        max=10,
    )
    # the first part's 5 points stop at its own max 2, not at the indicator's 10
    assert score(fw, n=D(5), m=D(1)).score == D(3)


def test_split_missing_input_in_one_part_is_missing() -> None:
    s = score(single(SPLIT, SPLIT_INPUTS, max=10), district_has=True, a=D(9))
    assert s.status is Status.MISSING
    assert s.missing == ("b",)
    assert s.score == D("5.00")  # the complete part's points are kept
    assert "5" in s.note


def test_split_missing_names_of_every_part() -> None:
    s = score(single(SPLIT, SPLIT_INPUTS, max=10))
    assert s.status is Status.MISSING
    assert set(s.missing) == {"district_has", "a", "b"}


# --- deduction -----------------------------------------------------------------------------

DEDUCTION = "{method: deduction, missing: missing_items}"
DEDUCTION_INPUT = "[{name: missing_items, label: Số mục bắt buộc còn thiếu, type: count}]"


@pytest.mark.parametrize(
    ("n", "expected"), [("0", "10"), ("1", "9"), ("3", "7"), ("10", "0"), ("11", "0"), ("99", "0")]
)
def test_deduction(n: str, expected: str) -> None:
    s = score(single(DEDUCTION, DEDUCTION_INPUT, max=10), missing_items=D(n))
    assert s.score == D(expected)
    assert s.status is Status.OK


def test_deduction_points_each() -> None:
    fw = single("{method: deduction, missing: missing_items, points_each: 2.5}", DEDUCTION_INPUT, max=10)
    assert score(fw, missing_items=D(1)).score == D("7.5")
    assert score(fw, missing_items=D(5)).score == D(0)


def test_deduction_missing_input() -> None:
    s = score(single(DEDUCTION, DEDUCTION_INPUT, max=10))
    assert s.status is Status.MISSING


# --- relative (over a campaign) ------------------------------------------------------------


def relative_fw(extra: str = "") -> Framework:
    return single(
        "{method: relative, value: x" + extra + "}",
        "[{name: x, label: Số tài khoản trên 100.000 dân, type: number}]",
        max=10,
    )


def campaign(fw: Framework, *values: str | None) -> list[Decimal | None]:
    units = [
        UnitInputs(f"Đơn vị {i}", values={"I.1": {"x": D(v)}} if v is not None else {}) for i, v in enumerate(values)
    ]
    return [r.items["I.1"].score for r in score_campaign(fw, units)]


def test_relative_min_max_and_middle() -> None:
    assert campaign(relative_fw(), "10", "20", "30", "25") == [D(0), D(5), D(10), D("7.5")]


def test_relative_proportional_rounding() -> None:
    assert campaign(relative_fw(), "0", "1", "3") == [D(0), D("3.33"), D(10)]


def test_relative_lower_is_better() -> None:
    assert campaign(relative_fw(", direction: lower"), "10", "20", "30") == [D(10), D(5), D(0)]


def test_relative_all_equal_gets_max_by_default() -> None:
    assert campaign(relative_fw(), "7", "7", "7") == [D(10), D(10), D(10)]


def test_relative_all_equal_when_equal_zero() -> None:
    assert campaign(relative_fw(", when_equal: zero"), "7", "7") == [D(0), D(0)]


def test_relative_unit_without_value_is_missing_and_excluded() -> None:
    fw = relative_fw()
    units = [
        UnitInputs("A", values={"I.1": {"x": D(10)}}),
        UnitInputs("B"),
        UnitInputs("C", values={"I.1": {"x": D(30)}}),
    ]
    results = score_campaign(fw, units)
    a, b, c = (r.items["I.1"] for r in results)
    assert (a.score, c.score) == (D(0), D(10))  # B's absence does not act as a 0 minimum
    assert (b.score, b.status, b.missing) == (D(0), Status.MISSING, ("x",))


def test_relative_score_item_with_given_bounds() -> None:
    fw = relative_fw()
    item = fw.item("I.1")
    assert item is not None
    unit = UnitInputs("A", values={"I.1": {"x": D(5)}})
    assert score_item(fw, item, unit, relative={"I.1": (D(0), D(20))}).score == D("2.50")


def test_relative_negative_values_are_allowed() -> None:
    assert campaign(relative_fw(), "-10", "0", "10") == [D(0), D(5), D(10)]


def test_relative_single_unit_is_its_own_campaign() -> None:
    fw = relative_fw()
    result = score_unit(fw, UnitInputs("A", values={"I.1": {"x": D(3)}}))
    assert result.items["I.1"].score == D(10)


def test_relative_not_applicable_unit_is_excluded_from_bounds() -> None:
    fw = relative_fw()
    units = [
        UnitInputs("A", values={"I.1": {"x": D(10)}}),
        UnitInputs("B", values={"I.1": {"x": D(0)}}, na={"I.1": "Không có"}),
        UnitInputs("C", values={"I.1": {"x": D(30)}}),
    ]
    results = score_campaign(fw, units)
    assert [r.items["I.1"].score for r in results] == [D(0), None, D(10)]
    assert results[1].items["I.1"].status is Status.NA


# --- manual --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "expected"), [("7", "7"), ("7.125", "7.13"), ("10", "10"), ("12", "10"), ("-3", "0")]
)
def test_manual(entered: str, expected: str) -> None:
    s = score(single("{method: manual}", max=10), score=D(entered))
    assert (s.score, s.status) == (D(expected), Status.OK)


def test_manual_clamp_is_traced() -> None:
    s = score(single("{method: manual}", max=10), score=D(12))
    assert s.trace == "điểm nhập 12 → tối đa 10 = 10 điểm"


def test_manual_missing() -> None:
    s = score(single("{method: manual}", max=10))
    assert (s.score, s.status, s.missing) == (D(0), Status.MISSING, ("score",))


# --- expression ----------------------------------------------------------------------------


def test_expression_formula() -> None:
    fw = single("{method: expression, formula: '3 + (7 if b > 0 and a / b >= 0.2 else 7 * a / b / 0.2)'}", RATIO_INPUTS)
    assert score(fw, a=D(1), b=D(10)).score == D("6.50")
    assert score(fw, a=D(3), b=D(10)).score == D(10)


def test_expression_with_max_points() -> None:
    fw = single("{method: expression, formula: 'max_points * a / b'}", RATIO_INPUTS, max=8)
    assert score(fw, a=D(1), b=D(4)).score == D(2)


def test_expression_division_by_zero_scores_zero_with_warning() -> None:
    fw = single("{method: expression, formula: 'a / b * max_points'}", RATIO_INPUTS, max=5)
    s = score(fw, a=D(1), b=D(0))
    assert (s.score, s.status) == (D(0), Status.OK)
    assert s.warnings and "chia cho 0" in s.warnings[0]


def test_expression_reads_yes_no_inputs() -> None:
    fw = single(
        "{method: expression, formula: 'max_points if c and n >= 2 else max_points / 2 if c else 0'}",
        "[{name: c, label: c, type: yes_no}, {name: n, label: n, type: count}]",
        max=6,
    )
    assert score(fw, c=True, n=D(2)).score == D(6)
    assert score(fw, c=True, n=D(1)).score == D(3)
    assert score(fw, c=False, n=D(5)).score == D(0)


def test_expression_missing_input() -> None:
    fw = single("{method: expression, formula: 'a / b * max_points'}", RATIO_INPUTS, max=5)
    s = score(fw, a=D(1))
    assert (s.status, s.missing) == (Status.MISSING, ("b",))


def test_expression_negative_input_is_invalid() -> None:
    fw = single("{method: expression, formula: 'a / b * max_points'}", RATIO_INPUTS, max=5)
    assert score(fw, a=D(-1), b=D(2)).status is Status.INVALID


def test_expression_clamped() -> None:
    fw = single("{method: expression, formula: 'a - b'}", RATIO_INPUTS, max=5)
    assert score(fw, a=D(100), b=D(1)).score == D(5)
    assert score(fw, a=D(1), b=D(100)).score == D(0)


def test_expression_single_argument_max_does_not_crash_scoring() -> None:
    """A formula that validated must score (or the framework must be refused), never raise TypeError."""
    try:
        fw = single("{method: expression, formula: 'max(a)'}", "[{name: a, label: a, type: number}]", max=5)
    except FrameworkError:
        return
    assert score(fw, a=D(2)).score == D(2)


# --- reference -----------------------------------------------------------------------------

TWO_ITEMS_WITH_REFERENCE = """
indices:
  - code: "I"
    name: Chỉ số
    indicators:
      - {code: I.1, name: Có kế hoạch, max: 10, inputs: [{name: c, label: c, type: yes_no}],
         scoring: {method: yes_no, input: c}}
      - {code: I.2, name: Đô thị thông minh, inputs: [{name: n, label: n, type: count}],
         scoring: {method: reference}}
"""


def test_reference_is_not_scored_and_not_summed() -> None:
    fw = framework(TWO_ITEMS_WITH_REFERENCE)
    result = score_unit(fw, UnitInputs("A", values={"I.1": {"c": True}, "I.2": {"n": D(99)}}))
    ref = result.items["I.2"]
    assert (ref.score, ref.status) == (None, Status.REFERENCE)
    assert not ref.counts
    assert result.indices["I"] == D(10)
    assert result.index_max["I"] == D(10)
    assert (result.total, result.max, result.percent) == (D(10), D(10), D(100))


def test_reference_only_index_is_outside_total() -> None:
    fw = framework(
        """
        indices:
          - {code: "1", name: Nhận thức số, max: 100}
          - {code: "6", name: Đô thị thông minh, reference_only: true}
        """
    )
    result = score_unit(fw, UnitInputs("A", values={"1": {"score": D(80)}, "6": {"score": D(50)}}))
    assert result.total == D(80)
    assert result.max == D(100)
    assert result.index_max["6"] is None


# --- sums, adjustments, N/A, percent -------------------------------------------------------

SUMS = """
unit_types: {huyen: Huyện, thanh_pho: Thành phố}
indices:
  - code: "I"
    name: Chỉ số một
    max: 30
    indicators:
      - {code: I.1, name: Một, max: 10, inputs: [{name: c, label: c, type: yes_no}],
         scoring: {method: yes_no, input: c}}
      - {code: I.2, name: Hai, max: 20, applies_to: [huyen],
         inputs: [{name: a, label: a, type: count}, {name: b, label: b, type: count}],
         scoring: {method: ratio, numerator: a, denominator: b}}
  - code: "II"
    name: Chỉ số hai
    max: 70
    indicators:
      - {code: II.1, name: Ba, max: 30, scoring: {method: manual}}
      - {code: II.2, name: Bốn, max: 40, allow_na: false, scoring: {method: manual}}
adjustments:
  - {code: T.1, name: Sáng kiến, kind: bonus, max: 20, inputs: [{name: n, label: n, type: count}],
     scoring: {method: per_item, count: n, points_each: 5}}
  - {code: P.1, name: Sự cố mất an toàn, kind: penalty, max: 200, inputs: [{name: n, label: n, type: count}],
     scoring: {method: per_item, count: n, points_each: 50}}
"""


def sums_unit(**overrides: object) -> UnitInputs:
    values: dict[str, dict[str, object]] = {
        "I.1": {"c": True},
        "I.2": {"a": D(1), "b": D(4)},
        "II.1": {"score": D("12.5")},
        "II.2": {"score": D(30)},
    }
    base: dict[str, object] = {"unit": "Huyện A", "type": "huyen", "values": values}
    base.update(overrides)
    return UnitInputs(**base)  # type: ignore[arg-type]


def test_index_and_total_sums() -> None:
    result = score_unit(framework(SUMS), sums_unit())
    assert result.indices == {"I": D(15), "II": D("42.5")}
    assert result.index_max == {"I": D(30), "II": D(70)}
    assert (result.bonus, result.penalty) == (D(0), D(0))
    assert result.total == D("57.5")
    assert result.max == D(100)
    assert result.percent == D("57.5")


def test_bonus_and_penalty() -> None:
    unit = sums_unit()
    unit.values["T.1"] = {"n": D(2)}
    unit.values["P.1"] = {"n": D(0)}
    result = score_unit(framework(SUMS), unit)
    assert (result.bonus, result.penalty) == (D(10), D(0))
    assert result.total == D("67.5")
    assert result.max == D(100)  # adjustments do not change the maximum
    unit.values["P.1"] = {"n": D(1)}
    result = score_unit(framework(SUMS), unit)
    assert result.penalty == D(50)
    assert result.total == D("17.5")  # 57.5 + 10 − 50


def test_bonus_is_capped_at_its_max() -> None:
    unit = sums_unit()
    unit.values["T.1"] = {"n": D(9)}
    assert score_unit(framework(SUMS), unit).bonus == D(20)


def test_total_never_below_zero() -> None:
    unit = sums_unit()
    unit.values["P.1"] = {"n": D(4)}  # 200 penalty points
    result = score_unit(framework(SUMS), unit)
    assert result.penalty == D(200)
    assert result.total == D(0)
    assert result.percent == D(0)


def test_bonus_can_take_percent_above_100() -> None:
    unit = sums_unit()
    unit.values["I.2"] = {"a": D(1), "b": D(1)}
    unit.values["II.1"] = {"score": D(30)}
    unit.values["II.2"] = {"score": D(40)}
    unit.values["T.1"] = {"n": D(1)}
    result = score_unit(framework(SUMS), unit)
    assert result.total == D(105)
    assert result.percent == D(105)


def test_not_applicable_by_unit_type() -> None:
    result = score_unit(framework(SUMS), sums_unit(type="thanh_pho"))
    item = result.items["I.2"]
    assert (item.score, item.status) == (None, Status.NA)
    assert result.indices["I"] == D(10)
    assert result.index_max["I"] == D(10)  # 30 − 20
    assert result.max == D(80)
    assert result.total == D("52.5")
    assert result.percent == D("52.5") / D(80) * 100


def test_unknown_unit_type_gets_every_indicator() -> None:
    result = score_unit(framework(SUMS), sums_unit(type=None))
    assert result.items["I.2"].status is Status.OK
    assert result.max == D(100)


def test_not_applicable_by_request() -> None:
    result = score_unit(framework(SUMS), sums_unit(na={"II.1": "Không có dịch vụ công"}))
    item = result.items["II.1"]
    assert (item.score, item.status, item.note) == (None, Status.NA, "Không có dịch vụ công")
    assert result.indices["II"] == D(30)
    assert result.index_max["II"] == D(40)
    assert result.max == D(70)
    assert result.total == D(45)
    assert result.percent == D(45) / D(70) * 100


def test_not_applicable_request_refused_when_allow_na_false() -> None:
    result = score_unit(framework(SUMS), sums_unit(na={"II.2": "Xin không áp dụng"}))
    item = result.items["II.2"]
    assert (item.score, item.status) == (D(30), Status.OK)
    assert any("II.2" in w for w in item.warnings)
    assert result.index_max["II"] == D(70)
    assert result.max == D(100)


def test_everything_not_applicable_has_no_percent() -> None:
    fw = single(YES_NO, YES_NO_INPUT, max=5)
    result = score_unit(fw, UnitInputs("A", na={"I.1": "Không áp dụng"}))
    assert result.total == D(0)
    assert result.max == D(0)
    assert result.percent is None


def test_unknown_max_gives_no_percent() -> None:
    fw = single("{method: manual}", max="null")
    result = score_unit(fw, UnitInputs("A", values={"I.1": {"score": D(7)}}))
    assert result.items["I.1"].score == D(7)  # no max: only clamped at 0
    assert result.total == D(7)
    assert result.max is None
    assert result.percent is None


def test_missing_counts_as_zero_inside_the_maximum() -> None:
    unit = sums_unit()
    del unit.values["I.2"]
    result = score_unit(framework(SUMS), unit)
    assert result.items["I.2"].status is Status.MISSING
    assert result.indices["I"] == D(10)
    assert result.index_max["I"] == D(30)


# --- rounding and precision ----------------------------------------------------------------


def test_ratio_at_exact_half_rounds_up() -> None:
    # 2675 / 5000 × 5 = 2.675 exactly → 2.68 (a float would give 2.67)
    s = score(ratio_fw(), a=D(2675), b=D(5000))
    assert s.score == D("2.68")
    # 1 / 8 × 1 = 0.125 → 0.13
    s = score(ratio_fw(max=1), a=D(1), b=D(8))
    assert s.score == D("0.13")


@pytest.mark.parametrize(
    ("precision", "a", "expected"),
    [
        (2, "2675", "2.68"),  # 2.675
        (1, "2650", "2.7"),  # 2.65
        (1, "2649", "2.6"),  # 2.649
        (0, "2500", "3"),  # 2.5
        (0, "2499", "2"),  # 2.499
    ],
)
def test_precision(precision: int, a: str, expected: str) -> None:
    s = score(ratio_fw(precision=precision), a=D(a), b=D(5000))
    assert s.score == D(expected)
    assert s.score.as_tuple().exponent == -precision  # type: ignore[union-attr]


def test_score_never_exceeds_a_max_with_more_decimals_than_the_precision() -> None:
    """precision 0 and an indicator max of 4.5: a full score must not round up to 5, above the max.

    Either the loader refuses a max with more decimals than the precision, or the score stays ≤ 4.5.
    """
    try:
        fw = single(YES_NO, YES_NO_INPUT, max=4.5, precision=0)
    except FrameworkError:
        return
    s = score(fw, issued=True)
    assert s.score is not None
    assert s.score <= D("4.5"), s


def test_index_is_sum_of_rounded_indicator_scores() -> None:
    items = "".join(
        f"      - {{code: {c}, name: Một, max: 5, inputs: {RATIO_INPUTS}, "
        "scoring: {method: ratio, numerator: a, denominator: b}}\n"
        for c in ("I.1", "I.2", "I.3")
    )
    fw = framework('indices:\n  - code: "I"\n    name: Chỉ số\n    indicators:\n' + items)
    third = {"a": D(1), "b": D(3)}  # 1.6666… → 1.67
    result = score_unit(fw, UnitInputs("A", values={"I.1": third, "I.2": third, "I.3": third}))
    assert [result.items[c].score for c in ("I.1", "I.2", "I.3")] == [D("1.67")] * 3
    assert result.indices["I"] == D("5.01")  # not 5.00 (the rounded exact sum)
    assert result.total == D("5.01")


def test_precision_one_and_zero_sum() -> None:
    body = """
        indices:
          - code: "I"
            name: Chỉ số
            indicators:
              - {code: I.1, name: Một, max: 10, scoring: {method: manual}}
              - {code: I.2, name: Hai, max: 10, scoring: {method: manual}}
        """
    values = {"I.1": {"score": D("2.45")}, "I.2": {"score": D("2.45")}}
    one = score_unit(framework(body, precision=1), UnitInputs("A", values=values))
    assert one.indices["I"] == D("5.0")  # 2.5 + 2.5
    zero = score_unit(framework(body, precision=0), UnitInputs("A", values=values))
    assert zero.indices["I"] == D(4)  # 2 + 2


# --- merged units: mean_of -----------------------------------------------------------------


def test_mean_of_two_units() -> None:
    fw = framework(
        """
        indices:
          - {code: "1", name: Nhận thức số, max: 100}
          - {code: "2", name: Thể chế số, max: 100}
        """
    )
    a = score_unit(fw, UnitInputs("Tỉnh A", values={"1": {"score": D("80.01")}, "2": {"score": D(60)}}))
    b = score_unit(fw, UnitInputs("Tỉnh B", values={"1": {"score": D("70.02")}, "2": {"score": D("55.5")}}))
    merged = mean_of(fw, [a, b], unit="Tỉnh mới")
    assert merged.unit == "Tỉnh mới"
    assert merged.indices["1"] == D("75.02")  # 75.015 rounded half up
    assert merged.indices["2"] == D("57.75")
    assert merged.total == D("132.77")
    assert merged.max == D(200)


def test_mean_of_with_indicators() -> None:
    fw = framework(SUMS)
    a = score_unit(fw, sums_unit(unit="A"))
    b_unit = sums_unit(unit="B")
    b_unit.values["I.1"] = {"c": False}
    b = score_unit(fw, b_unit)
    merged = mean_of(fw, [a, b], unit="AB")
    assert merged.indices["I"] == (a.indices["I"] + b.indices["I"]) / 2  # type: ignore[operator]
    assert merged.indices["II"] == D("42.5")
    assert merged.max == D(100)


def test_mean_of_needs_units() -> None:
    fw = framework('indices: [{code: "1", name: Một, max: 100}]')
    with pytest.raises(ValueError):
        mean_of(fw, [], unit="X")


# --- claims --------------------------------------------------------------------------------


def test_self_claim_is_kept_beside_the_computed_score() -> None:
    fw = ratio_fw()
    unit = UnitInputs("Kim Bảng", values={"I.1": {"a": D(108649), "b": D(133841)}}, claimed={"I.1": D(5)})
    result = score_unit(fw, unit)
    assert result.items["I.1"].score == D("4.06")
    assert result.items["I.1"].claimed == D(5)
    assert result.claimed_indices == {"I": D(5)}
    assert result.claimed_total == D(5)
