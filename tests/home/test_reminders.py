"""Reminders before each deadline (`dti remind`, daily): one per deadline per unit, to the right people."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.utils import timezone

from dti.accounts.models import Notification
from dti.appraisal import explanation, services
from dti.assessments import workflow
from dti.campaigns.models import Campaign, Participation
from dti.cli import main
from dti.home.models import Reminder
from dti.home.reminders import send_reminders


def notices(world: dict[str, Any], persona: str) -> list[str]:
    """The reminders the persona received."""
    mine = Notification.objects.filter(user=world["users"][persona], text__startswith="Nhắc hạn")
    return list(mine.values_list("text", flat=True))


def due_in(world: dict[str, Any], **delta: float) -> datetime.datetime:
    """Move the campaign's submission deadline to now + `delta`."""
    deadline = timezone.now() + datetime.timedelta(**delta)
    Campaign.objects.filter(pk=world["campaign"].pk).update(submission_deadline=deadline)
    return deadline


def test_units_not_submitted_are_reminded_once(world: dict[str, Any]) -> None:
    due_in(world, days=2)
    workflow.submit(assessment=world["other_assessment"], by=world["users"]["other_leader"])
    sent = send_reminders()
    assert [(d.kind, str(d.participation.unit)) for d in sent] == [("submission", "UBND huyện Một")]
    for persona in ("reporter", "leader"):
        [text] = notices(world, persona)
        assert text.startswith("Nhắc hạn: UBND huyện Một cần gửi bản tự đánh giá (Kỳ đánh giá thử nghiệm 2023) trước ")
    assert not notices(world, "other_reporter")  # submitted
    assert not notices(world, "organiser")
    assert send_reminders() == []  # the second run the same day sends nothing
    assert Notification.objects.filter(text__startswith="Nhắc hạn").count() == 2 and Reminder.objects.count() == 1


def test_nothing_before_the_window_or_after_the_deadline(world: dict[str, Any]) -> None:
    due_in(world, days=5)
    assert send_reminders() == []
    assert send_reminders(days=6) != []  # a wider window reaches it
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    due_in(world, hours=-1)
    assert send_reminders() == []
    assert not Notification.objects.exists()


def test_a_moved_deadline_is_reminded_again(world: dict[str, Any]) -> None:
    due_in(world, days=1)
    assert len(send_reminders()) == 2  # both units
    later = timezone.now() + datetime.timedelta(days=2)
    Participation.objects.filter(pk=world["participation"].pk).update(reopened_until=later)
    [again] = send_reminders()
    assert again.participation.pk == world["participation"].pk and again.deadline == later


def test_an_open_explanation_request_is_reminded(appraising: dict[str, Any]) -> None:
    users, one = appraising["users"], appraising["assessment"]
    services.question_add(assessment=one, code="I.2", text="Danh sách xã?", by=users["appraiser"])
    explanation.request_explanation(
        assessment=one, by=users["organiser"], deadline=timezone.now() + datetime.timedelta(days=1)
    )
    [due] = send_reminders()
    assert due.kind == Reminder.Kind.EXPLANATION
    [text] = notices(appraising, "leader")
    assert text.startswith("Nhắc hạn: UBND huyện Một cần gửi giải trình trước ")
    reminder = Notification.objects.get(user=users["leader"], text__startswith="Nhắc hạn")
    assert reminder.url == f"/danh-gia/{one.pk}/giai-trinh/"


def test_appraisers_get_one_message_listing_their_units(appraising: dict[str, Any]) -> None:
    from dti.appraisal.models import Assignment

    Assignment.objects.create(
        participation=appraising["other_assessment"].participation, appraiser=appraising["users"]["appraiser"]
    )
    Campaign.objects.filter(pk=appraising["campaign"].pk).update(
        appraisal_deadline=timezone.localdate() + datetime.timedelta(days=1)
    )
    sent = send_reminders()
    assert sorted(str(d.participation.unit) for d in sent if d.kind == "appraisal") == [
        "UBND huyện Hai",
        "UBND huyện Một",
    ]
    [text] = notices(appraising, "appraiser")
    assert "chưa thẩm định xong UBND huyện Hai, UBND huyện Một" in text
    assert send_reminders() == [] and len(notices(appraising, "appraiser")) == 1


def test_dti_remind_prints_what_it_sent(world: dict[str, Any]) -> None:
    due_in(world, days=1)
    out = io.StringIO()
    assert main(["remind"], stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "Đã gửi 2 lời nhắc."
    assert any("Hạn gửi báo cáo" in line and "UBND huyện Một (2 người nhận)" in line for line in lines[1:])
    out = io.StringIO()
    assert main(["remind"], stdout=out) == 0
    assert out.getvalue() == "Đã gửi 0 lời nhắc.\n"


@pytest.mark.parametrize("days", ["-1"])
def test_dti_remind_refuses_a_negative_window(world: dict[str, Any], days: str) -> None:
    err = io.StringIO()
    assert main(["remind", "--days", days], stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue().startswith("dti: --days cần một số ngày không âm")
    assert not Reminder.objects.exists()
