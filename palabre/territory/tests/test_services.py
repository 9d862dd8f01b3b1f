import copy

import pytest
from django.core.exceptions import ValidationError

from palabre.core.models import AuditEvent
from palabre.territory.models import Arrondissement, Commune, Department, Village
from palabre.territory.services import (
    commune_update_settings,
    commune_update_status,
    reference_data,
    territory_load,
)
from palabre.territory.tests.factories import CommuneFactory


def model_counts() -> tuple[int, int, int, int]:
    return (
        Department.objects.count(),
        Commune.objects.count(),
        Arrondissement.objects.count(),
        Village.objects.count(),
    )


def test_load_creates_departments_communes_and_pilot_territory(territory):
    assert model_counts() == (12, 77, 37, 313)
    assert territory.created == {"department": 12, "commune": 77, "arrondissement": 37, "village": 313}
    assert list(Commune.objects.pilots().order_by("name").values_list("slug", flat=True)) == [
        "avrankou",
        "banikoara",
        "bohicon",
        "toffo",
    ]
    bohicon = Commune.objects.get(slug="bohicon")
    assert (bohicon.code, bohicon.department.name, bohicon.population_2013) == ("1203", "Zou", 171781)
    assert bohicon.arrondissements.count() == 10
    assert Arrondissement.objects.filter(commune__slug="toffo").count() == 10


def test_load_gives_villages_census_figures_where_they_match(territory):
    arbonga = Village.objects.get(name="Arbonga", arrondissement__commune__slug="banikoara")
    assert (arbonga.population_total, arbonga.population_men, arbonga.population_women) == (3091, 1504, 1587)
    assert Village.objects.filter(population_total__isnull=False).count() == 150
    sompérékou = Arrondissement.objects.get(name="Sompérékou")
    assert sompérékou.population_women == 12615


def test_load_records_one_audit_event(territory):
    event = AuditEvent.objects.get(action="territory.loaded")
    assert event.data["created"]["commune"] == 77


def test_loading_twice_changes_nothing(territory):
    before = model_counts()
    report = territory_load()
    assert not report.changed
    assert model_counts() == before
    assert AuditEvent.objects.filter(action="territory.loaded").count() == 1


def test_reloading_keeps_the_communes_own_settings(territory):
    bohicon = Commune.objects.get(slug="bohicon")
    commune_update_settings(
        commune=bohicon,
        modules=["complaints"],
        languages=["fr", "fon"],
        contact_phone="+2290122510000",
        ussd_extension="*123*2#",
        by=None,
    )
    Commune.objects.filter(pk=bohicon.pk).update(slug="bohicon-ville")
    territory_load()
    bohicon.refresh_from_db()
    assert (bohicon.slug, bohicon.modules, bohicon.languages) == (
        "bohicon-ville",
        ["complaints"],
        ["fr", "fon"],
    )
    assert (bohicon.contact_phone, bohicon.ussd_extension) == ("+2290122510000", "*123*2#")


def test_reload_corrects_reference_facts_in_place(territory):
    data = copy.deepcopy(reference_data())
    bohicon = next(item for item in data["communes"] if item["code"] == "1203")
    bohicon["name"] = "Bohicon (corrigé)"
    bohicon["arrondissements"][0]["population"] = [1, 1, 0]
    report = territory_load(data=data)
    assert report.updated == {"commune": 1, "arrondissement": 1}
    assert report.created == {}
    assert Commune.objects.get(code="1203").name == "Bohicon (corrigé)"
    assert model_counts() == (12, 77, 37, 313)


@pytest.fixture
def commune(db):
    return CommuneFactory(languages=["fr"], modules=["complaints", "budgeting"])


def update(commune, **changes):
    values = {"modules": commune.modules, "languages": commune.languages, "by": None, **changes}
    return commune_update_settings(commune=commune, **values)


def test_update_settings_saves_normalises_and_audits(commune):
    updated = update(
        commune,
        languages=["fr", "fon"],
        contact_phone="01 22 51 00 00",
        contact_email=" mairie@example.bj ",
        ussd_extension="*123*9#",
    )
    commune.refresh_from_db()
    assert commune.languages == ["fr", "fon"]
    assert commune.contact_phone == "+2290122510000"
    assert commune.contact_email == "mairie@example.bj"
    assert commune.settings_updated_at is not None
    event = AuditEvent.objects.get(action="territory.settings_updated")
    assert event.commune_id == commune.pk
    assert event.data["changes"]["languages"] == [["fr"], ["fr", "fon"]]
    assert updated.ussd_extension == "*123*9#"


def test_update_settings_records_the_staff_actor(commune, django_user_model):
    officer = django_user_model.objects.create_user(phone="+2290197000000", password="un-long-mot-de-passe")
    update(commune, languages=["fr", "en"], by=officer)
    assert AuditEvent.objects.get(action="territory.settings_updated").actor_id == officer.pk


def test_update_settings_without_change_writes_nothing(commune):
    update(commune)
    commune.refresh_from_db()
    assert commune.settings_updated_at is None
    assert not AuditEvent.objects.filter(action="territory.settings_updated").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"languages": ["fr", "de"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"modules": ["complaints", "lottery"]}, "modules"),
        ({"ussd_extension": "123"}, "ussd_extension"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_email": "pas-un-courriel"}, "contact_email"),
    ],
)
def test_update_settings_rejects_invalid_values(commune, changes, field):
    with pytest.raises(ValidationError) as error:
        update(commune, **changes)
    assert field in error.value.message_dict
    commune.refresh_from_db()
    assert commune.languages == ["fr"]
    assert not AuditEvent.objects.exists()


def test_update_status_saves_and_audits_the_actor(commune, django_user_model):
    operator = django_user_model.objects.create_superuser(
        phone="+2290197000009", password="un-long-mot-de-passe"
    )
    old_slug = commune.slug
    updated = commune_update_status(commune=commune, slug=" zogbodomey ", is_active=False, by=operator)
    commune.refresh_from_db()
    assert (commune.slug, commune.is_active) == ("zogbodomey", False) == (updated.slug, updated.is_active)
    event = AuditEvent.objects.get(action="territory.status_updated")
    assert (event.actor_id, event.commune_id) == (operator.pk, commune.pk)
    assert event.data == {"changes": {"slug": [old_slug, "zogbodomey"], "is_active": [True, False]}}


def test_update_status_without_change_writes_nothing(commune):
    commune_update_status(commune=commune, slug=commune.slug, is_active=True, by=None)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("slug", ["admin", "Pas un identifiant", ""])
def test_update_status_rejects_a_bad_address(commune, slug):
    with pytest.raises(ValidationError) as error:
        commune_update_status(commune=commune, slug=slug, is_active=True, by=None)
    assert "slug" in error.value.message_dict
    assert Commune.objects.filter(pk=commune.pk, slug=commune.slug).exists()
    assert not AuditEvent.objects.exists()


def test_update_status_rejects_another_communes_address(commune):
    other = CommuneFactory()
    with pytest.raises(ValidationError) as error:
        commune_update_status(commune=commune, slug=other.slug, is_active=True, by=None)
    assert "slug" in error.value.message_dict
