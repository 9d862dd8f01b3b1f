from pathlib import Path

import pytest

from palabre.territory.services import territory_load
from tests.shared_data import BENIN_DIR as SHARED_BENIN


@pytest.fixture
def shared_benin() -> Path:
    if not (SHARED_BENIN / "benin_communes_adm2.geojson").is_file():
        pytest.skip(f"reference data folder {SHARED_BENIN} is absent")
    return SHARED_BENIN


@pytest.fixture
def territory(db):
    """The shipped reference territory: 12 departments, 77 communes, the pilots' arrondissements, villages."""
    return territory_load()


@pytest.fixture
def boundaries_dir(settings, shared_benin):
    settings.BOUNDARIES_DIR = str(shared_benin)
    return shared_benin


@pytest.fixture
def no_boundaries(settings):
    settings.BOUNDARIES_DIR = ""


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """The test client speaks plain HTTP: no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False
