"""The demo and development gateway: nothing leaves the machine. Each message is logged and kept in the
ConsoleMessage table (the demo's "phone"), which the demo page shows so a visitor can read their code.

Inbound, it speaks Africa's Talking's format (the phone simulator posts the same fields), but only when
PALABRE_DEMO is on: it checks no signature, so it must never answer in production.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import Callback, GatewaySetup, SendResult
from palabre.channels.models import ConsoleMessage, InboundKind

logger = logging.getLogger(__name__)

KEEP_LAST = 200


class ConsoleGateway(AfricasTalkingGateway):
    name = "console"
    title = gettext_noop("Console (démonstration)")
    kinds = frozenset({InboundKind.USSD, InboundKind.SMS, InboundKind.VOICE})

    def send(self, *, to: str, body: str, reference: str) -> SendResult:
        with transaction.atomic():
            message = ConsoleMessage.objects.create(to=to, body=body, reference=reference)
            _forget_older_than(KEEP_LAST)
        logger.info("SMS to %s (outbox #%s): %s", to, reference, body)
        return SendResult(message_id=f"console-{message.pk}")

    def verify(self, request: HttpRequest) -> bool:
        return settings.DEMO_MODE

    def setup(self) -> GatewaySetup:
        return GatewaySetup(
            callbacks=(
                Callback(gettext("USSD"), self._route(InboundKind.USSD)),
                Callback(gettext("SMS reçus"), self._route(InboundKind.SMS)),
                Callback(gettext("Appels vocaux"), self._route(InboundKind.VOICE)),
            ),
            secrets=(),
            note=gettext(
                "Démonstration seulement (PALABRE_DEMO=1) : aucune signature n'est vérifiée, rien ne quitte "
                "la machine. Aucun secret à régler."
            ),
        )


def _forget_older_than(keep: int) -> None:
    """Keep only the latest messages: the console store is a demo convenience, not an archive."""
    oldest_kept = ConsoleMessage.objects.order_by("-id").values_list("id", flat=True)[keep - 1 : keep]
    if oldest_kept:
        ConsoleMessage.objects.filter(id__lt=oldest_kept[0]).delete()
