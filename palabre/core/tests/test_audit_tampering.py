"""The keyed, anchored audit chain against someone who holds the database but not the audit key: every
column rewritten, events deleted at the end or in the middle, a rewrite re-chained with the public
function, a forged append, a rollback to an older copy. Each must be reported by verify_audit."""

import datetime
import importlib
import logging
import secrets
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from palabre.core.audit import (
    AuditAnchor,
    audit_anchor,
    audit_key_check,
    audit_verify,
    event_hash,
    event_mac,
)
from palabre.core.models import AppendOnlyError, AuditEvent, AuditScheme
from palabre.core.services import audit_record
from palabre.core.tests.test_audit import raw_sql

pytestmark = pytest.mark.django_db


def record(count, start=0):
    return [
        audit_record(action=f"tests.step_{n}", actor_id=n, commune_id=7, data={"n": n})
        for n in range(start, start + count)
    ]


def sql_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def problems_of(result):
    return [(problem.event_id, problem.text) for problem in result.problems]


def reported(result, event_id, words):
    return any(problem.event_id == event_id and words in problem.text for problem in result.problems)


TAMPERED = {
    "action": "tests.forged",
    "actor_id": 999,
    "commune_id": 8,
    "target_type": "budgeting.ballot",
    "target_id": "42",
    "data": '{"n": 99}',
    "created_at": sql_datetime(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
    "prev_hash": "ab" * 32,
    "hash": "cd" * 32,
    "scheme": AuditScheme.SHA256.value,
}


@pytest.mark.parametrize("column", list(TAMPERED))
def test_each_column_covered_by_the_hash_is_reported_when_changed(column):
    _, second, third = record(3)
    raw_sql(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [TAMPERED[column], second.pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == second.pk, problems_of(result)
    if column == "hash":  # the next event no longer links to it
        assert reported(result, third.pk, "broken link")


def test_changing_an_id_is_reported():
    *_, third = record(3)
    raw_sql("UPDATE core_auditevent SET id = %s WHERE id = %s", [third.pk + 10, third.pk])
    result = audit_verify()
    assert reported(result, third.pk + 10, "gap of ids")
    assert reported(result, third.pk + 10, "keyed hash does not match")


def test_deleting_the_last_events_is_reported_against_the_anchors(
    settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_ANCHOR_EVERY = 100
    with django_capture_on_commit_callbacks(execute=True):
        record(250)
    anchors = settings.AUDIT_ANCHOR_FILE.read_text().splitlines()
    assert [AuditAnchor.parse(line).last_id for line in anchors] == [100, 200]
    assert audit_verify().ok
    raw_sql("DELETE FROM core_auditevent WHERE id > %s", [150])
    result = audit_verify()
    assert not result.ok
    assert reported(result, 200, "anchored event #200 is missing")
    assert "150 events now, 200 anchored" in result.problem


def test_a_rollback_to_an_older_copy_is_reported_against_an_anchor_kept_elsewhere(capsys):
    record(5)
    call_command("audit_anchor")
    kept_elsewhere = capsys.readouterr().out.strip()
    settings_file_anchor = AuditAnchor.parse(kept_elsewhere)
    assert (settings_file_anchor.count, settings_file_anchor.last_id) == (5, 5)
    raw_sql("DELETE FROM core_auditevent WHERE id > %s", [3])
    with pytest.raises(CommandError, match="Audit log broken at event #5"):
        call_command("verify_audit", "--no-anchor-file", "--anchor", kept_elsewhere)
    assert "anchored event #5 is missing" in capsys.readouterr().err


def test_truncating_then_appending_new_events_to_the_old_count_is_reported(
    django_capture_on_commit_callbacks,
):
    record(4)
    anchor = audit_anchor()
    raw_sql("DELETE FROM core_auditevent WHERE id > %s", [2])
    record(2)  # ids 3 and 4 again, with other contents
    result = audit_verify(anchors=[anchor], anchor_file=False)
    assert reported(result, 4, "another hash than its anchor")


def test_deleting_an_event_in_the_middle_is_reported():
    _, second, third = record(3)
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
    result = audit_verify()
    assert reported(result, third.pk, "gap of ids")
    assert reported(result, third.pk, "broken link")


def test_deleting_the_first_event_is_reported():
    first, second, _ = record(3)
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [first.pk])
    result = audit_verify()
    assert result.broken_event_id == second.pk


def rechain_from(event_id, rehash):
    """Rewrite every event from `event_id` on with the hash function given, as someone with the database
    and the code would do."""
    prev = AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True).first()
    for event in AuditEvent.objects.filter(id__gte=event_id).order_by("id"):
        event.prev_hash = prev
        rehash(event)
        raw_sql(
            "UPDATE core_auditevent SET action = %s, prev_hash = %s, hash = %s, scheme = %s WHERE id = %s",
            [event.action, event.prev_hash, event.hash, event.scheme, event.pk],
        )
        prev = event.hash


def test_a_rewrite_rechained_with_the_public_hash_function_is_reported():
    events = record(10)
    raw_sql("UPDATE core_auditevent SET action = 'tests.forged' WHERE id = %s", [events[6].pk])

    def public(event):
        event.hash = event_hash(event)

    rechain_from(events[6].pk, public)
    result = audit_verify()
    assert result.broken_event_id == events[6].pk
    assert all(reported(result, event.pk, "keyed hash does not match") for event in events[6:])


def test_a_rewrite_rechained_as_unkeyed_events_is_reported():
    events = record(10)

    def downgrade(event):
        event.action, event.scheme = "tests.forged", AuditScheme.SHA256
        event.hash = event_hash(event)

    rechain_from(events[6].pk, downgrade)
    result = audit_verify()
    assert reported(result, events[6].pk, "unkeyed event after keyed ones")
    assert reported(result, events[-1].pk, "newest event is not keyed")


def test_a_rewrite_rechained_with_another_key_is_reported():
    events = record(10)
    guessed = secrets.token_bytes(32)

    def other_key(event):
        event.action = "tests.forged"
        event.hash = event_mac(event, key=guessed)

    rechain_from(events[6].pk, other_key)
    assert audit_verify().broken_event_id == events[6].pk


@pytest.mark.parametrize("scheme", [AuditScheme.HMAC_SHA256, AuditScheme.SHA256])
def test_a_forged_append_is_reported(scheme):
    *_, last = record(3)
    forged = AuditEvent(
        id=last.pk + 1,
        created_at=last.created_at + datetime.timedelta(seconds=1),
        action="budgeting.results_published",
        actor_id=1,
        commune_id=7,
        data={},
        prev_hash=last.hash,
        scheme=scheme,
    )
    forged.hash = (
        event_mac(forged, key=b"not the key") if scheme == AuditScheme.HMAC_SHA256 else event_hash(forged)
    )
    forged.save(force_insert=True)
    result = audit_verify()
    assert result.broken_event_id == forged.pk
    assert result.checked == 3


def test_the_chain_depends_on_the_key(settings):
    record(3)
    assert audit_verify().ok
    settings.AUDIT_KEY = "another key"
    assert audit_verify().broken_event_id == 1


def test_ids_follow_the_chain_without_gaps_after_a_rollback():
    from django.db import transaction

    record(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(1)
        raise RuntimeError
    assert record(1)[0].pk == 2
    assert audit_verify().ok


def test_audit_anchor_command_prints_appends_and_logs(settings, capsys, caplog):
    record(3)
    with caplog.at_level(logging.INFO, logger="palabre.audit"):
        call_command("audit_anchor")
    line = capsys.readouterr().out.strip()
    anchor = AuditAnchor.parse(line)
    assert (anchor.count, anchor.last_id, anchor.hash) == (3, 3, AuditEvent.objects.get(pk=3).hash)
    assert settings.AUDIT_ANCHOR_FILE.read_text() == f"{line}\n"
    assert line in caplog.text
    call_command("verify_audit")
    assert "OK, 3 events; 1 anchor(s), the last at event #3" in capsys.readouterr().out


def test_an_unreadable_anchor_line_is_reported(settings):
    record(1)
    settings.AUDIT_ANCHOR_FILE.write_text("palabre-audit-anchor count=1 last_id=x\n")
    assert problems_of(audit_verify()) == [(None, "anchor file line 1 is not an anchor")]


def test_verify_audit_refuses_an_anchor_argument_that_is_not_one():
    with pytest.raises(CommandError, match="not an audit anchor"):
        call_command("verify_audit", "--anchor", "hello")


def insert_unkeyed(count):
    """Events as recorded before the chain was keyed (sha256, no key)."""
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or "0" * 64
    for n in range(count):
        event = AuditEvent(action=f"tests.old_{n}", prev_hash=prev, scheme=AuditScheme.SHA256, data={"n": n})
        event.id = n + 1
        event.hash = event_hash(event)
        event.save(force_insert=True)
        prev = event.hash


def seal():
    module = importlib.import_module("palabre.core.migrations.0004_audit_chain_keyed")
    module.seal_unkeyed_chain(apps, SimpleNamespace(connection=connection))


def test_an_unkeyed_chain_is_sealed_once_by_a_keyed_event():
    insert_unkeyed(4)
    assert audit_verify().problem == "the newest event is not keyed: events were removed or forged"
    seal()
    seal()  # a second run does nothing
    sealed = AuditEvent.objects.get(pk=5)
    assert (sealed.action, sealed.scheme, sealed.data) == (
        "core.audit_chain_keyed",
        AuditScheme.HMAC_SHA256,
        {"unkeyed_events": 4, "last_unkeyed_id": 4},
    )
    assert AuditEvent.objects.count() == 5
    record(2)
    assert audit_verify().ok


def test_rewriting_the_unkeyed_events_before_the_seal_is_reported():
    insert_unkeyed(4)
    seal()
    raw_sql("UPDATE core_auditevent SET action = 'tests.forged' WHERE id = 2")

    def public(event):
        event.hash = event_hash(event)

    prev = AuditEvent.objects.get(pk=1).hash
    for event in AuditEvent.objects.filter(id__in=[2, 3, 4]).order_by("id"):
        event.prev_hash = prev
        public(event)
        raw_sql(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    result = audit_verify()
    assert problems_of(result) == [(5, "previous event missing or altered (broken link)")]


def test_an_empty_chain_is_not_sealed():
    seal()
    assert not AuditEvent.objects.exists()


def test_a_missing_audit_key_is_a_warning_outside_demo_mode(settings):
    settings.AUDIT_KEY, settings.DEMO_MODE = "", False
    assert [message.id for message in audit_key_check()] == ["palabre.W010"]
    settings.DEMO_MODE = True
    assert audit_key_check() == []
    settings.AUDIT_KEY, settings.DEMO_MODE = "k" * 40, False
    assert audit_key_check() == []


def test_events_are_written_by_audit_record_only():
    with pytest.raises(AppendOnlyError, match="audit_record"):
        AuditEvent(action="tests.direct", prev_hash="ef" * 32, hash="01" * 32).save()
