"""Bulk SMS announcements to a commune's subscribers: prepare (figures shown), confirm, send throttled.

prepare -> a draft with its encoding, segments, recipients and cost, computed on the exact text sent;
confirm -> the recipients are fixed (opted-out numbers left out) and the throttled task starts;
each run of the task queues at most SMS_BULK_PER_MINUTE messages through the outbox, checks opt-out
again for each number, then schedules itself a minute later until none is left. The outbox's
idempotency key (campaign + recipient) makes a repeated run harmless.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_tasks import task

from palabre.channels.sms.segments import estimate_cost, prepare, segment_info
from palabre.channels.sms.subscriptions import opted_out_among, subscribers
from palabre.channels.sms_models import BulkCampaign, BulkRecipient
from palabre.core.services import audit_record, sms_queue
from palabre.territory.models import Arrondissement, Commune

BULK_KIND = "channels.bulk"
BATCH_INTERVAL = datetime.timedelta(minutes=1)
MAX_MESSAGE_LENGTH = 600
Status = BulkCampaign.Status


def unsubscribe_line(language: str) -> str:
    """The line ending every announcement, in the recipients' language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return pgettext("sms", "STOP pour ne plus recevoir ces annonces.")


def announcement_text(*, message: str, language: str) -> str:
    """Exactly what each recipient reads: the staff's message, then how to unsubscribe."""
    return prepare(f"{' '.join(message.split())}\n{unsubscribe_line(language)}")


def _check_area(commune: Commune, arrondissement: Arrondissement | None) -> None:
    if arrondissement is not None and arrondissement.commune_id != commune.pk:
        raise ValidationError({"arrondissement": _("Cet arrondissement n'est pas dans la commune.")})


def _check_message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Écrivez le message à envoyer.")})
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"message": _("Le message dépasse %(limit)s caractères.") % {"limit": MAX_MESSAGE_LENGTH}}
        )
    return message


def bulk_recipient_phones(
    *, commune: Commune, arrondissement: Arrondissement | None, language: str
) -> list[str]:
    """The subscribers' numbers an announcement would reach now, opted-out numbers left out."""
    phones = list(
        subscribers(commune=commune, arrondissement=arrondissement, language=language).values_list(
            "phone", flat=True
        )
    )
    excluded = opted_out_among(phones)
    return [phone for phone in phones if phone not in excluded]


def campaigns_of(commune: Commune) -> QuerySet[BulkCampaign]:
    """The commune's announcements, newest first. select_related: arrondissement, created_by."""
    return (
        BulkCampaign.objects.filter(commune=commune)
        .select_related("arrondissement", "created_by")
        .order_by("-created_at", "-id")
    )


def bulk_campaign_prepare(
    *,
    commune: Commune,
    arrondissement: Arrondissement | None,
    language: str,
    message: str,
    by,
    now: datetime.datetime | None = None,
) -> BulkCampaign:
    """A draft announcement with the figures staff must see before sending: encoding, segments,
    recipients and estimated cost (SMS_SEGMENT_PRICE_XOF per segment and recipient)."""
    _check_area(commune, arrondissement)
    message = _check_message(message)
    body = announcement_text(message=message, language=language)
    info = segment_info(body)
    recipients = len(bulk_recipient_phones(commune=commune, arrondissement=arrondissement, language=language))
    price = Decimal(settings.SMS_SEGMENT_PRICE_XOF)
    with transaction.atomic():
        campaign = BulkCampaign.objects.create(
            commune=commune,
            arrondissement=arrondissement,
            language=language,
            message=message,
            body=body,
            encoding=info.encoding,
            segments=info.segments,
            recipients_count=recipients,
            price_per_segment=price,
            estimated_cost=estimate_cost(
                segments=info.segments, recipients=recipients, price_per_segment=price
            ),
            created_by=by,
            created_at=now or timezone.now(),
        )
        audit_record(
            action="channels.bulk_prepared",
            actor_id=by.pk,
            commune_id=commune.pk,
            target=campaign,
            data={"segments": info.segments, "recipients": recipients},
        )
    return campaign


def bulk_campaign_confirm(
    *, campaign: BulkCampaign, by, now: datetime.datetime | None = None
) -> BulkCampaign:
    """Send a draft: its recipients are fixed now (numbers that opted out since the preview are left out,
    so the cost can only go down) and the throttled sending starts after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = BulkCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Status.DRAFT:
            raise ValidationError(_("Cette annonce a déjà été envoyée ou annulée."), code="not_draft")
        phones = bulk_recipient_phones(
            commune=campaign.commune, arrondissement=campaign.arrondissement, language=campaign.language
        )
        BulkRecipient.objects.bulk_create(BulkRecipient(campaign=campaign, phone=phone) for phone in phones)
        campaign.recipients_count = len(phones)
        campaign.estimated_cost = estimate_cost(
            segments=campaign.segments, recipients=len(phones), price_per_segment=campaign.price_per_segment
        )
        campaign.status = Status.SENDING
        campaign.confirmed_by = by
        campaign.confirmed_at = now
        campaign.save()
        audit_record(
            action="channels.bulk_confirmed",
            actor_id=by.pk,
            commune_id=campaign.commune_id,
            target=campaign,
            data={"recipients": len(phones), "estimated_cost": str(campaign.estimated_cost)},
        )
        transaction.on_commit(lambda: _enqueue_batch(campaign.pk))
    return campaign


def bulk_campaign_cancel(*, campaign: BulkCampaign, by, now: datetime.datetime | None = None) -> BulkCampaign:
    """Stop a draft or a send in progress: recipients not reached yet will not be."""
    with transaction.atomic():
        campaign = BulkCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in (Status.DRAFT, Status.SENDING):
            raise ValidationError(_("Cette annonce est déjà terminée."), code="finished")
        campaign.status = Status.CANCELLED
        campaign.finished_at = now or timezone.now()
        campaign.save(update_fields=["status", "finished_at"])
        audit_record(
            action="channels.bulk_cancelled",
            actor_id=by.pk,
            commune_id=campaign.commune_id,
            target=campaign,
            data={"queued": campaign.queued_count},
        )
    return campaign


def bulk_send_batch(
    *, campaign_id: int, per_minute: int | None = None, now: datetime.datetime | None = None
) -> int:
    """Queue the next `per_minute` (default SMS_BULK_PER_MINUTE) recipients of a sending campaign;
    schedule the next batch a minute later, or mark the campaign sent. Returns how many were handled."""
    now = now or timezone.now()
    per_minute = per_minute or settings.SMS_BULK_PER_MINUTE
    with transaction.atomic():
        campaign = BulkCampaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status != Status.SENDING:
            return 0
        batch = list(_pending(campaign)[:per_minute])
        excluded = opted_out_among([recipient.phone for recipient in batch])
        for recipient in batch:
            _handle_recipient(campaign, recipient, opted_out=recipient.phone in excluded, now=now)
        campaign.save(update_fields=["queued_count", "skipped_count"])
        if _pending(campaign).exists():
            transaction.on_commit(lambda: _enqueue_batch(campaign.pk, run_after=now + BATCH_INTERVAL))
        else:
            _finish(campaign, now)
    return len(batch)


def _pending(campaign: BulkCampaign) -> QuerySet[BulkRecipient]:
    return campaign.recipients.filter(status=BulkRecipient.Status.PENDING).order_by("id")


def _handle_recipient(
    campaign: BulkCampaign, recipient: BulkRecipient, *, opted_out: bool, now: datetime.datetime
) -> None:
    recipient.handled_at = now
    if opted_out:
        recipient.status = BulkRecipient.Status.SKIPPED
        campaign.skipped_count += 1
    else:
        message = sms_queue(
            to=recipient.phone,
            body=campaign.body,
            kind=BULK_KIND,
            commune_id=campaign.commune_id,
            idempotency_key=f"{BULK_KIND}:{campaign.pk}:{recipient.pk}",
        )
        recipient.status = BulkRecipient.Status.QUEUED
        recipient.outbound_message_id = message.pk
        campaign.queued_count += 1
    recipient.save(update_fields=["status", "handled_at", "outbound_message_id"])


def _finish(campaign: BulkCampaign, now: datetime.datetime) -> None:
    campaign.status = Status.SENT
    campaign.finished_at = now
    campaign.save(update_fields=["status", "finished_at"])
    audit_record(
        action="channels.bulk_sent",
        commune_id=campaign.commune_id,
        target=campaign,
        data={"queued": campaign.queued_count, "skipped": campaign.skipped_count},
    )


def _enqueue_batch(campaign_id: int, run_after: datetime.datetime | None = None) -> None:
    """Hand the next batch to the worker (a backend that cannot defer, as in development, runs it now)."""
    batch_task = send_bulk_batch
    if run_after is not None and batch_task.get_backend().supports_defer:
        batch_task = batch_task.using(run_after=run_after)
    batch_task.enqueue(campaign_id)


@task()
def send_bulk_batch(campaign_id: int) -> int:
    """One throttled batch of a bulk announcement (`manage.py db_worker` runs it)."""
    return bulk_send_batch(campaign_id=campaign_id)
