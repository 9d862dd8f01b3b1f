import pytest

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bohicon(bohicon):
    """Bohicon offering French only."""
    bohicon.languages = ["fr"]
    bohicon.save(update_fields=["languages"])
    return bohicon
