"""Results files: published or collected scores of many units, one row per unit.

Columns: `unit`, optional `group`, score columns named by index, group or indicator code,
optional `max:<code>` / `max:total`, optional published `total`, `percent`, `rank`, `class`,
and what national and appendix tables publish besides: `rank:<code>` (the rank of an index or
a derived figure, possibly of a larger set than the file holds), derived figures by their
codes (`DTI`, `CQS`…), `value:<code>` (an index on the 0–1 scale) and `percent:<code>` (an
index as a percent of the unit's max for it) (docs/files.md). Levels not given are summed from
the levels below; an index given only as `value:<code>` is that value × its max.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dti.engine.errors import InputError
from dti.engine.model import Framework, Index, RankBasis
from dti.engine.numbers import HUNDRED, NumberError, round_half_up, to_decimal
from dti.engine.ranking import derived_values, exact_basis, index_basis, ranks, shown_decimals
from dti.engine.scoring import ItemScore, Status, UnitResult, summarize
from dti.engine.tables import Cell, Table, read_table

PUBLISHED = ("total", "percent", "rank")
RESERVED = ("unit", "group", "type", "stt", "no", "class", *PUBLISHED)
PREFIXES = ("rank", "value", "percent")  # rank:<code>, value:<code>, percent:<code>
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
    classification: str = ""  # the published class (Xếp loại), "" when none


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


def rank_of_cell(file: str, cell: Cell) -> Decimal:
    """A rank's cell as a number: a positive whole number, else InputError with its place."""
    number = _number(file, cell, allow_na=False)
    if not isinstance(number, Decimal) or number < 1 or number != number.to_integral_value():
        raise InputError(file, cell.place, f"xếp hạng '{cell.value}' phải là số nguyên dương")
    return number


def read_results(framework: Framework, path: str | Path) -> PublishedTable:
    """Read a results file (CSV or XLSX); bad cells raise InputError with their place."""
    return results_of_table(framework, read_table(path))


def _columns(framework: Framework, table: Table) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """The table's score columns, its published columns (key, header) and its unknown ones (header, place)."""
    codes = {item.code for item in framework.walk()} | {index.code for index in framework.indices}
    codes |= {group.code for index in framework.indices for group in index.groups}
    index_codes = {index.code for index in framework.indices}
    derived_codes = {derived.code for derived in framework.derived}
    targets = {"rank": index_codes | derived_codes, "value": index_codes, "percent": index_codes}
    score_columns: list[str] = []
    published: list[tuple[str, str]] = [(key, key) for key in PUBLISHED if key in table.headers]
    unknown: list[tuple[str, str]] = []
    for header in table.headers:
        key = header.lower()
        prefix, _, target = header.partition(":")
        prefix, target = prefix.strip().lower(), target.strip()
        if key in RESERVED:
            continue
        if prefix == "max" and (target in codes or target.lower() == "total"):
            score_columns.append(header)
        elif prefix in PREFIXES and target in targets[prefix]:
            published.append((f"{prefix}:{target}", header))
        elif header in derived_codes:
            published.append((header, header))
        elif header in codes:
            score_columns.append(header)
        else:
            unknown.append((header, table.places[header]))
    return score_columns, published, unknown


def results_of_table(framework: Framework, table: Table) -> PublishedTable:
    """The results in a table already read (a results file, or one sheet of an appendix workbook)."""
    file = table.file
    if "unit" not in table.headers:
        raise InputError(file, "dòng tiêu đề", "thiếu cột 'unit' (Đơn vị)")
    score_columns, published_columns, unknown = _columns(framework, table)
    rows: list[PublishedRow] = []
    seen: set[str] = set()
    duplicates: list[tuple[str, str]] = []
    for row in table.rows:
        unit = row.text("unit")
        if not unit:
            raise InputError(file, f"{table.where}dòng {row.number}", "thiếu tên đơn vị (cột unit/Đơn vị)")
        unit = unicodedata.normalize("NFC", unit)
        if unit in seen:
            duplicates.append((unit, f"{table.where}dòng {row.number}"))
            continue
        seen.add(unit)
        record = PublishedRow(unit, row.text("group"), row.number, classification=row.text("class"))
        if record.classification:
            record.places["class"] = row.cells["class"].place
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
        for key, header in published_columns:
            cell = row.get(header)
            if cell is not None:
                number = (
                    rank_of_cell(file, cell) if key.split(":")[0] == "rank" else _number(file, cell, allow_na=False)
                )
                assert isinstance(number, Decimal)
                record.published[key] = number
                record.places[key] = cell.place
                record.decimals[key] = _printed_decimals(cell.value)
        rows.append(record)
    return PublishedTable(file, rows, unknown, duplicates)


def row_result(framework: Framework, row: PublishedRow) -> UnitResult:
    """A UnitResult from a row's scores; levels not given are summed from the levels below."""
    items: dict[str, ItemScore] = {}
    scores = row.scores
    for code in item_maxima(framework):
        value = scores.get(code)
        if value == NA_VALUE:
            items[code] = ItemScore(code, None, Status.NA)
        elif isinstance(value, Decimal):
            items[code] = ItemScore(code, value, Status.GIVEN)
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
        if value is None:
            value = _points_of_value(index, row)
        if value is not None:
            indices[index.code] = value
    result = summarize(framework, row.unit, row.group, None, items, indices, row.maxima)
    result.published = dict(row.published)
    return result


@functools.lru_cache(maxsize=64)
def item_maxima(framework: Framework) -> dict[str, Decimal | None]:
    """Every scored item's code and max, in the framework's order (worked out once: a results
    table of 3,500 rows reads them for every row). Not to be changed by the caller."""
    return {item.code: item.max for item in framework.walk()}


def _points_of_value(index: Index, row: PublishedRow) -> Decimal | None:
    """An index's points from its published 0–1 value (value × the unit's max for it), if given."""
    value = row.published.get(f"value:{index.code}")
    maximum = row.maxima.get(index.code, index.max)
    return None if value is None or maximum is None else value * maximum


def complete(framework: Framework, result: UnitResult) -> bool:
    """Whether every scored index is known, so the recomputed total is the whole total."""
    return all(result.indices.get(index.code) is not None for index in framework.scored_indices)


def ranked_value(framework: Framework, result: UnitResult, column: str) -> Decimal | None:
    """The figure a rank column orders units by, as shown (rounded half-up at its decimals).

    `rank`: the total or percent the framework ranks on (the published one when given);
    `rank:<index>`: the index's points, or its percent of the unit's max for it when the
    framework ranks by percent (a published `percent:`/`value:` first); `rank:<derived>`: the
    derived figure (published, or computed from the indices). None when it cannot be known.
    """
    policy = framework.ranking
    published = result.published
    if column == "rank":
        value = published.get(policy.basis.value)
        if value is None and complete(framework, result):
            value = exact_basis(result, policy.basis)
        decimals = shown_decimals(framework.precision, policy, policy.basis)
        return None if value is None else round_half_up(value, decimals)
    code = column.partition(":")[2]
    derived = next((d for d in framework.derived if d.code == code), None)
    if derived is not None:
        value = published.get(code)
        if value is None:
            value = derived_values(framework, result).get(code)
        return None if value is None else round_half_up(value, derived.decimals)
    if policy.basis is RankBasis.PERCENT:
        value = published.get(f"percent:{code}")
        if value is None and f"value:{code}" in published:
            value = published[f"value:{code}"] * HUNDRED
        if value is not None:
            return round_half_up(value, policy.decimals)
    points = result.indices.get(code)
    points = None if points is None else round_half_up(points, framework.precision)
    return index_basis(points, result.index_max.get(code), policy)


def _given_score(items: dict[str, ItemScore], code: str) -> Decimal | None:
    """The score the row gives for item `code` (None when absent or N/A)."""
    score = items.get(code)
    return score.score if score is not None and score.status is Status.GIVEN else None


def _sum_known(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the known values, or None when none is known."""
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def column_ranks(framework: Framework, results: Sequence[UnitResult], column: str) -> list[int | None]:
    """Each unit's rank within its group of `results` on a rank column's figure (`ranked_value`):
    the ranks within the file, beside the published ones of a larger set."""
    groups: dict[str, list[int]] = {}
    for position, result in enumerate(results):
        groups.setdefault(result.group, []).append(position)
    computed: list[int | None] = [None] * len(results)
    for members in groups.values():
        values = [ranked_value(framework, results[position], column) for position in members]
        for position, rank in zip(members, ranks(values, framework.ranking.ties), strict=True):
            computed[position] = rank
    return computed
