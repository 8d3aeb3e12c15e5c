"""Who may do what: the one place permissions live (tested as a matrix in tests/core).

`can` answers for a role and a unit; workflow state and deadlines (may this assessment still
be edited?) are checked by the services that change data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from dti.accounts.models import Role


class Action(StrEnum):
    """Everything the platform lets a person do."""

    VIEW_ASSESSMENT = "view_assessment"
    EDIT_ASSESSMENT = "edit_assessment"
    SUBMIT_ASSESSMENT = "submit_assessment"
    VIEW_CAMPAIGN = "view_campaign"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    REOPEN_SUBMISSION = "reopen_submission"
    VIEW_FRAMEWORKS = "view_frameworks"
    MANAGE_FRAMEWORKS = "manage_frameworks"
    VIEW_UNITS = "view_units"
    MANAGE_UNITS = "manage_units"


# Roles that see every unit's data (read-only unless another rule allows more).
_SEE_ALL = {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR, Role.VIEWER}
_MANAGERS = {Role.ADMIN, Role.ORGANISER}
_RULES: dict[Action, set[str]] = {
    Action.VIEW_CAMPAIGN: set(Role),
    Action.MANAGE_CAMPAIGNS: _MANAGERS,
    Action.REOPEN_SUBMISSION: _MANAGERS,
    Action.VIEW_FRAMEWORKS: set(Role),
    Action.MANAGE_FRAMEWORKS: _MANAGERS,
    Action.VIEW_UNITS: set(Role),
    Action.MANAGE_UNITS: _MANAGERS,
}

MESSAGES = {
    Action.VIEW_ASSESSMENT: _("Bạn không có quyền xem bản tự đánh giá của đơn vị này."),
    Action.EDIT_ASSESSMENT: _("Bạn không có quyền sửa số liệu của đơn vị này."),
    Action.SUBMIT_ASSESSMENT: _("Chỉ lãnh đạo đơn vị mới được duyệt và gửi bản tự đánh giá."),
    Action.MANAGE_CAMPAIGNS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý kỳ đánh giá."),
    Action.REOPEN_SUBMISSION: _("Chỉ cơ quan tổ chức đánh giá mới được mở lại việc gửi báo cáo."),
    Action.MANAGE_FRAMEWORKS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý bộ chỉ số."),
    Action.MANAGE_UNITS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý danh sách đơn vị."),
}
GENERAL_MESSAGE = _("Bạn không có quyền thực hiện thao tác này.")


def _own_unit(user: Any, assessment: Any) -> bool:
    return user.unit_id is not None and user.unit_id == assessment.participation.unit_id


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether `user` may do `action` (on `obj`, an Assessment for the assessment actions)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    role = user.role
    if action is Action.VIEW_ASSESSMENT:
        return role in _SEE_ALL or (role in (Role.REPORTER, Role.LEADER) and obj is not None and _own_unit(user, obj))
    if action is Action.EDIT_ASSESSMENT:
        return role in (Role.REPORTER, Role.LEADER) and obj is not None and _own_unit(user, obj)
    if action is Action.SUBMIT_ASSESSMENT:
        return role == Role.LEADER and obj is not None and _own_unit(user, obj)
    return role in _RULES.get(action, set())


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied with a message in the active language unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied(str(MESSAGES.get(action, GENERAL_MESSAGE)))
