from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dti.accounts.models import User

if TYPE_CHECKING:  # UserAdmin is generic only in django-stubs, not at run time
    _UserAdminBase = UserAdmin[User]
else:
    _UserAdminBase = UserAdmin


@admin.register(User)
class DtiUserAdmin(_UserAdminBase):
    """Accounts with their role and unit."""

    fieldsets = (*(UserAdmin.fieldsets or ()), ("DTI", {"fields": ("full_name", "role", "unit", "position", "phone")}))
    list_display = ("username", "full_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
