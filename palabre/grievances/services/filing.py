"""Filing a complaint and saying "me too": what citizens do, on every channel."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import User
from palabre.accounts.queries import participant_traits
from palabre.channels.phones import SIMULATED_REFUSAL, phone_is_training
from palabre.channels.privacy import caller_forget
from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.services import audit_record, participation_record
from palabre.core.validators import validate_photo, validate_voice_recording
from palabre.grievances.deadlines import due_dates
from palabre.grievances.models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintSupport,
    EventKind,
    Severity,
    Status,
)
from palabre.grievances.services.common import (
    TEXT_MAX_LENGTH,
    add_event,
    new_tracking_code,
    notify_reporter,
    too_long_message,
)
from palabre.territory.models import Arrondissement, Commune, Village

MODULE = "complaints"
# What a description may hold, on every channel (a USSD answer stays far below the maximum).
DESCRIPTION_MIN_LENGTH = 10
DESCRIPTION_MAX_LENGTH = TEXT_MAX_LENGTH


def _check_place(
    commune: Commune, arrondissement: Arrondissement | None, village: Village | None
) -> Arrondissement | None:
    """The arrondissement of the place (taken from the village if only it was given), in the commune."""
    if village is not None:
        if arrondissement is not None and village.arrondissement_id != arrondissement.pk:
            raise ValidationError({"village": _("Ce village n'est pas dans cet arrondissement.")})
        arrondissement = village.arrondissement
    if arrondissement is not None and arrondissement.commune_id != commune.pk:
        raise ValidationError({"arrondissement": _("Cet arrondissement n'est pas dans la commune.")})
    return arrondissement


def _check_category(commune: Commune, category: Category) -> None:
    if category.commune_id != commune.pk or not category.is_active:
        raise ValidationError({"category": _("Choisissez une catégorie de la commune.")})


def complaint_description_clean(description: str) -> str:
    """The description as kept (spaces joined), or ValidationError with what to change: the one rule of
    every channel (the USSD prompt checks it as soon as it is typed; the others when filing). Empty is
    allowed here: a voice message may stand for it (`complaint_file` checks that one of them is given)."""
    description = " ".join((description or "").split())
    if description and len(description) < DESCRIPTION_MIN_LENGTH:
        raise ValidationError(
            _("Trop court : écrivez au moins %(count)s lettres.") % {"count": DESCRIPTION_MIN_LENGTH},
            code="too_short",
        )
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(too_long_message(), code="too_long")
    return description


def _check_content(description: str, photo: File | None, voice_recording: File | None) -> None:
    if not description and not voice_recording:
        raise ValidationError(
            {"description": _("Décrivez ce qui s'est passé, par écrit ou par un message vocal.")}
        )
    if photo:
        validate_photo(photo)
    if voice_recording:
        validate_voice_recording(voice_recording)


def _declared_traits(reporter: User | None, gender: str, age_band: str) -> tuple[str, str]:
    """Traits declared on the form, else those of the reporter's consented profile."""
    profile = participant_traits(reporter)
    gender = gender or profile["gender"]
    age_band = age_band or profile["age_band"]
    if gender not in Gender.values:
        gender = ""
    if age_band not in AgeBand.values:
        age_band = ""
    return gender, age_band


def complaint_file(
    *,
    commune: Commune,
    category: Category,
    description: str,
    channel: str = Channel.WEB,
    severity: str = Severity.NORMAL,
    arrondissement: Arrondissement | None = None,
    village: Village | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    place_description: str = "",
    photo: File | None = None,
    voice_recording: File | None = None,
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_phone: PhoneNumber | None = None,
    language: str = "fr",
    is_anonymous: bool = False,
    name_public: bool = False,
    gender: str = "",
    age_band: str = "",
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """File a complaint and return it with its tracking code.

    `reporter` is the citizen's account if signed in; `by` an agent typing a paper form or a channel's
    operator (None for the citizen themself). Anonymous: no account, name, phone or public name is kept.
    Routing: the category's default assignee is set (status stays "received" until acknowledged);
    deadlines are computed in working days; the reporter gets an SMS with the code and expected date if
    a phone is known; one participation-ledger row. Raises ValidationError naming the faulty field.
    """
    if phone_is_training(reporter_phone):  # the phone simulator, outside demo mode
        raise ValidationError(SIMULATED_REFUSAL, code="simulated")
    now = now or timezone.now()
    try:
        description = complaint_description_clean(description)
    except ValidationError as error:
        raise ValidationError({"description": error.messages}) from error
    _check_category(commune, category)
    arrondissement = _check_place(commune, arrondissement, village)
    _check_content(description, photo, voice_recording)
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Gravité inconnue.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Canal inconnu.")})
    gender, age_band = _declared_traits(None if is_anonymous else reporter, gender, age_band)
    if is_anonymous:
        reporter, reporter_name, reporter_phone, name_public = None, "", None, False
    elif reporter_phone is None and reporter is not None:
        reporter_phone = reporter.phone
    ack_due_on, resolve_due_on = due_dates(
        filed_on=timezone.localdate(now),
        ack_days=category.ack_working_days,
        resolve_days=category.resolve_working_days,
        severity=severity,
    )
    with transaction.atomic():
        complaint = Complaint.objects.create(
            commune=commune,
            code=new_tracking_code(commune),
            category=category,
            is_sensitive=category.is_sensitive,
            severity=severity,
            status=Status.RECEIVED,
            arrondissement=arrondissement,
            village=village,
            latitude=latitude,
            longitude=longitude,
            place_description=place_description.strip(),
            description=description,
            photo=photo or "",
            voice_recording=voice_recording or "",
            reporter=reporter,
            reporter_name=reporter_name.strip(),
            reporter_phone=reporter_phone or "",
            language=language or "fr",
            is_anonymous=is_anonymous,
            name_public=name_public and bool(reporter_name.strip()),
            reporter_gender=gender,
            reporter_age_band=age_band,
            channel=channel,
            created_at=now,
            status_changed_at=now,
            ack_due_on=ack_due_on,
            resolve_due_on=resolve_due_on,
            escalation_due_on=ack_due_on,
            assignee=category.default_assignee,
        )
        event = add_event(complaint, EventKind.FILED, by=by, to_status=Status.RECEIVED, now=now)
        notify_reporter(complaint, "filed", key=f"event:{event.pk}", date=resolve_due_on)
        participation_record(
            commune_id=commune.pk,
            module=MODULE,
            kind="complaint_filed",
            channel=channel,
            user_id=getattr(reporter, "pk", None),
            gender=gender,
            age_band=age_band,
            arrondissement_id=getattr(arrondissement, "pk", None),
        )
        audit_record(
            action="grievances.filed",
            actor_id=getattr(by, "pk", None),
            commune_id=commune.pk,
            target=complaint,
            data={"code": complaint.code, "category": category.code, "channel": channel},
        )
        if is_anonymous or category.is_sensitive:
            # Filed by phone: no trace of the number beside the filing's time in the channels' tables
            # (no effect on the web, where there is none).
            caller_forget()
    return complaint


def complaint_support(
    *,
    complaint: Complaint,
    user: User | None = None,
    phone: PhoneNumber | None = None,
    channel: str = Channel.WEB,
) -> tuple[ComplaintSupport, bool]:
    """ "Me too": add a supporter (one per account or phone) to an open, non-sensitive complaint.

    Returns (support, created); supporting twice is harmless and counts once.

    Not audited, deliberately: the participation ledger records the act. "Me too" is a mass action of
    residents (like a ballot), the audit chain serialises every audited write, and an audit event naming
    the supporter would keep a resident's account beside a complaint in a log that can never be erased.
    """
    if phone_is_training(phone):  # the phone simulator, outside demo mode
        raise ValidationError(SIMULATED_REFUSAL, code="simulated")
    if complaint.is_sensitive or complaint.status not in OPEN_STATUSES:
        raise ValidationError(_("Cette plainte ne peut plus recevoir de soutien."), code="closed")
    if user is None and not phone:
        raise ValidationError(_("Connectez-vous ou donnez un numéro de téléphone pour soutenir."), code="who")
    if user is not None and user.pk == complaint.reporter_id:
        raise ValidationError(_("Vous avez vous-même déposé cette plainte."), code="own")
    existing = _existing_support(complaint, user, phone)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            support = ComplaintSupport.objects.create(
                complaint=complaint, user=user, phone=phone if user is None else "", channel=channel
            )
            Complaint.objects.filter(pk=complaint.pk).update(supporters_count=F("supporters_count") + 1)
            traits = participant_traits(user)
            participation_record(
                commune_id=complaint.commune_id,
                module=MODULE,
                kind="complaint_supported",
                channel=channel,
                user_id=getattr(user, "pk", None),
                gender=traits["gender"],
                age_band=traits["age_band"],
                arrondissement_id=complaint.arrondissement_id,
            )
    except IntegrityError:  # the same person, at the same moment, on another channel
        existing = _existing_support(complaint, user, phone)
        if existing is None:  # not a duplicate after all: the error was something else
            raise
        return existing, False
    complaint.refresh_from_db(fields=["supporters_count"])
    return support, True


def _existing_support(
    complaint: Complaint, user: User | None, phone: PhoneNumber | None
) -> ComplaintSupport | None:
    if user is not None:
        return ComplaintSupport.objects.filter(complaint=complaint, user=user).first()
    return ComplaintSupport.objects.filter(complaint=complaint, phone=phone).first()
