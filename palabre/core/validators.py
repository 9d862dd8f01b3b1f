"""Checks on what people type and attach: numbers typed on a keypad or a form (ASCII digits only), and the
files people attach (photos, voice recordings, read by content, not by name)."""

from typing import TypeGuard

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The longest number we read: an int64 primary key has at most 19 digits, and no number people type (a
# choice, a project number, an id) comes near.
MAX_DIGITS = 18


def ascii_digits(text: object) -> TypeGuard[str]:
    """True when `text` is one or more ASCII digits `0`-`9`.

    `str.isdigit()` also accepts `²`, Arabic-Indic or fullwidth digits, which `int()` or phonenumbers then
    refuse (or read as another number): every number typed by a person is checked with this instead."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def parse_ascii_int(text: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The whole number written in ASCII digits in `text` (at most `max_digits` of them), else None.
    Never raises: `"12"` -> 12, `" 12 "`, `"²"`, `"-1"`, `"1e3"` or a 5,000-digit string -> None."""
    if not ascii_digits(text) or len(text) > max_digits:
        return None
    return int(text)


class AsciiIntegerField(forms.IntegerField):
    """An IntegerField that reads ASCII digits only (Django's also reads other scripts' digits)."""

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else value
        if isinstance(text, str) and text and parse_ascii_int(text.removeprefix("-")) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)


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
