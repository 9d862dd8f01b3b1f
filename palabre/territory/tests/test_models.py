import pytest
from django.core.exceptions import ValidationError

from palabre.territory.models import RESERVED_SLUGS, Commune, Module
from palabre.territory.tests.factories import CommuneFactory


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_reserved_words_are_never_slugs(db, slug):
    commune = CommuneFactory.build(slug=slug, department=CommuneFactory().department)
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("slug", ["Bohicon", "sèmè-podji", "abomey calavi"])
def test_slugs_are_ascii_lowercase_hyphenated(db, slug):
    commune = CommuneFactory.build(slug=slug, department=CommuneFactory().department)
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "slug" in error.value.message_dict


def test_slugs_are_unique(db):
    existing = CommuneFactory(slug="bohicon")
    commune = CommuneFactory.build(slug="bohicon", department=existing.department)
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "slug" in error.value.message_dict


def test_a_valid_commune_passes(db):
    commune = CommuneFactory.build(slug="seme-podji", department=CommuneFactory().department)
    commune.full_clean()


@pytest.mark.parametrize("languages", [["fr", "xx"], [], "fr", [1]])
def test_languages_must_be_offered_by_the_platform(db, languages):
    commune = CommuneFactory.build(languages=languages, department=CommuneFactory().department)
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "languages" in error.value.message_dict


def test_offered_languages_use_local_names_in_platform_order(db):
    commune = CommuneFactory(languages=["fon", "fr", "yo"])
    assert commune.offered_languages() == [("fr", "français"), ("fon", "Fɔ̀ngbè"), ("yo", "Èdè Yorùbá")]


def test_enabled_modules_in_platform_order(db):
    commune = CommuneFactory(modules=[Module.PLANS, Module.COMPLAINTS])
    assert [value for value, _label in commune.enabled_modules()] == ["complaints", "plans"]


def test_queryset_filters(db):
    active_pilot = CommuneFactory(is_pilot=True)
    CommuneFactory(is_pilot=False, is_active=False)
    other = CommuneFactory(is_pilot=False)
    assert list(Commune.objects.active().pilots_first()) == [active_pilot, other]
    assert list(Commune.objects.pilots().active()) == [active_pilot]
