from django.contrib import admin

from dti.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The change log can be read, never edited or deleted."""

    list_display = ("created_at", "actor", "action", "object_type", "object_id", "code", "field")
    list_filter = ("action", "object_type")
    search_fields = ("code", "field", "comment")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
