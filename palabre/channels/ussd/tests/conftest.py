import pytest

from palabre.channels.ussd.tests.caller import FON_STRINGS, Caller, translated
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory, VillageFactory


@pytest.fixture
def caller(client, db):
    return Caller(client=client)


@pytest.fixture
def bohicon(db):
    commune = CommuneFactory(
        slug="bohicon", name="Bohicon", ussd_extension="*384*229*7#", languages=["fr", "fon"]
    )
    VillageFactory(arrondissement=ArrondissementFactory(commune=commune, name="Passagon"), name="Zounzonmè")
    return commune


@pytest.fixture
def french_only(db):
    return CommuneFactory(
        slug="come", name="Comè", ussd_extension="*384*229*12#", languages=["fr"], is_pilot=False
    )


@pytest.fixture
def fon_strings():
    with translated("fon", FON_STRINGS):
        yield FON_STRINGS
