"""Downloading the unit workbook: layout, identity, prefilled values, locks and validations, who may."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from dti.assessments.models import Entry, Evidence
from dti.workbooks import layout
from tests.conftest import World
from tests.workbooks.workbook import download, row_of


def test_layout_identity_and_prefilled_values(world: World, login: Callable[[str], Client]) -> None:
    assessment = world["assessment"]
    Entry.objects.create(assessment=assessment, code="I.1", values={"truong_ban": "pho"}, self_score="5")
    Entry.objects.create(assessment=assessment, code="I.2", values={"a": "15"})
    Entry.objects.create(
        assessment=assessment, code="II.1", values={"ban_hanh": True}, na_requested=True, na_reason="Chưa áp dụng"
    )
    Entry.objects.create(assessment=assessment, code="II.2", score="6.5")
    Evidence.objects.create(assessment=assessment, code="I.1", kind="reference", doc_number="12/QĐ-UBND")

    book = download(login("reporter"), assessment)

    assert book.sheetnames == ["Hướng dẫn", "Thông tin chung", "I", "II", "_dti", "_dti_ghi_nhan"]
    assert [book[name].sheet_state for name in book.sheetnames[-2:]] == ["hidden", "hidden"]
    identity = {row[0]: row[1] for row in book["_dti"].iter_rows(min_row=2, values_only=True)}
    framework = world["group"].framework
    assert identity["format"] == layout.FORMAT
    assert identity["unit_id"] == str(world["unit"].pk)
    assert identity["unit_name"] == "UBND huyện Một"
    assert identity["campaign_id"] == str(world["campaign"].pk)
    assert identity["assessment_id"] == str(assessment.pk)
    assert (identity["framework_code"], identity["framework_hash"]) == (framework.code, framework.content_hash)
    assert identity["downloaded_at"]
    first = book["I"]
    assert [cell.value for cell in first[1]] == list(layout.HEADERS)
    assert first["I2"].value == "Phó chủ tịch"  # a choice by its label
    assert first[f"I{row_of(book, 'I', 'I.1', 'self_score')}"].value == 5
    assert first[f"I{row_of(book, 'I', 'I.2', 'a')}"].value == 15
    assert first[f"J{row_of(book, 'I', 'I.1', 'evidence')}"].value == "12/QĐ-UBND"
    assert book["II"][f"I{row_of(book, 'II', 'II.1', 'ban_hanh')}"].value == "Có"
    assert book["II"][f"I{row_of(book, 'II', 'II.1', 'na_requested')}"].value == "Có"
    assert book["II"][f"I{row_of(book, 'II', 'II.1', 'na_reason')}"].value == "Chưa áp dụng"
    assert book["II"][f"I{row_of(book, 'II', 'II.2', 'na_requested')}"].value is None
    assert book["II"][f"D{row_of(book, 'II', 'II.2', 'comment')}"].value == "Ghi chú / thuyết minh"
    assert book["II"][f"I{row_of(book, 'II', 'II.2', 'score')}"].value == 6.5
    assert book["Thông tin chung"]["I2"].value == 20
    assert first["H2"].value  # the scoring method in words
    recorded = {(r[0], r[1]): r[4] for r in book["_dti_ghi_nhan"].iter_rows(min_row=2, values_only=True)}
    assert recorded[("I", row_of(book, "I", "I.2", "a"))] == '"15"'
    assert recorded[("I", row_of(book, "I", "I.2", "self_score"))] in ("", None)


def test_only_value_cells_are_unlocked_and_validated(world: World, login: Callable[[str], Client]) -> None:
    book = download(login("reporter"), world["assessment"])
    sheet = book["I"]
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked and sheet["H2"].protection.locked
    assert not sheet["I2"].protection.locked
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    count = rules[f"I{row_of(book, 'I', 'I.2', 'a')}"]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    choice = rules["I2"]
    assert (choice.type, choice.formula1) == ("list", '"Chủ tịch,Phó chủ tịch,Khác"')
    claim = rules[f"I{row_of(book, 'I', 'I.1', 'self_score')}"]
    assert (claim.type, claim.formula1, claim.formula2) == ("decimal", "0", "10.0")
    yes_no = {str(r.sqref): r for r in book["II"].data_validations.dataValidation}
    assert yes_no[f"I{row_of(book, 'II', 'II.1', 'ban_hanh')}"].formula1 == '"Có,Không"'


def test_text_cells_cannot_become_formulas(world: World, login: Callable[[str], Client]) -> None:
    unit = world["unit"]
    unit.name = '=HYPERLINK("http://x")'
    unit.save()
    book = download(login("reporter"), world["assessment"])
    names = {row[0]: row[1] for row in book["_dti"].iter_rows(min_row=2, values_only=True)}
    assert names["unit_name"] == '\'=HYPERLINK("http://x")'
    assert all(
        not str(cell.value).startswith("=") for row in book["Hướng dẫn"].iter_rows() for cell in row if cell.value
    )


@pytest.mark.parametrize("persona", ["leader", "viewer", "organiser", "appraiser"])
def test_those_who_may_see_the_assessment_download(world: World, login: Callable[[str], Client], persona: str) -> None:
    response = login(persona).get(f"/bang-tinh/{world['assessment'].pk}/tai-ve/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tu-danh-gia-')


def test_another_unit_is_refused(world: World, login: Callable[[str], Client]) -> None:
    response = login("other_reporter").get(f"/bang-tinh/{world['assessment'].pk}/tai-ve/")
    assert response.status_code == 403
    assert "Bạn không có quyền xem bản tự đánh giá của đơn vị này." in response.content.decode()


def test_a_submitted_assessment_still_downloads(world: World, login: Callable[[str], Client]) -> None:
    assessment = world["assessment"]
    assessment.status = assessment.Status.SUBMITTED
    assessment.save()
    book = download(login("reporter"), assessment)
    assert book["Thông tin chung"]["I2"].value == 20
