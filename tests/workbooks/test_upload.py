"""Uploading a workbook: every refusal (with its Vietnamese reason, nothing written) and the errors
the preview lists by sheet and cell."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.engine import parse_framework
from dti.frameworks.models import Framework
from tests.conftest import ROOT, World
from tests.workbooks.workbook import as_file, confirm, download, fill, state, upload


def refused_upload(client: Client, world: World, file: io.BytesIO, message: str, status: int = 422) -> None:
    """The upload is refused with `message` and nothing is written."""
    assessment = world["assessment"]
    before = state(assessment)
    response = upload(client, assessment, file)
    assert response.status_code == status
    assert message in response.content.decode()
    assert "Xác nhận nhập" not in response.content.decode()
    assert state(assessment) == before


def test_another_units_workbook(world: World, login: Callable[[str], Client]) -> None:
    book = download(login("other_reporter"), world["other_assessment"])
    refused_upload(
        login("reporter"),
        world,
        as_file(book),
        "Bảng tính này của đơn vị “UBND huyện Hai”, không phải của “UBND huyện Một”; không nhập được.",
    )


def test_another_campaigns_workbook(world: World, login: Callable[[str], Client]) -> None:
    campaign = Campaign.objects.create(
        name="Kỳ đánh giá 2024",
        year=2024,
        organiser=world["unit"].parent,
        state=Campaign.State.OPEN,
        submission_deadline=timezone.now() + datetime.timedelta(days=10),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm huyện", framework=world["group"].framework)
    later = Assessment.objects.create(
        participation=Participation.objects.create(campaign=campaign, group=group, unit=world["unit"])
    )
    book = download(login("reporter"), later)
    refused_upload(
        login("reporter"),
        world,
        as_file(book),
        "Bảng tính này thuộc một kỳ đánh giá khác, không phải “Kỳ đánh giá thử nghiệm 2023”; không nhập được.",
    )


def test_another_framework_version(world: World, login: Callable[[str], Client]) -> None:
    book = download(login("reporter"), world["assessment"])
    Framework.objects.filter(pk=world["group"].framework.pk).update(content_hash="0" * 64)
    refused_upload(
        login("reporter"),
        world,
        as_file(book),
        "Bảng tính lập theo một phiên bản khác của bộ chỉ số (thu-nghiem-2023-huyen), không phải phiên bản đang "
        "dùng (thu-nghiem-2023-huyen); hãy tải bảng tính mới.",
    )


def _delete_row(book: Workbook) -> None:
    book["I"].delete_rows(3)


def _move_code(book: Workbook) -> None:
    book["I"]["A2"] = "I.2"


def _rename_column(book: Workbook) -> None:
    book["I"]["I1"] = "Số liệu"


def _add_row(book: Workbook) -> None:
    book["II"].append(["II.3", "", "x", "", "", "", "", "", 5])


def _drop_sheet(book: Workbook) -> None:
    del book["II"]


def _drop_identity(book: Workbook) -> None:
    del book["_dti"]


def _other_format(book: Workbook) -> None:
    book["_dti"]["B2"] = "dti-bang-tinh-don-vi/0"


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_delete_row, "trang &#x27;I&#x27;, dòng 3: cần “I.1 / self_score”, tệp có “I.1 / evidence”"),
        (_move_code, "trang &#x27;I&#x27;, dòng 2: cần “I.1 / truong_ban”, tệp có “I.2 / truong_ban”"),
        (_rename_column, "trang &#x27;I&#x27;: các cột đã bị thêm, xóa hoặc đổi tên"),
        (_add_row, "trang &#x27;II&#x27;, dòng 14: dòng thêm vào"),
        (_drop_sheet, "Cấu trúc bảng tính đã bị thay đổi: thiếu trang &#x27;II&#x27;."),
        (_drop_identity, "Tệp này không phải bảng tính tự đánh giá tải từ hệ thống (không có trang ẩn “_dti”)."),
        (_other_format, "Tệp không đúng mẫu bảng tính tự đánh giá của hệ thống"),
    ],
)
def test_changed_structure(
    world: World, login: Callable[[str], Client], tamper: Callable[[Workbook], None], message: str
) -> None:
    client = login("reporter")
    book = download(client, world["assessment"])
    fill(book, "I", "I.2", "a", 12)
    tamper(book)
    refused_upload(client, world, as_file(book), message)


def _named(data: bytes, name: str = "bang-tinh.xlsx") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, "Không đọc được tệp: không mở được tệp Excel"),
        ("Mã;Giá trị\nI.2;12\n".encode(), "Không đọc được tệp: tệp CSV không có trang tính."),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Đây là tệp Excel cũ (.xls)"),
        (b"", "rỗng, không có nội dung"),
        (b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024), "vượt giới hạn 5,00 MB."),
    ],
)
def test_broken_files(world: World, login: Callable[[str], Client], data: bytes, message: str) -> None:
    refused_upload(login("reporter"), world, _named(data), message)


def test_a_zip_bomb_is_refused_within_the_limits(world: World, login: Callable[[str], Client]) -> None:
    client = login("reporter")
    buffer = as_file(download(client, world["assessment"]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bom.bin", b"\x00" * (60 * 1024 * 1024))
    buffer.seek(0)
    assert len(buffer.getvalue()) < 1024 * 1024
    refused_upload(client, world, buffer, "Không đọc được tệp:")


def test_no_file(world: World, login: Callable[[str], Client]) -> None:
    response = login("reporter").post(f"/bang-tinh/{world['assessment'].pk}/nhap/")
    assert response.status_code == 422
    assert "Hãy chọn tệp bảng tính (.xlsx) để tải lên." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "message"),
    [
        ("viewer", "Bạn không có quyền sửa số liệu của đơn vị này."),
        ("organiser", "Bạn không có quyền sửa số liệu của đơn vị này."),
        ("other_reporter", "Bạn không có quyền xem bản tự đánh giá của đơn vị này."),
    ],
)
def test_wrong_persona(world: World, login: Callable[[str], Client], persona: str, message: str) -> None:
    book = download(login("reporter"), world["assessment"])
    fill(book, "I", "I.2", "a", 12)
    refused_upload(login(persona), world, as_file(book), message, status=403)
    response = login(persona).get(f"/bang-tinh/{world['assessment'].pk}/nhap/")
    assert response.status_code == 403 and message in response.content.decode()


def test_read_only_assessment(world: World, login: Callable[[str], Client]) -> None:
    client, assessment = login("reporter"), world["assessment"]
    book = download(client, assessment)
    fill(book, "I", "I.2", "a", 12)
    preview = upload(client, assessment, as_file(book))
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    reason = "Bản tự đánh giá đã được gửi; đơn vị không thể sửa số liệu."
    refused_upload(client, world, as_file(book), reason, status=403)
    before = state(assessment)
    response = confirm(client, assessment, preview)
    assert response.status_code == 403 and reason in response.content.decode()
    assert state(assessment) == before


def test_errors_by_sheet_and_cell(world: World, login: Callable[[str], Client]) -> None:
    client, assessment = login("reporter"), world["assessment"]
    book = download(client, assessment)
    fill(book, "I", "I.1", "truong_ban", "Bí thư")
    fill(book, "I", "I.1", "self_score", 11)
    fill(book, "I", "I.2", "a", 25)
    fill(book, "II", "II.1", "ban_hanh", "có lẽ")
    fill(book, "Thông tin chung", "general", "so_xa", "hai mươi")
    fill(book, "II", "II.2", "na_requested", "Có")
    preview = upload(client, assessment, as_file(book))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Bảng tính có 6 lỗi" in page
    assert "trang &#x27;I&#x27;, ô I2 (I.1 — Trưởng ban là): &#x27;Bí thư&#x27; không phải là một lựa chọn" in page
    assert "trang &#x27;I&#x27;, ô I3 (I.1 — Điểm tự chấm): điểm 11 vượt điểm tối đa 10 của I.1" in page
    assert "trang &#x27;II&#x27;, ô I2 (II.1 — Đã ban hành): &#x27;có lẽ&#x27; không phải Có/Không" in page
    assert "trang &#x27;Thông tin chung&#x27;, ô I2 (general — Số xã)" in page
    assert "trang &#x27;I&#x27;, ô I8 (I.2 — Số xã có chuyên mục): Số xã có chuyên mục (25) lớn hơn" in page
    assert "trang &#x27;II&#x27;, ô I12 (II.2 — Lý do đề nghị không áp dụng): Cần nêu lý do" in page
    assert "Xác nhận nhập" not in page
    before = state(assessment)
    response = confirm(client, assessment, preview)
    assert response.status_code == 422
    assert "Bảng tính còn lỗi; hãy sửa trong tệp rồi tải lên lại. Chưa có gì được ghi." in response.content.decode()
    assert state(assessment) == before


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "frameworks").glob("*.yaml")))
def test_every_framework_reads_back_unchanged(world: World, login: Callable[[str], Client], name: str) -> None:
    """Each shipped framework's workbook (percent, choices, bonus and penalty items) uploads back as it
    was downloaded: no change, no error, no conflict."""
    source = (ROOT / "frameworks" / f"{name}.yaml").read_text(encoding="utf-8")
    engine = parse_framework(source)
    framework = Framework.objects.create(
        code=engine.code, name=engine.name, level=engine.level, year=engine.year, source=source
    )
    CampaignGroup.objects.filter(pk=world["group"].pk).update(framework=framework)
    assessment = Assessment.objects.get(pk=world["assessment"].pk)
    assessment.general = {}
    assessment.save()
    client = login("reporter")
    book = download(client, assessment)
    assert len(book.sheetnames) >= len(engine.scored_indices) + 4
    page = upload(client, assessment, as_file(book)).content.decode()
    assert "Không có thay đổi nào" in page
    assert "Bảng tính có" not in page and "Xung đột" not in page
