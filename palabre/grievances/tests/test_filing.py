import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from palabre.core.models import AuditEvent, OutboundMessage, ParticipationAct
from palabre.grievances import services
from palabre.grievances.models import Category, Complaint, ComplaintSupport, Status
from palabre.grievances.services.common import CODE_ALPHABET, new_tracking_code, normalize_code
from palabre.grievances.tests.conftest import MONDAY, REPORTER_PHONE
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory


def test_default_categories_are_created_once(bohicon):
    assert Category.objects.filter(commune=bohicon).count() == 13
    assert set(
        Category.objects.filter(commune=bohicon, is_sensitive=True).values_list("code", flat=True)
    ) == {
        "corruption",
        "gbv",
    }
    assert services.categories_ensure_defaults(commune=bohicon) == []
    assert Category.objects.filter(commune=bohicon).count() == 13


def test_renamed_default_category_keeps_its_name(water):
    assert water.label == "Eau potable"
    water.name = "Forages et pompes"
    assert water.label == "Forages et pompes"


def test_filing_gives_a_speakable_code_deadlines_and_an_sms(file_complaint, village):
    complaint = file_complaint(village=village)
    prefix, random_part = complaint.code.split("-")
    assert prefix == "BOH"
    assert len(random_part) == 4
    assert set(random_part) <= set(CODE_ALPHABET)
    assert complaint.status == Status.RECEIVED
    assert complaint.arrondissement == village.arrondissement
    assert complaint.ack_due_on == datetime.date(2025, 1, 8)
    assert complaint.resolve_due_on == datetime.date(2025, 1, 29)
    assert complaint.escalation_due_on == complaint.ack_due_on
    sms = OutboundMessage.objects.get(kind="grievances.filed")
    assert sms.to == REPORTER_PHONE
    assert complaint.code in sms.body and "29/01/2025" in sms.body
    assert "pompe" not in sms.body
    assert AuditEvent.objects.filter(action="grievances.filed", target_id=str(complaint.pk)).exists()
    act = ParticipationAct.objects.get(module="complaints")
    assert act.kind == "complaint_filed"
    assert act.arrondissement_id == village.arrondissement_id


def test_every_timeline_event_carries_the_complaint_commune(file_complaint, toffo):
    """add_event stamps each event with its complaint's commune: Open311 updates are read by it."""
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=None)
    services.complaint_note(complaint=complaint, text="Voir le fontainier.", by=None)
    services.complaint_resolve(complaint=complaint, message="Pompe réparée.", by=None)
    theirs = file_complaint(commune=toffo, category=Category.objects.get(commune=toffo, code="water"))
    assert set(complaint.events.values_list("kind", "commune_id")) == {
        ("filed", complaint.commune_id),
        ("acknowledged", complaint.commune_id),
        ("note", complaint.commune_id),
        ("resolved", complaint.commune_id),
    }
    assert list(theirs.events.values_list("commune_id", flat=True)) == [toffo.pk]


def test_ambiguous_characters_never_appear(bohicon):
    for _ in range(50):
        assert not set(new_tracking_code(bohicon).split("-")[1]) & set("0O1ILUV")


def test_codes_typed_loosely_are_understood():
    assert normalize_code(" boh 7k3m ") == "BOH-7K3M"
    assert normalize_code("BOH7K3M") == "BOH-7K3M"


def test_the_sms_is_in_the_reporter_language(file_complaint):
    file_complaint(language="en")
    body = OutboundMessage.objects.get(kind="grievances.filed").body
    assert body.startswith("Palabre")


def test_default_assignee_is_routed(water, officer, file_complaint):
    water.default_assignee = officer
    water.save()
    complaint = file_complaint()
    assert complaint.assignee == officer
    assert complaint.status == Status.RECEIVED


def test_anonymous_complaints_keep_no_identity(file_complaint, citizen):
    complaint = file_complaint(is_anonymous=True, reporter=citizen, name_public=True)
    complaint.refresh_from_db()
    assert complaint.reporter is None
    assert complaint.reporter_name == ""
    assert not complaint.reporter_phone
    assert not complaint.name_public
    assert not OutboundMessage.objects.exists()
    assert ParticipationAct.objects.get().user_id is None
    audit = AuditEvent.objects.get(action="grievances.filed")
    assert audit.actor_id is None
    assert REPORTER_PHONE not in str(audit.data)


def test_signed_in_reporter_is_texted_on_their_number(file_complaint, citizen):
    complaint = file_complaint(reporter=citizen, reporter_phone=None)
    assert complaint.reporter_phone == citizen.phone


def test_urgent_complaints_get_shorter_deadlines(file_complaint):
    complaint = file_complaint(severity="urgent")
    assert complaint.ack_due_on == datetime.date(2025, 1, 7)


def test_sensitive_category_makes_a_sensitive_complaint(file_complaint, gbv):
    complaint = file_complaint(category=gbv, description="Des violences dans la famille.")
    assert complaint.is_sensitive
    body = OutboundMessage.objects.get().body
    assert "violences" not in body.lower()


@pytest.mark.parametrize("field", ["category", "arrondissement", "village"])
def test_place_and_category_must_belong_to_the_commune(file_complaint, toffo, field):
    other_arrondissement = ArrondissementFactory(commune=toffo)
    wrong = {
        "category": Category.objects.get(commune=toffo, code="water"),
        "arrondissement": other_arrondissement,
        "village": VillageFactory(arrondissement=other_arrondissement),
    }[field]
    with pytest.raises(ValidationError):
        file_complaint(**{field: wrong})
    assert not Complaint.objects.exists()


def test_a_description_or_a_voice_recording_is_required(file_complaint):
    with pytest.raises(ValidationError):
        file_complaint(description="  ")
    voice = SimpleUploadedFile("message.ogg", b"OggS" + b"\0" * 100, content_type="audio/ogg")
    complaint = file_complaint(description="", voice_recording=voice)
    assert complaint.voice_recording.name.endswith(".ogg")


def test_photo_must_be_an_image(file_complaint):
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        file_complaint(photo=fake)


def test_photo_size_is_capped(file_complaint):
    huge = SimpleUploadedFile(
        "photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationError):
        file_complaint(photo=huge)


def test_declared_traits_come_from_a_consented_profile(file_complaint, citizen):
    citizen.gender = "f"
    citizen.birth_year = 2000
    citizen.profile_consent_at = MONDAY
    citizen.save()
    complaint = file_complaint(reporter=citizen)
    assert complaint.reporter_gender == "f"
    assert complaint.reporter_age_band == "25-35"


def test_me_too_counts_each_person_once(file_complaint, citizen):
    complaint = file_complaint()
    support, created = services.complaint_support(complaint=complaint, user=citizen, channel="web")
    assert created
    again, created_again = services.complaint_support(complaint=complaint, user=citizen, channel="sms")
    assert not created_again and again == support
    services.complaint_support(complaint=complaint, phone="+2290197000099", channel="sms")
    services.complaint_support(complaint=complaint, phone="+2290197000099", channel="ussd")
    complaint.refresh_from_db()
    assert complaint.supporters_count == 2
    assert ComplaintSupport.objects.count() == 2


def test_me_too_is_refused_on_sensitive_or_finished_complaints(file_complaint, gbv, citizen):
    sensitive = file_complaint(category=gbv)
    with pytest.raises(ValidationError):
        services.complaint_support(complaint=sensitive, user=citizen)
    rejected = file_complaint()
    services.complaint_reject(complaint=rejected, by=None, reason="Hors sujet")
    rejected.refresh_from_db()
    with pytest.raises(ValidationError):
        services.complaint_support(complaint=rejected, user=citizen)


def test_the_reporter_cannot_support_their_own_complaint(file_complaint, citizen):
    complaint = file_complaint(reporter=citizen)
    with pytest.raises(ValidationError):
        services.complaint_support(complaint=complaint, user=citizen)
