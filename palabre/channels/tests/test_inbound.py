import datetime

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palabre.channels import inbound as inbound_module
from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import DeliveryUpdate, Inbound
from palabre.channels.inbound import dedupe_key, handler_for, inbound_handle
from palabre.channels.models import DeliveryReport, InboundKind, InboundMessage
from palabre.channels.phones import phone_block, phone_set_commune, phone_set_language
from palabre.channels.replies import Reply
from palabre.channels.tests.conftest import PHONE
from palabre.channels.ussd.tests.caller import at_token
from palabre.core.keyed import phone_key
from palabre.core.models import OutboundMessage
from palabre.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
Status = InboundMessage.Status


def ussd_step(text="", session="ATUid_1"):
    return Inbound(kind=InboundKind.USSD, external_id=f"{session}:{text}", phone=PHONE, text=text,
                   session_id=session, payload={"text": text})  # fmt: skip


def sms(message_id="sms-1", text="AIDE"):
    return Inbound(
        kind=InboundKind.SMS, external_id=message_id, phone=PHONE, text=text, payload={"text": text}
    )


@pytest.fixture
def gateway():
    return AfricasTalkingGateway()


def test_a_request_is_processed_and_keeps_only_keyed_traces(gateway, engine):
    handled = inbound_handle(gateway=gateway, inbound=ussd_step("1*Ma plainte"))
    assert handled.reply == "CON Bienvenue"
    message = InboundMessage.objects.get(pk=handled.message.pk)
    assert (message.status, message.phone_key) == (Status.PROCESSED, phone_key(PHONE))
    assert message.processed_at is not None
    assert message.dedupe_key == dedupe_key("africastalking", ussd_step("1*Ma plainte"))
    stored = " ".join(str(value) for value in InboundMessage.objects.values().get().values())
    assert PHONE not in stored and "plainte" not in stored and "Bienvenue" not in stored


def test_the_handler_gets_the_phone_settings_as_context(gateway, engine):
    commune = CommuneFactory()
    phone_set_language(phone=PHONE, language="fon")
    phone_set_commune(phone=PHONE, commune=commune)
    message = inbound_handle(gateway=gateway, inbound=ussd_step()).message
    context, _inbound = engine.calls[0]
    assert (context.phone, context.commune, context.language) == (PHONE, commune, "fon")
    assert (context.channel, context.gateway, context.inbound_id) == ("ussd", "africastalking", message.pk)
    message.refresh_from_db()
    assert message.commune == commune


def test_a_commune_learned_by_the_handler_is_stored(gateway, engine):
    commune = CommuneFactory()
    engine.reply = Reply(text="ok", commune_id=commune.pk)
    message = inbound_handle(gateway=gateway, inbound=ussd_step()).message
    assert InboundMessage.objects.get(pk=message.pk).commune == commune


def test_a_retry_is_processed_once_and_told_it_was_received(gateway, engine):
    first = inbound_handle(gateway=gateway, inbound=ussd_step("1"))
    engine.reply = Reply(text="Autre chose")
    second = inbound_handle(gateway=gateway, inbound=ussd_step("1"))
    assert second.message.pk == first.message.pk
    assert second.reply == "END Votre demande a déjà été reçue. Merci."  # no USSD session here
    assert len(engine.calls) == 1
    assert InboundMessage.objects.count() == 1


def test_each_ussd_step_is_a_new_request(gateway, engine):
    inbound_handle(gateway=gateway, inbound=ussd_step(""))
    inbound_handle(gateway=gateway, inbound=ussd_step("1"))
    assert len(engine.calls) == 2


def test_a_failed_request_is_apologised_for_then_processed_again_on_retry(gateway, engine):
    engine.error = RuntimeError("boom")
    failed = inbound_handle(gateway=gateway, inbound=sms()).message
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert failed.error == "RuntimeError"  # the class only: a message may quote what was typed
    apology = OutboundMessage.objects.get(kind="reply")
    assert apology.body.startswith("Désolé") and apology.idempotency_key == f"inbound:{failed.pk}:failed"
    engine.error = None
    engine.reply = Reply(text="Enregistré.")
    retried = inbound_handle(gateway=gateway, inbound=sms()).message
    assert (retried.pk, retried.status) == (failed.pk, Status.PROCESSED)
    assert len(engine.calls) == 2
    assert OutboundMessage.objects.filter(kind="reply", body="Enregistré.").count() == 1


def test_a_failed_handler_rolls_back_its_writes(gateway, monkeypatch):
    def write_then_fail(context, inbound):
        OutboundMessage.objects.create(to=PHONE, body="x", kind="test")
        raise RuntimeError("boom")

    monkeypatch.setattr(inbound_module, "handler_for", lambda inbound: write_then_fail)
    message = inbound_handle(gateway=gateway, inbound=ussd_step())
    assert not OutboundMessage.objects.filter(kind="test").exists()
    assert message.reply.startswith("END Désolé")


def test_an_sms_reply_goes_through_the_outbox_once(gateway, engine, django_capture_on_commit_callbacks):
    engine.reply = Reply(text="Votre plainte est enregistrée.")
    with django_capture_on_commit_callbacks():
        message = inbound_handle(gateway=gateway, inbound=sms()).message
        inbound_handle(gateway=gateway, inbound=sms())
    reply = OutboundMessage.objects.get(kind="reply")
    assert (reply.to, reply.body, reply.idempotency_key) == (
        PHONE,
        "Votre plainte est enregistrée.",
        f"inbound:{message.pk}",
    )


def test_a_blocked_number_is_stored_but_not_processed(gateway, engine):
    staff = _staff_user()
    phone_block(key=phone_key(PHONE), reason="injures", commune=None, by=staff)
    ussd = inbound_handle(gateway=gateway, inbound=ussd_step())
    text = inbound_handle(gateway=gateway, inbound=sms())
    assert engine.calls == []
    assert (ussd.message.status, text.message.status) == (Status.BLOCKED, Status.BLOCKED)
    assert ussd.reply.startswith("END ")
    assert text.reply == ""
    assert not OutboundMessage.objects.filter(kind="reply").exists()


def test_over_the_rate_limit_a_short_polite_answer(
    gateway, engine, settings, django_capture_on_commit_callbacks
):
    settings.CHANNELS_RATE_LIMITS = {InboundKind.SMS: (2, 3600)}
    with django_capture_on_commit_callbacks():
        statuses = [inbound_handle(gateway=gateway, inbound=sms(f"sms-{n}")).message.status for n in range(3)]
    assert statuses == [Status.PROCESSED, Status.PROCESSED, Status.LIMITED]
    assert len(engine.calls) == 2
    polite = OutboundMessage.objects.get(
        idempotency_key__endswith=str(InboundMessage.objects.latest("id").pk)
    )
    assert "réessayer" in polite.body
    again = inbound_handle(gateway=gateway, inbound=sms("sms-2"))  # a retry of the refused one
    assert (again.message.status, len(engine.calls)) == (Status.LIMITED, 2)


def test_a_retried_refusal_gets_the_same_refusal(gateway, engine, settings):
    settings.CHANNELS_RATE_LIMITS = {InboundKind.USSD: (0, 3600)}
    first = inbound_handle(gateway=gateway, inbound=ussd_step())
    assert first.reply == inbound_handle(gateway=gateway, inbound=ussd_step()).reply
    assert "réessayer" in first.reply and engine.calls == []


def test_the_rate_limit_window_slides(gateway, engine, settings):
    settings.CHANNELS_RATE_LIMITS = {InboundKind.USSD: (1, 600)}
    inbound_handle(gateway=gateway, inbound=ussd_step("", "old"))
    InboundMessage.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=11))
    assert inbound_handle(gateway=gateway, inbound=ussd_step("", "new")).message.status == Status.PROCESSED


def test_delivery_reports_keep_the_final_status(gateway):
    def report(status, final, delivered=False):
        update = DeliveryUpdate(
            gateway_message_id="ATXid_1", status=status, is_delivered=delivered, is_final=final
        )
        return Inbound(
            kind=InboundKind.DELIVERY, external_id=f"ATXid_1:{status}", phone=PHONE, delivery=update
        )

    inbound_handle(gateway=gateway, inbound=report("Sent", False))
    inbound_handle(gateway=gateway, inbound=report("Success", True, delivered=True))
    inbound_handle(gateway=gateway, inbound=report("Buffered", False))  # late, out of order
    stored = DeliveryReport.objects.get()
    assert (stored.status, stored.is_delivered, stored.is_final) == ("Success", True, True)


def test_a_very_long_external_id_is_hashed_and_still_unique(gateway, engine):
    long_text = "1*" * 150
    first = inbound_handle(gateway=gateway, inbound=ussd_step(long_text + "1")).message
    second = inbound_handle(gateway=gateway, inbound=ussd_step(long_text + "2")).message
    assert first.pk != second.pk
    assert len(first.dedupe_key) == 64


def test_engines_are_found_by_dotted_path():
    from palabre.channels.ussd.service import handle_ussd
    from palabre.channels.voice.service import handle_voice_note

    assert handler_for(ussd_step()) is handle_ussd
    whatsapp_audio = Inbound(kind=InboundKind.WHATSAPP, external_id="w", phone=PHONE, media_id="123")
    assert handler_for(whatsapp_audio) is handle_voice_note


def test_whatsapp_text_goes_to_sms_dispatch():
    from palabre.channels.sms.dispatch import handle_sms

    assert (
        handler_for(Inbound(kind=InboundKind.WHATSAPP, external_id="w", phone=PHONE, text="AIDE"))
        is handle_sms
    )


def _staff_user():
    from palabre.accounts.tests.factories import UserFactory

    return UserFactory()


# Cost of a request: the queries stay few (each one costs CPU on every SMS and every USSD step) ----------
def test_an_inbound_sms_through_the_webhook_costs_few_queries(
    client, settings, django_assert_max_num_queries
):
    """Store (1), phone settings (1), rate limit (1), lock (1), processed (1), reply queued in the outbox
    with its task (about 4), plus the test's savepoints."""
    phone_set_language(phone=PHONE, language="fr")
    with django_assert_max_num_queries(15):
        response = client.post(
            "/channels/africastalking/sms/",
            {"id": "at-1", "from": PHONE, "text": "AIDE"},
            query_params=at_token(),
        )
    assert response.status_code == 200
    assert InboundMessage.objects.get().status == Status.PROCESSED
    assert OutboundMessage.objects.filter(to=PHONE, kind="reply").count() == 1


def test_a_retried_sms_costs_fewer_queries_and_is_answered_once(
    client, settings, django_assert_max_num_queries
):
    fields = {"id": "at-2", "from": PHONE, "text": "AIDE"}
    client.post("/channels/africastalking/sms/", fields, query_params=at_token())
    with django_assert_max_num_queries(5):
        assert (
            client.post("/channels/africastalking/sms/", fields, query_params=at_token()).status_code == 200
        )
    assert OutboundMessage.objects.filter(to=PHONE, kind="reply").count() == 1


def test_the_rate_limit_counts_only_the_window_and_stops_at_the_limit(settings):
    from palabre.channels.ratelimit import rate_limit_exceeded

    settings.CHANNELS_RATE_LIMITS = {"sms": (2, 3600)}
    now = timezone.now()
    key = phone_key(PHONE)
    for number in range(2):
        InboundMessage.objects.create(gateway="at", kind="sms", dedupe_key=f"r{number}", phone_key=key)
    old = InboundMessage.objects.create(gateway="at", kind="sms", dedupe_key="old", phone_key=key)
    InboundMessage.objects.filter(pk=old.pk).update(received_at=now - datetime.timedelta(hours=2))
    assert not rate_limit_exceeded(phone_key=key, kind="sms", now=now)
    InboundMessage.objects.create(gateway="at", kind="sms", dedupe_key="r3", phone_key=key)
    assert rate_limit_exceeded(phone_key=key, kind="sms", now=now)
    assert not rate_limit_exceeded(phone_key=key, kind="ussd", now=now)


# Work bounded and done without holding SQLite's write lock -----------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_step_reads_before_it_takes_the_write_lock(gateway, engine):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock is the whole database's; PostgreSQL locks rows")
    with CaptureQueriesContext(connection) as queries:
        inbound_handle(gateway=gateway, inbound=sms())
    begins = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("BEGIN")]
    assert begins[-1] == "BEGIN DEFERRED"
    assert connection.transaction_mode == "IMMEDIATE"  # as configured for every other transaction


@pytest.mark.django_db(transaction=True)
def test_a_step_that_met_a_concurrent_writer_is_run_again(gateway, monkeypatch):
    calls = []

    def locked_once(context, inbound):
        calls.append(connection.in_atomic_block)
        if len(calls) == 1:
            OutboundMessage.objects.create(to=PHONE, body="rolled back", kind="test")
            raise OperationalError("database is locked")
        return Reply(text="ok")

    monkeypatch.setattr(inbound_module, "handler_for", lambda inbound: locked_once)
    handled = inbound_handle(gateway=gateway, inbound=ussd_step())
    assert (len(calls), handled.message.status, handled.reply) == (2, Status.PROCESSED, "END ok")
    assert not OutboundMessage.objects.filter(kind="test").exists()


@pytest.mark.django_db(transaction=True)
def test_the_last_run_holds_the_lock_and_a_lasting_conflict_is_a_failure(gateway, monkeypatch):
    calls = []

    def always_locked(context, inbound):
        calls.append(1)
        raise OperationalError("database is locked")

    monkeypatch.setattr(inbound_module, "handler_for", lambda inbound: always_locked)
    handled = inbound_handle(gateway=gateway, inbound=ussd_step())
    assert len(calls) == inbound_module.STEP_ATTEMPTS
    assert (handled.message.status, handled.message.error) == (Status.FAILED, "OperationalError")


def test_a_text_too_long_is_refused_before_any_work(gateway, engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        handled = inbound_handle(gateway=gateway, inbound=sms(text="PLAINTE " + "x" * 200_000))
    assert (handled.message.status, engine.calls) == (Status.TOO_LONG, [])
    assert "trop long" in OutboundMessage.objects.get(kind="reply").body
