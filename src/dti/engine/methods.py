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

Values = Mapping[str, object]
RATIO_FIELD = "ratio"  # optional declared percentage accepted in place of a/b
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

    __slots__ = ("precision", "step", "trace", "warnings")

    def __init__(self, precision: int, explain: bool = False) -> None:
        self.precision = precision
        self.step = quantum(precision)  # the smallest step of a score: 0.01 at precision 2
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

    def more(self, text: str) -> None:
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
        value = self._by_max.get(max_points)
        if value is None:
            assert self.formula is not None
            value = self._by_max[max_points] = self.formula.evaluate({}, max_points)
        return value


# --- measures: a ratio a/b, or one input's value ----------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """What ratio methods compare: `numerator/denominator`, or the value of one input."""

    numerator: str | None
    denominator: str | None
    value: str | None
    is_ratio: bool
    on_zero_max: bool = False
    labels: tuple[str, str] = ("", "")  # what the numerator and denominator are, for messages

    def names(self) -> set[str]:
        """The inputs the measure reads."""
        return {n for n in (self.numerator, self.denominator, self.value) if n}

    def show(self, x: Decimal) -> str:
        """The measure for a trace: a percentage for ratios, the number otherwise."""
        return fmt_percent(x) if self.is_ratio else fmt(x)

    def read(self, v: Values, ctx: Context) -> Decimal | None:
        """The measure's value, or None when the denominator is zero."""
        if self.value is not None:
            x = v.get(self.value)
            if x is None:
                raise Missing([self.value])
            x = _nonneg(self.value, x)
            if self.is_ratio and x > ONE:
                ctx.warn(f"Tỷ lệ {fmt_percent(x)} vượt 100 %: tính là 100 %")
                x = ONE
            if ctx.trace is not None:
                ctx.note(f"{self.value} = {self.show(x)}")
            return x
        assert self.numerator is not None and self.denominator is not None
        a, b = v.get(self.numerator), v.get(self.denominator)
        if a.__class__ is Decimal and b.__class__ is Decimal and ZERO < b >= a >= ZERO and ctx.trace is None:
            return a / b  # the common case: a valid ratio and nothing to explain
        if a is None and v.get(RATIO_FIELD) is not None:
            r = _nonneg(RATIO_FIELD, v[RATIO_FIELD])
            if ctx.trace is not None:
                ctx.note(f"tỷ lệ kê khai {fmt_percent(r)}")
            if r > ONE:
                ctx.warn(f"Tỷ lệ kê khai {fmt_percent(r)} vượt 100 %: tính là 100 %")
                r = ONE
            return r
        if a is None or b is None:
            raise Missing([n for n, x in ((self.numerator, a), (self.denominator, b)) if x is None])
        if not (a.__class__ is Decimal and b.__class__ is Decimal and a >= ZERO and b >= ZERO):
            a, b = _nonneg(self.numerator, a), _nonneg(self.denominator, b)
        num_label, den_label = (
            label or name for label, name in zip(self.labels, (self.numerator, self.denominator), strict=True)
        )
        if b == ZERO:
            ctx.warn(
                f"Mẫu số ({den_label}) bằng 0: không tính được tỷ lệ "
                + ("(chấm điểm tối đa)" if self.on_zero_max else "(chấm 0 điểm)")
            )
            if ctx.trace is not None:
                ctx.note(f"{fmt(a)} / 0: không tính được tỷ lệ")
            return None
        if a > b:
            ctx.warn(f"Tử số ({num_label}: {fmt(a)}) lớn hơn mẫu số ({den_label}: {fmt(b)}): tỷ lệ được tính là 100 %")
            if ctx.trace is not None:
                ctx.note(f"{fmt(a)} / {fmt(b)} > 100 % → 100 %")
            return ONE
        ratio = a / b
        if ctx.trace is not None:
            ctx.note(f"{fmt(a)} / {fmt(b)} = {fmt_percent(ratio)}")
        return ratio

    def zero_score(self, max_points: Decimal | None) -> Decimal:
        """The score when the ratio cannot be computed (denominator 0)."""
        return max_points if self.on_zero_max and max_points is not None else ZERO


def _nonneg(name: str, x: object) -> Decimal:
    if not isinstance(x, Decimal):
        raise Invalid(f"'{name}' phải là số")
    if x < ZERO:
        raise Invalid(f"'{name}' không được âm ({fmt(x)})")
    return x


# --- the methods --------------------------------------------------------------------------


class Scoring:
    """Base of every method: the inputs it reads and how it turns them into points."""

    method: ClassVar[str] = ""
    needs_max: ClassVar[bool] = True
    relative: ClassVar[bool] = False

    def names(self) -> set[str]:
        """The input names this method reads."""
        return set()

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
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

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        x = v.get(self.input)
        if x is None:
            raise Missing([self.input])
        if x is True:
            points = self.points_yes.of(mx) if self.points_yes else mx
            assert points is not None
            if ctx.trace is not None:
                ctx.note("Có")
            return points
        if ctx.trace is not None:
            ctx.note("Không")
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

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        x = v.get(self.input)
        if x is None:
            raise Missing([self.input])
        if x not in self.points:
            raise Invalid(f"'{x}' không phải là một lựa chọn của '{self.input}'")
        points = self.points[str(x)].of(mx)
        if ctx.trace is not None:
            ctx.note(str(self.labels.get(str(x), x)))
        return points


@dataclass(frozen=True, slots=True)
class Measured(Scoring):
    """A method that compares one measure (a ratio a/b, or one input's value)."""

    measure: Measure

    def names(self) -> set[str]:
        return self.measure.names()


@dataclass(frozen=True, slots=True)
class Ratio(Measured):
    """`measure · max`."""

    method: ClassVar[str] = "ratio"

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        assert mx is not None
        m = self.measure.read(v, ctx)
        if m is None:
            return self.measure.zero_score(mx)
        if ctx.trace is not None:
            ctx.more(f"× {fmt(mx)}")
        return m * mx


@dataclass(frozen=True, slots=True)
class RatioTarget(Measured):
    """measure ≥ target → max; else `measure/target · max`."""

    method: ClassVar[str] = "ratio_target"
    target: Decimal

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        assert mx is not None
        m = self.measure.read(v, ctx)
        if m is None:
            return self.measure.zero_score(mx)
        if m >= self.target:
            if ctx.trace is not None:
                ctx.note(f"{self.measure.show(m)} ≥ {self.measure.show(self.target)} → điểm tối đa")
            return mx
        if ctx.trace is not None:
            shown, t = self.measure.show(m), self.measure.show(self.target)
            ctx.note(f"{shown} < {t} → {shown} / {t} × {fmt(mx)}")
        return m / self.target * mx


@dataclass(frozen=True, slots=True)
class GatedRatio(Measured):
    """≥ full → max; floor…full → `measure/full · max`; below floor → 0."""

    method: ClassVar[str] = "gated_ratio"
    full: Decimal
    floor: Decimal

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        assert mx is not None
        m = self.measure.read(v, ctx)
        if m is None:
            return self.measure.zero_score(mx)
        if m >= self.full:
            value, step = mx, "≥ {full} → điểm tối đa"
        elif m >= self.floor:
            value, step = m / self.full * mx, "{floor} ≤ {shown} < {full} → {shown} / {full} × {mx}"
        else:
            value, step = ZERO, "< {floor}"
        if ctx.trace is not None:
            shown = self.measure.show(m)
            text = step.format(
                shown=shown, full=self.measure.show(self.full), floor=self.measure.show(self.floor), mx=fmt(mx)
            )
            ctx.note(text if text.startswith(shown) else f"{shown} {text}")
        return value


@dataclass(frozen=True, slots=True)
class AllOrNothing(Measured):
    """measure reaches the threshold (default 100 %) → max, else 0."""

    method: ClassVar[str] = "all_or_nothing"
    threshold: Decimal = ONE

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        assert mx is not None
        m = self.measure.read(v, ctx)
        if m is None:
            return self.measure.zero_score(mx)
        reached = m >= self.threshold
        if ctx.trace is not None:
            t = self.measure.show(self.threshold)
            ctx.note(f"đạt {t} → điểm tối đa" if reached else f"chưa đạt {t}")
        return mx if reached else ZERO


@dataclass(frozen=True, slots=True)
class Tiers(Measured):
    """The first tier (highest first) the measure reaches gives its points; else `otherwise`."""

    method: ClassVar[str] = "tiers"
    tiers: tuple[tuple[Decimal, Points], ...]
    otherwise: Points

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        m = self.measure.read(v, ctx)
        if m is None:
            return self.measure.zero_score(mx)
        for minimum, points in self.tiers:
            if m >= minimum:
                if ctx.trace is not None:
                    ctx.note(f"{self.measure.show(m)} ≥ {self.measure.show(minimum)}")
                return points.of(mx)
        if ctx.trace is not None:
            ctx.note(f"{self.measure.show(m)} < {self.measure.show(self.tiers[-1][0])}")
        return self.otherwise.of(mx)


@dataclass(frozen=True, slots=True)
class PerItem(Scoring):
    """`points_each` per item counted, at most `cap` (default the max)."""

    method: ClassVar[str] = "per_item"
    count: str
    points_each: Points
    cap: Points | None = None

    def names(self) -> set[str]:
        return {self.count}

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        n = v.get(self.count)
        if n is None:
            raise Missing([self.count])
        n = _nonneg(self.count, n)
        each = self.points_each.of(mx)
        cap = self.cap.of(mx) if self.cap else mx
        value = n * each
        if cap is not None and value > cap:
            if ctx.trace is not None:
                ctx.note(f"{fmt(n)} × {fmt(each)} = {fmt(value)}, tối đa {fmt(cap)}")
            return cap
        if ctx.trace is not None:
            ctx.note(f"{fmt(n)} × {fmt(each)}")
        return value


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
        return set().union(*(p.scoring.names() for p in self.parts))

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        total = ZERO
        outer = ctx.trace
        missing: list[str] = []
        for part in self.parts:
            if outer is not None:
                ctx.trace = []
            try:
                raw = part.scoring.evaluate(v, part.max, ctx)
            except Missing as exc:
                missing += [n for n in exc.names if n not in missing]
                continue
            finally:
                steps, ctx.trace = ctx.trace, outer
            if raw < ZERO:
                raw = ZERO
            elif raw > part.max:
                raw = part.max
            points = raw.quantize(ctx.step, ROUND_HALF_UP)
            total += points
            if outer is not None and steps is not None:
                outer.append(f"{part.name}: {', '.join(steps)} = {fmt(points)} điểm")
        if missing:
            raise Missing(missing, partial=total)
        if outer is not None:
            ctx.note("cộng các phần")
        return total


@dataclass(frozen=True, slots=True)
class Deduction(Scoring):
    """max − `points_each` per missing mandatory item, not below 0."""

    method: ClassVar[str] = "deduction"
    missing: str
    points_each: Points

    def names(self) -> set[str]:
        return {self.missing}

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        assert mx is not None
        n = v.get(self.missing)
        if n is None:
            raise Missing([self.missing])
        n = _nonneg(self.missing, n)
        each = self.points_each.of(mx)
        if ctx.trace is not None:
            ctx.note(f"{fmt(mx)} − {fmt(n)} × {fmt(each)}")
        return mx - n * each


@dataclass(frozen=True, slots=True)
class Relative(Scoring):
    """Min–max across the units scored together: `(x − min)/(max − min) · max`."""

    method: ClassVar[str] = "relative"
    relative: ClassVar[bool] = True
    value: str
    lower_is_better: bool = False
    equal_gets_max: bool = True

    def names(self) -> set[str]:
        return {self.value}

    def read(self, v: Values) -> Decimal | None:
        """The unit's value, or None if it has none (it then takes no part in min/max)."""
        x = v.get(self.value)
        return None if x is None else _signed(self.value, x)

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        raise Invalid("phương pháp tương đối chỉ tính được trên cả kỳ đánh giá")

    def evaluate_relative(self, x: Decimal, lo: Decimal, hi: Decimal, mx: Decimal, ctx: Context) -> Decimal:
        """Points for value `x` given the campaign's lowest and highest values."""
        if hi == lo:
            if ctx.trace is not None:
                ctx.note(f"mọi đơn vị cùng giá trị {fmt(x)} → " + ("điểm tối đa" if self.equal_gets_max else "0 điểm"))
            return mx if self.equal_gets_max else ZERO
        if self.lower_is_better:
            if ctx.trace is not None:
                ctx.note(f"({fmt(hi)} − {fmt(x)}) / ({fmt(hi)} − {fmt(lo)}) × {fmt(mx)}")
            return (hi - x) / (hi - lo) * mx
        if ctx.trace is not None:
            ctx.note(f"({fmt(x)} − {fmt(lo)}) / ({fmt(hi)} − {fmt(lo)}) × {fmt(mx)}")
        return (x - lo) / (hi - lo) * mx


def _signed(name: str, x: object) -> Decimal:
    if not isinstance(x, Decimal):
        raise Invalid(f"'{name}' phải là số")
    return x


@dataclass(frozen=True, slots=True)
class Manual(Scoring):
    """No formula: the score is entered (self-claimed or appraised)."""

    method: ClassVar[str] = "manual"
    needs_max: ClassVar[bool] = False

    def names(self) -> set[str]:
        return set()

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        x = v.get(SCORE_FIELD)
        if x is None:
            raise Missing([SCORE_FIELD])
        x = _signed(SCORE_FIELD, x)
        if ctx.trace is not None:
            ctx.note(f"điểm nhập {fmt(x)}")
        return x


@dataclass(frozen=True, slots=True)
class Expression(Scoring):
    """A whitelisted formula over the inputs and `max_points`."""

    method: ClassVar[str] = "expression"
    formula: Formula

    def names(self) -> set[str]:
        return set(self.formula.names) - {MAX_POINTS}

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
        try:
            value = self.formula.evaluate(v, mx)
        except MissingName as exc:
            raise Missing([exc.name]) from exc
        except NegativeValue as exc:
            raise Invalid(f"'{exc.name}' không được âm ({fmt(exc.value)})") from exc
        except ZeroDivisionError:
            ctx.warn(f"Công thức chia cho 0: {self.formula.text} (chấm 0 điểm)")
            if ctx.trace is not None:
                ctx.note(f"{self.formula.text}: chia cho 0")
            return ZERO
        if ctx.trace is not None:
            ctx.note(f"{self.formula.text} → {fmt(round_half_up(value, ctx.precision + 2))}")
        return value


@dataclass(frozen=True, slots=True)
class Reference(Scoring):
    """Collected, not scored."""

    method: ClassVar[str] = "reference"
    needs_max: ClassVar[bool] = False

    def evaluate(self, v: Values, mx: Decimal | None, ctx: Context) -> Decimal:
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
    a, b = values.get(measure.numerator), values.get(measure.denominator)
    if isinstance(a, Decimal) and isinstance(b, Decimal) and a > b:
        return [(measure.numerator, measure.denominator)]
    return []
