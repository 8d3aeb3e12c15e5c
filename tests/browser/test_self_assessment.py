"""The self-assessment in a real browser, on the demo data (Kim Bảng's form in progress).

A reporter logs in, fills part of Kim Bảng's form and sees the score change, uploads
evidence; the leader submits; a user of another unit cannot open it; an anonymous visitor
is sent to the login page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF
from playwright.sync_api import Locator, expect

from dti.engine import fmt

pytestmark = pytest.mark.django_db(transaction=True)

REPORTER, LEADER, OTHER_REPORTER = "kimbang.nhaplieu", "kimbang.lanhdao", "giabinh.nhaplieu"
CAMPAIGN = "Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023"


def engine_figures(assessment_pk: int, code: str) -> tuple[str, str]:
    """What the engine makes of the stored data: (indicator score text, total text), as the page shows them."""
    from dti.assessments.models import Assessment
    from dti.assessments.selectors import assessment_page

    page = assessment_page(Assessment.objects.get(pk=assessment_pk))
    view = page.indicator(code)
    assert view is not None and view.score.score is not None
    return (
        f"{fmt(view.score.score, 2)} / {fmt(view.item.max)}",
        f"{fmt(page.result.total, 2)} / {fmt(page.result.max)}",
    )


def stored_values(assessment_pk: int, code: str) -> dict[str, object]:
    """The values saved for one indicator."""
    from dti.assessments.models import Entry

    return dict(Entry.objects.get(assessment_id=assessment_pk, code=code).values)


def test_reporter_fills_the_form_and_sees_the_score_live(demo, open_page, login, shot):
    """Login form, home page, autosave with the engine's score and total, persisted, a refused decimal dot."""
    page = open_page()
    page.goto(demo.at("/"))
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    shot(page, "01-dang-nhap")
    login(page, REPORTER, open_form=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Chu Đức Trung")
    shot(page, "02-trang-chu-nhap-lieu")

    page.get_by_role("row").filter(has_text=CAMPAIGN).get_by_role("link", name="Mở").click()
    expect(page).to_have_url(demo.kim_bang_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("UBND huyện Kim Bảng")
    # Kim Bảng's 74 indicators: the page shows the first main index; III loads when opened.
    expect(page.locator("#f-III-1-a")).to_have_count(0)
    page.locator("#index-card-iii summary").click()

    score = page.get_by_test_id("score-III.1")
    total = page.get_by_test_id("total")
    field = page.locator("#f-III-1-a")
    before_score, before_total = engine_figures(demo.kim_bang, "III.1")
    expect(score).to_have_text(before_score)  # 108.649 / 133.841 × 5 → 4,06
    expect(total).to_have_text(before_total)
    expect(field).to_have_value("108.649")
    shot(page, "03-ban-tu-danh-gia")

    # Autosave: typing is enough; the page is not reloaded (the marker survives).
    page.evaluate("window.__sameDocument = true")
    field.fill("70.000")  # Vietnamese thousands dot: seventy thousand people
    expect(score).to_have_text("2,62 / 5")  # 70.000 / 133.841 × 5 = 2,615…
    expect(page.locator("#status-III-1 .save-state")).to_contain_text("Đã lưu")
    assert page.evaluate("window.__sameDocument === true")
    assert stored_values(demo.kim_bang, "III.1")["a"] == "70000"
    after_score, after_total = engine_figures(demo.kim_bang, "III.1")
    assert after_score == "2,62 / 5"
    assert after_total != before_total
    expect(total).to_have_text(after_total)
    shot(page, "04-sau-khi-nhap", page.locator("#ind-III-1"))

    page.reload()
    page.locator("#index-card-iii summary").click()
    expect(field).to_have_value("70.000")
    expect(score).to_have_text("2,62 / 5")
    expect(total).to_have_text(after_total)

    # A decimal dot is refused: a Vietnamese message next to the field, the typed text kept, nothing saved.
    field.fill("1.5")
    error = page.locator("#err-III-1-a")
    expect(error).to_contain_text("dấu phẩy")
    expect(error).to_contain_text("Số lượng người dân trưởng thành có điện thoại thông minh")
    expect(field).to_have_value("1.5")
    expect(page.locator("#status-III-1 .save-state")).to_contain_text("chưa hợp lệ")
    expect(score).to_have_text("2,62 / 5")
    assert stored_values(demo.kim_bang, "III.1")["a"] == "70000"
    shot(page, "05-loi-dau-cham", page.locator("#ind-III-1"))


def on_screen(locator: Locator) -> bool:
    """Whether the element is within the visible part of the page (not scrolled away)."""
    script = "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"
    return bool(locator.evaluate(script))


def test_reporter_uploads_evidence_and_a_disguised_file_is_refused(demo, open_page, login, shot, tmp_path: Path):
    """A real PDF is listed and downloads intact; a text file named .pdf is refused with a message."""
    page = open_page()
    login(page, REPORTER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.goto(demo.kim_bang_url + "?chi-so-chinh=III")
    indicator = page.locator("#ind-III-1")
    evidence = indicator.locator(".evidence-list")
    problems = []  # wording and visibility, checked last so that they do not hide the rest of the flow

    pdf = tmp_path / "so-lieu-thue-bao.pdf"
    document = FPDF()  # a real one-page PDF: uploads are checked by structure, not by their first bytes
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="So lieu thue bao 2023")
    pdf.write_bytes(bytes(document.output()))
    indicator.get_by_text("Thêm tài liệu").click()
    shot(page, "06-them-tai-lieu", indicator.locator(".evidence"))
    indicator.locator("#file-III-1").set_input_files(pdf)
    indicator.get_by_role("button", name="Tải lên").click()
    confirmation = page.locator(".msg.success")
    expect(confirmation).to_contain_text("cho chỉ số III.1.")
    if confirmation.inner_text().strip() != "Đã đính kèm tệp so-lieu-thue-bao.pdf cho chỉ số III.1.":
        problems.append(f"the confirmation does not name the uploaded file: {confirmation.inner_text()!r}")
    link = evidence.get_by_role("link", name="so-lieu-thue-bao.pdf")
    expect(link).to_be_visible()
    shot(page, "07-da-tai-len", indicator.locator(".evidence"))
    # The stored file comes back, through the permission-checked view, as it was sent.
    download = page.request.get(demo.at(link.get_attribute("href") or ""))
    assert download.ok
    assert download.headers["content-type"] == "application/pdf"
    assert download.body() == pdf.read_bytes()

    fake = tmp_path / "bao-cao.pdf"
    fake.write_text("Đây là một tệp văn bản đổi đuôi thành .pdf\n", encoding="utf-8")
    indicator.get_by_text("Thêm tài liệu").click()
    indicator.locator("#file-III-1").set_input_files(fake)
    indicator.get_by_role("button", name="Tải lên").click()
    refusal = page.locator(".msg.error")
    expect(refusal).to_contain_text("Tệp bao-cao.pdf không phải là tài liệu được chấp nhận")
    expect(refusal).to_contain_text("kiểm tra nội dung tệp")
    expect(evidence).not_to_contain_text("bao-cao.pdf")
    expect(evidence.get_by_role("link", name="so-lieu-thue-bao.pdf")).to_be_visible()
    shot(page, "08-tu-choi-tep-gia")
    if not on_screen(refusal):
        problems.append(
            "the refusal is not on screen: the page returns to the indicator's anchor and the message is at the top"
        )

    from dti.assessments.models import Evidence

    files = Evidence.objects.filter(assessment_id=demo.kim_bang, kind=Evidence.Kind.FILE)
    assert [(e.code, e.original_name, e.content_type) for e in files] == [
        ("III.1", "so-lieu-thue-bao.pdf", "application/pdf")
    ]
    assert not problems, "; ".join(problems)


def test_reporter_comments_on_iii1_without_changing_its_figures(demo, open_page, login, shot):
    """Kim Bảng's III.1 as transcribed: 108.649 over its own denominator 133.841 (general info says 75.837)."""
    page = open_page()
    login(page, REPORTER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.goto(demo.kim_bang_url + "?chi-so-chinh=III")
    expect(page.get_by_test_id("score-III.1")).to_have_text("4,06 / 5")
    page.locator("#f-III-1-comment").fill("Số liệu thuê bao do Viettel Hà Nam cung cấp.")
    settled = page.locator("#status-III-1 .save-state.saved, #status-III-1 .save-state.failed")
    expect(settled).to_have_count(1)  # the autosave answered, either way
    shot(page, "12-thuyet-minh-III-1", page.locator("#ind-III-1"))
    outcome = settled.inner_text()
    assert outcome.startswith("Đã lưu"), f"the comment was not saved: {outcome}"
    expect(page.locator("#err-III-1-a")).to_have_text("")
    page.reload()
    expect(page.locator("#f-III-1-comment")).to_have_value("Số liệu thuê bao do Viettel Hà Nam cung cấp.")


def test_leader_submits_and_the_form_becomes_read_only(demo, open_page, login, shot):
    """The leader reviews, submits, sees the confirmation; the page keeps the figures but has no inputs."""
    page = open_page()
    login(page, LEADER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Lãnh đạo UBND huyện Kim Bảng")
    page.get_by_role("row").filter(has_text=CAMPAIGN).get_by_role("link", name="Mở").click()
    expect(page).to_have_url(demo.kim_bang_url)
    page.locator("#index-card-iii summary").click()
    expect(page.locator("#f-III-1-a")).to_be_editable()  # editable before submission

    page.get_by_role("link", name="Duyệt và gửi…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duyệt và gửi bản tự đánh giá")
    shot(page, "09-duyet-va-gui")
    page.get_by_label("Ý kiến của lãnh đạo (không bắt buộc)").fill("Đồng ý gửi.")
    page.get_by_role("button", name="Gửi bản tự đánh giá").click()

    expect(page).to_have_url(demo.kim_bang_url)
    expect(page.locator(".msg.success")).to_have_text(
        "Đã gửi bản tự đánh giá. Số liệu của đơn vị từ nay chỉ xem được, không sửa được."
    )
    expect(page.locator(".readonly-note")).to_contain_text("Đã gửi lúc")
    expect(page.locator(".readonly-note")).to_contain_text("Lãnh đạo UBND huyện Kim Bảng")
    main = page.locator("main")
    expect(main.locator("input, select, textarea")).to_have_count(0)
    expect(main.locator("form")).to_have_count(0)
    expect(main.get_by_text("Thêm tài liệu")).to_have_count(0)
    expect(page.get_by_role("link", name="Duyệt và gửi…")).to_have_count(0)
    page.locator("#index-card-iii summary").click()
    expect(page.get_by_test_id("score-III.1")).to_have_text("4,06 / 5")  # the figures are still shown
    shot(page, "10-da-gui-chi-doc")
    shot(page, "10b-da-gui-chi-so", page.locator("#ind-III-1"))

    from dti.assessments.models import Assessment

    assert Assessment.objects.get(pk=demo.kim_bang).status == Assessment.Status.SUBMITTED


def test_reporter_of_another_unit_cannot_open_kim_bang(demo, open_page, login, shot):
    """Gia Bình's reporter typing Kim Bảng's address gets the Vietnamese 403 page, none of the data."""
    page = open_page()
    login(page, OTHER_REPORTER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Cán bộ nhập liệu huyện Gia Bình")
    expect(page.get_by_role("main")).not_to_contain_text("Kim Bảng")
    response = page.goto(demo.kim_bang_url)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có quyền truy cập")
    expect(page.get_by_role("main")).to_contain_text("Bạn không có quyền xem bản tự đánh giá của đơn vị này.")
    expect(page.get_by_role("main")).not_to_contain_text("Kim Bảng")
    expect(page.get_by_test_id("total")).to_have_count(0)
    expect(page.locator("input.autosave")).to_have_count(0)
    shot(page, "11-khong-co-quyen")


def test_anonymous_visitor_is_sent_to_the_login_page(demo, open_page, login):
    """Not signed in: the login page, then back to the assessment after signing in."""
    page = open_page()
    page.goto(demo.kim_bang_url)
    expect(page).to_have_url(demo.at(f"/dang-nhap/?next=/danh-gia/{demo.kim_bang}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    expect(page.get_by_test_id("total")).to_have_count(0)
    login(page, REPORTER, open_form=False)  # and after signing in, back to the page asked for
    expect(page).to_have_url(demo.kim_bang_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("UBND huyện Kim Bảng")


def test_an_autosave_after_the_session_expired_says_so_and_keeps_the_typing(demo, open_page, login):
    """The server answers 401 with its message; the field shows it and keeps what was typed."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from dti.core.middleware import SEEN_AT, SIGNED_IN_AT

    page = open_page()
    login(page, REPORTER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")  # signed in before going on
    page.goto(demo.kim_bang_url)
    page.locator("#index-card-iii summary").click()
    # The card's fields load when it opens: the session expires only after they have come (before,
    # the test raced that load, which then got the 401 itself and never showed the field).
    expect(page.locator("#f-III-1-a")).to_be_visible()
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key)
    session[SEEN_AT] = session[SIGNED_IN_AT] = timezone.now().timestamp() - 31 * 60  # 31 minutes idle
    session.save()

    before = stored_values(demo.kim_bang, "III.1")["a"]
    field = page.locator("#f-III-1-a")
    field.fill("70.000")
    state = page.locator("#status-III-1 .save-state")
    expect(state).to_contain_text("Phiên làm việc đã hết hạn sau 30 phút không hoạt động.")
    expect(state).to_contain_text("chưa được lưu")
    expect(field).to_have_value("70.000")
    assert stored_values(demo.kim_bang, "III.1")["a"] == before


def test_an_autosave_after_signing_out_in_another_tab_says_so_and_keeps_the_typing(demo, open_page, login):
    """Signed out in another tab: the autosave gets the server's 401 text, not the login page swapped into the box."""
    page = open_page()
    login(page, REPORTER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")  # signed in before going on
    page.goto(demo.kim_bang_url)
    page.locator("#index-card-iii summary").click()
    expect(page.locator("#f-III-1-a")).to_be_visible()  # the card's fields loaded before signing out
    other = page.context.new_page()
    other.goto(demo.at("/"))
    other.locator("form[action='/dang-xuat/'] button").click()
    expect(other).to_have_url(demo.at("/dang-nhap/"))

    before = stored_values(demo.kim_bang, "III.1")["a"]
    field = page.locator("#f-III-1-a")
    field.fill("70.000")
    state = page.locator("#status-III-1 .save-state")
    expect(state).to_contain_text("Bạn chưa đăng nhập hoặc đã đăng xuất (có thể ở một thẻ khác).")
    expect(state).to_contain_text("chưa được lưu")
    expect(page.locator("#status-III-1 input[name=password]")).to_have_count(0)
    expect(field).to_have_value("70.000")
    assert stored_values(demo.kim_bang, "III.1")["a"] == before


def test_an_autosave_that_cannot_reach_the_server_says_so_and_keeps_the_typing(demo, open_page, login):
    """The connection drops (the request is aborted): the field's box says nothing was saved."""
    page = open_page()
    login(page, REPORTER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")  # signed in before going on
    page.goto(demo.kim_bang_url)
    page.locator("#index-card-iii summary").click()
    before = stored_values(demo.kim_bang, "III.1")["a"]
    page.route("**/chi-so/III.1/", lambda route: route.abort())
    field = page.locator("#f-III-1-a")
    field.fill("70.000")
    expect(page.locator("#status-III-1 .save-state.failed")).to_contain_text("Mất kết nối, chưa lưu được.")
    expect(field).to_have_value("70.000")
    assert stored_values(demo.kim_bang, "III.1")["a"] == before
