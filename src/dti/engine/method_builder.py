"""Building scoring methods from a framework file: the `scoring:` mapping of an item → a `Scoring`.

The loader hands each item's raw `scoring:` mapping (as parsed from YAML) to `build_scoring`,
which picks the builder registered for its `method`, reads and checks every parameter (input
names and types, points, thresholds, tiers, parts), and returns the method object from
`dti.engine.methods`, or None when something is wrong. Problems are recorded, never raised,
so that the loader can report every problem of a file at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from dti.engine.errors import Problem
from dti.engine.expression import MAX_POINTS, FormulaError, compile_formula
from dti.engine.methods import (
    AllOrNothing,
    Choice,
    Deduction,
    Expression,
    GatedRatio,
    Manual,
    Measure,
    Part,
    PerItem,
    Points,
    Ratio,
    RatioTarget,
    Reference,
    Relative,
    Scoring,
    Split,
    Tiers,
    YesNo,
)
from dti.engine.model import Field, InputType
from dti.engine.numbers import ONE, ZERO, NumberError, parse_percent, to_decimal


class MethodParameters:
    """The `scoring:` mapping of one item, read with every problem recorded, never raised.

    Each getter marks its key as used, so that `finish` can report the keys no method reads.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        file: str,
        path: str,
        inputs: Mapping[str, Field],
        problems: list[Problem],
    ) -> None:
        self.data, self.file, self.path = data, file, path
        self.inputs, self.problems = inputs, problems
        self.used: set[str] = {"method"}

    def problem(self, key: str, message: str) -> None:
        """Record a problem at `path.key`."""
        self.problems.append(Problem(self.file, f"{self.path}.{key}" if key else self.path, message))

    def reporter(self, key: str) -> Callable[[str], None]:
        """A function recording a problem at `path.key` (for nested parameters)."""

        def report(message: str) -> None:
            self.problem(key, message)

        return report

    def get(self, key: str) -> Any:
        """A raw parameter (None if absent), marked as used."""
        self.used.add(key)
        return self.data.get(key)

    def input(self, key: str, *, types: tuple[InputType, ...] | None = None, required: bool = True) -> str | None:
        """A parameter naming a declared input, optionally of given types."""
        name = self.get(key)
        if name is None:
            if required:
                self.problem(key, "thiếu tham số bắt buộc")
            return None
        name = str(name)
        declared = self.inputs.get(name)
        if declared is None:
            self.problem(key, f"trường '{name}' chưa được khai báo trong inputs")
        elif types and declared.type not in types:
            wanted = ", ".join(input_type.value for input_type in types)
            self.problem(key, f"trường '{name}' có kiểu {declared.type.value}, cần: {wanted}")
        return name

    def points(self, key: str, *, required: bool = False) -> Points | None:
        """A points parameter: a number, or a formula over max_points."""
        raw = self.get(key)
        if raw is None:
            if required:
                self.problem(key, "thiếu tham số bắt buộc")
            return None
        return points_from(raw, self.reporter(key))

    def threshold(self, key: str, is_ratio: bool, *, required: bool = True) -> Decimal | None:
        """A threshold: a percent string for ratios ("90%"), a plain number for quantities."""
        raw = self.get(key)
        if raw is None:
            if required:
                self.problem(key, "thiếu tham số bắt buộc")
            return None
        return threshold_from(raw, is_ratio, self.reporter(key))

    def measure(self) -> Measure | None:
        """The measure: `numerator` and `denominator`, or `value`."""
        numerator, denominator, value = self.get("numerator"), self.get("denominator"), self.get("value")
        on_zero = self.get("on_zero")
        if on_zero not in (None, "zero", "max"):
            self.problem("on_zero", "chỉ nhận 'zero' hoặc 'max'")
        numeric = (InputType.NUMBER, InputType.COUNT, InputType.PERCENT)
        if value is not None:
            if numerator is not None or denominator is not None:
                self.problem("value", "dùng 'value' hoặc 'numerator'/'denominator', không cả hai")
            name = self.input("value", types=numeric)
            declared = self.inputs.get(name or "")
            is_ratio = declared is not None and declared.type is InputType.PERCENT
            label = declared.label if declared is not None else ""
            return Measure(None, None, name, is_ratio, on_zero == "max", (label, "")) if name else None
        if numerator is None and denominator is None:
            self.problem("", "cần 'numerator' và 'denominator', hoặc 'value'")
            return None
        numerator_name = self.input("numerator", types=numeric)
        denominator_name = self.input("denominator", types=numeric)
        if numerator_name is None or denominator_name is None:
            return None
        numerator_field, denominator_field = self.inputs.get(numerator_name), self.inputs.get(denominator_name)
        labels = (
            numerator_field.label if numerator_field else "",
            denominator_field.label if denominator_field else "",
        )
        return Measure(numerator_name, denominator_name, None, True, on_zero == "max", labels)

    def finish(self) -> None:
        """Report parameters that no method reads."""
        for key in self.data:
            if key not in self.used:
                self.problem(str(key), f"tham số không được phương pháp '{self.data.get('method')}' dùng")


# --- values shared by several methods ------------------------------------------------------


def points_from(raw: object, problem: Callable[[str], None]) -> Points | None:
    """Points from a YAML value: a number, a decimal-comma string, or a formula."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return Points(to_decimal(raw))
    text = str(raw).strip()
    try:
        return Points(to_decimal(text))
    except NumberError:
        pass
    try:
        formula = compile_formula(text)
    except FormulaError as exc:
        problem(str(exc))
        return None
    unknown = formula.names - {MAX_POINTS}
    if unknown:
        problem(f"điểm chỉ được dùng max_points, không dùng: {', '.join(sorted(unknown))}")
        return None
    return Points(None, formula)


def threshold_from(raw: object, is_ratio: bool, problem: Callable[[str], None]) -> Decimal | None:
    """A ratio threshold must be a percent string ("0,5%"); a quantity one a plain number."""
    text = str(raw).strip()
    if is_ratio:
        if not text.endswith("%"):
            problem(f'ngưỡng tỷ lệ phải viết dạng phần trăm, ví dụ "{text}%"')
            return None
        try:
            return parse_percent(text) / 100
        except NumberError as exc:
            problem(str(exc))
            return None
    if text.endswith("%"):
        problem("ngưỡng này so với một số lượng, không phải tỷ lệ: bỏ dấu %")
        return None
    try:
        return to_decimal(raw)
    except NumberError as exc:
        problem(str(exc))
        return None


# --- one builder per method: read and check its parameters, build the method ---------------


def _yes_no(parameters: MethodParameters) -> Scoring | None:
    name = parameters.input("input", types=(InputType.YES_NO,))
    points = parameters.points("points_yes")
    return YesNo(name, points) if name else None


def _choice(parameters: MethodParameters) -> Scoring | None:
    name = parameters.input("input", types=(InputType.CHOICE,))
    raw = parameters.get("points")
    if not isinstance(raw, Mapping) or not raw:
        parameters.problem("points", "cần bảng điểm cho từng lựa chọn, ví dụ {chu_tich: max_points, khac: 0}")
        return None
    declared = parameters.inputs.get(name or "")
    options = declared.options if declared else {}
    table: dict[str, Points] = {}
    for key, value in raw.items():
        if options and str(key) not in options:
            parameters.problem(f"points.{key}", f"'{key}' không phải là lựa chọn của '{name}'")
        option_points = points_from(value, parameters.reporter(f"points.{key}"))
        if option_points is not None:
            table[str(key)] = option_points
    for option in options:
        if option not in table:
            parameters.problem("points", f"chưa cho điểm lựa chọn '{option}'")
    return Choice(name, table, dict(options)) if name else None


def _ratio_family(parameters: MethodParameters) -> Scoring | None:
    method = parameters.data.get("method")
    measure = parameters.measure()
    is_ratio = measure.is_ratio if measure else True
    if method == "ratio":
        if measure and not measure.is_ratio:
            parameters.problem("value", "phương pháp ratio cần một tỷ lệ (trường kiểu percent, hoặc tử số/mẫu số)")
        return Ratio(measure) if measure else None
    if method == "ratio_target":
        target = parameters.threshold("target", is_ratio)
        if target is not None and target <= ZERO:
            parameters.problem("target", "ngưỡng phải lớn hơn 0")
            target = None
        return RatioTarget(measure, target) if measure and target is not None else None
    if method == "gated_ratio":
        full, floor = parameters.threshold("full", is_ratio), parameters.threshold("floor", is_ratio)
        if full is not None and floor is not None and not ZERO <= floor <= full:
            parameters.problem("floor", "ngưỡng dưới phải nằm giữa 0 và ngưỡng đủ điểm")
            return None
        if full is not None and full <= ZERO:
            parameters.problem("full", "ngưỡng phải lớn hơn 0")
            return None
        if measure is None or full is None or floor is None:
            return None
        return GatedRatio(measure, full, floor)
    threshold = parameters.threshold("threshold", is_ratio, required=False)
    if measure is None:
        return None
    return AllOrNothing(measure, ONE if threshold is None else threshold)


def _tiers(parameters: MethodParameters) -> Scoring | None:
    measure = parameters.measure()
    is_ratio = measure.is_ratio if measure else True
    raw = parameters.get("tiers")
    if not isinstance(raw, list) or not raw:
        parameters.problem("tiers", "cần danh sách các mức {min, points}")
        return None
    tiers: list[tuple[Decimal, Points]] = []
    for position, tier in enumerate(raw):
        where = f"tiers[{position}]"
        if not isinstance(tier, Mapping) or set(tier) != {"min", "points"}:
            parameters.problem(where, "mỗi mức cần đúng hai khóa: min, points")
            continue
        minimum = threshold_from(tier["min"], is_ratio, parameters.reporter(f"{where}.min"))
        tier_points = points_from(tier["points"], parameters.reporter(f"{where}.points"))
        if minimum is not None and tier_points is not None:
            tiers.append((minimum, tier_points))
    if any(higher[0] <= lower[0] for higher, lower in itertools.pairwise(tiers)):
        parameters.problem("tiers", "các mức phải xếp từ cao xuống thấp")
    otherwise = parameters.points("otherwise") or Points(ZERO)
    if measure is None or len(tiers) != len(raw):
        return None
    return Tiers(measure, tuple(tiers), otherwise)


def _per_item(parameters: MethodParameters) -> Scoring | None:
    name = parameters.input("count", types=(InputType.COUNT, InputType.NUMBER))
    each = parameters.points("points_each", required=True)
    cap = parameters.points("cap")
    return PerItem(name, each, cap) if name and each else None


def _deduction(parameters: MethodParameters) -> Scoring | None:
    name = parameters.input("missing", types=(InputType.COUNT, InputType.NUMBER))
    each = parameters.points("points_each") or Points(ONE)
    return Deduction(name, each) if name else None


def _relative(parameters: MethodParameters) -> Scoring | None:
    name = parameters.input("value", types=(InputType.NUMBER, InputType.COUNT, InputType.PERCENT))
    direction = parameters.get("direction") or "higher"
    when_equal = parameters.get("when_equal") or "max"
    if direction not in ("higher", "lower"):
        parameters.problem("direction", "chỉ nhận 'higher' hoặc 'lower'")
    if when_equal not in ("max", "zero"):
        parameters.problem("when_equal", "chỉ nhận 'max' hoặc 'zero'")
    return Relative(name, direction == "lower", when_equal == "max") if name else None


def _expression(parameters: MethodParameters) -> Scoring | None:
    raw = parameters.get("formula")
    if raw is None:
        parameters.problem("formula", "thiếu công thức")
        return None
    try:
        formula = compile_formula(str(raw))
    except FormulaError as exc:
        parameters.problem("formula", str(exc))
        return None
    for name in sorted(formula.names - {MAX_POINTS} - set(parameters.inputs)):
        parameters.problem("formula", f"công thức dùng '{name}' chưa được khai báo trong inputs")
    declared = [parameters.inputs[name] for name in sorted(formula.names & set(parameters.inputs))]
    return Expression(formula, tuple((field.name, field.label) for field in declared if field.label))


def _split(parameters: MethodParameters) -> Scoring | None:
    raw = parameters.get("parts")
    if not isinstance(raw, list) or len(raw) < 2:
        parameters.problem("parts", "cần ít nhất hai phần, mỗi phần có name, max, scoring")
        return None
    parts: list[Part] = []
    for position, part in enumerate(raw):
        where = f"{parameters.path}.parts[{position}]"
        if not isinstance(part, Mapping) or set(part) - {"name", "max", "scoring"} or "scoring" not in part:
            parameters.problems.append(Problem(parameters.file, where, "mỗi phần cần name, max, scoring"))
            continue
        try:
            part_max = to_decimal(part.get("max"))
        except NumberError:
            parameters.problems.append(Problem(parameters.file, f"{where}.max", "điểm tối đa của phần phải là số"))
            continue
        scoring = build_scoring(
            part["scoring"],
            file=parameters.file,
            path=f"{where}.scoring",
            inputs=parameters.inputs,
            problems=parameters.problems,
        )
        if scoring is not None:
            if scoring.method in ("split", "relative", "manual", "reference"):
                parameters.problems.append(
                    Problem(parameters.file, f"{where}.scoring", f"một phần không dùng được '{scoring.method}'")
                )
                continue
            parts.append(Part(str(part.get("name") or f"Phần {position + 1}"), part_max, scoring))
    if len(parts) != len(raw):
        return None
    return Split(tuple(parts))


def _without_parameters(method_class: type[Scoring]) -> Callable[[MethodParameters], Scoring | None]:
    return lambda parameters: method_class()


BUILDERS: dict[str, Callable[[MethodParameters], Scoring | None]] = {
    "yes_no": _yes_no,
    "choice": _choice,
    "ratio": _ratio_family,
    "ratio_target": _ratio_family,
    "gated_ratio": _ratio_family,
    "all_or_nothing": _ratio_family,
    "tiers": _tiers,
    "per_item": _per_item,
    "split": _split,
    "deduction": _deduction,
    "relative": _relative,
    "manual": _without_parameters(Manual),
    "expression": _expression,
    "reference": _without_parameters(Reference),
}


def build_scoring(
    data: object, *, file: str, path: str, inputs: Mapping[str, Field], problems: list[Problem]
) -> Scoring | None:
    """Build a method from its `scoring:` mapping, recording every problem found."""
    if not isinstance(data, Mapping):
        problems.append(Problem(file, path, "cần một bảng có khóa 'method'"))
        return None
    method = data.get("method")
    builder = BUILDERS.get(str(method))
    if builder is None:
        known = ", ".join(BUILDERS)
        problems.append(Problem(file, f"{path}.method", f"phương pháp '{method}' không tồn tại (có: {known})"))
        return None
    parameters = MethodParameters(data, file=file, path=path, inputs=inputs, problems=problems)
    scoring = builder(parameters)
    parameters.finish()
    return scoring
