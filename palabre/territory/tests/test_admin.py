import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from palabre.core.models import AuditEvent
from palabre.territory.admin import REFERENCE_FIELDS, CommuneAdmin
from palabre.territory.models import Commune
from palabre.territory.tests.factories import CommuneFactory


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


def test_admin_form_rejects_unknown_languages(admin_request):
    commune = CommuneFactory()
    form_class = CommuneAdmin(Commune, AdminSite()).get_form(admin_request, commune)
    form = form_class(
        data={"slug": commune.slug, "modules": "[]", "languages": '["de"]', "is_active": "on"},
        instance=commune,
    )
    assert not form.is_valid()
    assert "languages" in form.errors
