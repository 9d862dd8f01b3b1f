import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palabre.core.models import AuditEvent, OutboundMessage
from palabre.grievances import services
from palabre.grievances.models import ComplaintEvent, Status
from palabre.grievances.tests.conftest import MONDAY, REPORTER_PHONE


def _texts_to_reporter():
    return list(
        OutboundMessage.objects.filter(to=REPORTER_PHONE).order_by("id").values_list("kind", flat=True)
    )


def test_the_full_path_to_closing(file_complaint, officer):
    complaint = file_complaint()
    complaint = services.complaint_acknowledge(complaint=complaint, by=officer, now=MONDAY)
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at == MONDAY
    assert complaint.escalation_due_on == complaint.resolve_due_on
    complaint = services.complaint_assign(complaint=complaint, assignee=officer, by=officer)
    assert complaint.status == Status.ASSIGNED
    complaint = services.complaint_start(complaint=complaint, by=officer)
    assert complaint.status == Status.IN_PROGRESS
    complaint = services.complaint_resolve(complaint=complaint, by=officer, message="Pompe réparée.")
    assert complaint.status == Status.RESOLVED and complaint.resolved_at
    complaint = services.complaint_close(complaint=complaint, by=officer)
    assert complaint.status == Status.CLOSED and complaint.closed_at
    assert _texts_to_reporter() == [
        "grievances.filed",
        "grievances.acknowledged",
        "grievances.assigned",
        "grievances.started",
        "grievances.resolved",
        "grievances.closed",
    ]
    actions = list(AuditEvent.objects.filter(target_id=str(complaint.pk)).values_list("action", flat=True))
    assert actions == [
        "grievances.filed",
        "grievances.acknowledged",
        "grievances.assigned",
        "grievances.started",
        "grievances.resolved",
        "grievances.closed",
    ]
    public = ComplaintEvent.objects.filter(complaint=complaint, is_public=True)
    assert public.count() == 6


def test_acknowledging_a_routed_complaint_assigns_it(water, officer, file_complaint):
    water.default_assignee = officer
    water.save()
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer)
    assert complaint.status == Status.ASSIGNED


def test_start_without_assignee_takes_it(file_complaint, officer):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer)
    complaint = services.complaint_start(complaint=complaint, by=officer)
    assert complaint.assignee == officer


@pytest.mark.parametrize(
    ("service", "extra"),
    [
        (services.complaint_start, {}),
        (services.complaint_resolve, {"message": "Fait."}),
        (services.complaint_close, {}),
        (services.complaint_reassign, {"assignee": None}),
    ],
)
def test_invalid_transitions_are_refused_clearly(file_complaint, officer, service, extra):
    complaint = file_complaint()
    if "assignee" in extra:
        extra = {"assignee": officer}
    with pytest.raises(ValidationError) as error:
        service(complaint=complaint, by=officer, **extra)
    assert complaint.code in str(error.value)


def test_a_finished_complaint_cannot_be_acknowledged(file_complaint, officer):
    complaint = services.complaint_reject(complaint=file_complaint(), by=officer, reason="Hors compétence")
    with pytest.raises(ValidationError):
        services.complaint_acknowledge(complaint=complaint, by=officer)


@pytest.mark.parametrize("role", ["complaints_officer", "secretary_general", "mayor", "focal_point"])
def test_handler_roles_may_act(file_complaint, bohicon, staff, role):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=staff(bohicon, role))
    assert complaint.status == Status.ACKNOWLEDGED


@pytest.mark.parametrize("role", ["planning_officer", "council_member", "commune_admin"])
def test_other_roles_are_refused(file_complaint, bohicon, staff, role):
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint=file_complaint(), by=staff(bohicon, role))


def test_officers_of_another_commune_are_refused(file_complaint, toffo, staff):
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint=file_complaint(), by=staff(toffo, "complaints_officer"))


def test_citizens_are_refused(file_complaint, citizen):
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint=file_complaint(), by=citizen)


def test_sensitive_complaints_are_for_focal_points_only(
    file_complaint, gbv, officer, focal_point, bohicon, staff
):
    complaint = file_complaint(category=gbv)
    for role in ("complaints_officer", "secretary_general", "mayor"):
        with pytest.raises(PermissionDenied):
            services.complaint_acknowledge(complaint=complaint, by=staff(bohicon, role))
    with pytest.raises(ValidationError):
        services.complaint_assign(complaint=complaint, assignee=officer, by=focal_point)
    complaint = services.complaint_assign(complaint=complaint, assignee=focal_point, by=focal_point)
    assert complaint.status == Status.ASSIGNED


def test_reject_needs_a_reason(file_complaint, officer):
    with pytest.raises(ValidationError):
        services.complaint_reject(complaint=file_complaint(), by=officer, reason=" ")
    complaint = services.complaint_reject(
        complaint=file_complaint(), by=officer, reason="Ce n'est pas une plainte."
    )
    assert complaint.status == Status.REJECTED
    assert complaint.rejection_reason == "Ce n'est pas une plainte."


def test_refer_needs_a_recipient(file_complaint, gbv, focal_point):
    complaint = file_complaint(category=gbv)
    with pytest.raises(ValidationError):
        services.complaint_refer(complaint=complaint, by=focal_point, referred_to="")
    complaint = services.complaint_refer(
        complaint=complaint, by=focal_point, referred_to="Médiateur de la République"
    )
    assert complaint.status == Status.REFERRED
    assert "Médiateur" not in OutboundMessage.objects.filter(kind="grievances.referred").get().body


def test_mark_duplicate_points_to_the_original(file_complaint, officer, toffo):
    original = file_complaint()
    copy = file_complaint()
    third = file_complaint()
    services.complaint_mark_duplicate(complaint=copy, of=original, by=officer)
    third = services.complaint_mark_duplicate(complaint=third, of=copy, by=officer)
    assert third.duplicate_of == original
    assert original.code in OutboundMessage.objects.filter(kind="grievances.duplicate").last().body
    with pytest.raises(ValidationError):
        services.complaint_mark_duplicate(complaint=original, of=original, by=officer)


def test_reassign_is_internal(file_complaint, officer, bohicon, staff):
    other = staff(bohicon, "complaints_officer")
    complaint = services.complaint_assign(complaint=file_complaint(), assignee=officer, by=officer)
    sent = OutboundMessage.objects.count()
    complaint = services.complaint_reassign(complaint=complaint, assignee=other, by=officer)
    assert complaint.assignee == other
    assert OutboundMessage.objects.count() == sent
    assert not ComplaintEvent.objects.get(complaint=complaint, kind="reassigned").is_public


def test_assignee_must_handle_complaints_in_the_commune(file_complaint, officer, toffo, staff):
    with pytest.raises(ValidationError):
        services.complaint_assign(
            complaint=file_complaint(), assignee=staff(toffo, "complaints_officer"), by=officer
        )


def test_bulk_assign(file_complaint, officer, bohicon, staff):
    other = staff(bohicon, "complaints_officer")
    received = file_complaint()
    assigned = services.complaint_assign(complaint=file_complaint(), assignee=officer, by=officer)
    resolved = services.complaint_resolve(
        complaint=services.complaint_acknowledge(complaint=file_complaint(), by=officer),
        by=officer,
        message="Fait",
    )
    count = services.complaints_bulk_assign(
        complaints=[received, assigned, resolved], assignee=other, by=officer
    )
    assert count == 2
    received.refresh_from_db()
    assigned.refresh_from_db()
    assert received.assignee == other and assigned.assignee == other


def test_bulk_assign_is_all_or_nothing_across_communes(file_complaint, officer, toffo):
    mine = file_complaint()
    foreign = services.complaint_file(
        commune=toffo,
        category=toffo_category(toffo),
        description="Ordures au marché",
        channel="web",
    )
    with pytest.raises(PermissionDenied):
        services.complaints_bulk_assign(complaints=[mine, foreign], assignee=officer, by=officer)
    mine.refresh_from_db()
    assert mine.status == Status.RECEIVED


def toffo_category(toffo):
    from palabre.grievances.models import Category

    return Category.objects.get(commune=toffo, code="markets")


def test_internal_notes_stay_internal(file_complaint, officer):
    complaint = file_complaint()
    event = services.complaint_note(complaint=complaint, by=officer, text="Le chef de village a appelé.")
    assert not event.is_public
    assert OutboundMessage.objects.count() == 1


def test_identity_of_a_sensitive_reporter_is_for_focal_points_and_logged(
    file_complaint, gbv, officer, focal_point
):
    complaint = file_complaint(category=gbv)
    with pytest.raises(PermissionDenied):
        services.complaint_reveal_identity(complaint=complaint, by=officer)
    identity = services.complaint_reveal_identity(complaint=complaint, by=focal_point)
    assert identity.phone == REPORTER_PHONE
    viewed = AuditEvent.objects.get(action="grievances.identity_viewed")
    assert viewed.actor_id == focal_point.pk
    assert REPORTER_PHONE not in str(viewed.data)
