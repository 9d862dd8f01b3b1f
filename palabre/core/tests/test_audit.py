import datetime
import threading
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from palabre.core.audit import GENESIS_HASH, audit_verify, event_hash, event_mac
from palabre.core.models import AppendOnlyError, AuditEvent, ParticipationAct
from palabre.core.services import audit_record

pytestmark = pytest.mark.django_db


@contextmanager
def append_only_trigger_disabled():
    """Let a test tamper with the audit log by raw SQL, as an attacker with database access could."""
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    try:
        yield
    finally:
        if on_postgresql:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def record_three():
    return [audit_record(action=f"tests.step_{n}", actor_id=n, commune_id=7, data={"n": n}) for n in range(3)]


def raw_sql(sql, params=()):
    with append_only_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_are_chained_from_genesis():
    first, second, third = record_three()
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_record_keeps_target_and_json_data_as_the_database_returns_them():
    act = ParticipationAct.objects.create(commune_id=1, module="m", kind="k", channel="web")
    when = datetime.datetime(2025, 3, 1, 12, 30, tzinfo=datetime.UTC)
    event = audit_record(action="tests.done", actor_id=4, commune_id=1, target=act, data={"when": when})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.target_type, stored.target_id) == ("core.participationact", str(act.pk))
    assert stored.data == {"when": "2025-03-01T12:30:00Z"}
    assert stored.hash == event_mac(stored)


def test_an_untouched_chain_verifies():
    record_three()
    result = audit_verify()
    assert result.ok
    assert result.checked == 3


def test_an_empty_log_verifies():
    assert audit_verify().ok


def test_verify_names_an_event_edited_in_the_database():
    _, second, _ = record_three()
    raw_sql("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', second.pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == second.pk
    assert result.checked == 1


def test_verify_catches_an_edit_whose_hash_was_recomputed():
    _, second, third = record_three()
    second.action = "tests.forged"
    raw_sql(
        "UPDATE core_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["tests.forged", event_hash(second), second.pk],
    )
    result = audit_verify()
    assert result.broken_event_id == second.pk
    assert [problem.event_id for problem in result.problems] == [second.pk, third.pk]


def test_verify_names_the_event_after_a_deleted_one():
    _, second, third = record_three()
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
    result = audit_verify()
    assert result.broken_event_id == third.pk
    assert "missing" in result.problem


def test_python_code_cannot_change_or_delete_events():
    event = audit_record(action="tests.done")
    event.action = "tests.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tests.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_refuses_raw_update_and_delete():
    event = audit_record(action="tests.done")
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.done"


def test_verify_audit_command_reports_ok(capsys):
    record_three()
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == "OK, 3 events; no anchor yet (run audit_anchor)"


def test_verify_audit_command_fails_on_tampering():
    first, _, _ = record_three()
    raw_sql("UPDATE core_auditevent SET actor_id = 42 WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=f"event #{first.pk}"):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers by design")
def test_concurrent_writers_never_fork_the_chain():
    start = threading.Barrier(6)

    def write_events():
        try:
            start.wait()
            for n in range(5):
                audit_record(action="tests.concurrent", data={"n": n})
        finally:
            connection.close()

    threads = [threading.Thread(target=write_events) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = audit_verify()
    assert result.ok
    assert result.checked == 30
