"""Checks on the files people attach (photos, voice recordings). Read by content, not by name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
VOICE_MAX_BYTES = 10 * 1024 * 1024
HEADER_BYTES = 16


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_ogg(head: bytes) -> bool:
    return head.startswith(b"OggS")


def _is_mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _is_mp4_audio(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def _is_amr(head: bytes) -> bool:
    return head.startswith(b"#!AMR")


def _is_wav(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _is_webm(head: bytes) -> bool:
    return head.startswith(b"\x1a\x45\xdf\xa3")


PHOTO_SIGNATURES = (_is_jpeg, _is_png, _is_webp)
VOICE_SIGNATURES = (_is_ogg, _is_mp3, _is_mp4_audio, _is_amr, _is_wav, _is_webm)


def _head(file) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEADER_BYTES)
    file.seek(position)
    return head


def validate_photo(file) -> None:
    """A JPEG, PNG or WebP picture of at most 5 MB."""
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("La photo dépasse 5 Mo : envoyez une image plus légère."), code="too_large")
    head = _head(file)
    if not any(matches(head) for matches in PHOTO_SIGNATURES):
        raise ValidationError(_("Envoyez une photo au format JPEG, PNG ou WebP."), code="not_an_image")


def validate_voice_recording(file) -> None:
    """An audio recording (OGG, MP3, M4A, AMR, WAV or WebM) of at most 10 MB."""
    if file.size > VOICE_MAX_BYTES:
        raise ValidationError(_("Le message vocal dépasse 10 Mo."), code="too_large")
    head = _head(file)
    if not any(matches(head) for matches in VOICE_SIGNATURES):
        raise ValidationError(
            _("Envoyez un enregistrement audio (OGG, MP3, M4A, AMR, WAV ou WebM)."), code="not_audio"
        )
