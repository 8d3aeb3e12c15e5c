"""Recording changes: every service that writes calls `record` (or, for a batch, `record_many`) inside its
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models

from dti.audit.models import AuditEntry

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign
    from dti.units.models import Unit


def entry(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    campaign: Campaign | None = None,
    unit: Unit | None = None,
    code: str = "",
    field: str = "",
    old: object = None,
    new: object = None,
    comment: str = "",
) -> AuditEntry:
    """One audit entry for `obj` by `actor` (None: the system), not yet saved; values must be JSON-serialisable."""
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        campaign=campaign,
        unit=unit,
        code=code,
        field=field,
        old=old,
        new=new,
        comment=comment,
    )


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    campaign: Campaign | None = None,
    unit: Unit | None = None,
    code: str = "",
    field: str = "",
    old: object = None,
    new: object = None,
    comment: str = "",
) -> AuditEntry:
    """Write one audit entry (see `entry`)."""
    audit = entry(
        actor=actor,
        action=action,
        obj=obj,
        campaign=campaign,
        unit=unit,
        code=code,
        field=field,
        old=old,
        new=new,
        comment=comment,
    )
    audit.save()
    return audit


def record_many(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Write many audit entries made by `entry` in one insert (a bulk change: the same detail as one by one)."""
    return AuditEntry.objects.bulk_create(list(entries))


def history(obj: models.Model, *, code: str | None = None) -> models.QuerySet[AuditEntry]:
    """The changes recorded for `obj` (and one indicator of it), newest first."""
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if code is not None:
        entries = entries.filter(code=code)
    return entries.select_related("actor")
