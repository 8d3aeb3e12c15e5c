"""Ranking inside ranking groups, classification bands, derived 0–1 figures, and the one way
every output shows a unit: its figures rounded half-up at their displayed decimals (`figures`)
and its place in a ranked list (`display_key`).

The CLI's tables, the staff pages, the published snapshot and the public pages all take their
figures and their order from here, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import icu  # PyICU with ICU bundled: the Vietnamese collation of names

from dti.engine.model import Framework, RankBasis, RankingPolicy, Ties
from dti.engine.numbers import ZERO, percent, round_half_up
from dti.engine.scoring import UnitResult

_VIETNAMESE = icu.Collator.createInstance(icu.Locale("vi_VN"))

OrderKey = tuple[bool, int, bool, Decimal, bytes, str]


def shown_decimals(precision: int, ranking: RankingPolicy, basis: RankBasis) -> int:
    """The decimals a total or a percentage is shown with.

    The figure units are ranked on is shown at the ranking's `decimals`, since ties are
    decided at what is shown; the other at the framework's `precision`. (Takes the parts, not
    a `Framework`, so that a published snapshot, which records them, can use it too.)
    """
    return ranking.decimals if basis is ranking.basis else precision


def exact_basis(result: UnitResult, basis: RankBasis) -> Decimal | None:
    """A unit's total or percentage as computed, before any rounding for display."""
    return result.percent if basis is RankBasis.PERCENT else result.total


def basis_value(framework: Framework, result: UnitResult, basis: RankBasis) -> Decimal | None:
    """The total or percentage a unit is ranked or classified on, as shown: rounded half-up
    at `shown_decimals`."""
    raw = exact_basis(result, basis)
    if raw is None:
        return None
    return round_half_up(raw, shown_decimals(framework.precision, framework.ranking, basis))


@dataclass(frozen=True, slots=True)
class Figures:
    """One unit's figures as every output shows them, each rounded half-up once, here.

    Scores and maxima at the framework's precision; the total and the percentage at
    `shown_decimals`. `items` holds the items that count (not N/A, not reference-only).
    """

    total: Decimal | None
    max: Decimal | None
    percent: Decimal | None
    indices: dict[str, Decimal | None]
    index_max: dict[str, Decimal | None]
    items: dict[str, Decimal | None]


def figures(framework: Framework, result: UnitResult) -> Figures:
    """The figures of `result` as shown in a table, on a page or in a published snapshot."""
    precision = framework.precision

    def score(value: Decimal | None) -> Decimal | None:
        return None if value is None else round_half_up(value, precision)

    return Figures(
        total=basis_value(framework, result, RankBasis.TOTAL),
        max=score(result.max),
        percent=basis_value(framework, result, RankBasis.PERCENT),
        indices={code: score(value) for code, value in result.indices.items()},
        index_max={code: score(value) for code, value in result.index_max.items()},
        items={code: score(item.score) for code, item in result.items.items() if item.counts},
    )


def name_key(name: str) -> bytes:
    """A sort key that puts names in Vietnamese alphabetical order (ICU's Vietnamese collation:
    "Đông Anh" after "Duy Tiên" and before "Gia Lâm"; by code point Đ would come after Z)."""
    key: bytes = _VIETNAMESE.getSortKey(name)
    return key


def order_key(rank: int | None, exact: Decimal | None, name: str) -> OrderKey:
    """Where a unit goes in a ranked list: by rank, unranked last; within a shared rank by the
    exact value ranked on, highest first (94,947 % before 94,925 %, both shown 94,9 %, as
    published tables list them); then by name in Vietnamese alphabetical order."""
    return (
        rank is None,
        rank or 0,
        exact is None,
        ZERO if exact is None else exact.copy_negate(),
        name_key(name),
        name,
    )


def display_key(framework: Framework, result: UnitResult) -> OrderKey:
    """`order_key` of a scored unit: its rank, the exact value it is ranked on, its name."""
    return order_key(result.rank, exact_basis(result, framework.ranking.basis), result.unit)


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


def index_basis(score: Decimal | None, maximum: Decimal | None, policy: RankingPolicy) -> Decimal | None:
    """The figure units are ranked on within one index: its points; or, when the framework ranks
    by percent, its percent of the unit's applicable maximum for the index, rounded half-up at
    the ranking's decimals as the total's percent is (an N/A must not cost a unit places)."""
    if policy.basis is not RankBasis.PERCENT:
        return score
    share = percent(score, maximum)
    return None if share is None else round_half_up(share, policy.decimals)


def index_ranks(
    scores: Sequence[Decimal | None], maxima: Sequence[Decimal | None], policy: RankingPolicy
) -> list[int | None]:
    """Each unit's rank within one index (`index_basis`, the policy's ties rule): the one rule
    behind every per-index rank the appendix, the reports and the pages print."""
    values = [index_basis(score, maximum, policy) for score, maximum in zip(scores, maxima, strict=True)]
    return ranks(values, policy.ties)


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
