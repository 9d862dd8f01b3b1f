import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from palabre.core.models import AuditEvent
from palabre.territory.admin import (
    REFERENCE_FIELDS,
    ArrondissementAdmin,
    CommuneAdmin,
    DepartmentAdmin,
    VillageAdmin,
    VillageInline,
)
from palabre.territory.models import Arrondissement, Commune, Department, Village
from palabre.territory.tests.factories import CommuneFactory, VillageFactory


@pytest.fixture
def admin_request(db, django_user_model):
    request = RequestFactory().post("/admin/")
    request.user = django_user_model.objects.create_superuser(
        phone="+2290197000001", password="mot-de-passe-long"
    )
    return request


def test_reference_fields_are_read_only(admin_request):
    model_admin = CommuneAdmin(Commune, AdminSite())
    assert set(REFERENCE_FIELDS) <= set(model_admin.get_readonly_fields(admin_request))
    assert not model_admin.has_add_permission(admin_request)
    assert not model_admin.has_delete_permission(admin_request, CommuneFactory())


@pytest.mark.parametrize(
    ("model_admin_class", "model"),
    [(DepartmentAdmin, Department), (ArrondissementAdmin, Arrondissement), (VillageAdmin, Village)],
)
def test_census_data_is_only_shown(admin_request, model_admin_class, model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, model_admin_class)
    assert model_admin.has_view_permission(admin_request)
    assert not model_admin.has_add_permission(admin_request)
    assert not model_admin.has_change_permission(admin_request)
    assert not model_admin.has_delete_permission(admin_request)


def test_villages_inline_is_only_shown(admin_request):
    village = VillageFactory()
    inline = VillageInline(Arrondissement, AdminSite())
    assert not inline.has_add_permission(admin_request, village.arrondissement)
    assert not inline.has_change_permission(admin_request, village.arrondissement)
    assert not inline.can_delete


def test_saving_settings_goes_through_the_service(admin_request):
    commune = CommuneFactory(languages=["fr"])
    model_admin = CommuneAdmin(Commune, AdminSite())
    form_class = model_admin.get_form(admin_request, commune)
    form = form_class(
        data={
            "slug": commune.slug,
            "is_active": "on",
            "modules": '["complaints"]',
            "languages": '["fr", "yo"]',
            "contact_phone": "01 20 24 00 00",
            "contact_email": "",
            "address": "",
            "ussd_extension": "*123*4#",
        },
        instance=commune,
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(admin_request, form.save(commit=False), form, change=True)
    commune.refresh_from_db()
    assert (commune.languages, commune.contact_phone) == (["fr", "yo"], "+2290120240000")
    event = AuditEvent.objects.get(action="territory.settings_updated")
    assert event.actor_id == admin_request.user.pk
    assert not AuditEvent.objects.filter(action="territory.status_updated").exists()


def test_saving_address_and_activity_goes_through_the_service(admin_request):
    commune = CommuneFactory(slug="bohicon", languages=["fr"], modules=["complaints"])
    model_admin = CommuneAdmin(Commune, AdminSite())
    form_class = model_admin.get_form(admin_request, commune)
    form = form_class(
        data={"slug": "bohicon-ville", "modules": '["complaints"]', "languages": '["fr"]'},
        instance=commune,
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(admin_request, form.save(commit=False), form, change=True)
    commune.refresh_from_db()
    assert (commune.slug, commune.is_active) == ("bohicon-ville", False)
    event = AuditEvent.objects.get(action="territory.status_updated")
    assert event.actor_id == admin_request.user.pk
    assert event.data == {"changes": {"slug": ["bohicon", "bohicon-ville"], "is_active": [True, False]}}
    assert not AuditEvent.objects.filter(action="territory.settings_updated").exists()


def test_admin_form_rejects_unknown_languages(admin_request):
    commune = CommuneFactory()
    form_class = CommuneAdmin(Commune, AdminSite()).get_form(admin_request, commune)
    form = form_class(
        data={"slug": commune.slug, "modules": "[]", "languages": '["de"]', "is_active": "on"},
        instance=commune,
    )
    assert not form.is_valid()
    assert "languages" in form.errors
