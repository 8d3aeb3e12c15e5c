"""The banner of an assessment's pages: always there, it says where the assessment stands and what
comes next, and links only the pages the person may open (issue 9 §2)."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.utils import timezone

from dti.appraisal import explanation, services
from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign

S = Assessment.Status


def banner(response: Any) -> str:
    """The banner's text (tags removed, spaces collapsed)."""
    page = html.unescape(response.content.decode())
    [block] = re.findall(r'<div class="status-banner[^"]*" role="status">(.*?)\n</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


def links(response: Any) -> list[str]:
    page = html.unescape(response.content.decode())
    [block] = re.findall(r'<div class="status-banner[^"]*" role="status">(.*?)\n</div>', page, re.S)
    return re.findall(r'href="([^"]+)"', block)


def detail(client: Any, assessment: Assessment) -> Any:
    response = client.get(f"/danh-gia/{assessment.pk}/")
    assert response.status_code == 200
    return response


def test_drafting_names_the_deadline(world: dict[str, Any], login: Any) -> None:
    deadline = timezone.localtime(world["campaign"].submission_deadline).strftime("%H:%M %d/%m/%Y")
    text = banner(detail(login("reporter"), world["assessment"]))
    assert text.startswith("Trạng thái: Đang nhập liệu")
    assert f"lãnh đạo đơn vị duyệt và gửi trước {deadline}" in text


def test_a_reopened_participation_names_its_own_deadline(world: dict[str, Any], login: Any) -> None:
    later = timezone.now() + datetime.timedelta(days=30)
    type(world["participation"]).objects.filter(pk=world["participation"].pk).update(reopened_until=later)
    text = banner(detail(login("reporter"), world["assessment"]))
    assert timezone.localtime(later).strftime("%H:%M %d/%m/%Y") in text


def test_past_the_deadline_it_says_why_the_unit_cannot_send(world: dict[str, Any], login: Any) -> None:
    past = timezone.now() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=world["campaign"].pk).update(submission_deadline=past)
    response = detail(login("reporter"), world["assessment"])
    text = banner(response)
    assert "Đã quá hạn gửi báo cáo" in text and "Liên hệ cơ quan tổ chức để được mở lại." in text
    # Said once: the read-only note below does not repeat it.
    assert html.unescape(response.content.decode()).count("Đã quá hạn gửi báo cáo") == 1


def test_submitted_says_the_appraisers_come_next(appraising: dict[str, Any], login: Any) -> None:
    text = banner(detail(login("leader"), appraising["assessment"]))
    assert text.startswith("Trạng thái: Đã gửi")
    assert "tổ thẩm định kiểm tra số liệu" in text


def test_explanation_links_the_round_for_the_unit_and_the_appraisal_side(
    appraising: dict[str, Any], login: Any
) -> None:
    one = appraising["assessment"]
    users = appraising["users"]
    services.question_add(assessment=one, code="I.2", text="Danh sách xã?", by=users["appraiser"])
    deadline = timezone.now() + datetime.timedelta(days=3)
    explanation.request_explanation(assessment=one, by=users["organiser"], deadline=deadline)
    round_url = f"/danh-gia/{one.pk}/giai-trinh/"
    reporter = banner(detail(login("reporter"), one))
    assert f"Đề nghị giải trình trước {timezone.localtime(deadline).strftime('%H:%M %d/%m/%Y')}" in reporter
    assert "Xem và trả lời" in reporter
    assert links(detail(login("reporter"), one)) == [round_url]
    assert "Xem câu hỏi" in banner(detail(login("organiser"), one))
    # A viewer may read the assessment but not the appraisal: no link it would be refused.
    assert links(detail(login("viewer"), one)) == []


@pytest.mark.parametrize(
    ("status", "stands", "following"),
    [
        (S.IN_APPRAISAL, "Đang thẩm định", "tổ thẩm định kết luận từng chỉ số"),
        (S.EXPLAINED, "Đã giải trình, đang thẩm định lại", "xem xét giải trình"),
        (S.APPRAISED, "Đã thẩm định", "Hội đồng đánh giá xem xét và phê duyệt"),
        (S.APPROVED, "Đã phê duyệt", "cơ quan tổ chức công bố kết quả"),
        (S.PUBLISHED, "Đã công bố", "chỉ thay đổi khi có đính chính"),
    ],
)
def test_every_status_says_what_comes_next(
    appraising: dict[str, Any], login: Any, status: str, stands: str, following: str
) -> None:
    one = appraising["assessment"]
    Assessment.objects.filter(pk=one.pk).update(status=status)
    text = banner(detail(login("reporter"), one))
    assert text.startswith(f"Trạng thái: {stands}") and following in text


@pytest.mark.parametrize("status", [S.APPRAISED, S.APPROVED, S.PUBLISHED])
def test_the_outcome_is_linked_for_those_who_may_open_it(appraising: dict[str, Any], login: Any, status: str) -> None:
    one = appraising["assessment"]
    Assessment.objects.filter(pk=one.pk).update(status=status)
    outcome = f"/danh-gia/{one.pk}/ket-qua/"
    for persona in ("reporter", "leader", "appraiser", "chair"):
        assert outcome in links(detail(login(persona), one)), persona
    assert outcome not in links(detail(login("viewer"), one))
    if status == S.PUBLISHED:
        assert f"/ket-qua/{appraising['campaign'].pk}/" in links(detail(login("viewer"), one))


def test_returned_gives_the_reason(appraising: dict[str, Any], login: Any) -> None:
    from dti.assessments import workflow

    one = appraising["assessment"]
    workflow.return_to_unit(assessment=one, by=appraising["users"]["appraiser"], comment="Thiếu số liệu xã")
    text = banner(detail(login("reporter"), one))
    assert text.startswith("Trạng thái: Trả lại đơn vị: Thiếu số liệu xã")
    assert "lãnh đạo đơn vị gửi lại" in text
