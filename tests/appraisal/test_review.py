"""Verdicts on one indicator through the workspace: accept, adjust with a reason, N/A, stale versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from dti.appraisal.models import Review
from dti.assessments.models import Assessment, Entry

S = Assessment.Status


def post_review(client: Any, assessment: Assessment, code: str, **data: str) -> Any:
    return client.post(reverse("appraisal:review", args=[assessment.pk, code]), {"version": "0", **data})


def test_accept_takes_up_the_unit(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    client = login("appraiser")
    response = post_review(client, one, "I.1", accept="1")
    assert response.status_code == 302 and response["Location"].endswith("#ind-I-1")
    review = Review.objects.get(assessment=one, code="I.1")
    assert review.decision == Review.Decision.ACCEPTED and review.version == 1
    one.refresh_from_db()
    assert one.status == S.IN_APPRAISAL
    page = client.get(response["Location"])
    assert "Đã lưu kết luận thẩm định chỉ số I.1." in page.content.decode()


def test_adjustment_needs_a_reason_and_keeps_the_input(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    response = post_review(login("appraiser"), one, "I.2", a="12", reason="")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Cần nêu lý do khi điều chỉnh" in html
    assert 'name="a" value="12"' in html
    assert not Review.objects.filter(assessment=one).exists()


def test_invalid_number_is_refused_in_vietnamese(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    response = post_review(login("appraiser"), one, "I.2", a="mười hai", reason="Sai số liệu")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="mười hai"' in html
    assert "Chưa lưu kết luận I.2" in html and "Số xã có chuyên mục" in html
    assert 'value="Sai số liệu"' in html or "Sai số liệu</textarea>" in html
    response = post_review(login("appraiser"), one, "II.2", score="mười", reason="x")
    assert response.status_code == 422 and "Điểm thẩm định" in response.content.decode()
    assert not Review.objects.filter(assessment=one).exists()


def test_adjustment_changes_the_appraised_total(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    client = login("appraiser")
    response = post_review(client, one, "I.2", a="12", reason="Chỉ 12 xã có chuyên mục")
    assert response.status_code == 302
    review = Review.objects.get(assessment=one, code="I.2")
    assert review.decision == Review.Decision.ADJUSTED and review.values == {"a": "12"}
    response = post_review(client, one, "II.2", score="9", reason="Có thêm sản phẩm")
    assert Review.objects.get(assessment=one, code="II.2").score == Decimal("9")
    html = client.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    # claimed 10 + 7,5 + 10 + 8 = 35,5; appraised 10 + 6 + 10 + 9 = 35
    assert "35,50" in html and "35,00" in html
    assert "Chỉ 12 xã có chuyên mục" in html and "Có thêm sản phẩm" in html  # the adjustments list
    assert "12 / 20" in html  # the appraised trace


def test_stale_version_shows_the_other_verdict(appraising: dict[str, Any], login: Any) -> None:
    from dti.accounts.models import User
    from dti.appraisal.models import Assignment
    from dti.core.roles import Role

    one = appraising["assessment"]
    colleague = User.objects.create_user("dong_nghiep", full_name="Đồng Nghiệp", role=Role.APPRAISER)
    Assignment.objects.create(participation=one.participation, appraiser=colleague)
    assert post_review(login("appraiser"), one, "I.2", a="12", reason="Chỉ 12 xã").status_code == 302
    client = login("appraiser")
    client.force_login(colleague, backend="dti.accounts.backends.UnitModelBackend")
    response = post_review(client, one, "I.2", a="14", reason="Có 14 xã")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kết luận đã lưu của Appraiser" in html and "Chỉ 12 xã" in html
    assert 'name="a" value="14"' in html
    assert Review.objects.get(assessment=one, code="I.2").values == {"a": "12"}


def test_not_applicable_request_accepted_or_refused(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    Entry.objects.filter(assessment=one, code="I.1").update(na_requested=True, na_reason="Chưa thành lập")
    client = login("appraiser")
    html = client.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    assert 'name="na_decision"' in html and "Chưa thành lập" in html
    response = post_review(client, one, "I.1", na_decision="refused")
    assert response.status_code == 422 and "Cần nêu lý do" in response.content.decode()
    assert post_review(client, one, "I.1", na_decision="accepted").status_code == 302
    assert Review.objects.get(assessment=one, code="I.1").na_decision == "accepted"
    response = post_review(client, one, "I.1", na_decision="refused", reason="Đã có quyết định", version="1")
    assert response.status_code == 302
    review = Review.objects.get(assessment=one, code="I.1")
    assert review.na_decision == "refused" and review.decision == Review.Decision.ADJUSTED


def test_review_refused_outside_appraising_statuses(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    Assessment.objects.filter(pk=one.pk).update(status=S.APPRAISED)
    response = post_review(login("appraiser"), one, "I.1", accept="1")
    assert response.status_code == 422
    assert "không thể thẩm định lúc này" in response.content.decode()
    assert not Review.objects.exists()


def test_unknown_indicator_is_404(appraising: dict[str, Any], login: Any) -> None:
    assert post_review(login("appraiser"), appraising["assessment"], "IX.9").status_code == 404
