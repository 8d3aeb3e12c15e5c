"""The unit's side of an explanation round: answer the appraisers' questions, add evidence, send.

Only the indicators asked about are shown (the unit's data read-only beside the questions);
the unit's reporters and leader answer, the leader sends. Appraisers, the organiser and the
chair may look at the page read-only. Earlier rounds are listed with their answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dti.appraisal import explanation as explanation_round
from dti.appraisal.models import Question
from dti.assessments.models import Assessment, Evidence
from dti.assessments.selectors import IndicatorView, assessment_page, code_slug
from dti.assessments.services import InvalidData
from dti.assessments.views import attach_evidence
from dti.core.errors import ServiceError
from dti.core.permissions import Action, can

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class AskedItem:
    """One indicator asked about: the unit's data, the questions on it, its evidence."""

    code: str
    slug: str
    view: IndicatorView | None
    questions: list[Question] = field(default_factory=list)


def _assessment(request: AuthenticatedHttpRequest, pk: int) -> Assessment:
    """The assessment, if the person is of the unit or of the appraisal side; 403 otherwise."""
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "participation__unit__unit_type", "participation__campaign", "participation__group__framework"
        ),
        pk=pk,
    )
    user = request.user
    if not (can(user, Action.ANSWER_EXPLANATION, assessment) or can(user, Action.VIEW_APPRAISAL)):
        raise PermissionDenied(_("Bạn không có quyền xem nội dung giải trình của đơn vị này."))
    return assessment


def _render(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    *,
    status: int = 200,
    error: str = "",
    typed: dict[int, str] | None = None,
) -> HttpResponse:
    user = request.user
    current = explanation_round.open_request(assessment)
    past_deadline = current is not None and timezone.now() > current.deadline
    active = current is not None and not past_deadline
    can_answer = active and can(user, Action.ANSWER_EXPLANATION, assessment)
    items: list[AskedItem] = []
    if current is not None:
        questions = list(current.questions.select_related("asked_by", "answered_by"))
        for question in questions:
            # The answer box shows what was typed in a refused form, else the saved answer; a display-only
            # attribute the template reads as `q.shown_answer` (Question declares no such field).
            question.shown_answer = (typed or {}).get(question.pk, question.answer)  # type: ignore[attr-defined]
        codes = sorted({q.code for q in questions})
        framework = assessment.framework()
        indices = {item.index for code in codes if (item := framework.item(code)) is not None}
        page = assessment_page(assessment, open_indices=indices)
        for code in codes:
            asked = [q for q in questions if q.code == code]
            items.append(AskedItem(code, code_slug(code), page.indicator(code), asked))
    rounds = [
        r
        for r in assessment.explanation_requests.prefetch_related("questions")
        if current is None or r.pk != current.pk
    ]
    unanswered = sum(1 for i in items for q in i.questions if not q.answer.strip())
    context: dict[str, object] = {
        "assessment": assessment,
        "campaign": assessment.participation.campaign,
        "current": current,
        "past_deadline": past_deadline,
        "can_answer": can_answer,
        "can_send": active and can(user, Action.SEND_EXPLANATION, assessment),
        "items": items,
        "rounds": rounds,
        "unanswered": unanswered,
        "error": error,
    }
    return render(request, "appraisal/explanation.html", context, status=status)


def _page_url(assessment: Assessment, anchor: str = "") -> str:
    return reverse("explanation:page", args=[assessment.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def explanation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The open explanation request (the indicators asked about only) and the earlier rounds."""
    return _render(request, _assessment(request, pk))


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Save the unit's answer to one question."""
    assessment = _assessment(request, pk)
    question = get_object_or_404(Question, pk=question_pk, assessment=assessment)
    text = request.POST.get("answer", "")
    try:
        explanation_round.answer_save(question=question, text=text, by=request.user)
    except InvalidData as exc:
        return _render(request, assessment, status=422, error="; ".join(exc.errors.values()), typed={question.pk: text})
    except ServiceError as exc:
        return _render(request, assessment, status=409, error=exc.message, typed={question.pk: text})
    messages.success(request, _("Đã lưu nội dung giải trình chỉ số %(code)s.") % {"code": question.code})
    return redirect(_page_url(assessment, f"q-{question.pk}"))


@login_required
@require_POST
def send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The leader sends the answers to the appraisers."""
    assessment = _assessment(request, pk)
    try:
        explanation_round.send_explanation(assessment=assessment, by=request.user)
    except ServiceError as exc:
        return _render(request, assessment, status=409, error=exc.message)
    messages.success(request, _("Đã gửi nội dung giải trình tới tổ thẩm định."))
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_POST
def add_evidence(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """Attach a file or a document reference to an indicator asked about."""
    assessment = _assessment(request, pk)
    attach_evidence(
        request,
        assessment,
        code,
        add_file=explanation_round.evidence_add_file,
        add_reference=explanation_round.evidence_add_reference,
    )
    return redirect(_page_url(assessment, f"ind-{code_slug(code)}"))


@login_required
@require_POST
def delete_evidence(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Remove an evidence item of an indicator asked about."""
    assessment = _assessment(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    try:
        explanation_round.evidence_delete(evidence=evidence, by=request.user)
        messages.success(request, _("Đã xóa tài liệu kiểm chứng."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_page_url(assessment, f"ind-{code_slug(evidence.code)}"))
