"""Uploading a filled workbook and confirming it: the round trip, conflicts, audit, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from openpyxl import Workbook

from dti.assessments import services as assessments
from dti.assessments.models import Entry, Evidence
from dti.audit.models import AuditEntry
from dti.engine import score_unit
from tests.conftest import World
from tests.workbooks.workbook import as_file, confirm, download, fill, row_of, state, upload


def filled(book: Workbook) -> dict[tuple[str, str, str], object]:
    """Every value the round trip fills: (sheet, code, field) → value."""
    values: dict[tuple[str, str, str], object] = {
        ("Thông tin chung", "general", "so_xa"): 25,
        ("I", "I.1", "truong_ban"): "Chủ tịch",
        ("I", "I.1", "self_score"): 9.5,
        ("I", "I.1", "evidence"): "15/QĐ-UBND ngày 02/3/2023",
        ("I", "I.2", "a"): 20,
        ("II", "II.1", "ban_hanh"): "Có",
        ("II", "II.2", "score"): 7.25,
        ("II", "II.2", "self_score"): 8,
        ("II", "II.2", "comment"): "Theo báo cáo của Văn phòng",
        ("II", "II.1", "na_requested"): "Có",
        ("II", "II.1", "na_reason"): "Chưa có hướng dẫn của tỉnh",
    }
    for (sheet, code, field), value in values.items():
        fill(book, sheet, code, field, value)
    return values


def test_round_trip(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    values = filled(book)

    preview = upload(client, assessment, as_file(book))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert page.count("<tr><td>trang") == len(values)  # one line per change
    assert "trang &#x27;I&#x27;, ô I2" in page and "Chủ tịch" in page
    assert "Xác nhận nhập" in page
    response = confirm(client, assessment, preview)
    assert response.status_code == 302

    assessment.refresh_from_db()
    assert assessment.general == {"so_xa": "25"}
    entries = {e.code: e for e in Entry.objects.filter(assessment=assessment)}
    assert entries["I.1"].values == {"truong_ban": "chu_tich"} and entries["I.1"].self_score == Decimal("9.5")
    assert entries["I.2"].values == {"a": "20"}
    assert entries["II.1"].values == {"ban_hanh": True}
    assert (entries["II.1"].na_requested, entries["II.1"].na_reason) == (True, "Chưa có hướng dẫn của tỉnh")
    assert (entries["II.2"].score, entries["II.2"].self_score) == (Decimal("7.25"), Decimal("8"))
    assert entries["II.2"].comment == "Theo báo cáo của Văn phòng"
    assert Evidence.objects.get(assessment=assessment, code="I.1").title == "15/QĐ-UBND ngày 02/3/2023"
    result = score_unit(assessment.framework(), assessment.unit_inputs())
    # I.1 Chủ tịch 10, I.2 20 of 25 communes 8, II.1 asked to be N/A (not counted), II.2 7,25
    assert result.total == Decimal("10") + Decimal("8") + Decimal("7.25")

    again = download(client, assessment)  # the same data comes back
    for (sheet, code, field), value in values.items():
        if field != "evidence":
            assert again[sheet][f"I{row_of(again, sheet, code, field)}"].value == value
    before = state(assessment)
    second = upload(client, assessment, as_file(book))
    assert "Không có thay đổi nào" in second.content.decode() and "Xác nhận nhập" not in second.content.decode()
    done = client.get(confirm(client, assessment, second).url)
    assert (
        "Bảng tính không có thay đổi nào so với số liệu trên hệ thống; không có gì được ghi." in done.content.decode()
    )
    assert state(assessment) == before  # a second upload changes nothing


def test_audit_names_the_import(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("leader")
    book = download(client, assessment)
    _web_save(world, "II.1", {"ban_hanh": "yes"})  # before the import: not named after it
    fill(book, "I", "I.2", "a", 12)
    confirm(client, assessment, upload(client, assessment, as_file(book, "so-lieu-2023.xlsx")))
    assert AuditEntry.objects.get(action="entry.save", code="II.1").comment == ""
    saved = AuditEntry.objects.get(action="entry.save", code="I.2", field="a")
    assert (saved.old, saved.new, saved.actor) == (None, "12", world["users"]["leader"])
    assert saved.comment == "Nhập từ bảng tính so-lieu-2023.xlsx"
    imported = AuditEntry.objects.get(action="workbook.import")
    assert imported.comment == "Nhập từ bảng tính so-lieu-2023.xlsx"
    assert imported.new == {"file": "so-lieu-2023.xlsx", "changes": 1, "conflicts_taken": 0}
    assert (imported.unit, imported.campaign) == (world["unit"], world["campaign"])


def _web_save(world: World, code: str, data: dict[str, str]) -> None:
    """A save on the web page, after the workbook was downloaded."""
    entry = Entry.objects.filter(assessment=world["assessment"], code=code).first()
    assessments.entry_save(
        assessment=world["assessment"],
        code=code,
        data=data,
        version=entry.version if entry else 0,
        by=world["users"]["leader"],
    )


def test_conflict_keep_web(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    fill(book, "I", "I.2", "a", 12)
    fill(book, "I", "I.1", "truong_ban", "Khác")
    _web_save(world, "I.2", {"a": "10"})
    preview = upload(client, assessment, as_file(book))
    page = preview.content.decode()
    choice = f"chon:I:{row_of(book, 'I', 'I.2', 'a')}"
    assert "Xung đột" in page and f'name="{choice}"' in page
    assert ">(trống)</td><td>10</td><td>12</td>" in page  # at download, on the web, in the file

    before = state(assessment)
    refused = confirm(client, assessment, preview)
    assert refused.status_code == 422
    assert "Hãy chọn giữ bản trên web hoặc lấy theo tệp cho mọi mục xung đột (còn 1 mục)" in refused.content.decode()
    assert state(assessment) == before

    assert confirm(client, assessment, preview, **{choice: "web"}).status_code == 302
    assert Entry.objects.get(assessment=assessment, code="I.2").values == {"a": "10"}
    assert Entry.objects.get(assessment=assessment, code="I.1").values == {"truong_ban": "khac"}


def test_conflict_take_file(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    fill(book, "I", "I.2", "a", 12)
    _web_save(world, "I.2", {"a": "10"})
    preview = upload(client, assessment, as_file(book))
    choice = f"chon:I:{row_of(book, 'I', 'I.2', 'a')}"
    assert confirm(client, assessment, preview, **{choice: "file"}).status_code == 302
    assert Entry.objects.get(assessment=assessment, code="I.2").values == {"a": "12"}
    assert AuditEntry.objects.get(action="workbook.import").new["conflicts_taken"] == 1


def test_a_web_change_the_file_did_not_touch_stays(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    _web_save(world, "I.2", {"a": "10"})
    page = upload(client, assessment, as_file(book)).content.decode()
    assert "Không có thay đổi nào" in page and "Xung đột" not in page


def test_data_changed_since_the_preview(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    fill(book, "I", "I.2", "a", 12)
    preview = upload(client, assessment, as_file(book))
    _web_save(world, "I.2", {"a": "11"})
    before = state(assessment)
    response = confirm(client, assessment, preview)
    assert response.status_code == 422
    assert "Số liệu trên web đã thay đổi sau khi bạn xem trước" in response.content.decode()
    assert state(assessment) == before


def test_all_or_nothing(world: World, login: Callable[[str], Client]) -> None:
    """The communes cut below a saved numerator: general_save refuses after I.1 was saved, and I.1's
    change rolls back with it."""
    assessment, client = world["assessment"], login("reporter")
    _web_save(world, "I.2", {"a": "15"})
    book = download(client, assessment)
    fill(book, "Thông tin chung", "general", "so_xa", 5)
    fill(book, "I", "I.1", "truong_ban", "Khác")
    preview = upload(client, assessment, as_file(book))
    before = state(assessment)
    response = confirm(client, assessment, preview)
    assert response.status_code == 422
    assert "Số xã: 5 nhỏ hơn Số xã có chuyên mục (15)" in response.content.decode()
    assert state(assessment) == before


def test_general_info_raised_in_the_same_file(world: World, login: Callable[[str], Client]) -> None:
    """A numerator above the stored denominator is no error when the file raises the denominator too."""
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    fill(book, "Thông tin chung", "general", "so_xa", 30)
    fill(book, "I", "I.2", "a", 25)
    preview = upload(client, assessment, as_file(book))
    assert "Bảng tính có" not in preview.content.decode()
    assert confirm(client, assessment, preview).status_code == 302
    assessment.refresh_from_db()
    assert assessment.general == {"so_xa": "30"}
    assert Entry.objects.get(assessment=assessment, code="I.2").values == {"a": "25"}


def test_general_info_lowered_in_the_same_file(world: World, login: Callable[[str], Client]) -> None:
    """A denominator lowered with its numerator: the indicator is saved first, then the general info."""
    assessment, client = world["assessment"], login("reporter")
    _web_save(world, "I.2", {"a": "15"})
    book = download(client, assessment)
    fill(book, "Thông tin chung", "general", "so_xa", 5)
    fill(book, "I", "I.2", "a", 4)
    assert confirm(client, assessment, upload(client, assessment, as_file(book))).status_code == 302
    assessment.refresh_from_db()
    assert assessment.general == {"so_xa": "5"}
    assert Entry.objects.get(assessment=assessment, code="I.2").values == {"a": "4"}


def test_an_edited_record_of_the_download_is_no_conflict(world: World, login: Callable[[str], Client]) -> None:
    """The hidden record edited (text for a count, a deep list, NaN, a deleted row): the file's values
    are plain changes against the web's."""
    assessment, client = world["assessment"], login("reporter")
    _web_save(world, "I.2", {"a": "10"})
    book = download(client, assessment)
    fill(book, "I", "I.2", "a", 12)
    fill(book, "I", "I.1", "truong_ban", "Khác")
    fill(book, "I", "I.1", "self_score", 4)
    records = {(row[0].value, row[1].value): row[4] for row in book["_dti_ghi_nhan"].iter_rows(min_row=2)}
    records[("I", row_of(book, "I", "I.2", "a"))].value = '"mười"'
    records[("I", row_of(book, "I", "I.1", "truong_ban"))].value = "[" * 5000 + "]" * 5000
    records[("I", row_of(book, "I", "I.1", "self_score"))].value = "NaN"
    book["_dti_ghi_nhan"].delete_rows(2)
    preview = upload(client, assessment, as_file(book))
    page = preview.content.decode()
    assert preview.status_code == 200 and "Xung đột" not in page
    assert ">10</td><td>12</td>" in page
    assert confirm(client, assessment, preview).status_code == 302
    assert Entry.objects.get(assessment=assessment, code="I.2").values == {"a": "12"}


def test_cancel_writes_nothing(world: World, login: Callable[[str], Client]) -> None:
    assessment, client = world["assessment"], login("reporter")
    book = download(client, assessment)
    fill(book, "I", "I.2", "a", 12)
    preview = upload(client, assessment, as_file(book))
    before = state(assessment)
    token = preview.content.decode().split('name="token" value="')[1].split('"')[0]
    response = client.post(f"/bang-tinh/{assessment.pk}/nhap/xac-nhan/", {"token": token, "bo-lai": ""})
    assert response.status_code == 302
    assert state(assessment) == before
