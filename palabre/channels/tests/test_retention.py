import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from palabre.channels.models import InboundMessage, UssdSession, VoiceCall
from palabre.channels.retention import inbound_sweep

pytestmark = pytest.mark.django_db
Recording = VoiceCall.RecordingStatus


def aged(model, days=0, minutes=0, **fields):
    row = model.objects.create(**fields)
    field = "received_at" if model is InboundMessage else "updated_at"
    model.objects.filter(pk=row.pk).update(
        **{field: timezone.now() - datetime.timedelta(days=days, minutes=minutes)}
    )
    return row


def test_the_sweep_keeps_the_retention_period_and_the_resume_window_only(settings):
    settings.INBOUND_RETENTION_DAYS = 3
    old = aged(InboundMessage, days=4, gateway="at", kind="sms", dedupe_key="old")
    recent = aged(InboundMessage, days=2, gateway="at", kind="sms", dedupe_key="recent")
    dropped = aged(UssdSession, minutes=6, gateway="at", session_id="dropped", phone_key="k")
    resumable = aged(UssdSession, minutes=4, gateway="at", session_id="resumable", phone_key="k")
    finished_call = aged(VoiceCall, days=4, gateway="at", session_id="c1", phone="+2290197000001",
                         recording_status=Recording.DONE)  # fmt: skip
    waiting_call = aged(VoiceCall, days=4, gateway="at", session_id="c2", phone="+2290197000002",
                        recording_status=Recording.PENDING)  # fmt: skip
    assert inbound_sweep() == {"inbound_deleted": 1, "voice_calls_deleted": 1, "ussd_sessions_deleted": 1}
    assert list(InboundMessage.objects.all()) == [recent]
    assert list(UssdSession.objects.all()) == [resumable]
    assert list(VoiceCall.objects.all()) == [waiting_call]
    assert not InboundMessage.objects.filter(pk=old.pk).exists()
    assert not UssdSession.objects.filter(pk=dropped.pk).exists()
    assert not VoiceCall.objects.filter(pk=finished_call.pk).exists()
    assert inbound_sweep() == {"inbound_deleted": 0, "voice_calls_deleted": 0, "ussd_sessions_deleted": 0}


def test_the_command_runs_the_sweep(capsys):
    aged(InboundMessage, days=30, gateway="at", kind="sms", dedupe_key="old")
    call_command("channels_sweep")
    assert "inbound_deleted: 1" in capsys.readouterr().out
    assert not InboundMessage.objects.exists()
