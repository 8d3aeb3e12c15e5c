"""What-if and robustness: exact points (whole steps of the precision) on the shown value, by the ties rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dti.engine import (
    ItemRoom,
    RankBasis,
    RankingPolicy,
    Standing,
    Ties,
    load_framework,
    points_to_fall,
    points_to_reach,
    rank_results,
    ranks,
    read_results,
    robustness,
    row_result,
    shown_value,
    what_if,
)

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
TOTAL = RankingPolicy(RankBasis.TOTAL, 2, Ties.COMPETITION)
PERCENT = RankingPolicy(RankBasis.PERCENT, 1, Ties.DENSE)


def group() -> list[Standing]:
    """A 90, B and C 85,5, D 80, E 79,99 (E with three indicators)."""
    rooms = (
        ItemRoom("I.1", D("30"), D("40")),
        ItemRoom("I.2", D("29.99"), D("30")),
        ItemRoom("II.1", D("20"), D("30")),
    )
    return [
        Standing("A", D("90.00")),
        Standing("B", D("85.50")),
        Standing("C", D("85.50")),
        Standing("D", D("80.00")),
        Standing("E", D("79.99"), None, rooms),
    ]


def test_points_to_each_rank_above_tie_and_pass() -> None:
    result = what_if(group(), "E", precision=2, policy=TOTAL)
    assert (result.rank, result.value) == (5, D("79.99"))
    assert [(s.rank, s.units, s.value, s.to_tie, s.to_pass) for s in result.steps] == [
        (4, ("D",), D("80.00"), D("0.01"), D("0.02")),
        (2, ("B", "C"), D("85.50"), D("5.51"), D("5.52")),
        (1, ("A",), D("90.00"), D("10.01"), D("10.02")),
    ]
    # 20,01 points are still available: every rank is within reach.
    assert result.available == D("20.01")
    assert all(step.reachable for step in result.steps)


def test_indicators_by_points_still_available() -> None:
    result = what_if(group(), "E", precision=2, policy=TOTAL)
    assert [(r.code, r.available) for r in result.rooms] == [("I.1", D("10")), ("II.1", D("10")), ("I.2", D("0.01"))]


def test_a_rank_beyond_the_points_available_is_not_reachable() -> None:
    rooms = (ItemRoom("I.1", D("9"), D("10")),)
    standings = [Standing("A", D("20")), Standing("B", D("18.5"), None, rooms)]
    step = what_if(standings, "B", precision=1, policy=RankingPolicy(RankBasis.TOTAL, 1)).steps[0]
    assert (step.to_tie, step.reachable) == (D("1.5"), False)


def test_neighbours_above_and_below() -> None:
    result = what_if(group(), "D", precision=2, policy=TOTAL)
    assert result.above is not None and result.below is not None
    assert (result.above.unit, result.above.rank, result.above.gap, result.above.points) == (
        "B",
        2,
        D("5.50"),
        D("5.50"),
    )
    assert (result.below.unit, result.below.rank, result.below.gap, result.below.points) == (
        "E",
        5,
        D("0.01"),
        D("0.01"),
    )
    first = what_if(group(), "A", precision=2, policy=TOTAL)
    assert first.steps == () and first.above is None


def test_half_up_at_fewer_decimals_than_the_precision() -> None:
    # Ranked at 1 decimal, scores at 2: 80,05 is shown 80,1, so 79,99 needs 0,06 to tie with 80,1.
    policy = RankingPolicy(RankBasis.TOTAL, 1)
    me = Standing("E", D("79.99"))
    assert points_to_reach(me, D("80.1"), precision=2, policy=policy) == D("0.06")
    assert shown_value(Standing("E", D("80.05")), policy) == D("80.1")
    assert shown_value(Standing("E", D("80.04")), policy) == D("80.0")
    # and falls below 80,0 (shown 79,9) after losing 0,05: 79,94.
    assert points_to_fall(me, D("80.0"), precision=2, policy=policy) == D("0.05")


def test_percent_basis_uses_the_applicable_maximum() -> None:
    # B has 445 applicable points (N/A lowered it): 400/445 = 89,887… % shown 89,9 %.
    a = Standing("A", D("450"), D("500"))  # 90,0 %
    b = Standing("B", D("400"), D("445"))
    result = what_if([a, b], "B", precision=2, policy=PERCENT)
    assert result.value == D("89.9")
    step = result.steps[0]
    # 89,95 % of 445 = 400,2775 → 0,28 points to tie; 90,05 % of 445 = 400,7225 → 0,73 to pass.
    assert (step.value, step.to_tie, step.to_pass) == (D("90.0"), D("0.28"), D("0.73"))
    assert shown_value(Standing("B", D("400.28"), D("445")), PERCENT) == D("90.0")
    assert shown_value(Standing("B", D("400.27"), D("445")), PERCENT) == D("89.9")


def test_unranked_unit_has_no_steps() -> None:
    result = what_if([Standing("A", D("1")), Standing("B", None)], "B", precision=2, policy=TOTAL)
    assert (result.rank, result.steps, result.above, result.below) == (None, (), None, None)
    with pytest.raises(KeyError):
        what_if(group(), "Z", precision=2, policy=TOTAL)


def test_robustness_margins_and_units_one_step_moves() -> None:
    margins = {m.unit: m for m in robustness(group(), precision=2, policy=TOTAL)}
    assert (margins["A"].up, margins["A"].down) == (None, D("4.51"))
    # B is tied with C: losing one step breaks the tie (C keeps rank 2, B falls to 3).
    assert (margins["B"].up, margins["B"].down) == (D("4.50"), D("0.01"))
    assert margins["B"].moved_by_step == ("B", "C")
    # D losing one step ties E (E moves up to 4); D gaining nothing near.
    assert (margins["D"].up, margins["D"].down) == (D("5.50"), D("0.02"))
    assert margins["D"].moved_by_step == ("E",)
    # E gaining one step ties D: E's rank goes from 5 to 4.
    assert (margins["E"].up, margins["E"].down) == (D("0.01"), None)
    assert margins["E"].moved_by_step == ("E",)
    assert margins["A"].moved_by_step == ()


def test_a_unit_that_cannot_move_moves_nobody() -> None:
    # E's only indicator is at its max and the unit above is one step away: no step up is possible.
    full = (ItemRoom("I.1", D("10"), D("10")),)
    standings = [Standing("D", D("10.01")), Standing("E", D("10"), None, full)]
    margins = {m.unit: m for m in robustness(standings, precision=2, policy=TOTAL)}
    assert margins["E"].up == D("0.01") and margins["E"].moved_by_step == ()


def test_ties_decided_by_rounding_are_flagged() -> None:
    # 94,947 % and 94,925 % are both shown 94,9 %: they share a rank only through rounding.
    a = Standing("A", D("94947"), D("100000"))
    b = Standing("B", D("94925"), D("100000"))
    c = Standing("C", D("90"), D("100"))
    d = Standing("D", D("90"), D("100"))
    margins = {m.unit: m for m in robustness([a, b, c, d], precision=0, policy=PERCENT)}
    assert margins["A"].rounding_tie and margins["B"].rounding_tie
    assert not margins["C"].rounding_tie and not margins["D"].rounding_tie
    assert [m.rank for m in margins.values()] == [1, 1, 2, 2]


def test_dense_ranking_moves_everyone_below_a_broken_tie() -> None:
    policy = RankingPolicy(RankBasis.TOTAL, 0, Ties.DENSE)
    standings = [Standing("A", D("10")), Standing("B", D("10")), Standing("C", D("8"))]
    margins = {m.unit: m for m in robustness(standings, precision=0, policy=policy)}
    # A gaining one point leaves B at 2 and C at 3 (dense: 1, 1, 2 → 1, 2, 3).
    assert set(margins["A"].moved_by_step) == {"A", "B", "C"}


def test_the_ranks_agree_with_the_published_ranking() -> None:
    """On Ninh Bình's published 2023 table the shown values rank the districts as the engine does,
    and every unit's margin up reaches exactly the next shown value (one step less does not)."""
    framework = load_framework(ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml")
    results = [
        row_result(framework, row)
        for row in read_results(framework, ROOT / "examples" / "ninh-binh-2023-ket-qua.csv").rows
    ]
    rank_results(framework, results)
    standings = [Standing(r.unit, r.total, r.max) for r in results]
    policy = framework.ranking
    values = [shown_value(s, policy) for s in standings]
    assert ranks(values, policy.ties) == [r.rank for r in results]
    step = Decimal(1).scaleb(-framework.precision)
    for standing, margin in zip(
        standings, robustness(standings, precision=framework.precision, policy=policy), strict=True
    ):
        if margin.up is None or standing.total is None:
            continue
        higher = min(v for v in values if v is not None and margin.value is not None and v > margin.value)
        assert shown_value(replace(standing, total=standing.total + margin.up), policy) >= higher  # type: ignore[operator]
        assert shown_value(replace(standing, total=standing.total + margin.up - step), policy) < higher  # type: ignore[operator]


def brute_force_moved(standings: list[Standing], position: int, precision: int, policy: RankingPolicy) -> set[str]:
    """The units whose rank changes when one unit moves one step up or down, by ranking everything again."""
    step = Decimal(1).scaleb(-precision)
    before = ranks([shown_value(s, policy) for s in standings], policy.ties)
    moved: set[str] = set()
    for delta in (step, -step):
        me = standings[position]
        assert me.total is not None
        changed = [*standings[:position], replace(me, total=me.total + delta), *standings[position + 1 :]]
        after = ranks([shown_value(s, policy) for s in changed], policy.ties)
        moved |= {s.unit for s, old, new in zip(standings, before, after, strict=True) if old != new}
    return moved


@given(
    totals=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12),
    ties=st.sampled_from(list(Ties)),
    decimals=st.sampled_from([0, 1]),
)
@settings(max_examples=300, deadline=None)
def test_units_moved_by_one_step_equal_a_full_re_ranking(totals: list[int], ties: Ties, decimals: int) -> None:
    # Scores at one decimal, ranked at 0 or 1 decimal: ties, broken ties and merges all occur.
    standings = [Standing(f"U{k}", Decimal(t) / 10) for k, t in enumerate(totals)]
    policy = RankingPolicy(RankBasis.TOTAL, decimals, ties)
    margins = robustness(standings, precision=1, policy=policy)
    for position, margin in enumerate(margins):
        assert set(margin.moved_by_step) == brute_force_moved(standings, position, 1, policy)
