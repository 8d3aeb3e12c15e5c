"""Recording changes: every service that writes calls `record` (or, for a batch, `record_many` of `row`s) inside its
transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import models

from dti.audit import channel
from dti.audit.models import AuditEntry
from dti.core.rows import insert_rows

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


def row(**change: Unpack[Change]) -> dict[str, object]:
    """An audit entry's columns (by attname): what `record` saves and `record_many` writes."""
    actor, obj = change["actor"], change["obj"]
    campaign, unit = change.get("campaign"), change.get("unit")
    return {
        "actor_id": actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None,
        "action": change["action"],
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "campaign_id": None if campaign is None else campaign.pk,
        "unit_id": None if unit is None else unit.pk,
        "code": change.get("code", ""),
        "field": change.get("field", ""),
        "old": change.get("old"),
        "new": change.get("new"),
        "comment": change.get("comment", ""),
        "channel": channel.current(),
    }


def record(**change: Unpack[Change]) -> AuditEntry:
    """Write one audit entry for `obj` by `actor` (None: the system); values must be JSON-serialisable."""
    audit = AuditEntry(**row(**change))
    audit.save()
    return audit


def record_many(rows: Iterable[Mapping[str, object]]) -> int:
    """Write many audit entries made by `row` (a bulk change: the same detail as one by one), in a
    few statements and without a model instance each (`dti.core.rows`); how many."""
    return insert_rows(AuditEntry, rows)


def history(obj: models.Model, *, code: str | None = None) -> models.QuerySet[AuditEntry]:
    """The changes recorded for `obj` (and one indicator of it), newest first."""
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if code is not None:
        entries = entries.filter(code=code)
    return entries.select_related("actor")
