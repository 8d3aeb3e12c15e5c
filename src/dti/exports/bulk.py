"""An organiser's workbook of many units' data, read and checked against the campaign: every
change (unit, indicator, field, old → new) and every problem with its sheet and cell.

Two layouts (docs/files.md "Nhập dữ liệu nhiều đơn vị"):

- long, the command line's inputs format: columns `unit, code, field, value` (the Vietnamese
  headers too), one row per value; `code` is an indicator or `general`;
- wide, one row per unit: a `unit` column, then one column per value headed `code:field`
  (`I.2:a`, `general:so_xa`, `II.2:score`, `I.1:self_score`, `II.1:na`).

The file is read only through the engine's bounded reader (`core.imports.read_upload`, which
applies the limits of docs/files.md); a value is read by the engine's file rules
(`parse_value`, `parse_score`), and each unit's changed forms (the form's text of the entry with
the file's values in place) are then checked as the web forms check them
(`services.check_forms`), so a value the form would refuse is a problem here, at the cell of the
form's first value in the file (the general information's, for communes below a numerator). A unit
whose assessment it could not edit itself now (submitted or later, the campaign not taking
reports) is a problem too, with the reason: the organiser imports only what the unit could still
change.

The preview of a staged file (a `Path`) keeps what applying would write beside it (`PLAN`: each
unit's forms as `check_forms` found them, as they will be stored, and the versions of the data
they were checked on). Applying (`bulk_apply`) takes that plan when it is the one previewed (its
`fingerprint`: every change and every version), without reading and checking the file a second
time, and writes it through `services.save_many` with `imported=True`, in bulk, all in one
transaction: the permission and the unit's state checked again, a form whose entry or general
information was saved since the preview (a newer version) refused as stale, the general
information checked again against every indicator as it is then. Any refusal writes nothing.
Each audit entry of a value names the import; one
`bulk.import` entry on the campaign counts what was written.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.assessments import services
from dti.assessments.models import Assessment, to_json
from dti.assessments.rules import edit_block_reason
from dti.assessments.selectors import shown_value
from dti.audit.services import record
from dti.core import collector
from dti.core.errors import Conflict, ServiceError
from dti.core.imports import ImportInvalid, ImportProblem, display_name, read_upload
from dti.core.permissions import Action, require
from dti.engine import Field, Framework, Indicator, Row, Table, fmt, parse_score, parse_value

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign

PLAN = "ke-hoach-nhap.jsonl"
"""What the preview of a staged file keeps beside it for the apply (JSON lines, `_keep`)."""
PLAN_FORMAT = 2
"""The shape of a kept plan's lines: a plan kept by another version of the platform (an upgrade
between the preview and the apply) is refused, to be previewed again."""
GENERAL = ("general", "thông tin chung", "ttc")
SCORES = ("score", "self_score")
NA = "na"
LONG = ("code", "field", "value")


class BulkImportInvalid(ImportInvalid):
    """The workbook cannot be imported as it is; nothing was written."""

    def summary(self, count: int) -> str:
        return ngettext(
            "Tệp có %(count)d lỗi; chưa nhập dữ liệu nào.", "Tệp có %(count)d lỗi; chưa nhập dữ liệu nào.", count
        ) % {"count": count}


@dataclass(frozen=True, slots=True)
class Change:
    """One value the import would change, as the person reads it."""

    unit: str
    code: str
    field: str
    label: str
    old: str
    new: str


@dataclass
class Preview:
    """What the workbook would change (`changes`, in `units` units) and what stands in the way
    (`problems`, each at its sheet and cell)."""

    file: str
    units: int = 0
    changes: list[Change] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    plans: list[services.UnitForms] = field(default_factory=list)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the plan (every change, every form's version): applying is refused unless it
        is the plan the person saw. Hashed 1,000 rows at a time (memory stays flat)."""
        digest = hashlib.sha256()
        rows = itertools.chain(
            ([c.unit, c.code, c.field, c.old, c.new] for c in self.changes),
            ([p.assessment_id, sorted(p.versions.items())] for p in self.plans),
        )
        while part := list(itertools.islice(rows, 1000)):
            digest.update(json.dumps(part, ensure_ascii=False).encode())
        return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class _Value:
    """One value of the file: whose, which, the raw cell and its place."""

    unit: str
    code: str
    field: str
    raw: object
    place: str


def _values(table: Table) -> tuple[list[_Value], list[ImportProblem]]:
    """The file's values in either layout, and the problems of its headers."""
    if all(key in table.headers for key in LONG):
        return [_long(row) for row in table.rows if row.get("code") is not None or row.get("field") is not None], []
    if "unit" not in table.headers:
        message = _("Không có cột “Đơn vị” (unit), cũng không có các cột unit, code, field, value của mẫu nhập liệu.")
        return [], [ImportProblem(_("dòng tiêu đề"), message)]
    columns: dict[str, tuple[str, str]] = {}
    problems = []
    for key in table.headers:
        if key == "unit":
            continue
        code, colon, name = key.rpartition(":")
        if not colon or not code.strip() or not name.strip():
            message = _("Tiêu đề “%(header)s” cần dạng mã:trường (ví dụ I.2:a, general:so_xa).") % {"header": key}
            problems.append(ImportProblem(table.places.get(key, _("dòng tiêu đề")), message))
            continue
        columns[key] = (code.strip(), name.strip())
    values = []
    for row in table.rows:
        unit = row.text("unit")
        for key, (code, name) in columns.items():
            cell = row.get(key)
            if cell is not None:
                values.append(_Value(unit, code, name, cell.value, cell.place))
    return values, problems


def _long(row: Row) -> _Value:
    cell = row.cells.get("value")
    place = cell.place if cell is not None else _("dòng %(row)s") % {"row": row.number}
    raw = None if cell is None or cell.blank else cell.value
    return _Value(row.text("unit"), row.text("code"), row.text("field"), raw, place)


def _form(item: Indicator, stored: Mapping[str, object], entry: object) -> dict[str, str]:
    """The web form's data of an indicator as stored (what the page would send back unchanged)."""
    data = {f.name: shown_value(f, stored.get(f.name)) for f in item.inputs if not f.source}
    for name in SCORES:
        value = getattr(entry, name, None)
        data[name] = fmt(value.normalize()) if isinstance(value, Decimal) else ""
    data["comment"] = getattr(entry, "comment", "")
    data["na_requested"] = "1" if getattr(entry, "na_requested", False) else ""
    data["na_reason"] = getattr(entry, "na_reason", "")
    return data


def _new_text(item: Indicator | None, target: Field | None, name: str, raw: object) -> str:
    """The form's text of a file value (ValueError with the engine's Vietnamese message if wrong)."""
    if target is not None:
        typed = parse_value(target, raw)
        return shown_value(target, None if typed is None else to_json(typed))
    if name == NA:
        return str(raw or "").strip()
    assert item is not None
    return "" if raw is None or str(raw).strip() == "" else fmt(parse_score(item, raw).normalize())


class _Frame:
    """What the checks look up in a framework, worked out once for all its units."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.items = {item.code: item for item in framework.walk()}
        self.general = {f.name: f for f in framework.general_info}
        self.fields = {code: {f.name: f for f in item.inputs} for code, item in self.items.items()}
        own = {
            "score": _("Điểm"),
            "self_score": _("Điểm tự chấm"),
            "na_requested": _("Đề nghị không áp dụng"),
            "na_reason": _("Lý do không áp dụng"),
            "comment": _("Ghi chú"),
        }
        self.labels = {code: {n: f.label for n, f in fields.items()} | own for code, fields in self.fields.items()}
        self.labels["general"] = {n: f.label for n, f in self.general.items()}
        self.blank: dict[str, dict[str, str]] = {}  # code → the form of an indicator never saved

    def blank_form(self, code: str) -> dict[str, str]:
        """The web form of an indicator the unit has not saved yet, the same for every unit
        (worked out once: most units of a first import have none; read, never changed)."""
        form = self.blank.get(code)
        if form is None:
            form = self.blank[code] = _form(self.items[code], {}, None)
        return form


class _Unit:
    """One unit's assessment with its form data as stored, and the file's values for it."""

    def __init__(self, assessment: Assessment, frame: _Frame) -> None:
        self.assessment = assessment
        self.frame = frame
        self.entries = {entry.code: entry for entry in assessment.entries.all()}
        self.new: dict[str, dict[str, tuple[str, str]]] = {}  # code → field → (text, place)

    def stored_form(self, code: str) -> dict[str, str]:
        """The web form's data of an indicator (or the general information) as stored."""
        if code == "general":
            return {n: shown_value(f, self.assessment.general.get(n)) for n, f in self.frame.general.items()}
        entry = self.entries.get(code)
        return _form(self.frame.items[code], entry.values, entry) if entry else self.frame.blank_form(code)


@collector.paused()
def bulk_preview(*, campaign: Campaign, path_or_file: str | Path | IO[bytes], by: User) -> Preview:
    """Read an organiser's workbook of the campaign's units' data and say what it would change;
    BulkImportInvalid lists every problem of a file that cannot be imported (nothing is written)."""
    require(by, Action.IMPORT_ASSESSMENTS)
    display = display_name(path_or_file)
    table = read_upload(path_or_file, display, BulkImportInvalid)
    values, problems = _values(table)
    units = _units(campaign)
    seen: dict[tuple[str, str, str], str] = {}
    for value in values:
        problem = _take(value, units, seen)
        if problem:
            problems.append(ImportProblem(value.place, problem))
    preview = Preview(display)
    for unit in units.values():
        if not unit.new:
            continue
        reason = edit_block_reason(unit.assessment)
        if reason:
            first = next(iter(next(iter(unit.new.values())).values()))[1]
            name = unit.assessment.participation.unit.name
            problems.append(ImportProblem(first, _("Đơn vị “%(unit)s”: %(reason)s") % {"unit": name, "reason": reason}))
        else:
            _check(unit, preview)
    problems += preview.problems
    if problems:
        raise BulkImportInvalid(problems)
    if isinstance(path_or_file, Path):
        _keep(preview, campaign, path_or_file.with_name(PLAN))
    return preview


def _keep(preview: Preview, campaign: Campaign, path: Path) -> None:
    """Write the preview's plan to `path` for `bulk_apply`, as JSON lines: what was previewed, then
    one line a unit (written unit by unit: the file, not memory, holds the whole)."""
    head = {
        "format": PLAN_FORMAT,
        "campaign": campaign.pk,
        "fingerprint": preview.fingerprint,
        "file": preview.file,
        "units": preview.units,
        "changes": len(preview.changes),
    }
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False) + "\n")
        for p in preview.plans:
            out.write(json.dumps([p.assessment_id, p.general, p.entries, p.versions], ensure_ascii=False) + "\n")


@dataclass(frozen=True, slots=True)
class Applied:
    """What `bulk_apply` wrote: from which file, how many units and values."""

    file: str
    units: int
    changes: int


def _planned(campaign: Campaign, path: Path, by: User) -> tuple[Applied, str, list[services.UnitForms]]:
    """What applying the staged file `path` writes, with the fingerprint of its preview: the plan
    the preview kept, or (none kept) the file previewed now (BulkImportInvalid for its problems)."""
    kept = path.with_name(PLAN)
    if not kept.is_file():
        preview = bulk_preview(campaign=campaign, path_or_file=path, by=by)
        return Applied(preview.file, preview.units, len(preview.changes)), preview.fingerprint, preview.plans
    try:
        with kept.open(encoding="utf-8") as lines:
            head = json.loads(next(lines))
            if not isinstance(head, dict) or head.get("format") != PLAN_FORMAT:
                raise ValueError(head)
            units = [_unit_forms(line) for line in lines]
        applied = Applied(head["file"], head["units"], head["changes"])
    # cut short (a full disk, a crash), or kept by another version
    except (StopIteration, ValueError, TypeError, KeyError) as exc:
        raise ServiceError(_("Phiên nhập không hợp lệ hoặc đã hết hạn; hãy tải tệp lên lại.")) from exc
    if head["campaign"] != campaign.pk:
        raise ServiceError(_("Tệp này được xem trước cho một kỳ đánh giá khác; hãy tải tệp lên lại."))
    return applied, head["fingerprint"], units


def _unit_forms(line: str) -> services.UnitForms:
    """One unit's line of a kept plan (ValueError, TypeError: not one `_keep` wrote)."""
    unit = services.UnitForms(*json.loads(line))
    if "general" not in unit.versions or not set(unit.entries) <= set(unit.versions):
        raise ValueError(line)
    return unit


def _units(campaign: Campaign) -> dict[str, _Unit]:
    """The campaign's units by name, their assessments read in a fixed number of queries."""
    assessments = (
        Assessment.objects.filter(participation__campaign=campaign)
        .select_related("participation__unit__unit_type", "participation__group__framework", "participation__campaign")
        .prefetch_related("entries")
    )
    frames: dict[int, _Frame] = {}
    units = {}
    for assessment in assessments:
        framework = assessment.framework()  # one parsed framework per content (`Framework.engine`)
        frame = frames.get(id(framework))
        if frame is None:
            frame = frames[id(framework)] = _Frame(framework)
        units[assessment.participation.unit.name] = _Unit(assessment, frame)
    return units


def _take(value: _Value, units: Mapping[str, _Unit], seen: dict[tuple[str, str, str], str]) -> str:
    """Note one file value on its unit; the problem with it ("" when none)."""
    if not value.unit:
        return _("Thiếu tên đơn vị.")
    unit = units.get(value.unit)
    if unit is None:
        return _("Đơn vị “%(unit)s” không tham gia kỳ đánh giá này.") % {"unit": value.unit}
    if not value.code or not value.field:
        return _("Thiếu mã chỉ số hoặc tên trường.")
    code = "general" if value.code.lower() in GENERAL else value.code
    key = (value.unit, code, value.field)
    if key in seen:
        return _("%(code)s · %(field)s của “%(unit)s” đã có ở %(place)s.") % {
            "code": code,
            "field": value.field,
            "unit": value.unit,
            "place": seen[key],
        }
    seen[key] = value.place
    frame = unit.frame
    item: Indicator | None = None
    if code == "general":
        target = frame.general.get(value.field)
        if target is None:
            return _("Thông tin chung không có trường “%(field)s”.") % {"field": value.field}
    else:
        item = frame.items.get(code)
        if item is None or item.reference_only or not item.applies(unit.assessment.participation.unit.unit_type.code):
            return _("Mã chỉ số “%(code)s” không có trong bộ chỉ số của đơn vị “%(unit)s”.") % {
                "code": code,
                "unit": value.unit,
            }
        target = frame.fields[code].get(value.field)
        if target is not None and target.source:
            target = None
        if target is None and value.field not in (*SCORES, NA):
            return _("Chỉ số %(code)s không có trường “%(field)s”.") % {"code": code, "field": value.field}
    try:
        text = _new_text(item, target, value.field, value.raw)
    except ValueError as exc:
        return str(exc)
    unit.new.setdefault(code, {})[value.field] = (text, value.place)
    return ""


def _check(unit: _Unit, preview: Preview) -> None:
    """The unit's changes, its changed forms checked as the web forms check them
    (`services.check_forms`): what applying writes, or each problem at the form's first cell."""
    name = unit.assessment.participation.unit.name
    forms: dict[str, dict[str, str]] = {}
    for code, new in unit.new.items():
        before = unit.stored_form(code)
        after = dict(before)
        for field_name, (text, _place) in new.items():
            if field_name == NA:
                after["na_requested"], after["na_reason"] = ("1", text) if text else ("", "")
            else:
                after[field_name] = text
        changed = {k: (before.get(k, ""), v) for k, v in after.items() if before.get(k, "") != v}
        if changed:
            forms[code] = after
        labels = unit.frame.labels[code]
        for field_name, (old, new_text) in changed.items():
            preview.changes.append(Change(name, code, field_name, labels.get(field_name, field_name), old, new_text))
    general = forms.pop("general", None)
    if not forms and general is None:  # the file leaves the unit as it is: nothing to write, nothing to hold up
        return
    checked, errors = services.check_forms(unit.assessment, unit.entries, general, forms)
    preview.units += 1
    preview.plans.append(checked)
    for code, messages in errors.items():
        first = next(iter(unit.new[code].values()))[1]
        preview.problems += [ImportProblem(first, message) for message in messages.values()]


@collector.paused()
def bulk_apply(
    *,
    campaign: Campaign,
    path: Path,
    fingerprint: str,
    by: User,
    progress: Callable[[int, int], None] | None = None,
) -> Applied:
    """Write the staged workbook's changes as previewed, all or nothing, and say what was written.

    Refused with nothing written: ServiceError when the preview was not this one (`fingerprint`)
    or the data changed since (a form saved meanwhile), or a save is refused (the service's
    message, naming the unit); BulkImportInvalid when there was no preview and the file has a
    problem. `progress(done, total)`: units written so far, after each batch of `services.save_many`."""
    require(by, Action.IMPORT_ASSESSMENTS)
    named = f"Nhập số liệu nhiều đơn vị từ tệp {path.name}"  # the audit log stays Vietnamese (docs/i18n.md)
    stale = _("Số liệu đã thay đổi sau khi bạn xem trước; hãy xem lại danh sách thay đổi. Chưa có gì được ghi.")
    with transaction.atomic():
        applied, previewed, units = _planned(campaign, path, by)
        if previewed != fingerprint:
            raise ServiceError(stale)
        try:
            services.save_many(units=units, by=by, comment=named, imported=True, progress=progress)
        except services.UnitRefused as exc:
            if isinstance(exc.reason, Conflict):
                raise ServiceError(stale) from exc
            raise ServiceError(
                _("Đơn vị “%(unit)s”: %(reason)s — chưa có gì được ghi.") % {"unit": exc.unit, "reason": exc.message}
            ) from exc
        record(
            actor=by,
            action="bulk.import",
            obj=campaign,
            campaign=campaign,
            field="file",
            new={"file": applied.file, "units": applied.units, "changes": applied.changes},
            comment=named,
        )
    return applied
