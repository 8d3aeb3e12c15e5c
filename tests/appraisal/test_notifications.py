"""Appraisal tells people: an appraiser their assignment; the unit that its appraisal is finished;
the council chairs once no unit of the campaign is left to appraise."""

from __future__ import annotations

from typing import Any

import pytest

from dti.accounts.models import Notification
from dti.appraisal import services
from dti.appraisal.models import Assignment
from dti.core.errors import ServiceError


def texts(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_an_assignment_is_told_once_and_again_when_it_changes(world: dict[str, Any]) -> None:
    users = world["users"]
    appraiser, organiser = users["appraiser"], users["organiser"]
    participation = world["participation"]
    services.assignment_set(participation=participation, appraiser=appraiser, indices=[], by=organiser)
    assert texts(appraiser) == [
        "Bạn được phân công thẩm định UBND huyện Một (Kỳ đánh giá thử nghiệm 2023): mọi chỉ số chính."
    ]
    assert Notification.objects.get(user=appraiser).url == f"/tham-dinh/ky/{world['campaign'].pk}/"
    services.assignment_set(participation=participation, appraiser=appraiser, indices=[], by=organiser)
    assert len(texts(appraiser)) == 1  # nothing changed: nothing told
    services.assignment_set(participation=participation, appraiser=appraiser, indices=["II"], by=organiser)
    assert texts(appraiser)[0] == (
        "Bạn được phân công thẩm định UBND huyện Một (Kỳ đánh giá thử nghiệm 2023): chỉ số chính II."
    )


def test_a_refused_assignment_tells_nobody(world: dict[str, Any]) -> None:
    with pytest.raises(ServiceError):
        services.assignment_set(
            participation=world["participation"],
            appraiser=world["users"]["appraiser"],
            indices=["IX"],
            by=world["users"]["organiser"],
        )
    assert not Notification.objects.exists()


def finish(world: dict[str, Any], key: str) -> None:
    appraiser = world["users"]["appraiser"]
    services.accept_remaining(assessment=world[key], by=appraiser)
    services.finish_appraisal(assessment=world[key], by=appraiser)


def test_finishing_tells_the_unit_then_the_chair_when_the_last_unit_is_done(appraising: dict[str, Any]) -> None:
    users = appraising["users"]
    Assignment.objects.create(participation=appraising["other_assessment"].participation, appraiser=users["appraiser"])
    Notification.objects.all().delete()
    finish(appraising, "assessment")
    one = appraising["assessment"]
    for persona in ("reporter", "leader"):
        [text] = texts(users[persona])
        assert text == (
            "Đã kết thúc thẩm định bản tự đánh giá của UBND huyện Một (Kỳ đánh giá thử nghiệm 2023); "
            "kết quả chờ Hội đồng phê duyệt."
        )
    assert Notification.objects.get(user=users["leader"]).url == f"/danh-gia/{one.pk}/ket-qua/"
    assert not texts(users["chair"])  # UBND huyện Hai is still being appraised
    assert not texts(users["other_leader"])
    finish(appraising, "other_assessment")
    [text] = texts(users["chair"])
    assert text == "Mọi đơn vị của Kỳ đánh giá thử nghiệm 2023 đã thẩm định xong; kết quả chờ Hội đồng phê duyệt."
    assert Notification.objects.get(user=users["chair"]).url == f"/phe-duyet/{appraising['campaign'].pk}/"
