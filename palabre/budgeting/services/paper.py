"""Paper ballots from polling points: typed twice by two officers, compared, then counted.

    batch = paper_batch_open(cycle=c, envelope=e, polling_point="EPP Passagon", declared_count=50, by=ama)
    paper_entry_add(batch=batch, round=1, position=1, voter_phone="97 11 22 33", numbers=[3, 7], by=ama)
    ...                                              # Ama types the 50 ballots, then
    paper_batch_finish_round(batch=batch, by=ama)    # hands the pile to another officer,
    paper_entry_add(batch=batch, round=2, position=1, voter_phone="0197112233", numbers=[3, 7], by=koffi)
    ...
    paper_batch_reconcile(batch=batch, by=koffi)     # compares; counts only when both rounds agree

Why twice: a typing slip (a wrong digit in a phone, a 7 for a 1) would count a vote nobody cast, or refuse
one as already cast. Two officers typing the same pile independently rarely slip on the same ballot, so
any difference is flagged position by position, and the officer of the round that is wrong re-types that
ballot from the paper (re-typing a position replaces that officer's entry) until both rounds agree. The
second officer never sees the first round before finishing theirs (the comparison opens only after a
first reconciliation attempt), so they cannot copy it.

When: from the first day of voting until the results are published. Piles reach the town hall after the
polls close, so typing and counting go on during the results phase; `results_compute` refuses to run while
a batch is not reconciled.

Spoiled ballots are typed as they are: an entry that breaks the ballot's rules (too many projects, an
unknown number, nothing ticked, no readable phone) is kept with the outcome `invalid` instead of being
refused, so the count of the pile still adds up. A phone that is typed but malformed is a typing slip and
is refused, to be typed again.

Counting goes through the step `ballot_cast` shares (`voting._cast`), like every channel: a phone that
already voted online (or in another batch) gets `already_voted`, and once counted, the same phone is
refused online. The polling officer checked the voter's age against the register, so the minimum age
counts as checked (`voters.voter_on_register`). Counted voters get
their receipt code by SMS, so a person whose number was written on someone else's ballot finds out. Then
the phone and its keyed hash are erased from the entries: what remains (position, projects ticked, outcome)
no longer links a ballot's content to a person.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User
from palabre.accounts.phone import read_benin_phone
from palabre.budgeting.models import (
    BallotKind,
    Cycle,
    Envelope,
    PaperBatch,
    PaperBatchStatus,
    PaperEntry,
    PaperEntryOutcome,
)
from palabre.budgeting.phases import RESULTS, VOTING, phase_of
from palabre.budgeting.services.voters import voter_key, voter_on_register
from palabre.budgeting.services.voting import BallotChoice, BallotRejected, _cast, ballot_validate
from palabre.core.services import audit_record

MAX_DECLARED_COUNT = 5000
# Mismatch kinds, in the order they are shown.
MISSING_FIRST = "missing_first"
MISSING_SECOND = "missing_second"
PHONE_DIFFERS = "phone"
CHOICES_DIFFER = "choices"
MISMATCH_LABELS = {
    MISSING_FIRST: _("absent de la première saisie"),
    MISSING_SECOND: _("absent de la seconde saisie"),
    PHONE_DIFFERS: _("téléphone différent"),
    CHOICES_DIFFER: _("projets ou points différents"),
}


@dataclass(frozen=True)
class TypedEntry:
    """An entry as stored, and why the ballot is not valid ("" when it is)."""

    entry: PaperEntry
    problem: str


@dataclass(frozen=True)
class Mismatch:
    position: int
    kinds: tuple[str, ...]
    first: PaperEntry | None
    second: PaperEntry | None

    @property
    def labels(self) -> list[str]:
        return [str(MISMATCH_LABELS[kind]) for kind in self.kinds]


@dataclass(frozen=True)
class PaperReconciliation:
    """What reconciling did: the mismatches found (nothing counted), or the outcome counts."""

    mismatches: list[Mismatch]
    counted: int = 0
    already_voted: int = 0
    invalid: int = 0

    @property
    def is_reconciled(self) -> bool:
        return not self.mismatches


def paper_open_for(cycle: Cycle) -> bool:
    """Paper batches may be opened, typed and counted: voting has begun and results are not published."""
    return cycle.is_published and phase_of(cycle) in (VOTING, RESULTS) and cycle.results_published_at is None


def _check_open(cycle: Cycle) -> None:
    if not paper_open_for(cycle):
        raise ValidationError(
            _("Les bulletins papier se saisissent entre l'ouverture du vote et la publication des résultats.")
        )


def _audit(batch: PaperBatch, action: str, by: User, **data: object) -> None:
    audit_record(
        action=f"budgeting.{action}",
        actor_id=getattr(by, "pk", None),
        commune_id=batch.cycle.commune_id,
        target=batch,
        data={"cycle": batch.cycle_id, **data},
    )


def _locked(batch: PaperBatch) -> PaperBatch:
    return (
        PaperBatch.objects.select_for_update(of=("self",))
        .select_related("cycle__commune", "envelope__cycle__commune")
        .get(pk=batch.pk)
    )


def paper_batch_open(
    *, cycle: Cycle, envelope: Envelope, polling_point: str, declared_count: int, by: User
) -> PaperBatch:
    """A new batch: the ballots of one polling point for one envelope, as counted on the tally sheet.
    The officer who opens it types its first round."""
    _check_open(cycle)
    errors: dict[str, str | Promise] = {}
    if envelope.cycle_id != cycle.pk:
        errors["envelope"] = _("Choisissez une enveloppe de ce budget.")
    if not polling_point.strip():
        errors["polling_point"] = _("Indiquez le bureau de vote.")
    if not 1 <= declared_count <= MAX_DECLARED_COUNT:
        errors["declared_count"] = _("Un lot compte de 1 à %(max)s bulletins.") % {"max": MAX_DECLARED_COUNT}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = PaperBatch.objects.create(
            cycle=cycle,
            envelope=envelope,
            polling_point=polling_point.strip(),
            declared_count=declared_count,
            first_clerk=by,
        )
        _audit(batch, "paper_batch_opened", by, envelope=envelope.pk, declared_count=declared_count)
    return batch


def round_for(batch: PaperBatch, user: User) -> int | None:
    """The round this officer types in the batch now (1 or 2), or None: round 1 belongs to the officer who
    opened the batch; round 2 to the first other officer who types in it; after a mismatch, each corrects
    their own round."""
    if batch.status == PaperBatchStatus.FIRST_ENTRY:
        return 1 if user.pk == batch.first_clerk_id else None
    if batch.status == PaperBatchStatus.SECOND_ENTRY:
        is_other = user.pk != batch.first_clerk_id
        return 2 if is_other and batch.second_clerk_id in (None, user.pk) else None
    if batch.status == PaperBatchStatus.MISMATCHED:
        return {batch.first_clerk_id: 1, batch.second_clerk_id: 2}.get(user.pk)
    return None


def _check_clerk(batch: PaperBatch, round: int, by: User) -> None:
    if round not in (1, 2):
        raise ValidationError(_("Une saisie est la première ou la seconde."))
    if round_for(batch, by) == round:
        return
    if batch.status == PaperBatchStatus.RECONCILED:
        raise ValidationError(_("Ce lot est déjà rapproché et compté : il ne change plus."))
    if round == 2 and by.pk == batch.first_clerk_id:
        raise ValidationError(_("La seconde saisie doit être faite par un autre agent que la première."))
    if round == 1 and batch.status == PaperBatchStatus.FIRST_ENTRY:
        raise ValidationError(_("La première saisie de ce lot revient à l'agent qui l'a ouvert."))
    if round == 1:
        raise ValidationError(_("La première saisie de ce lot est terminée."))
    if batch.status == PaperBatchStatus.FIRST_ENTRY:
        raise ValidationError(_("La première saisie de ce lot n'est pas encore terminée."))
    raise ValidationError(_("Un autre agent fait la seconde saisie de ce lot."))


def _read_phone(text: str) -> str:
    """The E.164 number typed, "" when left blank (no readable phone: a spoiled ballot)."""
    if not text.strip():
        return ""
    try:
        return str(read_benin_phone(text).phone)
    except ValidationError as error:
        raise ValidationError({"voter_phone": error.messages}) from error


def _ballot_problem(envelope: Envelope, phone: str, numbers: list[int], points: list[int] | None) -> str:
    if not phone:
        return str(_("Sans numéro de téléphone lisible, le bulletin ne peut pas être compté."))
    try:
        ballot_validate(envelope=envelope, numbers=numbers, points=points)
    except BallotRejected as rejected:
        return rejected.message
    return ""


def paper_entry_add(
    *,
    batch: PaperBatch,
    round: int,
    position: int,
    voter_phone: str,
    numbers: list[int],
    points: list[int] | None = None,
    by: User,
) -> TypedEntry:
    """Type (or re-type, which replaces it) the ballot at `position` in this officer's round. A ballot
    that breaks the rules is kept as `invalid` (see the module docstring); a malformed phone is refused."""
    position_error = _("Le rang va de 1 à %(count)s (nombre de bulletins du lot).")
    with transaction.atomic():
        batch = _locked(batch)
        _check_open(batch.cycle)
        _check_clerk(batch, round, by)
        if not 1 <= position <= batch.declared_count:
            raise ValidationError({"position": position_error % {"count": batch.declared_count}})
        phone = _read_phone(voter_phone)
        is_cumulative = batch.cycle.ballot_kind == BallotKind.CUMULATIVE
        points = list(points or []) if is_cumulative else None
        problem = _ballot_problem(batch.envelope, phone, numbers, points)
        entry, created = PaperEntry.objects.update_or_create(
            batch=batch,
            round=round,
            position=position,
            defaults={
                "voter_phone": phone,
                "voter_key": voter_key(phone) if phone else "",
                "proposal_numbers": list(numbers),
                "points": points,
                "outcome": PaperEntryOutcome.INVALID if problem else PaperEntryOutcome.PENDING,
            },
        )
        if round == 2 and batch.second_clerk_id is None:
            batch.second_clerk = by
            batch.save(update_fields=["second_clerk"])
        _audit(
            batch,
            "paper_entry_typed",
            by,
            round=round,
            position=position,
            retyped=not created,
        )
    return TypedEntry(entry=entry, problem=problem)


def paper_batch_finish_round(*, batch: PaperBatch, by: User) -> PaperBatch:
    """The first officer has typed the whole pile: the batch goes to a second officer. (The second round
    ends with `paper_batch_reconcile`, which compares both.) Finishing with ballots missing is allowed —
    the pile may really be short — and shows in the count check when reconciling."""
    with transaction.atomic():
        locked = _locked(batch)
        _check_open(locked.cycle)
        if locked.status != PaperBatchStatus.FIRST_ENTRY or by.pk != locked.first_clerk_id:
            raise ValidationError(_("Seul l'agent de la première saisie peut la terminer, une seule fois."))
        typed = locked.entries.filter(round=1).count()
        if not typed:
            raise ValidationError(_("Saisissez au moins un bulletin avant de terminer."))
        locked.status = PaperBatchStatus.SECOND_ENTRY
        locked.save(update_fields=["status"])
        _audit(locked, "paper_round_finished", by, round=1, typed=typed)
    batch.status = locked.status
    return locked


def _same_ballot(first: PaperEntry, second: PaperEntry) -> bool:
    return first.proposal_numbers == second.proposal_numbers and (first.points or None) == (
        second.points or None
    )


def paper_batch_compare(batch: PaperBatch) -> list[Mismatch]:
    """Every position where the two rounds differ, in position order (an empty list: they agree)."""
    rounds: dict[int, dict[int, PaperEntry]] = {1: {}, 2: {}}
    for entry in PaperEntry.objects.filter(batch=batch).order_by("position"):
        rounds[entry.round][entry.position] = entry
    mismatches = []
    for position in sorted(rounds[1].keys() | rounds[2].keys()):
        first, second = rounds[1].get(position), rounds[2].get(position)
        if first is None or second is None:
            kinds: tuple[str, ...] = (MISSING_FIRST if first is None else MISSING_SECOND,)
        else:
            kinds = tuple(
                kind
                for kind, differs in (
                    (PHONE_DIFFERS, first.voter_key != second.voter_key),
                    (CHOICES_DIFFER, not _same_ballot(first, second)),
                )
                if differs
            )
        if kinds:
            mismatches.append(Mismatch(position=position, kinds=kinds, first=first, second=second))
    return mismatches


def paper_batch_reconcile(*, batch: PaperBatch, by: User, count_note: str = "") -> PaperReconciliation:
    """Compare both rounds; if they differ, flag the batch `mismatched` and return the differences
    (nothing is counted). If they agree, and the number of ballots typed is the declared count (or
    `count_note` says why not: a ballot lost, a miscount on the tally sheet), cast every valid ballot,
    record each outcome, erase the phones and mark the batch reconciled. A second call does nothing."""
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status == PaperBatchStatus.RECONCILED:
            return paper_batch_summary(locked)
        _check_open(locked.cycle)
        if locked.status == PaperBatchStatus.FIRST_ENTRY or locked.second_clerk_id is None:
            raise ValidationError(_("Les deux saisies doivent être faites avant le rapprochement."))
        mismatches = paper_batch_compare(locked)
        if mismatches:
            if locked.status != PaperBatchStatus.MISMATCHED:
                locked.status = PaperBatchStatus.MISMATCHED
                locked.save(update_fields=["status"])
            _audit(locked, "paper_mismatches_flagged", by, positions=[item.position for item in mismatches])
            result = PaperReconciliation(mismatches=mismatches)
        else:
            result = _count(locked, by, count_note.strip())
    batch.status = locked.status
    return result


def _count(batch: PaperBatch, by: User, count_note: str) -> PaperReconciliation:
    entries = list(batch.entries.order_by("round", "position"))
    first_round = [entry for entry in entries if entry.round == 1]
    if len(first_round) != batch.declared_count and not count_note:
        raise ValidationError(
            {
                "count_note": _(
                    "%(typed)s bulletins saisis pour %(declared)s déclarés : vérifiez la pile, ou expliquez "
                    "l'écart pour compter quand même."
                )
                % {"typed": len(first_round), "declared": batch.declared_count}
            }
        )
    outcomes = {entry.position: _count_entry(batch, entry) for entry in first_round}
    for entry in entries:
        entry.outcome = outcomes[entry.position]
        entry.voter_phone = ""
        entry.voter_key = ""
    PaperEntry.objects.bulk_update(entries, ["outcome", "voter_phone", "voter_key"])
    batch.status = PaperBatchStatus.RECONCILED
    batch.reconciled_at = timezone.now()
    batch.save(update_fields=["status", "reconciled_at"])
    summary = paper_batch_summary(batch)
    _audit(
        batch,
        "paper_batch_reconciled",
        by,
        declared=batch.declared_count,
        typed=len(first_round),
        counted=summary.counted,
        already_voted=summary.already_voted,
        invalid=summary.invalid,
        count_note=count_note,
    )
    return summary


def _count_entry(batch: PaperBatch, entry: PaperEntry) -> str:
    """Count one agreed ballot through the step every channel's service shares (in the reconciliation's
    transaction); its outcome."""
    if entry.outcome == PaperEntryOutcome.INVALID:
        return PaperEntryOutcome.INVALID
    choice = BallotChoice(batch.envelope, entry.proposal_numbers, entry.points)
    try:
        _cast(
            choice,
            voter_on_register(entry.voter_phone, envelope=batch.envelope),
            send_receipt_sms=True,
            allow_after_close=True,
        )
    except BallotRejected as rejected:
        if rejected.code == "already_voted":
            return PaperEntryOutcome.ALREADY_VOTED
        return PaperEntryOutcome.INVALID
    return PaperEntryOutcome.COUNTED


def paper_batch_summary(batch: PaperBatch) -> PaperReconciliation:
    """The outcome counts of a batch's first round (the one counted)."""
    outcomes = list(batch.entries.filter(round=1).values_list("outcome", flat=True))
    return PaperReconciliation(
        mismatches=[],
        counted=outcomes.count(PaperEntryOutcome.COUNTED),
        already_voted=outcomes.count(PaperEntryOutcome.ALREADY_VOTED),
        invalid=outcomes.count(PaperEntryOutcome.INVALID),
    )


def paper_batch_discard(*, batch: PaperBatch, reason: str, by: User) -> None:
    """Abandon a batch that will never be counted (typed against the wrong envelope, a pile found to be
    another polling point's...): its entries, with the phones typed, are deleted and the reason is
    audited. Counted batches cannot be discarded: their ballots are in the results."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites pourquoi ce lot est abandonné.")})
    with transaction.atomic():
        locked = _locked(batch)
        _check_open(locked.cycle)
        if locked.status == PaperBatchStatus.RECONCILED:
            raise ValidationError(_("Ce lot est déjà compté : il ne peut plus être abandonné."))
        _audit(
            locked,
            "paper_batch_discarded",
            by,
            reason=reason,
            polling_point=locked.polling_point,
            entries=locked.entries.count(),
        )
        locked.delete()
