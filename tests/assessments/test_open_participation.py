"""Opening a unit's participation: a GET only reads; the unit starts its assessment with a POST."""

from __future__ import annotations

import pytest
from django.apps import apps

from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign
from tests.conftest import PERSONAS

MSG_VIEW = "Bạn không có quyền xem bản tự đánh giá của đơn vị này."
MSG_EDIT = "Bạn không có quyền sửa số liệu của đơn vị này."
START = "Bắt đầu tự đánh giá"
UNIT_PEOPLE = {"reporter", "leader"}


def row_counts() -> dict[str, int]:
    """The number of rows of every model: a write anywhere changes it."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def not_started(world):
    """The assessed unit has no assessment yet; returns the URL of its participation."""
    Assessment.objects.filter(participation=world["participation"]).delete()
    return f"/danh-gia/tham-gia/{world['participation'].pk}/"


@pytest.mark.parametrize("state", [Campaign.State.OPEN, Campaign.State.PUBLISHED])
@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
def test_a_get_by_anyone_writes_nothing(world, login, not_started, persona, state):
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=state)
    client = login(persona)
    before = row_counts()
    response = client.get(not_started)
    assert row_counts() == before
    assert not Assessment.objects.filter(participation=world["participation"]).exists()
    if persona == "anonymous":
        assert response.url.startswith("/dang-nhap/?next=")
    elif persona.startswith("other_"):
        assert response.status_code == 403 and MSG_VIEW in response.content.decode()
    else:
        page = response.content.decode()
        assert response.status_code == 200
        assert "Đơn vị chưa bắt đầu tự đánh giá trong Kỳ đánh giá thử nghiệm 2023." in page
        assert (START in page) == (persona in UNIT_PEOPLE and state == Campaign.State.OPEN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_started_assessment_is_opened_without_writing(world, login, persona):
    client = login(persona)
    before = row_counts()
    response = client.get(f"/danh-gia/tham-gia/{world['participation'].pk}/")
    assert row_counts() == before
    if persona.startswith("other_"):
        assert response.status_code == 403
    else:
        assert response.url == f"/danh-gia/{world['assessment'].pk}/"


@pytest.mark.parametrize("persona", sorted(UNIT_PEOPLE))
def test_the_unit_starts_its_assessment_once(world, login, not_started, persona):
    client = login(persona)
    first = client.post(not_started)
    assessment = Assessment.objects.get(participation=world["participation"])
    assert first.url == f"/danh-gia/{assessment.pk}/"
    assert assessment.status == Assessment.Status.DRAFT
    second = client.post(not_started)
    assert second.url == first.url
    assert Assessment.objects.filter(participation=world["participation"]).count() == 1
    assert client.get(first.url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "message"),
    [
        ("viewer", MSG_EDIT),
        ("appraiser", MSG_EDIT),
        ("chair", MSG_EDIT),
        ("organiser", MSG_EDIT),
        ("admin", MSG_EDIT),
        ("other_reporter", MSG_VIEW),
        ("other_leader", MSG_VIEW),
    ],
)
def test_others_may_not_start_it(login, not_started, persona, message):
    client = login(persona)
    before = row_counts()
    response = client.post(not_started)
    body = response.content.decode()
    assert response.status_code == 403
    assert message in body and "Không có quyền truy cập" in body
    assert row_counts() == before


def test_anonymous_is_sent_to_sign_in_and_nothing_is_started(login, not_started):
    before = row_counts()
    response = login("anonymous").post(not_started)
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/?next=")
    assert row_counts() == before


def test_no_start_after_the_campaign_stopped_taking_reports(world, login, not_started):
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=Campaign.State.SUBMISSIONS_CLOSED)
    client = login("reporter")
    page = client.get(not_started).content.decode()
    assert START not in page
    assert "Kỳ đánh giá đang ở trạng thái “Đã dừng nhận báo cáo”, không còn nhận báo cáo." in page
    before = row_counts()
    response = client.post(not_started)
    assert response.status_code == 403
    assert "không còn nhận báo cáo" in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(login, not_started, method):
    client = login("reporter")
    before = row_counts()
    assert getattr(client, method)(not_started).status_code == 405
    assert row_counts() == before
