"""Writing rows of figures as a text table, CSV, JSON or XLSX.

Text tables use Vietnamese formatting ("1.234,56"); CSV and JSON use a dot and no grouping;
XLSX cells keep their numeric type so Excel can compute with them.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO

from dti.engine import fmt, plain, spreadsheet_text
from dti.workbooks.layout import list_rule, style_header

Cell = Decimal | int | str | None
FORMATS = ("table", "csv", "json", "xlsx")


def _width(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[Cell] | str], *, places: Sequence[int | None] | None = None
) -> str:
    """An aligned plain-text table; numbers right-aligned in Vietnamese format.

    A row given as a plain string is printed as it is, across the columns (a trace line).
    """
    places = places or [None] * len(headers)

    def show(value: Cell, p: int | None) -> str:
        if isinstance(value, Decimal):
            return fmt(value, p)
        return "" if value is None else str(value)

    table_rows = [r for r in rows if not isinstance(r, str)]
    cells = [[show(v, p) for v, p in zip(row, places, strict=False)] for row in table_rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells if i < len(r)]) for i, h in enumerate(headers)]
    numeric = [
        any(isinstance(row[i], Decimal | int) for row in table_rows if i < len(row)) for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = widths[i] - _width(v)
            parts.append(" " * pad + v if numeric[i] else v + " " * pad)
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), "  ".join("-" * w for w in widths)]
    shown = iter(cells)
    out += [r if isinstance(r, str) else line(next(shown)) for r in rows]
    return "\n".join(out)


def _json_value(value: Cell) -> object:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # "n", "N" or "F" for NaN and infinity
        return (
            int(value)
            if value == value.to_integral_value() and isinstance(exponent, int) and exponent >= 0
            else float(value)
        )
    return value


def to_json(records: Sequence[dict[str, Cell]]) -> str:
    """JSON list of objects; Decimals become JSON numbers with a dot."""
    return json.dumps([{k: _json_value(v) for k, v in r.items()} for r in records], ensure_ascii=False, indent=2)


def _text(value: Cell) -> Cell:
    """A text cell neutralised against formula injection (`spreadsheet_text`); numbers and blanks as they are."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """CSV with a dot for decimals (machine-readable)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_text(header) for header in headers])
    for row in rows:
        writer.writerow([plain(v) if isinstance(v, Decimal) else ("" if v is None else _text(v)) for v in row])
    return buffer.getvalue()


def write_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    title: str = "Dữ liệu",
    validations: dict[int, list[str]] | None = None,
    value_column: int | None = None,
) -> None:
    """An XLSX sheet with a bold, frozen header; `validations` maps row index → drop-down options."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append([spreadsheet_text(header) for header in headers])
    style_header(ws)
    for row in rows:
        ws.append([float(v) if isinstance(v, Decimal) else _text(v) for v in row])
    for col_index, header in enumerate(headers, start=1):
        values = [header] + [str(r[col_index - 1] or "") for r in rows[:200] if col_index - 1 < len(r)]
        width = min(max(len(v) for v in values) + 2, 60)
        ws.column_dimensions[get_column_letter(col_index)].width = width
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            if isinstance(v, Decimal):
                exp = v.as_tuple().exponent
                decimals = -exp if isinstance(exp, int) and exp < 0 else 0
                ws.cell(row=r, column=c).number_format = "0" if decimals == 0 else "0." + "0" * decimals
    if validations and value_column is not None:
        letter = get_column_letter(value_column + 1)
        for row_index, options in validations.items():
            rule = list_rule(options)
            if rule is None:
                continue
            ws.add_data_validation(rule)
            rule.add(f"{letter}{row_index + 2}")
    ws.freeze_panes = "A2"
    wb.save(path)


def emit(
    fmt_name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    output: Path | None,
    stdout: IO[str],
    records: Sequence[dict[str, Cell]] | None = None,
    places: Sequence[int | None] | None = None,
    title: str = "Dữ liệu",
) -> None:
    """Write rows in the chosen format to `output` (or stdout for text formats)."""
    if fmt_name == "xlsx":
        assert output is not None
        write_xlsx(output, headers, rows, title=title)
        return
    if fmt_name == "json":
        text = to_json(records if records is not None else [dict(zip(headers, r, strict=False)) for r in rows]) + "\n"
    elif fmt_name == "csv":
        text = to_csv(headers, rows)
    else:
        text = text_table(headers, rows, places=places) + "\n"
    if output is None:
        stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8-sig" if fmt_name == "csv" else "utf-8")
