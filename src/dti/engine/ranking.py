"""Ranking inside ranking groups, classification bands and derived 0–1 figures."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from dti.engine.model import Framework, RankBasis, RankingPolicy, Ties
from dti.engine.numbers import ZERO, round_half_up
from dti.engine.scoring import UnitResult


def basis_value(framework: Framework, result: UnitResult, basis: RankBasis) -> Decimal | None:
    """The value a unit is ranked or classified on, rounded to its displayed decimals."""
    raw = result.percent if basis is RankBasis.PERCENT else result.total
    if raw is None:
        return None
    decimals = framework.ranking.decimals if basis is framework.ranking.basis else framework.precision
    return round_half_up(raw, decimals)


def ranks(values: Sequence[Decimal | None], ties: Ties) -> list[int | None]:
    """Ranks of values, highest first; equal values share a rank; None is not ranked.

    competition: 1, 2, 2, 4 (the national DTI); dense: 1, 2, 2, 3 (Bình Định).
    """
    distinct = sorted({value for value in values if value is not None}, reverse=True)
    if ties is Ties.DENSE:
        rank_of = {value: position + 1 for position, value in enumerate(distinct)}
    else:
        ordered = sorted((value for value in values if value is not None), reverse=True)
        rank_of = {}
        for position, value in enumerate(ordered):
            rank_of.setdefault(value, position + 1)  # equal values keep the first one's rank
    return [None if value is None else rank_of[value] for value in values]


def rank_results(framework: Framework, results: Sequence[UnitResult]) -> None:
    """Set rank (within each ranking group), classification and derived figures in place."""
    policy: RankingPolicy = framework.ranking
    groups: dict[str, list[UnitResult]] = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    for members in groups.values():
        keys = [basis_value(framework, result, policy.basis) for result in members]
        for result, rank in zip(members, ranks(keys, policy.ties), strict=True):
            result.rank = rank
    for result in results:
        result.classification = classify(framework, result)
        result.derived = derived_values(framework, result)


def classify(framework: Framework, result: UnitResult) -> str:
    """The classification band reached (Xếp loại), or "" when the framework has none."""
    classification = framework.classification
    if classification is None:
        return ""
    value = basis_value(framework, result, classification.basis)
    if value is None:
        return ""
    for band in classification.bands:
        if value >= band.min:
            return band.name
    return ""


def derived_values(framework: Framework, result: UnitResult) -> dict[str, Decimal | None]:
    """Each derived figure: the listed indices' points over their applicable maxima."""
    values: dict[str, Decimal | None] = {}
    for derived in framework.derived:
        points, maximum = ZERO, ZERO
        known = True
        for code in derived.indices:
            score, index_max = result.indices.get(code), result.index_max.get(code)
            if score is None or index_max is None:
                known = False
                break
            points += score
            maximum += index_max
        values[derived.code] = round_half_up(points / maximum, derived.decimals) if known and maximum else None
    return values
