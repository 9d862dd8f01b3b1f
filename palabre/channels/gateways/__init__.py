"""SMS / USSD / voice / WhatsApp providers. Each module implements `base.Gateway` (sending, for the outbox,
named by the setting PALABRE_SMS_GATEWAY) and `base.InboundGateway` (webhooks: verify, parse, render, and
its setup for the administrator). The gateways whose webhooks answer are listed in the setting
INBOUND_GATEWAYS (`PALABRE_INBOUND_GATEWAYS`, dotted paths; the console one in demo mode only)."""

import functools

from django.conf import settings
from django.utils.module_loading import import_string

from palabre.channels.gateways.base import InboundGateway


def inbound_gateway_classes() -> dict[str, type[InboundGateway]]:
    """The configured inbound gateway classes by their `name` (the first segment of webhook URLs), in the
    order of the setting."""
    return _classes(tuple(settings.INBOUND_GATEWAYS))


@functools.cache
def _classes(paths: tuple[str, ...]) -> dict[str, type[InboundGateway]]:
    classes: dict[str, type[InboundGateway]] = {}
    for path in paths:
        gateway_class = import_string(path)
        classes[gateway_class.name] = gateway_class
    return classes


def inbound_gateway(name: str) -> InboundGateway | None:
    """A new instance of the configured gateway called `name` in webhook URLs, or None if there is none."""
    gateway_class = inbound_gateway_classes().get(name)
    return gateway_class() if gateway_class is not None else None
