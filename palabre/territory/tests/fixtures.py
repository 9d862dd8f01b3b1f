"""Places every app's tests share (a pytest plugin, registered by the root conftest.py).

Two communes, Bohicon and Toffo, two of Bohicon's arrondissements, Passagon and Saclo, and one village of
Passagon, Zounzonmè. An app whose tests need more of a place overrides the fixture in its conftest.py by
asking for it under the same name, for instance with its complaint categories:

    @pytest.fixture
    def bohicon(bohicon):
        categories_ensure_defaults(commune=bohicon)
        return bohicon

Places are looked up before they are created, so an override that already made Passagon or Zounzonmè
(the USSD tests' Bohicon does) and a test asking for `passagon` or `village` get the same row.
"""

import pytest

from palabre.territory.models import Arrondissement, Commune, Village
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory, VillageFactory


def arrondissement_of(commune: Commune, name: str) -> Arrondissement:
    """The commune's arrondissement called `name`, created when missing."""
    return Arrondissement.objects.filter(commune=commune, name=name).first() or ArrondissementFactory(
        commune=commune, name=name
    )


def village_of(arrondissement: Arrondissement, name: str) -> Village:
    """The arrondissement's village called `name`, created when missing."""
    return Village.objects.filter(arrondissement=arrondissement, name=name).first() or VillageFactory(
        arrondissement=arrondissement, name=name
    )


@pytest.fixture
def bohicon(db) -> Commune:
    """A pilot commune offering French and Fon (the factory's languages)."""
    return CommuneFactory(slug="bohicon", name="Bohicon")


@pytest.fixture
def toffo(db) -> Commune:
    """Another commune: the one a wrong-commune test reaches for."""
    return CommuneFactory(slug="toffo", name="Toffo")


@pytest.fixture
def passagon(bohicon) -> Arrondissement:
    return arrondissement_of(bohicon, "Passagon")


@pytest.fixture
def saclo(bohicon) -> Arrondissement:
    return arrondissement_of(bohicon, "Saclo")


@pytest.fixture
def village(passagon) -> Village:
    """Zounzonmè, a village of Passagon in Bohicon."""
    return village_of(passagon, "Zounzonmè")
