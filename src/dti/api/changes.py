"""Write endpoints of a unit's self-assessment, through the services and workflow the web pages call.

General information and one indicator's data go to `general_save` / `entry_save` (the web
form's text, so every value is read by the same `parse_entry`), evidence to the explanation
round's evidence functions (which apply the unit's own rule outside a round, as the two web
pages do), transitions to `workflow.submit` and `send_explanation`. The services check who may
and when, record the audit entries with the caller, and raise what the API answers: 403 with
the web's reason, 409 with the current version, 422 with the field at fault.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Router, Schema, Status, UploadedFile

from dti.api.assessments import AssessmentOut, EvidenceOut, assessment_out, entry_out, evidence_out, load
from dti.api.errors import ApiError
from dti.api.schemas import REFUSALS, Id, caller
from dti.appraisal import explanation
from dti.appraisal.selectors import appraisable_item_or_404
from dti.assessments import services, workflow
from dti.assessments.models import Assessment, Entry, Evidence
from dti.core.errors import Conflict, ServiceError
from dti.core.permissions import Action, require

if TYPE_CHECKING:
    from dti.engine import Indicator

router = Router(tags=["Bản tự đánh giá"])

WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ApiError}
"""A stale write is answered 409 with `current`, besides the refusals of every endpoint."""

FormValue = Decimal | str | bool | None
"""A value as the web form takes it: text written the Vietnamese way ("1.234,5"), or a JSON
number (a decimal point), true/false for yes/no, null to clear."""


class GeneralIn(Schema):
    """General information to save, with the `general_version` it was read at."""

    version: int = Field(ge=0, le=2**31 - 1, description="general_version đã đọc")
    values: dict[str, FormValue]


class EntryIn(Schema):
    """One indicator's data as the web form sends it, with the `version` it was read at."""

    version: int = Field(ge=0, le=2**31 - 1, description="version của chỉ số đã đọc")
    values: dict[str, FormValue] = Field(default_factory=dict, description="Số liệu đầu vào, theo tên")
    score: Decimal | str | None = Field(None, description="Điểm chấm trực tiếp (chỉ số chấm tay)")
    self_score: Decimal | str | None = Field(None, description="Điểm tự chấm")
    comment: str = ""
    na_requested: bool = False
    na_reason: str = ""


class TransitionIn(Schema):
    """The leader's note with a submission."""

    comment: str = ""


def form_text(value: FormValue) -> str:
    """`value` as the web form would carry it (the Vietnamese decimal comma, no grouping)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return value


def refuse_unknown(names: set[str], known: set[str], what: str) -> None:
    """422 for names the form has no field for (the web form cannot send them)."""
    unknown = sorted(names - known)
    if unknown:
        raise services.InvalidData(
            {name: _("%(what)s không có trường “%(name)s”.") % {"what": what, "name": name} for name in unknown}
        )


def _save_general(request: HttpRequest, assessment_id: int, payload: GeneralIn, *, whole: bool) -> dict[str, Any]:
    by = caller(request)
    assessment = load(assessment_id, by)
    fields = [f.name for f in assessment.framework().general_info]
    require(by, Action.EDIT_ASSESSMENT, assessment)  # who may not edit hears so before what they sent is read
    refuse_unknown(set(payload.values), set(fields), _("Thông tin chung"))
    data = {name: "" for name in fields} if whole else {}
    data.update({name: form_text(value) for name, value in payload.values.items()})
    try:
        services.general_save(assessment=assessment, data=data, version=payload.version, by=by)
    except Conflict as exc:
        current = exc.current if isinstance(exc.current, Assessment) else assessment
        raise Conflict(exc.message, current={"version": current.general_version, "values": current.general}) from exc
    except services.InvalidData:
        raise
    except ServiceError as exc:  # the web's save answers any other refusal 403
        raise PermissionDenied(exc.message) from exc
    return assessment_out(assessment)


@router.put(
    "/assessments/{assessment_id}/general",
    response={200: AssessmentOut, **WRITE_REFUSALS},
    url_name="assessment_general",
)
def general_replace(request: HttpRequest, assessment_id: Path[Id], payload: GeneralIn) -> dict[str, Any]:
    """Lưu toàn bộ thông tin chung: trường không gửi được xóa (như biểu mẫu trên web)."""
    return _save_general(request, assessment_id, payload, whole=True)


@router.patch(
    "/assessments/{assessment_id}/general",
    response={200: AssessmentOut, **WRITE_REFUSALS},
    url_name="assessment_general",
)
def general_update(request: HttpRequest, assessment_id: Path[Id], payload: GeneralIn) -> dict[str, Any]:
    """Lưu một số trường thông tin chung: trường không gửi được giữ nguyên."""
    return _save_general(request, assessment_id, payload, whole=False)


def _own_inputs(item: Indicator | None) -> set[str]:
    return {f.name for f in item.inputs if not f.source} if item is not None else set()


@router.put(
    "/assessments/{assessment_id}/indicators/{code}",
    response={200: AssessmentOut, **WRITE_REFUSALS},
    url_name="assessment_indicator",
)
def indicator_save(request: HttpRequest, assessment_id: Path[Id], code: Path[str], payload: EntryIn) -> dict[str, Any]:
    """Lưu số liệu một chỉ số (như biểu mẫu trên web): số liệu đầu vào, điểm, ghi chú, đề nghị không áp dụng."""
    by = caller(request)
    assessment = load(assessment_id, by)
    appraisable_item_or_404(assessment, code)  # the web's page has no such indicator: 404
    item = assessment.framework().item(code)
    inputs = _own_inputs(item)
    data = {name: "" for name in inputs}
    data.update({name: form_text(value) for name, value in payload.values.items()})
    data.update(
        score=form_text(payload.score),
        self_score=form_text(payload.self_score),
        comment=payload.comment,
        na_requested="1" if payload.na_requested else "",
        na_reason=payload.na_reason,
    )
    try:
        require(by, Action.EDIT_ASSESSMENT, assessment)
        refuse_unknown(set(payload.values), inputs, _("Chỉ số %(code)s") % {"code": code})
        services.entry_save(assessment=assessment, code=code, data=data, version=payload.version, by=by)
    except Conflict as exc:
        current = exc.current if isinstance(exc.current, Entry) else None
        raise Conflict(exc.message, current=entry_out(current) if current else {}) from exc
    except services.InvalidData:
        raise
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from exc  # the web's save answers any other refusal 403
    return assessment_out(assessment)


@router.post(
    "/assessments/{assessment_id}/evidence",
    response={201: EvidenceOut, **REFUSALS},
    url_name="assessment_evidence",
)
def evidence_add(
    request: HttpRequest,
    assessment_id: Path[Id],
    code: Form[str],
    file: File[UploadedFile | None] = None,
    doc_number: Form[str] = "",
    doc_date: Form[datetime.date | None] = None,
    title: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Đính kèm tài liệu kiểm chứng cho một chỉ số: một tệp (trường `file`) hoặc số, ngày, trích yếu văn bản."""
    by = caller(request)
    assessment = load(assessment_id, by)
    if file is not None:
        evidence = explanation.evidence_add_file(assessment=assessment, code=code, upload=file, by=by)
    else:
        evidence = explanation.evidence_add_reference(
            assessment=assessment, code=code, number=doc_number, date=doc_date, title=title, by=by
        )
    return Status(201, evidence_out(evidence))


@router.delete(
    "/assessments/{assessment_id}/evidence/{evidence_id}",
    response={204: None, **REFUSALS},
    url_name="assessment_evidence_item",
)
def evidence_remove(request: HttpRequest, assessment_id: Path[Id], evidence_id: Path[Id]) -> Status[None]:
    """Xóa một tài liệu kiểm chứng (nhật ký vẫn ghi lại tài liệu đã xóa)."""
    by = caller(request)
    assessment = load(assessment_id, by)
    evidence = get_object_or_404(Evidence.objects.select_related("assessment"), pk=evidence_id, assessment=assessment)
    explanation.evidence_delete(evidence=evidence, by=by)
    return Status(204, None)


@router.post(
    "/assessments/{assessment_id}/transitions/{name}",
    response={200: AssessmentOut, **REFUSALS},
    url_name="assessment_transition",
)
def transition(
    request: HttpRequest,
    assessment_id: Path[Id],
    name: Path[Literal["submit", "send_explanation"]],
    payload: TransitionIn | None = None,
) -> dict[str, Any]:
    """Chuyển trạng thái phía đơn vị: `submit` (lãnh đạo duyệt và gửi, kèm ghi chú), `send_explanation`."""
    by = caller(request)
    assessment = load(assessment_id, by)
    if name == "submit":
        workflow.submit(assessment=assessment, by=by, comment=payload.comment if payload else "")
    else:
        explanation.send_explanation(assessment=assessment, by=by)
    return assessment_out(assessment)
