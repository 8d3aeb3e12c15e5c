"""What every page's header needs: the unread-notification count and the links the person may follow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dti.accounts.models import Notification
from dti.core.permissions import Action, can

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def _unread(user: AbstractBaseUser) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def header(request: HttpRequest) -> dict[str, object]:
    """`unread_notifications` (one COUNT query, run only when a template shows it), `nav_appraisal`, `nav_accounts`."""
    user: AbstractBaseUser | AnonymousUser | None = getattr(request, "user", None)  # none without the auth middleware
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "nav_appraisal": False, "nav_accounts": False}
    return {
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
        "nav_appraisal": can(user, Action.VIEW_APPRAISAL),
        "nav_accounts": can(user, Action.MANAGE_ACCOUNTS),
    }
