"""Setting up a participatory budget: the cycle (phase dates, ballot rules), its envelopes, publishing it.

Once voting has begun, the ballot must not change under voters' feet: the ballot kind and its parameters,
the tally rule, the minimum age and the envelopes are frozen, and a phase date that has passed cannot move
(nor can a date be moved into the past). Before that, everything may change. Every change is audited.
"""

import datetime
import itertools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User
from palabre.budgeting.models import TALLY_RULE_LABELS, BallotKind, Cycle, Envelope
from palabre.budgeting.phases import PHASES, RESULTS
from palabre.core.services import audit_record
from palabre.territory.models import Arrondissement, Commune

DATE_FIELDS = tuple(phase.date_field for phase in PHASES)
# What a voter's ballot depends on: frozen from the first day of voting.
VOTING_SETTINGS = ("ballot_kind", "max_projects", "points_per_voter", "tally_rule", "minimum_age")
EDITABLE_FIELDS = ("title", "year", "description", *DATE_FIELDS, *VOTING_SETTINGS)
# Rules that read points (the Equal Shares rules count a cumulative ballot as a plain approval).
POINTS_RULES = ("greedy", "greedy-cost")
MINIMUM_AGE_RANGE = (10, 99)
YEAR_RANGE = (2000, 2100)


def voting_has_begun(cycle: Cycle, *, on: datetime.date | None = None) -> bool:
    """True from the first day of voting on: the ballot and the envelopes are frozen."""
    return (on or timezone.localdate()) >= cycle.voting_on


def cycle_create(
    *,
    commune: Commune,
    title: str,
    year: int,
    information_on: datetime.date,
    ideas_on: datetime.date,
    review_on: datetime.date,
    voting_on: datetime.date,
    results_on: datetime.date,
    follow_up_on: datetime.date,
    ballot_kind: str = BallotKind.APPROVAL,
    max_projects: int | None = None,
    points_per_voter: int | None = None,
    tally_rule: str = "mes-complete",
    minimum_age: int | None = None,
    description: str = "",
    by: User,
) -> Cycle:
    """A new cycle of the commune, not yet visible to the public (see cycle_publish)."""
    cycle = Cycle(commune=commune)
    values = {
        "title": title,
        "year": year,
        "description": description,
        "information_on": information_on,
        "ideas_on": ideas_on,
        "review_on": review_on,
        "voting_on": voting_on,
        "results_on": results_on,
        "follow_up_on": follow_up_on,
        "ballot_kind": ballot_kind,
        "max_projects": max_projects,
        "points_per_voter": points_per_voter,
        "tally_rule": tally_rule,
        "minimum_age": minimum_age,
    }
    _apply(cycle, _cleaned(values))
    with transaction.atomic():
        cycle.save()
        audit_record(
            action="budgeting.cycle_created",
            actor_id=by.pk,
            commune_id=commune.pk,
            target=cycle,
            data={"year": cycle.year, "ballot_kind": cycle.ballot_kind, "tally_rule": cycle.tally_rule},
        )
    return cycle


def cycle_update(*, cycle: Cycle, by: User, **changes: Any) -> Cycle:
    """Change some of the cycle's settings (any of EDITABLE_FIELDS, by keyword). Refused, naming the field,
    if it breaks the phase order or the ballot rules, or changes what voting froze."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"cycle_update() got unexpected fields: {', '.join(sorted(unknown))}")
    values = {field: getattr(cycle, field) for field in EDITABLE_FIELDS} | changes
    values = _cleaned(values)
    changed = [field for field in EDITABLE_FIELDS if values[field] != getattr(cycle, field)]
    _check_not_frozen(cycle, {field: values[field] for field in changed})
    if not changed:
        return cycle
    with transaction.atomic():
        _apply(cycle, {field: values[field] for field in changed})
        cycle.save(update_fields=changed)
        audit_record(
            action="budgeting.cycle_updated",
            actor_id=by.pk,
            commune_id=cycle.commune_id,
            target=cycle,
            data={field: values[field] for field in changed if field != "description"},
        )
    return cycle


def cycle_publish(*, cycle: Cycle, by: User) -> Cycle:
    """Show the cycle to the public (its page, the commune home). It needs at least one envelope, since
    the information phase announces the money at stake."""
    if cycle.is_published:
        return cycle
    if not cycle.envelopes.exists():
        raise ValidationError(_("Ajoutez au moins une enveloppe avant de publier ce budget."))
    with transaction.atomic():
        cycle.is_published = True
        cycle.save(update_fields=["is_published"])
        audit_record(
            action="budgeting.cycle_published", actor_id=by.pk, commune_id=cycle.commune_id, target=cycle
        )
    return cycle


def envelope_set(
    *, cycle: Cycle, amount: int, arrondissement: Arrondissement | None = None, by: User
) -> Envelope:
    """Create or change the amount of the commune-wide envelope (no arrondissement) or of one
    arrondissement's. Refused once voting has begun."""
    if voting_has_begun(cycle):
        raise ValidationError(_("Le vote a commencé : les enveloppes ne peuvent plus changer."))
    if arrondissement is not None and arrondissement.commune_id != cycle.commune_id:
        raise ValidationError({"arrondissement": _("Cet arrondissement n'est pas dans la commune.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être un nombre positif de francs CFA.")})
    with transaction.atomic():
        envelope, created = Envelope.objects.select_for_update().get_or_create(
            cycle=cycle, arrondissement=arrondissement, defaults={"amount": amount}
        )
        previous = None if created else envelope.amount
        if previous == amount:
            return envelope
        if not created:
            envelope.amount = amount
            envelope.save(update_fields=["amount"])
        audit_record(
            action="budgeting.envelope_set",
            actor_id=by.pk,
            commune_id=cycle.commune_id,
            target=envelope,
            data={
                "cycle": cycle.pk,
                "arrondissement": arrondissement.pk if arrondissement else None,
                "amount": amount,
                "previous_amount": previous,
            },
        )
    return envelope


def envelope_remove(*, envelope: Envelope, by: User) -> None:
    """Remove an envelope set by mistake: only before voting, and only while no idea is attached to it."""
    cycle = envelope.cycle
    if voting_has_begun(cycle):
        raise ValidationError(_("Le vote a commencé : les enveloppes ne peuvent plus changer."))
    envelope_pk = envelope.pk
    try:
        with transaction.atomic():
            envelope.delete()
            audit_record(
                action="budgeting.envelope_removed",
                actor_id=by.pk,
                commune_id=cycle.commune_id,
                target=cycle,
                data={"envelope": envelope_pk, "arrondissement": envelope.arrondissement_id},
            )
    except ProtectedError as error:
        raise ValidationError(
            _("Des idées sont rattachées à cette enveloppe : rattachez-les à une autre avant de la retirer.")
        ) from error


def _cleaned(values: dict) -> dict:
    """The values with text trimmed and unused ballot parameters cleared, or ValidationError naming every
    faulty field."""
    values = dict(values)
    values["title"] = (values["title"] or "").strip()
    values["description"] = (values["description"] or "").strip()
    errors: dict[str, list] = {}
    _check_basics(values, errors)
    _check_dates(values, errors)
    _check_ballot(values, errors)
    if errors:
        raise ValidationError(errors)
    return values


def _check_basics(values: dict, errors: dict) -> None:
    if not values["title"]:
        errors.setdefault("title", []).append(_("Donnez un titre à ce budget."))
    if not values["year"] or not YEAR_RANGE[0] <= values["year"] <= YEAR_RANGE[1]:
        errors.setdefault("year", []).append(_("Indiquez l'année du budget (par exemple 2026)."))
    age = values["minimum_age"]
    if age is not None and not MINIMUM_AGE_RANGE[0] <= age <= MINIMUM_AGE_RANGE[1]:
        errors.setdefault("minimum_age", []).append(
            _("L'âge minimum doit être compris entre %(low)s et %(high)s ans, ou laissé vide.")
            % {"low": MINIMUM_AGE_RANGE[0], "high": MINIMUM_AGE_RANGE[1]}
        )


def _check_dates(values: dict, errors: dict) -> None:
    """Each phase starts on or after the previous one; voting lasts at least one day."""
    for field in DATE_FIELDS:
        if values[field] is None:
            errors.setdefault(field, []).append(_("Indiquez la date de début de cette étape."))
    if any(field in errors for field in DATE_FIELDS):
        return
    for previous, phase in itertools.pairwise(PHASES):
        before, after = values[previous.date_field], values[phase.date_field]
        if phase.code == RESULTS and after <= before:
            errors.setdefault(phase.date_field, []).append(
                _("Les résultats viennent au moins un jour après le début du vote.")
            )
        elif after < before:
            errors.setdefault(phase.date_field, []).append(
                _("Cette étape ne peut pas commencer avant l'étape « %(previous)s ».")
                % {"previous": previous.label}
            )


def _check_ballot(values: dict, errors: dict) -> None:
    """Approval needs a maximum number of projects, cumulative ballots a number of points; a rule for
    points reads points. Parameters the kind does not use are cleared."""
    kind = values["ballot_kind"]
    if kind not in BallotKind.values:
        errors.setdefault("ballot_kind", []).append(_("Choisissez un mode de vote."))
        return
    if values["tally_rule"] not in TALLY_RULE_LABELS:
        errors.setdefault("tally_rule", []).append(_("Choisissez une règle de calcul des résultats."))
    if kind == BallotKind.CUMULATIVE:
        values["max_projects"] = None
        if not values["points_per_voter"] or values["points_per_voter"] < 2:
            errors.setdefault("points_per_voter", []).append(
                _("Indiquez combien de points chaque votant répartit (au moins 2).")
            )
        if values["tally_rule"] in TALLY_RULE_LABELS and values["tally_rule"] not in POINTS_RULES:
            errors.setdefault("tally_rule", []).append(
                _("Avec des points à répartir, choisissez une règle qui compte les points.")
            )
        return
    values["points_per_voter"] = None
    if kind == BallotKind.APPROVAL and not values["max_projects"]:
        errors.setdefault("max_projects", []).append(
            _("Indiquez combien de projets chaque votant peut choisir au plus.")
        )
    if values["max_projects"] is not None and values["max_projects"] < 1:
        errors.setdefault("max_projects", []).append(_("Le nombre de projets doit être d'au moins 1."))


def _check_not_frozen(cycle: Cycle, changed: dict) -> None:
    """From the first day of voting: voting settings stay, passed dates stay, no date moves into the past."""
    if not changed or not voting_has_begun(cycle):
        return
    today = timezone.localdate()
    errors: dict[str, list] = {}
    for field, value in changed.items():
        if field in VOTING_SETTINGS:
            errors[field] = [_("Le vote a commencé : ce réglage ne peut plus changer.")]
        elif field in DATE_FIELDS and getattr(cycle, field) <= today:
            errors[field] = [_("Cette étape a déjà commencé : sa date ne peut plus changer.")]
        elif field in DATE_FIELDS and value < today:
            errors[field] = [_("Cette date est passée : choisissez aujourd'hui ou plus tard.")]
    if errors:
        raise ValidationError(errors)


def _apply(cycle: Cycle, values: dict) -> None:
    for field, value in values.items():
        setattr(cycle, field, value)
