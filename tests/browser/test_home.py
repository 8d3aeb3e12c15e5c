"""The home to-do lists in a real browser, on the demo data (Bắc Ninh 2023 being appraised, Hà Nam 2023 open).

Each person follows a link of their list to the work it names; the leader's sending asks first
and a "no" sends nothing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, expect

pytestmark = pytest.mark.django_db(transaction=True)

BAC_NINH = "Đánh giá DTI tỉnh Bắc Ninh năm 2023 (dữ liệu mẫu)"
HA_NAM = "Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023"


def test_reporters_follow_their_lists(demo, open_page, login, shot):
    # Lương Tài was asked to explain one indicator: its reporter goes straight to the question.
    page = open_page()
    login(page, "luongtai.nhaplieu")
    todo = page.locator(".card.todo").filter(has_text=BAC_NINH)
    expect(todo).to_contain_text("1 câu hỏi giải trình chưa trả lời")
    shot(page, "h01-nhap-lieu-cau-hoi", todo)
    todo.locator("ul a").first.click()
    expect(page).to_have_url(re.compile(r"/danh-gia/\d+/giai-trinh/#q-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Giải trình của UBND huyện Lương Tài")

    # Gia Bình has not started (it was given more time): its reporter starts from the home page.
    page = open_page()
    login(page, "giabinh.nhaplieu")
    todo = page.locator(".card.todo").filter(has_text=BAC_NINH)
    expect(todo).to_contain_text("Đơn vị chưa bắt đầu nhập liệu")
    todo.get_by_role("link", name="Bắt đầu nhập liệu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("UBND huyện Gia Bình")

    # Kim Bảng's reporter: the indicators still missing data, each a link to it on the form.
    page = open_page()
    login(page, "kimbang.nhaplieu")
    todo = page.locator(".card.todo").filter(has_text=HA_NAM)
    expect(todo.get_by_role("status")).to_contain_text("Trạng thái: Đang nhập liệu")
    expect(todo.get_by_role("link", name="Duyệt và gửi…")).to_have_count(0)  # the leader submits
    gap = todo.locator("ul.gaps a").first
    anchor = (gap.get_attribute("href") or "").split("#")[1]
    shot(page, "h02-nhap-lieu-thieu-so-lieu", todo)
    gap.click()
    expect(page).to_have_url(re.compile(rf"/danh-gia/{demo.kim_bang}/.*#{anchor}$"))
    expect(page.locator(f"section.indicator#{anchor}")).to_be_visible()


def test_the_leader_submits_from_home_and_a_no_sends_nothing(demo, browser, login):
    from dti.assessments.models import Assessment

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    asked: list[str] = []
    answer = {"accept": False}

    def on_dialog(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        login(page, "kimbang.lanhdao")
        todo = page.locator(".card.todo").filter(has_text=HA_NAM)
        todo.get_by_role("link", name="Duyệt và gửi…").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Duyệt và gửi bản tự đánh giá")
        page.get_by_role("button", name="Gửi bản tự đánh giá").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Duyệt và gửi bản tự đánh giá")
        assert asked and asked[0].startswith("Gửi bản tự đánh giá của UBND huyện Kim Bảng?")
        assert "Sau khi gửi, đơn vị không thể sửa số liệu nữa." in asked[0]
        assert Assessment.objects.get(pk=demo.kim_bang).status == Assessment.Status.DRAFT
        answer["accept"] = True
        page.get_by_role("button", name="Gửi bản tự đánh giá").click()
        expect(page.locator(".msg.success")).to_contain_text("Đã gửi bản tự đánh giá.")
        assert Assessment.objects.get(pk=demo.kim_bang).status == Assessment.Status.SUBMITTED
        page.goto(demo.at("/"))
        expect(page.locator(".card.todo").filter(has_text=HA_NAM).get_by_role("status")).to_contain_text(
            "Trạng thái: Đã gửi"
        )
    finally:
        context.close()


def test_the_appraisal_side_and_viewers_see_their_work(demo, open_page, login, shot):
    appraiser = open_page()
    login(appraiser, "thamdinh")
    expect(appraiser.locator("h3").filter(has_text="Đề nghị giải trình")).to_contain_text("(1)")
    expect(appraiser.locator("h3").filter(has_text="Đã thẩm định")).to_contain_text("(1)")
    shot(appraiser, "h03-tham-dinh")
    row = appraiser.get_by_role("row").filter(has_text="UBND huyện Lương Tài")
    row.get_by_role("link", name="Thẩm định").click()
    expect(appraiser.get_by_role("heading", level=1)).to_have_text("Thẩm định: UBND huyện Lương Tài")

    organiser = open_page()
    login(organiser, "tochuc")
    pending = organiser.locator("#chua-gui")
    expect(pending).to_contain_text("UBND huyện Gia Bình")
    expect(pending).to_contain_text("UBND huyện Kim Bảng")
    expect(organiser.locator("#cho-giai-trinh")).to_contain_text("UBND huyện Lương Tài")
    expect(organiser.locator("#han-sap-toi")).to_contain_text("Hạn thẩm định")
    shot(organiser, "h04-to-chuc")
    pending.get_by_role("row").filter(has_text="UBND huyện Gia Bình").get_by_role("link", name="Xem").click()
    expect(organiser.get_by_role("heading", level=1)).to_contain_text(BAC_NINH)

    chair = open_page()
    login(chair, "chutich")
    expect(chair.locator("#cho-phe-duyet")).to_contain_text(re.compile(r"còn \d+ đơn vị đang thẩm định"))

    viewer = open_page()
    login(viewer, "xem")
    results = viewer.locator("#ket-qua-moi")
    expect(results).to_contain_text("Ninh Bình")
    results.get_by_role("link").first.click()
    expect(viewer).to_have_url(re.compile(r"/ket-qua/\d+/$"))
