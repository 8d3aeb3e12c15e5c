"""The organiser's workbook of many units' data: what it would change, every problem at its cell,
nothing written, refusals."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from dti.assessments.models import Assessment, Entry
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.exports.bulk import BulkImportInvalid, Change, bulk_preview
from dti.units.models import Unit


def upload(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def long_csv(*rows: str) -> io.BytesIO:
    return upload(("unit,code,field,value\n" + "\n".join(rows) + "\n").encode(), "nhap.csv")


def wide_xlsx(headers: list[str], *rows: list[object]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Số liệu"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return upload(out.getvalue(), "nhap.xlsx")


def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Everything the import could touch: entries, general information, audit entries."""
    entries = sorted(Entry.objects.values_list("assessment_id", "code", "values", "score", "na_requested", "version"))
    general = sorted(Assessment.objects.values_list("pk", "general", "general_version"))
    return entries, general, AuditEntry.objects.count()


def refused(world: dict[str, Any], stream: io.BytesIO) -> list[str]:
    """The problems of a refused file (checking nothing was written)."""
    before = state()
    with pytest.raises(BulkImportInvalid) as caught:
        bulk_preview(campaign=world["campaign"], path_or_file=stream, by=world["users"]["organiser"])
    assert "chưa nhập dữ liệu nào" in caught.value.message
    assert state() == before
    return [str(problem) for problem in caught.value.problems]


def test_the_long_layout_lists_every_change_old_to_new(world: dict[str, Any]) -> None:
    Entry.objects.create(assessment=world["assessment"], code="I.2", values={"a": "5"}, version=1)
    before = state()
    preview = bulk_preview(
        campaign=world["campaign"],
        path_or_file=long_csv(
            "UBND huyện Một,I.2,a,15",
            "UBND huyện Một,I.1,truong_ban,Phó chủ tịch",
            "UBND huyện Một,general,so_xa,18",
            'UBND huyện Hai,II.2,score,"2,5"',
            "UBND huyện Hai,II.1,na,Chưa có kế hoạch",
        ),
        by=world["users"]["organiser"],
    )
    assert state() == before
    assert preview.units == 2
    assert Change("UBND huyện Một", "I.2", "a", "Số xã có chuyên mục", "5", "15") in preview.changes
    assert Change("UBND huyện Một", "I.1", "truong_ban", "Trưởng ban là", "", "pho") in preview.changes
    assert Change("UBND huyện Một", "general", "so_xa", "Số xã", "20", "18") in preview.changes
    assert Change("UBND huyện Hai", "II.2", "score", "Điểm", "", "2,5") in preview.changes
    assert (
        Change("UBND huyện Hai", "II.1", "na_reason", "Lý do không áp dụng", "", "Chưa có kế hoạch") in preview.changes
    )


def test_the_wide_layout_reads_one_row_per_unit(world: dict[str, Any]) -> None:
    preview = bulk_preview(
        campaign=world["campaign"],
        path_or_file=wide_xlsx(
            ["Đơn vị", "I.2:a", "II.1:ban_hanh", "general:so_xa"],
            ["UBND huyện Một", 12, "có", 20],
            ["UBND huyện Hai", 7, "không", None],
        ),
        by=world["users"]["organiser"],
    )
    changes = {(c.unit, c.code, c.field): (c.old, c.new) for c in preview.changes}
    assert changes == {
        ("UBND huyện Một", "I.2", "a"): ("", "12"),
        ("UBND huyện Một", "II.1", "ban_hanh"): ("", "yes"),
        ("UBND huyện Hai", "I.2", "a"): ("", "7"),
        ("UBND huyện Hai", "II.1", "ban_hanh"): ("", "no"),
    }


def test_every_problem_is_named_at_its_cell(world: dict[str, Any]) -> None:
    elsewhere = Campaign.objects.create(
        name="Kỳ khác",
        year=2023,
        organiser=world["unit"].parent,
        submission_deadline=world["campaign"].submission_deadline,
    )
    group = CampaignGroup.objects.create(campaign=elsewhere, name="Nhóm", framework=world["group"].framework)
    outsider = Unit.objects.create(name="UBND huyện Ba", unit_type=world["unit"].unit_type, parent=world["unit"].parent)
    Participation.objects.create(campaign=elsewhere, group=group, unit=outsider)
    problems = refused(
        world,
        long_csv(
            "UBND huyện Ba,I.2,a,1",
            "UBND huyện Một,X.9,a,1",
            "UBND huyện Một,I.2,a,mười",
            "UBND huyện Một,I.2,khac,1",
            "UBND huyện Hai,I.2,a,30",
            "UBND huyện Hai,I.1,truong_ban,pho",
            "UBND huyện Hai,I.1,truong_ban,khac",
        ),
    )
    assert problems[0] == "dòng 2, cột D (value): Đơn vị “UBND huyện Ba” không tham gia kỳ đánh giá này."
    assert problems[1] == "dòng 3, cột D (value): Mã chỉ số “X.9” không có trong bộ chỉ số của đơn vị “UBND huyện Một”."
    assert problems[2].startswith("dòng 4, cột D (value): ")
    assert problems[3] == "dòng 5, cột D (value): Chỉ số I.2 không có trường “khac”."
    assert problems[4] == "dòng 8, cột D (value): I.1 · truong_ban của “UBND huyện Hai” đã có ở dòng 7, cột D (value)."
    assert problems[5].startswith("dòng 6, cột D (value): ") and "lớn hơn" in problems[5]
    assert len(problems) == 6


def test_communes_below_a_stored_numerator_are_a_problem_at_their_cell(world: dict[str, Any]) -> None:
    """What general_save would refuse: the stored numerator of I.2 above the file's communes."""
    Entry.objects.create(assessment=world["assessment"], code="I.2", values={"a": "9"}, version=1)
    problems = refused(world, long_csv("UBND huyện Một,II.1,ban_hanh,có", "UBND huyện Một,general,so_xa,5"))
    assert problems == [
        "dòng 3, cột D (value): Số xã: 5 nhỏ hơn Số xã có chuyên mục (9) đã nhập ở chỉ số I.2; "
        "hãy kiểm tra lại một trong hai số"
    ]


def test_a_numerator_refused_is_not_said_again_against_the_communes(world: dict[str, Any]) -> None:
    """The file's numerator above the file's communes: one problem, at the numerator; not a second
    one comparing the communes with the stored numerator the file replaces."""
    Entry.objects.create(assessment=world["assessment"], code="I.2", values={"a": "7"}, version=1)
    problems = refused(world, long_csv("UBND huyện Một,I.2,a,9", "UBND huyện Một,general,so_xa,5"))
    assert len(problems) == 1
    assert problems[0].startswith("dòng 2, cột D (value): Số xã có chuyên mục (9) lớn hơn Số xã (5)")


def test_a_wide_header_that_is_not_code_field_is_refused(world: dict[str, Any]) -> None:
    problems = refused(world, wide_xlsx(["Đơn vị", "I.2"], ["UBND huyện Một", 3]))
    assert problems == [
        "trang 'Số liệu', dòng 1, cột B: Tiêu đề “I.2” cần dạng mã:trường (ví dụ I.2:a, general:so_xa)."
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "nhap.csv", "Tệp rỗng, không có nội dung."),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "nhap.xls", "Đây là tệp Excel cũ (.xls)"),
        (b"x" * (5 * 1024 * 1024 + 1), "nhap.csv", "vượt giới hạn 5,00 MB"),
    ],
)
def test_hostile_or_broken_files_are_refused(world: dict[str, Any], data: bytes, name: str, message: str) -> None:
    (problem,) = refused(world, upload(data, name))
    assert message in problem


def test_a_zip_bomb_named_xlsx_is_refused(world: dict[str, Any]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    (problem,) = refused(world, upload(out.getvalue(), "nhap.xlsx"))
    assert problem


def test_only_the_organisers_may_preview(world: dict[str, Any]) -> None:
    before = state()
    for persona in ("reporter", "leader", "appraiser", "chair", "viewer"):
        with pytest.raises(PermissionDenied) as caught:
            bulk_preview(
                campaign=world["campaign"],
                path_or_file=long_csv("UBND huyện Một,I.2,a,15"),
                by=world["users"][persona],
            )
        assert str(caught.value) == "Chỉ cơ quan tổ chức đánh giá mới được nhập số liệu của nhiều đơn vị từ một tệp."
    assert state() == before


def test_the_check_page_shows_the_changes_or_the_problems(world: dict[str, Any], login: Any) -> None:
    page = f"/xuat/ky/{world['campaign'].pk}/kiem-tra-tep/"
    client = login("organiser")
    assert 'id="kiem-tra-tep"' in client.get(f"/xuat/ky/{world['campaign'].pk}/").content.decode()
    assert client.get(page).status_code == 200
    before = state()
    shown = client.post(page, {"file": long_csv("UBND huyện Một,I.2,a,15")})
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Tệp nhap.csv: 1 thay đổi ở 1 đơn vị" in text and "Số xã có chuyên mục" in text
    wrong = client.post(page, {"file": long_csv("UBND huyện Một,I.2,a,mười")})
    assert wrong.status_code == 422
    assert "Tệp có 1 lỗi; chưa nhập dữ liệu nào." in wrong.content.decode()
    assert "dòng 2, cột D (value)" in wrong.content.decode()
    assert state() == before


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "chair", "viewer"])
def test_the_check_page_is_for_organisers(world: dict[str, Any], login: Any, persona: str) -> None:
    before = state()
    response = login(persona).post(
        f"/xuat/ky/{world['campaign'].pk}/kiem-tra-tep/", {"file": long_csv("UBND huyện Một,I.2,a,15")}
    )
    assert response.status_code == 403
    assert (
        "Chỉ cơ quan tổ chức đánh giá mới được nhập số liệu của nhiều đơn vị từ một tệp." in response.content.decode()
    )
    assert state() == before
