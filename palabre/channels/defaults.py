"""The answers used while a channel engine is missing, and the short answers to refused requests.

The real engines (`channels/ussd/service.py`, `channels/voice/service.py`) replace these handlers as soon
as they exist (see `channels.inbound.HANDLERS`)."""

from django.utils.translation import pgettext

from palabre.channels.gateways.base import Inbound
from palabre.channels.models import InboundKind
from palabre.channels.replies import Reply, Say
from palabre.channels.router import InboundContext


def handle_ussd(context: InboundContext, inbound: Inbound) -> Reply:
    return Reply(text=pgettext("sms", "Ce service sera bientôt disponible. Merci de votre patience."))


def handle_voice(context: InboundContext, inbound: Inbound) -> Reply:
    text = pgettext("sms", "Ce service sera bientôt disponible. Merci de votre patience.")
    return Reply(voice=(Say(text=text),))


def handle_voice_note(context: InboundContext, inbound: Inbound) -> Reply:
    return Reply(text=pgettext("sms", "Les messages vocaux ne sont pas encore acceptés. Écrivez AIDE."))


def blocked_reply(kind: str) -> Reply:
    """Blocked numbers get no text by SMS or WhatsApp (no cost, no argument); USSD and voice need one."""
    if kind in (InboundKind.SMS, InboundKind.WHATSAPP):
        return Reply()
    text = pgettext("sms", "Ce numéro ne peut plus utiliser ce service. Contactez votre mairie.")
    if kind == InboundKind.VOICE:
        return Reply(voice=(Say(text=text),))
    return Reply(text=text)
