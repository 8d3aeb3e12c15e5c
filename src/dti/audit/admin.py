from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from dti.audit.models import AuditEntry

if TYPE_CHECKING:  # ModelAdmin is generic only in django-stubs, not at run time
    _AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
else:
    _AuditEntryAdminBase = admin.ModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(_AuditEntryAdminBase):
    """The change log can be read, never edited or deleted."""

    list_display = ("created_at", "actor", "action", "object_type", "object_id", "code", "field")
    list_filter = ("action", "object_type")
    search_fields = ("code", "field", "comment")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
