from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from dti.assessments.models import Assessment, Entry, Evidence

if TYPE_CHECKING:  # ModelAdmin is generic only in django-stubs, not at run time
    _AssessmentAdminBase = admin.ModelAdmin[Assessment]
    _EntryAdminBase = admin.ModelAdmin[Entry]
    _EvidenceAdminBase = admin.ModelAdmin[Evidence]
else:
    _AssessmentAdminBase = _EntryAdminBase = _EvidenceAdminBase = admin.ModelAdmin


@admin.register(Assessment)
class AssessmentAdmin(_AssessmentAdminBase):
    """Assessments, read-only here: units change data through their page, with an audit trail."""

    list_display = ("participation", "status", "submitted_at", "is_sample")
    list_filter = ("status", "is_sample", "participation__campaign")
    readonly_fields = [f.name for f in Assessment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(_EntryAdminBase):
    """Per-indicator data, read-only here for the same reason."""

    list_display = ("assessment", "code", "self_score", "version", "updated_at")
    search_fields = ("code",)
    readonly_fields = [f.name for f in Entry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(_EvidenceAdminBase):
    """Evidence metadata (files are downloaded through the permission-checked view)."""

    list_display = ("assessment", "code", "kind", "original_name", "doc_number", "created_at")
    readonly_fields = [f.name for f in Evidence._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
