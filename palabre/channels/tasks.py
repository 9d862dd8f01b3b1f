"""Background work of the channels, run by `manage.py db_worker`."""

import logging

from django_tasks import task

from palabre.channels.gateways.base import GatewayError
from palabre.channels.gateways.whatsapp import WhatsAppGateway
from palabre.channels.models import InboundMessage

logger = logging.getLogger(__name__)


@task()
def send_whatsapp_reply(inbound_id: int) -> str:
    """Send the stored reply to a WhatsApp message through the Cloud API (once: a retried inbound message
    is answered from the store, so this task is enqueued only when the message is first processed)."""
    message = InboundMessage.objects.get(pk=inbound_id)
    try:
        result = WhatsAppGateway().send(
            to=message.phone, body=message.reply, reference=f"inbound:{inbound_id}"
        )
    except GatewayError as error:
        logger.warning("WhatsApp reply to inbound #%s failed: %r", inbound_id, error)
        return "failed"
    return result.message_id
