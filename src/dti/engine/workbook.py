"""Appendix workbooks: a results file of several tables, read whole and checked across sheets.

The layout (docs/files.md, "Appendix workbook") is the contract with the appendix writer: one
visible sheet per table (an overall table per ranking group, then one table per main index), a
hidden `_dti` sheet listing them (`sheet | kind | group | index | framework`), and on each
sheet a title block, the row of printed labels, a hidden row of column codes, one row per
unit, then after a blank row any notes. A workbook without `_dti` (a province's own tables
pasted in) is read as: first sheet = overall table, a sheet named by an index code = that
index's table; a sheet without a codes row has its labels mapped to codes ("Đơn vị" → unit,
"I. Nhận thức số (100)" → I, "Tổng điểm" on an index sheet → that index…). A table that prints
published ranks of a larger set (`rank`, `rank:<code>`) prints its own ranks beside them in a
`rank:table` column ("Xếp hạng trong bảng"), kept apart from the results and checked by number.

A CSV file or a one-sheet workbook is an appendix of one overall table: `dti check` and
`dti rank` read every results file through `read_appendix`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from dti.engine.checks import Finding, check_table
from dti.engine.errors import InputError
from dti.engine.model import Framework, Index
from dti.engine.numbers import round_half_up
from dti.engine.results import (
    NA_VALUE,
    PublishedRow,
    PublishedTable,
    column_ranks,
    rank_of_cell,
    read_results,
    results_of_table,
    row_result,
)
from dti.engine.scoring import UnitResult
from dti.engine.tables import XLSX_SUFFIXES, Sheet, normalize_header, read_sheets, spreadsheet_value, table_of_rows

META = "_dti"
OVERALL = "overall"
INDEX = "index"
META_COLUMNS = ("sheet", "kind", "group", "index", "framework")
TABLE_RANK = "rank:table"
"""The rank within the table, printed beside published ranks of a larger set (`rank`, `rank:<code>`)."""
LABELS = {"xếp hạng trong bảng": TABLE_RANK, "xếp hạng (công bố)": "rank"}  # the appendix's own labels


@dataclass(frozen=True, slots=True)
class AppendixSheet:
    """One table of an appendix: its sheet, kind (`overall` or `index`), ranking group, index code."""

    name: str
    kind: str
    group: str
    index: str  # the index code of an index table, "" for an overall one
    table: PublishedTable
    table_ranks: dict[int, tuple[Decimal, str]] = field(default_factory=dict)  # row number → (rank:table, place)
    framework: Framework | None = None  # the framework the table is made by (`read_appendix` sets it)

    @property
    def ranked(self) -> str:
        """The rank column the table is ordered by: `rank`, or `rank:<index>` on an index table."""
        return f"rank:{self.index}" if self.index else "rank"

    @property
    def where(self) -> str:
        """The start of a place in this sheet ("" for a CSV file)."""
        return f"trang '{self.name}', " if self.name else ""


@dataclass(frozen=True, slots=True)
class Appendix:
    """A results file read whole: its tables in order."""

    file: str
    sheets: list[AppendixSheet]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, framework code) not given: not read

    def results(self, framework: Framework | None = None) -> PublishedTable:
        """The units of the overall tables (those made by `framework` when given) as one results
        table (what `dti rank` ranks)."""
        overall = [
            sheet.table
            for sheet in self.sheets
            if sheet.kind == OVERALL and (framework is None or sheet.framework is framework)
        ]
        return PublishedTable(
            self.file,
            [row for table in overall for row in table.rows],
            [column for table in overall for column in table.unknown],
            [unit for table in overall for unit in table.duplicates],
        )


def read_appendix(
    framework: Framework, path: str | Path, *, others: Sequence[Framework] = (), skip: bool = False
) -> Appendix:
    """Every table of a results file (CSV, one-sheet or appendix XLSX); InputError names the place.

    A table the `_dti` sheet says is made by another framework is read by that one among `others`
    (an appendix whose groups use different frameworks: Sở and huyện); one made by a framework
    not given is refused, or with `skip` left out and named in `Appendix.skipped`."""
    file = str(path)
    if Path(path).suffix.lower() not in XLSX_SUFFIXES:
        return Appendix(file, [AppendixSheet("", OVERALL, "", "", read_results(framework, path), framework=framework)])
    sheets = read_sheets(path)
    by_name = {sheet.name: sheet for sheet in sheets}
    visible = [sheet for sheet in sheets if not sheet.hidden and sheet.name != META]
    if not visible:
        raise InputError(file, "", f"tệp Excel không có trang bảng nào hiển thị (ngoài trang '{META}')")
    skipped: list[tuple[str, str]] = []
    if META in by_name:
        given = {fw.code: fw for fw in (*others, framework)}
        layout = _layout(
            given, framework, file, by_name[META], {sheet.name for sheet in visible}, skipped if skip else None
        )
        if not layout:
            missing = ", ".join(dict.fromkeys(f"'{code}'" for _, code in skipped))
            raise InputError(file, f"trang '{META}'", f"mọi bảng lập theo bộ chỉ số chưa được cung cấp ({missing})")
    else:
        codes = {index.code for index in framework.indices}
        layout = [(visible[0].name, OVERALL, "", "", framework)]
        layout += [(sheet.name, INDEX, "", sheet.name, framework) for sheet in visible[1:] if sheet.name in codes]
    tables = []
    for name, kind, group, code, made_by in layout:
        index = made_by.index(code) if code else None
        table, table_ranks = _sheet_table(made_by, file, by_name[name], index)
        for row in table.rows:
            row.group = row.group or group
        tables.append(AppendixSheet(name, kind, group, code, table, table_ranks, made_by))
    _index_maxima(framework, tables)
    return Appendix(file, tables, skipped)


def _index_maxima(framework: Framework, sheets: list[AppendixSheet]) -> None:
    """Give each overall row the unit's applicable maximum of each index that its index sheet
    shows (a `max:<code>` column, else its indicators marked N/A) and the overall sheet does not:
    a derived figure (DTI, a pillar) and the percent are over that maximum, not the index's full one."""
    overall: dict[str, dict[str, PublishedRow]] = {}  # group → unit → its row of the (first) overall table
    for sheet in sheets:
        if sheet.kind == OVERALL and sheet.group not in overall:
            overall[sheet.group] = {row.unit: row for row in sheet.table.rows}
    for sheet in sheets:
        rows = overall.get(sheet.group, {}) if sheet.kind == INDEX else {}
        for row in sheet.table.rows:
            other = rows.get(row.unit)
            if other is None or sheet.index in other.maxima:
                continue
            maximum = row.maxima.get(sheet.index)
            if maximum is None and NA_VALUE in row.scores.values():
                maximum = row_result(sheet.framework or framework, row).index_max.get(sheet.index)
            if maximum is not None:
                other.maxima[sheet.index] = maximum


def _layout(
    given: dict[str, Framework],
    framework: Framework,
    file: str,
    meta: Sheet,
    names: set[str],
    skipped: list[tuple[str, str]] | None,
) -> list[tuple[str, str, str, str, Framework]]:
    """The tables the `_dti` sheet lists: (sheet, kind, group, index code, the framework it is
    made by: `given` by code, `framework` when it names none), each checked; a table made by a
    framework not given is refused, or added to `skipped` (sheet, framework code) when there is one."""
    filled = [number for number, row in enumerate(meta.rows) if any(not _blank(value) for value in row)]
    if not filled:
        raise InputError(file, f"trang '{META}'", "trang mô tả các bảng đang trống")
    header = [_text(value).lower() for value in meta.rows[filled[0]]]
    missing = [column for column in ("sheet", "kind") if column not in header]
    if missing:
        place = f"trang '{META}', dòng {filled[0] + 1}"
        raise InputError(file, place, f"thiếu cột {', '.join(repr(c) for c in missing)}")
    layout: list[tuple[str, str, str, str, Framework]] = []
    for number in filled[1:]:
        cells = {column: _cell(meta.rows[number], header, column) for column in META_COLUMNS}
        place = f"trang '{META}', dòng {number + 1}"
        if cells["sheet"] not in names:
            raise InputError(file, place, f"không có trang '{cells['sheet']}' trong tệp")
        if cells["kind"] not in (OVERALL, INDEX):
            raise InputError(file, place, f"loại bảng '{cells['kind']}' không hợp lệ (cần overall hoặc index)")
        made_by = given.get(cells["framework"]) if cells["framework"] else framework
        if made_by is None:
            if skipped is None:
                codes = "', '".join(given)
                raise InputError(file, place, f"bảng lập theo bộ chỉ số '{cells['framework']}', không phải '{codes}'")
            skipped.append((cells["sheet"], cells["framework"]))
            continue
        if cells["kind"] == INDEX and made_by.index(cells["index"]) is None:
            raise InputError(file, place, f"chỉ số '{cells['index']}' không có trong bộ chỉ số {made_by.code}")
        code = cells["index"] if cells["kind"] == INDEX else ""
        layout.append((cells["sheet"], cells["kind"], cells["group"], code, made_by))
    if not layout and skipped:
        return layout
    if not any(kind == OVERALL for _, kind, _, _, _ in layout):
        raise InputError(file, f"trang '{META}'", "không có bảng tổng hợp nào (kind = overall)")
    return layout


def _sheet_table(
    framework: Framework, file: str, sheet: Sheet, index: Index | None
) -> tuple[PublishedTable, dict[int, tuple[Decimal, str]]]:
    """One sheet's results (the header is its codes row, else its label row mapped to codes) and
    its ranks within the table by row number, when it prints them beside published ones."""
    filled = [number for number, row in enumerate(sheet.rows) if any(not _blank(value) for value in row)]
    if not filled:
        raise InputError(file, sheet.where.rstrip(", "), "trang tính trống (không có dòng tiêu đề)")
    codes_row = next((n for n in filled if any(_text(v).lower() == "unit" for v in sheet.rows[n])), None)
    label_row = next((n for n in filled if any(normalize_header(v) == "unit" for v in sheet.rows[n])), None)
    if codes_row is not None and (label_row is None or codes_row <= label_row + 1):
        header_at = codes_row
    elif label_row is not None:
        header_at = label_row
    else:
        raise InputError(file, sheet.where.rstrip(", "), "không tìm thấy dòng tiêu đề có cột 'unit' (Đơn vị)")
    headers = label_codes(framework, sheet.rows[header_at], index)
    end_at_blank = header_at > filled[0]  # a title block above: notes may follow the data
    table = table_of_rows(
        file, sheet.rows, sheet.where, header_at=header_at, headers=headers, end_at_blank=end_at_blank
    )
    table_ranks = {
        row.number: (rank_of_cell(file, cell), cell.place) for row in table.rows if (cell := row.get(TABLE_RANK))
    }
    table = replace(table, headers=[header for header in table.headers if header != TABLE_RANK])
    return results_of_table(framework, table), table_ranks


def label_codes(framework: Framework, labels: list[object], index: Index | None = None) -> list[str]:
    """The column codes of a header row (codes, or printed labels): the reserved names ("Đơn vị", "Tổng điểm",
    "Xếp hạng"…), a code at the start ("I. Nhận thức số (100)" → I), or an index, indicator or
    derived figure's name. On an index's sheet the total, percent and rank are that index's."""
    codes = {item.code for item in framework.walk()} | {derived.code for derived in framework.derived}
    codes |= {i.code for i in framework.indices} | {g.code for i in framework.indices for g in i.groups}
    names = {_fold(derived.name): derived.code for derived in framework.derived}
    names |= {_fold(item.name): item.code for item in framework.walk()}
    names |= {_fold(i.name): i.code for i in framework.indices}
    mapped: list[str] = []
    for label in labels:
        key = LABELS.get(_fold(str(label or "")), normalize_header(label))
        if index is not None and key in ("total", "percent", "rank"):
            key = index.code if key == "total" else f"{key}:{index.code}"
        elif key and key not in codes:
            head = key.split()[0].rstrip(".:")
            name = _fold(re.sub(r"\s*\([^)]*\)\s*$", "", key))
            key = head if head in codes else names.get(name, key)
        mapped.append(key)
    return mapped


def check_appendix(framework: Framework, appendix: Appendix, *, partial: bool = False) -> list[Finding]:
    """Every finding of every table, each by its own framework (`framework` unless the sheet names
    another; `check_table`; a table that prints its own ranks beside
    published ones has the published ones checked by order, its own by number), then each index
    table against its group's overall table: the same unit's index score in both, every unit in both."""
    findings: list[Finding] = []
    made_by = [sheet.framework or framework for sheet in appendix.sheets]
    results = [
        [row_result(fw, row) for row in sheet.table.rows] for sheet, fw in zip(appendix.sheets, made_by, strict=True)
    ]
    overall: dict[str, int] = {}  # group → the position of its (first) overall table
    for position, sheet in enumerate(appendix.sheets):
        if sheet.kind == OVERALL:
            overall.setdefault(sheet.group, position)
    for sheet, fw, sheet_results in zip(appendix.sheets, made_by, results, strict=True):
        # Beside ranks within the table, the published ranks are of a larger set: checked by order.
        findings += check_table(fw, sheet.table, partial=partial or bool(sheet.table_ranks), results=sheet_results)
        findings += _table_rank_findings(fw, sheet, sheet_results)
    for sheet, fw, sheet_results in zip(appendix.sheets, made_by, results, strict=True):
        if sheet.kind == INDEX and sheet.group in overall:
            position = overall[sheet.group]
            findings += _cross_findings(fw, (sheet, sheet_results), (appendix.sheets[position], results[position]))
    return findings


def _table_rank_findings(framework: Framework, sheet: AppendixSheet, results: list[UnitResult]) -> list[Finding]:
    """The ranks within the table (`rank:table`) against the ranks of the sheet's ranked column."""
    if not sheet.table_ranks:
        return []
    findings: list[Finding] = []
    for row, computed in zip(sheet.table.rows, column_ranks(framework, results, sheet.ranked), strict=True):
        rank, place = sheet.table_ranks.get(row.number, (None, ""))
        if rank is not None and computed is not None and rank != computed:
            findings.append(Finding(row.unit, TABLE_RANK, "rank", int(rank), computed, place))
    return findings


def _cross_findings(
    framework: Framework,
    index_table: tuple[AppendixSheet, list[UnitResult]],
    overall_table: tuple[AppendixSheet, list[UnitResult]],
) -> list[Finding]:
    """An index table against the overall table of its group (each with its rows' results)."""
    sheet, overall = index_table[0], overall_table[0]
    code = sheet.index
    theirs = {row.unit: (row, result) for row, result in zip(overall.table.rows, overall_table[1], strict=True)}
    ours = {row.unit for row in sheet.table.rows}
    findings: list[Finding] = []
    for row, result in zip(sheet.table.rows, index_table[1], strict=True):
        if row.unit not in theirs:
            note = f"không có trong trang '{overall.name}'"
            findings.append(Finding(row.unit, code, "missing_unit", None, None, _line(sheet, row), note))
            continue
        other, other_result = theirs[row.unit]
        here, there = _score(framework, result, code), _score(framework, other_result, code)
        if here is not None and there is not None and here != there:
            place = row.places.get(code, _line(sheet, row))
            note = f"bảng kia: {other.places.get(code, _line(overall, other))}"
            findings.append(Finding(row.unit, code, "sheet_mismatch", here, there, place, note))
    for other in overall.table.rows:
        if other.unit not in ours:
            note = f"không có trong trang '{sheet.name}'"
            findings.append(Finding(other.unit, code, "missing_unit", None, None, _line(overall, other), note))
    return findings


def _score(framework: Framework, result: UnitResult, code: str) -> Decimal | None:
    """A unit's score of an index (given, or summed from its parts) at the framework's precision."""
    value = result.indices.get(code)
    return None if value is None else round_half_up(value, framework.precision)


def _line(sheet: AppendixSheet, row: PublishedRow) -> str:
    return f"{sheet.where}dòng {row.number}"


def _cell(row: list[object], header: list[str], column: str) -> str:
    """The text of a `_dti` row under `column` ("" when the column or the cell is absent)."""
    at = header.index(column) if column in header else len(row)
    return _text(row[at]) if at < len(row) else ""


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", spreadsheet_value(str(value or ""))).strip()


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
