from django.contrib import admin

from palabre.territory.models import Arrondissement, Commune, Department, Village
from palabre.territory.services import commune_update_settings

REFERENCE_FIELDS = ("code", "name", "department", "is_pilot", "population_2013")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Settings go through the service (validation, audit); slug and activity are saved as edited."""
        obj.save(update_fields=["slug", "is_active"])
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


@admin.register(Arrondissement)
class ArrondissementAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "population_total")
    list_filter = ("commune__is_pilot",)
    list_select_related = ("commune",)
    search_fields = ("name", "commune__name")
    readonly_fields = ("commune", "name", "population_total", "population_men", "population_women")
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ("name", "arrondissement", "population_total")
    list_select_related = ("arrondissement",)
    search_fields = ("name", "arrondissement__name")
    readonly_fields = ("arrondissement", "name", "population_total", "population_men", "population_women")
