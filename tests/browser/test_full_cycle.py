"""The whole verification cycle in a real browser, on the demo's Hà Nam 2023 campaign (Kim Bảng only).

The leader submits; the organiser assigns the appraiser and starts the campaign's appraisal; the
appraiser adjusts III.1 (with a reason) and asks about III.2; the organiser sends the explanation
request; the unit answers and its leader sends; the appraiser accepts III.2 and the rest and
finishes; the chair approves with a decision; the organiser publishes; an anonymous visitor
finds Kim Bảng's appraised total (not its self-assessed one) in the public ranking, and its
scorecard with the radar chart.
Every step goes through the pages as the person would, one browser context per person.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from dti.core.templatetags.vn import so
from dti.engine import round_half_up

pytestmark = pytest.mark.django_db(transaction=True)

CAMPAIGN = "Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023"
UNIT = "UBND huyện Kim Bảng"
APPRAISER_NAME = "Trần Thị Thẩm Định"
ADULTS_WITH_PHONES = "Số lượng người dân trưởng thành có điện thoại thông minh"
REASON = "Số thuê bao của Viettel Hà Nam gồm cả thuê bao ngoài huyện; lấy số liệu Sở TT&TT cung cấp."
QUESTION = "Đề nghị đơn vị cung cấp văn bản chứng minh số liệu chỉ số III.2."
ANSWER = "Đơn vị bổ sung Báo cáo số 12/BC-UBND ngày 15/01/2023 của UBND huyện Kim Bảng."
DECISION = "125/QĐ-HĐĐG"


def appraised_total(assessment_pk: int) -> Decimal:
    """The appraised total the engine gives now (claim plus the appraiser's verdicts)."""
    from dti.appraisal.selectors import unit_scores
    from dti.assessments.models import Assessment

    total = unit_scores(Assessment.objects.get(pk=assessment_pk)).appraised.total
    assert total is not None
    return total


def message(page: Page):
    """The flash message shown at the top of the page."""
    return page.locator(".msg.success")


def test_full_verification_cycle_to_the_public_ranking(demo, open_page, login, shot):
    from dti.assessments.models import Assessment

    assessment = Assessment.objects.select_related("participation__campaign").get(pk=demo.kim_bang)
    campaign_pk = assessment.participation.campaign_id

    # 1. The leader submits Kim Bảng's self-assessment.
    leader = open_page()
    login(leader, "kimbang.lanhdao")
    expect(leader.get_by_role("heading", level=1)).to_have_text("Xin chào, Lãnh đạo UBND huyện Kim Bảng")
    leader.get_by_role("row").filter(has_text=CAMPAIGN).get_by_role("link", name="Mở").click()
    expect(leader).to_have_url(demo.kim_bang_url)
    leader.get_by_role("link", name="Duyệt và gửi…").click()
    leader.get_by_label("Ý kiến của lãnh đạo (không bắt buộc)").fill("Đồng ý gửi.")
    leader.get_by_role("button", name="Gửi bản tự đánh giá").click()
    expect(message(leader)).to_contain_text("Đã gửi bản tự đánh giá.")
    before_adjustment = appraised_total(demo.kim_bang)

    # 2. The organiser assigns the appraiser to Kim Bảng (every main index), stops taking submissions
    #    (Kim Bảng, the campaign's only unit, has sent its own) and starts the campaign's appraisal.
    organiser = open_page()
    login(organiser, "tochuc")
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    organiser.goto(demo.at("/tham-dinh/"))
    card = organiser.locator(".card").filter(has=organiser.get_by_role("heading", name=CAMPAIGN))
    expect(card.get_by_role("row").filter(has_text=UNIT)).to_contain_text("Đã gửi")
    card.get_by_role("link", name="Tổng hợp kỳ đánh giá").click()
    expect(organiser).to_have_url(demo.at(f"/tham-dinh/ky/{campaign_pk}/"))
    expect(organiser.get_by_role("heading", level=1)).to_have_text(f"Thẩm định: {CAMPAIGN}")
    assign = organiser.locator("#phan-cong")
    assign.get_by_label("Người thẩm định").select_option(label=APPRAISER_NAME)
    assign.get_by_label(UNIT).check()
    assign.get_by_role("button", name="Phân công").click()
    expect(message(organiser)).to_have_text(f"Đã phân công {APPRAISER_NAME} thẩm định: {UNIT}.")
    unit_row = organiser.locator("tr[id^='don-vi-']").filter(has_text=UNIT)
    expect(unit_row).to_contain_text(APPRAISER_NAME)
    shot(organiser, "c01-phan-cong")
    organiser.goto(demo.at(f"/ky-danh-gia/{campaign_pk}/"))
    organiser.get_by_role("button", name="Dừng nhận báo cáo").click()
    expect(message(organiser)).to_contain_text("Đã dừng nhận báo cáo.")
    organiser.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(message(organiser)).to_have_text("Đã bắt đầu thẩm định kỳ đánh giá.")
    organiser.goto(demo.at(f"/tham-dinh/ky/{campaign_pk}/"))

    # 3. The appraiser adjusts III.1 with a reason and asks a question about III.2.
    appraiser = open_page()
    login(appraiser, "thamdinh")
    expect(appraiser.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    appraiser.goto(demo.at("/tham-dinh/"))
    card = appraiser.locator(".card").filter(has=appraiser.get_by_role("heading", name=CAMPAIGN))
    card.get_by_role("row").filter(has_text=UNIT).get_by_role("link", name="Thẩm định").click()
    expect(appraiser).to_have_url(demo.at(f"/tham-dinh/{demo.kim_bang}/"))
    expect(appraiser.get_by_role("heading", level=1)).to_have_text(f"Thẩm định: {UNIT}")
    appraiser.locator("nav.index-tabs").get_by_role("link", name="III", exact=True).click()
    iii1 = appraiser.locator("#ind-III-1")
    iii1.get_by_text("Điều chỉnh…").click()
    iii1.get_by_label(ADULTS_WITH_PHONES).fill("70.000")
    iii1.get_by_label("Lý do điều chỉnh (bắt buộc khi thay đổi)").fill(REASON)
    iii1.get_by_role("button", name="Lưu kết luận").click()
    expect(message(appraiser)).to_have_text("Đã lưu kết luận thẩm định chỉ số III.1.")
    expect(appraiser.locator("#trang-thai")).to_have_text("Đang thẩm định")
    adjustments = appraiser.locator("#dieu-chinh")
    expect(adjustments.get_by_role("row").filter(has_text="III.1")).to_contain_text(REASON)
    after_adjustment = appraised_total(demo.kim_bang)
    assert after_adjustment < before_adjustment  # fewer adults with a smartphone: a lower III.1
    expect(appraiser.locator("#tong-hop tr.total")).to_contain_text(so(after_adjustment, 2))

    iii2 = appraiser.locator("#ind-III-2")
    iii2.get_by_text("Thêm câu hỏi…").click()
    iii2.get_by_label("Nội dung đề nghị giải trình").fill(QUESTION)
    iii2.get_by_role("button", name="Ghi câu hỏi").click()
    expect(message(appraiser)).to_have_text("Đã ghi câu hỏi giải trình cho chỉ số III.2 (chưa gửi đơn vị).")
    expect(appraiser.locator("#ind-III-2 .questions")).to_contain_text(QUESTION)
    shot(appraiser, "c02-dieu-chinh-va-cau-hoi", appraiser.locator("#ind-III-1"))

    # 4. The organiser sends the explanation request, with a deadline, from the campaign page.
    organiser.reload()
    expect(unit_row).to_contain_text("1 câu hỏi chưa gửi")
    unit_row.get_by_text("Gửi đề nghị giải trình…").click()
    deadline = datetime.date.today() + datetime.timedelta(days=7)  # proposed: Hà Nam sets no deadline
    expect(unit_row.get_by_label("Hạn giải trình: ngày (dd/mm/yyyy)")).to_have_value(deadline.strftime("%d/%m/%Y"))
    unit_row.get_by_label("Giờ (hh:mm)").fill("17:00")
    unit_row.get_by_role("button", name="Gửi đề nghị giải trình").click()
    expect(message(organiser)).to_have_text(
        f"Đã gửi đề nghị giải trình cho {UNIT}, hạn 17:00 {deadline.strftime('%d/%m/%Y')}; "
        "đã thông báo cho 2 người của đơn vị."
    )
    expect(unit_row).to_contain_text("Đề nghị giải trình")

    # 5. The reporter sees the notification and answers; the leader sends the explanation.
    reporter = open_page()
    login(reporter, "kimbang.nhaplieu")
    bell = reporter.locator("a.bell")
    expect(bell.locator(".count")).to_have_text("1")
    bell.click()
    expect(reporter).to_have_url(demo.at("/thong-bao/"))
    notice = reporter.locator("li.notification.unread").filter(has_text="giải trình")
    expect(notice).to_contain_text(f"Đề nghị {UNIT} giải trình các chỉ số III.2 trước 17:00")
    shot(reporter, "c03-thong-bao")
    notice.get_by_role("button", name="Mở").click()
    expect(reporter).to_have_url(demo.at(f"/danh-gia/{demo.kim_bang}/giai-trinh/"))
    expect(reporter.get_by_role("heading", level=1)).to_have_text(f"Giải trình của {UNIT}")
    expect(reporter.locator("a.bell .count")).to_have_count(0)  # read once opened
    asked = reporter.locator("#ind-III-2")
    expect(asked).to_contain_text(QUESTION)
    expect(reporter.locator(".explanation-item")).to_have_count(1)  # only the indicator asked about
    asked.get_by_label("Nội dung giải trình").fill(ANSWER)
    asked.get_by_role("button", name="Lưu giải trình").click()
    expect(message(reporter)).to_have_text("Đã lưu nội dung giải trình chỉ số III.2.")
    expect(reporter.locator(".explanation-head")).to_contain_text("Đã trả lời mọi câu hỏi.")
    expect(reporter.get_by_role("button", name="Gửi giải trình")).to_have_count(0)  # the leader sends

    leader.goto(demo.kim_bang_url)
    expect(leader.get_by_role("status")).to_contain_text("Đề nghị giải trình trước")
    leader.get_by_role("link", name="Xem và trả lời").click()
    expect(leader.locator("#ind-III-2").get_by_label("Nội dung giải trình")).to_have_value(ANSWER)
    shot(leader, "c04-giai-trinh")
    leader.get_by_role("button", name="Gửi giải trình").click()
    expect(leader).to_have_url(demo.kim_bang_url)
    expect(message(leader)).to_have_text("Đã gửi nội dung giải trình tới tổ thẩm định.")
    expect(leader.get_by_role("status")).to_contain_text("Đã giải trình, đang thẩm định lại")

    # 6. The appraiser re-appraises III.2 (accepts it), accepts the rest and finishes.
    appraiser.goto(demo.at("/tham-dinh/"))
    appraiser.get_by_role("row").filter(has_text=UNIT).get_by_role("link", name="Thẩm định").click()
    expect(appraiser.locator("#trang-thai")).to_have_text("Đã giải trình")
    appraiser.locator("nav.index-tabs").get_by_role("link", name="III", exact=True).click()
    iii2 = appraiser.locator("#ind-III-2")
    expect(iii2.locator(".answer")).to_contain_text(ANSWER)
    iii2.get_by_role("button", name="Chấp nhận", exact=True).click()
    expect(message(appraiser)).to_have_text("Đã lưu kết luận thẩm định chỉ số III.2.")
    appraiser.get_by_role("button", name="Chấp nhận các chỉ số còn lại").click()
    expect(message(appraiser)).to_contain_text(re.compile(r"Đã chấp nhận \d+ chỉ số còn lại\."))
    actions = appraiser.locator("#thao-tac")
    actions.get_by_text("Kết thúc thẩm định…").click()
    expect(actions.locator("ul.problems")).to_have_count(0)
    actions.get_by_role("button", name="Kết thúc thẩm định").click()
    expect(message(appraiser)).to_have_text(f"Đã kết thúc thẩm định {UNIT}.")
    expect(appraiser.locator("#trang-thai")).to_have_text("Đã thẩm định")
    shot(appraiser, "c05-ket-thuc-tham-dinh")
    assert appraised_total(demo.kim_bang) == after_adjustment  # accepting changes nothing

    # 7. The chair reviews the campaign and approves with the decision number and date.
    chair = open_page()
    login(chair, "chutich")
    expect(chair.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    chair.goto(demo.at(f"/phe-duyet/{campaign_pk}/"))
    expect(chair.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    expect(chair.locator("#dang-tham-dinh")).to_have_count(0)
    decision = chair.locator("#phe-duyet")
    decision.get_by_label("Số quyết định").fill(DECISION)
    decision.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill("30/09/2023")
    decision.get_by_label("Người ký").fill("Chủ tịch Hội đồng đánh giá")
    decision.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(message(chair)).to_have_text(f"Đã phê duyệt kết quả theo quyết định {DECISION}.")
    expect(decision).to_contain_text(f"Quyết định số {DECISION} ngày 30/09/2023")
    expect(chair.get_by_text("Đã phê duyệt, chưa công bố")).to_be_visible()
    shot(chair, "c06-phe-duyet")

    # 8. The organiser publishes, through the confirmation page.
    organiser.goto(demo.at(f"/phe-duyet/{campaign_pk}/"))
    organiser.get_by_role("link", name="Công bố kết quả").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(f"Công bố kết quả: {CAMPAIGN}")
    expect(organiser.locator("main")).to_contain_text(f"Theo Quyết định số {DECISION} ngày 30/09/2023.")
    organiser.get_by_role("button", name="Xác nhận công bố").click()
    expect(organiser).to_have_url(demo.at(f"/ket-qua/{campaign_pk}/"))
    expect(message(organiser)).to_contain_text("Đã công bố kết quả (phiên bản 1")

    # 9. An anonymous visitor finds Kim Bảng's appraised total in the public ranking.
    from dti.results.models import Publication

    snapshot = Publication.objects.get(campaign_id=campaign_pk, version=1).snapshot
    (row_data,) = [u for g in snapshot["groups"] for u in g["units"] if u["unit"] == UNIT]
    published_total, self_total = Decimal(row_data["total"]), Decimal(row_data["self_total"])
    precision = snapshot["groups"][0]["framework"]["precision"]
    assert published_total == round_half_up(after_adjustment, precision)  # the engine's appraised total
    assert published_total != self_total  # not the unit's own claim
    expected = so(published_total)
    assert "," in expected, expected  # shown with a decimal comma

    visitor = open_page()
    visitor.goto(demo.at("/ket-qua/"))
    expect(visitor).to_have_url(demo.at("/ket-qua/"))  # no login asked
    listed = visitor.get_by_role("row").filter(has_text=CAMPAIGN)
    expect(listed).to_contain_text(DECISION)
    listed.get_by_role("link", name=CAMPAIGN).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(CAMPAIGN)
    ranked = visitor.locator("table.ranking").get_by_role("row").filter(has_text=UNIT)
    expect(ranked.locator("td strong")).to_have_text(expected)
    expect(ranked).not_to_contain_text(so(self_total))
    shot(visitor, "c07-cong-bo")
    ranked.get_by_role("link", name=UNIT).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(UNIT)
    expect(visitor.locator(".scorecard .big")).to_have_text(expected)
    expect(visitor.locator("figure.chart svg")).to_be_visible()
    shot(visitor, "c08-the-diem")
