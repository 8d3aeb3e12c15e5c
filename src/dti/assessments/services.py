"""Changes to a self-assessment: one function per action, used by the web views (and later the API).

Each checks permission and state, writes the change and its audit entries in one
transaction, and raises ServiceError (or Conflict, InvalidData) with a message in the active
language (Vietnamese unless the person chose English; the engine's own messages stay Vietnamese).

Saving data (`entry_save`, `general_save`, `evidence_add_reference`) takes two optional keywords
for the imports: `comment`, written on each audit entry of the save (the import that made it),
and `imported=True` for an organiser's import of many units' data (`dti.exports.bulk`), which
asks for Action.IMPORT_ASSESSMENTS instead of the unit's own EDIT_ASSESSMENT. The state rule
stays the unit's (`edit_block_reason`): an organiser imports only into what the unit could still
edit itself (a draft or returned assessment, the campaign taking reports), never a submitted one.

`check_forms` checks one unit's forms as `general_save` and `entry_save` check them, and
`save_many` writes many units' checked forms at once (the organiser's import of thousands of
units) with their audit detail, in bulk, checking again only what may have changed since the
check (permission, state, versions, the general information against the indicators). Every save
of a unit's scoring data sends `signals.scores_changed` (the stored results listen to it).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Literal, TypedDict, Unpack

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.assessments.models import Assessment, Entry, Evidence, from_json, to_json
from dti.assessments.rules import edit_block_reason
from dti.assessments.signals import scores_changed
from dti.audit.services import record, record_many
from dti.audit.services import row as audit_row
from dti.core.errors import Conflict, ServiceError
from dti.core.files import ALLOWED, over_limit_mb, sniff
from dti.core.permissions import Action, require
from dti.core.rows import insert_rows, update_rows
from dti.engine import Field, Framework, Indicator, fmt, parse_score, parse_value, ratio_conflicts

FLAG_TRUE = ("1", "on", "true", "yes", "có")

# An entry's own fields besides its input values, in the order their changes are recorded.
EntryField = Literal["score", "self_score", "comment", "na_requested", "na_reason"]
ENTRY_FIELDS: tuple[EntryField, ...] = ("score", "self_score", "comment", "na_requested", "na_reason")


class ParsedEntry(TypedDict):
    """An indicator's form read into the engine's types (a score the item does not take is None)."""

    values: dict[str, object]  # input values by field name; empty inputs left out
    score: Decimal | None
    self_score: Decimal | None
    comment: str
    na_requested: bool
    na_reason: str


class StoredEntry(TypedDict):
    """An entry's fields as they are stored (JSON values, scores as plain decimal strings)."""

    values: dict[str, Any]  # JSON, by field name
    score: str | None
    self_score: str | None
    comment: str
    na_requested: bool
    na_reason: str


class AuditChange(TypedDict, total=False):
    """What an audit entry says about a change (the keywords of dti.audit.services.record)."""

    code: str
    field: str
    old: object
    new: object
    comment: str


class InvalidData(ServiceError):
    """Values that cannot be saved, each with its Vietnamese message, by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Có giá trị chưa hợp lệ: %(errors)s") % {"errors": "; ".join(errors.values())})
        self.errors = errors


def record_change(assessment: Assessment, *, by: User, action: str, **change: Unpack[AuditChange]) -> None:
    """An audit entry about `assessment`, filed under its campaign and unit."""
    participation = assessment.participation
    record(actor=by, action=action, obj=assessment, campaign=participation.campaign, unit=participation.unit, **change)


def _require_editable(assessment: Assessment, by: User, *, imported: bool = False) -> None:
    """The unit's people (an organiser's import with `imported`), while the unit may edit its data."""
    require(by, Action.IMPORT_ASSESSMENTS if imported else Action.EDIT_ASSESSMENT, assessment)
    reason = edit_block_reason(assessment)
    if reason:
        raise ServiceError(reason)


def _item(assessment: Assessment, code: str) -> Indicator:
    return _editable_item(assessment.framework().item(code), code)


def _editable_item(item: Indicator | None, code: str) -> Indicator:
    """The indicator a unit enters data for (ServiceError: the framework has no such, or only for reference)."""
    if item is None or item.reference_only:
        raise ServiceError(_("Chỉ số '%(code)s' không có trong bộ chỉ số của đơn vị.") % {"code": code})
    return item


def parse_inputs(fields: Iterable[Field], data: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """The values of those `fields` the form carries (None for an empty one), and the errors, by field name."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if field.name not in data:
            continue
        try:
            values[field.name] = parse_value(field, data[field.name], form=True)
        except ValueError as exc:
            errors[field.name] = f"{field.label}: {exc}"
    return values, errors


def parse_entry(
    item: Indicator,
    data: Mapping[str, str],
    general: Mapping[str, object] | None = None,
    stored: Mapping[str, object] | None = None,
) -> tuple[ParsedEntry, dict[str, str]]:
    """The entry fields from a submitted form (Vietnamese number convention), and the errors.

    A numerator is checked against its denominator wherever that comes from: the form, the
    unit's stored value for a field the form does not carry, or general info (`general`).
    """
    typed, errors = parse_inputs([f for f in item.inputs if not f.source], data)
    values = {name: value for name, value in typed.items() if value is not None}
    scores, score_errors = _parse_scores(item, data)
    errors.update(score_errors)
    errors.update(_ratio_errors(item, _known_values(item, data, general, stored, values)))
    parsed: ParsedEntry = {
        "values": values,
        "score": scores.get("score"),
        "self_score": scores.get("self_score"),
        "comment": (data.get("comment") or "").strip(),
        "na_requested": (data.get("na_requested") or "").strip().lower() in FLAG_TRUE,
        "na_reason": (data.get("na_reason") or "").strip(),
    }
    errors.update(_na_errors(item, parsed))
    return parsed, errors


def _parse_scores(item: Indicator, data: Mapping[str, str]) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """The manual score (of a manual item) and the self score (of an item that takes one), and their errors."""
    taken = {"score": item.scoring.method == "manual", "self_score": item.self_score}
    scores: dict[str, Decimal | None] = {}
    errors: dict[str, str] = {}
    for name in ("score", "self_score"):
        if not taken[name]:
            continue
        raw = (data.get(name) or "").strip()
        try:
            scores[name] = parse_score(item, raw, form=True) if raw else None
        except ValueError as exc:  # the label is translated only here: parse_entry runs per indicator in a bulk import
            label = _("Điểm") if name == "score" else _("Điểm tự chấm")
            errors[name] = f"{label}: {exc}"
    return scores, errors


def _known_values(
    item: Indicator,
    data: Mapping[str, str],
    general: Mapping[str, object] | None,
    stored: Mapping[str, object] | None,
    values: Mapping[str, object],
) -> dict[str, object]:
    """The inputs a ratio is checked with: general info, then the stored values the form does not
    carry, then the form's own values (each overriding the one before)."""
    known = {f.name: general[f.source] for f in item.inputs if f.source and general and f.source in general}
    known.update({name: value for name, value in (stored or {}).items() if name not in data})
    known.update(values)
    return known


def _ratio_errors(item: Indicator, known: Mapping[str, object]) -> dict[str, str]:
    """A message on each numerator entered above its denominator."""
    errors: dict[str, str] = {}
    for numerator, denominator in ratio_conflicts(item.scoring, known):
        errors[numerator] = _(
            "%(numerator)s (%(a)s) lớn hơn %(denominator)s (%(b)s); tỷ lệ không thể vượt 100 %%, hãy kiểm tra lại"
        ) % {
            "numerator": _input_label(item, numerator),
            "a": fmt(_as_decimal(known[numerator])),
            "denominator": _input_label(item, denominator),
            "b": fmt(_as_decimal(known[denominator])),
        }
    return errors


def _na_errors(item: Indicator, parsed: ParsedEntry) -> dict[str, str]:
    """What is wrong with a request to treat the indicator as not applicable."""
    if not parsed["na_requested"]:
        return {}
    if not item.allow_na:
        return {"na_requested": _("Chỉ số này không cho phép đề nghị không áp dụng.")}
    if not parsed["na_reason"]:
        return {"na_reason": _("Cần nêu lý do đề nghị không áp dụng.")}
    return {}


def _as_decimal(value: object) -> Decimal | None:
    """A number of a ratio as the engine compared it (ratio_conflicts compares Decimals only)."""
    return value if isinstance(value, Decimal) else None


def _input_label(item: Indicator, name: str) -> str:
    field = item.input(name)
    return field.label if field else name


def _stored_entry(entry: Entry) -> StoredEntry:
    return {
        "values": dict(entry.values),
        "score": None if entry.score is None else to_json(entry.score.normalize()),
        "self_score": None if entry.self_score is None else to_json(entry.self_score.normalize()),
        "comment": entry.comment,
        "na_requested": entry.na_requested,
        "na_reason": entry.na_reason,
    }


def _entry_after_save(entry: Entry, data: Mapping[str, str], parsed: ParsedEntry) -> StoredEntry:
    """The entry as it will be stored after this save.

    Fields the form did not carry (an override of a general-info figure made in a file) keep
    their stored value; fields it carried and left empty are cleared.
    """
    kept = {name: value for name, value in entry.values.items() if name not in data}
    return {
        "values": {**kept, **{name: to_json(value) for name, value in parsed["values"].items()}},
        "score": None if parsed["score"] is None else to_json(parsed["score"]),
        "self_score": None if parsed["self_score"] is None else to_json(parsed["self_score"]),
        "comment": parsed["comment"],
        "na_requested": parsed["na_requested"],
        "na_reason": parsed["na_reason"],
    }


def _refuse_stale(entry: Entry, version: int, code: str) -> None:
    """Raise Conflict when the entry was saved since the person loaded version `version` of it."""
    if entry.version == version:
        return
    if entry.updated_by is None:
        raise Conflict(_("Trang đang mở đã cũ hoặc không hợp lệ; hãy tải lại trang rồi nhập lại."), current=entry)
    who = entry.updated_by.display_name
    when = date_format(timezone.localtime(entry.updated_at), "H:i d/m/Y")
    raise Conflict(
        _(
            "%(who)s đã lưu chỉ số %(code)s lúc %(when)s, sau khi bạn mở trang. "
            "Dữ liệu bạn vừa nhập chưa được lưu; hãy xem phiên bản mới bên dưới rồi nhập lại nếu cần."
        )
        % {"who": who, "code": code, "when": when},
        current=entry,
    )


def entry_save(
    *,
    assessment: Assessment,
    code: str,
    data: Mapping[str, str],
    version: int,
    by: User,
    comment: str = "",
    imported: bool = False,
) -> Entry:
    """Save a unit's data for one indicator, refusing a stale version or invalid values.

    Nothing is written unless every value is valid; the caller keeps what the person typed.
    `comment` and `imported`: see the module's docstring.
    """
    _require_editable(assessment, by, imported=imported)
    item = _item(assessment, code)
    general = assessment.unit_inputs(entries=[]).general
    with transaction.atomic():  # an error below rolls back the entry row get_or_create may add
        entry, _created = Entry.objects.select_for_update().get_or_create(assessment=assessment, code=code)
        after = check_entry(item, entry, data, version, general)
        before = _stored_entry(entry)
        if before == after:
            return entry
        Entry.objects.filter(pk=entry.pk, version=version).update(
            **_entry_columns(after, by), updated_at=timezone.now(), version=F("version") + 1
        )
        for field, old, new in _entry_changes(before, after):
            record_change(
                assessment, by=by, action="entry.save", code=code, field=field, old=old, new=new, comment=comment
            )
        scores_changed.send(sender=Entry, assessment_ids=[assessment.pk])
    entry.refresh_from_db()
    return entry


def check_entry(
    item: Indicator, entry: Entry, data: Mapping[str, str], version: int, general: Mapping[str, object]
) -> StoredEntry:
    """The entry as a save of the form `data` over `entry` leaves it, checked with the unit's
    `general` information: InvalidData for a value the form refuses, Conflict when the entry was
    saved since `version`."""
    fields = {f.name: f for f in item.inputs}
    stored = {k: from_json(fields[k], v) for k, v in entry.values.items() if k in fields}
    parsed, errors = parse_entry(item, data, general, stored)
    if errors:
        raise InvalidData(errors)
    _refuse_stale(entry, version, item.code)
    return _entry_after_save(entry, data, parsed)


def _entry_columns(after: StoredEntry, by: User) -> dict[str, object]:
    """What a save writes besides the version (one more) and `updated_at` (now), by attname."""
    return {
        "values": after["values"],
        "score": None if after["score"] is None else Decimal(after["score"]),
        "self_score": None if after["self_score"] is None else Decimal(after["self_score"]),
        "comment": after["comment"],
        "na_requested": after["na_requested"],
        "na_reason": after["na_reason"],
        "updated_by_id": by.pk,
    }


def _entry_changes(before: StoredEntry, after: StoredEntry) -> list[tuple[str, object, object]]:
    """(field, old, new) of each value the save changes, in the order they are recorded."""
    changes: list[tuple[str, object, object]] = []
    for key in ENTRY_FIELDS:
        if before[key] != after[key]:
            changes.append((key, before[key], after[key]))
    for name in sorted(set(before["values"]) | set(after["values"])):
        old, new = before["values"].get(name), after["values"].get(name)
        if old != new:
            changes.append((name, old, new))
    return changes


def general_save(
    *,
    assessment: Assessment,
    data: Mapping[str, str],
    version: int,
    by: User,
    comment: str = "",
    imported: bool = False,
) -> Assessment:
    """Save the general-info form (Thông tin chung) with the same stale-version protection
    (`comment` and `imported`: see the module's docstring)."""
    _require_editable(assessment, by, imported=imported)
    framework = assessment.framework()
    parsed, errors = parse_inputs(framework.general_info, data)
    values = {name: to_json(value) for name, value in parsed.items()}
    stored = assessment.unit_inputs(entries=[]).general
    entries = ((entry.code, entry.values) for entry in assessment.entries.all())
    errors.update(_general_conflicts(framework, stored, values, entries))
    if errors:
        raise InvalidData(errors)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _refuse_stale_general(locked, version)
        before = dict(locked.general)
        after = _general_after(before, values)
        if after == before:
            return locked
        Assessment.objects.filter(pk=locked.pk).update(general=after, general_version=F("general_version") + 1)
        for name, old, new in _general_changes(before, after):
            record_change(
                assessment, by=by, action="general.save", code="general", field=name, old=old, new=new, comment=comment
            )
        scores_changed.send(sender=Assessment, assessment_ids=[assessment.pk])
    assessment.refresh_from_db()
    return assessment


def _refuse_stale_general(assessment: Assessment, version: int) -> None:
    """Raise Conflict when the general information was saved since version `version` was read."""
    if assessment.general_version != version:
        raise Conflict(
            _("Thông tin chung đã được người khác lưu sau khi bạn mở trang; dữ liệu bạn vừa nhập chưa được lưu."),
            current=assessment,
        )


def _general_after(before: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The general information (JSON) after a save of `values` (an empty one clears its field)."""
    return {name: value for name, value in {**before, **values}.items() if value is not None}


def _general_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, object, object]]:
    """(field, old, new) of each general-info figure a save changes, by name."""
    return [(n, before.get(n), after.get(n)) for n in sorted(set(before) | set(after)) if before.get(n) != after.get(n)]


def _general_conflicts(
    framework: Framework,
    stored: Mapping[str, object],
    values: Mapping[str, object],
    entries: Iterable[tuple[str, Mapping[str, Any]]],
) -> dict[str, str]:
    """General-info figures (`values`, JSON, over the `stored` typed ones) that would put a numerator
    of `entries` (code, stored input values) above its denominator."""
    general = dict(stored)
    fields = {f.name: f for f in framework.general_info}
    for name, raw in values.items():
        if name in fields:
            general[name] = from_json(fields[name], raw)
    errors: dict[str, str] = {}
    for code, stored_values in entries:
        item = framework.item(code)
        if item is None or not any(f.source in values for f in item.inputs if f.source):
            continue
        inputs = {f.name: f for f in item.inputs}
        known = {f.name: general[f.source] for f in item.inputs if f.source and f.source in general}
        known.update({k: from_json(inputs[k], v) for k, v in stored_values.items() if k in inputs})
        for numerator, denominator in ratio_conflicts(item.scoring, known):
            source = inputs[denominator].source
            if source is not None and source in values and source not in errors:
                errors[source] = _(
                    "%(field)s: %(value)s nhỏ hơn %(numerator)s (%(numerator_value)s) đã nhập ở chỉ số %(code)s; "
                    "hãy kiểm tra lại một trong hai số"
                ) % {
                    "field": fields[source].label,
                    "value": fmt(_as_decimal(known[denominator])),
                    "numerator": _input_label(item, numerator),
                    "numerator_value": fmt(_as_decimal(known[numerator])),
                    "code": item.code,
                }
    return errors


# Saving many units' forms at once (an organiser's import): the rules of entry_save and general_save.

SAVE_BATCH = 200
"""Units read, checked and written together by `save_many` (a few queries each batch)."""


@dataclass(frozen=True, slots=True)
class UnitForms:
    """One unit's forms as `check_forms` found them, for `save_many`: the general information's
    values as stored (JSON by field; None: not saved), each indicator as its save leaves it
    (`entries`, by code), and the versions they were checked at (by code, "general" for the
    general information, always there: the indicators were checked with it)."""

    assessment_id: int
    general: Mapping[str, Any] | None
    entries: Mapping[str, StoredEntry]
    versions: Mapping[str, int]


def check_forms(
    assessment: Assessment,
    entries: Mapping[str, Entry],
    general: Mapping[str, str] | None,
    forms: Mapping[str, Mapping[str, str]],
) -> tuple[UnitForms, dict[str, dict[str, str]]]:
    """One unit's forms (the web form's text: the general information, None for none, and
    indicators by code) checked as `general_save` and `entry_save` check them, against the
    assessment and its `entries` (by code) as read: what `save_many` writes, and the errors by
    code ("general" for the general information), each by field. Each indicator is checked with
    the general information as this save leaves it, and the general information against every
    indicator as this save leaves it. Permission and state are `save_many`'s to check."""
    framework = assessment.framework()
    stored = assessment.unit_inputs(entries=[]).general
    values: dict[str, Any] | None = None
    general_errors: dict[str, str] = {}
    typed = dict(stored)
    if general is not None:
        parsed, general_errors = parse_inputs(framework.general_info, general)
        values = {name: to_json(value) for name, value in parsed.items()}
        typed = {n: v for n, v in {**stored, **parsed}.items() if v is not None}
    checked: dict[str, StoredEntry] = {}
    errors: dict[str, dict[str, str]] = {}
    blank = Entry()  # what an indicator never saved reads as (never written)
    for code, data in forms.items():
        entry = entries.get(code, blank)
        try:
            checked[code] = check_entry(_editable_item(framework.item(code), code), entry, data, entry.version, typed)
        except InvalidData as exc:
            errors[code] = exc.errors
        except ServiceError as exc:
            errors[code] = {"code": exc.message}
    if values is not None:
        saved = {code: entry.values for code, entry in entries.items() if code not in errors}  # refused: said once
        saved.update((code, after["values"]) for code, after in checked.items())
        general_errors.update(_general_conflicts(framework, stored, values, saved.items()))
        if general_errors:
            errors["general"] = general_errors
    versions = {"general": assessment.general_version} | {code: entries.get(code, blank).version for code in forms}
    return UnitForms(assessment.pk, values, checked, versions), errors


class UnitRefused(ServiceError):
    """`save_many` refused one unit's forms: the unit's name (`unit`) and the refusal (`reason`),
    the same ServiceError (InvalidData, Conflict…) a one-by-one save raises."""

    def __init__(self, unit: str, reason: ServiceError) -> None:
        super().__init__(reason.message, field=reason.field)
        self.unit = unit
        self.reason = reason


def save_many(
    *,
    units: Sequence[UnitForms],
    by: User,
    comment: str = "",
    imported: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Save many units' forms checked by `check_forms` in one transaction, all or nothing; returns
    the number of values changed.

    What `general_save` and `entry_save` would write for each form (the same permission and
    editability check, audit entry per changed value with `comment`), read and written
    `SAVE_BATCH` units at a time in a fixed number of queries (plain rows, `dti.core.rows`). The
    forms are written as checked when the data they were checked on is unchanged: each form's
    entry and the general information still at the versions `check_forms` read (Conflict
    otherwise), and the general information checked again against every indicator as this save
    leaves it (one saved since may hold a numerator above a new denominator). A refusal raises
    UnitRefused and writes nothing (PermissionDenied passes as it is). `progress(done, total)` is
    called after each batch with the number of units done so far.
    """
    changed = 0
    with transaction.atomic():
        for start in range(0, len(units), SAVE_BATCH):
            batch = units[start : start + SAVE_BATCH]
            changed += _save_batch(batch, by, comment, imported)
            if progress is not None:
                progress(start + len(batch), len(units))
        if units:
            scores_changed.send(sender=Entry, assessment_ids=[unit.assessment_id for unit in units])
    return changed


class _Written:
    """What a batch writes, as plain rows (`dti.core.rows`): entries to create (columns by attname)
    and to update (ENTRY_UPDATE's values, then the primary key), assessments whose general
    information changed (general, version, primary key), and the audit entries."""

    def __init__(self) -> None:
        self.created: list[dict[str, object]] = []
        self.updated: list[tuple[object, ...]] = []
        self.general: list[tuple[object, ...]] = []
        self.audit: list[dict[str, object]] = []
        self.now = timezone.now()
        self.blank = Entry()  # what an indicator never saved reads as (never written)
        self.blank_stored = _stored_entry(self.blank)


ENTRY_UPDATE = (
    *("values", "score", "self_score", "comment", "na_requested", "na_reason", "updated_by_id"),
    *("version", "updated_at"),
)
"""The columns of an entry a bulk save updates: `_entry_columns`, then the version and the time."""


def _save_batch(batch: Sequence[UnitForms], by: User, comment: str, imported: bool) -> int:
    ids = [unit.assessment_id for unit in batch]
    assessments = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("participation__unit__unit_type", "participation__campaign", "participation__group__framework")
        .in_bulk(ids)
    )
    if len(assessments) < len(set(ids)):
        raise ServiceError(_("Có đơn vị không còn tham gia kỳ đánh giá; chưa có gì được ghi."))
    entries: dict[int, dict[str, Entry]] = {pk: {} for pk in ids}
    for entry in Entry.objects.select_for_update().filter(assessment_id__in=ids):
        entries[entry.assessment_id][entry.code] = entry
    written = _Written()
    for unit in batch:
        assessment = assessments[unit.assessment_id]
        try:
            _save_unit(unit, assessment, entries[assessment.pk], by, comment, imported, written)
        except ServiceError as exc:  # PermissionDenied passes as it is, as from a one-by-one save
            raise UnitRefused(assessment.participation.unit.name, exc) from exc
    insert_rows(Entry, written.created)
    update_rows(Entry, ENTRY_UPDATE, written.updated)
    update_rows(Assessment, ("general", "general_version"), written.general)
    return record_many(written.audit)


def _save_unit(
    unit: UnitForms,
    assessment: Assessment,
    entries: Mapping[str, Entry],
    by: User,
    comment: str,
    imported: bool,
    written: _Written,
) -> None:
    """One unit's checked forms, refused if the data they were checked on changed since, noted in `written`."""
    _require_editable(assessment, by, imported=imported)
    _refuse_stale_general(assessment, unit.versions["general"])
    framework = assessment.framework()
    participation = assessment.participation
    audit = audit_row(
        actor=by, action="", obj=assessment, campaign=participation.campaign, unit=participation.unit, comment=comment
    )
    saved = {code: entry.values for code, entry in entries.items()}  # inputs as this save leaves them
    for code, after in unit.entries.items():
        _editable_item(framework.item(code), code)
        entry = entries.get(code)
        _refuse_stale(entry or written.blank, unit.versions[code], code)
        before = _stored_entry(entry) if entry else written.blank_stored
        if before == after:
            continue
        columns = _entry_columns(after, by)
        if entry:
            kept = (columns[name] for name in ENTRY_UPDATE[:-2])
            written.updated.append((*kept, entry.version + 1, written.now, entry.pk))
        else:
            written.created.append({"assessment_id": assessment.pk, "code": code, **columns, "version": 1})
        saved[code] = after["values"]
        written.audit += [
            {**audit, "action": "entry.save", "code": code, "field": name, "old": old, "new": new}
            for name, old, new in _entry_changes(before, after)
        ]
    if unit.general is None:
        return
    stored = assessment.unit_inputs(entries=[]).general
    errors = _general_conflicts(framework, stored, unit.general, saved.items())
    if errors:
        raise InvalidData(errors)
    before_general = dict(assessment.general)
    after_general = _general_after(before_general, unit.general)
    if after_general == before_general:
        return
    written.general.append((after_general, assessment.general_version + 1, assessment.pk))
    written.audit += [
        {**audit, "action": "general.save", "code": "general", "field": name, "old": old, "new": new}
        for name, old, new in _general_changes(before_general, after_general)
    ]


def evidence_add_file(*, assessment: Assessment, code: str, upload: UploadedFile, by: User) -> Evidence:
    """The unit attaches an uploaded file to one indicator while it may edit its data."""
    _require_editable(assessment, by)
    return store_evidence_file(assessment=assessment, code=code, upload=upload, by=by)


def store_evidence_file(*, assessment: Assessment, code: str, upload: UploadedFile, by: User) -> Evidence:
    """Store an uploaded file as evidence of one indicator: size limit, type from content, a random name.

    The caller has checked that `by` may add evidence now (`evidence_add_file` for the unit's
    editing, the explanation round for the indicators asked about).
    """
    _item(assessment, code)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ServiceError(_("Tệp rỗng, không có nội dung."))
    if upload.size > limit:
        size, most = over_limit_mb(upload.size, limit)
        raise ServiceError(
            _("Tệp %(name)s dung lượng %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {"name": upload.name, "size": size, "limit": most}
        )
    stream: IO[bytes] | None = upload.file
    kind = sniff(stream) if stream is not None else None  # an upload with content always has its file
    if kind is None:
        allowed = ", ".join(k.label for k in ALLOWED)
        raise ServiceError(
            _(
                "Tệp %(name)s không phải là tài liệu được chấp nhận (%(allowed)s); "
                "hệ thống kiểm tra nội dung tệp, không dựa vào phần đuôi tên tệp."
            )
            % {"name": upload.name, "allowed": allowed}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = (upload.name or "tai-lieu").replace("/", "_").replace("\\", "_")[:255]
    upload.name = f"upload{kind.extension}"
    with transaction.atomic():
        evidence = Evidence.objects.create(
            assessment=assessment,
            code=code,
            kind=Evidence.Kind.FILE,
            file=upload,
            original_name=original,
            content_type=kind.content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=by,
        )
        record_change(
            assessment,
            by=by,
            action="evidence.add",
            code=code,
            field="evidence",
            new={"file": original, "size": upload.size, "type": kind.label},
        )
    return evidence


def evidence_add_reference(
    *,
    assessment: Assessment,
    code: str,
    number: str,
    date: datetime.date | None,
    title: str,
    by: User,
    comment: str = "",
) -> Evidence:
    """The unit records a document reference (number, date, title) for one indicator while it may edit
    (`comment`: see the module's docstring)."""
    _require_editable(assessment, by)
    return store_evidence_reference(
        assessment=assessment, code=code, number=number, date=date, title=title, by=by, comment=comment
    )


def store_evidence_reference(
    *,
    assessment: Assessment,
    code: str,
    number: str,
    date: datetime.date | None,
    title: str,
    by: User,
    comment: str = "",
) -> Evidence:
    """Record a document reference without a file; the caller has checked that `by` may add evidence now."""
    _item(assessment, code)
    number, title = number.strip(), title.strip()
    if not number and not title:
        raise ServiceError(_("Cần ít nhất số, ký hiệu văn bản hoặc trích yếu."))
    with transaction.atomic():
        evidence = Evidence.objects.create(
            assessment=assessment,
            code=code,
            kind=Evidence.Kind.REFERENCE,
            doc_number=number[:120],
            doc_date=date,
            title=title[:500],
            uploaded_by=by,
        )
        record_change(
            assessment,
            by=by,
            action="evidence.add",
            code=code,
            field="evidence",
            new={"number": number, "date": date.isoformat() if date else None, "title": title},
            comment=comment,
        )
    return evidence


def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """The unit removes an evidence item while it may edit its data."""
    _require_editable(evidence.assessment, by)
    remove_evidence(evidence=evidence, by=by)


def remove_evidence(*, evidence: Evidence, by: User) -> None:
    """Remove an evidence item (and its stored file), keeping a record of it in the audit log.

    The caller has checked that `by` may remove it now.
    """
    assessment = evidence.assessment
    with transaction.atomic():
        record_change(
            assessment,
            by=by,
            action="evidence.delete",
            code=evidence.code,
            field="evidence",
            old={"file": evidence.original_name, "number": evidence.doc_number, "title": evidence.title},
        )
        stored = evidence.file.name if evidence.file else ""
        evidence.delete()
    if stored:
        transaction.on_commit(lambda: evidence.file.storage.delete(stored), robust=True)
