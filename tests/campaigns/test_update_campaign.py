"""campaign_update and /ky-danh-gia/<pk>/sua/: each changed field is recorded with its old value."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dti.audit.models import AuditEntry
from dti.campaigns import services
from dti.campaigns.models import Campaign

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


def test_service_changes_only_given_fields_and_records_each(world):
    campaign = world["campaign"]
    deadline = campaign.submission_deadline
    services.campaign_update(
        campaign=campaign,
        name="Kỳ đánh giá đã đổi tên",
        publication_date=datetime.date(2031, 1, 1),
        by=world["users"]["organiser"],
    )
    campaign.refresh_from_db()
    assert campaign.name == "Kỳ đánh giá đã đổi tên" and campaign.submission_deadline == deadline
    entries = {e.field: e for e in AuditEntry.objects.filter(action="campaign.update")}
    assert set(entries) == {"name", "publication_date"}
    assert entries["name"].old == "Kỳ đánh giá thử nghiệm 2023" and entries["publication_date"].new == "2031-01-01"


def test_a_past_deadline_may_stay_but_not_be_set(world):
    campaign = world["campaign"]
    past = timezone.now() - datetime.timedelta(days=2)
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=past)
    campaign.refresh_from_db()
    # editing another field keeps the past deadline, even given again to the minute (as a form does)
    services.campaign_update(
        campaign=campaign,
        state=Campaign.State.APPRAISAL,
        submission_deadline=past.replace(second=0, microsecond=0),
        by=world["users"]["admin"],
    )
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.APPRAISAL
    with pytest.raises(services.Invalid) as exc:
        services.campaign_update(
            campaign=campaign, submission_deadline=past - datetime.timedelta(days=1), by=world["users"]["admin"]
        )
    assert "đã qua" in exc.value.errors["submission_deadline"]


def test_service_checks_permission(world):
    for persona in REFUSED:
        with pytest.raises(PermissionDenied):
            services.campaign_update(campaign=world["campaign"], name="X", by=world["users"][persona])
    assert not AuditEntry.objects.filter(action="campaign.update").exists()


def test_page_refused_to_other_roles(world, login):
    url = f"/ky-danh-gia/{world['campaign'].pk}/sua/"
    for persona in REFUSED:
        client = login(persona)
        assert client.get(url).status_code == 403, persona
        assert client.post(url, {"name": "X"}).status_code == 403, persona
    assert login("anonymous").get(url).status_code == 302


def test_page_is_filled_and_saves(world, login):
    campaign = world["campaign"]
    url = f"/ky-danh-gia/{campaign.pk}/sua/"
    client = login("organiser")
    body = client.get(url).content.decode()
    local = timezone.localtime(campaign.submission_deadline)
    shown = local.strftime("%d/%m/%Y %H:%M")
    assert f'value="{shown}"' in body and 'value="Kỳ đánh giá thử nghiệm 2023"' in body
    assert f'<option value="{campaign.organiser_id}" selected>' in body
    response = client.post(
        url,
        {
            "name": "Kỳ đánh giá thử nghiệm 2023",
            "year": "2023",
            "state": "open",
            "organiser": str(campaign.organiser_id),
            "submission_deadline": shown,
            "explanation_deadline": local.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert [e.field for e in AuditEntry.objects.filter(action="campaign.update")] == ["explanation_deadline"]


@pytest.mark.parametrize(("start", "target"), [(Campaign.State.APPRAISAL, "published"), ("published", "appraisal")])
def test_published_is_reached_only_by_publishing_and_never_left_by_editing(world, start, target):
    campaign = world["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(state=start)
    with pytest.raises(services.Invalid) as refused:
        services.campaign_update(campaign=campaign, by=world["users"]["organiser"], state=target)
    assert "Đã công bố" in refused.value.errors["state"]
    campaign.refresh_from_db()
    assert campaign.state == start
