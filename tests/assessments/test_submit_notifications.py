"""Submitting tells the organisers and the unit's assigned appraisers, on their page and by e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from dti.accounts.models import Notification
from dti.appraisal.models import Assignment
from dti.assessments import workflow


def test_submission_reaches_the_organiser_and_the_assigned_appraiser(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    users = world["users"]
    for user in users.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    Assignment.objects.create(participation=world["participation"], appraiser=users["appraiser"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(assessment=world["assessment"], by=users["leader"])
    notes = Notification.objects.select_related("user")
    assert sorted(n.user.username for n in notes) == ["appraiser", "organiser"]
    for note in notes:
        assert note.text == "UBND huyện Một đã gửi bản tự đánh giá (Kỳ đánh giá thử nghiệm 2023)."
        assert note.url == f"/tham-dinh/{world['assessment'].pk}/"
    [mail] = mailoutbox
    assert sorted(mail.to) == ["appraiser@example.vn", "organiser@example.vn"]


def test_an_appraiser_of_another_unit_is_not_told(world: dict[str, Any]) -> None:
    users = world["users"]
    Assignment.objects.create(participation=world["other_assessment"].participation, appraiser=users["appraiser"])
    workflow.submit(assessment=world["assessment"], by=users["leader"])
    assert not Notification.objects.filter(user=users["appraiser"]).exists()
    assert Notification.objects.filter(user=users["organiser"]).count() == 1


def test_a_refused_submission_tells_nobody(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        workflow.submit(assessment=world["assessment"], by=world["users"]["reporter"])
    assert not Notification.objects.exists()
