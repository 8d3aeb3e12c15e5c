"""The campaign's tables written as one XLSX workbook, a zip of CSV files, or one CSV file.

XLSX: openpyxl in write-only mode (rows streamed to the file, memory bounded however many
units); numbers as numeric cells with their column's decimals as number format, dates and
moments as real dates shown dd/mm/yyyy (hh:mm), text through the engine's `spreadsheet_text`.
CSV: UTF-8 with a byte order mark (Excel reads the Vietnamese letters), a dot for decimals
(machine-readable, as `dti` writes its CSV), dates dd/mm/yyyy, text neutralised the same way.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dti.documents.xlsx import number_format
from dti.engine import plain, spreadsheet_text
from dti.exports.data import Sheet, Value

DATE = "dd/mm/yyyy"
MOMENT = "dd/mm/yyyy hh:mm"
_BOLD = Font(bold=True)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Value, decimals: int | None) -> Cell | Value:
    """A cell as it goes in the sheet: a number with its column's decimals, a date with dd/mm/yyyy,
    text neutralised."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_text(value))
    if isinstance(value, int) and decimals is None:
        return value  # a year, a count in a column of mixed facts: as typed, never "2.023"
    if isinstance(value, Decimal | int):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl writes Decimal; its stubs omit it
        cell.number_format = number_format(decimals if decimals is not None else 0)
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # a date too
        cell.number_format = MOMENT if isinstance(value, datetime.datetime) else DATE
        return cell
    return value


def write_xlsx(sheets: Sequence[Sheet], target: IO[bytes]) -> None:
    """Every table as a sheet of one workbook: a bold header row, frozen, then the rows."""
    book = Workbook(write_only=True)
    for table in sheets:
        sheet = book.create_sheet(table.title)
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=spreadsheet_text(column.label))
            cell.font = _BOLD
            header.append(cell)
        sheet.append(header)
        decimals = [column.decimals for column in table.columns]
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value, places) for value, places in zip(row, decimals, strict=True)])
    book.save(target)


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return spreadsheet_text(value)


def csv_bytes(table: Sheet) -> bytes:
    """One table as a CSV file: UTF-8 with a byte order mark, a header row, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_zip(sheets: Sequence[Sheet], target: IO[bytes]) -> None:
    """Every table as a CSV file (`key`.csv) in one zip."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for table in sheets:
            package.writestr(f"{table.key}.csv", csv_bytes(table))
