"""units_import: a unit list from Excel/CSV, checked as a whole, written in one transaction."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from dti.audit.models import AuditEntry
from dti.units.models import Unit, UnitType
from dti.units.services import UnitImportInvalid, units_import


def _problems(exc: pytest.ExceptionInfo[UnitImportInvalid]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_imports_new_units_with_parents_from_earlier_rows(world, xlsx):
    organiser = world["users"]["organiser"]
    path = xlsx(
        [
            ["UBND tỉnh Mới", "tinh", None],
            ["UBND huyện Ba", "huyen", "UBND tỉnh Mới"],
            ["UBND huyện Bốn", "Huyện", "UBND tỉnh Mới"],  # a type by its name
        ]
    )
    result = units_import(path_or_file=path, by=organiser)
    assert result.created == ["UBND tỉnh Mới", "UBND huyện Ba", "UBND huyện Bốn"]
    assert (result.updated, result.unchanged) == ([], [])
    ba = Unit.objects.get(name="UBND huyện Ba")
    assert (ba.unit_type.code, ba.parent.name) == ("huyen", "UBND tỉnh Mới")
    assert Unit.objects.get(name="UBND huyện Bốn").unit_type.code == "huyen"
    entries = AuditEntry.objects.filter(action="unit.create").order_by("id")
    assert [e.new["name"] for e in entries] == result.created
    assert entries[1].new == {"name": "UBND huyện Ba", "type": "huyen", "parent": "UBND tỉnh Mới"}
    assert entries[1].actor == organiser
    assert entries[1].comment == "Nhập từ tệp don-vi.xlsx"


def test_existing_units_are_updated_not_duplicated(world, csv_file):
    admin = world["users"]["admin"]
    UnitType.objects.create(code="thi_xa", name="Thị xã")
    path = csv_file(
        "Tên đơn vị;Loại đơn vị;Đơn vị cấp trên\n"
        "UBND tỉnh Thử Nghiệm;tinh;\n"
        "UBND huyện Một;thi_xa;UBND tỉnh Thử Nghiệm\n"
        "UBND huyện  Hai;;UBND tỉnh Thử Nghiệm\n"  # extra space, blank type: keeps its type
    )
    count = Unit.objects.count()
    result = units_import(path_or_file=path, by=admin)
    assert Unit.objects.count() == count
    assert result.updated == ["UBND huyện Một"]
    assert result.unchanged == ["UBND tỉnh Thử Nghiệm", "UBND huyện Hai"]
    assert Unit.objects.get(name="UBND huyện Một").unit_type.code == "thi_xa"
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.old["type"] == "huyen" and entry.new["type"] == "thi_xa"
    assert entry.unit == world["unit"]


def test_blank_parent_makes_a_top_level_unit_and_a_missing_column_keeps_parents(world, csv_file):
    admin = world["users"]["admin"]
    units_import(path_or_file=csv_file("Tên đơn vị,Loại đơn vị\nUBND huyện Một,huyen\n"), by=admin)
    assert Unit.objects.get(name="UBND huyện Một").parent == Unit.objects.get(name="UBND tỉnh Thử Nghiệm")
    units_import(path_or_file=csv_file("Tên đơn vị,Loại đơn vị,Đơn vị cấp trên\nUBND huyện Một,huyen,\n"), by=admin)
    assert Unit.objects.get(name="UBND huyện Một").parent is None


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_written(world, xlsx):
    path = xlsx(
        [
            ["UBND huyện Năm", "quan", "UBND tỉnh Thử Nghiệm"],  # unknown type
            ["UBND huyện Sáu", "huyen", "UBND tỉnh Không Có"],  # unknown parent
            [None, "huyen", None],  # no name
            ["UBND huyện Bảy", None, None],  # a new unit without a type
            ["UBND huyện Tám", "huyen", "UBND huyện Chín"],  # parent on a later row
            ["UBND huyện Chín", "huyen", None],
            ["UBND huyện Năm", "huyen", None],  # duplicate row
            ["ubnd huyện một", "huyen", None],  # an existing name in other letter case
            ["UBND huyện Mười", "huyen", "UBND huyện Mười"],  # its own parent
        ]
    )
    count = Unit.objects.count()
    with pytest.raises(UnitImportInvalid) as exc:
        units_import(path_or_file=path, by=world["users"]["organiser"])
    problems = _problems(exc)
    assert problems == [
        "trang 'Đơn vị', dòng 2, cột B (Loại đơn vị): Không có loại đơn vị “quan”. "
        "Các loại đơn vị đã có (mã hoặc tên): huyen (Huyện), tinh (Tỉnh).",
        "trang 'Đơn vị', dòng 3, cột C (Đơn vị cấp trên): Không có đơn vị cấp trên “UBND tỉnh Không Có” "
        "(không có trong danh sách đơn vị và không có ở các dòng phía trên).",
        "trang 'Đơn vị', dòng 4, cột A (Tên đơn vị): Thiếu tên đơn vị.",
        "trang 'Đơn vị', dòng 5, cột B (Loại đơn vị): Thiếu loại đơn vị cho đơn vị mới “UBND huyện Bảy”.",
        "trang 'Đơn vị', dòng 6, cột C (Đơn vị cấp trên): Đơn vị cấp trên “UBND huyện Chín” ở dòng 7, sau dòng này: "
        "hãy đặt dòng của đơn vị cấp trên lên trước.",
        "trang 'Đơn vị', dòng 8, cột A (Tên đơn vị): Đơn vị “UBND huyện Năm” trùng ở dòng 2.",
        "trang 'Đơn vị', dòng 9, cột A (Tên đơn vị): “ubnd huyện một” chỉ khác đơn vị đã có “UBND huyện Một” "
        "ở chữ hoa/thường; hãy viết đúng như tên đã có để cập nhật đơn vị đó.",
        "trang 'Đơn vị', dòng 10, cột C (Đơn vị cấp trên): Một đơn vị không thể là cấp trên của chính nó.",
    ]
    assert exc.value.message.startswith("Tệp có 8 lỗi; chưa có đơn vị nào được ghi.")
    assert Unit.objects.count() == count
    assert not AuditEntry.objects.filter(action__startswith="unit.").exists()


def test_wrong_template_without_a_name_column(world, csv_file):
    path = csv_file("STT,Họ và tên,Loại đơn vị\n1,Nguyễn Văn A,huyen\n")
    with pytest.raises(UnitImportInvalid) as exc:
        units_import(path_or_file=path, by=world["users"]["organiser"])
    (problem,) = _problems(exc)
    assert problem.startswith("dòng tiêu đề: Không có cột “Tên đơn vị” (các cột trong tệp: “STT”, “Họ và tên”")
    assert "Hãy dùng tệp mẫu" in problem


def test_broken_excel_file(world, tmp_path):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UnitImportInvalid) as exc:
        units_import(path_or_file=path, by=world["users"]["organiser"])
    assert _problems(exc) == ["Không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx)."]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Tệp rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "tệp Excel cũ (.xls)"),
        (b"T\xean \xf0\xf4n v\xec\nS\xf4 Y t\xea\n", "CSV mã UTF-8"),  # Windows-1258, not UTF-8
        (b"PK\x03\x04broken", "Không mở được tệp Excel"),
        ("Tên đơn vị,Loại đơn vị\n".encode(), "chỉ có dòng tiêu đề"),
    ],
)
def test_bad_uploaded_files(world, content, expected):
    upload = io.BytesIO(content)
    upload.name = "tai-len.xlsx"  # type: ignore[attr-defined]
    with pytest.raises(UnitImportInvalid) as exc:
        units_import(path_or_file=upload, by=world["users"]["admin"])
    assert expected in str(exc.value.problems[0])


def test_a_file_object_is_read_by_its_content(world, xlsx):
    path = xlsx([["UBND huyện Ba", "huyen", "UBND tỉnh Thử Nghiệm"]])
    upload = io.BytesIO(path.read_bytes())
    upload.name = "danh-sach.csv"  # type: ignore[attr-defined]  # a misleading name: the bytes decide
    result = units_import(path_or_file=upload, by=world["users"]["admin"])
    assert result.created == ["UBND huyện Ba"]
    assert AuditEntry.objects.get(action="unit.create").comment == "Nhập từ tệp danh-sach.csv"


def test_a_loop_through_stored_units_is_refused(world, csv_file):
    # "UBND huyện Một" is stored under the province; making the province its child closes a loop.
    path = csv_file("Tên đơn vị,Loại đơn vị,Đơn vị cấp trên\nUBND tỉnh Thử Nghiệm,tinh,UBND huyện Một\n")
    with pytest.raises(UnitImportInvalid) as exc:
        units_import(path_or_file=path, by=world["users"]["admin"])
    assert _problems(exc) == [
        "dòng 2: Cấp trên tạo thành vòng lặp: UBND tỉnh Thử Nghiệm → UBND huyện Một → UBND tỉnh Thử Nghiệm."
    ]


def test_no_unit_types_at_all_says_how_to_create_them(db, django_user_model, csv_file):
    from dti.core.roles import Role

    admin = django_user_model.objects.create_user("qt", role=Role.ADMIN)
    with pytest.raises(UnitImportInvalid) as exc:
        units_import(path_or_file=csv_file("Tên đơn vị,Loại đơn vị\nSở Y tế,so\n"), by=admin)
    assert "dti manage create_unit_types" in str(exc.value.problems[0])
    assert not UnitType.objects.exists()  # never created by an import


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "chair", "viewer"])
def test_only_organisers_and_admins_may_import(world, csv_file, persona):
    with pytest.raises(PermissionDenied):
        units_import(path_or_file=csv_file("Tên đơn vị,Loại đơn vị\nSở Y tế,huyen\n"), by=world["users"][persona])
    assert not Unit.objects.filter(name="Sở Y tế").exists()
