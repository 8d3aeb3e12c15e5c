"""Reading spreadsheet-like files (CSV, XLSX) into rows that remember where each cell was.

Every failure becomes an InputError naming the file and the place (sheet, row, column), so
the person can find the cell; nothing here raises a bare exception at them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dti.engine.errors import InputError
from dti.engine.numbers import to_decimal

MAX_FILE_BYTES = 50 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

HEADER_ALIASES = {
    "đơn vị": "unit",
    "tên đơn vị": "unit",
    "nhóm": "group",
    "nhóm xếp hạng": "group",
    "loại đơn vị": "type",
    "mã": "code",
    "trường": "field",
    "giá trị": "value",
    "tổng điểm": "total",
    "tổng": "total",
    "tỷ lệ": "percent",
    "tỷ lệ (%)": "percent",
    "xếp hạng": "rank",
    "hạng": "rank",
    "xếp loại": "class",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's value (text from CSV, typed from XLSX) and where it is."""

    value: object
    place: str  # "dòng 5, cột C (value)"

    @property
    def blank(self) -> bool:
        """Whether the cell holds nothing."""
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank data row: its number in the file and its cells by header key."""

    number: int
    cells: dict[str, Cell]

    def get(self, key: str) -> Cell | None:
        """The cell under header `key`, or None if there is no such column or it is blank."""
        cell = self.cells.get(key)
        return None if cell is None or cell.blank else cell

    def text(self, key: str) -> str:
        """The cell under `key` as stripped NFC text ("" when blank)."""
        cell = self.get(key)
        if cell is None:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unicodedata.normalize("NFC", str(value)).strip()


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header keys (in order) and its data rows."""

    file: str
    headers: list[str]
    rows: list[Row]
    places: dict[str, str]  # header key -> "dòng 1, cột C" of its header cell
    where: str = ""  # what every place in it starts with: "trang 'I1', " in a workbook, "" in a CSV file


def spreadsheet_text(text: str) -> str:
    """A text cell as every CSV/XLSX writer of the platform writes it: a leading apostrophe when it
    starts with `=`, `+`, `-`, `@`, tab or carriage return, unchanged otherwise.

    The OWASP CSV-injection advice: a spreadsheet program would run such a cell as a formula (a unit
    named `=HYPERLINK(...)` leaking data). Text only: numbers are written as numbers, never through here.
    A text that already starts with apostrophes before such a character gets one more, so that
    `spreadsheet_value` gives every text back exactly.
    """
    return "'" + text if _formula_like(text) else text


def spreadsheet_value(text: str) -> str:
    """The inverse of `spreadsheet_text`, for reading our files back: one leading apostrophe dropped
    when apostrophes stand before a dangerous character."""
    return text[1:] if text.startswith("'") and _formula_like(text) else text


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def normalize_header(text: object) -> str:
    """A header cell as a key: NFC, trimmed, Vietnamese names mapped to the English keys."""
    key = unicodedata.normalize("NFC", str(text or "")).strip()
    return HEADER_ALIASES.get(key.lower(), key)


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file (first sheet unless `sheet` is named) into a Table."""
    file_path = _checked(path)
    file = str(path)
    suffix = file_path.suffix.lower()
    if suffix == ".csv":
        if sheet:
            raise InputError(file, "", "tệp CSV không có trang tính")
        raw_rows = list(_csv_rows(file_path))
        where = ""
    elif suffix in XLSX_SUFFIXES:
        raw_rows, where = _xlsx_rows(file_path, sheet)
    else:
        raise InputError(file, "", f"không đọc được tệp '{file_path.suffix or file_path.name}': cần .csv hoặc .xlsx")
    return table_of_rows(file, raw_rows, where)


def _checked(path: str | Path) -> Path:
    """The path of a readable file of acceptable size, or InputError saying why not."""
    file = str(path)
    file_path = Path(path)
    if not file_path.exists():
        raise InputError(file, "", "không tìm thấy tệp")
    if file_path.is_dir():
        raise InputError(file, "", "đây là một thư mục, không phải tệp")
    if file_path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(file, "", f"tệp lớn hơn {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return file_path


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet of a workbook: its name, whether it is hidden, and its cells row by row."""

    name: str
    hidden: bool
    rows: list[list[object]]

    @property
    def where(self) -> str:
        """The start of a place in this sheet: "trang 'I1', "."""
        return f"trang '{self.name}', "


def read_sheets(path: str | Path) -> list[Sheet]:
    """Every worksheet of an XLSX file, in order (chart sheets left out), read in one pass."""
    file_path = _checked(path)
    if file_path.suffix.lower() not in XLSX_SUFFIXES:
        raise InputError(str(path), "", f"không đọc được tệp '{file_path.suffix or file_path.name}': cần .xlsx")
    workbook = _open_workbook(file_path)
    try:
        return [
            Sheet(
                worksheet.title,
                getattr(worksheet, "sheet_state", "visible") != "visible",
                [[_cell_value(cell) for cell in row] for row in worksheet.iter_rows()],
            )
            for worksheet in workbook.worksheets
            if hasattr(worksheet, "iter_rows")
        ]
    finally:
        workbook.close()


def _csv_rows(file_path: Path) -> Iterator[list[object]]:
    data = file_path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(file_path), "", "tệp CSV không phải mã UTF-8: hãy lưu lại với mã hóa UTF-8") from exc
    if "\x00" in text:
        raise InputError(str(file_path), "", "tệp không phải là văn bản CSV")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)  # the header's separator; a comma on a tie
    try:
        yield from csv.reader(io.StringIO(text), delimiter=delimiter)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(str(file_path), "", "tệp CSV có một ô quá dài (thiếu dấu ngoặc kép đóng?)") from exc
        raise InputError(str(file_path), "", "tệp CSV hỏng (dấu ngoặc kép hoặc dấu phân cách không khớp)") from exc


def _xlsx_rows(file_path: Path, sheet: str | None) -> tuple[list[list[object]], str]:
    workbook = _open_workbook(file_path)
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                names = ", ".join(workbook.sheetnames)
                raise InputError(str(file_path), "", f"không có trang tính '{sheet}' (có: {names})")
            worksheet: Any = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        if not hasattr(worksheet, "iter_rows"):
            raise InputError(str(file_path), "", f"trang '{worksheet.title}' là biểu đồ, không có dữ liệu")
        rows: list[list[object]] = [[_cell_value(cell) for cell in row] for row in worksheet.iter_rows()]
        return rows, f"trang '{worksheet.title}', "
    finally:
        workbook.close()


def _open_workbook(file_path: Path) -> Any:
    """The workbook, read-only with cached values, or InputError for a file that is not one."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(file_path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(str(file_path), "", "không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx)") from exc


def _cell_value(cell: Any) -> object:
    """A cell's value; a number shown as a percentage (0.8118 shown as 81,18 %) becomes "81.18%".

    Excel stores 81,18 % as 0.8118: the cell's format says which one the person typed.
    """
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        return f"{to_decimal(value) * 100:f}%"
    return value


def table_of_rows(
    file: str,
    raw_rows: list[list[object]],
    where: str,
    *,
    header_at: int | None = None,
    headers: list[str] | None = None,
    end_at_blank: bool = False,
) -> Table:
    """A Table from raw rows: the header is the first non-blank row, or row `header_at` (0-based)
    with its keys replaced by `headers` when given (a sheet's codes found from its labels).

    `end_at_blank`: the data end at the first blank row (an appendix sheet: notes follow it).
    """
    if header_at is None:
        header_at = next((number for number, raw in enumerate(raw_rows) if any(not _blank(v) for v in raw)), None)
    if header_at is None or header_at >= len(raw_rows):
        raise InputError(file, where.rstrip(", "), "tệp không có dữ liệu (không có dòng tiêu đề)")
    header_number = header_at + 1
    numbered_rows = iter(enumerate(raw_rows[header_number:], start=header_number + 1))
    headers = headers if headers is not None else [normalize_header(cell) for cell in raw_rows[header_at]]
    seen: dict[str, int] = {}
    for column, header in enumerate(headers):
        if not header:
            continue
        if header in seen:
            raise InputError(
                file,
                f"{where}dòng {header_number}, cột {column_letter(column)}",
                f"cột '{header}' trùng với cột {column_letter(seen[header])}",
            )
        seen[header] = column
    rows: list[Row] = []
    for number, raw in numbered_rows:
        if all(_blank(value) for value in raw):
            if end_at_blank and rows:
                break
            continue
        extra = [column for column in range(len(headers), len(raw)) if not _blank(raw[column])]
        if extra:
            raise InputError(
                file, f"{where}dòng {number}, cột {column_letter(extra[0])}", "ô có dữ liệu nhưng không có tiêu đề cột"
            )
        cells = {
            header: Cell(
                _read_back(raw[column]) if column < len(raw) else None,
                f"{where}dòng {number}, cột {column_letter(column)} ({header})",
            )
            for column, header in enumerate(headers)
            if header
        }
        for column, header in enumerate(headers):
            if not header and column < len(raw) and not _blank(raw[column]):
                raise InputError(
                    file,
                    f"{where}dòng {number}, cột {column_letter(column)}",
                    "ô có dữ liệu nhưng không có tiêu đề cột",
                )
        rows.append(Row(number, cells))
    if not rows:
        raise InputError(file, where.rstrip(", "), "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào")
    places = {
        header: f"{where}dòng {header_number}, cột {column_letter(column)}"
        for column, header in enumerate(headers)
        if header
    }
    return Table(file, [header for header in headers if header], rows, places, where)


def _read_back(value: object) -> object:
    """A data cell's value, text that our writers neutralised read back as written (`spreadsheet_value`)."""
    return spreadsheet_value(value) if isinstance(value, str) else value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
