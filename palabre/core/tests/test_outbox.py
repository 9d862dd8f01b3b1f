import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from palabre.core.models import OutboundMessage
from palabre.core.outbox import STUCK_AFTER, outbox_deliver, outbox_erase_final, retry_delay
from palabre.core.services import outbox_forget_phone, outbox_requeue_stuck, sms_queue
from palabre.core.tasks import send_outbound_message

pytestmark = pytest.mark.django_db

PHONE = "+2290197000001"
Status = OutboundMessage.Status


def queue(**fields):
    return sms_queue(**({"to": PHONE, "body": "Bonjour", "kind": "notice"} | fields))


def run_enqueued(backend):
    """Play the worker: run every recorded task once, oldest first, including those they enqueue."""
    ran = []
    while backend.results:
        result = backend.results.pop(0)
        ran.append(result)
        result.task.call(*result.args, **result.kwargs)
    return ran


def test_queue_refuses_a_number_not_in_e164():
    with pytest.raises(ValueError, match=r"E\.164"):
        queue(to="97 00 00 01")


def test_queued_message_is_sent_after_commit(gateway, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(commune_id=3)
        assert gateway.sent == []
    message.refresh_from_db()
    assert gateway.sent == [{"to": PHONE, "body": "Bonjour", "reference": str(message.pk)}]
    assert (message.status, message.attempts, message.gateway_message_id) == (Status.SENT, 1, "fake-1")
    assert message.sent_at is not None
    # once sent, the number and the text are no longer needed: both are erased
    assert (message.to, message.body) == ("", "")
    assert message.redacted_at is not None


def test_same_idempotency_key_queues_one_message_sent_once(
    gateway, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(idempotency_key="otp:1")
        second = queue(idempotency_key="otp:1", body="Autre texte")
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert OutboundMessage.objects.count() == 1
    assert len(gateway.sent) == 1


def test_messages_without_key_are_distinct(gateway, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue()
        queue()
    assert len(gateway.sent) == 2


def test_failures_are_retried_with_growing_delays_then_sent_once(
    gateway, dummy_tasks, django_capture_on_commit_callbacks
):
    gateway.failures_to_come = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    first_run = dummy_tasks.results.pop(0)
    assert first_run.task.run_after is None

    send_outbound_message.call(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert "provider down" in message.last_error
    retry = dummy_tasks.results[0].task.run_after
    assert retry == message.next_attempt_at
    assert retry - timezone.now() == pytest.approx(retry_delay(1), abs=datetime.timedelta(seconds=5))

    ran = run_enqueued(dummy_tasks)
    message.refresh_from_db()
    assert len(ran) == 2
    assert ran[1].task.run_after - ran[0].task.run_after == pytest.approx(
        retry_delay(2) - retry_delay(1), abs=datetime.timedelta(seconds=5)
    )
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")
    assert len(gateway.sent) == 1


def test_backoff_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(20) == datetime.timedelta(hours=1)


def test_immediate_backend_retries_without_delay(
    gateway, immediate_tasks, django_capture_on_commit_callbacks
):
    gateway.failures_to_come = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert len(gateway.sent) == 1


def test_gives_up_after_max_attempts(gateway, dummy_tasks, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    gateway.failures_to_come = 10
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    ran = run_enqueued(dummy_tasks)
    message.refresh_from_db()
    assert len(ran) == 3
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert gateway.sent == []


def test_a_second_worker_cannot_claim_a_message_being_sent(gateway, django_capture_on_commit_callbacks):
    message = queue()
    second_worker_outcomes = []
    gateway.while_sending = lambda reference: second_worker_outcomes.append(
        outbox_deliver(message_id=int(reference))
    )
    assert outbox_deliver(message_id=message.pk) == Status.SENT
    assert second_worker_outcomes == ["not-claimed"]
    assert outbox_deliver(message_id=message.pk) == "not-claimed"
    assert len(gateway.sent) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_concurrent_workers_send_once(gateway):
    message = queue()
    start = threading.Barrier(4)

    def work():
        try:
            start.wait()
            outbox_deliver(message_id=message.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(gateway.sent) == 1


def test_otp_text_is_erased_once_sent(gateway, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(kind="otp", body="Votre code : 123456")
    message.refresh_from_db()
    assert gateway.sent[0]["body"] == "Votre code : 123456"
    assert message.body == ""
    assert message.redacted_at is not None


def test_otp_text_is_erased_when_given_up(gateway, dummy_tasks, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    gateway.failures_to_come = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(kind="otp", body="Votre code : 123456")
    run_enqueued(dummy_tasks)
    message.refresh_from_db()
    assert (message.status, message.body) == (Status.FAILED, "")


def test_any_message_given_up_on_loses_its_number_and_text(
    gateway, dummy_tasks, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    gateway.failures_to_come = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(kind="reply", body="Plainte BOH-7K3M enregistrée")
    run_enqueued(dummy_tasks)
    message.refresh_from_db()
    assert (message.status, message.to, message.body) == (Status.FAILED, "", "")


def test_a_failure_to_retry_keeps_the_number_and_text_until_sent(
    gateway, dummy_tasks, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    gateway.failures_to_come = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(body="Réponse du maire")
    run_enqueued(dummy_tasks)
    message.refresh_from_db()
    assert [(sent["to"], sent["body"]) for sent in gateway.sent] == [(PHONE, "Réponse du maire")]
    assert (message.status, message.attempts, message.to, message.body) == (Status.SENT, 2, "", "")


def test_erase_final_reaches_messages_made_final_before(gateway, dummy_tasks):
    old = queue(body="Votre reçu : K7M3-PX4R")
    OutboundMessage.objects.filter(pk=old.pk).update(status=Status.SENT)
    pending = queue(body="Bonjour")
    assert outbox_erase_final() == 1
    assert outbox_erase_final() == 0
    old.refresh_from_db()
    pending.refresh_from_db()
    assert (old.to, old.body) == ("", "")
    assert old.redacted_at is not None
    assert (pending.to, pending.body) == (PHONE, "Bonjour")


def test_forget_phone_erases_that_persons_messages_and_cancels_unsent(gateway, dummy_tasks):
    sent = queue(body="Votre plainte est reçue")
    OutboundMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    pending = queue(body="Réponse du maire")
    other = queue(to="+2290197000002")
    assert outbox_forget_phone(phone=PHONE) == 2
    sent.refresh_from_db()
    pending.refresh_from_db()
    other.refresh_from_db()
    assert (sent.to, sent.body, sent.status) == ("", "", Status.SENT)
    assert (pending.to, pending.body, pending.status) == ("", "", Status.FAILED)
    assert outbox_deliver(message_id=pending.pk) == "not-claimed"
    assert (other.to, other.body) == ("+2290197000002", "Bonjour")
    assert gateway.sent == []


def age(message, **fields):
    OutboundMessage.objects.filter(pk=message.pk).update(**fields)


def test_requeue_stuck_hands_lost_messages_to_the_worker_once(
    dummy_tasks, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - STUCK_AFTER - datetime.timedelta(minutes=1)
    crashed_while_sending = queue()
    age(crashed_while_sending, status=Status.SENDING, claimed_at=long_ago, attempts=1)
    never_picked_up = queue()
    age(never_picked_up, next_attempt_at=long_ago)
    being_sent_now = queue()
    age(being_sent_now, status=Status.SENDING, claimed_at=timezone.now())
    waiting_for_its_retry = queue()
    age(waiting_for_its_retry, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    dummy_tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_stuck() == 2
        assert outbox_requeue_stuck() == 0
    enqueued = sorted(result.args[0] for result in dummy_tasks.results)
    assert enqueued == sorted([crashed_while_sending.pk, never_picked_up.pk])
    crashed_while_sending.refresh_from_db()
    assert (crashed_while_sending.status, crashed_while_sending.claimed_at) == (Status.QUEUED, None)
    assert OutboundMessage.objects.get(pk=being_sent_now.pk).status == Status.SENDING


def test_outbox_retry_command_sends_the_stuck_message_once(
    gateway, immediate_tasks, capsys, django_capture_on_commit_callbacks
):
    message = queue()
    age(message, next_attempt_at=timezone.now() - STUCK_AFTER * 2)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox_retry")
        call_command("outbox_retry")
    assert capsys.readouterr().out.split("\n")[:2] == ["1 message(s) requeued", "0 message(s) requeued"]
    assert len(gateway.sent) == 1
