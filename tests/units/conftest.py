"""Helpers for the unit tests: write a unit list as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.files import write_csv, write_xlsx

HEADER = ["Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên"]


@pytest.fixture
def xlsx(tmp_path: Path) -> Callable[..., Path]:
    """`xlsx(rows, header=HEADER)`: an .xlsx file with the header and rows."""

    def make(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, name: str = "don-vi.xlsx") -> Path:
        return write_xlsx(tmp_path / name, header, rows, "Đơn vị")

    return make


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """`csv_file(text)`: a UTF-8 CSV file with that text."""

    def make(text: str, name: str = "don-vi.csv") -> Path:
        return write_csv(tmp_path / name, text)

    return make
