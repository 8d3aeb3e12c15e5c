"""Reading an assessment for its page: every figure comes from the engine."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dti.assessments.models import Assessment, Entry, Evidence
from dti.assessments.rules import edit_block_reason
from dti.audit.services import history
from dti.core.permissions import Action, can
from dti.core.templatetags.vn import ngay
from dti.engine import (
    HUNDRED,
    Field,
    Index,
    Indicator,
    InputType,
    ItemScore,
    Status,
    UnitInputs,
    UnitResult,
    applicable,
    describe,
    fmt,
    is_complete,
    score_unit,
)
from dti.engine import Framework as EngineFramework

if TYPE_CHECKING:
    from dti.audit.models import AuditEntry
    from dti.campaigns.models import Participation
    from dti.core.permissions import Person

_NOT_ID = re.compile(r"[^0-9A-Za-z]")


def code_slug(code: str) -> str:
    """An HTML-id-safe form of an indicator code ("VI.2.3" → "VI-2-3")."""
    return _NOT_ID.sub("-", code)


def shown_value(field: Field, stored: object) -> str:
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


def scores_zero(score: ItemScore) -> bool:
    """An indicator without data enough to score that scores 0 (a split one may keep its complete parts)."""
    return not is_complete(score) and not score.score


def lacks_evidence(item: Indicator, score: ItemScore, has_evidence: bool) -> bool:
    """Evidence is required for the indicator, it applies, and none is attached."""
    required = item.evidence is not None and item.evidence.required
    return required and not has_evidence and score.status is not Status.NA


def missing_labels(item: Indicator, score: ItemScore) -> list[str]:
    """What the unit still has to enter for `item`, by label."""
    labels = {f.name: f.label for f in item.inputs}
    labels["score"] = _("điểm chấm trực tiếp")
    return [labels.get(name, name) for name in score.missing]


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
    general: Mapping[str, object] = field(default_factory=dict)  # the unit's stored general info
    comment_value: str = ""
    na_requested_value: bool = False
    na_reason_value: str = ""
    conflict: Conflicted | None = None  # someone else's saved version, after a refused stale save

    @property
    def complete(self) -> bool:
        """Data enough to score (or N/A)."""
        return is_complete(self.score)

    @property
    def error_boxes(self) -> frozenset[str]:
        """The fields with an error box of their own on this indicator's form (as _indicator.html draws it)."""
        boxes = {view.field.name for view in self.inputs}
        if self.item.self_score:
            boxes.add("self_score")
        if self.item.scoring.method == "manual":
            boxes.add("score")
        if self.item.allow_na:
            boxes |= {"na_reason", "na_requested"}
        return frozenset(boxes)

    @property
    def unboxed_errors(self) -> list[str]:
        """Refusals of fields the form has no box for (an N/A request where N/A is not allowed): shown by the score."""
        return [message for name, message in self.errors.items() if name not in self.error_boxes]

    @property
    def missing_evidence(self) -> bool:
        """Evidence is required and none is attached."""
        return lacks_evidence(self.item, self.score, bool(self.evidence))

    @property
    def difference(self) -> Decimal | None:
        """Self score minus the computed score, when both exist and differ."""
        claimed, computed = self.score.claimed, self.score.score
        if claimed is None or computed is None or claimed == computed:
            return None
        return claimed - computed

    @property
    def missing_labels(self) -> list[str]:
        """What the unit still has to enter, by label."""
        return missing_labels(self.item, self.score)

    @property
    def source_values(self) -> list[SourceValue]:
        """Inputs filled from general info, with the figure used and where it comes from."""
        out = []
        own = self.entry.values if self.entry else {}
        for input_field in self.item.inputs:
            if not input_field.source:
                continue
            general = shown_value(input_field, self.general.get(input_field.source))
            label, unit = input_field.label, input_field.unit
            if own.get(input_field.name) is not None:
                origin = _("đơn vị nhập riêng cho chỉ số này (thông tin chung: %(general)s)") % {
                    "general": general or _("chưa có")
                }
                out.append(SourceValue(label, shown_value(input_field, own[input_field.name]), unit, origin))
            else:
                out.append(SourceValue(label, general, unit, _("lấy từ thông tin chung")))
        return out


@dataclass(frozen=True)
class Conflicted:
    """The version someone else saved, shown after a stale save was refused."""

    who: str
    when: datetime.datetime
    version: int
    rows: list[tuple[str, str]]  # (label, value as a person reads it)


def entry_rows(item: Indicator, entry: Entry) -> list[tuple[str, str]]:
    """A stored entry as labelled rows (numbers formatted the Vietnamese way)."""
    rows = []
    for input_field in item.inputs:
        if entry.values.get(input_field.name) is not None:
            value = InputView(input_field, shown_value(input_field, entry.values[input_field.name])).shown
            rows.append((input_field.label, f"{value} {input_field.unit}".strip()))
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


@dataclass(frozen=True)
class Gap:
    """An applicable indicator the unit has not finished (data, or required evidence), with its link."""

    item: Indicator
    score: ItemScore
    url: str  # the self-assessment page opened on the indicator

    @property
    def missing_labels(self) -> list[str]:
        """What the unit still has to enter, by label."""
        return missing_labels(self.item, self.score)

    @property
    def scores_zero(self) -> bool:
        """Sent as it is, the indicator scores 0 (a split indicator may keep its complete parts)."""
        return scores_zero(self.score)


@dataclass
class AssessmentPage:
    """The whole page: indices, progress, totals, and the indicators not finished yet."""

    assessment: Assessment
    result: UnitResult
    indices: list[IndexView]
    general: list[InputView]
    complete: int
    total: int
    missing_evidence: int
    incomplete: list[Gap] = field(default_factory=list)  # without data enough to score
    unevidenced: list[Gap] = field(default_factory=list)  # without the required evidence

    @property
    def percent_complete(self) -> int:
        """Progress bar width."""
        return round(self.complete * 100 / self.total) if self.total else 100

    @property
    def zero_scored(self) -> int:
        """How many incomplete indicators would score 0 if the assessment were sent now."""
        return sum(1 for gap in self.incomplete if gap.scores_zero)

    @property
    def partly_scored(self) -> int:
        """How many incomplete indicators would keep the points of their complete parts only."""
        return len(self.incomplete) - self.zero_scored

    def indicator(self, code: str) -> IndicatorView | None:
        """The view of one indicator."""
        return next((i for x in self.indices for i in x.indicators if i.item.code == code), None)


@dataclass(frozen=True)
class Progress:
    """How far the unit is: the applicable indicators, those without data enough to score, those
    lacking required evidence."""

    total: int
    incomplete: list[Indicator]
    unevidenced: list[Indicator]

    @property
    def complete(self) -> int:
        """Applicable indicators with data enough to score (or N/A)."""
        return self.total - len(self.incomplete)


@dataclass(frozen=True)
class _Saved:
    """What the unit has stored, by indicator code: its entries and its evidence."""

    entries: dict[str, Entry]
    evidence: dict[str, list[Evidence]]


@dataclass(frozen=True)
class _Refused:
    """What a refused save shows back: what the person typed and why it was refused (by code,
    "general" for the general info), and the entry someone else saved when the save was stale."""

    typed: Mapping[str, Mapping[str, str]]
    errors: Mapping[str, Mapping[str, str]]
    conflict: Entry | None


@dataclass(frozen=True)
class _Shown:
    """Which indicators get a full view: `only` one of them, or those of `open_indices` (None: all)."""

    only: str | None
    open_indices: Collection[str] | None

    def index_open(self, index: Index) -> bool:
        """Whether the page renders this index's indicators (or loads them when it is opened)."""
        return self.open_indices is None or index.code in self.open_indices

    def indicator(self, index: Index, item: Indicator) -> bool:
        """Whether this indicator of `index` is prepared for display."""
        return self.index_open(index) and (self.only is None or item.code == self.only)


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
    framework = assessment.framework()
    saved = _saved(assessment)
    result = _score(assessment, framework, saved)
    refused = _Refused(typed or {}, errors or {}, conflict)
    shown = _Shown(only, open_indices)
    indices = [_index_view(assessment, index, result, saved, refused, shown) for index in framework.indices]
    progress = _progress(framework, result, saved.evidence)
    general = [
        _input_view(
            field, assessment.general.get(field.name), refused.typed.get("general"), refused.errors.get("general", {})
        )
        for field in framework.general_info
    ]
    return AssessmentPage(
        assessment,
        result,
        indices,
        general,
        progress.complete,
        progress.total,
        len(progress.unevidenced),
        incomplete=[_gap(assessment, item, result) for item in progress.incomplete],
        unevidenced=[_gap(assessment, item, result) for item in progress.unevidenced],
    )


def _gap(assessment: Assessment, item: Indicator, result: UnitResult) -> Gap:
    return Gap(item, result.items[item.code], indicator_url(assessment, item.code))


def _saved(assessment: Assessment) -> _Saved:
    """The assessment's entries and evidence, by indicator code."""
    entries = {entry.code: entry for entry in assessment.entries.all()}
    evidence: dict[str, list[Evidence]] = {}
    for document in assessment.evidence.all():
        evidence.setdefault(document.code, []).append(document)
    return _Saved(entries, evidence)


def _score(assessment: Assessment, framework: EngineFramework, saved: _Saved) -> UnitResult:
    """The engine's scores of the unit's stored data, with the reasoning shown on the page."""
    inputs = assessment.unit_inputs(list(saved.entries.values()))
    return score_unit(framework, inputs, explain=True, relative=_claim_bounds(assessment, inputs))


ClaimBounds = Callable[[Assessment, UnitInputs], Mapping[str, tuple[Decimal, Decimal]] | None]


def _alone(assessment: Assessment, inputs: UnitInputs) -> None:
    """Without the appraisal app's stored bounds, a unit is its own campaign (`score_unit`)."""


_claim_bounds: ClaimBounds = _alone


def set_claim_bounds(reader: ClaimBounds) -> None:
    """Install the appraisal app's min–max bounds for a unit's own page (`dti.appraisal.standing.claim_bounds`):
    its ranking group's stored claimed bounds, the submitted units on their own data, this unit joining
    them with its `inputs` before it submits. A draft of another unit does not count, so the page shows
    the figure the appraisal shows as the unit's own, without reading the group."""
    global _claim_bounds
    _claim_bounds = reader


def _progress(framework: EngineFramework, result: UnitResult, evidence: Mapping[str, list[Evidence]]) -> Progress:
    """Progress over the indicators that apply to the unit (the engine's `applicable`, as the campaign page counts)."""
    items = applicable(framework, result)
    return Progress(
        total=len(items),
        incomplete=[item for item in items if not is_complete(result.items[item.code])],
        unevidenced=[item for item in items if lacks_evidence(item, result.items[item.code], item.code in evidence)],
    )


def _index_view(
    assessment: Assessment, index: Index, result: UnitResult, saved: _Saved, refused: _Refused, shown: _Shown
) -> IndexView:
    """One main index: its sums, and the views of those of its indicators the page shows."""
    views = [
        _indicator_view(assessment, item, result.items[item.code], saved, refused)
        for item in index.indicators
        if not item.reference_only and shown.indicator(index, item)
    ]
    return IndexView(
        index,
        views,
        result.indices.get(index.code),
        result.index_max.get(index.code),
        result.claimed_indices.get(index.code),
        loaded=shown.index_open(index),
    )


def _indicator_view(
    assessment: Assessment, item: Indicator, score: ItemScore, saved: _Saved, refused: _Refused
) -> IndicatorView:
    """One indicator with its form filled from what the person typed (a refused save) or what is stored."""
    entry = saved.entries.get(item.code)
    typed, errors = refused.typed.get(item.code), refused.errors.get(item.code, {})
    stored_values = entry.values if entry else {}
    return IndicatorView(
        item=item,
        slug=code_slug(item.code),
        score=score,
        entry=entry,
        inputs=[
            _input_view(field, stored_values.get(field.name), typed, errors)
            for field in item.inputs
            if not field.source
        ],
        evidence=saved.evidence.get(item.code, []),
        method=describe(item),
        score_value=_form_text(typed, "score", _decimal_text(entry.score if entry else None)),
        self_score_value=_form_text(typed, "self_score", _decimal_text(entry.self_score if entry else None)),
        errors=dict(errors),
        general=assessment.general,
        comment_value=_form_text(typed, "comment", entry.comment if entry else ""),
        na_requested_value=_form_flag(typed, "na_requested", bool(entry and entry.na_requested)),
        na_reason_value=_form_text(typed, "na_reason", entry.na_reason if entry else ""),
        conflict=_conflicted(item, refused.conflict),
    )


def _input_view(field: Field, stored: object, typed: Mapping[str, str] | None, errors: Mapping[str, str]) -> InputView:
    """One input as its form shows it: what the person typed in a refused form, else the stored value."""
    value = typed[field.name] if typed is not None and field.name in typed else shown_value(field, stored)
    return InputView(field, value, errors.get(field.name, ""))


def _form_text(typed: Mapping[str, str] | None, name: str, stored: str) -> str:
    """A text field of an indicator's form: what the person typed in a refused form, else `stored`."""
    return typed.get(name, stored) if typed is not None else stored


def _form_flag(typed: Mapping[str, str] | None, name: str, stored: bool) -> bool:
    """A checkbox of an indicator's form: ticked in the refused form (absent is unticked), else `stored`."""
    return typed.get(name, "") not in ("", "0") if typed is not None else stored


def _decimal_text(value: Decimal | None) -> str:
    """A stored score as the person would type it again ("" for none)."""
    return fmt(value.normalize()) if value is not None else ""


def _conflicted(item: Indicator, conflict: Entry | None) -> Conflicted | None:
    """Someone else's saved version of `item`, when this person's save of it was refused as stale."""
    if conflict is None or conflict.code != item.code or conflict.updated_by is None:
        return None
    return Conflicted(
        conflict.updated_by.display_name, conflict.updated_at, conflict.version, entry_rows(item, conflict)
    )


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

    when: datetime.datetime
    who: str
    action: str
    field: str
    old: str
    new: str


def _readable(field_def: Field | None, name: str, value: object) -> str:
    """An audited value as a person reads it ("—" for none)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):  # evidence: a file, or a document reference
        return _readable_evidence(value)
    if field_def is not None:
        return InputView(field_def, shown_value(field_def, value)).shown
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if name in ("score", "self_score"):
        return _readable_score(value)
    if name == "status":
        return str(Assessment.Status(value).label) if value in Assessment.Status.values else str(value)
    return str(value)


def _readable_evidence(evidence: Mapping[str, object]) -> str:
    """An evidence item as the audit log keeps it: the file name or document number, its date and title."""
    parts = [str(evidence.get("file") or evidence.get("number") or "")]
    if evidence.get("date"):
        parts.append(_readable_date(evidence["date"]))
    if evidence.get("title"):
        parts.append(str(evidence["title"]))
    return " — ".join(part for part in parts if part) or "—"


def _readable_date(value: object) -> str:
    """A document's date stored as yyyy-mm-dd, shown dd/mm/yyyy (as it is when it is not a date)."""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return _("ngày %(date)s") % {"date": day.strftime("%d/%m/%Y")}


def _readable_score(value: object) -> str:
    """A score in the Vietnamese way (as it is when it is not a number)."""
    try:
        return fmt(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def history_rows(assessment: Assessment, code: str, entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    """The audit entries of one indicator (or "general") with labels and readable values."""
    framework = assessment.framework()
    item = framework.item(code)
    fields = {f.name: f for f in (item.inputs if item else framework.general_info)}
    out = []
    for change in entries:
        field_def = fields.get(change.field)
        label = field_def.label if field_def else FIELDS.get(change.field, change.field)
        who = change.actor.display_name if change.actor else "—"
        if change.channel:  # through the API: said beside the person, whose token it was
            who = f"{who} ({change.get_channel_display()})"
        out.append(
            HistoryRow(
                change.created_at,
                who,
                str(ACTIONS.get(change.action, change.action)),
                str(label),
                _readable(field_def, change.field, change.old),
                _readable(field_def, change.field, change.new),
            )
        )
    return out


@dataclass(frozen=True)
class GeneralConflict:
    """The general info as someone else saved it: who, when (if the audit log knows), labelled values."""

    who: str
    when: datetime.datetime | None
    rows: list[tuple[str, str]]


def general_conflict(assessment: Assessment) -> GeneralConflict:
    """The general info as someone else saved it, for the page after a refused stale save."""
    assessment.refresh_from_db()
    last = history(assessment, code="general").filter(action="general.save").first()
    fields = assessment.framework().general_info
    rows = [
        (f.label, f"{InputView(f, shown_value(f, assessment.general.get(f.name))).shown} {f.unit}".strip())
        for f in fields
        if assessment.general.get(f.name) is not None
    ]
    return GeneralConflict(
        who=last.actor.display_name if last and last.actor else _("người khác"),
        when=last.created_at if last else None,
        rows=rows,
    )


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


INDEX_PARAM = "chi-so-chinh"  # the query parameter naming the main index a large framework's page opens


def indicator_url(assessment: Assessment, code: str) -> str:
    """The self-assessment page showing one indicator (its index open on a large framework)."""
    index = index_of(assessment, code) if page_indices(assessment, None) is not None else ""
    query = f"?{INDEX_PARAM}={quote(index)}" if index else ""
    return reverse("assessments:detail", args=[assessment.pk]) + query + f"#ind-{code_slug(code)}"


def submission_deadline(participation: Participation) -> datetime.datetime:
    """When the unit must have submitted: the campaign's deadline, or the later one it was reopened until."""
    deadline = participation.campaign.submission_deadline
    until = participation.reopened_until
    return until if until is not None and until > deadline else deadline


def follows_appraisal(user: Person, assessment: Assessment) -> bool:
    """The unit's own people, or the appraisal side: who may read the unit's explanation round and outcome."""
    return can(user, Action.ANSWER_EXPLANATION, assessment) or can(user, Action.VIEW_APPRAISAL)


# Where the assessment stands (besides its status) and what comes next, by status; "%(deadline)s" and
# "%(reason)s" are filled in by `banner`.
_NEXT = {
    Assessment.Status.DRAFT: gettext_lazy(
        "Tiếp theo: nhập đủ số liệu và tài liệu kiểm chứng; lãnh đạo đơn vị duyệt và gửi trước %(deadline)s."
    ),
    Assessment.Status.RETURNED: gettext_lazy("Tiếp theo: đơn vị sửa theo yêu cầu; lãnh đạo đơn vị gửi lại."),
    Assessment.Status.SUBMITTED: gettext_lazy(
        "Tiếp theo: tổ thẩm định kiểm tra số liệu và tài liệu kiểm chứng; đơn vị được thông báo nếu cần giải trình."
    ),
    Assessment.Status.IN_APPRAISAL: gettext_lazy(
        "Tiếp theo: tổ thẩm định kết luận từng chỉ số; đơn vị được thông báo nếu cần giải trình."
    ),
    Assessment.Status.EXPLANATION_REQUESTED: gettext_lazy(
        "Tiếp theo: trả lời từng câu hỏi (có thể bổ sung tài liệu); lãnh đạo đơn vị gửi giải trình trước hạn."
    ),
    Assessment.Status.EXPLAINED: gettext_lazy("Tiếp theo: tổ thẩm định xem xét giải trình và kết thúc thẩm định."),
    Assessment.Status.REOPENED: gettext_lazy(
        "Tiếp theo: tổ thẩm định thẩm định lại; kết quả chỉ có khi thẩm định xong."
    ),
    Assessment.Status.APPRAISED: gettext_lazy(
        "Tiếp theo: Hội đồng đánh giá xem xét và phê duyệt kết quả; sau đó kết quả được công bố."
    ),
    Assessment.Status.APPROVED: gettext_lazy("Tiếp theo: cơ quan tổ chức công bố kết quả."),
    Assessment.Status.PUBLISHED: gettext_lazy(
        "Kết quả đã công bố là kết quả cuối cùng; chỉ thay đổi khi có đính chính."
    ),
}


@dataclass(frozen=True)
class Banner:
    """Where an assessment stands and what comes next, with the pages about it the person may open."""

    status: str  # the status code (the banner's colour)
    stands: str
    next: str
    links: list[tuple[str, str]]  # (text, url)


def banner(assessment: Assessment, user: Person) -> Banner:
    """The banner of an assessment's pages and of its line on the home page.

    Reads the assessment's transitions and explanation requests through `.all()`, so that a
    list of assessments can prefetch them.
    """
    status = Assessment.Status(assessment.status)
    stands, following = str(status.label), str(_NEXT[status])
    if status in (Assessment.Status.RETURNED, Assessment.Status.REOPENED):
        moves = list(assessment.transitions.all())
        reason = moves[-1].comment if moves else ""
        stands = f"{stands}: {reason}" if reason else stands
    elif status == Assessment.Status.EXPLANATION_REQUESTED:
        request = next(iter(assessment.explanation_requests.all()), None)
        if request is not None:
            stands = _("Đề nghị giải trình trước %(deadline)s") % {"deadline": ngay(request.deadline)}
            if timezone.now() > request.deadline:
                following = _("Đã quá hạn giải trình; liên hệ cơ quan tổ chức.")
    elif status == Assessment.Status.EXPLAINED:
        stands = _("Đã giải trình, đang thẩm định lại")
    elif status == Assessment.Status.DRAFT:
        following %= {"deadline": ngay(submission_deadline(assessment.participation))}
    if status in (Assessment.Status.DRAFT, Assessment.Status.RETURNED):
        following = edit_block_reason(assessment) or following
    return Banner(status.value, stands, following, _banner_links(assessment, user))


def _banner_links(assessment: Assessment, user: Person) -> list[tuple[str, str]]:
    """The explanation round, the outcome and the published results, for those who may open them."""
    status = assessment.status
    links: list[tuple[str, str]] = []
    if follows_appraisal(user, assessment):
        if status == Assessment.Status.EXPLANATION_REQUESTED:
            text = _("Xem và trả lời") if can(user, Action.ANSWER_EXPLANATION, assessment) else _("Xem câu hỏi")
            links.append((text, reverse("explanation:page", args=[assessment.pk])))
        elif status == Assessment.Status.EXPLAINED:
            links.append((_("Xem nội dung giải trình"), reverse("explanation:page", args=[assessment.pk])))
        elif status in OUTCOME_SHOWN:
            links.append((_("Xem kết quả thẩm định"), reverse("outcome:page", args=[assessment.pk])))
    if status == Assessment.Status.PUBLISHED:
        campaign = assessment.participation.campaign_id
        links.append((_("Kết quả công bố"), reverse("public:campaign", args=[campaign])))
    return links


# Statuses in which the unit sees its appraised result (docs/appraisal.md, "Kết quả của đơn vị").
OUTCOME_SHOWN = (Assessment.Status.APPRAISED, Assessment.Status.APPROVED, Assessment.Status.PUBLISHED)
