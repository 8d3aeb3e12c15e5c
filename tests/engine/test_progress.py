"""How far a unit's data has got (dti.engine.progress): one count for the unit's page and the campaign's."""

from __future__ import annotations

from dti.engine import Completion, UnitInputs, applicable, completion, is_complete, score_unit
from tests.engine.conftest import D, framework

FRAMEWORK = framework(
    """
    unit_types: {huyen: Huyện, so: Sở}
    indices:
      - code: "I"
        name: Nhận thức số
        indicators:
          - code: I.1
            name: Kế hoạch
            max: 10
            inputs: [{name: co, label: Đã ban hành, type: yes_no}]
            scoring: {method: yes_no, input: co}
          - code: I.2
            name: Xã có chuyên mục
            max: 10
            inputs:
              - {name: a, label: Số xã có chuyên mục, type: count}
              - {name: b, label: Tổng số xã, type: count}
            scoring: {method: ratio, numerator: a, denominator: b}
          - code: I.3
            name: Cổng dịch vụ công cấp huyện
            max: 10
            applies_to: [huyen]
            inputs: [{name: co, label: Có cổng, type: yes_no}]
            scoring: {method: yes_no, input: co}
          - code: I.4
            name: Đô thị thông minh
            scoring: {method: reference}
    adjustments:
      - code: T.1
        name: Sáng kiến được công nhận
        kind: bonus
        max: 5
        inputs: [{name: n, label: Số sáng kiến, type: count}]
        scoring: {method: per_item, count: n, points_each: 5}
    """
)


def done(unit_type: str, values: dict[str, dict[str, object]], na: dict[str, str] | None = None) -> Completion:
    result = score_unit(FRAMEWORK, UnitInputs(unit="Đơn vị", type=unit_type, values=values, na=na or {}))
    return completion(FRAMEWORK, result)


def test_only_scored_indicators_that_apply_to_the_unit_count():
    """Reference-only items, bonus or penalty points, and indicators for another unit type do not count."""
    result = score_unit(FRAMEWORK, UnitInputs(unit="Sở A", type="so"))
    assert [item.code for item in applicable(FRAMEWORK, result)] == ["I.1", "I.2"]
    result = score_unit(FRAMEWORK, UnitInputs(unit="Huyện A", type="huyen"))
    assert [item.code for item in applicable(FRAMEWORK, result)] == ["I.1", "I.2", "I.3"]


def test_an_indicator_is_done_with_data_enough_to_score_or_set_aside():
    assert done("huyen", {}) == Completion(0, 3)
    assert done("huyen", {"I.1": {"co": True}, "I.2": {"a": D(3)}}) == Completion(1, 3)  # I.2 lacks its denominator
    assert done(
        "huyen", {"I.1": {"co": False}, "I.2": {"a": D(3), "b": D(4)}}, na={"I.3": "Chưa có cổng"}
    ) == Completion(3, 3)
    assert done("huyen", {"T.1": {"n": D(2)}}) == Completion(0, 3)  # bonus points are no progress


def test_the_share_done_is_a_whole_percentage():
    assert Completion(1, 3).percent == 33 and Completion(2, 3).percent == 67
    assert Completion(0, 0).percent == 100  # nothing applies: nothing left to do


def test_complete_means_scored_or_not_applicable():
    result = score_unit(FRAMEWORK, UnitInputs(unit="Sở A", type="so", values={"I.1": {"co": True}}))
    assert is_complete(result.items["I.1"]) and is_complete(result.items["I.3"])  # I.3: N/A for a department
    assert not is_complete(result.items["I.2"])
