"""The analysis report's rules: changes with signs, ranks in words, bands, targets, means, code matching."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dti.engine import (
    MINUS,
    Bands,
    DtiError,
    RankRange,
    Reach,
    Scored,
    TargetStatus,
    count_bands,
    match_codes,
    mean,
    out_of,
    parse_rank_range,
    position,
    rank_change,
    round_half_up,
    signed,
    target_progress,
    value_change,
)
from tests.engine.conftest import D

# --- changes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        ("12.5", 2, "+12,50"),
        ("-3.25", 2, f"{MINUS}3,25"),
        ("0", 2, "0,00"),
        ("-0.004", 2, "0,00"),  # rounds to zero: no sign
        ("-0.005", 2, f"{MINUS}0,01"),  # half away from zero
        ("1234.5", 1, "+1.234,5"),
        ("0.0123", 4, "+0,0123"),
    ],
)
def test_signed(value: str, places: int, text: str) -> None:
    assert signed(D(value), places) == text


@given(st.decimals(min_value=-10000, max_value=10000, places=4), st.integers(0, 3))
def test_signed_reads_back_as_the_rounded_value(value: Decimal, places: int) -> None:
    text = signed(value, places)
    assert text[0] in "+" + MINUS or round_half_up(value, places) == 0
    machine = text.replace(MINUS, "-").replace(".", "").replace(",", ".")  # Vietnamese → Python notation
    assert Decimal(machine) == round_half_up(value, places)


def test_value_change_is_the_difference_of_the_shown_figures() -> None:
    # 60.105 shows as 60.11 and 50.004 as 50.00: the report prints 60,11 and 50,00, so +10,11.
    assert value_change(D("60.105"), D("50.004"), 2) == D("10.11")
    assert value_change(D("37.9"), D("40"), 2) == D("-2.10")
    assert value_change(None, D("1"), 2) is None
    assert value_change(D("1"), None, 2) is None


@pytest.mark.parametrize(
    ("current", "previous", "text"),
    [(16, 20, "tăng 4 bậc"), (16, 1, "giảm 15 bậc"), (3, 3, "giữ nguyên"), (None, 3, None), (3, None, None)],
)
def test_rank_change(current: int | None, previous: int | None, text: str | None) -> None:
    assert rank_change(current, previous) == text


def test_position_and_out_of() -> None:
    assert position(7, 11) == "7/11"
    assert position(None, 11) == ""
    assert out_of(D("3.00"), D("10.00")) == "3/10"
    assert out_of(D("8.80"), D("10")) == "8,8/10"
    assert out_of(D("2"), None) == "2/?"


def test_mean_of_the_known_values() -> None:
    assert mean([D("1"), D("2"), None, D("4")]) == D("7") / 3
    assert mean([None, None]) is None
    assert mean([]) is None


@given(st.lists(st.decimals(min_value=0, max_value=1000, places=2), min_size=1, max_size=30))
def test_mean_lies_between_min_and_max(values: list[Decimal]) -> None:
    average = mean(values)
    assert average is not None
    assert min(values) <= average <= max(values)


@given(st.integers(1, 100), st.integers(1, 100))
def test_rank_change_states_the_places_moved(current: int, previous: int) -> None:
    text = rank_change(current, previous)
    assert text is not None
    if current == previous:
        assert text == "giữ nguyên"
    else:
        assert text == f"{'tăng' if current < previous else 'giảm'} {abs(previous - current)} bậc"


# --- bands ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "maximum", "reach"),
    [
        ("10", "10", Reach.MAX),
        ("11.03", "10", Reach.MAX),  # above the max (a published figure): counts as max
        ("8", "10", Reach.HIGH),  # exactly 80 %
        ("7.99", "10", Reach.MEDIUM),
        ("5", "10", Reach.MEDIUM),
        ("4.99", "10", Reach.LOW),
        ("3", "10", Reach.LOW),
        ("2.99", "10", Reach.VERY_LOW),
        ("0.01", "10", Reach.VERY_LOW),
        ("0", "10", Reach.ZERO),
    ],
)
def test_reach_by_default_bands(score: str, maximum: str, reach: Reach) -> None:
    assert Bands().reach(D(score), D(maximum)) is reach


def test_bands_are_settings() -> None:
    bands = Bands(high=D(90), medium=D(60), low=D(20))
    assert bands.reach(D("8"), D("10")) is Reach.MEDIUM
    assert bands.reach(D("2"), D("10")) is Reach.LOW
    legend = dict(bands.describe())
    assert legend[Reach.HIGH] == "từ 90 % đến dưới 100 %"
    assert legend[Reach.VERY_LOW] == "trên 0 % đến dưới 20 %"


@pytest.mark.parametrize(("high", "medium", "low"), [(80, 80, 30), (80, 50, 0), (100, 50, 30), (50, 80, 30)])
def test_bands_out_of_order_are_refused(high: int, medium: int, low: int) -> None:
    with pytest.raises(DtiError, match="ngưỡng mức đạt phải tăng dần"):
        Bands(high=D(high), medium=D(medium), low=D(low))


def test_count_bands() -> None:
    items = [
        Scored("1.1", D("10"), D("10")),
        Scored("1.2", D("9"), D("10")),
        Scored("1.3", D("0"), D("10")),
        Scored("1.4", None, D("10")),  # not applicable: left out
        Scored("1.5", D("1.5"), D("5")),
        Scored("1.6", D("2"), None),  # no max: cannot be placed
        Scored("1.7", D("0.5"), D("5")),
    ]
    counted = count_bands(items, Bands())
    assert counted.counts == {
        Reach.MAX: 1,
        Reach.HIGH: 1,
        Reach.MEDIUM: 0,
        Reach.LOW: 1,
        Reach.VERY_LOW: 1,
        Reach.ZERO: 1,
    }
    assert [item.code for item in counted.weak] == ["1.3", "1.5", "1.7"]
    assert counted.unbanded == ("1.6",)
    assert counted.counted == 5


@given(st.lists(st.tuples(st.decimals(0, 20, places=2), st.decimals("0.01", 20, places=2)), max_size=40))
def test_every_indicator_with_a_max_is_in_one_band(pairs: list[tuple[Decimal, Decimal]]) -> None:
    counted = count_bands([Scored(str(n), s, m) for n, (s, m) in enumerate(pairs)], Bands())
    assert counted.counted == len(pairs)
    assert len(counted.weak) == sum(1 for s, m in pairs if s * 100 < 50 * m)


# --- targets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "best", "worst", "shown"),
    [
        ("10–15", 10, 15, "10–15"),
        ("10-15", 10, 15, "10–15"),
        (" 10 — 15 ", 10, 15, "10–15"),
        ("≤ 10", None, 10, "≤ 10"),
        ("<=10", None, 10, "≤ 10"),
        ("≥ 5", 5, None, "≥ 5"),
        (">= 5", 5, None, "≥ 5"),
        ("7", 7, 7, "7"),
    ],
)
def test_parse_rank_range(text: str, best: int | None, worst: int | None, shown: str) -> None:
    target = parse_rank_range(text)
    assert target == RankRange(best, worst)
    assert str(target) == shown


@pytest.mark.parametrize("text", ["", "mười", "10–", "≤", "top 10", "1,5"])
def test_parse_rank_range_refuses_text(text: str) -> None:
    with pytest.raises(DtiError, match="không phải là khoảng thứ hạng"):
        parse_rank_range(text)


@pytest.mark.parametrize("text", ["15–10", "0–5", "≤ 0"])
def test_parse_rank_range_refuses_a_range_the_wrong_way(text: str) -> None:
    with pytest.raises(DtiError, match="thứ hạng bắt đầu từ 1"):
        parse_rank_range(text)


@pytest.mark.parametrize(
    ("rank", "target", "status", "places", "text"),
    [
        (12, "10–15", TargetStatus.MET, 0, "đạt mục tiêu"),
        (18, "10–15", TargetStatus.BEHIND, 3, "chưa đạt, còn cách 3 bậc"),
        (7, "10–15", TargetStatus.AHEAD, 3, "vượt mục tiêu 3 bậc"),
        (10, "≤ 10", TargetStatus.MET, 0, "đạt mục tiêu"),
        (11, "≤ 10", TargetStatus.BEHIND, 1, "chưa đạt, còn cách 1 bậc"),
        (1, "≤ 10", TargetStatus.MET, 0, "đạt mục tiêu"),
        (4, "≥ 5", TargetStatus.AHEAD, 1, "vượt mục tiêu 1 bậc"),
        (40, "≥ 5", TargetStatus.MET, 0, "đạt mục tiêu"),
    ],
)
def test_progress(rank: int, target: str, status: TargetStatus, places: int, text: str) -> None:
    result = target_progress(rank, parse_rank_range(target))
    assert (result.status, result.places, str(result)) == (status, places, text)


# --- code matching --------------------------------------------------------------------------


def test_match_codes_by_name_then_by_code() -> None:
    current = [("1", "Nhận thức số"), ("2", "Thể chế số"), ("3", "Hạ tầng số"), ("9", "Kinh tế số mới")]
    previous = [("1", "Nhận thức số"), ("3", "THỂ CHẾ  SỐ"), ("4", "Hạ tầng số"), ("2", "Nhân lực số")]
    # 2 and 3 renumbered: matched by name; 1 by both; 9 has no counterpart; previous 2 is left over.
    assert match_codes(current, previous) == {"1": "1", "2": "3", "3": "4"}


def test_match_codes_falls_back_to_equal_codes() -> None:
    assert match_codes([("1", "Nhận thức"), ("2", "Khác")], [("1", "Nhận thức số"), ("5", "Khác nữa")]) == {"1": "1"}
