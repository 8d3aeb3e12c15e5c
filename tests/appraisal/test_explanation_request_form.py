"""The explanation-request form: its deadline proposed from the campaign's, and a warning (then a count)
when the unit has nobody to tell."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dti.accounts.models import Notification, User
from dti.appraisal import services
from dti.appraisal.pages import explanation_deadline
from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign

NOBODY = "Đơn vị chưa có tài khoản nào đang hoạt động: đề nghị sẽ không được thông báo tới ai."


@pytest.fixture
def asked(appraising: dict[str, Any]) -> dict[str, Any]:
    """The appraiser drafted a question on UBND huyện Một's I.1 (the unit is in appraisal)."""
    services.question_add(
        assessment=appraising["assessment"],
        code="I.1",
        text="Đề nghị gửi quyết định",
        by=appraising["users"]["appraiser"],
    )
    return appraising


def campaign_page(world: dict[str, Any], client: Any) -> str:
    return client.get(reverse("appraisal:campaign", args=[world["campaign"].pk])).content.decode()


def workspace(world: dict[str, Any], client: Any) -> str:
    return client.get(reverse("appraisal:unit", args=[world["assessment"].pk])).content.decode()


def day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def test_the_campaigns_deadline_is_proposed(asked: dict[str, Any], login: Any) -> None:
    ahead = timezone.localdate() + datetime.timedelta(days=12)
    Campaign.objects.filter(pk=asked["campaign"].pk).update(explanation_deadline=ahead)
    client = login("organiser")
    for html in (campaign_page(asked, client), workspace(asked, client)):
        assert f'name="deadline_date" placeholder="dd/mm/yyyy" value="{day(ahead)}"' in html
        assert "Theo hạn giải trình của kỳ đánh giá." in html


@pytest.mark.parametrize(
    ("own", "note"),
    [
        (None, "Kỳ đánh giá chưa đặt hạn giải trình; đề xuất 7 ngày kể từ hôm nay."),
        (-1, "Hạn giải trình của kỳ đánh giá ({past}) đã qua; đề xuất 7 ngày kể từ hôm nay."),
    ],
)
def test_seven_days_are_proposed_without_a_deadline_ahead(
    asked: dict[str, Any], login: Any, own: int | None, note: str
) -> None:
    today = timezone.localdate()
    past = today + datetime.timedelta(days=own) if own is not None else None
    Campaign.objects.filter(pk=asked["campaign"].pk).update(explanation_deadline=past)
    html = campaign_page(asked, login("organiser"))
    assert f'value="{day(today + datetime.timedelta(days=7))}"' in html
    assert note.format(past=day(past) if past else "") in html


def test_the_campaigns_deadline_is_proposed_until_its_day_has_passed() -> None:
    campaign = Campaign(explanation_deadline=datetime.date(2024, 5, 28))
    assert explanation_deadline(campaign, today=datetime.date(2024, 5, 8)).day == "28/05/2024"
    assert explanation_deadline(campaign, today=datetime.date(2024, 5, 28)).day == "28/05/2024"
    assert explanation_deadline(campaign, today=datetime.date(2024, 5, 29)).day == "05/06/2024"


def test_a_unit_with_accounts_is_told_and_counted(asked: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    assert NOBODY not in campaign_page(asked, client) and NOBODY not in workspace(asked, client)
    deadline = day(timezone.localdate() + datetime.timedelta(days=5))
    url = reverse("appraisal:move", args=[asked["assessment"].pk, "request_explanation"])
    response = client.post(url, {"next": "ky", "deadline_date": deadline, "deadline_time": "17:00"}, follow=True)
    assert "đã thông báo cho 2 người của đơn vị." in response.content.decode()
    assert Notification.objects.filter(user__unit=asked["unit"]).count() == 2


def test_a_unit_without_accounts_is_warned_before_and_counted_after(asked: dict[str, Any], login: Any) -> None:
    User.objects.filter(unit=asked["unit"]).update(is_active=False)
    client = login("organiser")
    assert campaign_page(asked, client).count(NOBODY) == 1 and NOBODY in workspace(asked, client)
    deadline = day(timezone.localdate() + datetime.timedelta(days=5))
    url = reverse("appraisal:move", args=[asked["assessment"].pk, "request_explanation"])
    response = client.post(url, {"deadline_date": deadline}, follow=True)
    html = response.content.decode()
    assert "nhưng không ai được thông báo: đơn vị chưa có tài khoản nào đang hoạt động." in html
    assert not Notification.objects.filter(user__unit=asked["unit"]).exists()
    assert Assessment.objects.get(pk=asked["assessment"].pk).status == Assessment.Status.EXPLANATION_REQUESTED


def test_no_warning_for_those_who_cannot_send(asked: dict[str, Any], login: Any) -> None:
    User.objects.filter(unit=asked["unit"]).update(is_active=False)
    assert NOBODY not in campaign_page(asked, login("appraiser"))
    assert NOBODY not in workspace(asked, login("appraiser"))
