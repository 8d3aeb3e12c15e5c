"""Who may do what: the one place permissions live (tested as a matrix in tests/core).

`can` answers for a role and a unit; workflow state and deadlines (may this assessment still
be edited?) are checked by the services that change data.

An appraiser's scope (which units and main indices they are assigned) is kept by the appraisal
app, which stands above this module: it hands its check over at start-up through
`set_appraisal_scope` (`AppraisalConfig.ready`), so that `core` imports nothing from the apps.
Until it does, no appraiser is in scope (refusing is the safe default).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeGuard

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from dti.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    # Whoever asks: `request.user` (a signed-in person or Django's AnonymousUser), a User handed
    # to a service, or None for nobody.
    Person: TypeAlias = AbstractBaseUser | AnonymousUser | None


class Member(Protocol):
    """A signed-in, active person as the rules read them: a role and, for a unit's people, the unit.

    That is `dti.accounts.models.User` (the AUTH_USER_MODEL), which `core` does not import.
    """

    @property
    def role(self) -> str: ...

    @property
    def unit_id(self) -> int | None: ...


class ParticipatingUnit(Protocol):
    """A unit's participation in a campaign, as far as the rules read it."""

    @property
    def unit_id(self) -> int: ...


class Assessed(Protocol):
    """What the assessment actions are asked about: an Assessment, read through its participation."""

    @property
    def participation(self) -> ParticipatingUnit: ...


class Action(StrEnum):
    """Everything the platform lets a person do."""

    VIEW_ASSESSMENT = "view_assessment"
    EDIT_ASSESSMENT = "edit_assessment"
    SUBMIT_ASSESSMENT = "submit_assessment"
    VIEW_CAMPAIGN = "view_campaign"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    REOPEN_SUBMISSION = "reopen_submission"
    IMPORT_ASSESSMENTS = "import_assessments"  # many units' data from one organiser's workbook
    VIEW_FRAMEWORKS = "view_frameworks"
    MANAGE_FRAMEWORKS = "manage_frameworks"
    VIEW_UNITS = "view_units"
    MANAGE_UNITS = "manage_units"
    VIEW_APPRAISAL = "view_appraisal"  # the appraisal workspace and its totals, read-only
    APPRAISE = "appraise"  # review indicators, draft questions (an appraiser, inside their scope)
    MANAGE_APPRAISAL = "manage_appraisal"  # assign appraisers, send explanation requests, return, reopen
    ANSWER_EXPLANATION = "answer_explanation"  # write the unit's answers
    SEND_EXPLANATION = "send_explanation"  # the unit's leader sends the answers
    APPROVE_RESULTS = "approve_results"  # the council chair
    PUBLISH_RESULTS = "publish_results"
    AMEND_RESULTS = "amend_results"
    MANAGE_ACCOUNTS = "manage_accounts"  # create, edit, deactivate, reset and import people's accounts
    MANAGE_ADMIN_ACCOUNTS = "manage_admin_accounts"  # the same for accounts of system administrators


# Roles that see every unit's data (read-only unless another rule allows more).
_SEE_ALL = {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR, Role.VIEWER}
_MANAGERS = {Role.ADMIN, Role.ORGANISER}
_RULES: dict[Action, set[Role]] = {
    Action.VIEW_CAMPAIGN: set(Role),
    Action.MANAGE_CAMPAIGNS: _MANAGERS,
    Action.REOPEN_SUBMISSION: _MANAGERS,
    Action.IMPORT_ASSESSMENTS: _MANAGERS,
    Action.VIEW_FRAMEWORKS: set(Role),
    Action.MANAGE_FRAMEWORKS: _MANAGERS,
    Action.VIEW_UNITS: set(Role),
    Action.MANAGE_UNITS: _MANAGERS,
    Action.VIEW_APPRAISAL: {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR},
    Action.MANAGE_APPRAISAL: _MANAGERS,
    Action.APPROVE_RESULTS: {Role.CHAIR},
    Action.PUBLISH_RESULTS: {Role.ADMIN, Role.ORGANISER, Role.CHAIR},
    Action.AMEND_RESULTS: _MANAGERS,
    Action.MANAGE_ACCOUNTS: _MANAGERS,
    Action.MANAGE_ADMIN_ACCOUNTS: {Role.ADMIN},
}

MESSAGES = {
    Action.VIEW_ASSESSMENT: _("Bạn không có quyền xem bản tự đánh giá của đơn vị này."),
    Action.EDIT_ASSESSMENT: _("Bạn không có quyền sửa số liệu của đơn vị này."),
    Action.SUBMIT_ASSESSMENT: _("Chỉ lãnh đạo đơn vị mới được duyệt và gửi bản tự đánh giá."),
    Action.MANAGE_CAMPAIGNS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý kỳ đánh giá."),
    Action.REOPEN_SUBMISSION: _("Chỉ cơ quan tổ chức đánh giá mới được mở lại việc gửi báo cáo."),
    Action.IMPORT_ASSESSMENTS: _("Chỉ cơ quan tổ chức đánh giá mới được nhập số liệu của nhiều đơn vị từ một tệp."),
    Action.MANAGE_FRAMEWORKS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý bộ chỉ số."),
    Action.MANAGE_UNITS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý danh sách đơn vị."),
    Action.VIEW_APPRAISAL: _("Chỉ cơ quan tổ chức, tổ thẩm định và Hội đồng mới xem được phần thẩm định."),
    Action.APPRAISE: _("Bạn không được phân công thẩm định đơn vị hoặc chỉ số này."),
    Action.MANAGE_APPRAISAL: _("Chỉ cơ quan tổ chức đánh giá mới được điều hành việc thẩm định."),
    Action.ANSWER_EXPLANATION: _("Chỉ đơn vị được đề nghị mới được giải trình."),
    Action.SEND_EXPLANATION: _("Chỉ lãnh đạo đơn vị mới được gửi nội dung giải trình."),
    Action.APPROVE_RESULTS: _("Chỉ Chủ tịch Hội đồng đánh giá mới được phê duyệt kết quả."),
    Action.PUBLISH_RESULTS: _("Chỉ cơ quan tổ chức hoặc Chủ tịch Hội đồng mới được công bố kết quả."),
    Action.AMEND_RESULTS: _("Chỉ cơ quan tổ chức đánh giá mới được đính chính kết quả đã công bố."),
    Action.MANAGE_ACCOUNTS: _("Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."),
    Action.MANAGE_ADMIN_ACCOUNTS: _("Chỉ quản trị hệ thống mới được tạo, sửa hoặc khóa tài khoản quản trị hệ thống."),
}
GENERAL_MESSAGE = _("Bạn không có quyền thực hiện thao tác này.")


def _signed_in(user: Person) -> TypeGuard[Member]:
    """Whether `user` is a signed-in, active person (whose account is a User with a role)."""
    return user is not None and user.is_authenticated and bool(user.is_active)


def _own_unit(user: Member, assessment: Assessed) -> bool:
    return user.unit_id is not None and user.unit_id == assessment.participation.unit_id


# (user, assessment, main index code or None) → whether the appraiser is assigned that unit (and
# index). The check is written for the User and Assessment models, which `core` cannot name: its
# parameters are Any here, since a function taking those models is not one taking any Member and
# any Assessed.
AppraisalScope = Callable[[Any, Any, str | None], bool]


def _nobody_in_scope(user: Member, assessment: Assessed, index_code: str | None) -> bool:
    return False


_appraisal_scope: AppraisalScope = _nobody_in_scope


def set_appraisal_scope(check: AppraisalScope) -> None:
    """Install the appraisal app's answer to "is this appraiser assigned this unit (and main index)?"."""
    global _appraisal_scope
    _appraisal_scope = check


def _in_scope(user: Member, assessment: Assessed, index_code: str | None) -> bool:
    """Whether an appraiser is assigned this unit (and, given `index_code`, that main index)."""
    return _appraisal_scope(user, assessment, index_code)


def can(user: Person, action: Action, obj: Assessed | None = None, index_code: str | None = None) -> bool:
    """Whether `user` may do `action` (on `obj`, an Assessment for the assessment actions).

    For APPRAISE, `index_code` narrows the question to one main index of the unit.
    """
    if not _signed_in(user):
        return False
    role = user.role
    if action is Action.VIEW_ASSESSMENT:
        return role in _SEE_ALL or (role in (Role.REPORTER, Role.LEADER) and obj is not None and _own_unit(user, obj))
    if action is Action.EDIT_ASSESSMENT:
        return role in (Role.REPORTER, Role.LEADER) and obj is not None and _own_unit(user, obj)
    if action in (Action.SUBMIT_ASSESSMENT, Action.SEND_EXPLANATION):
        return role == Role.LEADER and obj is not None and _own_unit(user, obj)
    if action is Action.ANSWER_EXPLANATION:
        return role in (Role.REPORTER, Role.LEADER) and obj is not None and _own_unit(user, obj)
    if action is Action.APPRAISE:
        return role == Role.APPRAISER and obj is not None and _in_scope(user, obj, index_code)
    return role in _RULES.get(action, set())


def require(user: Person, action: Action, obj: Assessed | None = None, index_code: str | None = None) -> None:
    """Raise PermissionDenied with a message in the active language unless `can(...)` allows it."""
    if not can(user, action, obj, index_code):
        raise PermissionDenied(str(MESSAGES.get(action, GENERAL_MESSAGE)))
