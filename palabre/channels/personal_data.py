"""What the channels erase of a phone number when its owner is erased (`core.personal_data`).

Registered by ChannelsConfig.ready(). Rows found by the number's keyed hash (inbound log, USSD sessions,
phone and caller profiles) or by the number itself (announcement subscriptions and recipients, voice
calls, the console gateway's demo SMS) go, except two kept without the number:
- a phone profile that staff blocked keeps only the block (a keyed hash, not the number), so erasing an
  account does not lift a block;
- a voice call keeps its row (one complaint per call) with the number blanked.
"""

from django.db import transaction

from palabre.channels.models import (
    BulkRecipient,
    CallerProfile,
    ConsoleMessage,
    InboundMessage,
    PhoneProfile,
    SmsSubscription,
    UssdSession,
    VoiceCall,
)
from palabre.core.keyed import phone_key


def channels_forget_phone(phone: str, *, user_id: int | None = None) -> int:
    """Delete or blank every channels row about `phone` (E.164). Returns the rows deleted or changed."""
    if not phone:
        return 0
    key = phone_key(phone)
    changed = 0
    with transaction.atomic():
        changed += InboundMessage.objects.filter(phone_key=key).delete()[0]
        changed += UssdSession.objects.filter(phone_key=key).delete()[0]
        changed += CallerProfile.objects.filter(phone_key=key).delete()[0]
        changed += PhoneProfile.objects.filter(phone_key=key, blocked_at__isnull=True).delete()[0]
        changed += PhoneProfile.objects.filter(phone_key=key).update(
            language="", commune=None, opted_out_at=None
        )
        changed += SmsSubscription.objects.filter(phone=phone).delete()[0]
        changed += BulkRecipient.objects.filter(phone=phone).delete()[0]
        changed += VoiceCall.objects.filter(phone=phone).update(phone="")
        changed += ConsoleMessage.objects.filter(to=phone).delete()[0]
    return changed
