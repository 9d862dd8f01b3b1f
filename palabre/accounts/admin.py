"""Django admin for people. The admin site itself asks for the TOTP second factor (OTPAdminSite)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from palabre.accounts.models import Membership, OneTimeCode, User

# Only platform administrators who signed in with their second factor may use the admin.
admin.site.__class__ = OTPAdminSite


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["commune"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "display_name", "is_staff", "is_superuser", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["phone", "display_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["phone", "password", "display_name", "language"]}),
        (
            _("Profil"),
            {"fields": ["gender", "birth_year", "arrondissement", "village", "profile_consent_at"]},
        ),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["phone", "password1", "password2"]})]
    raw_id_fields = ["arrondissement", "village"]

    def get_inlines(self, request, obj):
        """Roles are given once the person exists."""
        return self.inlines if obj else []


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "commune", "role", "created_at"]
    list_filter = ["role", "commune"]
    search_fields = ["user__phone", "user__display_name", "commune__name"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "commune"]


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are hashed, nobody can read them here."""

    list_display = ["phone", "created_at", "expires_at", "attempts", "used_at"]
    fields = ["phone", "created_at", "expires_at", "attempts", "used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
