"""Recording changes: every service that writes calls `record` inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from dti.audit.models import AuditEntry


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    campaign: Any = None,
    unit: Any = None,
    code: str = "",
    field: str = "",
    old: Any = None,
    new: Any = None,
    comment: str = "",
) -> AuditEntry:
    """Write one audit entry for `obj` (values must be JSON-serialisable)."""
    return AuditEntry.objects.create(
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


def history(obj: models.Model, *, code: str | None = None) -> models.QuerySet[AuditEntry]:
    """The changes recorded for `obj` (and one indicator of it), newest first."""
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if code is not None:
        entries = entries.filter(code=code)
    return entries.select_related("actor")
