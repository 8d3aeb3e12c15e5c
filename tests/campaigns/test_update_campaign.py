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
        name="Kỳ đánh giá gia hạn",
        submission_deadline=past.replace(second=0, microsecond=0),
        by=world["users"]["admin"],
    )
    assert Campaign.objects.get(pk=campaign.pk).name == "Kỳ đánh giá gia hạn"
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
    assert 'name="state"' not in body and "Trạng thái hiện tại: Đang nhận báo cáo." in body
    response = client.post(
        url,
        {
            "name": "Kỳ đánh giá thử nghiệm 2023",
            "year": "2023",
            "state": "published",  # not a field of the form: ignored
            "organiser": str(campaign.organiser_id),
            "submission_deadline": shown,
            "explanation_deadline": local.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert [e.field for e in AuditEntry.objects.filter(action="campaign.update")] == ["explanation_deadline"]
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.OPEN


def test_a_name_another_campaign_has_is_refused(world):
    campaign, organiser = world["campaign"], world["users"]["organiser"]
    other = services.campaign_create(
        name="Đánh giá DTI năm 2024",
        year=2024,
        submission_deadline=timezone.now() + datetime.timedelta(days=30),
        by=organiser,
    )
    with pytest.raises(services.Invalid) as refused:
        services.campaign_update(campaign=campaign, name="ĐÁNH GIÁ DTI năm 2024", by=organiser)
    assert "Đã có kỳ đánh giá tên" in refused.value.errors["name"]
    assert Campaign.objects.get(pk=campaign.pk).name == "Kỳ đánh giá thử nghiệm 2023"
    # a campaign keeps its own name, and may change its case
    services.campaign_update(campaign=other, name="Đánh giá DTI Năm 2024", by=organiser)
    assert Campaign.objects.get(pk=other.pk).name == "Đánh giá DTI Năm 2024"


def test_a_data_period_outside_the_year_is_refused(world):
    campaign = world["campaign"]
    with pytest.raises(services.Invalid) as refused:
        services.campaign_update(
            campaign=campaign,
            period_start=datetime.date(2022, 1, 1),
            period_end=datetime.date(2022, 12, 31),
            by=world["users"]["organiser"],
        )
    assert "Năm đánh giá 2023 nằm ngoài kỳ số liệu (01/01/2022 – 31/12/2022)" in refused.value.errors["year"]
    campaign.refresh_from_db()
    assert campaign.period_start is None and not AuditEntry.objects.filter(action="campaign.update").exists()
