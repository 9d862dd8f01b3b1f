import datetime

import pytest
from django.core.exceptions import ValidationError

from palabre.core.guesses import MAX_FAILURES
from palabre.core.models import AuditEvent, CodeGuessFailure, OutboundMessage
from palabre.core.services import GuessesLimited
from palabre.grievances import services
from palabre.grievances.models import ComplaintEvent, Status
from palabre.grievances.tests.conftest import MONDAY


def _resolved(file_complaint, officer):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer, now=MONDAY)
    complaint = services.complaint_start(complaint=complaint, by=officer, now=MONDAY)
    return services.complaint_resolve(complaint=complaint, by=officer, message="Réparée", now=MONDAY)


def test_tracking_lookup_finds_a_code_typed_loosely(file_complaint, bohicon):
    complaint = file_complaint()
    typed = complaint.code.lower().replace("-", " ")
    assert services.tracking_lookup(code=typed, ip="10.0.0.1", commune=bohicon) == complaint
    assert not CodeGuessFailure.objects.exists()


def test_tracking_lookup_is_scoped_to_the_commune(file_complaint, toffo):
    complaint = file_complaint()
    assert services.tracking_lookup(code=complaint.code, ip="10.0.0.1", commune=toffo) is None


def test_guessing_codes_is_rate_limited_per_address(file_complaint):
    complaint = file_complaint()
    for number in range(MAX_FAILURES):
        assert services.tracking_lookup(code=f"BOH-ZZZ{number}", ip="10.0.0.1", now=MONDAY) is None
    with pytest.raises(GuessesLimited) as error:
        services.tracking_lookup(code=complaint.code, ip="10.0.0.1", now=MONDAY)
    assert error.value.minutes == 60
    assert "60 minutes" in error.value.message
    # Another address is not affected; the first one may try again after an hour.
    assert services.tracking_lookup(code=complaint.code, ip="10.0.0.2", now=MONDAY) == complaint
    later = MONDAY + datetime.timedelta(hours=1, seconds=1)
    assert services.tracking_lookup(code=complaint.code, ip="10.0.0.1", now=later) == complaint


def test_failures_store_no_address(file_complaint):
    services.tracking_lookup(code="BOH-XXXX", ip="10.0.0.1")
    failure = CodeGuessFailure.objects.get()
    assert failure.scope == "grievances.tracking"
    assert "10.0.0.1" not in failure.ip_hash


def test_information_added_is_internal_text_with_a_public_mark(file_complaint):
    complaint = file_complaint()
    event = services.complaint_add_information(code=complaint.code, text="Le voisin Koffi a vu la panne.")
    assert event.is_public and event.message == "" and "Koffi" in event.note


def test_information_is_refused_on_a_closed_complaint(file_complaint, officer):
    complaint = services.complaint_reject(complaint=file_complaint(), by=officer, reason="Hors sujet")
    with pytest.raises(ValidationError):
        services.complaint_add_information(code=complaint.code, text="Encore")


def test_unknown_code_is_a_clear_error(db):
    with pytest.raises(ValidationError):
        services.complaint_add_information(code="BOH-XXXX", text="Bonjour")


def test_disagreeing_reopens_with_a_fresh_deadline(file_complaint, officer):
    complaint = _resolved(file_complaint, officer)
    later = MONDAY + datetime.timedelta(days=30)
    reopened = services.complaint_disagree(code=complaint.code, reason="La pompe coule encore.", now=later)
    assert reopened.status == Status.IN_PROGRESS
    assert reopened.reopened_count == 1
    assert reopened.resolved_at is None
    assert reopened.resolve_due_on > complaint.resolve_due_on
    assert reopened.escalation_due_on == reopened.resolve_due_on
    assert OutboundMessage.objects.filter(kind="grievances.reopened").count() == 1
    assert AuditEvent.objects.filter(action="grievances.reopened").count() == 1
    event = ComplaintEvent.objects.get(complaint=complaint, kind="reopened")
    assert event.note == "La pompe coule encore." and event.message == ""


def test_only_a_resolved_complaint_can_be_disputed(file_complaint):
    complaint = file_complaint()
    with pytest.raises(ValidationError):
        services.complaint_disagree(code=complaint.code, reason="Non")


def test_rating(file_complaint, officer):
    complaint = _resolved(file_complaint, officer)
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=complaint, rating=6)
    assert services.complaint_rate(complaint=complaint, rating=4).rating == 4
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=file_complaint(), rating=3)
