"""The roles people play in the yearly cycle: the vocabulary permissions are written in.

They live in `core` (not with the user model in `accounts`) so that `core.permissions`, the
floor every app stands on, needs nothing from the apps above it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the yearly cycle; permissions follow from it (dti.core.permissions)."""

    ADMIN = "admin", _("Quản trị hệ thống")
    ORGANISER = "organiser", _("Cơ quan tổ chức đánh giá")
    REPORTER = "reporter", _("Cán bộ nhập liệu của đơn vị")
    LEADER = "leader", _("Lãnh đạo đơn vị (duyệt và gửi)")
    APPRAISER = "appraiser", _("Thành viên tổ thẩm định")
    CHAIR = "chair", _("Chủ tịch Hội đồng đánh giá")
    VIEWER = "viewer", _("Người xem")


# The roles of a unit's own people (they see and change only their unit's data).
UNIT_ROLES = (Role.REPORTER, Role.LEADER)
