from tests.shared_data import BENIN_DIR, PABULIB_DIR


def test_the_shared_reference_data_is_reachable():
    assert (BENIN_DIR / "benin_communes_adm2.geojson").is_file(), f"missing {BENIN_DIR}"
    assert sorted(PABULIB_DIR.glob("*.pb")), f"no pabulib files in {PABULIB_DIR}"
