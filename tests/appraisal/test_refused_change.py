"""A refused verdict or question on a submitted unit changes nothing, its status included.

Regression: the first verdict used to take the unit up (submitted → in appraisal) before the
verdict was checked, so an adjustment refused for want of a reason still moved the unit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dti.appraisal import services
from dti.appraisal.models import Question, Review
from dti.assessments.models import Assessment, Transition
from dti.assessments.services import InvalidData
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError

S = Assessment.Status


def state(assessment: Assessment) -> tuple[str, int, int, int, int]:
    return (
        Assessment.objects.get(pk=assessment.pk).status,
        Transition.objects.filter(assessment=assessment).count(),
        Review.objects.filter(assessment=assessment).count(),
        Question.objects.filter(assessment=assessment).count(),
        AuditEntry.objects.count(),
    )


def test_an_adjustment_without_a_reason_leaves_the_unit_submitted(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    before = state(one)
    assert before[0] == S.SUBMITTED
    url = reverse("appraisal:review", args=[one.pk, "I.2"])
    response = login("appraiser").post(url, {"version": "0", "a": "12", "reason": "  "})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Cần nêu lý do khi điều chỉnh số liệu, điểm hoặc không đồng ý đề nghị không áp dụng." in html
    assert state(one) == before
    assert 'id="trang-thai">Đã gửi<' in html  # the page shows the status as it still is


def test_the_service_refuses_before_taking_the_unit_up(appraising: dict[str, Any]) -> None:
    one = appraising["assessment"]
    before = state(one)
    with pytest.raises(InvalidData) as refused:
        services.review_save(
            assessment=one, code="II.2", data={"score": "9"}, version=0, by=appraising["users"]["appraiser"]
        )
    assert "Cần nêu lý do" in refused.value.errors["reason"]
    assert state(one) == before


def test_a_question_without_text_leaves_the_unit_submitted(appraising: dict[str, Any]) -> None:
    one = appraising["assessment"]
    before = state(one)
    with pytest.raises(InvalidData) as refused:
        services.question_add(assessment=one, code="I.1", text="  ", by=appraising["users"]["appraiser"])
    assert refused.value.errors["text"] == "Cần nhập nội dung đề nghị giải trình."
    assert state(one) == before


def test_a_stale_verdict_leaves_the_unit_submitted(appraising: dict[str, Any]) -> None:
    one, appraiser = appraising["assessment"], appraising["users"]["appraiser"]
    Review.objects.create(assessment=one, code="I.1", decision=Review.Decision.ACCEPTED, by=appraiser, version=1)
    before = state(one)
    with pytest.raises(ServiceError, match="sau khi bạn mở trang"):
        services.review_save(assessment=one, code="I.1", data={}, version=0, by=appraiser)
    assert state(one) == before


def test_a_campaign_no_longer_appraised_takes_nothing(appraising: dict[str, Any]) -> None:
    one = appraising["assessment"]
    Campaign.objects.filter(pk=appraising["campaign"].pk).update(state=Campaign.State.APPROVED)
    one.refresh_from_db()
    before = state(one)
    with pytest.raises(ServiceError, match="không thẩm định được"):
        services.review_save(assessment=one, code="I.1", data={}, version=0, by=appraising["users"]["appraiser"])
    assert state(one) == before


def test_a_valid_verdict_takes_the_unit_up_with_it(appraising: dict[str, Any]) -> None:
    one, appraiser = appraising["assessment"], appraising["users"]["appraiser"]
    before = state(one)
    services.review_save(assessment=one, code="I.2", data={"a": "12", "reason": "Chỉ 12 xã"}, version=0, by=appraiser)
    status, transitions, reviews, _questions, _audit = state(one)
    assert (status, transitions, reviews) == (S.IN_APPRAISAL, before[1] + 1, 1)
