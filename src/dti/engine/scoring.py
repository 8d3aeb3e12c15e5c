"""Scoring: a unit's inputs → indicator scores → index scores → total, max and percent.

Indicator scores are clamped to [0, max] and rounded half-up at the framework's precision;
an index is the sum of its indicators' rounded scores; the total is the sum of the indices
plus bonus minus penalty, never below 0. N/A items leave the unit's applicable maximum.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dti.engine.methods import SCORE_FIELD, Context, Invalid, Missing, Relative
from dti.engine.model import Framework, Indicator, ItemKind
from dti.engine.numbers import HUNDRED, ZERO, fmt, round_half_up


class Status(StrEnum):
    """How an item's score came about."""

    OK = "ok"
    MISSING = "missing"  # inputs not provided: scored 0
    INVALID = "invalid"  # inputs that cannot be scored: scored 0
    NA = "na"  # not applicable: outside the applicable maximum
    REFERENCE = "reference"  # collected, not scored
    GIVEN = "given"  # taken from a results table as published


STATUS_LABELS = {
    Status.OK: "đã chấm",
    Status.MISSING: "thiếu số liệu",
    Status.INVALID: "số liệu không hợp lệ",
    Status.NA: "không áp dụng",
    Status.REFERENCE: "chỉ tham khảo",
    Status.GIVEN: "theo bảng",
}


@dataclass(slots=True)
class UnitInputs:
    """What one unit provides: general info and, per item code, input values and claims.

    Values are already parsed (Decimal, bool, option code, text); percent inputs are
    fractions. A manual item's score is the value `score`.
    """

    unit: str
    group: str = ""
    type: str | None = None
    general: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    claimed: dict[str, Decimal] = field(default_factory=dict)
    na: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ItemScore:
    """One item's score with how it came about."""

    code: str
    score: Decimal | None
    status: Status
    claimed: Decimal | None = None
    trace: str = ""
    warnings: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    note: str = ""  # N/A reason, invalid-input message

    @property
    def counts(self) -> bool:
        """Whether the item counts toward sums and the applicable maximum."""
        return self.status not in (Status.NA, Status.REFERENCE)


@dataclass(slots=True)
class UnitResult:
    """Everything computed for one unit; `rank`, `classification` and `derived` are set by ranking."""

    unit: str
    group: str = ""
    type: str | None = None
    items: dict[str, ItemScore] = field(default_factory=dict)
    indices: dict[str, Decimal | None] = field(default_factory=dict)
    index_max: dict[str, Decimal | None] = field(default_factory=dict)
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    total: Decimal | None = None
    max: Decimal | None = None
    percent: Decimal | None = None
    rank: int | None = None
    classification: str = ""
    derived: dict[str, Decimal | None] = field(default_factory=dict)
    claimed_indices: dict[str, Decimal] = field(default_factory=dict)
    claimed_total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class _Step:
    item: Indicator
    inputs: tuple[tuple[str, str | None], ...]  # (input name, general-info source or None)


@functools.lru_cache(maxsize=64)
def _plan(framework: Framework) -> tuple[_Step, ...]:
    return tuple(
        _Step(item, tuple((f.name, f.source) for f in item.inputs) + ((SCORE_FIELD, None),))
        for item in framework.walk()
    )


def _env(step: _Step, unit: UnitInputs) -> dict[str, object]:
    given = unit.values.get(step.item.code)
    general = unit.general
    env: dict[str, object] = {}
    for name, source in step.inputs:
        value = general.get(source) if source is not None else (given.get(name) if given else None)
        if value is not None:
            env[name] = value
    return env


def score_item(
    framework: Framework,
    item: Indicator,
    unit: UnitInputs,
    *,
    explain: bool = False,
    relative: Mapping[str, tuple[Decimal, Decimal]] | None = None,
) -> ItemScore:
    """Score one item for one unit (see `score_campaign` for relative items)."""
    step = next(s for s in _plan(framework) if s.item is item)
    ctx = Context(framework.precision, explain)
    return _score(step, unit, ctx, framework.precision, relative or {})


def _score(
    step: _Step,
    unit: UnitInputs,
    ctx: Context,
    precision: int,
    relative: Mapping[str, tuple[Decimal, Decimal]],
) -> ItemScore:
    item = step.item
    code = item.code
    claimed = unit.claimed.get(code)
    if item.reference_only:
        return ItemScore(code, None, Status.REFERENCE, claimed)
    if not item.applies(unit.type):
        return ItemScore(code, None, Status.NA, claimed, note="không áp dụng cho loại đơn vị này")
    reason = unit.na.get(code)
    warnings: tuple[str, ...] = ()
    if reason is not None:
        if item.allow_na:
            return ItemScore(code, None, Status.NA, claimed, note=reason)
        warnings = (f"Chỉ số {code} không cho phép đề nghị không áp dụng",)
    if ctx.trace is not None:
        ctx.trace = []
    ctx.warnings = None
    mx = item.max
    env = _env(step, unit)
    try:
        if isinstance(item.scoring, Relative):
            x = item.scoring.read(env)
            if x is None:
                raise Missing([item.scoring.value])
            lo, hi = relative[code]
            assert mx is not None
            raw = item.scoring.evaluate_relative(x, lo, hi, mx, ctx)
        else:
            raw = item.scoring.evaluate(env, mx, ctx)
    except Missing as exc:
        return ItemScore(code, ZERO, Status.MISSING, claimed, warnings=warnings, missing=tuple(exc.names))
    except Invalid as exc:
        return ItemScore(code, ZERO, Status.INVALID, claimed, warnings=warnings, note=str(exc))
    score = raw
    clamped = ""
    if score < ZERO:
        score, clamped = ZERO, "không dưới 0"
    elif mx is not None and score > mx:
        score, clamped = mx, f"tối đa {fmt(mx)}"
    score = round_half_up(score, precision)
    if ctx.warnings:
        warnings += tuple(ctx.warnings)
    trace = ""
    if ctx.trace is not None:
        trace = "; ".join(ctx.trace)
        trace += f" → {clamped} = {fmt(score)} điểm" if clamped else f" = {fmt(score)} điểm"
    return ItemScore(code, score, Status.OK, claimed, trace, warnings)


def relative_bounds(framework: Framework, units: Iterable[UnitInputs]) -> dict[str, tuple[Decimal, Decimal]]:
    """For each relative item, the lowest and highest value among the units that have one."""
    steps = [s for s in _plan(framework) if isinstance(s.item.scoring, Relative)]
    bounds: dict[str, tuple[Decimal, Decimal]] = {}
    if not steps:
        return bounds
    for unit in units:
        for step in steps:
            item = step.item
            if not item.applies(unit.type) or (item.code in unit.na and item.allow_na):
                continue
            try:
                x = item.scoring.read(_env(step, unit))  # type: ignore[attr-defined]
            except Invalid:
                continue
            if x is None:
                continue
            lo_hi = bounds.get(item.code)
            bounds[item.code] = (x, x) if lo_hi is None else (min(lo_hi[0], x), max(lo_hi[1], x))
    return bounds


def score_unit(
    framework: Framework,
    unit: UnitInputs,
    *,
    explain: bool = False,
    relative: Mapping[str, tuple[Decimal, Decimal]] | None = None,
) -> UnitResult:
    """Score every item of one unit and sum them up (no ranking).

    Relative items need the bounds of the whole campaign (`relative_bounds`); scored alone, a
    unit is its own campaign.
    """
    bounds = relative if relative is not None else relative_bounds(framework, [unit])
    ctx = Context(framework.precision, explain)
    items = {s.item.code: _score(s, unit, ctx, framework.precision, bounds) for s in _plan(framework)}
    direct = {
        index.code: unit.values.get(index.code, {}).get(SCORE_FIELD)
        for index in framework.indices
        if index.scored_directly
    }
    result = summarize(framework, unit.unit, unit.group, unit.type, items, direct)
    if unit.claimed:
        _claims(framework, result, unit)
    return result


def score_campaign(framework: Framework, units: Sequence[UnitInputs], *, explain: bool = False) -> list[UnitResult]:
    """Score and rank every unit of a campaign (relative items compare the units)."""
    from dti.engine.ranking import rank_results

    bounds = relative_bounds(framework, units)
    results = [score_unit(framework, u, explain=explain, relative=bounds) for u in units]
    rank_results(framework, results)
    return results


def summarize(
    framework: Framework,
    unit: str,
    group: str,
    unit_type: str | None,
    items: dict[str, ItemScore],
    given_indices: Mapping[str, object] | None = None,
    given_max: Mapping[str, Decimal] | None = None,
) -> UnitResult:
    """Index sums, total, applicable max and percent from item scores.

    `given_indices` holds index scores given as a whole (an index without indicators, or a
    results table's index column); `given_max` applicable maxima given by a results table
    (`max:<code>`, `max:total`).
    """
    given_indices = given_indices or {}
    given_max = given_max or {}
    result = UnitResult(unit, group, unit_type, items)
    total = ZERO
    total_max: Decimal | None = ZERO
    for index in framework.indices:
        index_items = index.indicators
        value = given_indices.get(index.code)
        scores = [items[i.code] for i in index_items if i.code in items]
        if value is None and scores:
            value = sum((s.score for s in scores if s.counts and s.score is not None), ZERO)
        elif value is not None and not isinstance(value, Decimal):
            value = None
        applicable = given_max.get(index.code)
        if applicable is None and index.max is not None:
            na = [i.max for i in index_items if i.code in items and not items[i.code].counts and not i.reference_only]
            applicable = index.max - sum((m for m in na if m is not None), ZERO)
        result.indices[index.code] = value if isinstance(value, Decimal) or value is None else None
        result.index_max[index.code] = applicable
        if index.reference_only:
            continue
        if isinstance(value, Decimal):
            total += value
        if total_max is not None:
            total_max = None if applicable is None else total_max + applicable
    for adj in framework.adjustments:
        score = items.get(adj.code)
        if score is None or score.score is None:
            continue
        if adj.kind is ItemKind.BONUS:
            result.bonus += score.score
        else:
            result.penalty += score.score
    result.total = max(total + result.bonus - result.penalty, ZERO)
    result.max = given_max.get("total", total_max)
    if result.max:
        result.percent = result.total / result.max * HUNDRED
    return result


def _claims(framework: Framework, result: UnitResult, unit: UnitInputs) -> None:
    """Sum the unit's claimed scores per index and overall, beside the computed ones."""
    total = ZERO
    for index in framework.scored_indices:
        claims = [unit.claimed[i.code] for i in index.indicators if i.code in unit.claimed]
        if index.code in unit.claimed:
            claims = [unit.claimed[index.code]]
        if claims:
            result.claimed_indices[index.code] = sum(claims, ZERO)
            total += result.claimed_indices[index.code]
    result.claimed_total = total


def mean_of(framework: Framework, results: Sequence[UnitResult], *, unit: str, group: str = "") -> UnitResult:
    """The arithmetic mean of several units' index scores, as for a merged province.

    Each index is the mean of the units' index scores rounded half-up at the framework's
    precision; the total is the sum of those means.
    """
    if not results:
        raise ValueError("cần ít nhất một đơn vị để tính trung bình")
    count = Decimal(len(results))
    means: dict[str, object] = {}
    for index in framework.indices:
        values = [r.indices.get(index.code) for r in results]
        if all(isinstance(v, Decimal) for v in values):
            means[index.code] = round_half_up(
                sum((v for v in values if v is not None), ZERO) / count, framework.precision
            )
    maxima: dict[str, Decimal] = {}
    for index in framework.indices:
        index_maxima = [r.index_max.get(index.code) for r in results]
        if index_maxima and all(m is not None and m == index_maxima[0] for m in index_maxima):
            first = index_maxima[0]
            assert first is not None
            maxima[index.code] = first
    return summarize(framework, unit, group, results[0].type, {}, means, maxima)
