"""Platform administrators see categories and complaints read-mostly; officers work in the back office."""

from django.contrib import admin

from palabre.grievances.models import Category, Complaint, ResponseTemplate


class ResponseTemplateInline(admin.TabularInline):
    model = ResponseTemplate
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "code", "is_sensitive", "ack_working_days", "resolve_working_days")
    list_filter = ("is_sensitive", "is_active")
    list_select_related = ("commune",)
    search_fields = ("name", "code", "commune__name")
    raw_id_fields = ("head", "default_assignee")
    inlines = [ResponseTemplateInline]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (audit, timeline, SMS). No reporter identity."""

    list_display = ("code", "commune", "category", "status", "is_overdue", "created_at")
    list_filter = ("status", "is_overdue", "is_sensitive")
    list_select_related = ("commune", "category")
    search_fields = ("code",)
    fields = (
        "code",
        "commune",
        "category",
        "status",
        "severity",
        "created_at",
        "ack_due_on",
        "resolve_due_on",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
