"""The campaign pages: the list and one campaign with deadlines, groups, units' progress, reopenings."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dti.assessments.models import Assessment, Entry
from dti.campaigns.models import Campaign, Participation
from dti.units.models import Unit
from tests.conftest import PERSONAS


def test_every_signed_in_role_sees_campaigns(world, login):
    campaign = world["campaign"]
    for persona in PERSONAS:
        client = login(persona)
        for url in ("/ky-danh-gia/", f"/ky-danh-gia/{campaign.pk}/"):
            assert client.get(url).status_code == 200, (persona, url)
        body = client.get(f"/ky-danh-gia/{campaign.pk}/").content.decode()
        manager = persona in ("organiser", "admin")
        assert ("Sửa kỳ đánh giá" in body) is manager, persona
        assert ("Thêm nhóm xếp hạng" in body) is manager, persona
        assert ("Tạo kỳ đánh giá" in client.get("/ky-danh-gia/").content.decode()) is manager, persona
    for url in ("/ky-danh-gia/", f"/ky-danh-gia/{campaign.pk}/"):
        assert login("anonymous").get(url).status_code == 302


def test_detail_shows_deadlines_groups_status_and_progress(world, login):
    campaign = world["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(
        appraisal_deadline=datetime.date(2031, 1, 5), publication_date=datetime.date(2031, 2, 1)
    )
    Entry.objects.create(assessment=world["assessment"], code="I.1", values={"truong_ban": "pho"})
    Entry.objects.create(assessment=world["assessment"], code="II.2", score=5)
    Assessment.objects.filter(pk=world["other_assessment"].pk).update(status=Assessment.Status.SUBMITTED)
    body = login("viewer").get(f"/ky-danh-gia/{campaign.pk}/").content.decode()
    assert timezone.localtime(campaign.submission_deadline).strftime("%H:%M %d/%m/%Y") in body
    assert "05/01/2031" in body and "01/02/2031" in body
    assert "Nhóm huyện" in body and "Bộ chỉ số thử nghiệm cấp huyện" in body and "(4 chỉ số thành phần)" in body
    assert "Hoàn thành 2/4 chỉ số" in body and 'max="100" value="50"' in body
    assert '<span class="badge ok">Đã gửi</span>' in body
    assert "Chưa có lần mở lại nào." in body
    assert "Mở lại…" not in body  # before the deadline, and not an organiser


def test_reopen_forms_appear_after_the_deadline_for_units_not_submitted(world, login):
    campaign = world["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() - datetime.timedelta(hours=2))
    Assessment.objects.filter(pk=world["other_assessment"].pk).update(status=Assessment.Status.SUBMITTED)
    body = login("organiser").get(f"/ky-danh-gia/{campaign.pk}/").content.decode()
    assert "Đã quá hạn" in body
    assert body.count("<summary>Mở lại…</summary>") == 1
    assert f"/ky-danh-gia/{campaign.pk}/mo-lai/{world['participation'].pk}/" in body
    viewer = login("viewer").get(f"/ky-danh-gia/{campaign.pk}/").content.decode()
    assert "Mở lại…" not in viewer


def test_the_campaign_page_counts_progress_as_the_units_own_page(world, login):
    """Regression: the campaign page counted indicators with a stored row (74/74 for Kim Bảng)
    while the unit's page counted those with data enough to score (56/74). An entry whose
    ratio lacks its numerator, or that is empty, is not done on either page."""
    a = world["assessment"]
    Entry.objects.create(assessment=a, code="I.1", values={"truong_ban": "pho"})
    Entry.objects.create(assessment=a, code="I.2", values={}, comment="Chưa có số xã")
    Entry.objects.create(assessment=a, code="II.1", values={"ban_hanh": True})
    Entry.objects.create(assessment=a, code="II.2", self_score=5)  # a self score is no manual score
    campaign_page = login("viewer").get(f"/ky-danh-gia/{world['campaign'].pk}/").content.decode()
    unit_page = login("reporter").get(f"/danh-gia/{a.pk}/").content.decode()
    assert "Hoàn thành 2/4 chỉ số" in unit_page
    row = campaign_page[campaign_page.index(f'id="don-vi-{world["participation"].pk}"') :]
    assert "Hoàn thành 2/4 chỉ số" in row[: row.index("</tr>")]


def test_a_unit_without_an_assessment_yet(world, login):
    unit = Unit.objects.create(name="UBND huyện Ba", unit_type=world["unit"].unit_type)
    Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=unit)
    body = login("admin").get(f"/ky-danh-gia/{world['campaign'].pk}/").content.decode()
    assert "Chưa bắt đầu" in body and "Hoàn thành 0/4 chỉ số" in body


def test_detail_queries_do_not_grow_with_units(world, login):
    client = login("organiser")
    url = f"/ky-danh-gia/{world['campaign'].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        unit = Unit.objects.create(name=f"UBND huyện Thêm {i}", unit_type=world["unit"].unit_type)
        p = Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=unit)
        Assessment.objects.create(participation=p)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
