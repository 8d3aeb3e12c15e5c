"""`dti manage create_unit_types`: the standard unit types, created once, never renamed."""

from __future__ import annotations

import io

from django.core.management import call_command

from dti.audit.models import AuditEntry
from dti.units.models import UnitType
from dti.units.services import STANDARD_UNIT_TYPES


def test_creates_the_missing_types_and_keeps_existing_ones(db):
    UnitType.objects.create(code="so", name="Sở (tên riêng của tỉnh)")
    out = io.StringIO()
    call_command("create_unit_types", stdout=out)
    assert set(UnitType.objects.values_list("code", flat=True)) == set(STANDARD_UNIT_TYPES)
    assert UnitType.objects.get(code="so").name == "Sở (tên riêng của tỉnh)"
    assert "Đã tạo loại đơn vị huyen (Huyện)." in out.getvalue()
    assert AuditEntry.objects.filter(action="unit_type.create").count() == len(STANDARD_UNIT_TYPES) - 1
    again = io.StringIO()
    call_command("create_unit_types", stdout=again)
    assert "không tạo thêm" in again.getvalue()
    assert UnitType.objects.count() == len(STANDARD_UNIT_TYPES)
