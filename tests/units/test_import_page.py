"""The import page /don-vi/nhap-tu-excel/ and its template: organisers and admins only, every problem shown."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dti.units.models import Unit

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
URL = "/don-vi/nhap-tu-excel/"


def test_refused_to_other_roles(login):
    for persona in REFUSED:
        client = login(persona)
        for url in (URL, "/don-vi/mau-nhap-don-vi.xlsx"):
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(URL, {"file": io.BytesIO(b"x")}).status_code == 403, persona


@pytest.mark.parametrize("url", [URL, "/don-vi/mau-nhap-don-vi.xlsx"])
def test_anonymous_is_sent_to_login(login, url):
    response = login("anonymous").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_page_explains_the_columns_and_lists_the_types(login, persona):
    body = login(persona).get(URL).content.decode()
    assert "Tên đơn vị" in body and "Loại đơn vị" in body and "Đơn vị cấp trên" in body
    assert "<td>huyen</td><td>Huyện</td>" in body
    assert 'href="/don-vi/mau-nhap-don-vi.xlsx"' in body


def test_upload_imports_and_reports_what_changed(world, login, xlsx):
    path = xlsx([["UBND huyện Ba", "huyen", "UBND tỉnh Thử Nghiệm"], ["UBND huyện Một", "huyen", None]])
    with path.open("rb") as handle:
        response = login("organiser").post(URL, {"file": handle}, follow=True)
    body = response.content.decode()
    assert "Đã nhập 2 đơn vị từ tệp don-vi.xlsx: 1 thêm mới, 1 cập nhật, 0 không thay đổi." in body
    assert Unit.objects.get(name="UBND huyện Ba").parent.name == "UBND tỉnh Thử Nghiệm"


def test_every_problem_is_shown_and_nothing_saved(world, login, csv_file):
    path = csv_file("Tên đơn vị,Loại đơn vị,Đơn vị cấp trên\nSở Mới,so,\nSở Mới,huyen,Không Có\n")
    with path.open("rb") as handle:
        response = login("admin").post(URL, {"file": handle})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Tệp có 2 lỗi; chưa có đơn vị nào được ghi." in body
    assert "dòng 2, cột B (Loại đơn vị)" in body and "Không có loại đơn vị “so”" in body
    assert "dòng 3, cột A (Tên đơn vị)" in body and "trùng ở dòng 2" in body
    assert not Unit.objects.filter(name="Sở Mới").exists()


def test_post_without_a_file(login):
    response = login("organiser").post(URL, {})
    assert response.status_code == 422
    assert "Hãy chọn tệp" in response.content.decode()


def test_template_is_a_workbook_the_import_accepts(world, login, tmp_path):
    response = login("organiser").get("/don-vi/mau-nhap-don-vi.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-don-vi.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Đơn vị", "Loại đơn vị"]
    assert [c.value for c in workbook["Đơn vị"][1]] == ["Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên"]
    assert [r[0] for r in workbook["Loại đơn vị"].iter_rows(min_row=2, values_only=True)] == ["huyen", "tinh"]


def test_template_neutralises_a_formula_unit_type_name(world, login):
    """Issue 10 §3: a unit type's name a spreadsheet would run is written with a leading apostrophe, as text."""
    world["unit"].unit_type.__class__.objects.create(code="xa", name="=1+1")
    workbook = openpyxl.load_workbook(io.BytesIO(login("organiser").get("/don-vi/mau-nhap-don-vi.xlsx").content))
    cell = next(row[1] for row in workbook["Loại đơn vị"].iter_rows(min_row=2) if row[0].value == "xa")
    assert cell.value == "'=1+1" and cell.data_type == "s"
