"""Appendix workbooks: every sheet read in the appendix layout, and the tables checked against
each other (the same unit's index score in both tables, percents, per-index ranks)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dti.engine import (
    Finding,
    Framework,
    InputError,
    check_appendix,
    load_framework,
    ranks,
    read_appendix,
)
from tests.engine.conftest import FRAMEWORKS, ROOT, D, framework

TITLE = [
    "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
    "PHỤ LỤC I",
    "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP HUYỆN NĂM 2023",
    "(Kèm theo Quyết định số      /QĐ-UBND ngày     tháng     năm 2024 của Ủy ban nhân dân tỉnh)",
    "Bộ chỉ số DTI cấp huyện",
]
NOTE = "Ghi chú: đơn vị có chỉ số không áp dụng được tính trên điểm tối đa áp dụng."

Rows = list[list[Any]]


def table_sheet(labels: list[str], codes: list[str] | None, rows: Rows, *, title: bool = True) -> Rows:
    """A sheet in the appendix layout: title block, labels, hidden codes row, units, blank row, note."""
    block: Rows = [[text] for text in TITLE] + [[None]] if title else []
    return [*block, labels, *([codes] if codes else []), *rows, [None], [NOTE]]


def write_workbook(path: Path, sheets: dict[str, Rows], meta: Rows | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                sheet.cell(number, column, value)
            if row and "unit" in row:
                sheet.row_dimensions[number].hidden = True  # the codes row
    if meta is not None:
        sheet = workbook.create_sheet("_dti")
        for row in meta:
            sheet.append(row)
        sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def number(text: str) -> float | int:
    value = Decimal(text.replace(",", "."))
    return int(value) if value == value.to_integral_value() else float(value)


@pytest.fixture(scope="module")
def ninh_binh() -> Framework:
    return load_framework(FRAMEWORKS / "ninh-binh-2023-huyen.yaml")


@pytest.fixture(scope="module")
def published() -> list[dict[str, str]]:
    """Seed 000: Ninh Bình's published 2023 table, one record per district."""
    with (ROOT / "examples" / "ninh-binh-2023-ket-qua.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def ninh_binh_sheets(fw: Framework, records: list[dict[str, str]], *, codes_row: bool = True) -> dict[str, Rows]:
    """Seed 000 as an appendix: the overall table and one table per index with its indicators."""
    codes = ["stt", "unit", *(i.code for i in fw.indices), "total", "rank"]
    labels = ["STT", "Đơn vị", *(f"{i.code}. {i.name}" for i in fw.indices), "Tổng điểm", "Xếp hạng"]
    overall = [
        [n, r["unit"], *(number(r[i.code]) for i in fw.indices), number(r["total"]), int(r["rank"])]
        for n, r in enumerate(records, start=1)
    ]
    sheets = {"Tổng hợp": table_sheet(labels, codes if codes_row else None, overall)}
    for index in fw.indices:
        items = [item.code for item in index.indicators]
        scores = [Decimal(r[index.code].replace(",", ".")) for r in records]
        by_score = ranks(scores, fw.ranking.ties)
        rows = [
            [n, r["unit"], *(number(r[c]) for c in items), number(r[index.code]), rank]
            for n, (r, rank) in enumerate(zip(records, by_score, strict=True), start=1)
        ]
        sheet_codes = ["stt", "unit", *items, index.code, f"rank:{index.code}"]
        sheet_labels = ["STT", "Đơn vị", *items, "Tổng điểm", "Xếp hạng"]
        sheets[f"Chỉ số {index.code}" if codes_row else index.code] = table_sheet(
            sheet_labels, sheet_codes if codes_row else None, rows
        )
    return sheets


def meta_rows(fw: Framework, sheets: dict[str, Rows], group: str = "") -> Rows:
    rows: Rows = [["sheet", "kind", "group", "index", "framework"]]
    for name in sheets:
        code = name.removeprefix("Chỉ số ")
        kind = "index" if code != name else "overall"
        rows.append([name, kind, group, code if kind == "index" else "", fw.code])
    return rows


def brief(findings: list[Finding]) -> list[tuple[str, str, str, object, object, str]]:
    return [(f.unit, f.code, f.kind, f.published, f.expected, f.place) for f in findings]


# --- seed 000 as an appendix workbook ---------------------------------------------------------


def test_seed_000_workbook_finds_the_three_published_mistakes_on_their_sheets(
    ninh_binh: Framework, published: list[dict[str, str]], tmp_path: Path
) -> None:
    sheets = ninh_binh_sheets(ninh_binh, published)
    path = write_workbook(tmp_path / "phu-luc.xlsx", sheets, meta_rows(ninh_binh, sheets))
    appendix = read_appendix(ninh_binh, path)
    assert [(s.name, s.kind, s.index) for s in appendix.sheets][:3] == [
        ("Tổng hợp", "overall", ""),
        ("Chỉ số 1", "index", "1"),
        ("Chỉ số 2", "index", "2"),
    ]
    assert len(appendix.sheets) == 9
    assert [row.unit for row in appendix.results().rows] == [r["unit"] for r in published]
    assert all(len(sheet.table.rows) == 8 for sheet in appendix.sheets)  # title, labels and note left out
    findings = check_appendix(ninh_binh, appendix)
    assert brief(findings) == [
        ("UBND thành phố Ninh Bình", "4", "sum", D("62.6"), D("63.6"), "trang 'Chỉ số 4', dòng 9, cột L (4)"),
        ("UBND thành phố Ninh Bình", "5", "sum", D("61.82"), D("60.82"), "trang 'Chỉ số 5', dòng 9, cột K (5)"),
        ("UBND huyện Kim Sơn", "8", "sum", D("66.23"), D("79.23"), "trang 'Chỉ số 8', dòng 13, cột K (8)"),
    ]


def test_disagreements_between_sheets_are_found_with_their_places(
    ninh_binh: Framework, published: list[dict[str, str]], tmp_path: Path
) -> None:
    sheets = ninh_binh_sheets(ninh_binh, published)
    # Row 9 is the first unit (5 title rows, a blank, labels, codes). Index 1 of TP Ninh Bình
    # typed 59 in the overall table (60 in its own table, which adds up).
    sheets["Tổng hợp"][8][2] = 59
    sheets["Tổng hợp"][8][10] = number(published[0]["total"]) - 1  # the total follows it: no sum finding
    # Tam Điệp left out of the table of index 2.
    del sheets["Chỉ số 2"][9]
    # Index 3: the first two ranks swapped.
    sheets["Chỉ số 3"][8][-1], sheets["Chỉ số 3"][9][-1] = sheets["Chỉ số 3"][9][-1], sheets["Chỉ số 3"][8][-1]
    path = write_workbook(tmp_path / "phu-luc.xlsx", sheets, meta_rows(ninh_binh, sheets))
    findings = check_appendix(ninh_binh, read_appendix(ninh_binh, path))
    # Left aside: the published sums (the test above), and index 2's ranks, which now skip Tam Điệp.
    findings = [f for f in findings if f.kind != "sum" and f.code != "rank:2"]
    assert brief(findings) == [
        ("UBND thành phố Ninh Bình", "rank:3", "rank", 2, 1, "trang 'Chỉ số 3', dòng 9, cột H (rank:3)"),
        ("UBND thành phố Tam Điệp", "rank:3", "rank", 1, 2, "trang 'Chỉ số 3', dòng 10, cột H (rank:3)"),
        ("UBND thành phố Ninh Bình", "1", "sheet_mismatch", D("60"), D("59"), "trang 'Chỉ số 1', dòng 9, cột I (1)"),
        ("UBND thành phố Tam Điệp", "2", "missing_unit", None, None, "trang 'Tổng hợp', dòng 10"),
    ]
    mismatch = findings[2]
    assert "trang 'Tổng hợp', dòng 9, cột C (1)" in mismatch.message
    assert "60 ở đây, 59 ở bảng kia" in mismatch.message
    assert "không có trong trang 'Chỉ số 2'" in findings[3].message


def test_workbook_without_dti_sheet_uses_sheet_names_and_labels(
    ninh_binh: Framework, published: list[dict[str, str]], tmp_path: Path
) -> None:
    # A province's own tables: no `_dti`, no codes row; sheets named by index code; an
    # unrelated sheet is left alone.
    sheets = ninh_binh_sheets(ninh_binh, published, codes_row=False)
    sheets["Biểu đồ"] = [["không phải bảng"]]
    appendix = read_appendix(ninh_binh, write_workbook(tmp_path / "tinh.xlsx", sheets))
    assert [(s.name, s.kind, s.index) for s in appendix.sheets] == [
        ("Tổng hợp", "overall", ""),
        *((code, "index", code) for code in "12345678"),
    ]
    overall = appendix.sheets[0].table
    assert overall.unknown == []
    assert overall.rows[0].scores["3"] == D("37.9")  # "3. Hạ tầng số" is index 3
    assert overall.rows[0].published["rank"] == 1
    index_table = appendix.sheets[4].table
    assert index_table.unknown == []
    assert index_table.rows[0].published["rank:4"] == sheets["4"][7][-1]  # "Xếp hạng" on index 4's sheet
    findings = check_appendix(ninh_binh, appendix)
    assert [(f.unit, f.code, f.kind, f.place) for f in findings] == [
        ("UBND thành phố Ninh Bình", "4", "sum", "trang '4', dòng 8, cột L (4)"),
        ("UBND thành phố Ninh Bình", "5", "sum", "trang '5', dòng 8, cột K (5)"),
        ("UBND huyện Kim Sơn", "8", "sum", "trang '8', dòng 12, cột K (8)"),
    ]


# --- percents, an index table with only the score, ranking groups -----------------------------

SMALL = """
max: 100
ranking: {basis: percent, decimals: 1, ties: dense}
indices:
  - code: "I"
    name: Nhận thức số
    max: 50
    indicators:
      - {code: I.1, name: Lãnh đạo, max: 40, scoring: {method: manual}}
      - {code: I.2, name: Kế hoạch, max: 10, scoring: {method: manual}}
  - {code: "II", name: Hạ tầng số, max: 50}
"""


def small_sheets(group: str = "") -> dict[str, Rows]:
    prefix = f"{group} - " if group else ""
    overall = table_sheet(
        ["STT", "Đơn vị", "I. Nhận thức số (50)", "II. Hạ tầng số (50)", "Tổng điểm", "Tỷ lệ (%)", "Xếp hạng"],
        ["stt", "unit", "I", "II", "total", "percent", "rank"],
        [[1, "Sở A", 45, 40, 85, 85.0, 1], [2, "Sở B", 30, 35, 65, 65.0, 2]],
    )
    index_one = table_sheet(
        ["STT", "Đơn vị", "I.1", "I.2", "Tổng điểm", "Tỷ lệ (%)", "Xếp hạng"],
        ["stt", "unit", "I.1", "I.2", "I", "percent:I", "rank:I"],
        [[1, "Sở A", 36, 9, 45, 90.0, 1], [2, "Sở B", 25, 5, 30, 60.0, 2]],
    )
    index_two = table_sheet(  # only the index score and its percent, as some provinces print it
        ["STT", "Đơn vị", "Điểm", "Tỷ lệ (%)", "Xếp hạng"],
        ["stt", "unit", "II", "percent:II", "rank:II"],
        [[1, "Sở A", 40, 80.0, 1], [2, "Sở B", 35, 70.0, 2]],
    )
    return {f"{prefix}Tổng hợp": overall, f"{prefix}I": index_one, f"{prefix}II": index_two}


def small_meta(sheets: dict[str, Rows], group: str = "") -> Rows:
    rows: Rows = [["sheet", "kind", "group", "index", "framework"]]
    for name in sheets:
        code = name.rsplit(" - ", 1)[-1]
        rows.append([name, "overall" if code == "Tổng hợp" else "index", group, "" if code == "Tổng hợp" else code, ""])
    return rows


def test_index_table_with_only_score_and_percent_agrees(tmp_path: Path) -> None:
    fw = framework(SMALL)
    sheets = small_sheets()
    appendix = read_appendix(fw, write_workbook(tmp_path / "a.xlsx", sheets, small_meta(sheets)))
    assert check_appendix(fw, appendix) == []
    assert appendix.sheets[2].table.rows[1].published == {"percent:II": D("70.0"), "rank:II": 2}


def test_percent_and_score_disagreements_on_an_index_table(tmp_path: Path) -> None:
    fw = framework(SMALL)
    sheets = small_sheets()
    sheets["II"][8][3] = 81.0  # Sở A: 40 of 50 is 80 %
    sheets["II"][9][2] = 36  # Sở B: 35 in the overall table
    sheets["II"][9][3] = 72.0
    appendix = read_appendix(fw, write_workbook(tmp_path / "a.xlsx", sheets, small_meta(sheets)))
    assert brief(check_appendix(fw, appendix)) == [
        ("Sở A", "percent:II", "percent", D("81.0"), D("80.0"), "trang 'II', dòng 9, cột D (percent:II)"),
        ("Sở B", "II", "sheet_mismatch", D("36"), D("35"), "trang 'II', dòng 10, cột C (II)"),
    ]


def test_each_ranking_group_has_its_own_tables(tmp_path: Path) -> None:
    fw = framework(SMALL)
    first, second = small_sheets("Sở"), small_sheets("Huyện")
    second["Huyện - II"][8][2] = 41  # only this group's overall table says 40
    sheets = first | second
    meta = small_meta(first, "so") + small_meta(second, "huyen")[1:]
    appendix = read_appendix(fw, write_workbook(tmp_path / "a.xlsx", sheets, meta))
    assert [(row.unit, row.group) for row in appendix.results().rows] == [
        ("Sở A", "so"),
        ("Sở B", "so"),
        ("Sở A", "huyen"),
        ("Sở B", "huyen"),
    ]
    findings = [f for f in check_appendix(fw, appendix) if f.kind == "sheet_mismatch"]
    assert brief(findings) == [
        ("Sở A", "II", "sheet_mismatch", D("41"), D("40"), "trang 'Huyện - II', dòng 9, cột C (II)")
    ]


def test_a_plain_one_sheet_workbook_reads_as_before(ninh_binh: Framework, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "kq.xlsx", {"Điểm": [["unit", "1", "rank"], ["A", 50, 1], [None], ["B", 40, 2]]})
    appendix = read_appendix(ninh_binh, path)
    assert len(appendix.sheets) == 1
    assert [row.unit for row in appendix.results().rows] == ["A", "B"]  # a blank row inside is skipped
    assert appendix.results().rows[1].places["1"] == "trang 'Điểm', dòng 4, cột B (1)"


# --- broken workbooks -------------------------------------------------------------------------


def test_not_a_workbook(ninh_binh: Framework, tmp_path: Path) -> None:
    text = tmp_path / "kq.txt"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"cần \.csv hoặc \.xlsx"):
        read_appendix(ninh_binh, text)
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="không mở được tệp Excel"):
        read_appendix(ninh_binh, broken)


def test_sheet_without_unit_column(ninh_binh: Framework, published: list[dict[str, str]], tmp_path: Path) -> None:
    sheets = ninh_binh_sheets(ninh_binh, published)
    sheets["Chỉ số 2"] = table_sheet(["STT", "Tên"], ["stt", "name"], [[1, "A"]])
    path = write_workbook(tmp_path / "a.xlsx", sheets, meta_rows(ninh_binh, sheets))
    with pytest.raises(InputError, match=r"trang 'Chỉ số 2': không tìm thấy dòng tiêu đề có cột 'unit' \(Đơn vị\)"):
        read_appendix(ninh_binh, path)


def test_empty_first_sheet_is_named(ninh_binh: Framework, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {"Bìa": [], "1": [["unit", "1"], ["A", 1]]})
    with pytest.raises(InputError, match="trang 'Bìa': trang tính trống"):
        read_appendix(ninh_binh, path)


def test_no_table_sheet(ninh_binh: Framework, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {"_dti": [["sheet", "kind"]]})
    with pytest.raises(InputError, match="không có trang bảng nào hiển thị"):
        read_appendix(ninh_binh, path)


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ([], "trang '_dti': trang mô tả các bảng đang trống"),
        ([["sheet", "group"], ["Tổng hợp", ""]], "trang '_dti', dòng 1: thiếu cột 'kind'"),
        ([["sheet", "kind"], ["Không có", "overall"]], "trang '_dti', dòng 2: không có trang 'Không có' trong tệp"),
        ([["sheet", "kind"], ["Tổng hợp", "bảng"]], "dòng 2: loại bảng 'bảng' không hợp lệ"),
        ([["sheet", "kind", "index"], ["Tổng hợp", "index", "9"]], "dòng 2: chỉ số '9' không có trong bộ chỉ số"),
        (
            [["sheet", "kind", "framework"], ["Tổng hợp", "overall", "ha-nam-2023-huyen"]],
            "dòng 2: bảng lập theo bộ chỉ số 'ha-nam-2023-huyen', không phải 'ninh-binh-2023-huyen'",
        ),
        ([["sheet", "kind", "index"], ["Tổng hợp", "index", "1"]], "không có bảng tổng hợp nào"),
    ],
)
def test_broken_dti_sheet(ninh_binh: Framework, tmp_path: Path, meta: Rows, message: str) -> None:
    sheets = {"Tổng hợp": table_sheet(["STT", "Đơn vị", "1"], ["stt", "unit", "1"], [[1, "A", 10]])}
    with pytest.raises(InputError, match=message):
        read_appendix(ninh_binh, write_workbook(tmp_path / "a.xlsx", sheets, meta))


def test_places_in_a_sheet_name_the_sheet(ninh_binh: Framework, tmp_path: Path) -> None:
    rows = [[1, "A", 10], [2, "A", 20]]
    sheets = {"Tổng hợp": table_sheet(["STT", "Đơn vị", "1"], ["stt", "unit", "1"], rows)}
    appendix = read_appendix(ninh_binh, write_workbook(tmp_path / "a.xlsx", sheets))
    assert appendix.sheets[0].table.duplicates == [("A", "trang 'Tổng hợp', dòng 10")]
    sheets["Tổng hợp"][9][1] = None  # the second unit has no name
    with pytest.raises(InputError, match=r"trang 'Tổng hợp', dòng 10: thiếu tên đơn vị"):
        read_appendix(ninh_binh, write_workbook(tmp_path / "b.xlsx", sheets))


def test_read_sheets_wants_a_workbook(tmp_path: Path) -> None:
    from dti.engine.tables import read_sheets

    path = tmp_path / "kq.csv"
    path.write_text("unit\nA\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"không đọc được tệp '\.csv': cần \.xlsx"):
        read_sheets(path)


# --- a unit's applicable maximum of an index, from its index sheet -----------------------------


def lowered_sheets(dti: float) -> dict[str, Rows]:
    """Sở B: I.2 is N/A on index I's sheet (its max for I is 40) and index II's sheet gives its max
    for II (40) in a max:II column; the overall sheet gives only max:total (80) and the DTI."""
    overall = table_sheet(
        ["STT", "Đơn vị", "I", "II", "Tổng điểm", "Điểm tối đa áp dụng", "Tỷ lệ (%)", "Xếp hạng", "Chỉ số DTI"],
        ["stt", "unit", "I", "II", "total", "max:total", "percent", "rank", "DTI"],
        [[1, "Sở A", 45, 40, 85, 100, 85.0, 1, 0.85], [2, "Sở B", 30, 35, 65, 80, 81.3, 2, dti]],
    )
    index_one = table_sheet(
        ["STT", "Đơn vị", "I.1", "I.2", "Tổng điểm", "Tỷ lệ (%)", "Xếp hạng"],
        ["stt", "unit", "I.1", "I.2", "I", "percent:I", "rank:I"],
        [[1, "Sở A", 36, 9, 45, 90.0, 1], [2, "Sở B", 30, "N/A", 30, 75.0, 2]],
    )
    index_two = table_sheet(
        ["STT", "Đơn vị", "Điểm", "Điểm tối đa áp dụng", "Tỷ lệ (%)", "Xếp hạng"],
        ["stt", "unit", "II", "max:II", "percent:II", "rank:II"],
        [[1, "Sở B", 35, 40, 87.5, 1], [2, "Sở A", 40, 50, 80.0, 2]],
    )
    return {"Tổng hợp": overall, "I": index_one, "II": index_two}


def test_derived_figures_are_over_the_maxima_the_index_sheets_give(tmp_path: Path) -> None:
    # Regression: the DTI was recomputed over each index's full maximum (65/100 = 0,65, a false
    # finding) where the appendix, like the engine, divides by the unit's applicable ones (65/80).
    fw = framework(SMALL + "derived:\n  - {code: DTI, name: Chỉ số DTI, indices: all, decimals: 4}\n")
    sheets = lowered_sheets(0.8125)
    appendix = read_appendix(fw, write_workbook(tmp_path / "a.xlsx", sheets, small_meta(sheets)))
    assert appendix.sheets[0].table.rows[1].maxima == {"total": D("80"), "I": D("40"), "II": D("40")}
    assert appendix.sheets[0].table.rows[0].maxima == {"total": D("100"), "II": D("50")}  # no N/A on I's sheet
    assert appendix.sheets[2].table.rows[0].maxima == {"II": D("40")}  # index II's percent is over it
    assert check_appendix(fw, appendix) == []
    sheets = lowered_sheets(0.65)
    appendix = read_appendix(fw, write_workbook(tmp_path / "b.xlsx", sheets, small_meta(sheets)))
    assert brief(check_appendix(fw, appendix)) == [
        ("Sở B", "DTI", "derived", D("0.65"), D("0.8125"), "trang 'Tổng hợp', dòng 10, cột I (DTI)")
    ]


# --- published ranks of a larger set, with the ranks within the table beside them ---------------


def ranked_sheets(table_ranks: tuple[object, object], published: tuple[int, int], *, codes: bool = True) -> Rows:
    """An overall table of two units of a larger ranked set: published ranks and the table's own."""
    return table_sheet(
        ["STT", "Đơn vị", "I", "II", "Tổng điểm", "Tỷ lệ (%)", "Xếp hạng (công bố)", "Xếp hạng trong bảng"],
        ["stt", "unit", "I", "II", "total", "percent", "rank", "rank:table"] if codes else None,
        [
            [1, "Sở A", 45, 40, 85, 85.0, published[0], table_ranks[0]],
            [2, "Sở B", 30, 35, 65, 65.0, published[1], table_ranks[1]],
        ],
    )


def test_ranks_within_the_table_are_checked_by_number_the_published_ones_by_order(tmp_path: Path) -> None:
    fw = framework(SMALL)
    path = write_workbook(tmp_path / "a.xlsx", {"Tổng hợp": ranked_sheets((1, 2), (4, 12))})
    appendix = read_appendix(fw, path)
    sheet = appendix.sheets[0]
    assert sheet.table.unknown == [] and "rank:table" not in sheet.table.rows[0].published
    assert sheet.table_ranks == {
        9: (D("1"), "trang 'Tổng hợp', dòng 9, cột H (rank:table)"),
        10: (D("2"), "trang 'Tổng hợp', dòng 10, cột H (rank:table)"),
    }
    assert check_appendix(fw, appendix) == []
    # The table's ranks swapped, and published ranks that put the lower value first: each found.
    path = write_workbook(tmp_path / "b.xlsx", {"Tổng hợp": ranked_sheets((2, 1), (2, 1))})
    assert brief(check_appendix(fw, read_appendix(fw, path))) == [
        ("Sở A", "rank", "rank_order", 2, None, "trang 'Tổng hợp', dòng 9, cột G (rank)"),
        ("Sở A", "rank:table", "rank", 2, 1, "trang 'Tổng hợp', dòng 9, cột H (rank:table)"),
        ("Sở B", "rank:table", "rank", 1, 2, "trang 'Tổng hợp', dòng 10, cột H (rank:table)"),
    ]


def test_published_and_table_ranks_are_read_from_their_labels(tmp_path: Path) -> None:
    fw = framework(SMALL)
    path = write_workbook(tmp_path / "a.xlsx", {"Tổng hợp": ranked_sheets((1, 2), (3, 8), codes=False)})
    appendix = read_appendix(fw, path)
    assert appendix.sheets[0].table.rows[1].published["rank"] == 8
    assert [rank for rank, _ in appendix.sheets[0].table_ranks.values()] == [1, 2]
    assert check_appendix(fw, appendix) == []


@pytest.mark.parametrize("rank", ["hai", 0, 1.5])
def test_a_rank_within_the_table_must_be_a_positive_whole_number(tmp_path: Path, rank: object) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {"Tổng hợp": ranked_sheets((rank, 2), (3, 8))})
    with pytest.raises(InputError) as error:
        read_appendix(framework(SMALL), path)
    assert "trang 'Tổng hợp', dòng 9, cột H (rank:table)" in str(error.value)


def test_each_table_is_read_by_the_framework_its_dti_row_names(
    ninh_binh: Framework, published: list[dict[str, str]], tmp_path: Path
) -> None:
    # Bắc Ninh's appendix: Sở tables by one framework, huyện tables by another; it was refused whole.
    small = framework(SMALL)
    own, districts = small_sheets("Sở"), ninh_binh_sheets(ninh_binh, published)
    meta = small_meta(own, "Sở")
    meta = [meta[0]] + [[*row[:4], small.code] for row in meta[1:]] + meta_rows(ninh_binh, districts)[1:]
    path = write_workbook(tmp_path / "hai-bo.xlsx", {**own, **districts}, meta)
    both = read_appendix(ninh_binh, path, others=[small])
    assert [sheet.framework for sheet in both.sheets[:3]] == [small] * 3
    assert all(sheet.framework is ninh_binh for sheet in both.sheets[3:])
    assert [row.unit for row in both.results(small).rows] == ["Sở A", "Sở B"]
    assert len(both.results(ninh_binh).rows) == 8
    assert [f.kind for f in check_appendix(ninh_binh, both)] == ["sum"] * 3  # seed 000's own three
    alone = read_appendix(ninh_binh, path, skip=True)
    assert alone.skipped == [("Sở - Tổng hợp", small.code), ("Sở - I", small.code), ("Sở - II", small.code)]
    assert len(alone.sheets) == 9 and alone.skipped and not both.skipped
    with pytest.raises(InputError, match=f"trang '_dti', dòng 2: bảng lập theo bộ chỉ số '{small.code}', không phải"):
        read_appendix(ninh_binh, path)
    with pytest.raises(InputError, match="mọi bảng lập theo bộ chỉ số chưa được cung cấp"):
        read_appendix(load_framework(FRAMEWORKS / "quoc-gia-2022-tinh.yaml"), path, skip=True)
