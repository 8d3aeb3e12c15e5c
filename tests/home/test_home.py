"""Each role's home page is its work (issue 9 §3): what is missing, what is ready, what waits,
with links only to pages the person may open."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.utils import timezone

from dti.accounts.models import Notification
from dti.appraisal import explanation, services
from dti.appraisal.models import ExplanationRequest, Question
from dti.assessments import workflow
from dti.assessments.models import Entry
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.results.models import Publication


def page_of(client: Any) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def words(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def hrefs(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def ask(world: dict[str, Any], code: str = "II.1") -> Any:
    """The appraiser asks about `code` of UBND huyện Một; the organiser sends it (due in three days)."""
    users = world["users"]
    question = services.question_add(
        assessment=world["assessment"], code=code, text="Đề nghị gửi kế hoạch", by=users["appraiser"]
    )
    deadline = timezone.now() + datetime.timedelta(days=3)
    explanation.request_explanation(assessment=world["assessment"], by=users["organiser"], deadline=deadline)
    world["assessment"].refresh_from_db()
    question.refresh_from_db()
    return question


# ---------------------------------------------------------------- the unit's people


def test_reporter_sees_what_is_missing_with_links(world: dict[str, Any], login: Any) -> None:
    a = world["assessment"]
    Entry.objects.create(assessment=a, code="I.2", values={"a": "15"}, version=1)
    page = page_of(login("reporter"))
    todo = page.split(f'id="viec-{world["participation"].pk}">')[1].split("</main>")[0]
    text = words(todo)
    deadline = timezone.localtime(world["campaign"].submission_deadline).strftime("%H:%M %d/%m/%Y")
    assert "Trạng thái: Đang nhập liệu" in text and deadline in text
    assert "3 chỉ số còn thiếu số liệu" in text and "3 chỉ số sẽ được tính 0 điểm nếu gửi ngay" in text
    assert f'<a href="/danh-gia/{a.pk}/#ind-I-1">I.1. Trưởng ban chỉ đạo</a>' in todo
    assert "1 chỉ số chưa có tài liệu kiểm chứng bắt buộc" in text
    assert f"/danh-gia/{a.pk}/gui/" not in hrefs(page)  # only the leader submits
    assert f"/danh-gia/{world['other_assessment'].pk}/" not in hrefs(page)


def test_leader_is_offered_the_submit_page(world: dict[str, Any], login: Any) -> None:
    a = world["assessment"]
    for code, data in {
        "I.1": {"values": {"truong_ban": "chu_tich"}},
        "I.2": {"values": {"a": "15"}},
        "II.1": {"values": {"ban_hanh": True}},
        "II.2": {"score": "6"},
    }.items():
        Entry.objects.create(assessment=a, code=code, version=1, **data)
    page = page_of(login("leader"))
    assert f'<a class="btn" href="/danh-gia/{a.pk}/gui/">Duyệt và gửi…</a>' in page
    assert "còn thiếu số liệu" not in page
    assert "1 chỉ số chưa có tài liệu kiểm chứng bắt buộc" in words(page)


def test_a_participation_not_opened_yet_offers_to_start(world: dict[str, Any], login: Any) -> None:
    campaign = Campaign.objects.create(
        name="Kỳ đánh giá 2024",
        year=2024,
        state=Campaign.State.OPEN,
        submission_deadline=timezone.now() + datetime.timedelta(days=20),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm huyện", framework=world["group"].framework)
    participation = Participation.objects.create(campaign=campaign, group=group, unit=world["unit"])
    page = page_of(login("reporter"))
    assert f'<a href="/danh-gia/tham-gia/{participation.pk}/">Bắt đầu nhập liệu</a>' in page


def test_open_questions_for_the_unit_and_sending_for_the_leader(appraising: dict[str, Any], login: Any) -> None:
    question = ask(appraising)
    a = appraising["assessment"]
    page = page_of(login("reporter"))
    assert f'<a href="/danh-gia/{a.pk}/giai-trinh/#q-{question.pk}">II.1</a>: Đề nghị gửi kế hoạch' in page
    assert "1 câu hỏi giải trình chưa trả lời (hạn" in words(page)
    explanation.answer_save(question=question, text="Kế hoạch 12/KH-UBND", by=appraising["users"]["reporter"])
    reporter, leader = page_of(login("reporter")), page_of(login("leader"))
    assert "câu hỏi giải trình chưa trả lời" not in reporter and "Xem và gửi giải trình…" not in reporter
    assert f'<a class="btn" href="/danh-gia/{a.pk}/giai-trinh/">Xem và gửi giải trình…</a>' in leader


def test_the_outcome_is_linked_once_appraised(appraised: dict[str, Any], login: Any) -> None:
    page = page_of(login("reporter"))
    assert f'href="/danh-gia/{appraised["assessment"].pk}/ket-qua/">Xem kết quả thẩm định</a>' in page


# ---------------------------------------------------------------- appraisers


def test_appraiser_sees_assigned_units_by_status_and_answers_to_recheck(appraising: dict[str, Any], login: Any) -> None:
    page = page_of(login("appraiser"))
    assert "UBND huyện Một" in page and "UBND huyện Hai" not in page  # only the unit assigned
    assert re.search(r"<h3>Đã gửi <span class=\"muted\">\(1\)</span></h3>", page)
    question = ask(appraising, "I.2")
    explanation.answer_save(question=question, text="Danh sách kèm theo", by=appraising["users"]["reporter"])
    explanation.send_explanation(assessment=appraising["assessment"], by=appraising["users"]["leader"])
    page = page_of(login("appraiser"))
    recheck = re.search(r'<div class="card" id="tham-dinh-lai">.*?</div>', page).group(0)
    assert f'href="/tham-dinh/{appraising["assessment"].pk}/"' in recheck and "chỉ số I.2" in recheck
    assert re.search(r"<h3>Đã giải trình <span class=\"muted\">\(1\)</span></h3>", page)


# ---------------------------------------------------------------- the organiser


def test_organiser_sees_units_not_submitted_questions_waiting_and_deadlines(
    appraising: dict[str, Any], login: Any
) -> None:
    campaign = appraising["campaign"]
    in_twelve_days = timezone.localdate() + datetime.timedelta(days=12)
    Campaign.objects.filter(pk=campaign.pk).update(appraisal_deadline=in_twelve_days)
    late = Participation.objects.create(
        campaign=campaign,
        group=appraising["group"],
        unit=type(appraising["unit"]).objects.create(name="UBND huyện Ba", unit_type=appraising["unit"].unit_type),
    )
    services.question_add(
        assessment=appraising["assessment"], code="I.2", text="Danh sách?", by=appraising["users"]["appraiser"]
    )
    page = page_of(login("organiser"))
    pending = words(re.search(r'<div class="card" id="chua-gui">.*?</div>', page).group(0))
    assert "1 đơn vị chưa gửi bản tự đánh giá" in pending and "UBND huyện Ba" in pending and "Chưa bắt đầu" in pending
    assert f'href="/ky-danh-gia/{campaign.pk}/#don-vi-{late.pk}"' in page
    drafted = re.search(r'<div class="card" id="cau-hoi-chua-gui">.*?</div>', page).group(0)
    name = "UBND%20huy%E1%BB%87n%20M%E1%BB%99t"  # the overview searched for the unit: on its first page
    assert f'href="/tham-dinh/ky/{campaign.pk}/?tim={name}#don-vi-{appraising["participation"].pk}"' in drafted
    assert "1 câu hỏi" in words(drafted)
    upcoming = words(re.search(r'<div class="card" id="han-sap-toi">.*?</div>', page).group(0))
    assert "Hạn gửi báo cáo" in upcoming and "Hạn thẩm định" in upcoming
    assert upcoming.index("Hạn gửi báo cáo") < upcoming.index("Hạn thẩm định")  # soonest first
    explanation.request_explanation(
        assessment=appraising["assessment"],
        by=appraising["users"]["organiser"],
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    awaited = re.search(r'<div class="card" id="cho-giai-trinh">.*?</div>', page_of(login("organiser"))).group(0)
    assert f'href="/danh-gia/{appraising["assessment"].pk}/giai-trinh/"' in awaited


def test_only_units_with_a_drafted_question_wait_to_be_sent(appraising: dict[str, Any], login: Any) -> None:
    """Regression: every unit was listed, most with "0 câu hỏi", because units without questions matched."""
    one, appraiser = appraising["assessment"], appraising["users"]["appraiser"]
    sent = ExplanationRequest.objects.create(assessment=one, deadline=timezone.now() + datetime.timedelta(days=3))
    Question.objects.create(assessment=one, code="II.1", text="Kế hoạch?", asked_by=appraiser, request=sent)
    Question.objects.create(assessment=one, code="I.2", text="Danh sách?", asked_by=appraiser)
    Question.objects.create(assessment=one, code="I.1", text="Quyết định?", asked_by=appraiser)
    page = page_of(login("organiser"))  # UBND huyện Hai has no question at all
    drafted = words(re.search(r'<div class="card" id="cau-hoi-chua-gui">.*?</div>', page).group(0))
    assert "UBND huyện Một" in drafted and "2 câu hỏi" in drafted  # the sent one is not counted
    assert "UBND huyện Hai" not in drafted and "0 câu hỏi" not in drafted


def test_no_drafted_question_says_so(appraising: dict[str, Any], login: Any) -> None:
    page = page_of(login("organiser"))
    drafted = words(re.search(r'<div class="card" id="cau-hoi-chua-gui">.*?</div>', page).group(0))
    assert "Không có câu hỏi nào chờ gửi." in drafted and "UBND huyện" not in drafted


# ---------------------------------------------------------------- the chair and viewers


def test_chair_sees_campaigns_not_ready_then_ready_for_approval(appraising: dict[str, Any], login: Any) -> None:
    page = words(page_of(login("chair")))
    assert "còn 2 đơn vị đang thẩm định" in page and "Sẵn sàng phê duyệt" not in page


def test_chair_sees_a_campaign_ready_for_approval(appraised: dict[str, Any], login: Any) -> None:
    page = page_of(login("chair"))
    ready = re.search(r'<div class="card" id="cho-phe-duyet">.*?</div>', page).group(0)
    assert f'href="/phe-duyet/{appraised["campaign"].pk}/"' in ready
    assert "Sẵn sàng phê duyệt" in ready and "2 đơn vị đã thẩm định xong" in words(ready)


def test_approved_results_wait_for_publication(approved: dict[str, Any], login: Any) -> None:
    for persona in ("chair", "organiser"):
        page = words(page_of(login(persona)))
        assert "Đã phê duyệt, chờ công bố" in page and "Quyết định số 15/QĐ-UBND ngày 01/07/2024" in page


def test_viewer_sees_the_latest_results(published: dict[str, Any], login: Any) -> None:
    page = page_of(login("viewer"))
    assert f'href="/ket-qua/{published["campaign"].pk}/"' in page
    assert "/tham-dinh/" not in page.split("</header>")[1]  # no appraisal link a viewer would be refused


def test_viewer_before_any_publication(world: dict[str, Any], login: Any) -> None:
    assert not Publication.objects.exists()
    assert "Chưa có kết quả nào được công bố." in page_of(login("viewer"))


@pytest.mark.parametrize("persona", ["reporter", "organiser"])
def test_unread_notifications_are_on_the_page(world: dict[str, Any], login: Any, persona: str) -> None:
    Notification.objects.create(user=world["users"][persona], text="Có việc mới cho bạn", url="/")
    page = page_of(login(persona))
    assert "Có việc mới cho bạn" in page and 'href="/thong-bao/"' in page


def test_submitting_moves_the_unit_off_the_organisers_list(world: dict[str, Any], login: Any) -> None:
    workflow.submit(assessment=world["assessment"], by=world["users"]["leader"])
    pending = re.search(r'<div class="card" id="chua-gui">.*?</div>', page_of(login("organiser"))).group(0)
    assert "UBND huyện Hai" in pending and "UBND huyện Một" not in pending
