"""The appraisal pages: home, campaign overview, the unit workspace and its unit-level actions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dti.appraisal.models import Assignment, Review
from dti.assessments.models import Assessment

S = Assessment.Status


def test_home_lists_only_the_appraisers_units(appraising: dict[str, Any], login: Any) -> None:
    html = login("appraiser").get(reverse("appraisal:home")).content.decode()
    assert "UBND huyện Một" in html and "UBND huyện Hai" not in html
    assert "0/4 chỉ số đã thẩm định" in html
    html = login("organiser").get(reverse("appraisal:home")).content.decode()
    assert "UBND huyện Một" in html and "UBND huyện Hai" in html


def test_campaign_page_totals_and_assignments(appraising: dict[str, Any], login: Any) -> None:
    campaign = appraising["campaign"]
    url = reverse("appraisal:campaign", args=[campaign.pk])
    html = login("organiser").get(url).content.decode()
    # UBND huyện Một: its claim; no appraised figure before its appraisal has started
    assert "35,50" in html and "33,50" not in html and 'title="Chưa bắt đầu thẩm định">—' in html
    Assessment.objects.filter(pk=appraising["assessment"].pk).update(status=S.IN_APPRAISAL)
    html = login("organiser").get(url).content.decode()
    assert "35,50" in html and "33,50" in html  # claimed vs appraised (the formula on its data, nothing adjusted)
    assert "Phân công thẩm định" in html and f"/tham-dinh/ky/{campaign.pk}/so-lieu-chinh-thuc/" in html
    assert "Phân công thẩm định" not in login("appraiser").get(url).content.decode()
    assert login("chair").get(url).status_code == 200


def test_organiser_assigns_and_removes(appraising: dict[str, Any], login: Any) -> None:
    campaign, users = appraising["campaign"], appraising["users"]
    two = appraising["other_assessment"]
    client = login("organiser")
    url = reverse("appraisal:assignment_add", args=[campaign.pk])
    response = client.post(url, {"appraiser": "", "units": [str(two.participation_id)]})
    assert response.status_code == 422 and "Cần chọn người thẩm định." in response.content.decode()
    data = {"appraiser": str(users["appraiser"].pk), "units": [str(two.participation_id)], "indices": ["II"]}
    assert client.post(url, data).status_code == 302
    assignment = Assignment.objects.get(participation=two.participation)
    assert assignment.indices == ["II"]
    delete = reverse("appraisal:assignment_delete", args=[campaign.pk, assignment.pk])
    assert login("appraiser").post(delete).status_code == 403
    assert client.post(delete).status_code == 302
    assert not Assignment.objects.filter(participation=two.participation).exists()
    assert login("appraiser").post(url, data).status_code == 403


def test_workspace_shows_both_sides(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    html = login("appraiser").get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    for text in ("Đơn vị kê khai", "Theo công thức", "Sau thẩm định", "15 / 20", "Tổng hợp điểm", "Chấp nhận"):
        assert text in html, text
    assert reverse("appraisal:move", args=[one.pk, "start_appraisal"]) in html
    assert reverse("appraisal:move", args=[one.pk, "reopen"]) not in html  # not the appraiser's, nor legal now


def test_chair_reads_without_buttons(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    html = login("chair").get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    assert "Lưu kết luận" not in html and "/chuyen/" not in html


def test_start_accept_finish_reopen(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    appraiser = login("appraiser")
    assert appraiser.post(reverse("appraisal:move", args=[one.pk, "start_appraisal"])).status_code == 302
    one.refresh_from_db()
    assert one.status == S.IN_APPRAISAL
    # finishing too early: the problems are shown, nothing changes
    response = appraiser.post(reverse("appraisal:move", args=[one.pk, "finish_appraisal"]))
    assert response.status_code == 422 and "chưa được thẩm định" in response.content.decode()
    assert appraiser.post(reverse("appraisal:accept_remaining", args=[one.pk])).status_code == 302
    assert Review.objects.filter(assessment=one).count() == 4
    response = appraiser.post(reverse("appraisal:move", args=[one.pk, "finish_appraisal"]), follow=True)
    assert "Đã kết thúc thẩm định UBND huyện Một." in response.content.decode()
    one.refresh_from_db()
    assert one.status == S.APPRAISED
    html = response.content.decode()
    assert reverse("appraisal:move", args=[one.pk, "finish_appraisal"]) not in html
    # only the organiser reopens, with a reason
    reopen = reverse("appraisal:move", args=[one.pk, "reopen"])
    assert appraiser.post(reopen, {"comment": "Xem lại"}).status_code == 403
    organiser = login("organiser")
    assert reopen in organiser.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    response = organiser.post(reopen, {"comment": ""})
    assert response.status_code == 422 and "Cần nêu lý do mở lại." in response.content.decode()
    assert organiser.post(reopen, {"comment": "Hội đồng đề nghị xem lại I.2"}).status_code == 302
    one.refresh_from_db()
    assert one.status == S.REOPENED


def test_return_needs_a_reason_and_the_unit_edits_again(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    appraiser = login("appraiser")
    url = reverse("appraisal:move", args=[one.pk, "return_to_unit"])
    response = appraiser.post(url, {"comment": "  "})
    assert response.status_code == 422 and "Cần nêu lý do trả lại." in response.content.decode()
    one.refresh_from_db()
    assert one.status == S.SUBMITTED
    reporter = login("reporter")
    entry_url = reverse("assessments:entry", args=[one.pk, "I.2"])
    assert reporter.post(entry_url, {"a": "16", "version": "1"}).status_code != 302  # read-only while submitted
    assert appraiser.post(url, {"comment": "Thiếu quyết định thành lập Ban chỉ đạo"}).status_code == 302
    one.refresh_from_db()
    assert one.status == S.RETURNED
    response = reporter.post(entry_url, {"a": "16", "version": "1"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert one.entries.get(code="I.2").values["a"] in ("16", 16)
    # back in the unit's hands: no appraisal actions offered
    html = appraiser.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    assert "/chuyen/" not in html and "chưa gửi bản tự đánh giá" in html


def test_illegal_move_names_are_404(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    assert login("chair").post(reverse("appraisal:move", args=[one.pk, "approve"])).status_code == 404


def test_inline_evidence_can_be_framed_by_our_pages(appraising: dict[str, Any], login: Any, settings: Any) -> None:
    assert settings.X_FRAME_OPTIONS == "SAMEORIGIN"


def test_large_framework_shows_one_index_at_a_time(appraising: dict[str, Any], login: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("dti.assessments.selectors.LAZY_AFTER", 2)  # as if the framework had over 30 indicators
    one = appraising["assessment"]
    client = login("appraiser")
    url = reverse("appraisal:unit", args=[one.pk])
    html = client.get(url).content.decode()
    assert 'id="ind-I-1"' in html and 'id="ind-II-1"' not in html
    assert "?chi-so-chinh=II" in html  # the other index is a link
    html = client.get(url + "?chi-so-chinh=II").content.decode()
    assert 'id="ind-II-1"' in html and 'id="ind-I-1"' not in html
    response = client.post(reverse("appraisal:review", args=[one.pk, "II.1"]), {"accept": "1", "version": "0"})
    assert response["Location"].endswith("?chi-so-chinh=II#ind-II-1")


def test_the_header_shows_an_appraised_total_only_once_the_appraisal_has_started(
    appraising: dict[str, Any], login: Any
) -> None:
    """Regression: before any verdict the "appraised" total was the formula on the unit's own data (33,50)."""
    one = appraising["assessment"]
    client = login("appraiser")
    header = 'class="summary appraisal-summary"'

    def summary() -> str:
        html = client.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
        return html[html.index(header) : html.index("</div>\n\n", html.index(header))]

    before = summary()
    assert "Tự đánh giá" in before and "35,50" in before
    assert "Sau thẩm định" not in before and "33,50" not in before
    client.post(reverse("appraisal:review", args=[one.pk, "I.1"]), {"version": "0", "accept": "1"})
    after = summary()
    assert "Sau thẩm định" in after and "33,50" in after
