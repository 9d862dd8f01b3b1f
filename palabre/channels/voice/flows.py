"""What a domain app hands the voice engine: the keypad choices of its flow and what to do with a recording.

    router.register_menu(
        router.VOICE,
        MenuEntry("complaint_file", pgettext_lazy("voice", "déposer une plainte"), complaint_voice_flow,
                  order=10, available=enabled),
    )

(from `GrievancesConfig.ready()`)

`complaint_voice_flow(context)` returns a `VoiceFlow`; once the caller's recording is downloaded, the
engine calls `flow.on_recording(recording)` inside a transaction, at most once per call, and keeps the
`(id, label)` it returns (a complaint's id and tracking code).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile


@dataclass(frozen=True)
class VoiceChoice:
    """One keypad choice: `value` is kept on the call, `label` is said by text-to-speech (French)."""

    value: str
    label: Any


@dataclass(frozen=True)
class Recording:
    """A downloaded recording, with who made it and what they chose (`choice` is "" for a voice note)."""

    commune: Any
    phone: str
    language: str
    channel: str
    choice: str
    audio: ContentFile
    session_key: str


@dataclass(frozen=True)
class VoiceFlow:
    choices: tuple[VoiceChoice, ...]
    on_recording: Callable[[Recording], tuple[int, str]] = field(compare=False)
