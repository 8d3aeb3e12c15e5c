"""The unit's written sections: saved with the report, audited, re-used as the start of next
year's report, refused when too long (with a Vietnamese message, the typed text kept, nothing saved)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.reports.models import NOTE_LENGTH, ReportNotes
from tests.reports.conftest import unit_url

NOTES = {"causes": "Chưa có kế hoạch", "agencies": "Văn phòng HĐND và UBND", "measures": "Ban hành kế hoạch\r\nsố hóa"}


def next_year(world: dict[str, Any]) -> Campaign:
    """The 2024 campaign with the same unit (nothing published yet)."""
    campaign = Campaign.objects.create(
        name="Kỳ đánh giá thử nghiệm 2024",
        year=2024,
        organiser=world["campaign"].organiser,
        state=Campaign.State.OPEN,
        submission_deadline=timezone.now() + datetime.timedelta(days=30),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm huyện", framework=world["group"].framework)
    Participation.objects.create(campaign=campaign, group=group, unit=world["unit"])
    return campaign


def test_notes_are_saved_and_audited(published: dict[str, Any], login: Any) -> None:
    response = login("leader").post(unit_url(published), NOTES)
    assert response.status_code == 302
    notes = ReportNotes.objects.get()
    assert notes.measures == "Ban hành kế hoạch\nsố hóa" and notes.updated_by == published["users"]["leader"]
    entry = AuditEntry.objects.get(action="report.notes")
    assert entry.unit == published["unit"] and entry.new["causes"] == "Chưa có kế hoạch" and entry.old["causes"] == ""
    page = login("viewer").get(unit_url(published)).content.decode()
    assert "Văn phòng HĐND và UBND" in page
    login("organiser").post(unit_url(published), {**NOTES, "causes": "Thiếu nhân lực"})
    second = AuditEntry.objects.filter(action="report.notes").order_by("-pk").first()
    assert (
        second is not None
        and second.old == {"causes": "Chưa có kế hoạch"}
        and second.new == {"causes": "Thiếu nhân lực"}
    )


def test_notes_are_reused_next_year(published: dict[str, Any], login: Any) -> None:
    login("leader").post(unit_url(published), NOTES)
    campaign = next_year(published)
    url = f"/bao-cao/ky/{campaign.pk}/don-vi/{published['unit'].pk}/"
    page = login("leader").get(url).content.decode()
    assert "Chưa có kế hoạch" in page and "lấy từ báo cáo của Kỳ đánh giá thử nghiệm 2023" in page
    assert ReportNotes.objects.count() == 1  # only kept once saved for the new year
    login("leader").post(url, {**NOTES, "causes": "Đã có kế hoạch"})
    assert ReportNotes.objects.get(campaign=campaign).causes == "Đã có kế hoạch"
    assert ReportNotes.objects.get(campaign=published["campaign"]).causes == "Chưa có kế hoạch"
    assert "lấy từ báo cáo" not in login("leader").get(url).content.decode()


def test_too_long_notes_are_refused_and_kept_on_the_page(published: dict[str, Any], login: Any) -> None:
    login("leader").post(unit_url(published), NOTES)
    long_text = "Nguyên nhân " * (NOTE_LENGTH // 10)
    response = login("leader").post(unit_url(published), {**NOTES, "causes": long_text})
    assert response.status_code == 422
    page = response.content.decode()
    assert f"quá giới hạn {NOTE_LENGTH} ký tự" in page and "Mục “Nguyên nhân”" in page
    assert long_text.strip()[:200] in page  # nothing typed is lost
    assert ReportNotes.objects.get().causes == "Chưa có kế hoạch"
    assert AuditEntry.objects.filter(action="report.notes").count() == 1


def test_notes_go_into_the_report(published: dict[str, Any], login: Any) -> None:
    import io

    from docx import Document as WordDocument

    login("leader").post(unit_url(published), NOTES)
    content = login("leader").get(unit_url(published, tail="bao-cao.docx")).content
    text = " ".join(p.text for p in WordDocument(io.BytesIO(content)).paragraphs)
    assert "Chưa có kế hoạch" in text and "Văn phòng HĐND và UBND" in text and "số hóa" in text
