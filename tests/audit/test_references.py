"""The change log's references (who, which campaign, which unit) carry no database constraint,
so a bulk import's hundreds of thousands of rows are not checked one by one at commit; the ORM
still sets a reference to NULL when its row is deleted, and the entry stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from dti.audit.models import AuditEntry
from dti.audit.services import record
from dti.units.models import Unit


@pytest.mark.django_db
def test_no_foreign_key_constraint_on_the_log() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
    assert [name for name, c in constraints.items() if c["foreign_key"]] == []


def test_a_deleted_unit_and_actor_leave_the_entry_with_null(world: dict[str, Any]) -> None:
    unit = Unit.objects.create(name="UBND huyện Tạm", unit_type=world["unit"].unit_type)
    actor = world["users"]["other_reporter"]
    entry = record(actor=actor, action="unit.create", obj=unit, unit=unit, campaign=world["campaign"])
    unit.delete()
    actor.delete()
    entry.refresh_from_db()
    assert (entry.unit_id, entry.actor_id, entry.campaign_id) == (None, None, world["campaign"].pk)
