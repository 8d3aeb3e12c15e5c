"""Reading a framework for its page: the tree index → group → indicator in plain Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dti.engine.loader import describe
from dti.engine.methods import (
    DESCRIPTIONS,
    AllOrNothing,
    Choice,
    Deduction,
    Expression,
    GatedRatio,
    Measure,
    PerItem,
    Points,
    Ratio,
    RatioTarget,
    Relative,
    Scoring,
    Split,
    Tiers,
    YesNo,
)
from dti.engine.model import Field, Index, Indicator, InputType
from dti.engine.model import Framework as EngineFramework
from dti.engine.numbers import fmt

INPUT_TYPES = {
    InputType.NUMBER: "Số",
    InputType.COUNT: "Số đếm (số nguyên)",
    InputType.PERCENT: "Tỷ lệ (%)",
    InputType.YES_NO: "Có/Không",
    InputType.CHOICE: "Lựa chọn",
    InputType.TEXT: "Văn bản",
}
RANK_BASIS = {"total": "tổng điểm", "percent": "tỷ lệ % trên điểm tối đa áp dụng cho đơn vị"}
TIES = {
    "competition": "bằng nhau cùng hạng, hạng sau bỏ qua (1, 2, 2, 4)",
    "dense": "bằng nhau cùng hạng, hạng sau liền kề (1, 2, 2, 3)",
}
LEVELS = {"so": "Sở, ban, ngành", "huyen": "Cấp huyện", "xa": "Cấp xã", "tinh": "Cấp tỉnh", "bo": "Bộ, ngành"}


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


def _points(points: Points | None, mx: Decimal | None) -> str:
    if points is None:
        return "điểm tối đa"
    if points.constant is not None:
        return f"{fmt(points.constant)} điểm"
    try:
        return f"{fmt(points.of(mx))} điểm"
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
            return "tỷ lệ kê khai" if name == "ratio" else name
        if field.source and field.source in self.general and not field.label:
            return self.general[field.source].label
        return field.label or name

    def measure(self, m: Measure) -> str:
        if m.numerator:
            text = f"Tỷ lệ = “{self.label(m.numerator)}” / “{self.label(m.denominator)}”"
            if m.on_zero_max:
                text += " (mẫu số bằng 0: điểm tối đa)"
            return text
        return f"Giá trị “{self.label(m.value)}”"

    def details(self, scoring: Scoring, mx: Decimal | None) -> list[str]:
        s = scoring
        if isinstance(s, YesNo):
            yes = f"; có: {_points(s.points_yes, mx)}" if s.points_yes is not None else ""
            return [f"Căn cứ: “{self.label(s.input)}”{yes}"]
        if isinstance(s, Choice):
            return [f"“{s.labels.get(k, k)}”: {_points(p, mx)}" for k, p in s.points.items()]
        if isinstance(s, Ratio):
            return [self.measure(s.measure)]
        if isinstance(s, RatioTarget):
            return [self.measure(s.measure), f"Ngưỡng đạt điểm tối đa: {_threshold(s.measure, s.target)}"]
        if isinstance(s, GatedRatio):
            return [
                self.measure(s.measure),
                f"Từ {_threshold(s.measure, s.full)}: điểm tối đa; "
                f"từ {_threshold(s.measure, s.floor)} đến dưới {_threshold(s.measure, s.full)}: tính theo tỷ lệ; "
                f"dưới {_threshold(s.measure, s.floor)}: 0 điểm",
            ]
        if isinstance(s, AllOrNothing):
            return [self.measure(s.measure), f"Đạt {_threshold(s.measure, s.threshold)}: điểm tối đa"]
        if isinstance(s, Tiers):
            lines = [self.measure(s.measure)]
            lines += [f"Từ {_threshold(s.measure, low)}: {_points(p, mx)}" for low, p in s.tiers]
            lines.append(f"Thấp hơn: {_points(s.otherwise, mx)}")
            return lines
        if isinstance(s, PerItem):
            cap = _points(s.cap, mx) if s.cap else (f"{fmt(mx)} điểm" if mx is not None else "điểm tối đa")
            return [f"{_points(s.points_each, mx)} cho mỗi “{self.label(s.count)}”, tối đa {cap}"]
        if isinstance(s, Deduction):
            return [f"Trừ {_points(s.points_each, mx)} cho mỗi “{self.label(s.missing)}”"]
        if isinstance(s, Relative):
            better = "thấp hơn là tốt hơn" if s.lower_is_better else "cao hơn là tốt hơn"
            return [f"Giá trị “{self.label(s.value)}” so với các đơn vị cùng kỳ ({better})"]
        if isinstance(s, Expression):
            return [f"Công thức: {s.formula.text}"]
        if isinstance(s, Split):
            return [
                f"{part.name} (tối đa {fmt(part.max)} điểm): {describe_scoring(part.scoring)}"
                + "".join(f"; {d}" for d in self.details(part.scoring, part.max))
                for part in s.parts
            ]
        return []


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
                type=INPUT_TYPES.get(f.type, str(f.type)),
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
        level=LEVELS.get(engine.level.value, engine.level.value),
        ranking_basis=RANK_BASIS.get(engine.ranking.basis.value, engine.ranking.basis.value),
        ties=TIES.get(engine.ranking.ties.value, engine.ranking.ties.value),
        classification_basis=(
            RANK_BASIS.get(engine.classification.basis.value, "") if engine.classification is not None else ""
        ),
        indicator_count=len(engine.indicators),
    )
