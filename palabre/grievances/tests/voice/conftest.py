import pytest

from palabre.channels.voice import audio
from palabre.channels.voice.audio import Fetched

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 200


class FakeFetcher:
    """Answers every download with an MP3 (or `status`), and records the URLs asked for."""

    def __init__(self, status: int = 200):
        self.status, self.calls = status, []

    def get(self, url, *, headers=None):
        self.calls.append((url, headers))
        if "graph.facebook.com" in url:
            return Fetched(
                self.status, b'{"url": "https://lookaside.fbsbx.com/whatsapp/media/1"}', "application/json"
            )
        return Fetched(self.status, MP3, "audio/mpeg")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def fetcher(monkeypatch):
    fake = FakeFetcher()
    monkeypatch.setattr(audio, "audio_fetcher", lambda: fake)
    return fake


@pytest.fixture
def bohicon(bohicon):
    """Bohicon (with its complaint categories, grievances/tests/conftest.py) offering French only."""
    bohicon.languages = ["fr"]
    bohicon.save(update_fields=["languages"])
    return bohicon
