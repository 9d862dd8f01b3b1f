"""Ideas (proposals) of a participatory budget: submitted on every channel, reviewed, merged, withdrawn.

`proposal_submit` is the one function the web page, the USSD menu, the SMS keyword and the officer typing
a paper form all call, so the rules below hold everywhere.

Who proposed it, and the phone: an idea keeps a link to its author's account when there is one (the web
citizen, or the USSD/SMS caller whose number has an account), and the notices (acknowledgement, review
outcome, merge) go to that account's number. The phone of an author without an account (USSD, SMS, or
written on a paper form) is kept on the idea only for those notices: never shown, and erased for the whole
cycle when its results are computed (`proposal_phones_erase`), since no notice follows.
"""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from palabre.accounts.models import User
from palabre.accounts.queries import participant_traits
from palabre.budgeting.models import Cycle, Envelope, Proposal, ProposalStatus
from palabre.budgeting.phases import IDEAS, REVIEW, phase_of
from palabre.budgeting.queries.cycles import money
from palabre.channels.phones import SIMULATED_REFUSAL, phone_is_training
from palabre.channels.ussd.sessions import caller_traits
from palabre.core.choices import Channel
from palabre.core.outbox import E164
from palabre.core.services import audit_record, participation_record, sms_queue
from palabre.core.validators import validate_photo
from palabre.territory.models import Arrondissement, Module, Village

TITLE_LENGTH = (5, 120)
DESCRIPTION_LENGTH = (20, 3000)
AUTHOR_NAME_LENGTH = 120
REVIEW_REASON_MIN = 10
SMS_REASON_CHARS = 80
# Statuses an idea can still be reviewed, merged or withdrawn from.
LIVE_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.FEASIBLE, ProposalStatus.INFEASIBLE)
# Phases in which the planning officer works on ideas (ideas arrive while the first ones are reviewed).
REVIEW_PHASES = (IDEAS, REVIEW)


def proposal_submit(
    *,
    cycle: Cycle,
    title: str,
    description: str,
    channel: str,
    arrondissement: Arrondissement | None = None,
    village: Village | None = None,
    rough_cost: int | None = None,
    photo: UploadedFile | None = None,
    author: User | None = None,
    author_name: str = "",
    author_phone: str = "",
    by: User | None = None,
) -> Proposal:
    """Record an idea and return it with its number (per cycle, never reused).

    Open during the ideas phase of a published cycle; a paper form typed by an officer (`by`) is also
    accepted during the review phase, as village meetings send their forms late. `author_phone` (E.164):
    the USSD/SMS caller or the number written on a paper form, see the module docstring. The idea goes to
    its arrondissement's envelope if the cycle has one, else to the commune-wide one (the review may change
    it). Raises ValidationError naming the faulty field."""
    if phone_is_training(author_phone or None):  # the phone simulator, outside demo mode
        raise ValidationError(SIMULATED_REFUSAL, code="simulated")
    values = _checked_idea(
        cycle=cycle,
        title=title,
        description=description,
        arrondissement=arrondissement,
        village=village,
        rough_cost=rough_cost,
        photo=photo,
        author_name=author_name,
        author_phone=author_phone,
        channel=channel,
    )
    _check_submission_open(cycle, channel=channel, by=by, on=None)
    if author is None and author_phone:
        author = User.objects.filter(phone=author_phone).first()
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one number at a time per cycle
        proposal = Proposal.objects.create(
            commune_id=cycle.commune_id,
            cycle=cycle,
            number=_next_number(cycle),
            envelope=_envelope_for(cycle, values["arrondissement"]),
            photo=photo or "",
            author=author,
            channel=channel,
            author_phone="" if author else author_phone,
            **values,
        )
        _record_participation(proposal, author, author_phone)
        audit_record(
            action="budgeting.proposal_submitted",
            actor_id=by.pk if by else None,
            commune_id=cycle.commune_id,
            target=proposal,
            data={"cycle": cycle.pk, "number": proposal.number, "channel": channel},
        )
        if author_phone_of(proposal):
            _notify(proposal, author_phone_of(proposal), author, "submitted", _submitted_sms)
    return proposal


def proposal_review(
    *,
    proposal: Proposal,
    feasible: bool,
    reason: str,
    estimated_cost: int | None = None,
    envelope: Envelope | None = None,
    by: User,
) -> Proposal:
    """The technical review: feasible (then on the ballot, with the services' cost and an envelope) or
    not, with a reason that is published. Can be done again until voting opens. The author is told by SMS
    when they have an account."""
    cycle = proposal.cycle
    _check_review_open(cycle)
    _check_live(proposal)
    reason = (reason or "").strip()
    envelope = envelope or proposal.envelope
    _check_review(cycle, feasible=feasible, reason=reason, cost=estimated_cost, envelope=envelope)
    with transaction.atomic():
        proposal.status = ProposalStatus.FEASIBLE if feasible else ProposalStatus.INFEASIBLE
        proposal.review_reason = reason
        proposal.estimated_cost = estimated_cost
        proposal.envelope = envelope
        proposal.reviewed_at = timezone.now()
        proposal.reviewed_by = by
        proposal.save(
            update_fields=[
                "status",
                "review_reason",
                "estimated_cost",
                "envelope",
                "reviewed_at",
                "reviewed_by",
            ]
        )
        audit_record(
            action="budgeting.proposal_reviewed",
            actor_id=by.pk,
            commune_id=cycle.commune_id,
            target=proposal,
            data={
                "number": proposal.number,
                "feasible": feasible,
                "estimated_cost": estimated_cost,
                "envelope": envelope.pk if envelope else None,
            },
        )
        if author_phone_of(proposal):
            _notify(proposal, author_phone_of(proposal), proposal.author, "reviewed", _reviewed_sms)
    return proposal


def proposal_merge(*, duplicate: Proposal, into: Proposal, by: User) -> Proposal:
    """Fold a duplicate idea into another of the same cycle (the one that stays). Ideas merged earlier
    into the duplicate follow it, so a merge never leads to a merged idea. Both authors are told by SMS
    when we have their phone."""
    cycle = duplicate.cycle
    _check_review_open(cycle)
    if into.cycle_id != duplicate.cycle_id or into.pk == duplicate.pk:
        raise ValidationError({"into": _("Choisissez une autre idée de ce même budget.")})
    _check_live(duplicate)
    if into.status not in LIVE_STATUSES:
        raise ValidationError({"into": _("Cette idée est elle-même fusionnée ou retirée.")})
    with transaction.atomic():
        followers = list(Proposal.objects.filter(merged_into=duplicate).values_list("number", flat=True))
        Proposal.objects.filter(merged_into=duplicate).update(merged_into=into)
        duplicate.status = ProposalStatus.MERGED
        duplicate.merged_into = into
        duplicate.reviewed_at = timezone.now()
        duplicate.reviewed_by = by
        duplicate.save(update_fields=["status", "merged_into", "reviewed_at", "reviewed_by"])
        audit_record(
            action="budgeting.proposal_merged",
            actor_id=by.pk,
            commune_id=cycle.commune_id,
            target=duplicate,
            data={"number": duplicate.number, "into": into.number, "followers": followers},
        )
        for proposal in (duplicate, into):
            if author_phone_of(proposal):
                sms = partial(_merged_sms if proposal is duplicate else _merged_into_sms, into=into)
                phone = author_phone_of(proposal)
                _notify(duplicate, phone, proposal.author, f"merged:{proposal.pk}", sms)
    return duplicate


def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    """Take an idea off the list (its author changed their mind, or asked the commune to): possible until
    voting opens. It keeps its number, which is never given to another idea."""
    cycle = proposal.cycle
    _check_review_open(cycle)
    _check_live(proposal)
    with transaction.atomic():
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status"])
        audit_record(
            action="budgeting.proposal_withdrawn",
            actor_id=by.pk,
            commune_id=cycle.commune_id,
            target=proposal,
            data={"number": proposal.number, "by_author": by.pk == proposal.author_id},
        )
    return proposal


def submission_open(cycle: Cycle, *, channel: str = Channel.WEB, on: datetime.date | None = None) -> bool:
    """Whether ideas are accepted today on this channel (for pages and menus to offer the form)."""
    try:
        _check_submission_open(cycle, channel=channel, by=None, on=on)
    except ValidationError:
        return False
    return True


def review_open(cycle: Cycle, *, on: datetime.date | None = None) -> bool:
    return phase_of(cycle, on=on) in REVIEW_PHASES


def _check_submission_open(cycle: Cycle, *, channel: str, by: User | None, on: datetime.date | None) -> None:
    phase = phase_of(cycle, on=on)
    if not cycle.is_published or Module.BUDGETING not in cycle.commune.modules:
        raise ValidationError(_("Ce budget participatif n'accepte pas d'idées."))
    if channel == Channel.PAPER and by is None:
        raise ValidationError(_("Un formulaire papier est saisi par un agent de la mairie."))
    allowed = REVIEW_PHASES if channel == Channel.PAPER else (IDEAS,)
    if phase not in allowed:
        raise ValidationError(_("Le dépôt des idées est fermé pour ce budget."))


def _check_review_open(cycle: Cycle) -> None:
    if not review_open(cycle):
        raise ValidationError(
            _("Les idées s'examinent pendant le dépôt des idées et l'examen technique, pas après.")
        )


def _check_live(proposal: Proposal) -> None:
    if proposal.status not in LIVE_STATUSES:
        raise ValidationError(_("Cette idée est fusionnée ou retirée : elle ne peut plus changer."))


def _checked_idea(
    *,
    cycle: Cycle,
    title: str,
    description: str,
    arrondissement: Arrondissement | None,
    village: Village | None,
    rough_cost: int | None,
    photo: UploadedFile | None,
    author_name: str,
    author_phone: str,
    channel: str,
) -> dict[str, Any]:
    """The idea's fields, trimmed and checked; every faulty field named at once."""
    title, description, author_name = (title or "").strip(), (description or "").strip(), author_name.strip()
    errors: dict[str, list] = {}

    def fail(field: str, message: str | Promise) -> None:
        errors.setdefault(field, []).append(message)

    if not TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:
        fail("title", _("Le titre compte de %(low)s à %(high)s caractères.") % _bounds(TITLE_LENGTH))
    if not DESCRIPTION_LENGTH[0] <= len(description) <= DESCRIPTION_LENGTH[1]:
        fail(
            "description",
            _("Décrivez votre idée en %(low)s à %(high)s caractères : ce qu'il faut faire, où, pour qui.")
            % _bounds(DESCRIPTION_LENGTH),
        )
    if village is not None:
        if arrondissement is not None and village.arrondissement_id != arrondissement.pk:
            fail("village", _("Ce village n'est pas dans cet arrondissement."))
        arrondissement = village.arrondissement
    if arrondissement is not None and arrondissement.commune_id != cycle.commune_id:
        fail("arrondissement", _("Cet arrondissement n'est pas dans la commune."))
    if rough_cost is not None and rough_cost <= 0:
        fail("rough_cost", _("Le coût estimé doit être un nombre positif de francs CFA."))
    if len(author_name) > AUTHOR_NAME_LENGTH:
        fail("author_name", _("Le nom compte au plus %(high)s caractères.") % {"high": AUTHOR_NAME_LENGTH})
    if author_phone and not E164.match(author_phone):
        fail("author_phone", _("Ce numéro de téléphone n'est pas valable."))
    if channel not in Channel.values:
        fail("channel", _("Canal inconnu."))
    if photo:
        try:
            validate_photo(photo)
        except ValidationError as error:
            errors.setdefault("photo", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "arrondissement": arrondissement,
        "village": village,
        "rough_cost": rough_cost,
        "author_name": author_name,
    }


def _bounds(bounds: tuple[int, int]) -> dict:
    return {"low": bounds[0], "high": bounds[1]}


def _check_review(
    cycle: Cycle, *, feasible: bool, reason: str, cost: int | None, envelope: Envelope | None
) -> None:
    errors: dict[str, list] = {}
    if len(reason) < REVIEW_REASON_MIN:
        errors["reason"] = [_("Expliquez l'avis en une phrase au moins : il est publié avec l'idée.")]
    if cost is not None and cost <= 0:
        errors["estimated_cost"] = [_("Le coût doit être un nombre positif de francs CFA.")]
    elif feasible and cost is None:
        errors["estimated_cost"] = [_("Un projet réalisable a besoin du coût estimé par les services.")]
    if envelope is not None and envelope.cycle_id != cycle.pk:
        errors["envelope"] = [_("Choisissez une enveloppe de ce budget.")]
    elif feasible and envelope is None:
        errors["envelope"] = [_("Choisissez l'enveloppe dans laquelle ce projet sera soumis au vote.")]
    elif feasible and cost and envelope is not None and cost > envelope.amount:
        errors["estimated_cost"] = [
            _("Ce coût dépasse l'enveloppe (%(amount)s FCFA) : le projet ne pourrait pas être financé.")
            % {"amount": money(envelope.amount)}
        ]
    if errors:
        raise ValidationError(errors)


def _next_number(cycle: Cycle) -> int:
    """The next free number of the cycle; the caller holds the cycle's row lock."""
    return (Proposal.objects.filter(cycle=cycle).aggregate(top=Max("number"))["top"] or 0) + 1


def _envelope_for(cycle: Cycle, arrondissement: Arrondissement | None) -> Envelope | None:
    envelopes = {envelope.arrondissement_id: envelope for envelope in cycle.envelopes.all()}
    if arrondissement is not None and arrondissement.pk in envelopes:
        return envelopes[arrondissement.pk]
    return envelopes.get(None)


def author_phone_of(proposal: Proposal) -> str:
    """Where notices about this idea go: its author's account number, else the phone kept for them."""
    return str(proposal.author.phone) if proposal.author is not None else proposal.author_phone


def proposal_phones_erase(*, cycle: Cycle) -> int:
    """Forget the phones of authors without an account once no notice can follow (results computed:
    `results_compute` does it in its transaction). Not audited: it only forgets personal data."""
    with transaction.atomic():
        return _proposal_phones_erase(cycle)


def _proposal_phones_erase(cycle: Cycle) -> int:
    return Proposal.objects.filter(cycle=cycle).exclude(author_phone="").update(author_phone="")


def _record_participation(proposal: Proposal, author: User | None, author_phone: str) -> None:
    traits = participant_traits(author)
    if author is None and author_phone:
        traits = {**caller_traits(author_phone), "arrondissement_id": None}
    participation_record(
        commune_id=proposal.commune_id,
        module=Module.BUDGETING,
        kind="idea",
        channel=proposal.channel,
        user_id=author.pk if author else None,
        gender=traits["gender"],
        age_band=traits["age_band"],
        arrondissement_id=traits["arrondissement_id"] or proposal.arrondissement_id,
    )


def _notify(
    proposal: Proposal, phone: str, author: User | None, step: str, body: Callable[[Proposal], str]
) -> None:
    """Queue an SMS about `proposal` once per step, in the author's language when we know it."""
    key = f"budgeting.proposal:{proposal.pk}:{step}"
    if step == "reviewed" and proposal.reviewed_at is not None:
        key = f"{key}:{proposal.reviewed_at.isoformat()}"
    language = (author.language if author else "") or translation.get_language()
    with translation.override(language):
        text = body(proposal)
    sms_queue(
        to=phone,
        body=text,
        kind=f"budgeting.proposal_{step.split(':')[0]}",
        commune_id=proposal.commune_id,
        idempotency_key=key,
    )


def _submitted_sms(proposal: Proposal) -> str:
    return pgettext(
        "sms", "Merci ! Votre idée n° %(number)s au budget participatif de %(commune)s est enregistrée."
    ) % {"number": proposal.number, "commune": proposal.cycle.commune.name}


def _reviewed_sms(proposal: Proposal) -> str:
    params = {
        "number": proposal.number,
        "reason": Truncator(proposal.review_reason).chars(SMS_REASON_CHARS),
    }
    if proposal.status == ProposalStatus.FEASIBLE:
        return pgettext("sms", "Votre idée n° %(number)s est retenue pour le vote. %(reason)s") % params
    return pgettext("sms", "Votre idée n° %(number)s n'est pas retenue : %(reason)s") % params


def _merged_sms(proposal: Proposal, *, into: Proposal) -> str:
    return pgettext(
        "sms", "Votre idée n° %(number)s rejoint l'idée n° %(into)s, qui dit la même chose : suivez celle-ci."
    ) % {"number": proposal.number, "into": into.number}


def _merged_into_sms(proposal: Proposal, *, into: Proposal) -> str:
    return pgettext("sms", "L'idée n° %(number)s, semblable à la vôtre (n° %(into)s), la rejoint.") % {
        "number": proposal.number,
        "into": into.number,
    }
