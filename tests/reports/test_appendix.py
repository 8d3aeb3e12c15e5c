"""The appendix downloads, read back: the numbers are the snapshot's, "DỰ THẢO" only on drafts,
every published version downloadable, ASCII file names, drafts never cached by others."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from dti.results.models import Publication
from tests.reports.conftest import campaign_url


def workbook_numbers(content: bytes) -> dict[str, dict[str, Any]]:
    """Each unit's row of the overall sheet (the first), by the codes row's column codes."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "unit" in r)
    codes = list(header)
    found = {}
    for row in rows[rows.index(header) + 1 :]:
        data = dict(zip(codes, row, strict=False))
        if isinstance(data.get("unit"), str):
            found[data["unit"]] = data
    return found


def all_text(content: bytes, kind: str) -> str:
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(content))
        return " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    if kind == "docx":
        word = WordDocument(io.BytesIO(content))
        parts = [p.text for p in word.paragraphs]
        parts += [c.text for t in word.tables for r in t.rows for c in r.cells]
        for section in word.sections:
            parts += [p.text for p in section.header.paragraphs]
        return " ".join(parts)
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_published_xlsx_holds_the_snapshot_figures(published: dict[str, Any], client: Any) -> None:
    response = client.get(campaign_url(published, "phu-luc.xlsx"))
    assert response.status_code == 200
    snapshot = Publication.objects.get().snapshot
    rows = workbook_numbers(response.content)
    for unit in snapshot["groups"][0]["units"]:
        row = rows[unit["unit"]]
        assert Decimal(str(row["total"])) == Decimal(unit["total"])
        for code, value in unit["indices"].items():
            assert Decimal(str(row[code])) == Decimal(value)
        assert row["rank"] == unit["rank"]


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf"])
def test_published_has_no_draft_mark_and_names_the_decision(published: dict[str, Any], client: Any, kind: str) -> None:
    response = client.get(campaign_url(published, f"phu-luc.{kind}"))
    assert response.status_code == 200
    text = all_text(response.content, kind)
    assert "DỰ THẢO" not in text
    assert "15/QĐ-UBND" in text
    pk = published["campaign"].pk
    assert response["Content-Disposition"] == f'attachment; filename="phu-luc-ky-danh-gia-thu-nghiem-2023-v1.{kind}"'
    assert "private" not in response.get("Cache-Control", "")
    assert pk


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf"])
def test_draft_is_marked_and_private(approved: dict[str, Any], login: Any, kind: str) -> None:
    response = login("organiser").get(campaign_url(approved, f"phu-luc.{kind}"))
    assert response.status_code == 200
    assert "DỰ THẢO" in all_text(response.content, kind)
    assert "du-thao" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_draft_pdf_marks_every_page(approved: dict[str, Any], login: Any) -> None:
    content = login("chair").get(campaign_url(approved, "phu-luc.pdf")).content
    pages = PdfReader(io.BytesIO(content)).pages
    assert all("DỰ THẢO" in (page.extract_text() or "") for page in pages)


def test_draft_before_approval_leaves_the_decision_blank(appraised: dict[str, Any], login: Any) -> None:
    text = all_text(login("organiser").get(campaign_url(appraised, "phu-luc.docx")).content, "docx")
    assert "/QĐ-UBND" in text and "15/QĐ-UBND" not in text


def test_every_version_is_downloadable(amended: dict[str, Any], client: Any) -> None:
    one = workbook_numbers(client.get(campaign_url(amended, "phu-luc.xlsx") + "?phien-ban=1").content)
    two = workbook_numbers(client.get(campaign_url(amended, "phu-luc.xlsx") + "?phien-ban=2").content)
    latest = workbook_numbers(client.get(campaign_url(amended, "phu-luc.xlsx")).content)
    v1, v2 = Publication.objects.order_by("version")
    mine = "UBND huyện Một"
    expected_one = next(u for u in v1.snapshot["groups"][0]["units"] if u["unit"] == mine)
    expected_two = next(u for u in v2.snapshot["groups"][0]["units"] if u["unit"] == mine)
    assert Decimal(str(one[mine]["total"])) == Decimal(expected_one["total"])
    assert Decimal(str(two[mine]["total"])) == Decimal(expected_two["total"]) == Decimal("33.25")
    assert latest == two
    name = client.get(campaign_url(amended, "phu-luc.pdf") + "?phien-ban=1")["Content-Disposition"]
    assert name.endswith('-v1.pdf"')


def test_campaign_page_lists_every_version(amended: dict[str, Any], login: Any) -> None:
    page = login("viewer").get(campaign_url(amended)).content.decode()
    for version in (1, 2):
        for kind in ("xlsx", "docx", "pdf"):
            assert f"phu-luc.{kind}?phien-ban={version}" in page


def test_public_page_links_the_appendix(published: dict[str, Any], client: Any) -> None:
    page = client.get(f"/ket-qua/{published['campaign'].pk}/").content.decode()
    assert campaign_url(published, "phu-luc.xlsx") in page


def test_a_name_the_pdf_font_cannot_print_gets_a_message_not_a_server_error(
    approved: dict[str, Any], login: Any
) -> None:
    """Regression: a unit name with a character outside DejaVu Serif made the PDF writer raise,
    and the download answered 500; now the error page says what could not be printed."""
    unit = approved["assessment"].participation.unit
    unit.name = "UBND 北京"
    unit.save(update_fields=["name"])
    organiser = login("organiser")
    response = organiser.get(campaign_url(approved, "phu-luc.pdf"))
    assert response.status_code == 422
    assert "Không tạo được văn bản" in response.content.decode()
    assert organiser.get(campaign_url(approved, "phu-luc.xlsx")).status_code == 200


@pytest.mark.parametrize(
    ("number", "expected"),
    [("/QĐ-UBND", "số       /QĐ-UBND ngày"), ("125/QĐ-UBND", "số 125/QĐ-UBND ngày"), ("", "số       /QĐ-UBND ngày")],
)
def test_a_decision_published_without_its_number_keeps_the_blanks(number: str, expected: str) -> None:
    # Ninh Bình's 2023 appendix was published as "Quyết định số: /QĐ-UBND": imported as such, the
    # attached line printed "số /QĐ-UBND" with no room to write the number in.
    from dti.documents.appendix import attached_line
    from dti.reports.exports import heading_of
    from dti.reports.models import DocumentSettings

    snapshot: Any = {"decision": {"number": number, "date": None, "date_text": "", "signer": ""}}
    settings = DocumentSettings(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", number_suffix="/QĐ-UBND")
    assert expected in attached_line(heading_of(snapshot, settings))


def test_a_decision_date_published_only_in_part_is_kept() -> None:
    # The imported Ninh Bình 2023 snapshot has the date "/7/2024": the appendix printed blanks.
    from dti.documents.appendix import attached_line
    from dti.reports.exports import heading_of
    from dti.reports.models import DocumentSettings

    snapshot: Any = {"decision": {"number": "/QĐ-UBND", "date": None, "date_text": "/7/2024", "signer": ""}}
    settings = DocumentSettings(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", number_suffix="/QĐ-UBND")
    heading = heading_of(snapshot, settings)
    assert (heading.date, heading.date_text) == (None, "/7/2024")
    assert "số       /QĐ-UBND ngày /7/2024 của" in attached_line(heading)
