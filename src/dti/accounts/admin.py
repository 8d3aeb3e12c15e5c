from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dti.accounts.models import User


@admin.register(User)
class DtiUserAdmin(UserAdmin):
    """Accounts with their role and unit."""

    fieldsets = (*UserAdmin.fieldsets, ("DTI", {"fields": ("full_name", "role", "unit", "position", "phone")}))
    list_display = ("username", "full_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
