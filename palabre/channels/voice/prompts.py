"""The audio prompts a commune uploads per language, and the French text-to-speech said when there is none.

`prompt_action(...)` answers `Play` (the commune's file in the caller's language) or `Say` (the French
text). Prompts are read by the provider through a public URL (`webhooks:voice_prompt`): they hold nothing
private. Uploading or removing one is a staff action, audited.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.channels.replies import Play, Say
from palabre.channels.voice_models import VoicePrompt
from palabre.core.services import audit_record

PROMPT_MAX_BYTES = 5 * 1024 * 1024
PROMPT_CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}


def prompt_audio_format(head: bytes) -> str | None:
    """ "mp3" or "wav" from the first bytes of a file (the formats Africa's Talking plays), else None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def validate_prompt_audio(file) -> None:
    if file.size > PROMPT_MAX_BYTES:
        raise ValidationError(_("Le fichier dépasse 5 Mo."), code="too_large")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if prompt_audio_format(head) is None:
        raise ValidationError(_("Envoyez un fichier MP3 ou WAV."), code="not_audio")


def prompts_of(commune) -> dict[tuple[str, str], VoicePrompt]:
    """The commune's prompts by (language, key)."""
    return {(item.language, item.key): item for item in VoicePrompt.objects.filter(commune=commune)}


def prompt_url(prompt: VoicePrompt, base_url: str) -> str:
    path = reverse("webhooks:voice_prompt", args=[prompt.pk])
    return f"{base_url.rstrip('/')}{path}?v={int(prompt.uploaded_at.timestamp())}"


def prompt_action(prompts: dict, *, language: str, key: str, text: str, base_url: str) -> Play | Say:
    """The commune's file for this moment in `language`, else `text` said in French."""
    prompt = prompts.get((language, key))
    if prompt is not None and base_url:
        return Play(url=prompt_url(prompt, base_url))
    return Say(text=str(text))


def voice_prompt_save(*, commune, language: str, key: str, audio, by) -> VoicePrompt:
    """Upload (or replace) the commune's prompt for `key` in `language`."""
    validate_prompt_audio(audio)
    with transaction.atomic():
        prompt = (
            VoicePrompt.objects.select_for_update()
            .filter(commune=commune, language=language, key=key)
            .first()
        )
        if prompt is None:
            prompt = VoicePrompt(commune=commune, language=language, key=key)
        elif prompt.audio:
            prompt.audio.delete(save=False)
        prompt.audio = audio
        prompt.uploaded_at = timezone.now()
        prompt.uploaded_by = by
        prompt.save()
        audit_record(
            action="channels.voice_prompt_uploaded",
            actor_id=by.pk,
            commune_id=commune.pk,
            target=prompt,
            data={"language": language, "key": key},
        )
    return prompt


def voice_prompt_delete(*, prompt: VoicePrompt, by) -> None:
    """Remove a prompt: the French text-to-speech is said again at that moment."""
    with transaction.atomic():
        audit_record(
            action="channels.voice_prompt_deleted",
            actor_id=by.pk,
            commune_id=prompt.commune_id,
            target=prompt,
            data={"language": prompt.language, "key": prompt.key},
        )
        prompt.audio.delete(save=False)
        prompt.delete()
