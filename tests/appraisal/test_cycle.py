"""The whole cycle through the services: submit → appraise → explain → re-appraise → approve → publish → amend."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dti.appraisal import explanation, services
from dti.appraisal.models import Assignment
from dti.appraisal.selectors import unit_scores
from dti.assessments.models import Assessment
from dti.campaigns import workflow as campaign_workflow
from dti.core.errors import ServiceError
from dti.results.models import Immutable, Publication
from dti.results.services import amend, approve_campaign, publish_campaign

S = Assessment.Status


def test_full_cycle(appraising: dict[str, Any], mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    users = appraising["users"]
    one, two = appraising["assessment"], appraising["other_assessment"]
    Assignment.objects.create(participation=two.participation, appraiser=users["appraiser"])
    appraiser, organiser, chair = users["appraiser"], users["organiser"], users["chair"]
    for user in users.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])

    # Adjust I.2: the appraiser finds 12 communes, not 15 (12 / 20 × 10 = 6).
    review = services.review_save(
        assessment=one, code="I.2", data={"a": "12", "reason": "Chỉ 12 xã có chuyên mục"}, version=0, by=appraiser
    )
    one.refresh_from_db()
    assert one.status == S.IN_APPRAISAL and review.decision == "adjusted"
    services.question_add(assessment=one, code="II.1", text="Đề nghị gửi kế hoạch đã ký", by=appraiser)
    with pytest.raises(ServiceError, match="chưa gửi"):
        services.finish_appraisal(assessment=one, by=appraiser)
    with django_capture_on_commit_callbacks(execute=True):
        deadline = timezone.now() + datetime.timedelta(days=3)
        explanation.request_explanation(assessment=one, by=organiser, deadline=deadline)
    assert explanation.explanation_codes(one) == {"II.1"}
    question = one.questions.get()
    explanation.answer_save(question=question, text="Kế hoạch số 12/KH-UBND, đính kèm", by=users["reporter"])
    explanation.send_explanation(assessment=one, by=users["leader"])
    one.refresh_from_db()
    assert one.status == S.EXPLAINED
    services.accept_remaining(assessment=one, by=appraiser)
    with pytest.raises(ServiceError, match="thẩm định lại"):
        services.finish_appraisal(assessment=one, by=appraiser)
    services.review_save(assessment=one, code="II.1", data={}, version=0, by=appraiser)
    services.finish_appraisal(assessment=one, by=appraiser)
    services.accept_remaining(assessment=two, by=appraiser)
    services.finish_appraisal(assessment=two, by=appraiser)

    scores = unit_scores(one)
    assert scores.appraised.items["I.2"].score == Decimal("6.00")
    assert scores.claimed.items["II.2"].score == Decimal("8.00")  # the unit's self score
    assert scores.appraised.total == Decimal("32.00")  # 10 + 6 + 10 + 6

    campaign_workflow.close_submissions(campaign=appraising["campaign"], by=organiser)
    campaign_workflow.start_appraisal(campaign=appraising["campaign"], by=organiser)
    approve_campaign(
        campaign=appraising["campaign"], by=chair, decision_number="15/QĐ-UBND", decision_date=datetime.date(2024, 7, 1)
    )
    publication = publish_campaign(campaign=appraising["campaign"], by=organiser)
    units = publication.snapshot["groups"][0]["units"]
    assert [(u["unit"], u["total"], u["self_total"], u["rank"]) for u in units] == [
        ("UBND huyện Một", "32.00", "35.50", 1),  # claimed 10 + 7,5 + 10 + 8
        ("UBND huyện Hai", "19.00", "19.00", 2),  # 5 + 10 + 0 + 4
    ]
    assert publication.intact
    with pytest.raises(Immutable):
        publication.save()
    with pytest.raises(Immutable):
        Publication.objects.filter(pk=publication.pk).update(reason="x")

    one.refresh_from_db()
    second = amend(
        campaign=appraising["campaign"], by=organiser, reason="Sai sót khi nhập", changes=[(one, "II.2", "9")]
    )
    assert second.version == 2 and second.changes[0]["old"] == "6.00"
    assert Publication.objects.get(pk=publication.pk).snapshot == publication.snapshot
    assert any("Đề nghị UBND huyện Một giải trình các chỉ số II.1" in m.body for m in mailoutbox), [
        m.body for m in mailoutbox
    ]
    assert second.snapshot["groups"][0]["units"][0]["total"] == "35.00"
