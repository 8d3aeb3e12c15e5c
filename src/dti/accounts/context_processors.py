"""What every page's header needs: the unread-notification count and the links the person may follow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dti.accounts.models import Notification
from dti.core.permissions import Action, can


def _unread(user: Any) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def header(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications` (one COUNT query, run only when a template shows it) and `nav_appraisal`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "nav_appraisal": False}
    return {
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
        "nav_appraisal": can(user, Action.VIEW_APPRAISAL),
    }
