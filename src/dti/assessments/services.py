"""Changes to a self-assessment: one function per action, used by the web views (and later the API).

Each checks permission and state, writes the change and its audit entries in one
transaction, and raises ServiceError (or Conflict, InvalidData) with a message in the active
language (Vietnamese unless the person chose English; the engine's own messages stay Vietnamese).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.assessments.models import Assessment, Entry, Evidence, from_json, to_json
from dti.assessments.rules import edit_block_reason
from dti.audit.services import record
from dti.core.errors import Conflict, ServiceError
from dti.core.files import ALLOWED, sniff
from dti.core.permissions import Action, require
from dti.engine.inputs import parse_score, parse_value
from dti.engine.methods import ratio_conflicts
from dti.engine.model import Indicator
from dti.engine.numbers import fmt

FLAG_TRUE = ("1", "on", "true", "yes", "có")


class InvalidData(ServiceError):
    """Values that cannot be saved, each with its Vietnamese message, by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Có giá trị chưa hợp lệ: %(errors)s") % {"errors": "; ".join(errors.values())})
        self.errors = errors


def record_change(assessment: Assessment, *, by: Any, action: str, **change: Any) -> None:
    """An audit entry about `assessment`, filed under its campaign and unit."""
    participation = assessment.participation
    record(actor=by, action=action, obj=assessment, campaign=participation.campaign, unit=participation.unit, **change)


def _require_editable(assessment: Assessment, by: Any) -> None:
    require(by, Action.EDIT_ASSESSMENT, assessment)
    reason = edit_block_reason(assessment)
    if reason:
        raise ServiceError(reason)


def _item(assessment: Assessment, code: str) -> Indicator:
    item = assessment.framework().item(code)
    if item is None or item.reference_only:
        raise ServiceError(_("Chỉ số '%(code)s' không có trong bộ chỉ số của đơn vị.") % {"code": code})
    return item


def parse_entry(
    item: Indicator,
    data: Mapping[str, str],
    general: Mapping[str, object] | None = None,
    stored: Mapping[str, object] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The entry fields from a submitted form (Vietnamese number convention), and the errors.

    A numerator is checked against its denominator wherever that comes from: the form, the
    unit's stored value for a field the form does not carry, or general info (`general`).
    """
    parsed: dict[str, Any] = {"values": {}}
    errors: dict[str, str] = {}
    for field in item.inputs:
        if field.source or field.name not in data:
            continue
        try:
            value = parse_value(field, data[field.name], form=True)
        except ValueError as exc:
            errors[field.name] = f"{field.label}: {exc}"
            continue
        if value is not None:
            parsed["values"][field.name] = value
    for name in ("score", "self_score"):
        raw = (data.get(name) or "").strip()
        if name == "score" and item.scoring.method != "manual":
            continue
        if name == "self_score" and not item.self_score:
            continue
        try:
            parsed[name] = parse_score(item, raw, form=True) if raw else None
        except ValueError as exc:
            errors[name] = f"{_('Điểm tự chấm') if name == 'self_score' else _('Điểm')}: {exc}"
    known = {f.name: general[f.source] for f in item.inputs if f.source and general and f.source in general}
    known.update({k: v for k, v in (stored or {}).items() if k not in data})
    known.update(parsed["values"])
    for numerator, denominator in ratio_conflicts(item.scoring, known):
        a, b = known[numerator], known[denominator]
        errors[numerator] = _(
            "%(numerator)s (%(a)s) lớn hơn %(denominator)s (%(b)s); tỷ lệ không thể vượt 100 %%, hãy kiểm tra lại"
        ) % {"numerator": _label(item, numerator), "a": fmt(a), "denominator": _label(item, denominator), "b": fmt(b)}
    parsed["comment"] = (data.get("comment") or "").strip()
    parsed["na_requested"] = (data.get("na_requested") or "").strip().lower() in FLAG_TRUE
    parsed["na_reason"] = (data.get("na_reason") or "").strip()
    if parsed["na_requested"]:
        if not item.allow_na:
            errors["na_requested"] = _("Chỉ số này không cho phép đề nghị không áp dụng.")
        elif not parsed["na_reason"]:
            errors["na_reason"] = _("Cần nêu lý do đề nghị không áp dụng.")
    return parsed, errors


def _label(item: Indicator, name: str) -> str:
    field = item.input(name)
    return field.label if field else name


def _stored(entry: Entry) -> dict[str, Any]:
    return {
        "values": dict(entry.values),
        "score": None if entry.score is None else to_json(entry.score.normalize()),
        "self_score": None if entry.self_score is None else to_json(entry.self_score.normalize()),
        "comment": entry.comment,
        "na_requested": entry.na_requested,
        "na_reason": entry.na_reason,
    }


def entry_save(*, assessment: Assessment, code: str, data: Mapping[str, str], version: int, by: Any) -> Entry:
    """Save a unit's data for one indicator, refusing a stale version or invalid values.

    Nothing is written unless every value is valid; the caller keeps what the person typed.
    """
    _require_editable(assessment, by)
    item = _item(assessment, code)
    general = assessment.unit_inputs(entries=[]).general
    fields = {f.name: f for f in item.inputs}
    with transaction.atomic():  # an error below rolls back the entry row get_or_create may add
        entry, _created = Entry.objects.select_for_update().get_or_create(assessment=assessment, code=code)
        stored = {k: from_json(fields[k], v) for k, v in entry.values.items() if k in fields}
        parsed, errors = parse_entry(item, data, general, stored)
        if errors:
            raise InvalidData(errors)
        if entry.version != version and entry.updated_by is None:
            raise Conflict(_("Trang đang mở đã cũ hoặc không hợp lệ; hãy tải lại trang rồi nhập lại."), current=entry)
        if entry.version != version:
            who = entry.updated_by.display_name if entry.updated_by else _("người khác")
            when = date_format(timezone.localtime(entry.updated_at), "H:i d/m/Y")
            raise Conflict(
                _(
                    "%(who)s đã lưu chỉ số %(code)s lúc %(when)s, sau khi bạn mở trang. "
                    "Dữ liệu bạn vừa nhập chưa được lưu; hãy xem phiên bản mới bên dưới rồi nhập lại nếu cần."
                )
                % {"who": who, "code": code, "when": when},
                current=entry,
            )
        before = _stored(entry)
        # Fields the form did not carry (an override of a general-info figure made in a file)
        # keep their stored value; fields it carried and left empty are cleared.
        kept = {k: v for k, v in entry.values.items() if k not in data}
        new_values = {**kept, **{k: to_json(v) for k, v in parsed["values"].items()}}
        after = {
            "values": new_values,
            "score": None if parsed.get("score") is None else to_json(parsed["score"]),
            "self_score": None if parsed.get("self_score") is None else to_json(parsed["self_score"]),
            "comment": parsed["comment"],
            "na_requested": parsed["na_requested"],
            "na_reason": parsed["na_reason"],
        }
        if before == after:
            return entry
        Entry.objects.filter(pk=entry.pk, version=version).update(
            values=new_values,
            score=parsed.get("score"),
            self_score=parsed.get("self_score"),
            comment=parsed["comment"],
            na_requested=parsed["na_requested"],
            na_reason=parsed["na_reason"],
            version=F("version") + 1,
            updated_by=by,
            updated_at=timezone.now(),
        )
        _audit_changes(assessment, by, code, before, after)
    entry.refresh_from_db()
    return entry


def _audit_changes(assessment: Assessment, by: Any, code: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    changes: list[tuple[str, Any, Any]] = []
    for key in ("score", "self_score", "comment", "na_requested", "na_reason"):
        if before[key] != after[key]:
            changes.append((key, before[key], after[key]))
    for name in sorted(set(before["values"]) | set(after["values"])):
        old, new = before["values"].get(name), after["values"].get(name)
        if old != new:
            changes.append((name, old, new))
    for field, old, new in changes:
        record_change(assessment, by=by, action="entry.save", code=code, field=field, old=old, new=new)


def general_save(*, assessment: Assessment, data: Mapping[str, str], version: int, by: Any) -> Assessment:
    """Save the general-info form (Thông tin chung) with the same stale-version protection."""
    _require_editable(assessment, by)
    fields = assessment.framework().general_info
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if field.name not in data:
            continue
        try:
            value = parse_value(field, data[field.name], form=True)
        except ValueError as exc:
            errors[field.name] = f"{field.label}: {exc}"
            continue
        values[field.name] = to_json(value) if value is not None else None
    errors.update(_general_conflicts(assessment, values))
    if errors:
        raise InvalidData(errors)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.general_version != version:
            raise Conflict(
                _("Thông tin chung đã được người khác lưu sau khi bạn mở trang; dữ liệu bạn vừa nhập chưa được lưu."),
                current=locked,
            )
        before = dict(locked.general)
        after = {**before, **{k: v for k, v in values.items()}}
        after = {k: v for k, v in after.items() if v is not None}
        if after == before:
            return locked
        Assessment.objects.filter(pk=locked.pk).update(general=after, general_version=F("general_version") + 1)
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                record_change(
                    assessment,
                    by=by,
                    action="general.save",
                    code="general",
                    field=name,
                    old=before.get(name),
                    new=after.get(name),
                )
    assessment.refresh_from_db()
    return assessment


def _general_conflicts(assessment: Assessment, values: Mapping[str, Any]) -> dict[str, str]:
    """General-info figures that would put an indicator's saved numerator above its denominator."""
    framework = assessment.framework()
    general = {**assessment.unit_inputs(entries=[]).general}
    fields = {f.name: f for f in framework.general_info}
    for name, raw in values.items():
        if name in fields:
            general[name] = from_json(fields[name], raw)
    errors: dict[str, str] = {}
    for entry in assessment.entries.all():
        item = framework.item(entry.code)
        if item is None or not any(f.source in values for f in item.inputs if f.source):
            continue
        inputs = {f.name: f for f in item.inputs}
        known = {f.name: general[f.source] for f in item.inputs if f.source and f.source in general}
        known.update({k: from_json(inputs[k], v) for k, v in entry.values.items() if k in inputs})
        for numerator, denominator in ratio_conflicts(item.scoring, known):
            source = inputs[denominator].source
            if source in values and source not in errors:
                errors[source] = _(
                    "%(field)s: %(value)s nhỏ hơn %(numerator)s (%(numerator_value)s) đã nhập ở chỉ số %(code)s; "
                    "hãy kiểm tra lại một trong hai số"
                ) % {
                    "field": fields[source].label,
                    "value": fmt(known[denominator]),
                    "numerator": _label(item, numerator),
                    "numerator_value": fmt(known[numerator]),
                    "code": item.code,
                }
    return errors


def evidence_add_file(*, assessment: Assessment, code: str, upload: UploadedFile, by: Any) -> Evidence:
    """The unit attaches an uploaded file to one indicator while it may edit its data."""
    _require_editable(assessment, by)
    return store_evidence_file(assessment=assessment, code=code, upload=upload, by=by)


def store_evidence_file(*, assessment: Assessment, code: str, upload: UploadedFile, by: Any) -> Evidence:
    """Store an uploaded file as evidence of one indicator: size limit, type from content, a random name.

    The caller has checked that `by` may add evidence now (`evidence_add_file` for the unit's
    editing, the explanation round for the indicators asked about).
    """
    _item(assessment, code)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ServiceError(_("Tệp rỗng, không có nội dung."))
    if upload.size > limit:
        size, most = fmt(Decimal(upload.size) / 1048576, 2), fmt(Decimal(limit) / 1048576, 2)
        raise ServiceError(
            _("Tệp %(name)s dung lượng %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {"name": upload.name, "size": size, "limit": most}
        )
    stream: IO[bytes] = upload.file  # type: ignore[assignment]
    kind = sniff(stream)
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
    *, assessment: Assessment, code: str, number: str, date: datetime.date | None, title: str, by: Any
) -> Evidence:
    """The unit records a document reference (number, date, title) for one indicator while it may edit."""
    _require_editable(assessment, by)
    return store_evidence_reference(assessment=assessment, code=code, number=number, date=date, title=title, by=by)


def store_evidence_reference(
    *, assessment: Assessment, code: str, number: str, date: datetime.date | None, title: str, by: Any
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
        )
    return evidence


def evidence_delete(*, evidence: Evidence, by: Any) -> None:
    """The unit removes an evidence item while it may edit its data."""
    _require_editable(evidence.assessment, by)
    remove_evidence(evidence=evidence, by=by)


def remove_evidence(*, evidence: Evidence, by: Any) -> None:
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
        transaction.on_commit(lambda: evidence.file.storage.delete(stored))
