"""SMS / USSD / voice / WhatsApp providers. Each module implements `base.Gateway` (sending, for the outbox,
named by the setting PALABRE_SMS_GATEWAY) and `base.InboundGateway` (webhooks: verify, parse, render)."""

from django.utils.module_loading import import_string

INBOUND_GATEWAYS = {
    "africastalking": "palabre.channels.gateways.africastalking.AfricasTalkingGateway",
    "twilio": "palabre.channels.gateways.twilio.TwilioGateway",
    "whatsapp": "palabre.channels.gateways.whatsapp.WhatsAppGateway",
    "console": "palabre.channels.gateways.console.ConsoleGateway",
}


def inbound_gateway(name: str):
    """A new instance of the gateway called `name` in webhook URLs, or None if there is none."""
    path = INBOUND_GATEWAYS.get(name)
    return import_string(path)() if path else None
