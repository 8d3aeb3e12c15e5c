"""Reading a framework for its page: the tree index → group → indicator in plain words.

The words are this module's own (translated like the rest of the web UI); the method names in
words come from the engine (dti.engine.methods.DESCRIPTIONS) and stay Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dti.engine import (
    DESCRIPTIONS,
    AllOrNothing,
    Choice,
    Deduction,
    Expression,
    Field,
    GatedRatio,
    Index,
    Indicator,
    InputType,
    Measure,
    Measured,
    PerItem,
    Points,
    RatioTarget,
    Relative,
    Scoring,
    Split,
    Tiers,
    YesNo,
    describe,
    fmt,
)
from dti.engine import Framework as EngineFramework

INPUT_TYPES = {
    InputType.NUMBER: gettext_lazy("Số"),
    InputType.COUNT: gettext_lazy("Số đếm (số nguyên)"),
    InputType.PERCENT: gettext_lazy("Tỷ lệ (%)"),
    InputType.YES_NO: gettext_lazy("Có/Không"),
    InputType.CHOICE: gettext_lazy("Lựa chọn"),
    InputType.TEXT: gettext_lazy("Văn bản"),
}
RANK_BASIS = {
    "total": gettext_lazy("tổng điểm"),
    "percent": gettext_lazy("tỷ lệ % trên điểm tối đa áp dụng cho đơn vị"),
}
TIES = {
    "competition": gettext_lazy("bằng nhau cùng hạng, hạng sau bỏ qua (1, 2, 2, 4)"),
    "dense": gettext_lazy("bằng nhau cùng hạng, hạng sau liền kề (1, 2, 2, 3)"),
}
LEVELS = {
    "so": gettext_lazy("Cấp sở, ban, ngành"),
    "huyen": gettext_lazy("Cấp huyện"),
    "xa": gettext_lazy("Cấp xã"),
    "tinh": gettext_lazy("Cấp tỉnh"),
    "bo": gettext_lazy("Cấp bộ, ngành"),
}


def level_label(code: str) -> str:
    """A framework level by its name ("Cấp sở, ban, ngành"), the code itself when unknown."""
    return str(LEVELS.get(code, code))


@dataclass(frozen=True, slots=True)
class InputRow:
    """One input of an indicator as shown: label, type, unit, where the value comes from."""

    name: str
    label: str
    type: str
    unit: str
    source: str  # the general-info label when the value is taken from it
    options: str
    required: bool


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator with its method in words and everything a unit must provide."""

    item: Indicator
    method: str
    details: list[str]
    inputs: list[InputRow]
    applies_to: str


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group of indicators (or the indicators directly under an index: code "" and name "")."""

    code: str
    name: str
    indicators: list[IndicatorRow]


@dataclass(frozen=True, slots=True)
class IndexRow:
    """A main index with its groups."""

    index: Index
    groups: list[GroupRow]
    count: int


@dataclass(frozen=True, slots=True)
class FrameworkTree:
    """The whole framework as the detail page shows it."""

    engine: EngineFramework
    indices: list[IndexRow]
    adjustments: list[IndicatorRow]
    general: list[InputRow]
    level: str
    ranking_basis: str
    ties: str
    classification_basis: str
    indicator_count: int


def _points(points: Points | None, max_points: Decimal | None) -> str:
    if points is None:
        return _("điểm tối đa")
    if points.constant is not None:
        return _("%(points)s điểm") % {"points": fmt(points.constant)}
    try:
        return _("%(points)s điểm") % {"points": fmt(points.of(max_points))}
    except Exception:  # a formula over an unknown max: show the formula itself
        return points.formula.text if points.formula else "?"


def _threshold(measure: Measure, value: Decimal) -> str:
    return measure.show(value)


class _Words:
    """Method parameters in words, with input names replaced by their labels."""

    def __init__(self, item: Indicator, general: dict[str, Field]) -> None:
        self.fields = {f.name: f for f in item.inputs}
        self.general = general

    def label(self, name: str | None) -> str:
        if not name:
            return "?"
        field = self.fields.get(name)
        if field is None:
            return _("tỷ lệ kê khai") if name == "ratio" else name
        if field.source and field.source in self.general and not field.label:
            return self.general[field.source].label
        return field.label or name

    def measure(self, m: Measure) -> str:
        if m.numerator:
            text = _("Tỷ lệ = “%(numerator)s” / “%(denominator)s”") % {
                "numerator": self.label(m.numerator),
                "denominator": self.label(m.denominator),
            }
            if m.on_zero_max:
                text += " " + _("(mẫu số bằng 0: điểm tối đa)")
            return text
        return _("Giá trị “%(value)s”") % {"value": self.label(m.value)}

    def details(self, scoring: Scoring, max_points: Decimal | None) -> list[str]:
        """The method's parameters, one line each ([] for a method with none to show)."""
        if isinstance(scoring, Measured):
            return [self.measure(scoring.measure), *self.thresholds(scoring, max_points)]
        if isinstance(scoring, YesNo):
            based = _("Căn cứ: “%(input)s”") % {"input": self.label(scoring.input)}
            if scoring.points_yes is not None:
                based += "; " + _("có: %(points)s") % {"points": _points(scoring.points_yes, max_points)}
            return [based]
        if isinstance(scoring, Choice):
            return [f"“{scoring.labels.get(k, k)}”: {_points(p, max_points)}" for k, p in scoring.points.items()]
        if isinstance(scoring, PerItem | Deduction):
            return [self.per_item(scoring, max_points)]
        if isinstance(scoring, Relative):
            if scoring.lower_is_better:
                text = _("Giá trị “%(value)s” so với các đơn vị cùng kỳ (thấp hơn là tốt hơn)")
            else:
                text = _("Giá trị “%(value)s” so với các đơn vị cùng kỳ (cao hơn là tốt hơn)")
            return [text % {"value": self.label(scoring.value)}]
        if isinstance(scoring, Expression):
            return [_("Công thức: %(formula)s") % {"formula": scoring.readable()}]
        if isinstance(scoring, Split):
            return [
                _("%(part)s (tối đa %(max)s điểm): %(method)s")
                % {"part": part.name, "max": fmt(part.max), "method": describe_scoring(part.scoring)}
                + "".join(f"; {d}" for d in self.details(part.scoring, part.max))
                for part in scoring.parts
            ]
        return []

    def thresholds(self, scoring: Measured, max_points: Decimal | None) -> list[str]:
        """The thresholds of a method on a measured value (a ratio or a value), after the measure itself."""
        measure = scoring.measure
        if isinstance(scoring, RatioTarget):
            return [_("Ngưỡng đạt điểm tối đa: %(target)s") % {"target": _threshold(measure, scoring.target)}]
        if isinstance(scoring, GatedRatio):
            return [
                _("Từ %(full)s: điểm tối đa; từ %(floor)s đến dưới %(full)s: tính theo tỷ lệ; dưới %(floor)s: 0 điểm")
                % {"full": _threshold(measure, scoring.full), "floor": _threshold(measure, scoring.floor)}
            ]
        if isinstance(scoring, AllOrNothing):
            return [_("Đạt %(threshold)s: điểm tối đa") % {"threshold": _threshold(measure, scoring.threshold)}]
        if isinstance(scoring, Tiers):
            lines = [
                _("Từ %(low)s: %(points)s") % {"low": _threshold(measure, low), "points": _points(p, max_points)}
                for low, p in scoring.tiers
            ]
            return [*lines, _("Thấp hơn: %(points)s") % {"points": _points(scoring.otherwise, max_points)}]
        return []  # a plain ratio: the measure says it all

    def per_item(self, scoring: PerItem | Deduction, max_points: Decimal | None) -> str:
        """Points per counted item, up to a cap; or points taken off per missing item."""
        if isinstance(scoring, Deduction):
            return _("Trừ %(points)s cho mỗi “%(missing)s”") % {
                "points": _points(scoring.points_each, max_points),
                "missing": self.label(scoring.missing),
            }
        if scoring.cap:
            cap = _points(scoring.cap, max_points)
        elif max_points is not None:
            cap = _("%(points)s điểm") % {"points": fmt(max_points)}
        else:
            cap = _("điểm tối đa")
        return _("%(points)s cho mỗi “%(count)s”, tối đa %(cap)s") % {
            "points": _points(scoring.points_each, max_points),
            "count": self.label(scoring.count),
            "cap": cap,
        }


def describe_scoring(scoring: Scoring) -> str:
    """A method in plain words (the engine's description of the method's name)."""
    return DESCRIPTIONS.get(scoring.method, scoring.method)


def _inputs(fields: tuple[Field, ...], general: dict[str, Field]) -> list[InputRow]:
    rows = []
    for f in fields:
        source = general.get(f.source) if f.source else None
        rows.append(
            InputRow(
                name=f.name,
                label=f.label or (source.label if source else f.name),
                type=str(INPUT_TYPES.get(f.type, f.type)),
                unit=f.unit or (source.unit if source else ""),
                source=(source.label if source else str(f.source)) if f.source else "",
                options="; ".join(f.options.values()),
                required=f.required,
            )
        )
    return rows


def _row(item: Indicator, engine: EngineFramework, general: dict[str, Field]) -> IndicatorRow:
    types = engine.unit_types
    applies = ", ".join(types.get(t, t) for t in sorted(item.applies_to)) if item.applies_to is not None else ""
    return IndicatorRow(
        item=item,
        method=describe(item),
        details=_Words(item, general).details(item.scoring, item.max),
        inputs=_inputs(item.inputs, general),
        applies_to=applies,
    )


def framework_tree(engine: EngineFramework) -> FrameworkTree:
    """The framework as a readable tree for its detail page."""
    general = {f.name: f for f in engine.general_info}
    indices = []
    for index in engine.indices:
        groups = []
        if index.direct:
            groups.append(GroupRow("", "", [_row(i, engine, general) for i in index.direct]))
        for group in index.groups:
            groups.append(GroupRow(group.code, group.name, [_row(i, engine, general) for i in group.indicators]))
        indices.append(IndexRow(index, groups, len(index.indicators)))
    return FrameworkTree(
        engine=engine,
        indices=indices,
        adjustments=[_row(i, engine, general) for i in engine.adjustments],
        general=_inputs(engine.general_info, general),
        level=level_label(engine.level.value),
        ranking_basis=str(RANK_BASIS.get(engine.ranking.basis.value, engine.ranking.basis.value)),
        ties=str(TIES.get(engine.ranking.ties.value, engine.ranking.ties.value)),
        classification_basis=(
            str(RANK_BASIS.get(engine.classification.basis.value, "")) if engine.classification is not None else ""
        ),
        indicator_count=len(engine.indicators),
    )
