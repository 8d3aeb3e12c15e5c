"""Read endpoints of self-assessments: those the caller may see, and one with its computed scores.

Who sees what is `can(VIEW_ASSESSMENT)` (a unit's own people their unit, the see-all roles every
unit), asked of each assessment; the scores are the engine's, through the same selector as the
web page (`assessments.selectors.assessment_page`).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from dti.accounts.models import User
from dti.api.schemas import REFUSALS, Id, caller
from dti.assessments.models import Assessment, Entry, Evidence
from dti.assessments.selectors import assessment_page
from dti.core.permissions import Action, can, require

router = Router(tags=["Bản tự đánh giá"])


class AssessmentItem(Schema):
    """An assessment in a list: whose, in which campaign and group, and where it stands."""

    id: int
    campaign_id: int
    group_id: int
    unit_id: int
    unit_name: str
    status: str
    status_name: str
    submitted_at: datetime.datetime | None
    updated_at: datetime.datetime


class EntryOut(Schema):
    """What the unit stored for one indicator (`version` is the one a change must name)."""

    code: str
    values: dict[str, Any]
    score: Decimal | None = Field(description="Điểm chấm trực tiếp (chỉ số chấm tay)")
    self_score: Decimal | None
    comment: str
    na_requested: bool
    na_reason: str
    version: int
    updated_at: datetime.datetime


class ItemScoreOut(Schema):
    """The engine's score of one indicator."""

    code: str
    score: Decimal | None
    status: str
    claimed: Decimal | None
    note: str


class ScoresOut(Schema):
    """The engine's scores of the stored data: totals, main indices, every indicator."""

    total: Decimal | None
    max: Decimal | None
    percent: Decimal | None
    indices: dict[str, Decimal | None]
    claimed_total: Decimal | None
    claimed_indices: dict[str, Decimal]
    items: list[ItemScoreOut]
    complete: int = Field(description="Chỉ số áp dụng đã đủ số liệu để chấm")
    applicable: int


class EvidenceOut(Schema):
    """An evidence item: a stored file (`name`, `content_type`, `size`) or a document reference."""

    id: int
    code: str
    kind: str
    name: str
    content_type: str
    size: int
    doc_number: str
    doc_date: datetime.date | None
    title: str


class AssessmentOut(AssessmentItem):
    """One assessment: general information, every indicator's data and evidence, the computed scores."""

    general: dict[str, Any]
    general_version: int
    entries: list[EntryOut]
    evidence: list[EvidenceOut]
    scores: ScoresOut


class AssessmentFilter(FilterSchema):
    """Filters of the assessment list."""

    campaign_id: Annotated[Id | None, FilterLookup("participation__campaign_id")] = None
    unit_id: Annotated[Id | None, FilterLookup("participation__unit_id")] = None
    status: Assessment.Status | None = None


def _item(assessment: Assessment) -> dict[str, Any]:
    participation = assessment.participation
    return {
        "id": assessment.pk,
        "campaign_id": participation.campaign_id,
        "group_id": participation.group_id,
        "unit_id": participation.unit_id,
        "unit_name": participation.unit.name,
        "status": assessment.status,
        "status_name": assessment.get_status_display(),
        "submitted_at": assessment.submitted_at,
        "updated_at": assessment.updated_at,
    }


@router.get("/assessments", response={200: list[AssessmentItem], **REFUSALS}, url_name="assessments")
@paginate(LimitOffsetPagination)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilter]) -> list[dict[str, Any]]:
    """Bản tự đánh giá mà người gọi được xem (đơn vị: của mình; các vai trò xem toàn bộ: tất cả)."""
    user = caller(request)
    assessments = filters.filter(Assessment.objects.select_related("participation__unit"))
    ordered = assessments.order_by("-participation__campaign__year", "participation__unit__name", "pk")
    return [_item(a) for a in ordered if can(user, Action.VIEW_ASSESSMENT, a)]


def load(assessment_id: int, user: User) -> Assessment:
    """The assessment `assessment_id` (404) that `user` may see (403 with the web's reason)."""
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "participation__unit__unit_type", "participation__campaign", "participation__group__framework"
        ),
        pk=assessment_id,
    )
    require(user, Action.VIEW_ASSESSMENT, assessment)
    return assessment


def entry_out(entry: Entry) -> dict[str, Any]:
    """One indicator's stored data, as `EntryOut` (also the `current` of a stale write)."""
    return {
        "code": entry.code,
        "values": entry.values,
        "score": entry.score,
        "self_score": entry.self_score,
        "comment": entry.comment,
        "na_requested": entry.na_requested,
        "na_reason": entry.na_reason,
        "version": entry.version,
        "updated_at": entry.updated_at,
    }


def evidence_out(evidence: Evidence) -> dict[str, Any]:
    """One evidence item, as `EvidenceOut`."""
    return {
        "id": evidence.pk,
        "code": evidence.code,
        "kind": evidence.kind,
        "name": evidence.original_name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "doc_number": evidence.doc_number,
        "doc_date": evidence.doc_date,
        "title": evidence.title,
    }


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment as `AssessmentOut`: what the read answers and every write returns."""
    page = assessment_page(assessment, open_indices=())
    result = page.result
    entries = sorted(assessment.entries.all(), key=lambda e: e.code)
    return {
        **_item(assessment),
        "general": assessment.general,
        "general_version": assessment.general_version,
        "entries": [entry_out(e) for e in entries],
        "evidence": [evidence_out(e) for e in assessment.evidence.order_by("code", "pk")],
        "scores": {
            "total": result.total,
            "max": result.max,
            "percent": result.percent,
            "indices": dict(result.indices),
            "claimed_total": result.claimed_total,
            "claimed_indices": dict(result.claimed_indices),
            "items": [
                {"code": s.code, "score": s.score, "status": str(s.status), "claimed": s.claimed, "note": s.note}
                for s in (result.items[code] for code in result.items)
            ],
            "complete": page.complete,
            "applicable": page.total,
        },
    }


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **REFUSALS}, url_name="assessment")
def assessment_read(request: HttpRequest, assessment_id: Path[Id]) -> dict[str, Any]:
    """Một bản tự đánh giá: thông tin chung, số liệu từng chỉ số, trạng thái và điểm do hệ thống tính."""
    return assessment_out(load(assessment_id, caller(request)))
