"""Score traces name inputs by their labels, never by their internal names ("so_hoi_nghi = 3")."""

from __future__ import annotations

import re

import pytest

from dti.engine import Framework, Indicator, InputType, UnitInputs, load_framework, score_unit
from tests.engine.conftest import FRAMEWORKS, D, framework

MEETINGS = framework(
    """
    indices:
      - code: "I"
        name: Nhận thức số
        indicators:
          - code: I.3
            name: Hội nghị về chuyển đổi số
            max: 20
            inputs: [{name: so_hoi_nghi, label: Số hội nghị đã tổ chức, type: count}]
            scoring: {method: tiers, value: so_hoi_nghi, tiers: [{min: 2, points: 20}, {min: 1, points: 10}]}
          - code: I.4
            name: Chuyên mục trên đài cấp xã
            max: 10
            inputs:
              - {name: xa_2_lan, label: Số xã phát sóng từ 2 lần/tháng, type: count}
              - {name: tong_so_xa, label: Tổng số xã, type: count}
            scoring: {method: expression, formula: "max_points * xa_2_lan / tong_so_xa"}
    """
)


def traces(framework: Framework, values: dict[str, dict[str, object]]) -> dict[str, str]:
    result = score_unit(framework, UnitInputs(unit="Đơn vị", values=values), explain=True)
    return {code: item.trace for code, item in result.items.items()}


def test_a_measured_value_is_named_by_its_label():
    """Regression: Kim Bảng's I.3 read "so_hoi_nghi = 3; 3 ≥ 2 = 20 điểm"."""
    trace = traces(MEETINGS, {"I.3": {"so_hoi_nghi": D(3)}})["I.3"]
    assert trace.startswith("Số hội nghị đã tổ chức = 3;")
    assert "so_hoi_nghi" not in trace


def test_a_formula_is_shown_with_labels_and_the_maximum_in_words():
    trace = traces(MEETINGS, {"I.4": {"xa_2_lan": D(6), "tong_so_xa": D(12)}})["I.4"]
    assert trace == "“điểm tối đa” * “Số xã phát sóng từ 2 lần/tháng” / “Tổng số xã” → 5 = 5 điểm"
    by_zero = score_unit(MEETINGS, UnitInputs(unit="x", values={"I.4": {"xa_2_lan": D(0), "tong_so_xa": D(0)}}))
    assert by_zero.items["I.4"].warnings == (
        "Công thức chia cho 0: “điểm tối đa” * “Số xã phát sóng từ 2 lần/tháng” / “Tổng số xã” (chấm 0 điểm)",
    )


def _sample(item: Indicator) -> dict[str, object]:
    """A value for every input an indicator reads: yes, its first option, 40 % or 3 (of 4)."""
    values: dict[str, object] = {}
    for field in item.inputs:
        if field.type is InputType.YES_NO:
            values[field.name] = True
        elif field.type is InputType.CHOICE:
            values[field.name] = next(iter(field.options))
        elif field.type is InputType.PERCENT:
            values[field.name] = D("0.4")
        elif field.type is not InputType.TEXT:
            values[field.name] = D(3) if len(values) % 2 == 0 else D(4)
    return values


@pytest.mark.parametrize("path", sorted(FRAMEWORKS.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_shipped_framework_shows_an_input_name_in_a_trace(path):
    shipped = load_framework(path)
    names = {f.name for item in shipped.walk() for f in item.inputs if "_" in f.name or len(f.name) > 3}
    found = traces(shipped, {item.code: _sample(item) for item in shipped.walk()})
    leaked = {
        code: name for code, trace in found.items() for name in names if re.search(rf"\b{re.escape(name)}\b", trace)
    }
    assert leaked == {}
