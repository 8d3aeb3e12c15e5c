"""The appendix's heading: defaults from the organiser, changed by an organiser (audited),
refused with a Vietnamese message when incomplete or too long (nothing saved, the typed text kept)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document as WordDocument

from dti.audit.models import AuditEntry
from dti.reports.models import DocumentSettings
from dti.reports.selectors import document_settings
from tests.reports.conftest import campaign_url

GOOD = {
    "issuer": "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    "parent": "",
    "place": "Thử Nghiệm",
    "number_suffix": "/QĐ-UBND",
    "appendix_number": "II",
    "title": "Kết quả đánh giá chuyển đổi số cấp huyện năm 2023",
}


def test_defaults_come_from_the_organiser(published: dict[str, Any]) -> None:
    settings = document_settings(published["campaign"])
    assert settings.pk is None
    assert settings.issuer == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    assert settings.place == "Thử Nghiệm"
    assert (settings.appendix_number, settings.number_suffix) == ("I", "/QĐ-UBND")
    assert settings.title == "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2023"


def test_an_empty_number_suffix_keeps_the_default(published: dict[str, Any], login: Any) -> None:
    login("organiser").post(campaign_url(published, "thiet-lap/"), {**GOOD, "number_suffix": ""})
    assert DocumentSettings.objects.get().number_suffix == "/QĐ-UBND"


def test_saved_settings_are_audited_and_printed(published: dict[str, Any], login: Any) -> None:
    response = login("organiser").post(campaign_url(published, "thiet-lap/"), GOOD)
    assert response.status_code == 302
    saved = DocumentSettings.objects.get()
    assert (saved.appendix_number, saved.title) == ("II", GOOD["title"])
    entry = AuditEntry.objects.get(action="documents.settings")
    assert entry.old is None and entry.new["title"] == GOOD["title"] and entry.actor == published["users"]["organiser"]
    word = WordDocument(io.BytesIO(login("organiser").get(campaign_url(published, "phu-luc.docx")).content))
    text = " ".join(p.text for p in word.paragraphs)
    assert "PHỤ LỤC II" in text and GOOD["title"].upper() in text
    # Saving the same again records nothing new.
    login("organiser").post(campaign_url(published, "thiet-lap/"), GOOD)
    assert AuditEntry.objects.filter(action="documents.settings").count() == 1


@pytest.mark.parametrize(
    ("field", "message"), [("issuer", "Cần nhập cơ quan ban hành."), ("title", "Cần nhập tên phụ lục.")]
)
def test_missing_issuer_or_title_is_refused(published: dict[str, Any], login: Any, field: str, message: str) -> None:
    response = login("organiser").post(campaign_url(published, "thiet-lap/"), {**GOOD, field: " "})
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and GOOD["place"] in page
    assert not DocumentSettings.objects.exists()


def test_too_long_is_refused_and_nothing_changes(published: dict[str, Any], login: Any) -> None:
    login("organiser").post(campaign_url(published, "thiet-lap/"), GOOD)
    response = login("organiser").post(campaign_url(published, "thiet-lap/"), {**GOOD, "place": "x" * 101})
    assert response.status_code == 422
    assert "Địa danh dài quá 100 ký tự." in response.content.decode()
    assert DocumentSettings.objects.get().place == "Thử Nghiệm"
    assert AuditEntry.objects.filter(action="documents.settings").count() == 1


def test_a_department_organiser_gets_its_province_as_parent_and_place(published: dict[str, Any]) -> None:
    # A Sở organising the campaign: the place printed "Sở Thông tin và Truyền thông, ngày … tháng …"
    # (the whole name, not a place) and no parent body stood above it.
    from dti.units.models import Unit, UnitType

    campaign = published["campaign"]
    department = Unit.objects.create(
        name="Sở Thông tin và Truyền thông",
        unit_type=UnitType.objects.create(code="so", name="Sở, ban, ngành"),
        parent=campaign.organiser,
    )
    campaign.organiser = department
    campaign.save()
    settings = document_settings(campaign)
    assert settings.issuer == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert settings.parent == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    assert settings.place == "Thử Nghiệm"


def test_an_organiser_without_a_place_in_its_name_leaves_the_place_blank(published: dict[str, Any]) -> None:
    from dti.units.models import Unit, UnitType

    campaign = published["campaign"]
    campaign.organiser = Unit.objects.create(
        name="Bộ Thông tin và Truyền thông", unit_type=UnitType.objects.create(code="bo", name="Bộ")
    )
    campaign.save()
    settings = document_settings(campaign)
    assert (settings.issuer, settings.parent, settings.place) == ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "", "")
