"""Documents and analysis in a real browser, on the demo's published Ninh Bình 2023 campaign.

The organiser goes from the campaign page to its documents and downloads the XLSX appendix (read
back: the published totals). A leader of Tam Điệp writes the causes on the unit's analysis page,
saves them, and downloads the unit's PDF report, which carries them.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from dti.demo import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CAMPAIGN = "Đánh giá, xếp hạng mức độ chuyển đổi số cấp huyện tỉnh Ninh Bình năm 2023"
UNIT = "UBND thành phố Tam Điệp"
CAUSES = "Chưa số hóa hồ sơ một cửa ở cấp xã"


def test_organiser_downloads_the_appendix(demo, open_page, login, shot, tmp_path: Path):
    from dti.campaigns.models import Campaign
    from dti.results.models import Publication

    campaign = Campaign.objects.get(name=CAMPAIGN)
    page = open_page()
    login(page, "tochuc")
    page.goto(demo.at(f"/ky-danh-gia/{campaign.pk}/"))
    page.locator("#van-ban").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản và phân tích")
    shot(page, "reports-campaign")
    with page.expect_download() as info:
        page.locator("#cac-phien-ban").get_by_role("link", name="XLSX").first.click()
    download = info.value
    assert download.suggested_filename.endswith("-v1.xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = load_workbook(target).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    codes = next(r for r in rows if r and "unit" in r)
    totals = {r[codes.index("unit")]: r[codes.index("total")] for r in rows[rows.index(codes) + 1 :] if r and r[0]}
    published = Publication.objects.get(campaign=campaign).snapshot["groups"][0]["units"]
    for unit in published:
        assert Decimal(str(totals[unit["unit"]])) == Decimal(unit["total"])


def test_leader_writes_causes_and_downloads_the_report(demo, open_page, login, shot, tmp_path: Path):
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign
    from dti.core.roles import Role
    from dti.units.models import Unit

    unit = Unit.objects.get(name=UNIT)
    User.objects.create_user(
        "tamdiep.lanhdao", password=PASSWORD, full_name="Lãnh đạo Tam Điệp", role=Role.LEADER, unit=unit
    )
    campaign = Campaign.objects.get(name=CAMPAIGN)
    page = open_page()
    login(page, "tamdiep.lanhdao")
    page.goto(demo.at(f"/bao-cao/ky/{campaign.pk}/don-vi/{unit.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(UNIT)
    expect(page.locator("#gia-dinh")).to_be_visible()
    page.locator("#causes").fill(CAUSES)
    page.get_by_role("button", name="Lưu nội dung").click()
    expect(page.get_by_text("Đã lưu nội dung báo cáo phân tích.")).to_be_visible()
    expect(page.locator("#causes")).to_have_value(CAUSES)
    shot(page, "reports-unit", page.locator("#noi-dung"))
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải báo cáo (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("bao-cao-ubnd-thanh-pho-tam-diep-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert UNIT in " ".join(text.split()) and CAUSES in " ".join(text.split())
