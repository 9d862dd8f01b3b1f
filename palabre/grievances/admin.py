"""Platform administrators see categories and complaints read-mostly; officers work in the back office."""

from django.contrib import admin
from django.http import HttpRequest

from palabre.grievances.models import Category, Complaint, ResponseTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written here: the services write (checks, audit event, timeline, SMS)."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ResponseTemplateInline(admin.TabularInline):
    model = ResponseTemplate
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    """Read-only: a commune's administrators change categories on its complaint settings pages, through
    category_update and the other settings services (checks and audit event)."""

    list_display = ("name", "commune", "code", "is_sensitive", "ack_working_days", "resolve_working_days")
    list_filter = ("is_sensitive", "is_active")
    list_select_related = ("commune",)
    search_fields = ("name", "code", "commune__name")
    inlines = [ResponseTemplateInline]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
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
