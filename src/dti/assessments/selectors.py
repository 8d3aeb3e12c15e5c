"""Reading an assessment for its page: every figure comes from the engine."""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dti.assessments.models import Assessment, Entry, Evidence
from dti.engine.loader import describe
from dti.engine.model import Field, Index, Indicator, InputType
from dti.engine.numbers import HUNDRED, fmt
from dti.engine.scoring import ItemScore, Status, UnitResult, relative_bounds, score_unit

_NOT_ID = re.compile(r"[^0-9A-Za-z]")


def code_slug(code: str) -> str:
    """An HTML-id-safe form of an indicator code ("VI.2.3" → "VI-2-3")."""
    return _NOT_ID.sub("-", code)


def shown_value(field: Field, stored: Any) -> str:
    """A stored value as the person would type it again: 130.075; 81,18 (percent); có/không."""
    if stored is None or stored == "":
        return ""
    if field.type in (InputType.NUMBER, InputType.COUNT):
        return fmt(Decimal(str(stored)))
    if field.type is InputType.PERCENT:
        return fmt(Decimal(str(stored)) * HUNDRED)
    if field.type is InputType.YES_NO:
        return "yes" if stored else "no"
    return str(stored)


def is_complete(score: ItemScore) -> bool:
    """An indicator with data enough to score, or not applicable."""
    return score.status in (Status.OK, Status.NA)


def lacks_evidence(item: Indicator, score: ItemScore, has_evidence: bool) -> bool:
    """Evidence is required for the indicator, it applies, and none is attached."""
    required = item.evidence is not None and item.evidence.required
    return required and not has_evidence and score.status is not Status.NA


@dataclass
class InputView:
    """One input of an indicator as shown in its form."""

    field: Field
    value: str  # what goes back into the form field
    error: str = ""

    @property
    def shown(self) -> str:
        """The value for reading: Có/Không, a choice's label, the number as typed."""
        if self.field.type is InputType.YES_NO:
            return {"yes": _("Có"), "no": _("Không")}.get(self.value, self.value)
        if self.field.type is InputType.CHOICE:
            return self.field.options.get(self.value, self.value)
        return self.value


@dataclass
class IndicatorView:
    """Everything the page shows about one indicator."""

    item: Indicator
    slug: str
    score: ItemScore
    entry: Entry | None
    inputs: list[InputView]
    evidence: list[Evidence]
    method: str
    score_value: str = ""
    self_score_value: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    general: Mapping[str, Any] = field(default_factory=dict)  # the unit's stored general info
    comment_value: str = ""
    na_requested_value: bool = False
    na_reason_value: str = ""
    conflict: Conflicted | None = None  # someone else's saved version, after a refused stale save

    @property
    def complete(self) -> bool:
        """Data enough to score (or N/A)."""
        return is_complete(self.score)

    @property
    def missing_evidence(self) -> bool:
        """Evidence is required and none is attached."""
        return lacks_evidence(self.item, self.score, bool(self.evidence))

    @property
    def difference(self) -> Decimal | None:
        """Self score minus the computed score, when both exist and differ."""
        s = self.score
        if s.claimed is None or s.score is None or s.claimed == s.score:
            return None
        return s.claimed - s.score

    @property
    def missing_labels(self) -> list[str]:
        """What the unit still has to enter, by label."""
        labels = {f.name: f.label for f in self.item.inputs}
        labels["score"] = _("điểm chấm trực tiếp")
        return [labels.get(name, name) for name in self.score.missing]

    @property
    def source_values(self) -> list[SourceValue]:
        """Inputs filled from general info, with the figure used and where it comes from."""
        out = []
        own = self.entry.values if self.entry else {}
        for f in self.item.inputs:
            if not f.source:
                continue
            general = shown_value(f, self.general.get(f.source))
            if own.get(f.name) is not None:
                origin = _("đơn vị nhập riêng cho chỉ số này (thông tin chung: %(general)s)") % {
                    "general": general or _("chưa có")
                }
                out.append(SourceValue(f.label, shown_value(f, own[f.name]), f.unit, origin))
            else:
                out.append(SourceValue(f.label, general, f.unit, _("lấy từ thông tin chung")))
        return out


@dataclass(frozen=True)
class Conflicted:
    """The version someone else saved, shown after a stale save was refused."""

    who: str
    when: Any
    version: int
    rows: list[tuple[str, str]]  # (label, value as a person reads it)


def entry_rows(item: Indicator, entry: Entry) -> list[tuple[str, str]]:
    """A stored entry as labelled rows (numbers formatted the Vietnamese way)."""
    rows = []
    for f in item.inputs:
        if entry.values.get(f.name) is not None:
            value = InputView(f, shown_value(f, entry.values[f.name])).shown
            rows.append((f.label, f"{value} {f.unit}".strip()))
    if entry.score is not None:
        rows.append((_("Điểm"), fmt(entry.score.normalize())))
    if entry.self_score is not None:
        rows.append((_("Điểm tự chấm"), fmt(entry.self_score.normalize())))
    if entry.comment:
        rows.append((_("Thuyết minh"), entry.comment))
    if entry.na_requested:
        rows.append((_("Đề nghị không áp dụng"), entry.na_reason))
    return rows


@dataclass(frozen=True)
class SourceValue:
    """A figure an indicator takes from general info, as shown under it."""

    label: str
    value: str
    unit: str
    origin: str


@dataclass
class IndexView:
    """One main index with its indicators and sums."""

    index: Index
    indicators: list[IndicatorView]
    score: Decimal | None
    max: Decimal | None
    claimed: Decimal | None
    loaded: bool = True  # False: the page loads this index's indicators when it is opened


@dataclass
class AssessmentPage:
    """The whole page: indices, progress, totals."""

    assessment: Assessment
    result: UnitResult
    indices: list[IndexView]
    general: list[InputView]
    complete: int
    total: int
    missing_evidence: int

    @property
    def percent_complete(self) -> int:
        """Progress bar width."""
        return round(self.complete * 100 / self.total) if self.total else 100

    def indicator(self, code: str) -> IndicatorView | None:
        """The view of one indicator."""
        return next((i for x in self.indices for i in x.indicators if i.item.code == code), None)


def _bounds(assessment: Assessment) -> Mapping[str, tuple[Decimal, Decimal]] | None:
    """Min–max bounds over the unit's ranking group, when the framework has relative items."""
    framework = assessment.framework()
    if not any(i.scoring.relative for i in framework.walk()):
        return None
    group = assessment.participation.group
    others = (
        Assessment.objects.filter(participation__group=group)
        .select_related("participation__unit__unit_type", "participation__group__framework")
        .prefetch_related("entries")
    )
    return relative_bounds(framework, [a.unit_inputs(list(a.entries.all())) for a in others])


def assessment_page(
    assessment: Assessment,
    *,
    typed: Mapping[str, Mapping[str, str]] | None = None,
    errors: Mapping[str, Mapping[str, str]] | None = None,
    conflict: Entry | None = None,
    only: str | None = None,
    open_indices: Collection[str] | None = None,
) -> AssessmentPage:
    """Build the page; `typed`/`errors` keep what a person typed in a refused form (by code),
    `conflict` is the entry someone else saved when this person's save was refused as stale.

    `only` builds the full view of one indicator (an autosave answer), `open_indices` those of
    some indices (a large framework's page shows one index and loads the others when opened):
    the other indicators count toward the totals and progress but are not prepared for display.
    """
    typed, errors = typed or {}, errors or {}
    framework = assessment.framework()
    entries = {e.code: e for e in assessment.entries.all()}
    evidence: dict[str, list[Evidence]] = {}
    for ev in assessment.evidence.all():
        evidence.setdefault(ev.code, []).append(ev)
    result = score_unit(
        framework, assessment.unit_inputs(list(entries.values())), explain=True, relative=_bounds(assessment)
    )
    indices: list[IndexView] = []
    complete = total = missing = 0
    for index in framework.indices:
        views: list[IndicatorView] = []
        for item in index.indicators:
            if item.reference_only:
                continue
            score = result.items[item.code]
            if score.status is not Status.NA or item.applies(result.type):
                total += 1
                complete += is_complete(score)
                missing += lacks_evidence(item, score, item.code in evidence)
            if (only is not None and item.code != only) or (
                open_indices is not None and index.code not in open_indices
            ):
                continue
            entry = entries.get(item.code)
            mine, mine_errors = typed.get(item.code), errors.get(item.code, {})
            inputs = [
                InputView(
                    f,
                    mine[f.name]
                    if mine is not None and f.name in mine
                    else shown_value(f, (entry.values if entry else {}).get(f.name)),
                    mine_errors.get(f.name, ""),
                )
                for f in item.inputs
                if not f.source
            ]
            view = IndicatorView(
                item=item,
                slug=code_slug(item.code),
                score=score,
                entry=entry,
                inputs=inputs,
                evidence=evidence.get(item.code, []),
                method=describe(item),
                score_value=(mine or {}).get(
                    "score", fmt(entry.score.normalize()) if entry and entry.score is not None else ""
                ),
                self_score_value=(mine or {}).get(
                    "self_score", fmt(entry.self_score.normalize()) if entry and entry.self_score is not None else ""
                ),
                errors=dict(mine_errors),
                general=assessment.general,
                comment_value=(mine or {}).get("comment", entry.comment if entry else ""),
                na_requested_value=(
                    (mine or {}).get("na_requested", "") not in ("", "0")
                    if mine is not None
                    else bool(entry and entry.na_requested)
                ),
                na_reason_value=(mine or {}).get("na_reason", entry.na_reason if entry else ""),
            )
            if conflict is not None and conflict.code == item.code and conflict.updated_by is not None:
                who = conflict.updated_by.display_name if conflict.updated_by else _("người khác")
                view.conflict = Conflicted(who, conflict.updated_at, conflict.version, entry_rows(item, conflict))
            views.append(view)
        claimed = result.claimed_indices.get(index.code)
        indices.append(
            IndexView(
                index,
                views,
                result.indices.get(index.code),
                result.index_max.get(index.code),
                claimed,
                loaded=open_indices is None or index.code in open_indices,
            )
        )
    general_typed, general_errors = typed.get("general"), errors.get("general", {})
    general = [
        InputView(
            f,
            general_typed[f.name]
            if general_typed is not None and f.name in general_typed
            else shown_value(f, assessment.general.get(f.name)),
            general_errors.get(f.name, ""),
        )
        for f in framework.general_info
    ]
    return AssessmentPage(assessment, result, indices, general, complete, total, missing)


ACTIONS = {
    "entry.save": gettext_lazy("Sửa số liệu"),
    "general.save": gettext_lazy("Sửa thông tin chung"),
    "evidence.add": gettext_lazy("Thêm tài liệu kiểm chứng"),
    "evidence.delete": gettext_lazy("Xóa tài liệu kiểm chứng"),
    "assessment.submit": gettext_lazy("Gửi bản tự đánh giá"),
}
FIELDS = {
    "score": gettext_lazy("Điểm"),
    "self_score": gettext_lazy("Điểm tự chấm"),
    "comment": gettext_lazy("Thuyết minh"),
    "na_requested": gettext_lazy("Đề nghị không áp dụng"),
    "na_reason": gettext_lazy("Lý do không áp dụng"),
    "evidence": gettext_lazy("Tài liệu kiểm chứng"),
    "status": gettext_lazy("Trạng thái"),
}


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as a person reads it."""

    when: Any
    who: str
    action: str
    field: str
    old: str
    new: str


def _readable(field_def: Field | None, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):  # evidence: a file, or a document reference
        parts = [value.get("file") or value.get("number") or ""]
        if value.get("date"):
            try:
                parts.append(
                    _("ngày %(date)s") % {"date": datetime.date.fromisoformat(value["date"]).strftime("%d/%m/%Y")}
                )
            except ValueError:
                parts.append(str(value["date"]))
        if value.get("title"):
            parts.append(str(value["title"]))
        return " — ".join(p for p in parts if p) or "—"
    if field_def is not None:
        return InputView(field_def, shown_value(field_def, value)).shown
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if name in ("score", "self_score"):
        try:
            return fmt(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    if name == "status":
        return str(Assessment.Status(value).label) if value in Assessment.Status.values else str(value)
    return str(value)


def history_rows(assessment: Assessment, code: str, entries: Any) -> list[HistoryRow]:
    """The audit entries of one indicator (or "general") with labels and readable values."""
    framework = assessment.framework()
    item = framework.item(code)
    fields = {f.name: f for f in (item.inputs if item else framework.general_info)}
    out = []
    for e in entries:
        field_def = fields.get(e.field)
        label = field_def.label if field_def else FIELDS.get(e.field, e.field)
        who = e.actor.display_name if e.actor else "—"
        out.append(
            HistoryRow(
                e.created_at,
                who,
                ACTIONS.get(e.action, e.action),
                label,
                _readable(field_def, e.field, e.old),
                _readable(field_def, e.field, e.new),
            )
        )
    return out


def general_conflict(assessment: Assessment) -> dict[str, Any]:
    """The general info as someone else saved it, for the page after a refused stale save."""
    from dti.audit.services import history

    assessment.refresh_from_db()
    last = history(assessment, code="general").filter(action="general.save").first()
    fields = assessment.framework().general_info
    rows = [
        (f.label, f"{InputView(f, shown_value(f, assessment.general.get(f.name))).shown} {f.unit}".strip())
        for f in fields
        if assessment.general.get(f.name) is not None
    ]
    return {
        "who": last.actor.display_name if last and last.actor else _("người khác"),
        "when": last.created_at if last else None,
        "rows": rows,
    }


LAZY_AFTER = 30  # indicators: a larger framework's page opens one index at a time


def page_indices(assessment: Assessment, wanted: str | None) -> set[str] | None:
    """Which indices the page renders in full: all of a small framework; otherwise `wanted`
    (when it is an index code) or the first index."""
    framework = assessment.framework()
    if len(framework.indicators) <= LAZY_AFTER:
        return None
    codes = [i.code for i in framework.indices]
    return {wanted if wanted in codes else codes[0]} if codes else set()


def index_of(assessment: Assessment, code: str) -> str:
    """The index an indicator belongs to ("" if none)."""
    item = assessment.framework().item(code)
    return item.index if item else ""
