"""Helpers for the unit tests: write a unit list as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

HEADER = ["Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên"]


@pytest.fixture
def xlsx(tmp_path: Path) -> Callable[..., Path]:
    """`xlsx(rows, header=HEADER)`: an .xlsx file with the header and rows."""

    def make(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, name: str = "don-vi.xlsx") -> Path:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Đơn vị"
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return make


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """`csv_file(text)`: a UTF-8 CSV file with that text."""

    def make(text: str, name: str = "don-vi.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make
