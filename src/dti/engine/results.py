"""Results files: published or collected scores of many units, one row per unit.

Columns: `unit`, optional `group`, score columns named by index, group or indicator code,
optional `max:<code>` / `max:total`, optional published `total`, `percent`, `rank`
(docs/files.md). Levels not given are summed from the levels below.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dti.engine.errors import InputError
from dti.engine.model import Framework
from dti.engine.numbers import NumberError, to_decimal
from dti.engine.scoring import ItemScore, Status, UnitResult, summarize
from dti.engine.tables import Cell, read_table

PUBLISHED = ("total", "percent", "rank")
RESERVED = ("unit", "group", "type", "stt", "no", *PUBLISHED)
NA_MARKS = {"n/a", "na", "kad", "-", "không áp dụng"}
NA_VALUE = "N/A"


@dataclass(slots=True)
class PublishedRow:
    """One unit's row: its values by code (Decimal or N/A), maxima, published figures, places."""

    unit: str
    group: str
    number: int
    scores: dict[str, Decimal | str] = field(default_factory=dict)
    maxima: dict[str, Decimal] = field(default_factory=dict)
    published: dict[str, Decimal] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)  # decimals as printed


@dataclass(slots=True)
class PublishedTable:
    """A results file as read: rows, and the columns whose codes the framework lacks."""

    file: str
    rows: list[PublishedRow]
    unknown: list[tuple[str, str]]  # (column, place)
    duplicates: list[tuple[str, str]]  # (unit, place)


def _printed_decimals(value: object) -> int:
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        for separator in (",", "."):
            if separator in text:
                return len(text.rsplit(separator, 1)[1]) if text.count(separator) == 1 else 0
        return 0
    if isinstance(value, float):
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0


def _number(file: str, cell: Cell, *, allow_na: bool) -> Decimal | str:
    raw = cell.value
    if isinstance(raw, str) and raw.strip().lower() in NA_MARKS:
        if not allow_na:
            raise InputError(file, cell.place, f"'{raw}' không phải là số")
        return NA_VALUE
    if isinstance(raw, str) and raw.strip().endswith("%"):
        raw = raw.strip()[:-1]  # a percent column, or an Excel cell shown as a percentage
    try:
        return to_decimal(raw.strip() if isinstance(raw, str) else raw)
    except NumberError as exc:
        raise InputError(file, cell.place, str(exc)) from exc


def read_results(framework: Framework, path: str | Path) -> PublishedTable:
    """Read a results file (CSV or XLSX); bad cells raise InputError with their place."""
    table = read_table(path)
    file = table.file
    if "unit" not in table.headers:
        raise InputError(file, "dòng tiêu đề", "thiếu cột 'unit' (Đơn vị)")
    codes = {item.code for item in framework.walk()} | {index.code for index in framework.indices}
    codes |= {group.code for index in framework.indices for group in index.groups}
    unknown: list[tuple[str, str]] = []
    score_columns: list[str] = []
    for header in table.headers:
        key = header.lower()
        if key in RESERVED:
            continue
        target = header.split(":", 1)[1].strip() if key.startswith("max:") else header
        if target in codes or (key.startswith("max:") and target.lower() == "total"):
            score_columns.append(header)
        else:
            unknown.append((header, table.places[header]))
    rows: list[PublishedRow] = []
    seen: set[str] = set()
    duplicates: list[tuple[str, str]] = []
    for row in table.rows:
        unit = row.text("unit")
        if not unit:
            raise InputError(file, f"dòng {row.number}", "thiếu tên đơn vị (cột unit/Đơn vị)")
        unit = unicodedata.normalize("NFC", unit)
        if unit in seen:
            duplicates.append((unit, f"dòng {row.number}"))
            continue
        seen.add(unit)
        record = PublishedRow(unit, row.text("group"), row.number)
        for header in score_columns:
            cell = row.get(header)
            if cell is None:
                continue
            is_max = header.lower().startswith("max:")
            value = _number(file, cell, allow_na=not is_max)
            if is_max:
                target = header.split(":", 1)[1].strip()
                record.maxima["total" if target.lower() == "total" else target] = value  # type: ignore[assignment]
            else:
                record.scores[header] = value
                record.decimals[header] = _printed_decimals(cell.value)
            record.places[header] = cell.place
        for key in PUBLISHED:
            cell = row.get(key)
            if cell is not None:
                value = _number(file, cell, allow_na=False)
                assert isinstance(value, Decimal)
                record.published[key] = value
                record.places[key] = cell.place
                record.decimals[key] = _printed_decimals(cell.value)
        rows.append(record)
    return PublishedTable(file, rows, unknown, duplicates)


def row_result(framework: Framework, row: PublishedRow) -> UnitResult:
    """A UnitResult from a row's scores; levels not given are summed from the levels below."""
    items: dict[str, ItemScore] = {}
    for item in framework.walk():
        value = row.scores.get(item.code)
        if value == NA_VALUE:
            items[item.code] = ItemScore(item.code, None, Status.NA)
        elif isinstance(value, Decimal):
            items[item.code] = ItemScore(item.code, value, Status.GIVEN)
    indices: dict[str, object] = {}
    for index in framework.indices:
        given = row.scores.get(index.code)
        if isinstance(given, Decimal):
            indices[index.code] = given
            continue
        parts = [_given_score(items, item.code) for item in index.direct]
        for group in index.groups:
            group_score = row.scores.get(group.code)
            if isinstance(group_score, Decimal):
                parts.append(group_score)
            else:
                parts.append(_sum_known([_given_score(items, item.code) for item in group.indicators]))
        value = _sum_known(parts)
        if value is not None:
            indices[index.code] = value
    return summarize(framework, row.unit, row.group, None, items, indices, row.maxima)


def _given_score(items: dict[str, ItemScore], code: str) -> Decimal | None:
    """The score the row gives for item `code` (None when absent or N/A)."""
    score = items.get(code)
    return score.score if score is not None and score.status is Status.GIVEN else None


def _sum_known(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the known values, or None when none is known."""
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None
