"""Scoring methods (cách tính điểm): how one indicator's inputs become points.

This module owns the method objects and what they need while scoring: `Scoring` and its
subclasses (one per `method:` of the framework format), `Points`, `Measure`, the evaluation
`Context`, the `Missing` and `Invalid` outcomes, the plain-words `DESCRIPTIONS`, and
`ratio_inputs` / `ratio_conflicts` (which numerator/denominator pairs a method reads).
Building a method from the framework file, with its parameter checks, is
`dti.engine.method_builder`'s job.

Each method is a small immutable object evaluated by the scorer with `evaluate`. A method
returns the raw points; the scorer clamps them to [0, max] and rounds half-up. When asked,
methods write a Vietnamese trace of their arithmetic ("108.649 / 133.841 = 81,18 % × 5").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from dti.engine.expression import MAX_POINTS, Formula, MissingName, NegativeValue
from dti.engine.numbers import (
    ONE,
    ZERO,
    fmt,
    fmt_percent,
    quantum,
    round_half_up,
)

Values = Mapping[str, object]  # an item's input values by input name (see scoring.UnitInputs)
RATIO_FIELD = "ratio"  # optional declared percentage accepted in place of numerator/denominator
SCORE_FIELD = "score"  # the entered score of a manual item


class Missing(Exception):
    """Inputs the method needs and the unit has not provided.

    `partial` holds the points of the parts that could be scored (a split indicator whose
    district part has data and commune part has not).
    """

    def __init__(self, names: list[str], partial: Decimal | None = None) -> None:
        super().__init__(", ".join(names))
        self.names = names
        self.partial = partial


class Invalid(Exception):
    """Inputs that cannot be scored (a negative count…); the message is Vietnamese."""


class Context:
    """Per-evaluation state: precision, the trace being written (or None), warnings."""

    __slots__ = ("precision", "rounding_step", "trace", "warnings")

    def __init__(self, precision: int, explain: bool = False) -> None:
        self.precision = precision
        self.rounding_step = quantum(precision)  # the smallest step of a score: 0.01 at precision 2
        self.trace: list[str] | None = [] if explain else None
        self.warnings: list[str] | None = None

    def warn(self, message: str) -> None:
        """Record a warning about the inputs (the score is still computed)."""
        if self.warnings is None:
            self.warnings = []
        self.warnings.append(message)

    def note(self, text: str) -> None:
        """Append a step to the trace if a trace is being written."""
        if self.trace is not None:
            self.trace.append(text)

    def continue_step(self, text: str) -> None:
        """Continue the trace's last step ("81,18 %" → "81,18 % × 5")."""
        if self.trace:
            self.trace[-1] += f" {text}"
        else:
            self.note(text)


# --- points: a number or a formula over max_points -------------------------------------


@dataclass(frozen=True, slots=True)
class Points:
    """A number of points, possibly a formula over `max_points` ("max_points / 2")."""

    constant: Decimal | None
    formula: Formula | None = None
    _by_max: dict[Decimal | None, Decimal] = field(default_factory=dict, compare=False, repr=False)

    def of(self, max_points: Decimal | None) -> Decimal:
        """The points for an item whose maximum is `max_points` (a formula is worked out once)."""
        if self.constant is not None:
            return self.constant
        points = self._by_max.get(max_points)
        if points is None:
            assert self.formula is not None
            points = self._by_max[max_points] = self.formula.evaluate({}, max_points)
        return points


# --- measures: a ratio numerator/denominator, or one input's value ------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """What ratio methods compare: `numerator/denominator`, or the value of one input.

    The fields hold input names; `read` looks their values up.
    """

    numerator: str | None
    denominator: str | None
    value: str | None
    is_ratio: bool
    on_zero_max: bool = False
    labels: tuple[str, str] = ("", "")  # what the numerator and denominator (or the value) are, for people

    def names(self) -> set[str]:
        """The inputs the measure reads."""
        return {name for name in (self.numerator, self.denominator, self.value) if name}

    def show(self, measured: Decimal) -> str:
        """A measured value for a trace: a percentage for ratios, the number otherwise."""
        return fmt_percent(measured) if self.is_ratio else fmt(measured)

    def read(self, values: Values, context: Context) -> Decimal | None:
        """The measured value, or None when the denominator is zero."""
        if self.value is not None:
            measured = values.get(self.value)
            if measured is None:
                raise Missing([self.value])
            measured = _non_negative(self.value, measured)
            if self.is_ratio and measured > ONE:
                context.warn(f"Tỷ lệ {fmt_percent(measured)} vượt 100 %: tính là 100 %")
                measured = ONE
            if context.trace is not None:
                context.note(f"{self.labels[0] or self.value} = {self.show(measured)}")
            return measured
        assert self.numerator is not None and self.denominator is not None
        numerator, denominator = values.get(self.numerator), values.get(self.denominator)
        if (
            numerator.__class__ is Decimal
            and denominator.__class__ is Decimal
            and ZERO < denominator >= numerator >= ZERO
            and context.trace is None
        ):
            return numerator / denominator  # the common case: a valid ratio and nothing to explain
        if numerator is None and values.get(RATIO_FIELD) is not None:
            return self._declared_ratio(values[RATIO_FIELD], context)
        if numerator is None or denominator is None:
            pairs = ((self.numerator, numerator), (self.denominator, denominator))
            raise Missing([name for name, given in pairs if given is None])
        return self._ratio(numerator, denominator, context)

    def _declared_ratio(self, declared_value: object, context: Context) -> Decimal:
        """The percentage entered in place of numerator and denominator, at most 100 %."""
        declared = _non_negative(RATIO_FIELD, declared_value)
        if context.trace is not None:
            context.note(f"tỷ lệ kê khai {fmt_percent(declared)}")
        if declared > ONE:
            context.warn(f"Tỷ lệ kê khai {fmt_percent(declared)} vượt 100 %: tính là 100 %")
            declared = ONE
        return declared

    def _ratio(self, numerator: object, denominator: object, context: Context) -> Decimal | None:
        """numerator / denominator, explained and with warnings: None for a zero denominator, at most 100 %."""
        assert self.numerator is not None and self.denominator is not None
        if not (
            numerator.__class__ is Decimal
            and denominator.__class__ is Decimal
            and numerator >= ZERO
            and denominator >= ZERO
        ):
            numerator = _non_negative(self.numerator, numerator)
            denominator = _non_negative(self.denominator, denominator)
        numerator_label, denominator_label = (
            label or name for label, name in zip(self.labels, (self.numerator, self.denominator), strict=True)
        )
        if denominator == ZERO:
            context.warn(
                f"Mẫu số ({denominator_label}) bằng 0: không tính được tỷ lệ "
                + ("(chấm điểm tối đa)" if self.on_zero_max else "(chấm 0 điểm)")
            )
            if context.trace is not None:
                context.note(f"{fmt(numerator)} / 0: không tính được tỷ lệ")
            return None
        if numerator > denominator:
            context.warn(
                f"Tử số ({numerator_label}: {fmt(numerator)}) lớn hơn mẫu số ({denominator_label}: "
                f"{fmt(denominator)}): tỷ lệ được tính là 100 %"
            )
            if context.trace is not None:
                context.note(f"{fmt(numerator)} / {fmt(denominator)} > 100 % → 100 %")
            return ONE
        ratio = numerator / denominator
        if context.trace is not None:
            context.note(f"{fmt(numerator)} / {fmt(denominator)} = {fmt_percent(ratio)}")
        return ratio

    def zero_score(self, max_points: Decimal | None) -> Decimal:
        """The score when the ratio cannot be computed (denominator 0)."""
        return max_points if self.on_zero_max and max_points is not None else ZERO


def _non_negative(name: str, value: object) -> Decimal:
    """The input's value if it is a number ≥ 0; Invalid otherwise."""
    if not isinstance(value, Decimal):
        raise Invalid(f"'{name}' phải là số")
    if value < ZERO:
        raise Invalid(f"'{name}' không được âm ({fmt(value)})")
    return value


def _number(name: str, value: object) -> Decimal:
    """The input's value if it is a number of any sign; Invalid otherwise."""
    if not isinstance(value, Decimal):
        raise Invalid(f"'{name}' phải là số")
    return value


# --- the methods --------------------------------------------------------------------------
#
# `evaluate(values, max_points, context)`: `values` are the item's inputs by name,
# `max_points` the item's maximum (None for methods that do not need one), `context` the
# evaluation's precision, trace and warnings. It returns the raw points, or raises Missing
# or Invalid.


class Scoring:
    """Base of every method: the inputs it reads and how it turns them into points."""

    method: ClassVar[str] = ""
    needs_max: ClassVar[bool] = True
    relative: ClassVar[bool] = False

    def names(self) -> set[str]:
        """The input names this method reads."""
        return set()

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        """Raw points before clamping and rounding."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class YesNo(Scoring):
    """Issued/has → `points_yes` (default max), else 0."""

    method: ClassVar[str] = "yes_no"
    input: str
    points_yes: Points | None = None

    def names(self) -> set[str]:
        return {self.input}

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        answer = values.get(self.input)
        if answer is None:
            raise Missing([self.input])
        if answer is True:
            points = self.points_yes.of(max_points) if self.points_yes else max_points
            assert points is not None
            if context.trace is not None:
                context.note("Có")
            return points
        if context.trace is not None:
            context.note("Không")
        return ZERO


@dataclass(frozen=True, slots=True)
class Choice(Scoring):
    """One option chosen from a list, each option with its points."""

    method: ClassVar[str] = "choice"
    input: str
    points: dict[str, Points]
    labels: dict[str, str]

    def names(self) -> set[str]:
        return {self.input}

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        chosen = values.get(self.input)
        if chosen is None:
            raise Missing([self.input])
        if chosen not in self.points:
            raise Invalid(f"'{chosen}' không phải là một lựa chọn của '{self.input}'")
        points = self.points[str(chosen)].of(max_points)
        if context.trace is not None:
            context.note(str(self.labels.get(str(chosen), chosen)))
        return points


@dataclass(frozen=True, slots=True)
class Measured(Scoring):
    """A method that compares one measure (a ratio numerator/denominator, or one input's value)."""

    measure: Measure

    def names(self) -> set[str]:
        return self.measure.names()


@dataclass(frozen=True, slots=True)
class Ratio(Measured):
    """`measure · max`."""

    method: ClassVar[str] = "ratio"

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        assert max_points is not None
        measured = self.measure.read(values, context)
        if measured is None:
            return self.measure.zero_score(max_points)
        if context.trace is not None:
            context.continue_step(f"× {fmt(max_points)}")
        return measured * max_points


@dataclass(frozen=True, slots=True)
class RatioTarget(Measured):
    """measure ≥ target → max; else `measure/target · max`."""

    method: ClassVar[str] = "ratio_target"
    target: Decimal

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        assert max_points is not None
        measured = self.measure.read(values, context)
        if measured is None:
            return self.measure.zero_score(max_points)
        if measured >= self.target:
            if context.trace is not None:
                context.note(f"{self.measure.show(measured)} ≥ {self.measure.show(self.target)} → điểm tối đa")
            return max_points
        if context.trace is not None:
            shown, target = self.measure.show(measured), self.measure.show(self.target)
            context.note(f"{shown} < {target} → {shown} / {target} × {fmt(max_points)}")
        return measured / self.target * max_points


@dataclass(frozen=True, slots=True)
class GatedRatio(Measured):
    """≥ full → max; floor…full → `measure/full · max`; below floor → 0."""

    method: ClassVar[str] = "gated_ratio"
    full: Decimal
    floor: Decimal

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        assert max_points is not None
        measured = self.measure.read(values, context)
        if measured is None:
            return self.measure.zero_score(max_points)
        if measured >= self.full:
            points, step = max_points, "≥ {full} → điểm tối đa"
        elif measured >= self.floor:
            points, step = measured / self.full * max_points, "{floor} ≤ {shown} < {full} → {shown} / {full} × {max}"
        else:
            points, step = ZERO, "< {floor}"
        if context.trace is not None:
            shown = self.measure.show(measured)
            text = step.format(
                shown=shown,
                full=self.measure.show(self.full),
                floor=self.measure.show(self.floor),
                max=fmt(max_points),
            )
            context.note(text if text.startswith(shown) else f"{shown} {text}")
        return points


@dataclass(frozen=True, slots=True)
class AllOrNothing(Measured):
    """measure reaches the threshold (default 100 %) → max, else 0."""

    method: ClassVar[str] = "all_or_nothing"
    threshold: Decimal = ONE

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        assert max_points is not None
        measured = self.measure.read(values, context)
        if measured is None:
            return self.measure.zero_score(max_points)
        reached = measured >= self.threshold
        if context.trace is not None:
            threshold = self.measure.show(self.threshold)
            context.note(f"đạt {threshold} → điểm tối đa" if reached else f"chưa đạt {threshold}")
        return max_points if reached else ZERO


@dataclass(frozen=True, slots=True)
class Tiers(Measured):
    """The first tier (highest first) the measure reaches gives its points; else `otherwise`."""

    method: ClassVar[str] = "tiers"
    tiers: tuple[tuple[Decimal, Points], ...]  # (minimum, points), highest minimum first
    otherwise: Points

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        measured = self.measure.read(values, context)
        if measured is None:
            return self.measure.zero_score(max_points)
        for minimum, points in self.tiers:
            if measured >= minimum:
                if context.trace is not None:
                    context.note(f"{self.measure.show(measured)} ≥ {self.measure.show(minimum)}")
                return points.of(max_points)
        if context.trace is not None:
            lowest_minimum = self.tiers[-1][0]
            context.note(f"{self.measure.show(measured)} < {self.measure.show(lowest_minimum)}")
        return self.otherwise.of(max_points)


@dataclass(frozen=True, slots=True)
class PerItem(Scoring):
    """`points_each` per item counted, at most `cap` (default the max)."""

    method: ClassVar[str] = "per_item"
    count: str
    points_each: Points
    cap: Points | None = None

    def names(self) -> set[str]:
        return {self.count}

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        count = values.get(self.count)
        if count is None:
            raise Missing([self.count])
        count = _non_negative(self.count, count)
        each = self.points_each.of(max_points)
        cap = self.cap.of(max_points) if self.cap else max_points
        points = count * each
        if cap is not None and points > cap:
            if context.trace is not None:
                context.note(f"{fmt(count)} × {fmt(each)} = {fmt(points)}, tối đa {fmt(cap)}")
            return cap
        if context.trace is not None:
            context.note(f"{fmt(count)} × {fmt(each)}")
        return points


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a split indicator (district level, commune level…)."""

    name: str
    max: Decimal
    scoring: Scoring


@dataclass(frozen=True, slots=True)
class Split(Scoring):
    """Parts with their own max and method, each rounded, then added."""

    method: ClassVar[str] = "split"
    parts: tuple[Part, ...]

    def names(self) -> set[str]:
        return set().union(*(part.scoring.names() for part in self.parts))

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        total = ZERO
        outer_trace = context.trace
        missing: list[str] = []
        for part in self.parts:
            if outer_trace is not None:
                context.trace = []
            try:
                raw = part.scoring.evaluate(values, part.max, context)
            except Missing as exc:
                missing += [name for name in exc.names if name not in missing]
                continue
            finally:
                part_steps, context.trace = context.trace, outer_trace
            if raw < ZERO:
                raw = ZERO
            elif raw > part.max:
                raw = part.max
            points = raw.quantize(context.rounding_step, ROUND_HALF_UP)
            total += points
            if outer_trace is not None and part_steps is not None:
                outer_trace.append(f"{part.name}: {', '.join(part_steps)} = {fmt(points)} điểm")
        if missing:
            raise Missing(missing, partial=total)
        if outer_trace is not None:
            context.note("cộng các phần")
        return total


@dataclass(frozen=True, slots=True)
class Deduction(Scoring):
    """max − `points_each` per missing mandatory item, not below 0."""

    method: ClassVar[str] = "deduction"
    missing: str
    points_each: Points

    def names(self) -> set[str]:
        return {self.missing}

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        assert max_points is not None
        missing_count = values.get(self.missing)
        if missing_count is None:
            raise Missing([self.missing])
        missing_count = _non_negative(self.missing, missing_count)
        each = self.points_each.of(max_points)
        if context.trace is not None:
            context.note(f"{fmt(max_points)} − {fmt(missing_count)} × {fmt(each)}")
        return max_points - missing_count * each


@dataclass(frozen=True, slots=True)
class Relative(Scoring):
    """Min–max across the units scored together: `(value − lowest)/(highest − lowest) · max`."""

    method: ClassVar[str] = "relative"
    relative: ClassVar[bool] = True
    value: str
    lower_is_better: bool = False
    equal_gets_max: bool = True

    def names(self) -> set[str]:
        return {self.value}

    def read(self, values: Values) -> Decimal | None:
        """The unit's value, or None if it has none (it then takes no part in min/max)."""
        value = values.get(self.value)
        return None if value is None else _number(self.value, value)

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        raise Invalid("phương pháp tương đối chỉ tính được trên cả kỳ đánh giá")

    def evaluate_relative(
        self, value: Decimal, lowest: Decimal, highest: Decimal, max_points: Decimal, context: Context
    ) -> Decimal:
        """Points for `value` given the campaign's lowest and highest values."""
        if highest == lowest:
            if context.trace is not None:
                outcome = "điểm tối đa" if self.equal_gets_max else "0 điểm"
                context.note(f"mọi đơn vị cùng giá trị {fmt(value)} → {outcome}")
            return max_points if self.equal_gets_max else ZERO
        if self.lower_is_better:
            if context.trace is not None:
                context.note(f"({fmt(highest)} − {fmt(value)}) / ({fmt(highest)} − {fmt(lowest)}) × {fmt(max_points)}")
            return (highest - value) / (highest - lowest) * max_points
        if context.trace is not None:
            context.note(f"({fmt(value)} − {fmt(lowest)}) / ({fmt(highest)} − {fmt(lowest)}) × {fmt(max_points)}")
        return (value - lowest) / (highest - lowest) * max_points


@dataclass(frozen=True, slots=True)
class Manual(Scoring):
    """No formula: the score is entered (self-claimed or appraised)."""

    method: ClassVar[str] = "manual"
    needs_max: ClassVar[bool] = False

    def names(self) -> set[str]:
        return set()

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        entered = values.get(SCORE_FIELD)
        if entered is None:
            raise Missing([SCORE_FIELD])
        entered = _number(SCORE_FIELD, entered)
        if context.trace is not None:
            context.note(f"điểm nhập {fmt(entered)}")
        return entered


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a name in a formula (an input, max_points, a keyword)


@dataclass(frozen=True, slots=True)
class Expression(Scoring):
    """A whitelisted formula over the inputs and `max_points`; `labels` name the inputs for people."""

    method: ClassVar[str] = "expression"
    formula: Formula
    labels: tuple[tuple[str, str], ...] = ()  # (input name, label)

    def names(self) -> set[str]:
        return set(self.formula.names) - {MAX_POINTS}

    def readable(self) -> str:
        """The formula as people read it: each input by its label, in quotes, and `max_points`
        as “điểm tối đa” ("(10 * “Số xã họp 2 lần” + …) / “Tổng số xã”")."""
        words = {**dict(self.labels), MAX_POINTS: "điểm tối đa"}
        return _NAME.sub(lambda m: f"“{words[m[0]]}”" if m[0] in words else m[0], self.formula.text)

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        try:
            points = self.formula.evaluate(values, max_points)
        except MissingName as exc:
            raise Missing([exc.name]) from exc
        except NegativeValue as exc:
            raise Invalid(f"'{exc.name}' không được âm ({fmt(exc.value)})") from exc
        except ZeroDivisionError:
            context.warn(f"Công thức chia cho 0: {self.readable()} (chấm 0 điểm)")
            if context.trace is not None:
                context.note(f"{self.readable()}: chia cho 0")
            return ZERO
        if context.trace is not None:
            context.note(f"{self.readable()} → {fmt(round_half_up(points, context.precision + 2))}")
        return points


@dataclass(frozen=True, slots=True)
class Reference(Scoring):
    """Collected, not scored."""

    method: ClassVar[str] = "reference"
    needs_max: ClassVar[bool] = False

    def evaluate(self, values: Values, max_points: Decimal | None, context: Context) -> Decimal:
        return ZERO


DESCRIPTIONS: dict[str, str] = {
    "yes_no": "Có/Đã ban hành: điểm tối đa; chưa: 0 điểm",
    "choice": "Điểm theo lựa chọn",
    "ratio": "Điểm = Tỷ lệ × Điểm tối đa",
    "ratio_target": "Đạt ngưỡng: điểm tối đa; chưa đạt: Tỷ lệ / ngưỡng × Điểm tối đa",
    "gated_ratio": "Đạt ngưỡng: điểm tối đa; trong khoảng: Tỷ lệ / ngưỡng × Điểm tối đa; dưới mức sàn: 0",
    "all_or_nothing": "Đạt 100 %: điểm tối đa; chưa đạt: 0 điểm",
    "tiers": "Điểm theo mức",
    "per_item": "Điểm theo số lượng, có mức tối đa",
    "split": "Cộng điểm các phần",
    "deduction": "Điểm tối đa trừ điểm mỗi mục còn thiếu",
    "relative": "So sánh với các đơn vị: (x − min)/(max − min) × Điểm tối đa",
    "manual": "Chấm điểm trực tiếp",
    "expression": "Theo công thức",
    "reference": "Chỉ thu thập, không chấm điểm",
}


def ratio_inputs(scoring: Scoring) -> bool:
    """Whether the method reads a numerator/denominator (and so accepts a declared `ratio`)."""
    if isinstance(scoring, Split):
        return any(ratio_inputs(part.scoring) for part in scoring.parts)
    return isinstance(scoring, Measured) and scoring.measure.numerator is not None


def ratio_conflicts(scoring: Scoring, values: Values) -> list[tuple[str, str]]:
    """(numerator, denominator) pairs whose entered numerator exceeds the denominator.

    Such values are impossible (more communes with a team than communes); forms refuse them
    with a message naming both fields, files get a warning and a ratio of 100 %.
    """
    if isinstance(scoring, Split):
        return [pair for part in scoring.parts for pair in ratio_conflicts(part.scoring, values)]
    if not isinstance(scoring, Measured):
        return []
    measure = scoring.measure
    if measure.numerator is None or measure.denominator is None:
        return []
    numerator, denominator = values.get(measure.numerator), values.get(measure.denominator)
    if isinstance(numerator, Decimal) and isinstance(denominator, Decimal) and numerator > denominator:
        return [(measure.numerator, measure.denominator)]
    return []
