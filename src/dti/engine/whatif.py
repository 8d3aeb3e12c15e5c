"""What-if and robustness of a ranking: how many points a unit needs to move up, where its
points can still come from, and how close each unit is to changing rank.

A ranking is decided on the value as shown: the total (or the percentage of the applicable
maximum) rounded half-up at the ranking's decimals, equal shown values sharing a rank by the
ties rule (`ranking.ranks`). A score moves in steps of the framework's precision (0,01 at two
decimals), so every number of points here is a whole number of such steps: the least that
reaches the shown value asked for, never an approximation. Pure Python, `Decimal` throughout.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from dti.engine.model import RankBasis, RankingPolicy, Ties
from dti.engine.numbers import HUNDRED, ZERO, percent, quantum, round_half_up
from dti.engine.ranking import ranks


@dataclass(frozen=True, slots=True)
class ItemRoom:
    """One indicator of a unit: its score, its maximum, and the points still available (max − score)."""

    code: str
    score: Decimal
    max: Decimal

    @property
    def available(self) -> Decimal:
        """Points the unit could still gain on this indicator."""
        return self.max - self.score


@dataclass(frozen=True, slots=True)
class Standing:
    """A unit as the rules read it: its points, its applicable maximum (for a percent ranking)
    and its indicators (empty when only totals are known, as in an imported table)."""

    unit: str
    total: Decimal | None
    max: Decimal | None = None
    items: tuple[ItemRoom, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """A rank above the unit: who holds it, at what shown value, and the points to get there."""

    rank: int
    units: tuple[str, ...]
    value: Decimal  # their value as shown
    to_tie: Decimal  # points to share the rank (reach their shown value)
    to_pass: Decimal  # points to hold it alone (a shown value above theirs)
    reachable: bool  # to_tie is within the points still available on the unit's indicators


@dataclass(frozen=True, slots=True)
class Neighbour:
    """The nearest unit above or below, the difference in shown value, and in points: for the
    unit above, the points to tie with it; for the one below, the points it needs to tie."""

    unit: str
    rank: int | None
    value: Decimal
    gap: Decimal  # always ≥ 0: the shown values' difference
    points: Decimal


@dataclass(frozen=True, slots=True)
class WhatIf:
    """A unit's what-if: every rank above (nearest first), its indicators by points still
    available (most first), and its neighbours."""

    unit: str
    rank: int | None
    value: Decimal | None
    steps: tuple[Step, ...]
    rooms: tuple[ItemRoom, ...]
    available: Decimal
    above: Neighbour | None
    below: Neighbour | None


@dataclass(frozen=True, slots=True)
class Margin:
    """One unit's robustness: points to gain to move up a rank and to lose to move down one
    (None: first, last or not ranked), the units whose rank changes when one of its indicators
    moves by one step of the precision, and whether it shares its rank only through rounding."""

    unit: str
    rank: int | None
    value: Decimal | None
    up: Decimal | None
    down: Decimal | None
    moved_by_step: tuple[str, ...]
    rounding_tie: bool


def exact_value(standing: Standing, basis: RankBasis) -> Decimal | None:
    """The value ranked on, before rounding: the total, or its percentage of the maximum."""
    if basis is RankBasis.PERCENT:
        return percent(standing.total, standing.max)
    return standing.total


def shown_value(standing: Standing, policy: RankingPolicy) -> Decimal | None:
    """The value ranked on as shown: half-up at the ranking's decimals."""
    value = exact_value(standing, policy.basis)
    return None if value is None else round_half_up(value, policy.decimals)


def _points_for(standing: Standing, value: Decimal, basis: RankBasis) -> Decimal | None:
    """The total at which the unit's exact value is `value` (None: a percent without a maximum)."""
    if basis is RankBasis.PERCENT:
        return None if standing.max is None else value * standing.max / HUNDRED
    return value


def points_to_reach(standing: Standing, target: Decimal, *, precision: int, policy: RankingPolicy) -> Decimal | None:
    """The fewest points (whole steps of the precision, ≥ 0) that make the unit's shown value at
    least `target` (half-up: an exact value of target − half a step of the decimals is enough)."""
    if standing.total is None:
        return None
    half = quantum(policy.decimals) / 2
    needed = _points_for(standing, target - half, policy.basis)
    if needed is None:
        return None
    return max(ZERO, (needed - standing.total).quantize(quantum(precision), rounding=ROUND_CEILING))


def points_to_fall(standing: Standing, target: Decimal, *, precision: int, policy: RankingPolicy) -> Decimal | None:
    """The fewest points (whole steps of the precision) whose loss makes the unit's shown value
    fall below `target`."""
    if standing.total is None:
        return None
    half = quantum(policy.decimals) / 2
    floor = _points_for(standing, target - half, policy.basis)
    if floor is None:
        return None
    step = quantum(precision)
    return max(ZERO, (standing.total - floor).quantize(step, rounding=ROUND_FLOOR)) + step


def _ranked(standings: Sequence[Standing], policy: RankingPolicy) -> tuple[list[Decimal | None], list[int | None]]:
    values = [shown_value(s, policy) for s in standings]
    return values, ranks(values, policy.ties)


def _find(standings: Sequence[Standing], unit: str) -> int:
    for position, standing in enumerate(standings):
        if standing.unit == unit:
            return position
    raise KeyError(unit)


def what_if(standings: Sequence[Standing], unit: str, *, precision: int, policy: RankingPolicy) -> WhatIf:
    """The what-if of `unit` within its group `standings` (KeyError: not in the group)."""
    position = _find(standings, unit)
    me = standings[position]
    values, rank_of = _ranked(standings, policy)
    mine = values[position]
    rooms = tuple(sorted(me.items, key=lambda r: -r.available))  # stable: framework order within equal room
    available = sum((r.available for r in rooms), ZERO)
    if mine is None:
        return WhatIf(unit, None, None, (), rooms, available, None, None)
    holders: dict[Decimal, list[str]] = {}
    rank_at: dict[Decimal, int | None] = {}
    for other, value, rank in zip(standings, values, rank_of, strict=True):
        if value is not None and other.unit != unit:
            holders.setdefault(value, []).append(other.unit)
            rank_at[value] = rank
    half = quantum(policy.decimals)
    steps = []
    for value in sorted((v for v in holders if v > mine), reverse=False):
        tie = points_to_reach(me, value, precision=precision, policy=policy)
        beat = points_to_reach(me, value + half, precision=precision, policy=policy)
        if tie is None or beat is None:
            break
        rank = rank_at[value]
        assert rank is not None  # a shown value is ranked
        reachable = not me.items or tie <= available
        steps.append(Step(rank, tuple(holders[value]), value, tie, beat, reachable))
    above = below = None
    if steps:
        nearest = steps[0]
        above = Neighbour(nearest.units[0], nearest.rank, nearest.value, nearest.value - mine, nearest.to_tie)
    lower = [v for v in holders if v < mine]
    if lower:
        value = max(lower)
        other = standings[_find(standings, holders[value][0])]
        points = points_to_reach(other, mine, precision=precision, policy=policy)
        if points is not None:
            below = Neighbour(other.unit, rank_at[value], value, mine - value, points)
    return WhatIf(unit, rank_of[position], mine, tuple(steps), rooms, available, above, below)


def _can_move(standing: Standing, delta: Decimal) -> bool:
    """Whether one of the unit's indicators can move by `delta` and stay within 0 and its max."""
    if not standing.items:
        return True
    return any(ZERO <= r.score + delta <= r.max for r in standing.items)


@dataclass(frozen=True, slots=True)
class _Board:
    """The shown values of a group sorted, for the units between two values (bisect, no re-ranking)."""

    keys: list[Decimal]  # the shown values, ascending
    positions: list[int]  # the unit (position in the group) of each key
    count: dict[Decimal, int]  # how many units show each value

    @classmethod
    def of(cls, values: Sequence[Decimal | None]) -> _Board:
        order = sorted((v, k) for k, v in enumerate(values) if v is not None)
        count: dict[Decimal, int] = {}
        for value, _k in order:
            count[value] = count.get(value, 0) + 1
        return cls([v for v, _k in order], [k for _v, k in order], count)

    def between(self, low: Decimal | None, high: Decimal, *, closed_low: bool, closed_high: bool) -> list[int]:
        """The units whose value lies between `low` (None: no bound) and `high`."""
        start = 0 if low is None else (bisect_left if closed_low else bisect_right)(self.keys, low)
        end = (bisect_right if closed_high else bisect_left)(self.keys, high)
        return self.positions[start:end]


def _moved(board: _Board, position: int, mine: Decimal, moved: Decimal, ties: Ties) -> set[int]:
    """The units whose rank changes when the unit at `position` goes from shown value `mine` to `moved`.

    Its own rank changes when another value lies in (low, high]; another unit's, by the ties rule:
    competition (1 + the units above) when its value lies in [low, high); dense (1 + the distinct
    values above) when the distinct values above it change, as the unit leaves a value it held
    alone or reaches one nobody held.
    """
    low, high = min(mine, moved), max(mine, moved)
    changed: set[int] = set()
    if any(k != position for k in board.between(low, high, closed_low=False, closed_high=True)):
        changed.add(position)
    if ties is Ties.COMPETITION:
        others = board.between(low, high, closed_low=True, closed_high=False)
    else:
        left = mine if board.count[mine] == 1 else None  # a distinct value that disappears
        reached = moved if board.count.get(moved, 0) == 0 else None  # a distinct value that appears
        if left is not None and reached is not None:
            others = board.between(min(left, reached), max(left, reached), closed_low=True, closed_high=False)
        elif left is not None or reached is not None:
            bound = left if left is not None else reached
            assert bound is not None
            others = board.between(None, bound, closed_low=True, closed_high=False)
        else:
            others = []
    changed.update(k for k in others if k != position)
    return changed


def robustness(standings: Sequence[Standing], *, precision: int, policy: RankingPolicy) -> list[Margin]:
    """Each unit's margins up and down, the units one step of one of its indicators would move,
    and whether its shared rank is decided by rounding; in the order of `standings`."""
    values, rank_of = _ranked(standings, policy)
    shared: dict[Decimal, list[Decimal | None]] = {}  # shown value → the exact values behind it
    for standing, value in zip(standings, values, strict=True):
        if value is not None:
            shared.setdefault(value, []).append(exact_value(standing, policy.basis))
    distinct = sorted(shared)
    board = _Board.of(values)
    step = quantum(precision)
    margins = []
    for position, (me, mine) in enumerate(zip(standings, values, strict=True)):
        if mine is None or me.total is None:
            margins.append(Margin(me.unit, None, None, None, None, (), False))
            continue
        at = bisect_left(distinct, mine)
        higher = distinct[at + 1] if at + 1 < len(distinct) else None
        lower = mine if len(shared[mine]) > 1 else distinct[at - 1] if at > 0 else None
        up = None if higher is None else points_to_reach(me, higher, precision=precision, policy=policy)
        down = None if lower is None else points_to_fall(me, lower, precision=precision, policy=policy)
        moved: set[int] = set()
        for delta in (step, -step):
            after = shown_value(replace(me, total=me.total + delta), policy)
            if after is not None and after != mine and _can_move(me, delta):
                moved |= _moved(board, position, mine, after, policy.ties)
        margins.append(
            Margin(
                me.unit,
                rank_of[position],
                mine,
                up,
                down,
                tuple(standings[k].unit for k in sorted(moved)),
                len(set(shared[mine])) > 1,
            )
        )
    return margins
