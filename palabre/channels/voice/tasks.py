"""Background work of the voice channel, run by `manage.py db_worker`."""

import logging

from django.db import transaction
from django_tasks import task

from palabre.channels.voice.audio import AudioFetcher, AudioUnavailable, fetch_recording
from palabre.channels.voice.flows import Recording
from palabre.channels.voice.service import flow_of
from palabre.channels.voice_models import VoiceCall
from palabre.core.choices import Channel
from palabre.core.services import audit_record

logger = logging.getLogger(__name__)
Status = VoiceCall.RecordingStatus


@task()
def voice_recording_fetch(call_id: int) -> str:
    return recording_deliver(call_id=call_id)


def recording_deliver(*, call_id: int, fetcher: AudioFetcher | None = None) -> str:
    """Download the call's recording and hand it to its flow (which files the complaint), once.

    Running it again (a retried task, a second callback) finds the call done and changes nothing.
    Returns the call's recording status."""
    call = VoiceCall.objects.select_related("commune").get(pk=call_id)
    if call.recording_status != Status.PENDING:
        return call.recording_status
    try:
        audio = fetch_recording(call, fetcher)
    except AudioUnavailable as error:
        logger.warning("Voice call #%s: recording not downloaded: %s", call_id, error)
        return _failed(call_id, str(error))
    with transaction.atomic():
        call = VoiceCall.objects.select_for_update(of=("self",)).select_related("commune").get(pk=call_id)
        if call.recording_status != Status.PENDING:
            return call.recording_status
        recording = Recording(
            commune=call.commune,
            phone=call.phone,
            language=call.language or "fr",
            channel=Channel.WHATSAPP if call.gateway == "whatsapp" else Channel.VOICE,
            choice=call.choice,
            audio=audio,
            session_key=f"{call.gateway}:{call.session_id}",
        )
        call.result_id, call.result_label = flow_of(call).on_recording(recording)
        call.recording_status = Status.DONE
        call.error = ""
        call.phone = ""  # what was filed keeps what its design allows; the call needs the number no more
        call.save()
    return call.recording_status


def _failed(call_id: int, error: str) -> str:
    with transaction.atomic():
        call = VoiceCall.objects.select_for_update().get(pk=call_id)
        if call.recording_status == Status.PENDING:
            call.recording_status = Status.FAILED
            call.error = error[:1000]
            call.phone = ""  # nothing was filed: the number is not needed any more
            call.save(update_fields=["recording_status", "error", "phone", "updated_at"])
            audit_record(
                action="channels.voice_recording_failed",
                commune_id=call.commune_id,
                target=call,
                data={"error": error[:200]},
            )
    return call.recording_status
