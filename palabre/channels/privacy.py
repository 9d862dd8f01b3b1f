"""Forgetting a caller: what a service calls after filing something whose sender must stay untraceable.

An anonymous complaint filed by USSD takes several requests; each stored request keeps the keyed hash of
the caller's number (for the rate limits), and their times match the complaint's. The service that files
such a thing (`complaint_file`) calls `caller_forget()`: once the request is processed, the number's hash
is erased from it and from the same number's requests of the last `FORGET_WINDOW`, and its USSD sessions
are deleted.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import timezone

from palabre.channels.models import InboundMessage, UssdSession

# Longer than a USSD session and its resume window: every request of the filing is reached.
FORGET_WINDOW = datetime.timedelta(minutes=30)


@dataclass
class ForgetRequest:
    requested: bool = False


_current: ContextVar[ForgetRequest | None] = ContextVar("palabre_forget_caller", default=None)


@contextmanager
def forgetting() -> Iterator[ForgetRequest]:
    """The scope of one request's processing (`channels.inbound`): `caller_forget()` inside it is seen."""
    request = ForgetRequest()
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def caller_forget() -> None:
    """Ask that the current caller's traces be erased once this request is processed (no effect outside
    the processing of an inbound request, e.g. on the web, where no such trace exists)."""
    request = _current.get()
    if request is not None:
        request.requested = True


def forget_recent_requests(*, message: InboundMessage, now: datetime.datetime | None = None) -> None:
    """Erase the number's hash from `message` and the same number's recent requests; end its sessions."""
    if not message.phone_key:
        return
    since = (now or timezone.now()) - FORGET_WINDOW
    InboundMessage.objects.filter(phone_key=message.phone_key, received_at__gte=since).update(phone_key="")
    UssdSession.objects.filter(phone_key=message.phone_key).delete()
    message.phone_key = ""
