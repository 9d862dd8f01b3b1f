"""The territory in the admin: reference data from the census is read-only (it changes only by
`load_territory`), a commune's address, activity and settings change through the territory's services."""

from django.contrib import admin
from django.http import HttpRequest

from palabre.territory.models import Arrondissement, Commune, Department, Village
from palabre.territory.services import commune_update_settings, commune_update_status

REFERENCE_FIELDS = ("code", "name", "department", "is_pilot", "population_2013")


class ReferenceDataAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here: `load_territory` keeps the census data."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(ReferenceDataAdmin):
    list_display = ("code", "name")
    readonly_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "department", "is_pilot", "is_active", "ussd_extension")
    list_filter = ("is_pilot", "is_active", "department")
    list_select_related = ("department",)
    search_fields = ("name", "slug", "code")
    readonly_fields = (*REFERENCE_FIELDS, "settings_updated_at")
    fields = (
        *REFERENCE_FIELDS,
        "slug",
        "is_active",
        "modules",
        "languages",
        "contact_phone",
        "contact_email",
        "address",
        "ussd_extension",
        "settings_updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """A commune is closed (inactive), never deleted: what its residents filed must stay."""
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Every write goes through the territory's services (validation, audit): the address and activity,
        then the settings. Reference fields are read-only, and nothing here calls `save()` itself."""
        commune_update_status(
            commune=obj,
            slug=form.cleaned_data["slug"],
            is_active=form.cleaned_data["is_active"],
            by=request.user,
        )
        commune_update_settings(
            commune=obj,
            modules=form.cleaned_data["modules"],
            languages=form.cleaned_data["languages"],
            contact_phone=form.cleaned_data["contact_phone"],
            contact_email=form.cleaned_data["contact_email"],
            address=form.cleaned_data["address"],
            ussd_extension=form.cleaned_data["ussd_extension"],
            by=request.user,
        )


class VillageInline(admin.TabularInline):
    model = Village
    fields = ("name", "population_total", "population_men", "population_women")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Arrondissement)
class ArrondissementAdmin(ReferenceDataAdmin):
    list_display = ("name", "commune", "population_total")
    list_filter = ("commune__is_pilot",)
    list_select_related = ("commune",)
    search_fields = ("name", "commune__name")
    readonly_fields = ("commune", "name", "population_total", "population_men", "population_women")
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(ReferenceDataAdmin):
    list_display = ("name", "arrondissement", "population_total")
    list_select_related = ("arrondissement",)
    search_fields = ("name", "arrondissement__name")
    readonly_fields = ("arrondissement", "name", "population_total", "population_men", "population_women")
