"""Authentication backend loading the signed-in user with their unit (shown on every page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from dti.accounts.models import User


class UnitModelBackend(ModelBackend):
    """Django's model backend, with `user.unit` fetched in the same query."""

    def get_user(self, user_id: Any) -> User | None:  # Any: the id as the session stored it
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
