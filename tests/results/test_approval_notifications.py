"""The approval tells the organisers (who publish) and each approved unit (its result is approved)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from dti.accounts.models import Notification
from dti.results.services import approve_campaign
from tests.results.conftest import DECISION


def test_approval_reaches_the_organiser_and_the_units(appraised: dict[str, Any]) -> None:
    users = appraised["users"]
    Notification.objects.all().delete()
    approve_campaign(campaign=appraised["campaign"], by=users["chair"], **DECISION)
    [organiser] = Notification.objects.filter(user=users["organiser"])
    assert organiser.text == (
        "Kết quả Kỳ đánh giá thử nghiệm 2023 đã được phê duyệt (Quyết định số 15/QĐ-UBND ngày 01/07/2024); chờ công bố."
    )
    assert organiser.url == f"/phe-duyet/{appraised['campaign'].pk}/"
    for persona, key in (("leader", "assessment"), ("other_reporter", "other_assessment")):
        [note] = Notification.objects.filter(user=users[persona])
        assert "đã được Hội đồng phê duyệt (Quyết định số 15/QĐ-UBND ngày 01/07/2024)" in note.text
        assert note.url == f"/danh-gia/{appraised[key].pk}/ket-qua/"
    assert not Notification.objects.filter(user__in=[users["viewer"], users["appraiser"]]).exists()


def test_a_refused_approval_tells_nobody(appraised: dict[str, Any]) -> None:
    Notification.objects.all().delete()
    with pytest.raises(PermissionDenied):
        approve_campaign(campaign=appraised["campaign"], by=appraised["users"]["organiser"], **DECISION)
    assert not Notification.objects.exists()
