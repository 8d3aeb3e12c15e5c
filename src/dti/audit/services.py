"""Recording changes: every service that writes calls `record` (or, for a batch, `record_many`) inside its
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import models

from dti.audit.models import AuditEntry

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign
    from dti.units.models import Unit


class _Who(TypedDict):
    actor: User | None  # None: the system
    action: str
    obj: models.Model


class Change(_Who, total=False):
    """What an audit entry says: who did what to which object, where, and the change (JSON values)."""

    campaign: Campaign | None
    unit: Unit | None
    code: str
    field: str
    old: object
    new: object
    comment: str


def entry(**change: Unpack[Change]) -> AuditEntry:
    """One audit entry, not yet saved (`record` saves one, `record_many` many at once)."""
    actor, obj = change["actor"], change["obj"]
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=change["action"],
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        campaign=change.get("campaign"),
        unit=change.get("unit"),
        code=change.get("code", ""),
        field=change.get("field", ""),
        old=change.get("old"),
        new=change.get("new"),
        comment=change.get("comment", ""),
    )


def record(**change: Unpack[Change]) -> AuditEntry:
    """Write one audit entry for `obj` by `actor` (None: the system); values must be JSON-serialisable."""
    audit = entry(**change)
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
