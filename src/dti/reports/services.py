"""Writes of the reports app: the appendix's heading, a unit's notes and its targets.

Each function checks permission (`dti.reports.access`) and the data, writes the change and its
audit entry in one transaction, and refuses with a Vietnamese `ServiceError` that says what is
wrong, saving nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dti.audit.services import record
from dti.core.errors import ServiceError
from dti.engine import DtiError, parse_rank_range
from dti.reports.access import may_set_documents, may_write_unit
from dti.reports.models import NOTE_LENGTH, DocumentSettings, ReportNotes, Target

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign, Participation

SETTINGS_FIELDS = ("issuer", "parent", "place", "number_suffix", "appendix_number", "title")
NOTE_FIELDS = ("causes", "agencies", "measures")
NOTE_LABELS = {
    "causes": gettext_lazy("Nguyên nhân"),
    "agencies": gettext_lazy("Cơ quan chịu trách nhiệm"),
    "measures": gettext_lazy("Giải pháp"),
}


def _text(value: str) -> str:
    """Text as stored: NFC, trimmed, Windows line ends made plain."""
    return unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").strip()


def save_settings(*, campaign: Campaign, by: User, values: Mapping[str, str]) -> DocumentSettings:
    """Set the appendix's heading of `campaign` (issuer required; every field within its length)."""
    if not may_set_documents(by):
        raise PermissionDenied(_("Chỉ cơ quan tổ chức đánh giá mới được thiết lập văn bản của kỳ đánh giá."))
    new = {name: _text(values.get(name, "")) for name in SETTINGS_FIELDS}
    new["number_suffix"] = new["number_suffix"] or DocumentSettings._meta.get_field("number_suffix").get_default()
    errors = []
    if not new["issuer"]:
        errors.append(_("Cần nhập cơ quan ban hành."))
    if not new["title"]:
        errors.append(_("Cần nhập tên phụ lục."))
    for name in SETTINGS_FIELDS:
        model_field = DocumentSettings._meta.get_field(name)
        assert isinstance(model_field, models.CharField)
        limit = model_field.max_length or 0
        if len(new[name]) > limit:
            label = str(model_field.verbose_name)
            errors.append(_("%(field)s dài quá %(limit)d ký tự.") % {"field": label, "limit": limit})
    if errors:
        raise ServiceError(" ".join(errors))
    with transaction.atomic():
        current = DocumentSettings.objects.select_for_update().filter(campaign=campaign).first()
        old = {name: getattr(current, name) for name in SETTINGS_FIELDS} if current else None
        settings, _created = DocumentSettings.objects.update_or_create(
            campaign=campaign, defaults={**new, "updated_by": by}
        )
        if old != new:
            record(
                actor=by,
                action="documents.settings",
                obj=settings,
                campaign=campaign,
                field="heading",
                old=old,
                new=new,
            )
    return settings


def save_notes(*, participation: Participation, by: User, values: Mapping[str, str]) -> ReportNotes:
    """Keep the unit's causes, responsible agencies and measures for this campaign's report."""
    if not may_write_unit(by, participation):
        raise PermissionDenied(_("Bạn không có quyền sửa báo cáo phân tích của đơn vị này."))
    new = {name: _text(values.get(name, "")) for name in NOTE_FIELDS}
    errors = [
        _("Mục “%(field)s” dài %(length)d ký tự, quá giới hạn %(limit)d ký tự.")
        % {"field": NOTE_LABELS[name], "length": len(new[name]), "limit": NOTE_LENGTH}
        for name in NOTE_FIELDS
        if len(new[name]) > NOTE_LENGTH
    ]
    if errors:
        raise ServiceError(" ".join(errors))
    unit, campaign = participation.unit, participation.campaign
    with transaction.atomic():
        current = ReportNotes.objects.select_for_update().filter(unit=unit, campaign=campaign).first()
        old = {name: getattr(current, name) for name in NOTE_FIELDS} if current else None
        notes, _created = ReportNotes.objects.update_or_create(
            unit=unit, campaign=campaign, defaults={**new, "updated_by": by}
        )
        changed = {name: new[name] for name in NOTE_FIELDS if (old or {}).get(name, "") != new[name]}
        if changed or old is None:
            record(
                actor=by,
                action="report.notes",
                obj=notes,
                campaign=campaign,
                unit=unit,
                field=",".join(changed),
                old={name: (old or {}).get(name, "") for name in changed},
                new=changed,
            )
    return notes


def save_targets(*, participation: Participation, by: User, targets: Sequence[tuple[str, int, str]]) -> list[Target]:
    """Set the unit's target rank ranges: (code, year, text) each, "10–15", "≤ 10", "≥ 5" or "7";
    an empty text removes the target. Every malformed range is named and nothing is saved."""
    if not may_write_unit(by, participation):
        raise PermissionDenied(_("Bạn không có quyền sửa mục tiêu của đơn vị này."))
    errors = []
    parsed: list[tuple[str, int, str]] = []
    for code, year, text in targets:
        raw = _text(text)
        if not raw:
            parsed.append((code, year, ""))
            continue
        try:
            shown = str(parse_rank_range(raw))
        except DtiError as exc:
            errors.append(
                _("Mục tiêu %(code)s năm %(year)d: %(problem)s.") % {"code": code, "year": year, "problem": exc}
            )
            continue
        parsed.append((code, year, shown))
    if errors:
        raise ServiceError(" ".join(errors))
    unit = participation.unit
    saved = []
    with transaction.atomic():
        existing = {(t.code, t.year): t for t in Target.objects.select_for_update().filter(unit=unit)}
        for code, year, ranks in parsed:
            target = existing.get((code, year))
            old = target.ranks if target else ""
            if ranks == old:
                if target:
                    saved.append(target)
                continue
            if ranks:
                target, _created = Target.objects.update_or_create(
                    unit=unit, code=code, year=year, defaults={"ranks": ranks, "updated_by": by}
                )
            assert target is not None  # a new target has ranks; an emptied one existed
            record(
                actor=by,
                action="report.target",
                obj=target,
                campaign=participation.campaign,
                unit=unit,
                code=code,
                field=str(year),
                old=old,
                new=ranks or None,  # an emptied target is deleted: no new value
            )
            if not ranks:
                target.delete()
                continue
            saved.append(target)
    return saved
