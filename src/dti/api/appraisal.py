"""Appraisal endpoints: a unit's appraisal state, a verdict on one indicator, a question drafted or
withdrawn, every remaining indicator accepted, the appraisal started or finished.

Through exactly what the appraisal workspace calls: the door is VIEW_APPRAISAL (as the web's
`_assessment`), an indicator the framework has not (or only for reference) is 404 (as
`appraisable_item_or_404`), the verdict goes to `services.review_save`, a question to
`services.question_add` / `question_delete`, the workspace's button to `services.accept_remaining`,
its transitions to `workflow.start_appraisal` and `services.finish_appraisal`; they check the
appraiser's scope (APPRAISE, 403 with the web's reason) and the unit's status, write the audit
entries with the caller, and raise 409 with the verdict saved since (`current`), 422 with the field
or the web's reason. The figures are the engine's, through the selector the workspace reads for
one unit (`unit_scores`: the same whatever the size of the unit's ranking group).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from dti.api.changes import WRITE_REFUSALS, FormValue, form_text, refuse_unknown
from dti.api.schemas import REFUSALS, Id, caller
from dti.appraisal import services
from dti.appraisal.models import Question, Review
from dti.appraisal.pages import appraisal_started
from dti.appraisal.selectors import (
    ASSESSMENT_RELATED,
    UnitScores,
    appraisable_item_or_404,
    in_scope_codes,
    index_of,
    progress,
    unit_scores,
)
from dti.assessments import workflow
from dti.assessments.models import Assessment
from dti.core.errors import Conflict
from dti.core.permissions import Action, can, require

router = Router(tags=["Thẩm định"])


class ReviewOut(Schema):
    """The verdict on one indicator (`version` is the one a new verdict must name)."""

    code: str
    decision: str = Field(description="accepted | adjusted")
    values: dict[str, Any] = Field(description="Số liệu đầu vào được điều chỉnh (chỉ những số liệu khác của đơn vị)")
    score: Decimal | None = Field(description="Điểm thẩm định thay cho điểm theo công thức")
    na_decision: str = Field(description="'' | accepted | refused")
    reason: str
    changes: bool = Field(description="Kết luận thay đổi số liệu hoặc điểm đơn vị kê khai")
    version: int
    by: str | None
    updated_at: datetime.datetime


class QuestionOut(Schema):
    """A question of the explanation round on one indicator (`sent`: it went to the unit)."""

    id: int
    code: str
    text: str
    asked_by: str | None
    asked_at: datetime.datetime
    sent: bool
    answer: str
    answered_at: datetime.datetime | None


class ItemFiguresOut(Schema):
    """One indicator's score as the unit claimed it and as appraised (null before the appraisal starts)."""

    code: str
    claimed: Decimal | None
    appraised: Decimal | None


class AppraisalOut(Schema):
    """A unit's appraisal: where it stands, the caller's scope, the figures, every verdict and question."""

    assessment_id: int
    status: str
    status_name: str
    started: bool = Field(description="Đã bắt đầu thẩm định: điểm thẩm định có ý nghĩa")
    scope: list[str] | None = Field(
        description="Chỉ số chính người gọi được phân công thẩm định (null: tất cả; rỗng: không được phân công)"
    )
    reviewed: int
    to_review: int
    claimed_total: Decimal | None
    appraised_total: Decimal | None
    items: list[ItemFiguresOut]
    reviews: list[ReviewOut]
    questions: list[QuestionOut]


class ReviewIn(Schema):
    """A verdict as the workspace's form sends it, with the `version` of the verdict it was read at."""

    version: int = Field(ge=0, le=2**31 - 1, description="version của kết luận đã đọc (0: chưa có)")
    accept: bool = Field(False, description="Chấp nhận số liệu đơn vị kê khai như hiện có (bỏ qua các trường khác)")
    values: dict[str, FormValue] = Field(default_factory=dict, description="Số liệu đầu vào điều chỉnh, theo tên")
    score: Decimal | str | None = Field(None, description="Điểm thẩm định thay cho điểm theo công thức")
    na_decision: Literal["", "accepted", "refused"] = ""
    reason: str = Field("", description="Lý do, bắt buộc khi điều chỉnh hoặc không đồng ý không áp dụng")


class QuestionIn(Schema):
    """A question to draft (sent to the unit with the next explanation request)."""

    text: str


class AcceptedOut(Schema):
    """How many indicators were accepted, and the unit's appraisal after."""

    accepted: int
    appraisal: AppraisalOut


class AppraisalMoveIn(Schema):
    """The note written with the step (kept in the unit's history)."""

    comment: str = ""


def _load(assessment_id: int, request: HttpRequest) -> Assessment:
    """The assessment (404) behind the appraisal's door (403 with the web's reason)."""
    assessment = get_object_or_404(Assessment.objects.select_related(*ASSESSMENT_RELATED), pk=assessment_id)
    require(caller(request), Action.VIEW_APPRAISAL)
    return assessment


def review_out(review: Review) -> dict[str, Any]:
    """One verdict, as `ReviewOut` (also the `current` of a stale verdict)."""
    return {
        "code": review.code,
        "decision": review.decision,
        "values": review.values,
        "score": review.score,
        "na_decision": review.na_decision,
        "reason": review.reason,
        "changes": review.changes,
        "version": review.version,
        "by": review.by.display_name if review.by else None,
        "updated_at": review.updated_at,
    }


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "code": question.code,
        "text": question.text,
        "asked_by": question.asked_by.display_name if question.asked_by else None,
        "asked_at": question.asked_at,
        "sent": question.request_id is not None,
        "answer": question.answer,
        "answered_at": question.answered_at,
    }


def appraisal_out(assessment: Assessment, request: HttpRequest) -> dict[str, Any]:
    """The unit's appraisal as `AppraisalOut`, for the caller (their scope)."""
    user = caller(request)
    try:
        scores: UnitScores | None = unit_scores(assessment)
    except LookupError:  # not submitted: no figures yet
        scores = None
    started = appraisal_started(assessment)
    items = []
    if scores is not None:
        items = [
            {
                "code": code,
                "claimed": scores.claimed.items[code].score,
                "appraised": scores.appraised.items[code].score if started else None,
            }
            for code in scores.claimed.items
        ]
    scope = in_scope_codes(user, assessment) if can(user, Action.APPRAISE, assessment) else set()
    reviewed, to_review = progress(assessment)
    return {
        "assessment_id": assessment.pk,
        "status": assessment.status,
        "status_name": assessment.get_status_display(),
        "started": started,
        "scope": sorted(scope) if scope is not None else None,
        "reviewed": reviewed,
        "to_review": to_review,
        "claimed_total": scores.claimed.total if scores else None,
        "appraised_total": scores.appraised.total if scores and started else None,
        "items": items,
        "reviews": [review_out(r) for r in assessment.reviews.select_related("by")],
        "questions": [_question_out(q) for q in assessment.questions.select_related("asked_by")],
    }


@router.get("/assessments/{assessment_id}/appraisal", response={200: AppraisalOut, **REFUSALS}, url_name="appraisal")
def appraisal_read(request: HttpRequest, assessment_id: Path[Id]) -> dict[str, Any]:
    """Việc thẩm định một đơn vị: trạng thái, phạm vi của người gọi, điểm kê khai và thẩm định, các kết luận
    (điều chỉnh kèm lý do) và câu hỏi giải trình."""
    return appraisal_out(_load(assessment_id, request), request)


@router.post(
    "/assessments/{assessment_id}/appraisal/accept-remaining",
    response={200: AcceptedOut, **REFUSALS},
    url_name="appraisal_accept_remaining",
)
def accept_remaining(request: HttpRequest, assessment_id: Path[Id]) -> dict[str, Any]:
    """Chấp nhận mọi chỉ số trong phạm vi được phân công chưa có kết luận (như nút “Chấp nhận các chỉ số còn
    lại” trên trang thẩm định); chỉ số có câu hỏi giải trình được để lại để xem xét từng chỉ số."""
    assessment = _load(assessment_id, request)
    accepted = services.accept_remaining(assessment=assessment, by=caller(request))
    assessment.refresh_from_db()
    return {"accepted": accepted, "appraisal": appraisal_out(assessment, request)}


@router.post(
    "/assessments/{assessment_id}/appraisal/transitions/{move}",
    response={200: AppraisalOut, **REFUSALS},
    url_name="appraisal_transition",
)
def appraisal_transition(
    request: HttpRequest,
    assessment_id: Path[Id],
    move: Path[Literal["start_appraisal", "finish_appraisal"]],
    payload: AppraisalMoveIn | None = None,
) -> dict[str, Any]:
    """Bắt đầu thẩm định một đơn vị đã gửi (`start_appraisal`) hoặc kết thúc thẩm định (`finish_appraisal`,
    khi mọi chỉ số đã có kết luận và mọi nội dung giải trình đã được xem xét), kèm ghi chú."""
    by = caller(request)
    assessment = _load(assessment_id, request)
    if move == "start_appraisal":
        workflow.start_appraisal(assessment=assessment, by=by)
    else:
        services.finish_appraisal(assessment=assessment, by=by, comment=payload.comment if payload else "")
    assessment.refresh_from_db()
    return appraisal_out(assessment, request)


@router.put(
    "/assessments/{assessment_id}/appraisal/{code}",
    response={200: AppraisalOut, **WRITE_REFUSALS},
    url_name="appraisal_review",
)
def review_save(request: HttpRequest, assessment_id: Path[Id], code: Path[str], payload: ReviewIn) -> dict[str, Any]:
    """Kết luận thẩm định một chỉ số: chấp nhận (`accept`), hoặc điều chỉnh số liệu và/hoặc điểm kèm lý do,
    đồng ý hay không đề nghị không áp dụng."""
    by = caller(request)
    assessment = _load(assessment_id, request)
    appraisable_item_or_404(assessment, code)
    data: dict[str, str] = {}
    if not payload.accept:
        # who may not appraise this indicator hears so before what they sent is read
        require(by, Action.APPRAISE, assessment, index_of(assessment.framework()).get(code))
        item = assessment.framework().item(code)
        refuse_unknown(
            set(payload.values), {f.name for f in item.inputs} if item else set(), _("Chỉ số %(code)s") % {"code": code}
        )
        data = {name: form_text(value) for name, value in payload.values.items()}
        data.update(score=form_text(payload.score), na_decision=payload.na_decision, reason=payload.reason)
    try:
        services.review_save(assessment=assessment, code=code, data=data, version=payload.version, by=by)
    except Conflict as exc:
        current = review_out(exc.current) if isinstance(exc.current, Review) else {}
        raise Conflict(exc.message, current=current) from exc
    assessment.refresh_from_db()
    return appraisal_out(assessment, request)


@router.post(
    "/assessments/{assessment_id}/appraisal/{code}/questions",
    response={201: QuestionOut, **REFUSALS},
    url_name="appraisal_questions",
)
def question_add(
    request: HttpRequest, assessment_id: Path[Id], code: Path[str], payload: QuestionIn
) -> Status[dict[str, Any]]:
    """Soạn một câu hỏi giải trình về một chỉ số (gửi đơn vị cùng đề nghị giải trình tiếp theo)."""
    assessment = _load(assessment_id, request)
    appraisable_item_or_404(assessment, code)
    question = services.question_add(assessment=assessment, code=code, text=payload.text, by=caller(request))
    return Status(201, _question_out(question))


@router.delete(
    "/assessments/{assessment_id}/appraisal/questions/{question_id}",
    response={204: None, **REFUSALS},
    url_name="appraisal_question",
)
def question_delete(request: HttpRequest, assessment_id: Path[Id], question_id: Path[Id]) -> Status[None]:
    """Rút một câu hỏi chưa gửi đơn vị (câu hỏi đã gửi thì không rút được)."""
    assessment = _load(assessment_id, request)
    question = get_object_or_404(Question, pk=question_id, assessment=assessment)
    services.question_delete(question=question, by=caller(request))
    return Status(204, None)
