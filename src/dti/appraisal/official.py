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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.appraisal.models import OfficialFigure
from dti.audit.services import record
from dti.core.errors import ServiceError
from dti.core.imports import ImportInvalid, ImportProblem, cell_place, find_columns, read_upload
from dti.core.permissions import Action, require
from dti.engine.inputs import parse_value
from dti.engine.model import Field, Framework, Indicator, InputType
from dti.engine.numbers import to_decimal
from dti.engine.tables import Row, Table
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


@dataclass
class _Plan:
    row: int
    participation: Any
    code: str
    field: str
    value: Decimal
    source: str


@dataclass
class _Unit:
    participation: Any
    framework: Framework
    items: dict[str, Indicator] = field(default_factory=dict)


def _columns(table: Table) -> tuple[dict[str, str], list[ImportProblem]]:
    return find_columns(table, COLUMNS, REQUIRED, LABELS, TEMPLATE_HEADERS)


def _place(row: Row, key: str, column: str) -> str:
    return cell_place(row, key, LABELS[column])


def numeric_inputs(item: Indicator) -> list[Field]:
    """The inputs of an indicator an official figure can be given for (numbers, counts, percentages)."""
    return [f for f in item.inputs if f.type in NUMERIC]


def _units(campaign: Any) -> dict[str, _Unit]:
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


def official_import(
    *, campaign: Any, upload: IO[bytes], by: Any, source: str = "", tolerance: Decimal | None = None
) -> OfficialImportResult:
    """Import official figures for the units of `campaign` from an Excel or CSV upload.

    `source` is used for rows that name no source; `tolerance` is the difference allowed, as a
    fraction of the official figure (default 0,05 = 5 %). Raises OfficialImportInvalid listing
    every problem and writes nothing then; otherwise adds or replaces each figure, audited.
    """
    require(by, Action.MANAGE_APPRAISAL)
    tolerance = DEFAULT_TOLERANCE if tolerance is None else Decimal(tolerance)
    if tolerance < 0 or tolerance > 1:
        raise ServiceError(_("Sai lệch cho phép phải từ 0 đến 100 %."))
    default_source = (source or "").strip()
    if len(default_source) > 300:
        raise ServiceError(_("Nguồn số liệu dài quá 300 ký tự."))
    display = Path(str(getattr(upload, "name", "") or _("tệp tải lên"))).name
    table = read_upload(upload, display, OfficialImportInvalid)
    columns, problems = _columns(table)
    if problems:
        raise OfficialImportInvalid(problems)

    units = _units(campaign)
    plans: list[_Plan] = []
    seen: dict[tuple[int, str, str], int] = {}
    for row in table.rows:
        unit_place = _place(row, columns["unit"], "unit")
        code_place = _place(row, columns["code"], "code")
        input_place = _place(row, columns["input"], "input")
        value_place = _place(row, columns["value"], "value")
        name = clean_name(row.text(columns["unit"]))
        code = row.text(columns["code"])
        input_name = row.text(columns["input"])
        unit = units.get(name.casefold()) if name else None
        if not name:
            problems.append(ImportProblem(unit_place, _("Thiếu tên đơn vị.")))
        elif unit is None:
            problems.append(
                ImportProblem(unit_place, _("Đơn vị “%(name)s” không tham gia kỳ đánh giá này.") % {"name": name})
            )
        item = unit.items.get(code) if unit is not None and code else None
        if not code:
            problems.append(ImportProblem(code_place, _("Thiếu mã chỉ số.")))
        elif unit is not None and item is None:
            problems.append(
                ImportProblem(
                    code_place,
                    _("Không có chỉ số “%(code)s” trong bộ chỉ số của %(unit)s.")
                    % {"code": code, "unit": unit.participation.unit},
                )
            )
        input_field: Field | None = None
        if not input_name:
            problems.append(ImportProblem(input_place, _("Thiếu tên số liệu.")))
        elif item is not None:
            candidates = numeric_inputs(item)
            input_field = next((f for f in candidates if f.name == input_name), None) or next(
                (f for f in candidates if f.label.casefold() == input_name.casefold()), None
            )
            if input_field is None:
                known = ", ".join(f"{f.name} ({f.label})" for f in candidates)
                if item.input(input_name) is not None:
                    message = _("Số liệu “%(input)s” của chỉ số %(code)s không phải là số.")
                else:
                    message = _("Chỉ số %(code)s không có số liệu “%(input)s”.")
                message %= {"input": input_name, "code": code}
                hint = (
                    _("Các số liệu dạng số của chỉ số này: %(known)s.") % {"known": known}
                    if known
                    else _("Chỉ số này không có số liệu dạng số.")
                )
                problems.append(ImportProblem(input_place, f"{message} {hint}"))
        value: Decimal | None = None
        cell = row.get(columns["value"])
        if cell is None:
            problems.append(ImportProblem(value_place, _("Thiếu giá trị.")))
        elif input_field is not None:
            try:
                value = _value(input_field, cell.value)
            except ValueError as exc:
                message = _("Giá trị “%(value)s” không hợp lệ: %(error)s.") % {"value": cell.value, "error": exc}
                problems.append(ImportProblem(value_place, message))
        row_source = row.text(columns["source"]) if "source" in columns else ""
        if len(row_source) > 300:
            problems.append(
                ImportProblem(_place(row, columns["source"], "source"), _("Nguồn số liệu dài quá 300 ký tự."))
            )
        if unit is None or input_field is None or value is None:
            continue
        key = (unit.participation.pk, code, input_field.name)
        if key in seen:
            problems.append(
                ImportProblem(
                    _("dòng %(row)s") % {"row": row.number},
                    _("Số liệu %(input)s của chỉ số %(code)s cho %(unit)s trùng với dòng %(earlier)s.")
                    % {"input": input_field.name, "code": code, "unit": unit.participation.unit, "earlier": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        plans.append(_Plan(row.number, unit.participation, code, input_field.name, value, row_source or default_source))
    if problems:
        raise OfficialImportInvalid(problems)
    return _write(campaign, plans, tolerance, by, display)


@transaction.atomic
def _write(campaign: Any, plans: list[_Plan], tolerance: Decimal, by: Any, display: str) -> OfficialImportResult:
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


def template_csv(campaign: Any) -> str:
    """The import template: each unit of the campaign × the numeric inputs of its framework."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    for unit in sorted(_units(campaign).values(), key=lambda u: u.participation.unit.name):
        unit_type = unit.participation.unit.unit_type.code
        for item in unit.items.values():
            if not item.applies(unit_type):
                continue
            for input_field in numeric_inputs(item):
                writer.writerow([unit.participation.unit.name, item.code, input_field.name, input_field.label, "", ""])
    return "\ufeff" + out.getvalue()
