"""Two retries of one SMS arriving at the same instant, each on its own web worker and connection: the
stored row (unique per gateway, kind and provider's id) and `SELECT ... FOR UPDATE` let exactly one of them
run the handler and queue the reply. SQLite writes one transaction at a time, so this race only exists on a
server database: on SQLite the test is skipped."""

import threading
import time

import pytest
from django.db import connection

from palabre.channels import inbound as inbound_module
from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import Inbound
from palabre.channels.inbound import inbound_handle
from palabre.channels.models import InboundKind, InboundMessage
from palabre.channels.replies import Reply
from palabre.channels.tests.conftest import PHONE
from palabre.core.models import OutboundMessage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: concurrent retries are checked on PostgreSQL "
        "(set DATABASE_URL=postgres://...)",
    ),
]

RETRIES = 2


def test_two_simultaneous_retries_of_one_sms_are_processed_once_with_one_reply(monkeypatch):
    calls = []

    def slow_handler(context, inbound):
        calls.append(inbound.external_id)
        time.sleep(0.3)  # the other retry arrives while this one holds the row
        return Reply(text="Votre plainte est enregistrée.")

    monkeypatch.setattr(inbound_module, "handler_for", lambda inbound: slow_handler)
    message = Inbound(kind=InboundKind.SMS, external_id="ATXid_same", phone=PHONE, text="PLAINTE eau")
    start = threading.Barrier(RETRIES)
    answers, errors = [], []

    def retry():
        try:
            start.wait()
            answers.append(inbound_handle(gateway=AfricasTalkingGateway(), inbound=message).reply)
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert calls == ["ATXid_same"]
    stored = InboundMessage.objects.get()
    assert stored.status == InboundMessage.Status.PROCESSED
    assert list(OutboundMessage.objects.values_list("kind", "idempotency_key")) == [
        ("reply", f"inbound:{stored.pk}")
    ]
    # The one processed renders its reply (the webhook sends it by the outbox, not in the HTTP answer); the
    # other, a retry of a request already answered, renders nothing.
    assert sorted(answers) == ["", "Votre plainte est enregistrée."]
