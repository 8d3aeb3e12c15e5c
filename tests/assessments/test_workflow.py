"""Every transition of the state machine, legal and illegal, for every persona.

A legal move changes the status and writes a Transition row and an audit entry
(`assessment.<name>`); an illegal one (wrong person, wrong status, missing reason) leaves
the database as it was and says why in Vietnamese.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dti.appraisal import explanation, services
from dti.appraisal.models import ExplanationRequest, Question, Review
from dti.assessments import workflow
from dti.assessments.models import Assessment, Transition
from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from tests.conftest import PERSONAS

S = Assessment.Status
CODES = ("I.1", "I.2", "II.1", "II.2")
VIETNAMESE = set("ăâđêôơưàáạảãấầẩẫậắằẳẵặèéẹẻẽếềểễệìíịỉĩòóọỏõốồổỗộớờởỡợùúụủũứừửữựỳýỵỷỹ")

# Who may make each move (an appraiser only inside their assignment: "appraiser", not "outsider").
ALLOWED: dict[str, set[str]] = {
    "submit": {"leader"},
    "start_appraisal": {"appraiser", "organiser", "admin"},
    "return_to_unit": {"appraiser", "organiser", "admin"},
    "request_explanation": {"organiser", "admin"},
    "send_explanation": {"leader"},
    "finish_appraisal": {"appraiser", "organiser", "admin"},
    "reopen": {"organiser", "admin"},
    "approve": {"chair"},
    "publish": {"admin", "organiser", "chair"},
}
EVERYONE = [*PERSONAS, "outsider", "anonymous"]
# The source status each move is tried from in the persona matrix.
FROM = {
    "submit": S.RETURNED,
    "start_appraisal": S.SUBMITTED,
    "return_to_unit": S.IN_APPRAISAL,
    "request_explanation": S.IN_APPRAISAL,
    "send_explanation": S.EXPLANATION_REQUESTED,
    "finish_appraisal": S.EXPLAINED,
    "reopen": S.APPROVED,
    "approve": S.APPRAISED,
    "publish": S.APPROVED,
}


def vietnamese(message: str) -> bool:
    return bool(message.strip()) and any(c in VIETNAMESE for c in message.lower())


@pytest.fixture
def people(appraising: dict[str, Any]) -> dict[str, Any]:
    """Every persona, an appraiser with no assignment ("outsider") and an anonymous visitor."""
    from dti.accounts.models import User
    from dti.core.roles import Role

    users = dict(appraising["users"])
    users["outsider"] = User.objects.create_user("outsider", full_name="Outsider", role=Role.APPRAISER)
    users["anonymous"] = AnonymousUser()
    return users


def prepare(assessment: Assessment, status: str, by: Any) -> None:
    """Put the assessment in `status` with what the moves from it need (questions, answers, verdicts)."""
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    Question.objects.create(assessment=assessment, code="II.1", text="Đề nghị gửi kế hoạch", asked_by=by)
    if status in (S.EXPLANATION_REQUESTED, S.EXPLAINED):
        request = ExplanationRequest.objects.create(
            assessment=assessment, deadline=timezone.now() + datetime.timedelta(days=3), sent_by=by
        )
        Question.objects.filter(assessment=assessment).update(request=request, answer="Kế hoạch số 12/KH-UBND")
        if status == S.EXPLAINED:
            ExplanationRequest.objects.filter(pk=request.pk).update(
                answered_at=timezone.now() - datetime.timedelta(hours=1)
            )
    if status in (S.EXPLAINED, S.APPRAISED, S.APPROVED):
        for code in CODES:
            Review.objects.create(assessment=assessment, code=code, decision=Review.Decision.ACCEPTED, by=by, version=1)
    assessment.refresh_from_db()


# The function of each transition: the assessment's own ones, and those of the appraisal app.
FUNCTIONS = {
    "submit": workflow.submit,
    "start_appraisal": workflow.start_appraisal,
    "return_to_unit": workflow.return_to_unit,
    "request_explanation": explanation.request_explanation,
    "send_explanation": explanation.send_explanation,
    "finish_appraisal": services.finish_appraisal,
    "reopen": workflow.reopen,
    "approve": workflow.approve,
    "publish": workflow.publish,
}


def attempt(name: str, assessment: Assessment, by: Any, comment: str = "Lý do kiểm tra") -> Any:
    """Call the function of transition `name` with what it needs."""
    function: Any = FUNCTIONS[name]
    if name in ("return_to_unit", "reopen"):
        return function(assessment=assessment, by=by, comment=comment)
    if name == "request_explanation":
        return function(assessment=assessment, by=by, deadline=timezone.now() + datetime.timedelta(days=3))
    return function(assessment=assessment, by=by)


def snapshot(assessment: Assessment) -> tuple[str, int, int]:
    return (
        Assessment.objects.get(pk=assessment.pk).status,
        Transition.objects.filter(assessment=assessment).count(),
        AuditEntry.objects.filter(action__startswith="assessment.").count(),
    )


def test_moves_cover_the_workflow() -> None:
    assert set(ALLOWED) == set(workflow.MOVES) == set(FROM) == set(FUNCTIONS)
    for name, status in FROM.items():
        assert status in workflow.MOVES[name][0]


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", list(workflow.MOVES))
def test_transition_for_each_persona(
    appraising: dict[str, Any], people: dict[str, Any], name: str, persona: str
) -> None:
    assessment = appraising["assessment"]
    prepare(assessment, FROM[name], people["organiser"])
    before = snapshot(assessment)
    user = people[persona]
    if persona in ALLOWED[name]:
        attempt(name, assessment, user)
        target = workflow.MOVES[name][1]
        assert Assessment.objects.get(pk=assessment.pk).status == target
        transition = Transition.objects.filter(assessment=assessment).latest("id")
        assert (transition.old, transition.new, transition.by_id) == (FROM[name], target, user.pk)
        entry = AuditEntry.objects.filter(action=f"assessment.{name}", object_id=str(assessment.pk)).latest("id")
        assert (entry.old, entry.new, entry.actor_id) == (FROM[name], target, user.pk)
        assert snapshot(assessment)[1:] == (before[1] + 1, before[2] + 1)
    else:
        with pytest.raises(PermissionDenied) as refused:
            attempt(name, assessment, user)
        assert vietnamese(str(refused.value)), str(refused.value)
        assert snapshot(assessment) == before


WRONG_FROM = [
    (name, status) for name, (sources, _t) in workflow.MOVES.items() for status in S.values if status not in sources
]


@pytest.mark.parametrize(("name", "status"), WRONG_FROM)
def test_transition_from_a_wrong_status_is_refused(
    appraising: dict[str, Any], people: dict[str, Any], name: str, status: str
) -> None:
    assessment = appraising["assessment"]
    prepare(assessment, status, people["organiser"])
    before = snapshot(assessment)
    persona = sorted(ALLOWED[name])[0]
    with pytest.raises(ServiceError) as refused:
        attempt(name, assessment, people[persona])
    assert vietnamese(refused.value.message), refused.value.message
    assert snapshot(assessment) == before


def test_illegal_message_names_the_statuses(appraising: dict[str, Any], people: dict[str, Any]) -> None:
    assessment = appraising["assessment"]
    prepare(assessment, S.DRAFT, people["organiser"])
    with pytest.raises(ServiceError) as refused:
        workflow.approve(assessment=assessment, by=people["chair"])
    assert str(S.DRAFT.label) in refused.value.message
    assert str(S.APPRAISED.label) in refused.value.message


@pytest.mark.parametrize("name", ["return_to_unit", "reopen"])
def test_reason_is_required(appraising: dict[str, Any], people: dict[str, Any], name: str) -> None:
    assessment = appraising["assessment"]
    prepare(assessment, FROM[name], people["organiser"])
    before = snapshot(assessment)
    with pytest.raises(ServiceError, match="Cần nêu lý do"):
        attempt(name, assessment, people["organiser"], comment="   ")
    assert snapshot(assessment) == before


def test_finish_refused_while_indicators_are_unreviewed(appraising: dict[str, Any], people: dict[str, Any]) -> None:
    assessment = appraising["assessment"]
    Assessment.objects.filter(pk=assessment.pk).update(status=S.IN_APPRAISAL)
    assessment.refresh_from_db()
    before = snapshot(assessment)
    with pytest.raises(ServiceError, match="chưa được thẩm định"):
        services.finish_appraisal(assessment=assessment, by=people["appraiser"])
    assert snapshot(assessment) == before


def test_request_explanation_needs_questions_and_a_future_deadline(
    appraising: dict[str, Any], people: dict[str, Any]
) -> None:
    assessment = appraising["assessment"]
    Assessment.objects.filter(pk=assessment.pk).update(status=S.IN_APPRAISAL)
    assessment.refresh_from_db()
    before = snapshot(assessment)
    soon = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ServiceError, match="Chưa có câu hỏi"):
        explanation.request_explanation(assessment=assessment, by=people["organiser"], deadline=soon)
    Question.objects.create(assessment=assessment, code="I.1", text="Vì sao?", asked_by=people["appraiser"])
    with pytest.raises(ServiceError, match="Hạn giải trình"):
        explanation.request_explanation(
            assessment=assessment, by=people["organiser"], deadline=timezone.now() - datetime.timedelta(hours=1)
        )
    assert snapshot(assessment) == before
    assert not ExplanationRequest.objects.exists()


def test_returned_assessment_can_be_submitted_again(appraising: dict[str, Any], people: dict[str, Any]) -> None:
    assessment = appraising["assessment"]
    workflow.return_to_unit(assessment=assessment, by=people["appraiser"], comment="Thiếu quyết định")
    workflow.submit(assessment=assessment, by=people["leader"])
    assert [t.new for t in assessment.transitions.order_by("id")] == [S.SUBMITTED, S.RETURNED, S.SUBMITTED]
