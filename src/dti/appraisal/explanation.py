"""The explanation round: the organiser sends the appraisers' questions, the unit answers and sends.

Its two transitions (`request_explanation`, `send_explanation`) go through the assessment's
state machine (`dti.assessments.workflow.move`, legal moves in its `MOVES` table). While a
request is open the unit may answer its questions and add or remove evidence, but only for
the indicators asked about, before the deadline; the evidence services of the self-assessment
do the storing once this module has checked that rule.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.accounts.notifications import notify
from dti.appraisal.models import ExplanationRequest, Question
from dti.assessments import services as self_assessment
from dti.assessments.models import Assessment, Evidence
from dti.assessments.services import InvalidData, record_change
from dti.assessments.workflow import MOVES, appraisal_people, illegal_message, move, require_move, unit_people
from dti.core.errors import ServiceError
from dti.core.permissions import Action, require


def open_request(assessment: Assessment) -> ExplanationRequest | None:
    """The round waiting for the unit's answers (sent, not yet answered), if any."""
    if assessment.status != Assessment.Status.EXPLANATION_REQUESTED:
        return None
    request = assessment.explanation_requests.first()
    if request is None or request.answered_at is not None:
        return None
    return request


def explanation_codes(assessment: Assessment) -> set[str]:
    """The indicators unlocked for the unit: those asked about in the open, unanswered request."""
    request = open_request(assessment)
    if request is None or timezone.now() > request.deadline:
        return set()
    return set(request.questions.values_list("code", flat=True))


def _past_deadline(request: ExplanationRequest) -> str:
    when = date_format(timezone.localtime(request.deadline), "H:i d/m/Y")
    return _("Đã quá hạn giải trình (%(when)s); liên hệ cơ quan tổ chức.") % {"when": when}


def request_explanation(
    *, assessment: Assessment, by: User, deadline: datetime.datetime, comment: str = ""
) -> ExplanationRequest:
    """The organiser sends the drafted questions to the unit with a deadline; returns the request."""
    require_move(by, "request_explanation", assessment)
    if assessment.status not in MOVES["request_explanation"][0]:
        raise ServiceError(illegal_message(assessment, "request_explanation"))
    if deadline <= timezone.now():
        raise ServiceError(_("Hạn giải trình phải sau thời điểm hiện tại."))
    with transaction.atomic():
        drafts = assessment.questions.filter(request__isnull=True)
        if not drafts.exists():
            raise ServiceError(_("Chưa có câu hỏi nào cần giải trình; tổ thẩm định cần nêu câu hỏi trước."))
        request = ExplanationRequest.objects.create(assessment=assessment, deadline=deadline, sent_by=by)
        codes = sorted(set(drafts.values_list("code", flat=True)))
        drafts.update(request=request)
        move(assessment, "request_explanation", by=by, comment=comment or ", ".join(codes))
    when = date_format(timezone.localtime(deadline), "H:i d/m/Y")
    notify(
        unit_people(assessment),
        _("Đề nghị %(unit)s giải trình các chỉ số %(codes)s trước %(when)s.")
        % {"unit": assessment.participation.unit, "codes": ", ".join(codes), "when": when},
        url=f"/danh-gia/{assessment.pk}/giai-trinh/",
    )
    return request


def answer_save(*, question: Question, text: str, by: User) -> Question:
    """The unit answers one question of the open request, before its deadline."""
    assessment = question.assessment
    require(by, Action.ANSWER_EXPLANATION, assessment)
    request = question.request
    if assessment.status != Assessment.Status.EXPLANATION_REQUESTED or request is None or request.answered_at:
        raise ServiceError(_("Câu hỏi này không còn chờ giải trình."))
    if timezone.now() > request.deadline:
        raise ServiceError(_past_deadline(request))
    text = (text or "").strip()
    if not text:
        raise InvalidData({"answer": _("Cần nhập nội dung giải trình.")})
    with transaction.atomic():
        old = question.answer
        Question.objects.filter(pk=question.pk).update(answer=text, answered_by=by, answered_at=timezone.now())
        record_change(
            assessment, by=by, action="question.answer", code=question.code, field="answer", old=old, new=text
        )
    question.refresh_from_db()
    return question


def send_explanation(*, assessment: Assessment, by: User) -> Assessment:
    """The unit's leader sends the answers to every question of the open request, before its deadline."""
    require_move(by, "send_explanation", assessment)
    request = assessment.explanation_requests.first()
    if assessment.status != Assessment.Status.EXPLANATION_REQUESTED or request is None:
        raise ServiceError(illegal_message(assessment, "send_explanation"))
    if timezone.now() > request.deadline:
        raise ServiceError(_past_deadline(request))
    unanswered = [q.code for q in request.questions.all() if not q.answer.strip()]
    if unanswered:
        raise ServiceError(
            _("Còn câu hỏi chưa được trả lời ở các chỉ số: %(codes)s.") % {"codes": ", ".join(sorted(set(unanswered)))}
        )
    with transaction.atomic():
        ExplanationRequest.objects.filter(pk=request.pk).update(answered_by=by, answered_at=timezone.now())
        result = move(assessment, "send_explanation", by=by)
    notify(
        appraisal_people(assessment),
        _("%(unit)s đã gửi giải trình; cần thẩm định lại.") % {"unit": assessment.participation.unit},
        url=f"/tham-dinh/{assessment.pk}/",
    )
    return result


def _require_evidence_allowed(assessment: Assessment, code: str, by: User) -> None:
    """During a round the unit changes evidence only for the indicators asked about."""
    require(by, Action.ANSWER_EXPLANATION, assessment)
    if code not in explanation_codes(assessment):
        raise ServiceError(
            _("Trong thời gian giải trình, đơn vị chỉ bổ sung tài liệu cho các chỉ số được đề nghị giải trình.")
        )


def evidence_add_file(*, assessment: Assessment, code: str, upload: UploadedFile, by: User) -> Evidence:
    """Attach a file to an indicator asked about: outside a round, the unit's own rule applies."""
    if assessment.status != Assessment.Status.EXPLANATION_REQUESTED:
        return self_assessment.evidence_add_file(assessment=assessment, code=code, upload=upload, by=by)
    _require_evidence_allowed(assessment, code, by)
    return self_assessment.store_evidence_file(assessment=assessment, code=code, upload=upload, by=by)


def evidence_add_reference(
    *, assessment: Assessment, code: str, number: str, date: datetime.date | None, title: str, by: User
) -> Evidence:
    """Record a document reference for an indicator asked about: outside a round, the unit's own rule applies."""
    if assessment.status != Assessment.Status.EXPLANATION_REQUESTED:
        return self_assessment.evidence_add_reference(
            assessment=assessment, code=code, number=number, date=date, title=title, by=by
        )
    _require_evidence_allowed(assessment, code, by)
    return self_assessment.store_evidence_reference(
        assessment=assessment, code=code, number=number, date=date, title=title, by=by
    )


def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """Remove evidence of an indicator asked about, except what was there before the request was sent."""
    assessment = evidence.assessment
    if assessment.status != Assessment.Status.EXPLANATION_REQUESTED:
        self_assessment.evidence_delete(evidence=evidence, by=by)
        return
    _require_evidence_allowed(assessment, evidence.code, by)
    request = assessment.explanation_requests.first()
    if request and evidence.created_at < request.sent_at:
        raise ServiceError(_("Tài liệu đã nộp trước khi có đề nghị giải trình không thể xoá."))
    self_assessment.remove_evidence(evidence=evidence, by=by)
