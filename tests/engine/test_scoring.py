"""A unit's item scores (a read-only mapping over compact storage that behaves like a dict) and
its claimed figures."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from dti.engine.scoring import ItemScore, Status, UnitInputs, UnitResult, score_unit
from tests.engine.conftest import D, framework

FW = framework(
    """
    indices:
      - code: "I"
        name: Một
        indicators:
          - {code: I.1, name: Có, max: 2, inputs: [{name: x, label: x, type: yes_no}],
             scoring: {method: yes_no, input: x}}
          - {code: I.2, name: Tỷ lệ, max: 3, allow_na: true,
             inputs: [{name: a, label: a, type: count}, {name: b, label: b, type: count}],
             scoring: {method: ratio, numerator: a, denominator: b}}
          - {code: I.3, name: Nhập, max: 5, scoring: {method: manual}}
    """
)


def scored(**kwargs: object) -> dict[str, ItemScore]:
    values = {"I.1": {"x": True}, "I.2": {"a": D(1), "b": D(4)}}
    return score_unit(FW, UnitInputs("A", values=values, **kwargs)).items  # type: ignore[arg-type, return-value]


def test_items_read_like_a_dict() -> None:
    items = scored(claimed={"I.1": D(2)})
    assert list(items) == ["I.1", "I.2", "I.3"] and len(items) == 3
    assert items["I.1"] == ItemScore("I.1", D("2.00"), Status.OK, D(2))
    assert items["I.2"].score == D("0.75") and items["I.2"].claimed is None
    assert items["I.3"].status is Status.MISSING and items["I.3"].missing == ("score",)
    assert "I.2" in items and "I.9" not in items
    assert items.get("I.9") is None
    with pytest.raises(KeyError):
        items["I.9"]
    assert items == {code: items[code] for code in items}
    assert pickle.loads(pickle.dumps(items)) == items


def test_na_warnings_and_overrides_are_kept_whole() -> None:
    items = scored(na={"I.2": "Không có đơn vị trực thuộc"}, overrides={"I.1": D("1.5")})
    assert items["I.2"] == ItemScore("I.2", None, Status.NA, note="Không có đơn vị trực thuộc")
    assert items["I.1"].status is Status.ADJUSTED and items["I.1"].score == D("1.50")
    assert "công thức cho 2" in items["I.1"].trace


def test_claims_are_read_at_scoring_time() -> None:
    claims = {"I.1": D(2)}
    inputs = UnitInputs("A", values={"I.1": {"x": True}}, claimed=claims)
    items = score_unit(FW, inputs).items
    claims["I.1"] = D(0)  # the unit's file changes afterwards: the result does not
    assert items["I.1"].claimed == D(2)


# --- the claimed figures: one rule for every output ----------------------------------------

VALUES = {"I.1": {"x": True}, "I.2": {"a": D(1), "b": D(4)}, "I.3": {"score": D(4)}}  # 2 + 0,75 + 4


def with_claims(claimed: dict[str, str], **kwargs: Any) -> UnitResult:
    return score_unit(FW, UnitInputs("A", values=VALUES, claimed={c: D(v) for c, v in claimed.items()}, **kwargs))


def test_an_index_claimed_in_part_counts_the_formula_for_the_rest() -> None:
    # Regression: the CLI's text hid such an index's claim, its CSV/JSON and the
    # self-assessment page summed only the claims (2 here), the appraisal counted the formula too.
    result = with_claims({"I.2": "2"})
    assert (result.indices["I"], result.total) == (D("6.75"), D("6.75"))
    assert (result.claimed_indices, result.claimed_total) == ({"I": D("8.00")}, D("8.00"))


def test_a_claim_is_clamped_and_rounded_as_an_appraisers_score() -> None:
    assert with_claims({"I.2": "3.456", "I.1": "1.235"}).claimed_indices == {"I": D("8.24")}  # 1,24 + 3 + 4


def test_claimed_figures_ignore_the_appraisers_scores_and_na_items() -> None:
    result = with_claims({"I.2": "3"}, overrides={"I.3": D(1)})
    assert (result.total, result.claimed_total) == (D("3.75"), D("9.00"))  # 2 + 0,75 + 1; 2 + 3 + 4
    na = with_claims({"I.2": "3"}, na={"I.2": "Không có đơn vị trực thuộc"})
    assert (na.total, na.claimed_total) == (D("6.00"), D("6.00"))


def test_no_claim_no_claimed_figures() -> None:
    result = with_claims({})
    assert (result.claimed_indices, result.claimed_total) == ({}, None)
