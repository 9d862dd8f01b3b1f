import datetime

import pytest
from django.utils import timezone

from palabre.channels import inbound as inbound_module
from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import DeliveryUpdate, Inbound
from palabre.channels.inbound import handler_for, inbound_handle
from palabre.channels.models import DeliveryReport, InboundKind, InboundMessage
from palabre.channels.phones import phone_block, phone_set_commune, phone_set_language
from palabre.channels.replies import Reply
from palabre.channels.tests.conftest import PHONE
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


def test_a_request_is_stored_then_processed_with_its_rendered_reply(gateway, engine):
    message = inbound_handle(gateway=gateway, inbound=ussd_step())
    message.refresh_from_db()
    assert (message.status, message.reply, message.phone) == (Status.PROCESSED, "CON Bienvenue", PHONE)
    assert message.processed_at is not None
    assert message.payload == {"text": ""}


def test_the_handler_gets_the_phone_settings_as_context(gateway, engine):
    commune = CommuneFactory()
    phone_set_language(phone=PHONE, language="fon")
    phone_set_commune(phone=PHONE, commune=commune)
    message = inbound_handle(gateway=gateway, inbound=ussd_step())
    context, _inbound = engine.calls[0]
    assert (context.phone, context.commune, context.language) == (PHONE, commune, "fon")
    assert (context.channel, context.gateway, context.inbound_id) == ("ussd", "africastalking", message.pk)
    message.refresh_from_db()
    assert message.commune == commune


def test_a_commune_learned_by_the_handler_is_stored(gateway, engine):
    commune = CommuneFactory()
    engine.reply = Reply(text="ok", commune_id=commune.pk)
    message = inbound_handle(gateway=gateway, inbound=ussd_step())
    assert InboundMessage.objects.get(pk=message.pk).commune == commune


def test_a_retry_gets_the_stored_reply_and_is_processed_once(gateway, engine):
    first = inbound_handle(gateway=gateway, inbound=ussd_step("1"))
    engine.reply = Reply(text="Autre chose")
    second = inbound_handle(gateway=gateway, inbound=ussd_step("1"))
    assert second.pk == first.pk
    assert second.reply == "CON Bienvenue"
    assert len(engine.calls) == 1
    assert InboundMessage.objects.count() == 1


def test_each_ussd_step_is_a_new_request(gateway, engine):
    inbound_handle(gateway=gateway, inbound=ussd_step(""))
    inbound_handle(gateway=gateway, inbound=ussd_step("1"))
    assert len(engine.calls) == 2


def test_a_failed_request_is_apologised_for_then_processed_again_on_retry(gateway, engine):
    engine.error = RuntimeError("boom")
    failed = inbound_handle(gateway=gateway, inbound=sms())
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert "boom" in failed.error
    apology = OutboundMessage.objects.get(kind="reply")
    assert apology.body.startswith("Désolé") and apology.idempotency_key == f"inbound:{failed.pk}:failed"
    engine.error = None
    engine.reply = Reply(text="Enregistré.")
    retried = inbound_handle(gateway=gateway, inbound=sms())
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
        message = inbound_handle(gateway=gateway, inbound=sms())
        inbound_handle(gateway=gateway, inbound=sms())
    reply = OutboundMessage.objects.get(kind="reply")
    assert (reply.to, reply.body, reply.idempotency_key) == (
        PHONE,
        "Votre plainte est enregistrée.",
        f"inbound:{message.pk}",
    )


def test_a_blocked_number_is_stored_but_not_processed(gateway, engine):
    staff = _staff_user()
    phone_block(phone=PHONE, reason="injures", commune=None, by=staff)
    ussd = inbound_handle(gateway=gateway, inbound=ussd_step())
    text = inbound_handle(gateway=gateway, inbound=sms())
    assert engine.calls == []
    assert (ussd.status, text.status) == (Status.BLOCKED, Status.BLOCKED)
    assert ussd.reply.startswith("END ")
    assert text.reply == ""
    assert not OutboundMessage.objects.filter(kind="reply").exists()


def test_over_the_rate_limit_a_short_polite_answer(
    gateway, engine, settings, django_capture_on_commit_callbacks
):
    settings.CHANNELS_RATE_LIMITS = {InboundKind.SMS: (2, 3600)}
    with django_capture_on_commit_callbacks():
        statuses = [inbound_handle(gateway=gateway, inbound=sms(f"sms-{n}")).status for n in range(3)]
    assert statuses == [Status.PROCESSED, Status.PROCESSED, Status.LIMITED]
    assert len(engine.calls) == 2
    polite = OutboundMessage.objects.get(
        idempotency_key__endswith=str(InboundMessage.objects.latest("id").pk)
    )
    assert "réessayer" in polite.body


def test_the_rate_limit_window_slides(gateway, engine, settings):
    settings.CHANNELS_RATE_LIMITS = {InboundKind.USSD: (1, 600)}
    inbound_handle(gateway=gateway, inbound=ussd_step("", "old"))
    InboundMessage.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=11))
    assert inbound_handle(gateway=gateway, inbound=ussd_step("", "new")).status == Status.PROCESSED


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


def test_a_very_long_external_id_is_shortened_but_still_unique(gateway, engine):
    long_text = "1*" * 150
    first = inbound_handle(gateway=gateway, inbound=ussd_step(long_text + "1"))
    second = inbound_handle(gateway=gateway, inbound=ussd_step(long_text + "2"))
    assert first.pk != second.pk
    assert len(first.external_id) <= 200


def test_engines_are_found_by_dotted_path_with_defaults_while_missing(monkeypatch):
    monkeypatch.setitem(
        inbound_module.HANDLERS,
        "ussd",
        ("palabre.channels.nothing_here.handle", "palabre.channels.defaults.handle_ussd"),
    )
    from palabre.channels import defaults

    assert handler_for(ussd_step()) is defaults.handle_ussd
    whatsapp_audio = Inbound(kind=InboundKind.WHATSAPP, external_id="w", phone=PHONE, media_id="123")
    monkeypatch.setitem(
        inbound_module.HANDLERS,
        "voice_note",
        ("palabre.channels.absent.handle", "palabre.channels.defaults.handle_voice_note"),
    )
    assert handler_for(whatsapp_audio) is defaults.handle_voice_note


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
    settings.AT_TOKEN = ""
    phone_set_language(phone=PHONE, language="fr")
    with django_assert_max_num_queries(15):
        response = client.post("/channels/africastalking/sms/", {"id": "at-1", "from": PHONE, "text": "AIDE"})
    assert response.status_code == 200
    assert InboundMessage.objects.get(external_id="at-1").status == Status.PROCESSED
    assert OutboundMessage.objects.filter(to=PHONE, kind="reply").count() == 1


def test_a_retried_sms_costs_fewer_queries_and_is_answered_once(
    client, settings, django_assert_max_num_queries
):
    settings.AT_TOKEN = ""
    fields = {"id": "at-2", "from": PHONE, "text": "AIDE"}
    client.post("/channels/africastalking/sms/", fields)
    with django_assert_max_num_queries(5):
        assert client.post("/channels/africastalking/sms/", fields).status_code == 200
    assert OutboundMessage.objects.filter(to=PHONE, kind="reply").count() == 1


def test_the_rate_limit_counts_only_the_window_and_stops_at_the_limit(settings):
    from palabre.channels.ratelimit import rate_limit_exceeded

    settings.CHANNELS_RATE_LIMITS = {"sms": (2, 3600)}
    now = timezone.now()
    for number in range(2):
        InboundMessage.objects.create(gateway="at", kind="sms", external_id=f"r{number}", phone=PHONE)
    old = InboundMessage.objects.create(gateway="at", kind="sms", external_id="old", phone=PHONE)
    InboundMessage.objects.filter(pk=old.pk).update(received_at=now - datetime.timedelta(hours=2))
    assert not rate_limit_exceeded(phone=PHONE, kind="sms", now=now)
    InboundMessage.objects.create(gateway="at", kind="sms", external_id="r3", phone=PHONE)
    assert rate_limit_exceeded(phone=PHONE, kind="sms", now=now)
    assert not rate_limit_exceeded(phone=PHONE, kind="ussd", now=now)
