"""The unit sees its outcome in a real browser, on the demo's Hà Nam 2023 campaign (Kim Bảng).

Kim Bảng is taken through the cycle by the services (the pages of each step have their own
browser test, test_full_cycle.py): submitted, III.1 adjusted with a reason, appraisal finished.
Its reporter finds the outcome from the home page: the claim beside the appraised figures, the
adjustment and its reason, no rank yet. Once the results are approved and published, the same
page shows the published total, the rank and a link to the public scorecard.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dti.core.templatetags.vn import so

pytestmark = pytest.mark.django_db(transaction=True)

CAMPAIGN = "Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023"
UNIT = "UBND huyện Kim Bảng"
REASON = "Số thuê bao của Viettel Hà Nam gồm cả thuê bao ngoài huyện; lấy số liệu Sở TT&TT cung cấp."


def appraise_kim_bang(assessment_pk: int) -> None:
    """Submitted, assigned, III.1 adjusted (70.000 adults with a smartphone), the rest accepted, finished."""
    from dti.accounts.models import User
    from dti.appraisal import services
    from dti.assessments import workflow
    from dti.assessments.models import Assessment
    from dti.campaigns import workflow as campaign_workflow

    users = {u.username: u for u in User.objects.all()}
    assessment = Assessment.objects.select_related("participation__campaign").get(pk=assessment_pk)
    campaign = assessment.participation.campaign
    workflow.submit(assessment=assessment, by=users["kimbang.lanhdao"])
    services.assignment_set(
        participation=assessment.participation, appraiser=users["thamdinh"], indices=[], by=users["tochuc"]
    )
    campaign_workflow.close_submissions(campaign=campaign, by=users["tochuc"])
    campaign_workflow.start_appraisal(campaign=campaign, by=users["tochuc"])
    assessment.refresh_from_db()
    services.review_save(
        assessment=assessment, code="III.1", data={"a": "70000", "reason": REASON}, version=0, by=users["thamdinh"]
    )
    assessment.refresh_from_db()
    services.accept_remaining(assessment=assessment, by=users["thamdinh"])
    services.finish_appraisal(assessment=assessment, by=users["thamdinh"])


def approve_and_publish(assessment_pk: int) -> None:
    import datetime

    from dti.accounts.models import User
    from dti.assessments.models import Assessment
    from dti.results.services import approve_campaign, publish_campaign

    campaign = Assessment.objects.get(pk=assessment_pk).participation.campaign
    approve_campaign(
        campaign=campaign,
        by=User.objects.get(username="chutich"),
        decision_number="125/QĐ-HĐĐG",
        decision_date=datetime.date(2023, 9, 30),
    )
    campaign.refresh_from_db()
    publish_campaign(campaign=campaign, by=User.objects.get(username="tochuc"))


def figures(assessment_pk: int) -> tuple[str, str, str]:
    """The claimed and appraised totals as the appraisal side computes them, and III.1's appraised score."""
    from dti.appraisal.selectors import unit_scores
    from dti.assessments.models import Assessment

    assessment = Assessment.objects.get(pk=assessment_pk)
    scores = unit_scores(assessment)
    precision = assessment.framework().precision
    return (
        so(scores.claimed.total, precision),
        so(scores.appraised.total, precision),
        so(scores.appraised.items["III.1"].score, precision),
    )


def test_the_unit_finds_its_outcome_from_home_then_its_published_rank(demo, open_page, login, shot):
    appraise_kim_bang(demo.kim_bang)
    claimed, appraised, iii1 = figures(demo.kim_bang)
    assert claimed != appraised

    page = open_page()
    login(page, "kimbang.nhaplieu")
    todo = page.locator(".card.todo").filter(has_text=CAMPAIGN)
    expect(todo.get_by_role("status")).to_contain_text("Trạng thái: Đã thẩm định")
    shot(page, "o01-trang-chu-da-tham-dinh", todo)
    todo.get_by_role("link", name="Xem kết quả thẩm định").click()
    expect(page).to_have_url(demo.at(f"/danh-gia/{demo.kim_bang}/ket-qua/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kết quả đánh giá của {UNIT}")
    expect(page.get_by_test_id("appraised-total")).to_have_text(appraised)
    expect(page.locator("#tong-hop")).to_contain_text(claimed)
    row = page.locator('tr[data-code="III.1"]')
    expect(row).to_have_class("changed")
    expect(row).to_contain_text(iii1)
    note = row.locator("xpath=following-sibling::tr[1]")
    expect(note).to_contain_text("Tổ thẩm định điều chỉnh:")
    expect(note).to_contain_text(f"Lý do: {REASON}")
    expect(page.get_by_test_id("rank")).to_have_count(0)  # no rank before publication
    expect(page.locator(".readonly-note")).to_contain_text("chưa được Hội đồng đánh giá phê duyệt")
    shot(page, "o02-ket-qua-tham-dinh", row)

    approve_and_publish(demo.kim_bang)
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Trạng thái: Đã công bố")
    expect(page.get_by_test_id("published-total")).to_have_text(appraised)
    expect(page.get_by_test_id("rank")).to_have_text("1/1")
    expect(page.locator("#quyet-dinh")).to_contain_text("Quyết định số 125/QĐ-HĐĐG ngày 30/09/2023")
    shot(page, "o03-ket-qua-cong-bo")
    page.get_by_role("link", name="Xem trên trang kết quả công bố").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT)
    expect(page).to_have_url(re.compile(r"/ket-qua/\d+/don-vi/"))


def test_another_unit_cannot_open_the_outcome(demo, open_page, login):
    appraise_kim_bang(demo.kim_bang)
    page = open_page()
    login(page, "giabinh.nhaplieu")
    expect(page.get_by_role("main")).not_to_contain_text("Kim Bảng")
    response = page.goto(demo.at(f"/danh-gia/{demo.kim_bang}/ket-qua/"))
    assert response is not None and response.status == 403
    expect(page.get_by_role("main")).to_contain_text("Bạn không có quyền xem kết quả đánh giá của đơn vị này.")
    expect(page.get_by_test_id("appraised-total")).to_have_count(0)
