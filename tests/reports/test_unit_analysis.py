"""A unit's analysis page: the what-if panel (exact points by the engine), the radar against the
group's mean with its table, the previous year's figures; and the report downloads read back."""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document as WordDocument
from pypdf import PdfReader

from dti.results.models import Publication
from tests.reports.conftest import unit_url


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_what_if_panel(published: dict[str, Any], login: Any) -> None:
    # UBND huyện Hai: 19 points (I.1 5, I.2 10, II.1 0, II.2 4) against UBND huyện Một's 32.
    page = text(login("other_leader").get(unit_url(published, "other_unit")).content.decode())
    assert "Đơn vị ngay trên: UBND huyện Một (hạng 1), cách 13,00; cần thêm 13,00 điểm để đồng hạng." in page
    assert "1 UBND huyện Một 32,00 13,00 13,01 có" in page
    # Points still available, most first: II.1 (10), II.2 (6), I.1 (5); I.2 is full.
    assert "(tổng 21,00 điểm)" in page
    rooms = re.findall(
        r"(II\.1|II\.2|I\.1|I\.2)\. [^0-9]+ [0-9,]+ [0-9,]+ ([0-9,]+)", page.split("Chỉ tiêu còn điểm")[1]
    )
    assert [code for code, _left in rooms][:3] == ["II.1", "II.2", "I.1"]
    first = text(login("leader").get(unit_url(published)).content.decode())
    assert "Đơn vị đang đứng đầu nhóm." in first
    assert "Năm trước Chưa có kết quả công bố nào trước năm 2023 để so sánh." in first
    assert "Đơn vị ngay dưới: UBND huyện Hai (hạng 2), kém 13,00; đơn vị này cần thêm 13,00 điểm để đồng hạng." in first


def test_radar_against_the_group_mean(published: dict[str, Any], login: Any) -> None:
    page = login("leader").get(unit_url(published)).content.decode()
    assert 'class="against"' in page and "<title" in page
    # I: Một 16/20 = 80 %, Hai 15/20 = 75 % → mean 77,50 %; II: 16/20 = 80 %, 4/20 = 20 % → 50,00 %.
    plain = text(page)
    assert "I. Nhận thức số 16,00 20,00 80,00 % 77,50 %" in plain
    assert "II. Thể chế số 16,00 20,00 80,00 % 50,00 %" in plain


def test_unit_report_pdf_and_docx_hold_the_published_figures(published: dict[str, Any], login: Any) -> None:
    snapshot = Publication.objects.get().snapshot
    mine = next(u for u in snapshot["groups"][0]["units"] if u["unit"] == "UBND huyện Một")
    pdf = login("leader").get(unit_url(published, tail="bao-cao.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"] == 'attachment; filename="bao-cao-ubnd-huyen-mot-ky-danh-gia-thu-nghiem-2023-v1.pdf"'
    )
    pdf_text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "UBND huyện Một" in pdf_text and "32,00" in pdf_text and "DỰ THẢO" not in pdf_text
    assert mine["total"] == "32.00"
    docx = login("leader").get(unit_url(published, tail="bao-cao.docx"))
    word = WordDocument(io.BytesIO(docx.content))
    cells = " ".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    assert "32,00" in cells


def test_draft_unit_report_is_marked(approved: dict[str, Any], login: Any) -> None:
    response = login("chair").get(unit_url(approved, tail="bao-cao.pdf"))
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert all("DỰ THẢO" in (p.extract_text() or "") for p in pages)


def test_unknown_report_kind_is_not_found(published: dict[str, Any], login: Any) -> None:
    assert login("leader").get(unit_url(published, tail="bao-cao.xlsx")).status_code == 404


def publish_2022(world: dict[str, Any], rename: dict[str, str], totals: dict[str, str], ranks: dict[str, int]) -> None:
    """A 2022 campaign published with the 2023 snapshot's figures, units renamed and totals and ranks set."""
    import copy
    import datetime

    from django.utils import timezone

    from dti.campaigns.models import Campaign

    old = copy.deepcopy(Publication.objects.get().snapshot)
    old["campaign"]["year"] = 2022
    group = old["groups"][0]
    group["units"].append(copy.deepcopy(group["units"][0]))
    group["units"][-1]["unit"] = "UBND huyện Bốn"
    for unit in group["units"]:
        unit["unit"] = rename.get(unit["unit"], unit["unit"])
        unit["total"], unit["rank"] = totals[unit["unit"]], ranks[unit["unit"]]
    campaign = Campaign.objects.create(
        name="Kỳ đánh giá thử nghiệm 2022",
        year=2022,
        organiser=world["campaign"].organiser,
        state=Campaign.State.PUBLISHED,
        submission_deadline=timezone.now() - datetime.timedelta(days=400),
    )
    Publication.objects.create(campaign=campaign, version=1, snapshot=old)


def report_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    return (
        " ".join(p.text for p in word.paragraphs)
        + " "
        + " ".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    )


def test_previous_year_from_history(published: dict[str, Any], login: Any) -> None:
    """The 2022 results (UBND huyện Một 2 points lower and second) are shown beside 2023 and compared in the report."""
    publish_2022(
        published,
        {},
        {"UBND huyện Một": "30.00", "UBND huyện Hai": "31.00", "UBND huyện Bốn": "1.00"},
        {"UBND huyện Một": 2, "UBND huyện Hai": 1, "UBND huyện Bốn": 3},
    )
    page = text(login("leader").get(unit_url(published)).content.decode())
    assert "Năm 2022 30,00 · hạng 2/3" in page
    body = report_text(login("leader").get(unit_url(published, tail="bao-cao.docx")).content)
    assert "tăng 1 bậc" in body and "+2,00" in body


def test_a_merged_unit_compares_with_its_predecessors_mean(published: dict[str, Any], login: Any) -> None:
    """UBND huyện Một was formed in 2023 from Ba (30) and Bốn (20): last year is their mean, 25, unranked."""
    import datetime

    from dti.history.services import lineage_save
    from dti.units.models import Unit

    kind = published["unit"].unit_type
    ba = Unit.objects.create(name="UBND huyện Ba", unit_type=kind)
    bon = Unit.objects.create(name="UBND huyện Bốn", unit_type=kind)
    lineage_save(
        by=published["users"]["organiser"],
        kind="merge",
        effective=datetime.date(2023, 1, 1),
        predecessors=[ba, bon],
        successors=[published["unit"]],
    )
    publish_2022(
        published,
        {"UBND huyện Một": "UBND huyện Ba"},
        {"UBND huyện Ba": "30.00", "UBND huyện Hai": "31.00", "UBND huyện Bốn": "20.00"},
        {"UBND huyện Hai": 1, "UBND huyện Ba": 2, "UBND huyện Bốn": 3},
    )
    page = text(login("leader").get(unit_url(published)).content.decode())
    assert "Năm 2022 25,00" in page and "hạng" not in page.split("Năm 2022 25,00")[1][:10]
    body = report_text(login("leader").get(unit_url(published, tail="bao-cao.docx")).content)
    assert "+7,00" in body


def test_unit_without_results_has_no_report(appraised: dict[str, Any], login: Any) -> None:
    """Before its appraisal is finished a unit is not in the draft's table: the page says so, no download."""
    from dti.assessments.models import Assessment

    Assessment.objects.filter(pk=appraised["other_assessment"].pk).update(status=Assessment.Status.IN_APPRAISAL)
    page = login("organiser").get(unit_url(appraised, "other_unit")).content.decode()
    assert "Đơn vị không có trong bảng xếp hạng" in page and "bao-cao.pdf" not in page
    assert login("organiser").get(unit_url(appraised, "other_unit", "bao-cao.pdf")).status_code == 404


def test_group_mean_without_maxima_is_of_the_groups_best_like_the_units_share() -> None:
    """Ninh Bình's framework states no maximum: the unit's share on the page is of the group's
    highest score, so the group's mean beside it (and on the radar) is of that same score, not
    missing (it printed "—" under "% điểm tối đa" while the unit showed 100,00 %)."""
    from decimal import Decimal

    from dti.engine import load_framework, rank_results, read_results, row_result
    from dti.reports.selectors import _mean_share
    from dti.results.selectors import group_views
    from dti.results.snapshot import snapshot_of_results
    from tests.test_cli import NINH_BINH, NINH_BINH_RESULTS

    framework = load_framework(NINH_BINH)
    results = [row_result(framework, row) for row in read_results(framework, NINH_BINH_RESULTS).rows]
    rank_results(framework, results)
    view = group_views(snapshot_of_results(framework, results, name="Ninh Bình 2023", year=2023))[0]
    # Index 2 (Thể chế số): six units at 30, two at 25 → (6 × 100 + 2 × 25/30 × 100) / 8 = 95,83 %.
    assert _mean_share(view, "2", None) == Decimal("95.83")
    assert all(_mean_share(view, code, None) is not None for code in "12345678")
