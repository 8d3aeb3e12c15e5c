"""The organiser's import of many units' data in a real browser, on the demo data.

The Hà Nam 2023 campaign is open for reports and Kim Bảng's assessment is a draft, so the
organiser may import into it (docs/files.md "Nhập dữ liệu nhiều đơn vị"). The organiser uploads a
long CSV (`unit, code, field, value`), reads the changes on the check page, applies them (a
background job, run at once in tests) and lands back on the check page with the job's outcome;
a file with a value the web form would refuse shows the problem at its cell and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Demo

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISER = "tochuc"
CAMPAIGN = "Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023"
UNIT = "UBND huyện Kim Bảng"
CODE, FIELD = "III.1", "a"  # a count: adults with a smartphone, 108.649 of Kim Bảng's own 133.841
LABEL = "Số lượng người dân trưởng thành có điện thoại thông minh"
IMPORTED = "Nhập số liệu nhiều đơn vị từ tệp"


def campaign_pk() -> int:
    """The Hà Nam campaign, the demo's one open for data entry."""
    from dti.campaigns.models import Campaign

    return Campaign.objects.get(name=CAMPAIGN).pk


def stored(assessment_pk: int) -> dict[str, object]:
    """Kim Bảng's saved values of III.1."""
    from dti.assessments.models import Entry

    return dict(Entry.objects.get(assessment_id=assessment_pk, code=CODE).values)


def long_csv(folder: Path, name: str, *rows: str) -> Path:
    """A long-layout CSV (one row per value) written where the browser can pick it."""
    path = folder / name
    path.write_text("unit,code,field,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def check_file(page: Page, path: Path) -> None:
    """Choose the file on the check page and press "Kiểm tra tệp"."""
    page.get_by_label(re.compile(r"^Tệp số liệu nhiều đơn vị")).set_input_files(path)
    page.get_by_role("button", name="Kiểm tra tệp").click()


def test_organiser_checks_then_applies_a_file(
    demo: Demo, open_page: Callable[[], Page], login: Callable[..., None], shot: Callable[..., None], tmp_path: Path
) -> None:
    """From the export page: the preview lists the change old → new, applying writes it with the import named."""
    from dti.audit.models import AuditEntry

    assert stored(demo.kim_bang)[FIELD] == "108649"
    pk = campaign_pk()
    page = open_page()
    login(page, ORGANISER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.goto(demo.at(f"/xuat/ky/{pk}/"))
    page.get_by_role("link", name="Kiểm tra tệp số liệu nhiều đơn vị").click()
    expect(page).to_have_url(demo.at(f"/xuat/ky/{pk}/kiem-tra-tep/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra tệp số liệu nhiều đơn vị")

    check_file(page, long_csv(tmp_path, "nhap-kim-bang.csv", f"{UNIT},{CODE},{FIELD},110000"))
    expect(page.get_by_role("heading", level=2)).to_have_text("Tệp nhap-kim-bang.csv: 1 thay đổi ở 1 đơn vị")
    changes = page.locator("table").get_by_role("row")
    expect(changes).to_have_count(2)  # the header and the one change
    cells = changes.nth(1).get_by_role("cell")
    expect(cells).to_have_text([UNIT, CODE, LABEL, "108.649", "110.000"])
    shot(page, "30-kiem-tra-tep", page.locator("#thay-doi"))
    assert stored(demo.kim_bang)[FIELD] == "108649"  # a preview writes nothing

    page.get_by_role("button", name="Áp dụng").click()
    expect(page).to_have_url(demo.at(f"/xuat/ky/{pk}/kiem-tra-tep/"))
    expect(page.locator(".msg.success")).to_have_text("Đã nhập 1 thay đổi của 1 đơn vị từ tệp nhap-kim-bang.csv.")
    shot(page, "31-da-ap-dung")
    assert stored(demo.kim_bang)[FIELD] == "110000"
    audit = AuditEntry.objects.filter(action="entry.save", code=CODE, field=FIELD, comment__startswith=IMPORTED)
    assert [(e.old, e.new, e.comment) for e in audit] == [("108649", "110000", f"{IMPORTED} nhap-kim-bang.csv")]


def test_a_value_the_form_refuses_is_shown_at_its_cell_and_nothing_is_written(
    demo: Demo, open_page: Callable[[], Page], login: Callable[..., None], shot: Callable[..., None], tmp_path: Path
) -> None:
    """A count in words and a unit outside the campaign: each problem at its row and column, no change saved."""
    from dti.audit.models import AuditEntry

    before = stored(demo.kim_bang)
    page = open_page()
    login(page, ORGANISER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.goto(demo.at(f"/xuat/ky/{campaign_pk()}/kiem-tra-tep/"))
    rows = (f"{UNIT},{CODE},{FIELD},một trăm nghìn", f"UBND huyện Gia Bình,{CODE},{FIELD},5000")
    check_file(page, long_csv(tmp_path, "nhap-sai.csv", *rows))

    refusal = page.locator("#loi-tep")
    expect(refusal).to_contain_text("Tệp có 2 lỗi; chưa nhập dữ liệu nào.")
    problems = refusal.get_by_role("listitem")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_have_text(re.compile(r"^dòng 2, cột D \(value\): .*một trăm nghìn.* không phải là số"))
    expect(problems.nth(1)).to_have_text(
        "dòng 3, cột D (value): Đơn vị “UBND huyện Gia Bình” không tham gia kỳ đánh giá này."
    )
    expect(page.get_by_role("button", name="Áp dụng")).to_have_count(0)
    shot(page, "32-tep-co-loi", refusal)
    assert stored(demo.kim_bang) == before
    assert not AuditEntry.objects.filter(comment__startswith=IMPORTED).exists()
