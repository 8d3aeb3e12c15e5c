"""An appraiser works only inside their assignment: other units and unassigned main indices are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dti.accounts.models import User
from dti.appraisal.models import Assignment, Question, Review
from dti.assessments.models import Assessment, Transition
from dti.core.roles import Role

S = Assessment.Status
NOT_ASSIGNED = "Bạn không được phân công thẩm định đơn vị hoặc chỉ số này."


@pytest.fixture
def outsider(appraising: dict[str, Any]) -> Any:
    """A second appraiser with no assignment, signed in."""
    from django.test import Client

    user = User.objects.create_user("outsider", full_name="Outsider", role=Role.APPRAISER)
    client = Client()
    client.force_login(user, backend="dti.accounts.backends.UnitModelBackend")
    return client


def unchanged(assessment: Assessment) -> bool:
    assessment.refresh_from_db()
    return (
        assessment.status == S.SUBMITTED
        and not Review.objects.filter(assessment=assessment).exists()
        and not Question.objects.filter(assessment=assessment).exists()
        and Transition.objects.filter(assessment=assessment).count() == 1
    )


def actions(assessment: Assessment) -> list[tuple[str, dict[str, str]]]:
    pk = assessment.pk
    return [
        (reverse("appraisal:review", args=[pk, "I.1"]), {"accept": "1", "version": "0"}),
        (reverse("appraisal:review", args=[pk, "I.2"]), {"a": "3", "reason": "x", "version": "0"}),
        (reverse("appraisal:question_add", args=[pk, "I.1"]), {"text": "Vì sao?"}),
        (reverse("appraisal:accept_remaining", args=[pk]), {}),
        (reverse("appraisal:move", args=[pk, "start_appraisal"]), {}),
        (reverse("appraisal:move", args=[pk, "return_to_unit"]), {"comment": "Thiếu tài liệu"}),
    ]


def test_appraiser_without_assignment_is_refused(appraising: dict[str, Any], outsider: Any) -> None:
    one = appraising["assessment"]
    for url, data in actions(one):
        response = outsider.post(url, data)
        assert response.status_code == 403, url
        assert NOT_ASSIGNED in response.content.decode()
    assert unchanged(one)


def test_appraiser_cannot_touch_another_unit(appraising: dict[str, Any], login: Any) -> None:
    two = appraising["other_assessment"]
    client = login("appraiser")
    for url, data in actions(two):
        assert client.post(url, data).status_code == 403, url
    assert unchanged(two)
    html = client.get(reverse("appraisal:unit", args=[two.pk])).content.decode()
    assert "Lưu kết luận" not in html and "Chấp nhận các chỉ số còn lại" not in html  # read-only


def test_index_outside_the_assignment_is_read_only_and_refused(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    Assignment.objects.filter(participation=one.participation).update(indices=["I"])
    client = login("appraiser")
    html = client.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    assert reverse("appraisal:review", args=[one.pk, "I.1"]) in html
    assert reverse("appraisal:review", args=[one.pk, "II.1"]) not in html
    response = client.post(reverse("appraisal:review", args=[one.pk, "II.1"]), {"accept": "1", "version": "0"})
    assert response.status_code == 403 and NOT_ASSIGNED in response.content.decode()
    response = client.post(reverse("appraisal:question_add", args=[one.pk, "II.2"]), {"text": "Vì sao?"})
    assert response.status_code == 403
    assert unchanged(one)
    # "accept the rest" covers only the assigned index
    assert client.post(reverse("appraisal:accept_remaining", args=[one.pk])).status_code == 302
    assert sorted(Review.objects.filter(assessment=one).values_list("code", flat=True)) == ["I.1", "I.2"]


@pytest.mark.parametrize("persona", ["reporter", "leader", "other_leader", "viewer"])
def test_unit_people_and_viewers_do_not_see_the_workspace(appraising: dict[str, Any], login: Any, persona: str) -> None:
    one = appraising["assessment"]
    client = login(persona)
    for url in (
        reverse("appraisal:home"),
        reverse("appraisal:campaign", args=[appraising["campaign"].pk]),
        reverse("appraisal:unit", args=[one.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "tổ thẩm định" in response.content.decode()
    assert client.post(reverse("appraisal:review", args=[one.pk, "I.1"]), {"accept": "1"}).status_code == 403
    assert unchanged(one)


def test_anonymous_is_sent_to_login(appraising: dict[str, Any], client: Any) -> None:
    one = appraising["assessment"]
    response = client.post(reverse("appraisal:review", args=[one.pk, "I.1"]), {"accept": "1"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert unchanged(one)


@pytest.mark.parametrize("persona", ["organiser", "chair"])
def test_organiser_and_chair_do_not_give_verdicts(appraising: dict[str, Any], login: Any, persona: str) -> None:
    one = appraising["assessment"]
    response = login(persona).post(reverse("appraisal:review", args=[one.pk, "I.1"]), {"accept": "1"})
    assert response.status_code == 403
    assert unchanged(one)
