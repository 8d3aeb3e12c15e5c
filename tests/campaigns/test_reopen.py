"""participation_reopen: after the deadline, the organiser lets one unit submit until a time, with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dti.assessments.models import Assessment
from dti.assessments.rules import edit_block_reason
from dti.audit.models import AuditEntry
from dti.campaigns import services
from dti.campaigns.models import Campaign, Reopening
from dti.core.errors import ServiceError

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


@pytest.fixture
def past(world) -> Campaign:
    """The world's campaign with its submission deadline passed."""
    campaign = world["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() - datetime.timedelta(days=1))
    campaign.refresh_from_db()
    world["participation"].refresh_from_db()
    return campaign


def _until(days: int = 3) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_reopens_one_unit_and_records_who_why_until(world, past):
    participation, organiser = world["participation"], world["users"]["organiser"]
    assessment = world["assessment"]
    assert edit_block_reason(assessment).startswith("Đã quá hạn gửi báo cáo")
    until = _until()
    reopening = services.participation_reopen(
        participation=participation, until=until, reason="Đơn vị gặp sự cố mạng", by=organiser
    )
    assert (reopening.by, reopening.reason, reopening.until) == (organiser, "Đơn vị gặp sự cố mạng", until)
    participation.refresh_from_db()
    assert participation.reopened_until == until and participation.may_submit()
    assert edit_block_reason(Assessment.objects.get(pk=assessment.pk)) == ""
    entry = AuditEntry.objects.get(action="participation.reopen")
    assert (entry.unit, entry.campaign, entry.comment) == (world["unit"], past, "Đơn vị gặp sự cố mạng")
    assert entry.old is None and entry.new == until.isoformat()
    # the other unit stays closed
    assert edit_block_reason(world["other_assessment"]).startswith("Đã quá hạn gửi báo cáo")


def test_reason_and_a_future_time_are_required(world, past):
    with pytest.raises(services.Invalid) as exc:
        services.participation_reopen(
            participation=world["participation"],
            until=timezone.now() - datetime.timedelta(minutes=1),
            reason="  ",
            by=world["users"]["admin"],
        )
    assert exc.value.errors["reason"] == "Cần nêu lý do mở lại."
    assert "phải sau thời điểm hiện tại" in exc.value.errors["until"]
    with pytest.raises(services.Invalid) as exc:
        services.participation_reopen(
            participation=world["participation"], until=None, reason="x", by=world["users"]["admin"]
        )
    assert set(exc.value.errors) == {"until"}
    assert not Reopening.objects.exists() and not AuditEntry.objects.filter(action="participation.reopen").exists()


def test_not_needed_before_the_deadline(world):
    with pytest.raises(ServiceError) as exc:
        services.participation_reopen(
            participation=world["participation"], until=_until(20), reason="Sớm", by=world["users"]["organiser"]
        )
    assert "vẫn còn hạn gửi báo cáo" in exc.value.message


def test_not_for_a_submitted_unit_or_a_closed_campaign(world, past):
    Assessment.objects.filter(pk=world["assessment"].pk).update(status=Assessment.Status.SUBMITTED)
    world["participation"].refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.participation_reopen(
            participation=world["participation"], until=_until(), reason="x", by=world["users"]["admin"]
        )
    assert "đã gửi bản tự đánh giá" in exc.value.message
    Campaign.objects.filter(pk=past.pk).update(state=Campaign.State.APPROVED)
    participation = world["other_assessment"].participation
    participation.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.participation_reopen(
            participation=participation, until=_until(), reason="x", by=world["users"]["admin"]
        )
    assert "Đã phê duyệt" in exc.value.message


@pytest.mark.parametrize("state", [Campaign.State.SUBMISSIONS_CLOSED, Campaign.State.APPRAISAL])
def test_a_late_unit_may_be_reopened_once_submissions_have_stopped(world, past, state):
    Campaign.objects.filter(pk=past.pk).update(state=state)
    participation = world["participation"]
    participation.refresh_from_db()
    assert "không còn nhận báo cáo" in edit_block_reason(Assessment.objects.get(pk=world["assessment"].pk))
    organiser = world["users"]["organiser"]
    services.participation_reopen(participation=participation, until=_until(), reason="Gia hạn", by=organiser)
    participation.refresh_from_db()
    assert participation.may_submit()
    assert edit_block_reason(Assessment.objects.get(pk=world["assessment"].pk)) == ""


def test_service_checks_permission(world, past):
    for persona in REFUSED:
        with pytest.raises(PermissionDenied):
            services.participation_reopen(
                participation=world["participation"], until=_until(), reason="x", by=world["users"][persona]
            )
    assert not Reopening.objects.exists()


def test_page_refuses_other_roles_including_the_units_reporter(world, login, past):
    url = f"/ky-danh-gia/{past.pk}/mo-lai/{world['participation'].pk}/"
    data = {"until": timezone.localtime(_until()).strftime("%d/%m/%Y %H:%M"), "reason": "Sự cố"}
    for persona in REFUSED:
        assert login(persona).post(url, data).status_code == 403, persona
    assert login("anonymous").post(url, data).status_code == 302
    assert not Reopening.objects.exists()


def test_page_reopens_and_lists_the_reopening(world, login, past):
    url = f"/ky-danh-gia/{past.pk}/mo-lai/{world['participation'].pk}/"
    until = timezone.localtime(_until()).replace(second=0, microsecond=0)
    response = login("organiser").post(
        url, {"until": until.strftime("%d/%m/%Y %H:%M"), "reason": "Sự cố mạng ngày cuối"}, follow=True
    )
    body = response.content.decode()
    assert "Đã mở lại việc gửi báo cáo cho UBND huyện Một." in body
    assert "<td>UBND huyện Một</td><td>Organiser</td>" in body and "Sự cố mạng ngày cuối" in body
    assert until.strftime("%H:%M %d/%m/%Y") in body
    assert Reopening.objects.get().until == until


def test_page_without_reason_shows_the_problem_in_the_units_form(world, login, past):
    participation = world["participation"]
    url = f"/ky-danh-gia/{past.pk}/mo-lai/{participation.pk}/"
    response = login("organiser").post(url, {"until": "", "reason": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Cần nêu lý do mở lại." in body and "Cần nhập thời hạn mở lại" in body
    assert '<details class="reopen" open>' in body
    assert not Reopening.objects.exists()


def test_page_before_the_deadline_says_it_is_not_needed(world, login):
    url = f"/ky-danh-gia/{world['campaign'].pk}/mo-lai/{world['participation'].pk}/"
    until = timezone.localtime(_until(20)).strftime("%d/%m/%Y %H:%M")
    response = login("admin").post(url, {"until": until, "reason": "x"}, follow=True)
    assert "vẫn còn hạn gửi báo cáo" in response.content.decode()
    assert not Reopening.objects.exists()
