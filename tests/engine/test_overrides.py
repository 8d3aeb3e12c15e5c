"""An appraiser's score in place of the formula's: clamped, rounded half-up, traced, summed like any score."""

from __future__ import annotations

from dti.engine.scoring import Status, UnitInputs, score_unit
from tests.engine.conftest import D, framework

FW = framework(
    """
    precision: 2
    indices:
      - code: "1"
        name: Hạ tầng
        max: 20
        indicators:
          - code: "1.1"
            name: Tỷ lệ
            max: 10
            inputs: [{name: a, label: Số có, type: count}, {name: b, label: Tổng số, type: count}]
            scoring: {method: ratio, numerator: a, denominator: b}
          - code: "1.2"
            name: Không áp dụng được
            max: 10
            allow_na: true
            scoring: {method: manual}
    """
)


def unit(**overrides: str) -> UnitInputs:
    return UnitInputs(
        "Huyện A",
        values={"1.1": {"a": D(75), "b": D(100)}, "1.2": {"score": D(4)}},
        overrides={code: D(v) for code, v in overrides.items()},
    )


def test_override_replaces_the_formula_and_keeps_it_in_the_trace() -> None:
    result = score_unit(FW, unit(**{"1.1": "6.125"}), explain=True)
    item = result.items["1.1"]
    assert (item.score, item.status) == (D("6.13"), Status.ADJUSTED)  # half-up at the precision
    assert item.trace == "Điểm thẩm định 6,13 điểm (công thức cho 7,5)"
    assert result.indices["1"] == D("10.13") and result.total == D("10.13")


def test_override_is_clamped_to_the_max_and_zero() -> None:
    assert score_unit(FW, unit(**{"1.1": "12"})).items["1.1"].score == D("10.00")
    assert score_unit(FW, unit(**{"1.1": "-1"})).items["1.1"].score == D("0.00")


def test_override_of_a_missing_score_fills_it() -> None:
    inputs = unit(**{"1.1": "5"})
    inputs.values["1.1"] = {}
    item = score_unit(FW, inputs, explain=True).items["1.1"]
    assert (item.score, item.missing) == (D("5.00"), ())
    assert item.trace == "Điểm thẩm định 5 điểm (công thức: thiếu số liệu)"


def test_override_does_not_bring_back_an_na_item_or_touch_unknown_codes() -> None:
    inputs = unit(**{"1.2": "9", "9.9": "1"})
    inputs.na["1.2"] = "Không có đơn vị trực thuộc"
    result = score_unit(FW, inputs)
    assert result.items["1.2"].status == Status.NA and result.max == D(10)
    assert "9.9" not in result.items
