"""System checks of the channels: settings whose default would leave a webhook open.

Registered from `ChannelsConfig.ready()`. An ERROR stops `runserver` and `migrate` and fails
`manage.py check` (run it before starting the web processes: docs/deploy.md).
"""

from django.conf import settings
from django.core import checks

AT_TOKEN_MISSING = "channels.E001"


def africastalking_token_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Outside demo mode the Africa's Talking routes need PALABRE_AT_TOKEN: the provider signs nothing,
    so without the token anyone could post a USSD step or an SMS "from" any number."""
    if settings.AT_TOKEN or settings.DEMO_MODE:
        return []
    return [
        checks.Error(
            "PALABRE_AT_TOKEN is empty: the Africa's Talking webhooks (USSD, SMS, voice, delivery reports) "
            "refuse every request.",
            hint="Set PALABRE_AT_TOKEN to a long random value (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))') and add ?token=<that value> to every callback URL "
            "configured at Africa's Talking (docs/deploy.md, 'Gateways'). Only the demo (PALABRE_DEMO=1) "
            "runs without it.",
            id=AT_TOKEN_MISSING,
        )
    ]


CONSOLE_GATEWAY_IN_PRODUCTION = "channels.E002"
CONSOLE_GATEWAY = "palabre.channels.gateways.console.ConsoleGateway"


def console_gateway_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: outside demo mode the console gateway would send nothing and keep every SMS (its
    number and text, login codes and receipts included) in its demo table."""
    if settings.DEMO_MODE or settings.SMS_GATEWAY != CONSOLE_GATEWAY:
        return []
    return [
        checks.Error(
            "PALABRE_SMS_GATEWAY is the console gateway: no SMS is sent, and each one is kept with its "
            "number in the demo table.",
            hint="Set PALABRE_SMS_GATEWAY to palabre.channels.gateways.africastalking.AfricasTalkingGateway "
            "(or the Twilio one) and add its account in the admin (docs/deploy.md, 'Gateways').",
            id=CONSOLE_GATEWAY_IN_PRODUCTION,
        )
    ]
