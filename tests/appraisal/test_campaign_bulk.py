"""The campaign page's step for the units ticked: start or finish their appraisal, accept their
remaining indicators; all of them or none, through the same services (and refusals) as one at a time."""

from __future__ import annotations

from typing import Any

from dti.appraisal.models import Assignment, Review
from dti.assessments.models import Assessment, Transition
from dti.audit.models import AuditEntry

S = Assessment.Status


def bulk(client: Any, world: Any, action: str, assessments: list[Assessment], **extra: str) -> Any:
    data = {"action": action, "assessments": [str(a.pk) for a in assessments], **extra}
    return client.post(f"/tham-dinh/ky/{world['campaign'].pk}/hang-loat/", data)


def statuses(*assessments: Assessment) -> list[str]:
    return [Assessment.objects.get(pk=a.pk).status for a in assessments]


def test_the_page_offers_the_steps_and_a_box_per_unit(appraising, login) -> None:
    body = login("organiser").get(f"/tham-dinh/ky/{appraising['campaign'].pk}/?tim=mot").content.decode()
    assert '<form method="post" id="hang-loat"' in body and '<input type="hidden" name="back" value="tim=mot">' in body
    assert '<option value="start_appraisal">Bắt đầu thẩm định</option>' in body
    assert '<option value="accept_remaining">' not in body  # the appraisers' step
    one = appraising["assessment"]
    assert f'name="assessments" value="{one.pk}" form="hang-loat" aria-label="Chọn UBND huyện Một">' in body
    assert '<input type="checkbox" data-select-all="assessments">' in body
    assert 'id="hang-loat"' not in login("chair").get(f"/tham-dinh/ky/{appraising['campaign'].pk}/").content.decode()


def test_the_organiser_starts_the_appraisal_of_several_units_at_once(appraising, login) -> None:
    one, two = appraising["assessment"], appraising["other_assessment"]
    client = login("organiser")
    response = bulk(client, appraising, "start_appraisal", [one, two], back="tim=huyen&trang=1")
    assert response.status_code == 302
    assert response["Location"] == f"/tham-dinh/ky/{appraising['campaign'].pk}/?tim=huyen&trang=1"
    assert statuses(one, two) == [S.IN_APPRAISAL, S.IN_APPRAISAL]
    assert Transition.objects.filter(new=S.IN_APPRAISAL).count() == 2
    assert AuditEntry.objects.filter(action="assessment.start_appraisal").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Đã bắt đầu thẩm định 2 đơn vị: UBND huyện Hai, UBND huyện Một." in page


def test_one_unit_refused_refuses_the_batch_naming_it(appraising, login) -> None:
    one, two = appraising["assessment"], appraising["other_assessment"]
    Assessment.objects.filter(pk=two.pk).update(status=S.IN_APPRAISAL)
    response = bulk(login("organiser"), appraising, "start_appraisal", [one, two])
    assert response.status_code == 422
    body = response.content.decode()
    assert "Chưa thực hiện: Không thể chuyển bản đánh giá của UBND huyện Hai" in body
    assert statuses(one, two) == [S.SUBMITTED, S.IN_APPRAISAL]
    assert not Transition.objects.filter(new=S.IN_APPRAISAL).exists()


def test_finishing_an_unfinished_unit_is_refused_with_what_is_missing(appraising, login) -> None:
    one = appraising["assessment"]
    Assessment.objects.filter(pk=one.pk).update(status=S.IN_APPRAISAL)
    response = bulk(login("organiser"), appraising, "finish_appraisal", [one])
    assert response.status_code == 422
    assert "Chưa thể kết thúc thẩm định UBND huyện Một" in response.content.decode()
    assert statuses(one) == [S.IN_APPRAISAL]


def test_nothing_ticked_or_no_step_chosen(appraising, login) -> None:
    client = login("organiser")
    response = bulk(client, appraising, "start_appraisal", [])
    assert response.status_code == 422 and "Cần chọn ít nhất một đơn vị." in response.content.decode()
    response = bulk(client, appraising, "", [appraising["assessment"]])
    assert response.status_code == 422 and "Cần chọn một thao tác." in response.content.decode()
    response = bulk(client, appraising, "accept_remaining", [appraising["assessment"]])  # not the organiser's
    assert response.status_code == 422 and "Cần chọn một thao tác." in response.content.decode()
    assert statuses(appraising["assessment"]) == [S.SUBMITTED]


def test_an_unknown_unit_is_not_taken(appraising, login) -> None:
    response = bulk(login("organiser"), appraising, "start_appraisal", [Assessment(pk=999_999)])
    assert response.status_code == 422 and "Cần chọn ít nhất một đơn vị." in response.content.decode()


def test_an_appraiser_accepts_the_remaining_indicators_of_their_units(appraising, login) -> None:
    one = appraising["assessment"]
    Review.objects.create(assessment=one, code="I.1", decision=Review.Decision.ACCEPTED)
    client = login("appraiser")
    response = bulk(client, appraising, "accept_remaining", [one])
    assert response.status_code == 302
    assert set(Review.objects.filter(assessment=one).values_list("code", flat=True)) == {"I.1", "I.2", "II.1", "II.2"}
    assert statuses(one) == [S.IN_APPRAISAL]  # taken up with its first verdicts
    page = client.get(response["Location"]).content.decode()
    assert "Đã chấp nhận 3 chỉ số còn lại của 1 đơn vị: UBND huyện Một." in page


def test_a_unit_outside_the_appraisers_scope_is_refused(appraising, login) -> None:
    one, two = appraising["assessment"], appraising["other_assessment"]
    assert not Assignment.objects.filter(participation=two.participation).exists()
    response = bulk(login("appraiser"), appraising, "start_appraisal", [one, two])
    assert response.status_code == 403
    page = response.content.decode()  # the campaign page, saying which unit and why (not a bare 403 page)
    assert "Chưa thực hiện: UBND huyện Hai: Bạn không được phân công thẩm định đơn vị hoặc chỉ số này." in page
    assert 'name="assessments"' in page  # the rows, to tick again
    assert statuses(one, two) == [S.SUBMITTED, S.SUBMITTED]


def test_people_outside_the_appraisal_are_refused_at_the_door(appraising, login) -> None:
    response = bulk(login("reporter"), appraising, "start_appraisal", [appraising["assessment"]])
    assert response.status_code == 403 and "tổ thẩm định" in response.content.decode()
    assert statuses(appraising["assessment"]) == [S.SUBMITTED]
