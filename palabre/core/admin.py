"""Read-only views of the kernel's records: nobody adds, edits or deletes them by hand."""

from django.contrib import admin

from palabre.core.models import AuditEvent, OutboundMessage, ParticipationAct


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "action", "actor_id", "commune_id", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    date_hierarchy = "created_at"


@admin.register(ParticipationAct)
class ParticipationActAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "commune_id", "module", "kind", "channel", "gender", "age_band"]
    list_filter = ["module", "channel", "gender", "age_band"]
    date_hierarchy = "occurred_at"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    exclude = ["body"]
    date_hierarchy = "created_at"
