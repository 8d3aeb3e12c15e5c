"""Changes to the list of units: importing a unit list from an Excel/CSV file.

The file is checked as a whole first; every problem is reported with its row and column,
and nothing is written unless the whole file is valid (one transaction). A unit whose name
is already in the list is updated, never duplicated.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.audit.services import record
from dti.core.errors import ServiceError
from dti.core.imports import (
    ImportInvalid,
    ImportProblem,
    cell_place,
    display_name,
    find_columns,
    read_upload,
)
from dti.core.permissions import Action, require
from dti.engine import Row, Table
from dti.units.models import Unit, UnitType

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from dti.accounts.models import User

# The unit types the platform knows (codes as in the framework format's `level` and
# `unit_types`). They are created only by `dti manage create_unit_types` (docs/units.md) or
# by the demo loader; an import never invents a type.
STANDARD_UNIT_TYPES: dict[str, str] = {
    "bo": "Bộ, cơ quan ngang bộ",
    "tinh": "Tỉnh",
    "thanh_pho_tw": "Thành phố trực thuộc Trung ương",
    "so": "Sở, ban, ngành",
    "huyen": "Huyện",
    "thi_xa": "Thị xã",
    "thanh_pho": "Thành phố",
    "xa": "Xã",
    "phuong": "Phường",
    "thi_tran": "Thị trấn",
}

# Column headers accepted for each column, compared in lower case after the engine's own
# aliases ("Tên đơn vị" and "Đơn vị" become "unit", "Loại đơn vị" becomes "type"). The headers
# are part of the file format: they stay Vietnamese in messages shown in English too.
COLUMNS = {
    "name": ("unit", "tên cơ quan, đơn vị", "tên cơ quan", "name"),
    "type": ("type", "loại", "mã loại đơn vị"),
    "parent": ("đơn vị cấp trên", "cấp trên", "đơn vị chủ quản", "parent"),
}
LABELS = {"name": "Tên đơn vị", "type": "Loại đơn vị", "parent": "Đơn vị cấp trên"}
TEMPLATE_HEADERS = [LABELS["name"], LABELS["type"], LABELS["parent"]]


class UnitImportInvalid(ImportInvalid):
    """The unit file cannot be imported; `problems` lists every problem found, nothing was written."""

    def summary(self, count: int) -> str:
        """The headline shown above the problems."""
        return ngettext(
            "Tệp có %(count)s lỗi; chưa có đơn vị nào được ghi. Hãy sửa tệp rồi nhập lại.",
            "Tệp có %(count)s lỗi; chưa có đơn vị nào được ghi. Hãy sửa tệp rồi nhập lại.",
            count,
        ) % {"count": count}


@dataclass
class ImportResult:
    """What an import did, by unit name."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Units in the file."""
        return len(self.created) + len(self.updated) + len(self.unchanged)


@dataclass
class _Plan:
    row: int
    name: str
    unit_type: UnitType | None  # None: keep the existing unit's type
    parent: str | None
    keep_parent: bool
    existing: Unit | None


def clean_name(text: str) -> str:
    """A unit name as stored: NFC, trimmed, inner runs of spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(name: str) -> str:
    return clean_name(name).casefold()


def _known_types(types: list[UnitType]) -> str:
    return ", ".join(f"{t.code} ({t.name})" for t in sorted(types, key=lambda t: t.code))


def _columns(table: Table) -> tuple[dict[str, str], list[ImportProblem]]:
    """The header key of each known column, and the problems of missing ones."""
    return find_columns(table, COLUMNS, ("name", "type"), LABELS, TEMPLATE_HEADERS, _header_label)


def _header_label(key: str) -> str:
    return {"unit": "Tên đơn vị", "type": "Loại đơn vị"}.get(key, key)


def _place(row: Row, key: str | None, column: str) -> str:
    return cell_place(row, key, LABELS[column])


@dataclass
class _Known:
    """What the rows are checked against: the unit types and units already stored, and the rows read so far."""

    types: list[UnitType]
    units: dict[str, Unit]  # exact name -> unit
    first_row: dict[str, int]  # exact name -> first row it is on
    seen: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (row, name) of rows already read

    def __post_init__(self) -> None:
        self.by_code = {t.code.lower(): t for t in self.types}
        self.by_type_name = {_key(t.name): t for t in self.types}
        self.units_by_key = {_key(name): u for name, u in self.units.items()}


def units_import(*, path_or_file: str | Path | IO[bytes], by: User) -> ImportResult:
    """Import a unit list (Tên đơn vị, Loại đơn vị, Đơn vị cấp trên) from an Excel or CSV file.

    Types are matched by code or name and never created; a parent must already exist or be
    on an earlier row. Raises UnitImportInvalid listing every problem; writes nothing then.
    """
    require(by, Action.MANAGE_UNITS)
    display = display_name(path_or_file)
    table = read_upload(path_or_file, display, UnitImportInvalid)
    columns, problems = _columns(table)
    if problems:
        raise UnitImportInvalid(problems)

    first_row: dict[str, int] = {}
    for row in table.rows:
        first_row.setdefault(clean_name(row.text(columns["name"])), row.number)
    known = _Known(
        types=list(UnitType.objects.all()),
        units={u.name: u for u in Unit.objects.select_related("unit_type", "parent")},
        first_row=first_row,
    )
    plans: list[_Plan] = []
    for row in table.rows:
        plan = _plan_row(row, columns, known, problems)
        if plan is not None:
            plans.append(plan)

    problems += _cycles(plans, known.units)
    if problems:
        raise UnitImportInvalid(problems)
    try:
        return _write(plans, known.units, by, display)
    except IntegrityError as exc:
        raise ServiceError(_("Danh sách đơn vị vừa được người khác thay đổi; hãy nhập lại tệp.")) from exc


def _plan_row(row: Row, columns: dict[str, str], known: _Known, problems: list[ImportProblem]) -> _Plan | None:
    """What one row asks for, or None when its name cannot be used (its problems appended)."""
    name_key, parent_key = columns["name"], columns.get("parent")
    name_place = _place(row, name_key, "name")
    name = clean_name(row.text(name_key))
    message = _name_problem(name, row.number, known)
    if message:
        problems.append(ImportProblem(name_place, message))
        return None
    known.seen[_key(name)] = (row.number, name)
    message = _case_problem(name, known)
    if message:
        problems.append(ImportProblem(name_place, message))
        return None
    existing = known.units.get(name)
    unit_type = _row_type(row, columns["type"], name, existing, known, problems)
    parent_name: str | None = None
    if parent_key is not None:
        raw_parent = clean_name(row.text(parent_key))
        if raw_parent:
            message = _parent_problem(
                raw_parent, name, row.number, known.seen, known.units, known.units_by_key, known.first_row
            )
            if message:
                problems.append(ImportProblem(_place(row, parent_key, "parent"), message))
            else:
                parent_name = raw_parent
    return _Plan(row.number, name, unit_type, parent_name, parent_key is None, existing)


def _name_problem(name: str, row_number: int, known: _Known) -> str:
    """Why a row's unit name cannot be used ("" when it can): missing, too long, or on an earlier row."""
    if not name:
        return _("Thiếu tên đơn vị.")
    if len(name) > 255:
        return _("Tên đơn vị dài %(length)s ký tự, tối đa 255.") % {"length": len(name)}
    key = _key(name)
    if key in known.seen:
        earlier, earlier_name = known.seen[key]
        if earlier_name == name:
            message = _("Đơn vị “%(name)s” trùng ở dòng %(row)s.")
        else:
            message = _("Đơn vị “%(name)s” trùng (chỉ khác chữ hoa/thường) với “%(earlier)s” ở dòng %(row)s.")
        return message % {"name": name, "earlier": earlier_name, "row": earlier}
    return ""


def _case_problem(name: str, known: _Known) -> str:
    """A new name that differs from a stored unit's only in case is refused ("" otherwise)."""
    key = _key(name)
    if name not in known.units and key in known.units_by_key:
        return _(
            "“%(name)s” chỉ khác đơn vị đã có “%(existing)s” ở chữ hoa/thường; "
            "hãy viết đúng như tên đã có để cập nhật đơn vị đó."
        ) % {"name": name, "existing": known.units_by_key[key].name}
    return ""


def _row_type(
    row: Row, type_key: str, name: str, existing: Unit | None, known: _Known, problems: list[ImportProblem]
) -> UnitType | None:
    """The row's unit type by code or name (None: keep the existing unit's, or a problem appended)."""
    raw_type = clean_name(row.text(type_key))
    type_place = _place(row, type_key, "type")
    if not raw_type:
        if existing is None:
            problems.append(
                ImportProblem(type_place, _("Thiếu loại đơn vị cho đơn vị mới “%(name)s”.") % {"name": name})
            )
        return None
    unit_type = known.by_code.get(raw_type.lower()) or known.by_type_name.get(_key(raw_type))
    if unit_type is None:
        if known.types:
            listed = _("Các loại đơn vị đã có (mã hoặc tên): %(types)s.") % {"types": _known_types(known.types)}
        else:
            listed = _(
                "Hệ thống chưa có loại đơn vị nào; quản trị viên tạo danh mục loại đơn vị bằng lệnh "
                "“dti manage create_unit_types”."
            )
        missing = _("Không có loại đơn vị “%(type)s”.") % {"type": raw_type}
        problems.append(ImportProblem(type_place, f"{missing} {listed}"))
    return unit_type


def _parent_problem(
    parent: str,
    name: str,
    row: int,
    seen: dict[str, tuple[int, str]],
    units: dict[str, Unit],
    units_by_key: dict[str, Unit],
    first_row: dict[str, int],
) -> str:
    """Why `parent` cannot be the parent of `name` on `row` ("" when it can)."""
    key = _key(parent)
    if key == _key(name):
        return _("Một đơn vị không thể là cấp trên của chính nó.")
    earlier = seen.get(key)
    if earlier is not None and earlier[0] < row and earlier[1] == parent:
        return ""
    if parent in units:
        return ""
    if earlier is not None and earlier[0] < row:
        return _("Không có đơn vị cấp trên “%(parent)s”; ở dòng %(row)s có “%(name)s” (khác chữ hoa/thường).") % {
            "parent": parent,
            "row": earlier[0],
            "name": earlier[1],
        }
    if key in units_by_key:
        return _("Không có đơn vị cấp trên “%(parent)s”; đơn vị đã có tên “%(name)s” (khác chữ hoa/thường).") % {
            "parent": parent,
            "name": units_by_key[key].name,
        }
    later = first_row.get(parent)
    if later is not None and later > row:
        return _(
            "Đơn vị cấp trên “%(parent)s” ở dòng %(row)s, sau dòng này: hãy đặt dòng của đơn vị cấp trên lên trước."
        ) % {"parent": parent, "row": later}
    return _(
        "Không có đơn vị cấp trên “%(parent)s” (không có trong danh sách đơn vị và không có ở các dòng phía trên)."
    ) % {"parent": parent}


def _cycles(plans: list[_Plan], units: dict[str, Unit]) -> list[ImportProblem]:
    """A unit that would end up above itself (through units already stored)."""
    parent_of: dict[str, str | None] = {name: (u.parent.name if u.parent else None) for name, u in units.items()}
    for plan in plans:
        if not plan.keep_parent:
            parent_of[plan.name] = plan.parent
    problems = []
    for plan in plans:
        chain, node = [plan.name], parent_of.get(plan.name)
        while node is not None and node not in chain and len(chain) < 50:
            chain.append(node)
            node = parent_of.get(node)
        if node == plan.name:
            loop = " → ".join([*chain, plan.name])
            problems.append(
                ImportProblem(
                    _("dòng %(row)s") % {"row": plan.row}, _("Cấp trên tạo thành vòng lặp: %(loop)s.") % {"loop": loop}
                )
            )
    return problems


def _snapshot(unit: Unit) -> dict[str, str | None]:
    return {
        "name": unit.name,
        "type": unit.unit_type.code,
        "parent": unit.parent.name if unit.parent else None,
    }


@transaction.atomic
def _write(plans: list[_Plan], units: dict[str, Unit], by: User, display: str) -> ImportResult:
    result = ImportResult()
    comment = f"Nhập từ tệp {display}"
    for plan in plans:
        parent = units[plan.parent] if plan.parent is not None else None
        unit = plan.existing
        if unit is None:
            assert plan.unit_type is not None
            unit = Unit.objects.create(name=plan.name, unit_type=plan.unit_type, parent=parent)
            units[unit.name] = unit
            record(actor=by, action="unit.create", obj=unit, unit=unit, new=_snapshot(unit), comment=comment)
            result.created.append(unit.name)
            continue
        before = _snapshot(unit)
        if plan.unit_type is not None:
            unit.unit_type = plan.unit_type
        if not plan.keep_parent:
            unit.parent = parent
        after = _snapshot(unit)
        if after == before:
            result.unchanged.append(unit.name)
            continue
        unit.save(update_fields=["unit_type", "parent"])
        record(actor=by, action="unit.update", obj=unit, unit=unit, old=before, new=after, comment=comment)
        result.updated.append(unit.name)
    return result


def unit_types_create(*, out: SupportsWrite[str] | None = None) -> list[UnitType]:
    """Create the missing standard unit types (STANDARD_UNIT_TYPES); existing ones are left as they are.

    Run by `dti manage create_unit_types` and the demo loader, never by an import.
    """
    created = []
    with transaction.atomic():
        existing = set(UnitType.objects.values_list("code", flat=True))
        for code, name in STANDARD_UNIT_TYPES.items():
            if code in existing:
                continue
            unit_type = UnitType.objects.create(code=code, name=name)
            record(actor=None, action="unit_type.create", obj=unit_type, new={"code": code, "name": name})
            created.append(unit_type)
            if out is not None:
                out.write(f"Đã tạo loại đơn vị {code} ({name}).\n")
    return created
