"""`dti manage create_unit_types`: create the standard unit types (docs/units.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dti.units.services import unit_types_create


class Command(BaseCommand):
    help = "Tạo các loại đơn vị chuẩn còn thiếu (tỉnh, sở, huyện, thị xã, thành phố, xã…); loại đã có được giữ nguyên."

    def handle(self, *args: Any, **options: Any) -> None:
        created = unit_types_create(out=self.stdout)
        if not created:
            self.stdout.write("Đã có đủ các loại đơn vị chuẩn; không tạo thêm.\n")
