import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from palabre.accounts.tests.factories import MembershipFactory
from palabre.channels.phones import phone_opt_out
from palabre.channels.sms import bulk
from palabre.channels.sms_models import BulkCampaign, BulkRecipient
from palabre.core.models import AuditEvent, OutboundMessage
from palabre.territory.tests.factories import ArrondissementFactory

Status = BulkCampaign.Status


@pytest.fixture
def officer(bohicon):
    return MembershipFactory(commune=bohicon, role="complaints_officer").user


@pytest.fixture
def prepare(bohicon, saclo, officer):
    def make(message="Réunion publique mardi 10h à la mairie.", arrondissement=saclo, language=""):
        return bulk.bulk_campaign_prepare(
            commune=bohicon, arrondissement=arrondissement, language=language, message=message, by=officer
        )

    return make


def test_prepare_shows_segments_recipients_and_cost_before_sending(
    prepare, bohicon, saclo, subscribe, settings
):
    settings.SMS_SEGMENT_PRICE_XOF = Decimal("20")
    subscribe(bohicon, 3, arrondissement=saclo)
    subscribe(bohicon, 2, arrondissement=None, start=100)  # whole commune: not Saclo's subscribers
    campaign = prepare()
    assert campaign.status == Status.DRAFT
    assert campaign.body.startswith("Réunion publique mardi 10h à la mairie.\n")
    assert "STOP" in campaign.body
    assert (campaign.encoding, campaign.segments, campaign.recipients_count) == ("gsm7", 1, 3)
    assert campaign.estimated_cost == Decimal("60")
    assert not OutboundMessage.objects.exists()
    assert AuditEvent.objects.filter(action="channels.bulk_prepared").count() == 1


def test_prepare_counts_fon_text_as_ucs2(prepare, bohicon, saclo, subscribe):
    subscribe(bohicon, 1, arrondissement=saclo)
    campaign = prepare(message="Mɛ lɛ bi ni wá xwé tò ɔ mɛ " * 3)
    assert campaign.encoding == "ucs2"
    assert campaign.segments == 2


def test_whole_commune_and_language_filter(prepare, bohicon, saclo, passagon, subscribe):
    subscribe(bohicon, 2, arrondissement=saclo, language="fon")
    subscribe(bohicon, 3, arrondissement=passagon, start=10)
    assert prepare(arrondissement=None).recipients_count == 5
    assert prepare(arrondissement=None, language="fon").recipients_count == 2


def test_prepare_leaves_out_opted_out_numbers(prepare, bohicon, saclo, subscribe):
    phones = subscribe(bohicon, 3, arrondissement=saclo)
    phone_opt_out(phone=phones[0])
    assert prepare().recipients_count == 2


def test_prepare_refuses_another_communes_arrondissement(prepare, toffo):
    with pytest.raises(ValidationError):
        prepare(arrondissement=ArrondissementFactory(commune=toffo))


@pytest.mark.parametrize("message", ["", "   ", "x" * (bulk.MAX_MESSAGE_LENGTH + 1)])
def test_prepare_refuses_empty_or_too_long_message(prepare, message):
    with pytest.raises(ValidationError):
        prepare(message=message)


def test_confirm_fixes_recipients_and_schedules_the_first_batch(prepare, bohicon, saclo, subscribe, officer):
    subscribe(bohicon, 3, arrondissement=saclo)
    campaign = bulk.bulk_campaign_confirm(campaign=prepare(), by=officer)
    with pytest.raises(ValidationError):
        bulk.bulk_campaign_confirm(campaign=campaign, by=officer)
    campaign.refresh_from_db()
    assert campaign.status == Status.SENDING
    assert campaign.recipients.count() == 3
    assert AuditEvent.objects.filter(action="channels.bulk_confirmed").count() == 1


def test_confirm_enqueues_the_batch_task_after_commit(
    prepare, bohicon, saclo, subscribe, officer, django_capture_on_commit_callbacks
):
    subscribe(bohicon, 2, arrondissement=saclo)
    campaign = prepare()
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_campaign_confirm(campaign=campaign, by=officer)
    assert DBTaskResult.objects.filter(
        task_path__endswith="send_bulk_batch", args_kwargs__args=[campaign.pk]
    ).exists()


def test_batches_are_throttled(
    prepare, bohicon, saclo, subscribe, officer, django_capture_on_commit_callbacks
):
    subscribe(bohicon, 5, arrondissement=saclo)
    campaign = bulk.bulk_campaign_confirm(campaign=prepare(), by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=2) == 2
    assert OutboundMessage.objects.filter(kind=bulk.BULK_KIND).count() == 2
    next_batch = DBTaskResult.objects.filter(task_path__endswith="send_bulk_batch").latest("enqueued_at")
    assert next_batch.run_after is not None
    assert bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=2) == 2
    assert bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=2) == 1
    campaign.refresh_from_db()
    assert (campaign.status, campaign.queued_count) == (Status.SENT, 5)
    assert bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=2) == 0
    assert OutboundMessage.objects.filter(kind=bulk.BULK_KIND).count() == 5
    assert AuditEvent.objects.filter(action="channels.bulk_sent").count() == 1


def test_stop_after_confirmation_is_honoured_at_send_time(prepare, bohicon, saclo, subscribe, officer):
    phones = subscribe(bohicon, 3, arrondissement=saclo)
    campaign = bulk.bulk_campaign_confirm(campaign=prepare(), by=officer)
    phone_opt_out(phone=phones[1])
    bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=10)
    sent_to = set(OutboundMessage.objects.filter(kind=bulk.BULK_KIND).values_list("to", flat=True))
    assert sent_to == {phones[0], phones[2]}
    assert BulkRecipient.objects.get(phone=phones[1]).status == BulkRecipient.Status.SKIPPED
    campaign.refresh_from_db()
    assert (campaign.queued_count, campaign.skipped_count) == (2, 1)


def test_each_recipient_gets_the_exact_previewed_text_once(prepare, bohicon, saclo, subscribe, officer):
    subscribe(bohicon, 2, arrondissement=saclo)
    campaign = bulk.bulk_campaign_confirm(campaign=prepare(), by=officer)
    bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=10)
    BulkRecipient.objects.update(status=BulkRecipient.Status.PENDING)  # as if a worker ran it again
    BulkCampaign.objects.filter(pk=campaign.pk).update(status=Status.SENDING)
    bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=10)
    messages = OutboundMessage.objects.filter(kind=bulk.BULK_KIND)
    assert messages.count() == 2
    assert {message.body for message in messages} == {campaign.body}


def test_cancel_stops_the_remaining_sends(prepare, bohicon, saclo, subscribe, officer):
    subscribe(bohicon, 4, arrondissement=saclo)
    campaign = bulk.bulk_campaign_confirm(campaign=prepare(), by=officer)
    bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=1)
    bulk.bulk_campaign_cancel(campaign=campaign, by=officer)
    assert bulk.bulk_send_batch(campaign_id=campaign.pk, per_minute=10) == 0
    assert OutboundMessage.objects.filter(kind=bulk.BULK_KIND).count() == 1
    with pytest.raises(ValidationError):
        bulk.bulk_campaign_cancel(campaign=campaign, by=officer)
    assert AuditEvent.objects.filter(action="channels.bulk_cancelled").count() == 1


def test_history_lists_newest_first(prepare, bohicon):
    first, second = prepare(), prepare()
    BulkCampaign.objects.filter(pk=first.pk).update(
        created_at=second.created_at - datetime.timedelta(hours=1)
    )
    assert list(bulk.campaigns_of(bohicon)) == [second, first]


def test_unsubscribe_line_in_the_recipients_language():
    assert "STOP" in bulk.unsubscribe_line("fr")
    assert bulk.announcement_text(message="  Réunion \n demain ", language="fr").startswith(
        "Réunion demain\n"
    )
