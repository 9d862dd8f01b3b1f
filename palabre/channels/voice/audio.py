"""Downloading a caller's recording: an Africa's Talking recording URL, or a WhatsApp media id through the
Graph API media endpoint (`GET /<media id>` gives a short-lived URL, fetched with the same access token).

The HTTP calls go through an `AudioFetcher` that tests replace with a fake (`audio_fetcher`)."""

import json
import mimetypes
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.core.files.base import ContentFile

from palabre.channels.credentials import credential_for
from palabre.channels.voice_models import VoiceCall

GRAPH_MEDIA_URL = "https://graph.facebook.com/v21.0/{media_id}"
TIMEOUT_SECONDS = 30
MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {"audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/wav": "wav", "audio/x-wav": "wav",
              "audio/mp4": "m4a", "audio/aac": "aac", "audio/amr": "amr"}  # fmt: skip


class AudioUnavailable(Exception):
    """The recording could not be downloaded (unreachable, refused, too large, no credential)."""


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    content_type: str


class AudioFetcher(Protocol):
    def get(self, url: str, *, headers: dict | None = None) -> Fetched: ...


class UrllibAudioFetcher:
    def get(self, url, *, headers=None):
        request = urllib.request.Request(url, headers=headers or {}, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                body = response.read(MAX_BYTES + 1)
                return Fetched(response.status, body, response.headers.get_content_type())
        except urllib.error.HTTPError as error:
            return Fetched(error.code, b"", "")
        except (urllib.error.URLError, TimeoutError) as error:
            raise AudioUnavailable(f"unreachable: {error}") from error


def audio_fetcher() -> AudioFetcher:
    return UrllibAudioFetcher()


def fetch_recording(call: VoiceCall, fetcher: AudioFetcher | None = None) -> ContentFile:
    """The call's recording as a named file (`<gateway>-<call id>.<ext>`)."""
    fetcher = fetcher or audio_fetcher()
    if call.gateway == "whatsapp":
        fetched = _fetch_whatsapp_media(call, fetcher)
    else:
        fetched = _checked(fetcher.get(call.recording_ref))
    content_type = fetched.content_type.split(";")[0].strip()
    extension = EXTENSIONS.get(content_type) or (mimetypes.guess_extension(content_type) or ".mp3").lstrip(
        "."
    )
    return ContentFile(fetched.body, name=f"{call.gateway}-{call.pk}.{extension}")


def _fetch_whatsapp_media(call: VoiceCall, fetcher: AudioFetcher) -> Fetched:
    credential = credential_for("whatsapp", call.commune_id)
    if credential is None or not credential.secret:
        raise AudioUnavailable("no WhatsApp credential")
    headers = {"Authorization": f"Bearer {credential.secret}"}
    meta = _checked(fetcher.get(GRAPH_MEDIA_URL.format(media_id=call.recording_ref), headers=headers))
    try:
        url = json.loads(meta.body)["url"]
    except (ValueError, KeyError, TypeError) as error:
        raise AudioUnavailable("no media URL in the Graph API answer") from error
    return _checked(fetcher.get(url, headers=headers))


def _checked(fetched: Fetched) -> Fetched:
    if fetched.status >= 300:
        raise AudioUnavailable(f"HTTP {fetched.status}")
    if not fetched.body or len(fetched.body) > MAX_BYTES:
        raise AudioUnavailable("empty or larger than 10 MB")
    return fetched
