"""Import files written for the tests: a sheet as XLSX (header and rows) or text as UTF-8 CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> Path:
    """An .xlsx file at `path` whose one sheet, named `title`, holds the header and the rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(path: Path, content: str) -> Path:
    """A UTF-8 CSV file at `path` with that text."""
    path.write_text(content, encoding="utf-8")
    return path
