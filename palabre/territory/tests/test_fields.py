import pytest
from django.apps import apps
from django.db import models

from palabre.territory.fields import arrondissement_field, village_field
from palabre.territory.models import Arrondissement, Village
from palabre.territory.tests.factories import VillageFactory


def place_fields() -> list[models.ForeignKey]:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.related_model in (Arrondissement, Village)
        and field.model not in (Arrondissement, Village)
    ]


def test_every_place_field_follows_the_one_rule():
    fields = place_fields()
    assert len(fields) >= 9  # profile, caller, subscription, campaign, complaint, envelope, idea, voter
    for field in fields:
        label = f"{field.model._meta.label}.{field.name}"
        assert field.remote_field.on_delete is models.PROTECT, label
        assert (field.null, field.blank, field.remote_field.related_name) == (True, True, "+"), label


def test_the_rule_cannot_be_overridden():
    with pytest.raises(TypeError):
        arrondissement_field(on_delete=models.SET_NULL)
    with pytest.raises(TypeError):
        village_field(on_delete=models.CASCADE)


def test_other_options_are_kept():
    field = arrondissement_field(help_text="Vide : toute la commune.")
    assert (field.help_text, str(field.verbose_name)) == ("Vide : toute la commune.", "arrondissement")
    assert str(village_field().verbose_name) == "village ou quartier"


def test_a_place_someone_names_cannot_be_deleted(django_user_model):
    village = VillageFactory()
    django_user_model.objects.create_user(
        phone="+2290197000002", arrondissement=village.arrondissement, village=village
    )
    with pytest.raises(models.ProtectedError):
        village.delete()
    with pytest.raises(models.ProtectedError):
        village.arrondissement.delete()
    assert Village.objects.filter(pk=village.pk).exists()
