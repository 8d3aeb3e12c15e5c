"""The unit workbook's round trip: download prefilled, upload with a preview, apply all or nothing.

An upload is staged (as the other imports are) and read through the engine's bounded reader;
it is refused whole when it belongs to another unit or campaign, was made from another version
of the framework, or its structure was changed. The preview lists every change and every error
by sheet and cell, and every value changed on the web since the download (a conflict the person
settles: keep the web's value or take the file's). Applying goes through the self-assessment's
own services (`entry_save`, `general_save`, `evidence_add_reference`) in one transaction, so
the checks, versions and audit entries are those of the web form; scores are never read from
the file, the engine computes them.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.assessments import services as assessments
from dti.assessments.models import Assessment, Entry, from_json, to_json
from dti.assessments.rules import edit_block_reason
from dti.assessments.selectors import shown_value
from dti.core.errors import ServiceError
from dti.core.permissions import Action, require
from dti.engine import Framework, InputError, InputType, Row, Table, fmt, parse_score, parse_value, read_table
from dti.history.services import discard, stage, staged_path
from dti.workbooks import layout
from dti.workbooks.layout import ENTRY, EVIDENCE, GENERAL, SCORE, SELF_SCORE, Slot

KEEP_WEB, TAKE_FILE = "web", "file"


@dataclass(frozen=True)
class Change:
    """One value the import writes: where it is in the file, what it was and what it becomes."""

    slot: Slot
    old: str
    new: str
    value: object  # the file's value, typed (text for a new evidence reference)

    @property
    def place(self) -> str:
        return _place(self.slot)


@dataclass(frozen=True)
class Clash:
    """A value changed both on the web since the download and in the file: the person chooses."""

    slot: Slot
    web: str
    file: str
    recorded: str
    value: object

    @property
    def key(self) -> str:
        """The name of its choice in the confirmation form."""
        return f"chon:{self.slot.sheet}:{self.slot.row}"

    @property
    def place(self) -> str:
        return _place(self.slot)


@dataclass
class Preview:
    """What applying the staged file would do; nothing is written until the person confirms."""

    file: str
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Clash] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """A digest of the plan: the confirmation is refused when the data moved since the preview."""
        plan = [(c.slot.sheet, c.slot.row, c.old, c.new) for c in self.changes]
        plan += [(c.slot.sheet, c.slot.row, c.web, c.file) for c in self.conflicts]
        return hashlib.sha256(json.dumps(plan, ensure_ascii=False).encode()).hexdigest()[:32]


def _place(slot: Slot) -> str:
    return _("trang '%(sheet)s', ô %(cell)s") % {"sheet": slot.sheet, "cell": f"{layout.VALUE_LETTER}{slot.row}"}


# ---------------------------------------------------------------- download


def filename(assessment: Assessment) -> str:
    """The download's name: ASCII only, the assessment and framework in it."""
    return f"tu-danh-gia-{assessment.pk}-{assessment.participation.group.framework.code}.xlsx"


def download(assessment: Assessment, *, by: User) -> bytes:
    """The workbook of the assessment's framework, prefilled with the unit's current data."""
    require(by, Action.VIEW_ASSESSMENT, assessment)
    participation = assessment.participation
    stored_framework = participation.group.framework
    framework = assessment.framework()
    stored: dict[tuple[str, str], object] = {("general", k): v for k, v in assessment.general.items()}
    for entry in assessment.entries.all():
        stored.update({(entry.code, name): value for name, value in entry.values.items()})
        stored.update({(entry.code, f.name): _entry_field(entry, f.name) for f in layout.ENTRY_FIELDS})
        for name in ("score", "self_score"):
            number = getattr(entry, name)
            if number is not None:
                stored[(entry.code, name)] = to_json(number.normalize())
    listed: dict[str, list[str]] = {}
    for evidence in assessment.evidence.all():
        listed.setdefault(evidence.code, []).append(str(evidence))
    identity = {
        "format": layout.FORMAT,
        "unit_id": str(participation.unit_id),
        "unit_name": participation.unit.name,
        "campaign_id": str(participation.campaign_id),
        "assessment_id": str(assessment.pk),
        "framework_code": framework.code,
        "framework_hash": stored_framework.content_hash,
        "downloaded_at": layout.downloaded_at(timezone.now()),
    }
    buffer = io.BytesIO()
    layout.write(buffer, framework, identity, stored, {code: "; ".join(names) for code, names in listed.items()})
    return buffer.getvalue()


# ---------------------------------------------------------------- upload and preview


def require_editable(assessment: Assessment, by: User) -> None:
    """The unit's people, while the unit may change its data (the web form's rule)."""
    require(by, Action.EDIT_ASSESSMENT, assessment)
    reason = edit_block_reason(assessment)
    if reason:
        raise ServiceError(reason)


def stage_upload(assessment: Assessment, upload: IO[bytes], *, by: User) -> tuple[str, Preview]:
    """Keep the uploaded workbook and preview it: (token for the confirmation, preview).

    A file that cannot be taken at all (another unit, campaign or framework version, a changed
    structure, a broken or oversized file) is refused with the reason and not kept."""
    require_editable(assessment, by)
    token = stage(upload, by=by)
    try:
        return token, preview(assessment, token, by=by)
    except ServiceError:
        discard(token, by=by)
        raise


def preview(assessment: Assessment, token: str, *, by: User) -> Preview:
    """Every change and error of the staged file, and the values changed on both sides."""
    require_editable(assessment, by)
    path = staged_path(token, by=by)
    framework = assessment.framework()
    expected = layout.slots(framework)
    identity = _read_identity(path)
    _check_identity(assessment, identity)
    recorded = _read_recorded(path) if any(expected.values()) else {}  # a framework of whole indices only
    result = Preview(path.name)
    entries = {entry.code: entry for entry in assessment.entries.all()}
    known_evidence: dict[str, set[str]] = {}
    for evidence in assessment.evidence.all():
        known_evidence.setdefault(evidence.code, set()).update({evidence.doc_number, evidence.title})
    problems: list[str] = []
    cells: list[tuple[Slot, object]] = []
    for sheet, rows in expected.items():
        if not rows:
            continue
        table = _read(path, sheet)
        problems += _structure(sheet, table.headers, table.rows, rows)
        by_number = {row.number: row for row in table.rows}
        cells += [(slot, _cell(by_number.get(slot.row))) for slot in rows]
    if problems:
        raise ServiceError(
            _("Cấu trúc bảng tính đã bị thay đổi, không nhập được: %(problems)s. Hãy tải bảng tính mới và nhập lại.")
            % {"problems": "; ".join(problems[:20]) + ("…" if len(problems) > 20 else "")}
        )
    for slot, raw in cells:
        _compare(result, framework, slot, raw, entries, assessment.general, recorded, known_evidence)
    at = {(slot.code, slot.field): slot for slot, _raw in cells}
    result.errors += _form_errors(assessment, framework, result, entries, at)
    return result


def _read(path: Path, sheet: str) -> Table:
    try:
        return read_table(path, sheet=sheet)
    except InputError as exc:
        if exc.message.startswith("không có trang tính"):
            raise ServiceError(
                _("Cấu trúc bảng tính đã bị thay đổi: thiếu trang '%(sheet)s'. Hãy tải bảng tính mới và nhập lại.")
                % {"sheet": sheet}
            ) from exc
        raise _unreadable(exc) from exc


def _unreadable(exc: InputError) -> ServiceError:
    where = f"{exc.place}: " if exc.place else ""
    return ServiceError(_("Không đọc được tệp: %(where)s%(problem)s.") % {"where": where, "problem": exc.message})


def _read_identity(path: Path) -> dict[str, str]:
    try:
        table = read_table(path, sheet=layout.META)
    except InputError as exc:
        if exc.message.startswith("không có trang tính"):
            raise ServiceError(
                _(
                    "Tệp này không phải bảng tính tự đánh giá tải từ hệ thống (không có trang ẩn “%(meta)s”). "
                    "Hãy tải bảng tính từ trang tự đánh giá của đơn vị."
                )
                % {"meta": layout.META}
            ) from exc
        raise _unreadable(exc) from exc
    return {row.text("key"): row.text("value") for row in table.rows}


def _check_identity(assessment: Assessment, identity: Mapping[str, str]) -> None:
    """Refuse a file of another format, unit, campaign or framework version, saying which."""
    participation = assessment.participation
    if identity.get("format") != layout.FORMAT:
        raise ServiceError(
            _("Tệp không đúng mẫu bảng tính tự đánh giá của hệ thống (mẫu “%(format)s”); hãy tải bảng tính mới.")
            % {"format": layout.FORMAT}
        )
    if identity.get("unit_id") != str(participation.unit_id):
        raise ServiceError(
            _("Bảng tính này của đơn vị “%(other)s”, không phải của “%(unit)s”; không nhập được.")
            % {"other": identity.get("unit_name") or "?", "unit": participation.unit.name}
        )
    if identity.get("campaign_id") != str(participation.campaign_id) or identity.get("assessment_id") != str(
        assessment.pk
    ):
        raise ServiceError(
            _("Bảng tính này thuộc một kỳ đánh giá khác, không phải “%(campaign)s”; không nhập được.")
            % {"campaign": participation.campaign.name}
        )
    stored = participation.group.framework
    if identity.get("framework_code") != stored.code or identity.get("framework_hash") != stored.content_hash:
        raise ServiceError(
            _(
                "Bảng tính lập theo một phiên bản khác của bộ chỉ số (%(file)s), không phải phiên bản đang dùng "
                "(%(code)s); hãy tải bảng tính mới."
            )
            % {"file": identity.get("framework_code") or "?", "code": stored.code}
        )


def _read_recorded(path: Path) -> dict[tuple[str, int], object]:
    """The values the platform held at download, by (sheet, row); a value that does not read is None."""
    try:
        table = read_table(path, sheet=layout.RECORDED)
    except InputError as exc:
        raise ServiceError(
            _("Cấu trúc bảng tính đã bị thay đổi: trang ẩn “%(sheet)s” không đọc được (%(problem)s).")
            % {"sheet": layout.RECORDED, "problem": exc.message}
        ) from exc
    recorded: dict[tuple[str, int], object] = {}
    for row in table.rows:
        try:
            value = json.loads(row.text("recorded") or "null", parse_constant=_no_constant)
            place = (row.text("sheet"), int(row.text("row")))
        except (ValueError, RecursionError):
            continue  # an edited record: no conflict can be told for that cell
        if value is None or isinstance(value, str | int | float | bool):
            recorded[place] = value
    return recorded


def _no_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity: never a value the platform stores


def _at_download(slot: Slot, recorded: Mapping[tuple[str, int], object], current: object) -> object:
    """The value held at download; the current one when the file's record of it is missing or
    does not fit the field (edited): the file's value is then a plain change, not a conflict."""
    place = (slot.sheet, slot.row)
    if place not in recorded:
        return current
    try:
        return _typed(slot, recorded[place])
    except (ArithmeticError, ValueError):
        return current


def _structure(sheet: str, headers: list[str], rows: list[Row], slots: list[Slot]) -> list[str]:
    """What moved in one data sheet: its columns, or a row's code and field."""
    if headers != layout.HEADER_KEYS:
        return [_("trang '%(sheet)s': các cột đã bị thêm, xóa hoặc đổi tên") % {"sheet": sheet}]
    problems = []
    by_number = {row.number: row for row in rows}
    for slot in slots:
        row = by_number.get(slot.row)
        found = (row.text(layout.CODE_KEY), row.text(layout.FIELD_KEY)) if row else ("", "")
        if found != (slot.code, slot.field):
            problems.append(
                _("trang '%(sheet)s', dòng %(row)s: cần “%(code)s / %(field)s”, tệp có “%(found)s”")
                % {"sheet": sheet, "row": slot.row, "code": slot.code, "field": slot.field, "found": " / ".join(found)}
            )
    extra = sorted(set(by_number) - {slot.row for slot in slots})
    problems += [_("trang '%(sheet)s', dòng %(row)s: dòng thêm vào") % {"sheet": sheet, "row": n} for n in extra]
    return problems


def _cell(row: Row | None) -> object:
    cell = row.get(layout.VALUE_KEY) if row else None
    return None if cell is None else cell.value


def _entry_field(entry: Entry | None, name: str) -> object:
    """An indicator's N/A request, its reason or its comment as stored (None for none)."""
    return (getattr(entry, name) or None) if entry else None


def _typed(slot: Slot, stored: object) -> object:
    """A stored JSON value in the engine's type (None for nothing)."""
    if stored is None or stored == "":
        return None
    if slot.kind in (SCORE, SELF_SCORE):
        return Decimal(str(stored))
    return from_json(slot.spec, stored) if slot.spec is not None else stored


def _same(a: object, b: object) -> bool:
    return (None if a == "" else a) == (None if b == "" else b)


def _shown(slot: Slot, value: object) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return _("(trống)")
    if isinstance(value, Decimal):
        if slot.spec is not None and slot.spec.type is InputType.PERCENT:
            return f"{fmt(value * 100)} %"
        return fmt(value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if slot.spec is not None and slot.spec.type is InputType.CHOICE:
        return slot.spec.options.get(str(value), str(value))
    return str(value)


def _compare(
    result: Preview,
    framework: Framework,
    slot: Slot,
    raw: object,
    entries: Mapping[str, Entry],
    general: Mapping[str, object],
    recorded: Mapping[tuple[str, int], object],
    known_evidence: Mapping[str, set[str]],
) -> None:
    """Add the slot's change, conflict or error to `result` (nothing when the value is unchanged)."""
    place = _place(slot)
    if slot.kind == EVIDENCE:
        text = "" if raw is None else str(raw).strip()
        if len(text) > 500:
            result.errors.append(_("%(place)s: trích yếu tài liệu dài quá 500 ký tự") % {"place": place})
        elif text and text not in known_evidence.get(slot.code, set()):
            result.changes.append(Change(slot, _("(thêm tài liệu)"), text, text))
        return
    new: object
    try:
        if slot.kind in (SCORE, SELF_SCORE):
            item = framework.item(slot.code)
            assert item is not None  # a slot of an indicator
            new = None if raw is None or (isinstance(raw, str) and not raw.strip()) else parse_score(item, raw)
        else:
            assert slot.spec is not None  # an input or general-info row declares its field
            new = parse_value(slot.spec, raw)
    except ValueError as exc:
        result.errors.append(f"{place} ({slot.code} — {slot.label}): {exc}")
        return
    entry = entries.get(slot.code)
    if slot.kind == GENERAL:
        stored = general.get(slot.field)
    elif slot.kind in (SCORE, SELF_SCORE):
        number = getattr(entry, slot.kind) if entry else None
        stored = None if number is None else to_json(number)
    elif slot.kind == ENTRY:
        stored = _entry_field(entry, slot.field)
        new = new or None  # "Không" and an empty reason are the form's unticked box and empty text
    else:
        stored = entry.values.get(slot.field) if entry else None
    current = _typed(slot, stored)
    before = _at_download(slot, recorded, current)
    if _same(new, current):
        return
    if _same(current, before):
        result.changes.append(Change(slot, _shown(slot, current), _shown(slot, new), new))
    elif not _same(new, before):
        result.conflicts.append(
            Clash(slot, _shown(slot, current), _shown(slot, new), _shown(slot, before), new)
        )  # changed on the web since the download, and in the file: the person chooses
    # else: changed on the web only; the file keeps what was downloaded, the web's value stays


def _form_errors(
    assessment: Assessment,
    framework: Framework,
    result: Preview,
    entries: Mapping[str, Entry],
    at: Mapping[tuple[str, str], Slot],
) -> list[str]:
    """The web form's own checks (a numerator above its denominator…) on each indicator the file
    changes, with every conflict taken from the file and the file's general info, each at the
    cell of the field it names (`at`: the slot of each code and field)."""
    changes: list[Change | Clash] = [*result.changes, *result.conflicts]
    general = {**assessment.unit_inputs(entries=[]).general}
    general.update({c.slot.field: c.value for c in changes if c.slot.kind == GENERAL and c.value is not None})
    errors = []
    for code, data in _entry_forms(framework, entries, changes).items():
        for name, problem in _entry_errors(framework, code, data, general, entries.get(code)).items():
            slot = at.get((code, name))
            where = f"{_place(slot)} ({code} — {slot.label})" if slot else code
            errors.append(f"{where}: {problem}")
    return errors


def _entry_errors(
    framework: Framework, code: str, data: Mapping[str, str], general: Mapping[str, object], entry: Entry | None
) -> dict[str, str]:
    """What the web form would say about this indicator's form, with this general info (`parse_entry`),
    by field name."""
    item = framework.item(code)
    assert item is not None
    fields = {f.name: f for f in item.inputs}
    stored = {k: from_json(fields[k], v) for k, v in (entry.values if entry else {}).items() if k in fields}
    _parsed, found = assessments.parse_entry(item, data, general, stored)
    return found


def _entry_forms(
    framework: Framework, entries: Mapping[str, Entry], changes: list[Change | Clash]
) -> dict[str, dict[str, str]]:
    """The form each changed indicator would be saved with: its stored values, the file's over them."""
    forms: dict[str, dict[str, str]] = {}
    for change in changes:
        slot = change.slot
        if slot.kind in (GENERAL, EVIDENCE):
            continue
        if slot.code not in forms:
            forms[slot.code] = _stored_form(framework, slot.code, entries.get(slot.code))
        forms[slot.code][slot.field] = _form_text(slot, change.value)
    return forms


def _stored_form(framework: Framework, code: str, entry: Entry | None) -> dict[str, str]:
    """An indicator's form filled with what is stored (what the page shows for it)."""
    item = framework.item(code)
    assert item is not None
    values = entry.values if entry else {}
    form = {f.name: shown_value(f, values.get(f.name)) for f in item.inputs if not f.source}
    for name in ("score", "self_score"):
        number = getattr(entry, name) if entry else None
        form[name] = fmt(number.normalize()) if number is not None else ""
    form["comment"] = entry.comment if entry else ""
    form["na_requested"] = "1" if entry and entry.na_requested else ""
    form["na_reason"] = entry.na_reason if entry else ""
    return form


def _form_text(slot: Slot, value: object) -> str:
    """A typed value as the web form takes it (Vietnamese numbers)."""
    if value is None:
        return ""
    if slot.kind in (SCORE, SELF_SCORE):
        assert isinstance(value, Decimal)
        return fmt(value.normalize())
    assert slot.spec is not None
    return shown_value(slot.spec, to_json(value))


# ---------------------------------------------------------------- apply


def apply(assessment: Assessment, token: str, *, by: User, fingerprint: str, choices: Mapping[str, str]) -> Preview:
    """Write the previewed changes, and the conflicts as chosen, all or nothing; returns what was applied.

    Refused (nothing written) when the file has errors, a conflict has no choice, or the data
    changed since the preview (a new preview is needed)."""
    result = preview(assessment, token, by=by)
    if result.errors:
        raise ServiceError(_("Bảng tính còn lỗi; hãy sửa trong tệp rồi tải lên lại. Chưa có gì được ghi."))
    if result.fingerprint != fingerprint:
        raise ServiceError(
            _(
                "Số liệu trên web đã thay đổi sau khi bạn xem trước; hãy xem lại danh sách bên dưới. "
                "Chưa có gì được ghi."
            )
        )
    undecided = [c for c in result.conflicts if choices.get(c.key) not in (KEEP_WEB, TAKE_FILE)]
    if undecided:
        raise ServiceError(
            _(
                "Hãy chọn giữ bản trên web hoặc lấy theo tệp cho mọi mục xung đột (còn %(count)s mục). "
                "Chưa có gì được ghi."
            )
            % {"count": len(undecided)}
        )
    taken = [c for c in result.conflicts if choices.get(c.key) == TAKE_FILE]
    applied: list[Change | Clash] = [*result.changes, *taken]
    if not applied:
        discard(token, by=by)
        return Preview(result.file)  # the same data: nothing to write or record
    named = f"Nhập từ bảng tính {result.file}"  # the audit log stays Vietnamese (docs/i18n.md)
    with transaction.atomic():
        _save(assessment, applied, by, named)
        assessments.record_change(
            assessment,
            by=by,
            action="workbook.import",
            field="workbook",
            new={"file": result.file, "changes": len(applied), "conflicts_taken": len(taken)},
            comment=named,
        )
    discard(token, by=by)
    return Preview(result.file, result.changes, taken, [])


def _save(assessment: Assessment, applied: list[Change | Clash], by: User, named: str) -> None:
    """Each change through the self-assessment's services, their audit entries naming the import
    (`named`); any refusal rolls the whole import back.

    The indicators whose form holds with the general info stored now are saved before it (a file
    lowering a denominator and its numerator), the others after it (a file raising both)."""
    framework = assessment.framework()
    entries = {entry.code: entry for entry in Entry.objects.filter(assessment=assessment)}
    forms = _entry_forms(framework, entries, applied)
    stored_general = assessment.unit_inputs(entries=[]).general
    before = {c: d for c, d in forms.items() if not _entry_errors(framework, c, d, stored_general, entries.get(c))}

    def save_entries(codes: list[str]) -> None:
        for code in codes:
            entry = Entry.objects.filter(assessment=assessment, code=code).first()
            assessments.entry_save(
                assessment=assessment,
                code=code,
                data=forms[code],
                version=entry.version if entry else 0,
                by=by,
                comment=named,
            )

    save_entries(list(before))
    general = [c for c in applied if c.slot.kind == GENERAL]
    if general:
        data = {f.name: shown_value(f, assessment.general.get(f.name)) for f in framework.general_info}
        data.update({c.slot.field: _form_text(c.slot, c.value) for c in general})
        assessments.general_save(
            assessment=assessment, data=data, version=assessment.general_version, by=by, comment=named
        )
    save_entries([code for code in forms if code not in before])
    for change in applied:
        if change.slot.kind == EVIDENCE:
            assessments.evidence_add_reference(
                assessment=assessment,
                code=change.slot.code,
                number="",
                date=None,
                title=str(change.value),
                by=by,
                comment=named,
            )
