"""Scoring: a unit's inputs → indicator scores → index scores → total, max and percent.

Indicator scores are clamped to [0, max] and rounded half-up at the framework's precision;
an index is the sum of its indicators' rounded scores; the total is the sum of the indices
plus bonus minus penalty, never below 0. N/A items leave the unit's applicable maximum.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from dti.engine.methods import SCORE_FIELD, Context, Invalid, Missing, Relative
from dti.engine.model import Framework, Index, Indicator, ItemKind
from dti.engine.numbers import ZERO, fmt, percent, round_half_up


class Status(StrEnum):
    """How an item's score came about."""

    OK = "ok"
    MISSING = "missing"  # inputs not provided: scored 0
    INVALID = "invalid"  # inputs that cannot be scored: scored 0
    NA = "na"  # not applicable: outside the applicable maximum
    REFERENCE = "reference"  # collected, not scored
    GIVEN = "given"  # taken from a results table as published
    ADJUSTED = "adjusted"  # set by an appraiser in place of the formula's score


STATUS_LABELS = {
    Status.OK: "đã chấm",
    Status.MISSING: "thiếu số liệu",
    Status.INVALID: "số liệu không hợp lệ",
    Status.NA: "không áp dụng",
    Status.REFERENCE: "chỉ tham khảo",
    Status.GIVEN: "theo bảng",
    Status.ADJUSTED: "điều chỉnh khi thẩm định",
}


@dataclass(slots=True)
class UnitInputs:
    """What one unit provides: general info and, per item code, input values and claims.

    Values are already parsed (Decimal, bool, option code, text); percent inputs are
    fractions. A manual item's score is the value `score`. `overrides` are scores an
    appraiser set in place of the formula's (kept beside it in the trace).
    """

    unit: str
    group: str = ""
    type: str | None = None
    general: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    claimed: dict[str, Decimal] = field(default_factory=dict)
    na: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Decimal] = field(default_factory=dict)


class ItemScore(NamedTuple):
    """One item's score with how it came about (a named tuple: a campaign makes 350,000)."""

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
    """Everything computed for one unit; `rank`, `classification` and `derived` are set by ranking;
    `published` holds what a results file published for it (`results.row_result`)."""

    unit: str
    group: str = ""
    type: str | None = None
    items: Mapping[str, ItemScore] = field(default_factory=dict)
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
    # Figures a results file published, by its column ("rank", "rank:CQS", "DTI", "value:1"…):
    # facts of that publication (ranks of a larger set, an earlier year's DTI), kept as given.
    published: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _PlannedItem:
    """An item with what scoring it needs, worked out once per framework."""

    item: Indicator
    code: str
    max: Decimal | None
    evaluate: Callable[[Mapping[str, object], Decimal | None, Context], Decimal]  # the method's, bound once
    sources: tuple[tuple[str, str], ...]  # (input name, general-info code) pairs
    reference: bool
    relative: Relative | None
    applies_to: frozenset[str] | None
    allow_na: bool
    plain: bool  # scored, applies to every unit type: the common case, checked first
    max_rounded: Decimal | None  # the max at the framework's precision


class _ScoringPlan:
    """A framework's items in scoring order, with where each index's indicators lie."""

    __slots__ = ("codes", "index_spans", "items", "position")

    def __init__(self, items: tuple[_PlannedItem, ...], indices: Sequence[Index] = ()) -> None:
        self.items = items
        self.codes = tuple(planned.code for planned in items)
        self.position = {code: position for position, code in enumerate(self.codes)}
        # Each index's indicators, as a slice of the items (walk order keeps them together).
        self.index_spans: list[tuple[Index, int, int]] = []
        start = 0
        for index in indices:
            end = start + len(index.indicators)
            self.index_spans.append((index, start, end))
            start = end


@functools.lru_cache(maxsize=64)
def _scoring_plan(framework: Framework) -> _ScoringPlan:
    items = tuple(
        _PlannedItem(
            item,
            item.code,
            item.max,
            item.scoring.evaluate,
            tuple(
                (input_field.name, input_field.source) for input_field in item.inputs if input_field.source is not None
            ),
            item.reference_only,
            item.scoring if isinstance(item.scoring, Relative) else None,
            item.applies_to,
            item.allow_na,
            not item.reference_only and item.applies_to is None,
            None if item.max is None else round_half_up(item.max, framework.precision),
        )
        for item in framework.walk()
    )
    return _ScoringPlan(items, framework.indices)


class ItemScores(Mapping[str, ItemScore]):
    """One unit's item scores (code → `ItemScore`), stored compactly.

    Nearly every item of a campaign is plainly scored: status OK, no warning, no trace. For
    those only the score is kept, and the `ItemScore` is built when asked for; the others
    are kept whole. A national campaign so holds 3,500 lists instead of 350,000 objects,
    which saves memory and a third of the scoring time. `summarize` adds the stored scores
    directly.
    """

    __slots__ = ("_claimed", "_plan", "_scores", "_special")

    def __init__(
        self,
        plan: _ScoringPlan,
        scores: list[Decimal | None],
        special: dict[str, ItemScore],
        claimed: Mapping[str, Decimal],
    ) -> None:
        self._plan, self._scores, self._special = plan, scores, special
        self._claimed = dict(claimed) if claimed else _NO_CLAIMS

    def __getitem__(self, code: str) -> ItemScore:
        score = self._special.get(code)
        if score is not None:
            return score
        position = self._plan.position[code]  # KeyError for a code not scored, as a dict would
        return ItemScore(code, self._scores[position], Status.OK, self._claimed.get(code))

    def __contains__(self, code: object) -> bool:
        return code in self._plan.position

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan.codes)

    def __len__(self) -> int:
        return len(self._plan.codes)

    def __repr__(self) -> str:
        return f"ItemScores({dict(self)!r})"

    def copy(self) -> ItemScores:
        """An independent copy: the formula's scores, kept before an appraiser's replace them."""
        return ItemScores(self._plan, list(self._scores), dict(self._special), self._claimed)

    def replace(self, score: ItemScore) -> None:
        """Put `score` in place of the item's computed one (an appraiser's override)."""
        self._scores[self._plan.position[score.code]] = score.score
        self._special[score.code] = score


_NO_CLAIMS: dict[str, Decimal] = {}
_NO_VALUES: dict[str, object] = {}


def _item_values(planned: _PlannedItem, unit: UnitInputs, context: Context | None = None) -> Mapping[str, object]:
    """The values an item reads: the unit's entries for it, general info filling the rest.

    A value the unit entered for the item wins over its general-info source (the unit's own
    figure for this indicator); the difference is reported as a warning.
    """
    given = unit.values.get(planned.code, _NO_VALUES)
    if not planned.sources:
        return given
    values = dict(given)
    general = unit.general
    for name, source in planned.sources:
        general_value = general.get(source)
        own = values.get(name)
        if own is None:
            if general_value is not None:
                values[name] = general_value
        elif context is not None and general_value is not None and own != general_value:
            input_field = planned.item.input(name)
            label = input_field.label if input_field else name
            context.warn(
                f"{label}: đơn vị nhập riêng {_show(own)}, khác số trong thông tin chung ({_show(general_value)})"
            )
    return values


def _show(value: object) -> str:
    return fmt(value) if isinstance(value, Decimal) else str(value)


def score_item(
    framework: Framework,
    item: Indicator,
    unit: UnitInputs,
    *,
    explain: bool = False,
    relative: Mapping[str, tuple[Decimal, Decimal]] | None = None,
) -> ItemScore:
    """Score one item for one unit (see `score_campaign` for relative items)."""
    plan = _ScoringPlan(tuple(planned for planned in _scoring_plan(framework).items if planned.item is item))
    context = Context(framework.precision, explain)
    return _score_all(plan, unit, context, context.rounding_step, relative or {})[item.code]


def _score_all(
    plan: _ScoringPlan,
    unit: UnitInputs,
    context: Context,
    rounding_step: Decimal,
    relative: Mapping[str, tuple[Decimal, Decimal]],
) -> ItemScores:
    """Every item's score for one unit: clamped to [0, max], rounded half-up.

    The hot path of a campaign (350,000 items for a national one), written as one loop. A
    plainly scored item only appends its score, calling nothing but its method (and
    `_item_values` if it reads general info); the other items, left out, unscorable, relative
    or kept whole in `special` (warnings, a trace), go through the helpers below. `relative`
    holds each relative item's (lowest, highest) value in the campaign.
    """
    scores: list[Decimal | None] = []
    special: dict[str, ItemScore] = {}
    append_score = scores.append
    unit_values, claims, na, unit_type = unit.values, unit.claimed, unit.na, unit.type
    explain = context.trace is not None
    no_values = _NO_VALUES
    zero_rounded = ZERO.quantize(rounding_step)
    for planned in plan.items:
        code = planned.code
        if not planned.plain or (na and code in na):
            left_out = _left_out(planned, unit_type, na, claims)
            if left_out is not None:
                special[code] = left_out
                append_score(None)
                continue
        if explain:
            context.trace = []
        context.warnings = None
        max_points = planned.max
        values = unit_values.get(code, no_values) if not planned.sources else _item_values(planned, unit, context)
        try:
            if planned.relative is None:
                raw = planned.evaluate(values, max_points, context)
            else:
                raw = _relative_points(planned.relative, code, values, max_points, context, relative)
        except (Missing, Invalid) as exc:
            unscorable = _unscorable(code, exc, claims.get(code), _na_refused(code, na), rounding_step)
            special[code] = unscorable
            append_score(unscorable.score)
            continue
        clamped = ""
        if raw < ZERO:
            raw, clamped = ZERO, "không dưới 0"
        elif max_points is not None and raw > max_points:
            raw, clamped = max_points, f"tối đa {fmt(max_points)}"
        # Many methods return exactly the max or 0: reuse their rounded forms.
        if raw is max_points:
            score = planned.max_rounded
        elif raw is ZERO:
            score = zero_rounded
        else:
            score = raw.quantize(rounding_step, ROUND_HALF_UP)
        append_score(score)
        if explain or context.warnings or (na and code in na):
            special[code] = _kept_whole(code, score, claims.get(code), _na_refused(code, na), context, clamped)
    return ItemScores(plan, scores, special, claims)


def _left_out(
    planned: _PlannedItem, unit_type: str | None, na: Mapping[str, str], claims: Mapping[str, Decimal]
) -> ItemScore | None:
    """The outcome of an item that is not scored for this unit (reference only, not for its type, N/A), or None."""
    code = planned.code
    if planned.reference:
        return ItemScore(code, None, Status.REFERENCE, claims.get(code))
    applies_to = planned.applies_to
    if applies_to is not None and unit_type is not None and unit_type not in applies_to:
        return ItemScore(code, None, Status.NA, claims.get(code), note="không áp dụng cho loại đơn vị này")
    if code in na and planned.allow_na:
        return ItemScore(code, None, Status.NA, claims.get(code), note=na[code])
    return None


def _na_refused(code: str, na: Mapping[str, str]) -> tuple[str, ...]:
    """The warning for an item scored although the unit proposed it as not applicable (N/A)."""
    return (f"Chỉ số {code} không cho phép đề nghị không áp dụng",) if code in na else ()


def _relative_points(
    method: Relative,
    code: str,
    values: Mapping[str, object],
    max_points: Decimal | None,
    context: Context,
    relative: Mapping[str, tuple[Decimal, Decimal]],
) -> Decimal:
    """Raw points of a relative item, between the campaign's lowest and highest values."""
    value = method.read(values)
    if value is None:
        raise Missing([method.value])
    lowest, highest = relative[code]
    assert max_points is not None
    return method.evaluate_relative(value, lowest, highest, max_points, context)


def _unscorable(
    code: str, error: Missing | Invalid, claimed: Decimal | None, warnings: tuple[str, ...], rounding_step: Decimal
) -> ItemScore:
    """An item whose inputs are missing (0, or the rounded points of the parts that have them) or invalid (0)."""
    if isinstance(error, Invalid):
        return ItemScore(code, ZERO, Status.INVALID, claimed, warnings=warnings, note=str(error))
    partial = ZERO if error.partial is None else error.partial.quantize(rounding_step, ROUND_HALF_UP)
    note = f"các phần đủ số liệu được {fmt(partial)} điểm" if error.partial is not None else ""
    return ItemScore(code, partial, Status.MISSING, claimed, warnings=warnings, missing=tuple(error.names), note=note)


def _kept_whole(
    code: str, score: Decimal | None, claimed: Decimal | None, warnings: tuple[str, ...], context: Context, clamped: str
) -> ItemScore:
    """A scored item with warnings or a trace (`clamped` says how the raw points were brought into range)."""
    if context.warnings:
        warnings += tuple(context.warnings)
    if context.trace is None:
        return ItemScore(code, score, Status.OK, claimed, warnings=warnings)
    trace = "; ".join(context.trace)
    trace += f" → {clamped} = {fmt(score)} điểm" if clamped else f" = {fmt(score)} điểm"
    return ItemScore(code, score, Status.OK, claimed, trace, warnings)


def relative_bounds(framework: Framework, units: Iterable[UnitInputs]) -> dict[str, tuple[Decimal, Decimal]]:
    """For each relative item, the lowest and highest value among the units that have one.

    The reference group of a min–max item is the units ranked together: the units of the
    ranking group whose data are submitted (a draft may still change and must not move the
    others' scores), each on the data of the figure computed (their own for a claimed
    figure, the appraised data for an appraised one). A unit seen before it is submitted
    (on its own page) is compared as if it were ranked: it is passed with them.
    """
    relative_items = [planned for planned in _scoring_plan(framework).items if planned.relative is not None]
    bounds: dict[str, tuple[Decimal, Decimal]] = {}
    if not relative_items:
        return bounds
    for unit in units:
        for planned in relative_items:
            item = planned.item
            if not item.applies(unit.type) or (item.code in unit.na and item.allow_na):
                continue
            assert planned.relative is not None
            try:
                value = planned.relative.read(_item_values(planned, unit))
            except Invalid:
                continue
            if value is None:
                continue
            known = bounds.get(item.code)
            bounds[item.code] = (value, value) if known is None else (min(known[0], value), max(known[1], value))
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
    context = Context(framework.precision, explain)
    items = _score_all(_scoring_plan(framework), unit, context, context.rounding_step, bounds)
    formula = items.copy() if unit.claimed else None
    if unit.overrides:
        _apply_overrides(framework, items, unit.overrides, context.rounding_step)
    direct = {code: unit.values.get(code, _NO_VALUES).get(SCORE_FIELD) for code in _direct_indices(framework)}
    result = summarize(framework, unit.unit, unit.group, unit.type, items, direct)
    if formula is not None:
        _add_claimed_sums(framework, result, unit, formula, direct, context.rounding_step)
    return result


def score_campaign(framework: Framework, units: Sequence[UnitInputs], *, explain: bool = False) -> list[UnitResult]:
    """Score and rank every unit of a campaign (relative items compare the units)."""
    from dti.engine.ranking import rank_results

    # The cyclic garbage collector stays on. Pausing it here (gc.disable() for the whole
    # process, re-enabled afterwards) was measured with benchmarks/engine.py (3,500 units ×
    # 100 indicators, 2-core machine, Python 3.11): no gain beyond the ±15 % noise. Paused,
    # the work is only deferred: the first collection after re-enabling walks every object
    # scoring left alive, 38 ms of CPU (median of 16 runs), against 45 ms for the 46 young
    # and 4 middle-generation collections (no full one) when the collector runs as usual,
    # out of 1.0–1.6 s of CPU per campaign. Engine time in seconds, 7 runs each way:
    # paused 1.04–1.38 (median 1.32), running 0.99–1.77 (median 1.27).
    bounds = relative_bounds(framework, units)
    results = [score_unit(framework, unit, explain=explain, relative=bounds) for unit in units]
    rank_results(framework, results)
    return results


def _apply_overrides(
    framework: Framework, items: ItemScores, overrides: Mapping[str, Decimal], rounding_step: Decimal
) -> None:
    """Put an appraiser's scores in place of the formula's, clamped to [0, max] and rounded."""
    for code, value in overrides.items():
        item = framework.item(code)
        formula = items.get(code)
        if item is None or formula is None or formula.status in (Status.NA, Status.REFERENCE):
            continue
        score = max(value, ZERO)
        if item.max is not None:
            score = min(score, item.max)
        score = score.quantize(rounding_step, ROUND_HALF_UP)
        if formula.status in (Status.MISSING, Status.INVALID):
            was = f"công thức: {STATUS_LABELS[formula.status]}"
        else:
            was = f"công thức cho {fmt(formula.score)}"
        trace = f"Điểm thẩm định {fmt(score)} điểm ({was})"
        items.replace(formula._replace(score=score, status=Status.ADJUSTED, trace=trace, missing=(), note=""))


@functools.lru_cache(maxsize=64)
def _direct_indices(framework: Framework) -> tuple[str, ...]:
    return tuple(index.code for index in framework.indices if index.scored_directly)


@functools.lru_cache(maxsize=64)
def _index_plan(framework: Framework) -> tuple[tuple[Index, tuple[str, ...], tuple[Decimal | None, ...]], ...]:
    return tuple(
        (index, tuple(item.code for item in index.indicators), tuple(item.max for item in index.indicators))
        for index in framework.indices
    )


def _index_sums(
    framework: Framework, items: Mapping[str, ItemScore]
) -> Iterator[tuple[Index, Decimal | None, Decimal]]:
    """Per index: the sum of its items' scores (None when none of them is in `items`) and
    the maxima of its N/A items."""
    plan = _scoring_plan(framework)
    if isinstance(items, ItemScores) and items._plan is plan:
        # Scored by `_score_all`: every item is there and an index's scores are one slice.
        scores = items._scores
        na_codes = {code for code, score in items._special.items() if score.status is Status.NA}
        for index, start, end in plan.index_spans:
            points = sum(filter(None, scores[start:end]), ZERO)  # None: N/A or reference; 0 adds nothing
            na_max = ZERO
            if na_codes:
                na_max = sum(
                    (
                        planned.max
                        for planned in plan.items[start:end]
                        if planned.code in na_codes and planned.max is not None
                    ),
                    ZERO,
                )
            yield index, points if end > start else None, na_max
        return
    for index, codes, maxima in _index_plan(framework):
        points, na_max, found = ZERO, ZERO, False
        for item_code, item_max in zip(codes, maxima):  # noqa: B905 - same length by construction
            score = items.get(item_code)
            if score is None:
                continue
            found = True
            if score.score is not None:
                points += score.score
            elif score.status is Status.NA and item_max is not None:
                na_max += item_max
        yield index, points if found else None, na_max


def summarize(
    framework: Framework,
    unit: str,
    group: str,
    unit_type: str | None,
    items: Mapping[str, ItemScore],
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
    for index, points, na_max in _index_sums(framework, items):
        code = index.code
        value = given_indices.get(code)
        if value is None:
            value = points
        elif not isinstance(value, Decimal):
            value = None
        applicable = given_max.get(code)
        if applicable is None and index.max is not None:
            applicable = index.max - na_max
        result.indices[code] = value
        result.index_max[code] = applicable
        if index.reference_only:
            continue
        if value is not None:
            total += value
        if total_max is not None:
            total_max = None if applicable is None else total_max + applicable
    for adjustment in framework.adjustments:
        score = items.get(adjustment.code)
        if score is None or score.score is None:
            continue
        if adjustment.kind is ItemKind.BONUS:
            result.bonus += score.score
        else:
            result.penalty += score.score
    result.total = max(total + result.bonus - result.penalty, ZERO)
    result.max = given_max.get("total", total_max)
    result.percent = percent(result.total, result.max)
    return result


def _add_claimed_sums(
    framework: Framework,
    result: UnitResult,
    unit: UnitInputs,
    formula: ItemScores,
    direct: Mapping[str, object],
    rounding_step: Decimal,
) -> None:
    """The unit's claimed figures beside the computed ones: what it gets if its claims are accepted.

    A claimed item counts at its claim (clamped and rounded as an appraiser's score), every
    other item at the formula's score, an index scored as a whole at its claim if it has
    one; so an index with claims for only some indicators still has a figure to compare. The
    CLI, the self-assessment page, the appraisal's claimed result and the snapshot agree.
    """
    _apply_overrides(framework, formula, unit.claimed, rounding_step)
    claimed_direct = {code: unit.claimed.get(code, value) for code, value in direct.items()}
    claimed = summarize(framework, unit.unit, unit.group, unit.type, formula, claimed_direct)
    result.claimed_indices = {
        index.code: value for index in framework.scored_indices if (value := claimed.indices[index.code]) is not None
    }
    result.claimed_total = claimed.total


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
        scores = [result.indices.get(index.code) for result in results]
        if all(isinstance(score, Decimal) for score in scores):
            means[index.code] = round_half_up(
                sum((score for score in scores if score is not None), ZERO) / count, framework.precision
            )
    maxima: dict[str, Decimal] = {}
    for index in framework.indices:
        index_maxima = [result.index_max.get(index.code) for result in results]
        if index_maxima and all(maximum is not None and maximum == index_maxima[0] for maximum in index_maxima):
            first = index_maxima[0]
            assert first is not None
            maxima[index.code] = first
    return summarize(framework, unit, group, results[0].type, {}, means, maxima)
