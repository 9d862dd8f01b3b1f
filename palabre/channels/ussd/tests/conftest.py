import pytest

from palabre.channels.ussd.tests.caller import FON_STRINGS, Caller, translated
from palabre.territory.tests.factories import CommuneFactory
from palabre.territory.tests.fixtures import arrondissement_of, village_of


@pytest.fixture
def caller(client, db):
    return Caller(client=client)


@pytest.fixture
def bohicon(bohicon):
    """Bohicon with its USSD extension, and Zounzonmè in Passagon for the menus to list (the same rows as
    the `passagon` and `village` fixtures)."""
    bohicon.ussd_extension = "*384*229*7#"
    bohicon.save(update_fields=["ussd_extension"])
    village_of(arrondissement_of(bohicon, "Passagon"), "Zounzonmè")
    return bohicon


@pytest.fixture
def french_only(db):
    return CommuneFactory(
        slug="come", name="Comè", ussd_extension="*384*229*12#", languages=["fr"], is_pilot=False
    )


@pytest.fixture
def fon_strings():
    with translated("fon", FON_STRINGS):
        yield FON_STRINGS
