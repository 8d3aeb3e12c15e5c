"""Official figures: numbers the province already holds for the units, imported from Excel/CSV.

The file has one row per figure: Đơn vị (a unit of the campaign), Mã chỉ số, Số liệu (the
name of one numeric input of that indicator), Giá trị, and optionally Nguồn. Like the unit
import, the whole file is checked first; every problem is reported with its row and column
and nothing is written unless the whole file is valid. A figure already held for the same
unit, indicator and input is replaced.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.accounts.models import User
from dti.appraisal.models import OfficialFigure
from dti.audit.services import record
from dti.campaigns.models import Campaign, Participation
from dti.core.errors import ServiceError
from dti.core.imports import ImportInvalid, ImportProblem, cell_place, find_columns, read_upload
from dti.core.permissions import Action, require
from dti.engine import Field, Framework, Indicator, InputType, Row, Table, parse_value, spreadsheet_text, to_decimal
from dti.units.services import clean_name

DEFAULT_TOLERANCE = Decimal("0.05")
NUMERIC = (InputType.NUMBER, InputType.COUNT, InputType.PERCENT)

# Headers accepted for each column (lower case, after the engine's aliases: "Đơn vị" → unit,
# "Mã" → code, "Trường" → field, "Giá trị" → value).
COLUMNS = {
    "unit": ("unit", "tên cơ quan, đơn vị", "cơ quan, đơn vị"),
    "code": ("code", "mã chỉ số", "chỉ số", "mã cstp"),
    "input": ("input", "field", "số liệu", "mã số liệu", "tên trường"),
    "value": ("value", "giá trị chính thức", "số liệu chính thức"),
    "source": ("source", "nguồn", "nguồn số liệu"),
}
LABELS = {"unit": "Đơn vị", "code": "Mã chỉ số", "input": "Số liệu", "value": "Giá trị", "source": "Nguồn"}
REQUIRED = ("unit", "code", "input", "value")
TEMPLATE_HEADERS = ["Đơn vị", "Mã chỉ số", "Số liệu", "Tên số liệu", "Giá trị", "Nguồn"]


class OfficialImportInvalid(ImportInvalid):
    """The file cannot be imported; `problems` lists every problem found, nothing was written."""

    def summary(self, count: int) -> str:
        """The headline shown above the problems."""
        return ngettext(
            "Tệp có %(count)s lỗi; chưa có số liệu nào được ghi. Hãy sửa tệp rồi nhập lại.",
            "Tệp có %(count)s lỗi; chưa có số liệu nào được ghi. Hãy sửa tệp rồi nhập lại.",
            count,
        ) % {"count": count}


@dataclass
class OfficialImportResult:
    """What an import did: figures added and replaced."""

    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        """Figures in the file."""
        return self.created + self.updated


@dataclass(frozen=True)
class _Plan:
    """One figure of the file, checked, waiting to be written."""

    row: int
    participation: Participation
    code: str
    field: str
    value: Decimal
    source: str


@dataclass
class _Unit:
    """A unit of the campaign with its framework's scored items by code."""

    participation: Participation
    framework: Framework
    items: dict[str, Indicator] = field(default_factory=dict)


@dataclass(frozen=True)
class _RowCheck:
    """One row of the file being checked: its cells by column, and where its problems go."""

    row: Row
    columns: Mapping[str, str]  # column ("unit", "code", …) → the table's header key
    problems: list[ImportProblem]

    def text(self, column: str) -> str:
        """The cell of `column` as text ("" if empty)."""
        return self.row.text(self.columns[column])

    def problem(self, column: str, message: str) -> None:
        """Note a problem in the cell of `column`."""
        self.problems.append(ImportProblem(_place(self.row, self.columns[column], column), message))


def _columns(table: Table) -> tuple[dict[str, str], list[ImportProblem]]:
    return find_columns(table, COLUMNS, REQUIRED, LABELS, TEMPLATE_HEADERS)


def _place(row: Row, key: str, column: str) -> str:
    return cell_place(row, key, LABELS[column])


def numeric_inputs(item: Indicator) -> list[Field]:
    """The inputs of an indicator an official figure can be given for (numbers, counts, percentages)."""
    return [f for f in item.inputs if f.type in NUMERIC]


def _units(campaign: Campaign) -> dict[str, _Unit]:
    """The campaign's units by name (case-folded), each with its group's framework."""
    frameworks: dict[int, Framework] = {}
    units: dict[str, _Unit] = {}
    for participation in campaign.participations.select_related("unit__unit_type", "group__framework"):
        group = participation.group
        if group.framework_id not in frameworks:
            frameworks[group.framework_id] = group.framework.engine()
        framework = frameworks[group.framework_id]
        items = {i.code: i for i in framework.walk() if not i.reference_only}
        units[clean_name(participation.unit.name).casefold()] = _Unit(participation, framework, items)
    return units


def _value(input_field: Field, cell_value: object) -> Decimal:
    """The figure as stored: a percentage as a fraction (81,18 → 0.8118), like the unit's own value."""
    if isinstance(cell_value, bool):
        raise ValueError(_("'%(value)s' không phải là số") % {"value": cell_value})
    if isinstance(cell_value, str):
        parsed = parse_value(input_field, cell_value)
    else:
        parsed = parse_value(input_field, to_decimal(cell_value))
    if not isinstance(parsed, Decimal):
        raise ValueError(_("'%(value)s' không phải là số") % {"value": cell_value})
    if abs(parsed) >= Decimal(10) ** 14:
        raise ValueError(_("số quá lớn"))
    return parsed.quantize(Decimal("0.000001"))


def _checked_tolerance(tolerance: Decimal | None) -> Decimal:
    """The tolerance asked for (default 5 %), refused outside 0–100 %."""
    checked = DEFAULT_TOLERANCE if tolerance is None else Decimal(tolerance)
    if checked < 0 or checked > 1:
        raise ServiceError(_("Sai lệch cho phép phải từ 0 đến 100 %."))
    return checked


def _checked_source(source: str) -> str:
    """The source named for rows that name none, refused when longer than the field holds."""
    default_source = (source or "").strip()
    if len(default_source) > 300:
        raise ServiceError(_("Nguồn số liệu dài quá 300 ký tự."))
    return default_source


def official_import(
    *, campaign: Campaign, upload: IO[bytes], by: User, source: str = "", tolerance: Decimal | None = None
) -> OfficialImportResult:
    """Import official figures for the units of `campaign` from an Excel or CSV upload.

    `source` is used for rows that name no source; `tolerance` is the difference allowed, as a
    fraction of the official figure (default 0,05 = 5 %). Raises OfficialImportInvalid listing
    every problem and writes nothing then; otherwise adds or replaces each figure, audited.
    """
    require(by, Action.MANAGE_APPRAISAL)
    tolerance = _checked_tolerance(tolerance)
    default_source = _checked_source(source)
    display = Path(str(getattr(upload, "name", "") or _("tệp tải lên"))).name
    table = read_upload(upload, display, OfficialImportInvalid)
    columns, problems = _columns(table)
    if problems:
        raise OfficialImportInvalid(problems)
    plans, problems = _plans(table, columns, _units(campaign), default_source)
    if problems:
        raise OfficialImportInvalid(problems)
    return _write(campaign, plans, tolerance, by, display)


def _plans(
    table: Table, columns: Mapping[str, str], units: Mapping[str, _Unit], default_source: str
) -> tuple[list[_Plan], list[ImportProblem]]:
    """Every row of the file checked: the figures to write, and every problem found (row by row)."""
    plans: list[_Plan] = []
    problems: list[ImportProblem] = []
    seen: dict[tuple[int, str, str], int] = {}  # (participation, code, input) → the row that gave it
    for row in table.rows:
        plan = _read_row(_RowCheck(row, columns, problems), units, default_source)
        if plan is None:
            continue
        key = (plan.participation.pk, plan.code, plan.field)
        if key in seen:
            problems.append(_duplicate(plan, seen[key]))
            continue
        seen[key] = row.number
        plans.append(plan)
    return plans, problems


def _read_row(check: _RowCheck, units: Mapping[str, _Unit], default_source: str) -> _Plan | None:
    """One row's figure, or None when a cell is wrong (each problem noted in `check`)."""
    unit = _read_unit(check, units)
    code = check.text("code")
    item = _read_item(check, unit, code)
    input_field = _read_input(check, item, code)
    value = _read_value(check, input_field)
    row_source = _read_source(check)
    if unit is None or input_field is None or value is None:
        return None
    return _Plan(check.row.number, unit.participation, code, input_field.name, value, row_source or default_source)


def _read_unit(check: _RowCheck, units: Mapping[str, _Unit]) -> _Unit | None:
    """The unit the row names, if it takes part in the campaign."""
    name = clean_name(check.text("unit"))
    if not name:
        check.problem("unit", _("Thiếu tên đơn vị."))
        return None
    unit = units.get(name.casefold())
    if unit is None:
        check.problem("unit", _("Đơn vị “%(name)s” không tham gia kỳ đánh giá này.") % {"name": name})
    return unit


def _read_item(check: _RowCheck, unit: _Unit | None, code: str) -> Indicator | None:
    """The indicator the row names, if the unit's framework has it (None also when the unit is unknown)."""
    if not code:
        check.problem("code", _("Thiếu mã chỉ số."))
        return None
    if unit is None:
        return None
    item = unit.items.get(code)
    if item is None:
        check.problem(
            "code",
            _("Không có chỉ số “%(code)s” trong bộ chỉ số của %(unit)s.")
            % {"code": code, "unit": unit.participation.unit},
        )
    return item


def _read_input(check: _RowCheck, item: Indicator | None, code: str) -> Field | None:
    """The numeric input the row names (by its name, else by its label), if the indicator has it."""
    input_name = check.text("input")
    if not input_name:
        check.problem("input", _("Thiếu tên số liệu."))
        return None
    if item is None:
        return None
    candidates = numeric_inputs(item)
    input_field = next((f for f in candidates if f.name == input_name), None) or next(
        (f for f in candidates if f.label.casefold() == input_name.casefold()), None
    )
    if input_field is None:
        check.problem("input", _unknown_input(item, candidates, input_name, code))
    return input_field


def _unknown_input(item: Indicator, candidates: list[Field], input_name: str, code: str) -> str:
    """Why no numeric input of the indicator matches, and which ones it has."""
    if item.input(input_name) is not None:
        message = _("Số liệu “%(input)s” của chỉ số %(code)s không phải là số.")
    else:
        message = _("Chỉ số %(code)s không có số liệu “%(input)s”.")
    message %= {"input": input_name, "code": code}
    known = ", ".join(f"{f.name} ({f.label})" for f in candidates)
    hint = (
        _("Các số liệu dạng số của chỉ số này: %(known)s.") % {"known": known}
        if known
        else _("Chỉ số này không có số liệu dạng số.")
    )
    return f"{message} {hint}"


def _read_value(check: _RowCheck, input_field: Field | None) -> Decimal | None:
    """The figure, read as the input's kind (None: missing, wrong, or the input is unknown)."""
    cell = check.row.get(check.columns["value"])
    if cell is None:
        check.problem("value", _("Thiếu giá trị."))
        return None
    if input_field is None:
        return None
    try:
        return _value(input_field, cell.value)
    except ValueError as exc:
        check.problem("value", _("Giá trị “%(value)s” không hợp lệ: %(error)s.") % {"value": cell.value, "error": exc})
        return None


def _read_source(check: _RowCheck) -> str:
    """The row's own source ("" when the file has no such column or the cell is empty)."""
    if "source" not in check.columns:
        return ""
    row_source = check.text("source")
    if len(row_source) > 300:
        check.problem("source", _("Nguồn số liệu dài quá 300 ký tự."))
    return row_source


def _duplicate(plan: _Plan, earlier: int) -> ImportProblem:
    """A second row for the same unit, indicator and input."""
    return ImportProblem(
        _("dòng %(row)s") % {"row": plan.row},
        _("Số liệu %(input)s của chỉ số %(code)s cho %(unit)s trùng với dòng %(earlier)s.")
        % {"input": plan.field, "code": plan.code, "unit": plan.participation.unit, "earlier": earlier},
    )


@transaction.atomic
def _write(campaign: Campaign, plans: list[_Plan], tolerance: Decimal, by: User, display: str) -> OfficialImportResult:
    """Add or replace every figure and record the import in the audit log, all or nothing."""
    result = OfficialImportResult()
    for plan in plans:
        _figure, created = OfficialFigure.objects.update_or_create(
            participation=plan.participation,
            code=plan.code,
            field=plan.field,
            defaults={"value": plan.value, "source": plan.source, "tolerance": tolerance, "imported_by": by},
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
    record(
        actor=by,
        action="official.import",
        obj=campaign,
        campaign=campaign,
        field="official_figures",
        new={
            "file": display,
            "tolerance": str(tolerance),
            "created": result.created,
            "updated": result.updated,
            "figures": [[p.participation.unit.name, p.code, p.field, str(p.value), p.source] for p in plans],
        },
        comment=f"Nhập số liệu chính thức từ tệp {display}",
    )
    return result


def template_csv(campaign: Campaign) -> str:
    """The import template: each unit of the campaign × the numeric inputs of its framework."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    for unit in sorted(_units(campaign).values(), key=lambda each: each.participation.unit.name):
        unit_type = unit.participation.unit.unit_type.code
        for item in unit.items.values():
            if not item.applies(unit_type):
                continue
            for input_field in numeric_inputs(item):
                texts = [unit.participation.unit.name, item.code, input_field.name, input_field.label, "", ""]
                writer.writerow([spreadsheet_text(text) for text in texts])
    return "\ufeff" + out.getvalue()
