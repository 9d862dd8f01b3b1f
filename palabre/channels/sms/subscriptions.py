"""Who receives a commune's announcements: subscriptions (START) and the STOP opt-out they yield to."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from palabre.channels.models import PhoneProfile
from palabre.channels.sms_models import SmsSubscription
from palabre.core.keyed import phone_key
from palabre.territory.models import Arrondissement, Commune


def subscribers(
    *, commune: Commune, arrondissement: Arrondissement | None = None, language: str = ""
) -> QuerySet[SmsSubscription]:
    """The commune's subscriptions (of one arrondissement, in one language if given), opt-out NOT
    applied: use `opted_out_among` on the numbers, or `bulk.bulk_recipient_phones`."""
    subscriptions = SmsSubscription.objects.filter(commune=commune)
    if arrondissement is not None:
        subscriptions = subscriptions.filter(arrondissement=arrondissement)
    if language:
        subscriptions = subscriptions.filter(language=language)
    return subscriptions.order_by("id")


def opted_out_among(phones: list[str]) -> set[str]:
    """The numbers among `phones` that said STOP and did not say START since."""
    if not phones:
        return set()
    phone_of_key = {phone_key(phone): phone for phone in phones}
    opted_out = PhoneProfile.objects.filter(phone_key__in=phone_of_key, opted_out_at__isnull=False)
    return {phone_of_key[key] for key in opted_out.values_list("phone_key", flat=True)}


def subscription_save(
    *,
    commune: Commune,
    phone: str,
    language: str,
    arrondissement: Arrondissement | None = None,
    now: datetime.datetime | None = None,
) -> SmsSubscription:
    """Subscribe a number to the commune's announcements, or move its subscription to `arrondissement`
    (None keeps the one it had). The citizen asks it themself (START): no audit, like any citizen act."""
    if arrondissement is not None and arrondissement.commune_id != commune.pk:
        arrondissement = None
    with transaction.atomic():
        subscription, created = SmsSubscription.objects.select_for_update().get_or_create(
            commune=commune,
            phone=phone,
            defaults={
                "arrondissement": arrondissement,
                "language": language,
                "created_at": now or timezone.now(),
            },
        )
        if not created:
            subscription.language = language or subscription.language
            subscription.arrondissement = arrondissement or subscription.arrondissement
            subscription.save(update_fields=["language", "arrondissement"])
    return subscription
