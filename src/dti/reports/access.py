"""Who may read and write a unit's analysis and the campaign's documents, in the terms of
`dti.core.permissions` (the one place rules live): nothing new is decided here.

- A unit's analysis is read by whoever may read the unit's assessment (its own people, and the
  organisers, appraisers, chair, viewers and administrators) and written by the unit's reporter
  and leader (who may edit its assessment) and by the organisers (who manage campaigns).
- Unpublished results (a draft appendix, a draft analysis) are for those who decide what is
  published: the organisers, the chair and the administrators (PUBLISH_RESULTS).
- The appendix's heading is set by those who manage campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dti.core.permissions import Action, can

if TYPE_CHECKING:
    from dti.campaigns.models import Participation
    from dti.core.permissions import Person


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class UnitInCampaign:
    """A participation seen as the assessment rules read it (`permissions.Assessed`)."""

    participation: Participation


def may_read_unit(user: Person, participation: Participation) -> bool:
    """Whether `user` may read the unit's analysis in this campaign."""
    return can(user, Action.VIEW_ASSESSMENT, UnitInCampaign(participation))


def may_write_unit(user: Person, participation: Participation) -> bool:
    """Whether `user` may write the unit's notes and targets."""
    return can(user, Action.EDIT_ASSESSMENT, UnitInCampaign(participation)) or can(user, Action.MANAGE_CAMPAIGNS)


def may_see_drafts(user: Person) -> bool:
    """Whether `user` may see results before they are published (drafts marked "DỰ THẢO")."""
    return can(user, Action.PUBLISH_RESULTS)


def may_set_documents(user: Person) -> bool:
    """Whether `user` may change the appendix's heading."""
    return can(user, Action.MANAGE_CAMPAIGNS)


def require_read_unit(user: Person, participation: Participation) -> None:
    """PermissionDenied with the reason unless `user` may read the unit's analysis."""
    if not may_read_unit(user, participation):
        raise PermissionDenied(_("Bạn không có quyền xem báo cáo phân tích của đơn vị này."))


def require_published(found: T | None) -> T:
    """`found` (the results the analysis reads), or PermissionDenied with the reason when there are none yet."""
    if found is None:
        raise PermissionDenied(_("Kết quả chưa công bố: báo cáo phân tích có khi kết quả được công bố."))
    return found
