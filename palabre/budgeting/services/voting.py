"""Casting a ballot: one service for every channel (web, USSD, SMS, paper), the rules of the cycle's ballot
written once, secrecy and one ballot per phone and envelope guaranteed by the database.

    receipt = ballot_cast(envelope=envelope, voter=voter, numbers=[3, 7, 12])
    receipt.code  # "K7M3PX4R": the voter checks with it (receipt_lookup) that their ballot was counted

A rejected ballot raises `BallotRejected`, whose `message` says in the voter's language what to change.

Secrecy: nothing written here links a ballot to its voter. The receipt code is known to the voter only
(its keyed hash is stored with the ballot); the SMS that carries it is keyed by the voter and envelope,
never by the code, so the outbox cannot be joined to the ballots through its idempotency key. A ballot is
stored in canonical order (ascending project numbers, points kept with their project), never in the order
the voter picked, and ballots are rewritten in shuffled batches (`ballots_mix`) so that their row order in
the database files says nothing of who voted when.
"""

import datetime
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop, pgettext

from palabre.accounts.services import hash_ip
from palabre.budgeting.models import Ballot, BallotKind, Cycle, Envelope, Proposal, VoterRecord
from palabre.budgeting.phases import RESULTS, VOTING, phase_of
from palabre.budgeting.queries.cycles import money
from palabre.budgeting.services.voters import Voter, _residence_keep, age_eligibility, may_vote_in
from palabre.channels.phones import phone_is_training
from palabre.core.keyed import keyed_hash
from palabre.core.services import guarded_lookup, participation_record, sms_queue
from palabre.territory.models import Arrondissement, Module

# Receipt codes: 8 characters a person can read aloud or type on a keypad without confusion (no 0/O, 1/I/L,
# 2/Z, 5/S, 8/B, 6/G), about 36 bits of randomness.
RECEIPT_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
RECEIPT_LENGTH = 8
# A new code is drawn when one collides with an earlier ballot's (unique receipt_hash): rare, never twice.
RECEIPT_ATTEMPTS = 3
# Receipt guessing is limited by core's guarded_lookup, in this scope of its shared table.
RECEIPT_SCOPE = "budgeting.receipt"

logger = logging.getLogger(__name__)
T = TypeVar("T")


class BallotRejected(Exception):
    """Why a ballot cannot be counted. `code` for programs, `message` (translated) for the voter;
    `params` carries the numbers the message names."""

    MESSAGES = {
        "not_voting": gettext_noop("Le vote n'est pas ouvert pour ce budget."),
        "wrong_envelope": gettext_noop(
            "Vous ne votez pas dans cette enveloppe : elle est réservée à un autre arrondissement."
        ),
        "other_arrondissement": gettext_noop(
            "Ce numéro a déjà voté pour les projets d'un autre arrondissement : on ne vote que dans "
            "un seul arrondissement."
        ),
        "too_young": gettext_noop("Il faut avoir au moins %(age)s ans pour voter."),
        "age_unknown": gettext_noop("Il faut avoir au moins %(age)s ans pour voter : confirmez votre âge."),
        "empty": gettext_noop("Choisissez au moins un projet."),
        "unknown_project": gettext_noop("Le projet n° %(number)s n'est pas sur ce bulletin."),
        "repeated_project": gettext_noop("Le projet n° %(number)s est choisi deux fois."),
        "too_many": gettext_noop(
            "Vous pouvez choisir au plus %(max)s projets ; vous en avez choisi %(count)s."
        ),
        "over_budget": gettext_noop(
            "Total des projets choisis : %(total)s FCFA, plus que l'enveloppe de %(amount)s FCFA."
        ),
        "points_missing": gettext_noop("Donnez un nombre de points à chaque projet choisi."),
        "points_not_positive": gettext_noop("Donnez au moins 1 point à chaque projet choisi."),
        "too_many_points": gettext_noop(
            "Vous avez %(max)s points à répartir ; vous en avez donné %(total)s."
        ),
        "already_voted": gettext_noop(
            "Ce numéro a déjà voté dans cette enveloppe : un seul bulletin par personne."
        ),
        "simulated": gettext_noop("Numéro d'essai du simulateur : rien n'est enregistré hors démonstration."),
    }

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params
        # The envelope refused, when a service casts several (ballots_cast): set as the error rises.
        self.envelope: Envelope | None = None

    @property
    def message(self) -> str:
        return (
            gettext(self.MESSAGES[self.code]) % self.params
            if self.params
            else gettext(self.MESSAGES[self.code])
        )


@dataclass(frozen=True)
class Receipt:
    code: str
    envelope: Envelope
    proposals: list[Proposal]


def ballot_proposals(envelope: Envelope) -> dict[int, Proposal]:
    """The projects on an envelope's ballot, by number."""
    return {proposal.number: proposal for proposal in Proposal.objects.on_ballot().filter(envelope=envelope)}


def ballot_validate(
    *, envelope: Envelope, numbers: list[int], points: list[int] | None = None
) -> list[Proposal]:
    """The chosen projects, in the voter's order, if the ballot follows the cycle's rules; else
    BallotRejected. Does not check who votes nor when (ballot_cast does)."""
    cycle = envelope.cycle
    if not numbers:
        raise BallotRejected("empty")
    chosen = _chosen_proposals(numbers, ballot_proposals(envelope))
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        _check_points(cycle, numbers, points)
    elif cycle.max_projects and len(chosen) > cycle.max_projects:
        raise BallotRejected("too_many", max=cycle.max_projects, count=len(chosen))
    if cycle.ballot_kind == BallotKind.KNAPSACK:
        total = sum(proposal.cost or 0 for proposal in chosen)
        if total > envelope.amount:
            raise BallotRejected("over_budget", total=money(total), amount=money(envelope.amount))
    return chosen


def _chosen_proposals(numbers: list[int], on_ballot: dict[int, Proposal]) -> list[Proposal]:
    seen: set[int] = set()
    for number in numbers:
        if number not in on_ballot:
            raise BallotRejected("unknown_project", number=number)
        if number in seen:
            raise BallotRejected("repeated_project", number=number)
        seen.add(number)
    return [on_ballot[number] for number in numbers]


def _check_points(cycle: Cycle, numbers: list[int], points: list[int] | None) -> None:
    if points is None or len(points) != len(numbers):
        raise BallotRejected("points_missing")
    if any(value < 1 for value in points):
        raise BallotRejected("points_not_positive")
    if cycle.points_per_voter and sum(points) > cycle.points_per_voter:
        raise BallotRejected("too_many_points", max=cycle.points_per_voter, total=sum(points))


def voter_check(*, envelope: Envelope, voter: Voter, allow_after_close: bool = False) -> None:
    """BallotRejected unless the envelope's cycle is voting today and this voter may vote in it (it does
    not look whether they already voted: the database decides that when the ballot is stored).
    `allow_after_close` (paper ballots only: piles are typed after the polls close) also accepts the
    results phase until the results are published."""
    if phone_is_training(voter.phone):  # the phone simulator, outside demo mode: no ballot counts
        raise BallotRejected("simulated")
    cycle = envelope.cycle
    if not cycle.is_published or Module.BUDGETING not in cycle.commune.modules:
        raise BallotRejected("not_voting")
    late_paper = allow_after_close and phase_of(cycle) == RESULTS and cycle.results_published_at is None
    if phase_of(cycle) != VOTING and not late_paper:
        raise BallotRejected("not_voting")
    if not may_vote_in(envelope, voter):
        raise BallotRejected("wrong_envelope")
    old_enough = age_eligibility(cycle, voter)
    if old_enough is None:
        raise BallotRejected("age_unknown", age=cycle.minimum_age)
    if not old_enough:
        raise BallotRejected("too_young", age=cycle.minimum_age)


def has_voted(*, envelope: Envelope, voter: Voter) -> bool:
    return VoterRecord.objects.filter(envelope=envelope, voter_key=voter.key).exists()


def voted_envelope_ids(*, cycle: Cycle, voter: Voter) -> set[int]:
    """The envelopes of the cycle this voter already voted in, on any channel (one query)."""
    return set(
        VoterRecord.objects.filter(envelope__cycle=cycle, voter_key=voter.key).values_list(
            "envelope_id", flat=True
        )
    )


@dataclass(frozen=True)
class BallotChoice:
    """One envelope's ballot, as a voter filled it in: `points` for cumulative ballots only."""

    envelope: Envelope
    numbers: list[int]
    points: list[int] | None = None


def ballot_cast(
    *,
    envelope: Envelope,
    voter: Voter,
    numbers: list[int],
    points: list[int] | None = None,
    send_receipt_sms: bool = False,
    allow_after_close: bool = False,
) -> Receipt:
    """Count one ballot: checks the voter and the ballot, then stores the voter record and the ballot in
    one transaction; a second ballot of the same phone in the envelope (any channel, even at the same
    instant) raises BallotRejected("already_voted"), and so does a ballot in a second arrondissement's
    envelope ("other_arrondissement"). The receipt code is returned (and sent by SMS when asked); only
    its hash is kept. Not audited, deliberately: an audit event would pair a person with a ballot's time
    (docs/architecture.md, "Deliberate exceptions")."""
    choice = BallotChoice(envelope, numbers, points)
    chosen = _check(choice, voter, allow_after_close=allow_after_close)
    with transaction.atomic():
        code = _write(choice, voter, send_receipt_sms=send_receipt_sms)
    return Receipt(code=code, envelope=envelope, proposals=chosen)


def ballots_cast(
    *, voter: Voter, ballots: list[BallotChoice], residence_named: Arrondissement | None = None
) -> list[Receipt]:
    """Count one ballot per envelope (the commune-wide one and the voter's arrondissement's, from one SMS),
    all or nothing: every ballot is checked first, then all are written in one transaction; if one is
    refused (already voted, even by a concurrent request), none is counted and the BallotRejected names
    its `envelope`. `residence_named` (the arrondissement the voter named for this vote, when the phone
    had declared none) is kept in the phone profile, only if the vote is counted and one of the ballots
    is that arrondissement's."""
    chosen = []
    for choice in ballots:  # every voter check first (phase, envelope, age), then every ballot's rules
        _rejected_in(choice.envelope, voter_check, envelope=choice.envelope, voter=voter)
    for choice in ballots:
        chosen.append(_rejected_in(choice.envelope, _check, choice, voter))
    receipts = []
    with transaction.atomic():
        if residence_named is not None and any(
            choice.envelope.arrondissement_id == residence_named.pk for choice in ballots
        ):
            _residence_keep(voter.phone, residence_named)
        for choice, proposals in zip(ballots, chosen, strict=True):
            code = _rejected_in(choice.envelope, _write, choice, voter, send_receipt_sms=False)
            receipts.append(Receipt(code=code, envelope=choice.envelope, proposals=proposals))
    return receipts


def _rejected_in(envelope: Envelope, step: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`step(...)`, a BallotRejected it raises naming the envelope it was raised for."""
    try:
        return step(*args, **kwargs)
    except BallotRejected as rejected:
        rejected.envelope = envelope
        raise


def _check(choice: BallotChoice, voter: Voter, *, allow_after_close: bool = False) -> list[Proposal]:
    """Everything checked before a ballot is written: who votes, when, and the ballot's rules."""
    voter_check(envelope=choice.envelope, voter=voter, allow_after_close=allow_after_close)
    return ballot_validate(envelope=choice.envelope, numbers=choice.numbers, points=choice.points)


def _cast(
    choice: BallotChoice, voter: Voter, *, send_receipt_sms: bool, allow_after_close: bool = False
) -> str:
    """The step every counting service shares (ballot_cast, ballots_cast, the paper reconciliation), in
    the caller's transaction: check, then write. Returns the receipt code."""
    _check(choice, voter, allow_after_close=allow_after_close)
    return _write(choice, voter, send_receipt_sms=send_receipt_sms)


def _write(choice: BallotChoice, voter: Voter, *, send_receipt_sms: bool) -> str:
    """Store the voter record and the ballot, in the caller's transaction; the receipt code. Each attempt
    is a savepoint (not a transaction: nothing is committed here), so that the database's "one ballot per
    phone and envelope" can refuse it and the caller's transaction goes on."""
    for _attempt in range(RECEIPT_ATTEMPTS):
        code = _receipt_code()
        try:
            with transaction.atomic():  # a savepoint inside the service's transaction
                _store(choice.envelope, voter, code, choice.numbers, choice.points, send_receipt_sms)
        except IntegrityError as error:
            if has_voted(envelope=choice.envelope, voter=voter):
                raise BallotRejected("already_voted") from error
            continue  # the receipt code collided with another ballot's: draw a new one
        return code
    raise RuntimeError("no free receipt code after several draws")


def _store(
    envelope: Envelope,
    voter: Voter,
    code: str,
    numbers: list[int],
    points: list[int] | None,
    send_receipt_sms: bool,
) -> None:
    """The voter record and the ballot, together or not at all (inside `_write`'s savepoint)."""
    if envelope.arrondissement_id is not None:
        _check_single_arrondissement(envelope, voter)
    VoterRecord.objects.create(
        envelope=envelope,
        voter_key=voter.key,
        channel=voter.channel,
        gender=voter.gender,
        age_band=voter.age_band,
        arrondissement_id=voter.arrondissement_id,
    )
    cumulative = points is not None and envelope.cycle.ballot_kind == BallotKind.CUMULATIVE
    stored_numbers, stored_points = canonical_ballot(numbers, points if cumulative else None)
    Ballot.objects.create(
        envelope=envelope,
        proposal_numbers=stored_numbers,
        points=stored_points,
        receipt_hash=receipt_hash(code),
    )
    _record_participation(envelope, voter)
    if send_receipt_sms:
        _send_receipt(envelope, voter, code)
    _mix_when_due(envelope)


def canonical_ballot(numbers: list[int], points: list[int] | None) -> tuple[list[int], list[int] | None]:
    """The ballot in ascending project number, each project's points kept with it: the order a voter
    picked projects in is never stored (a vote buyer could hand each voter an order, then look for it)."""
    if points is None:
        return sorted(numbers), None
    pairs = sorted(zip(numbers, points, strict=True))
    return [number for number, _ in pairs], [value for _, value in pairs]


# ---------------------------------------------------------------------------------------------------------
# Mixing: the ballots' row order says nothing of who voted when
#
# A ballot is written with its voter record, in the voter's transaction (so it is counted at once), at the
# end of the table: SQLite's rowid and PostgreSQL's heap order follow the voter records' ids. Once
# BALLOT_MIX_BATCH ballots of an envelope wait unmixed, the transaction of the ballot that fills the batch
# rewrites them, with as many ballots drawn at random among those already mixed, in a shuffled order
# (deleted then inserted again: same ids, same contents). Results are computed only after the last ballots
# are mixed (`ballots_mix(force=True)`). The rewrite is one transaction, under a lock per envelope on
# PostgreSQL, so a ballot is never lost nor duplicated (the counts are checked before commit).

# PostgreSQL advisory lock namespace (the two-key form: namespace, envelope id) of ballots_mix.
_MIX_LOCK_NAMESPACE = 0x5041_4231  # "PAB1"
_random = secrets.SystemRandom()


def _mix_when_due(envelope: Envelope) -> None:
    """In the voter's transaction. A mixing that fails is rolled back to its savepoint and logged: the
    ballot is counted all the same, and the next ballot (or the results) mixes the batch."""
    batch = settings.BALLOT_MIX_BATCH
    if batch > 0 and Ballot.objects.filter(envelope=envelope, mixed=False).count() >= batch:
        try:
            with transaction.atomic():  # a savepoint: a failed mixing leaves the ballot counted
                _mix(envelope, force=False)
        except (DatabaseError, RuntimeError):
            logger.exception("ballots of envelope %s not mixed; retried with the next ballot", envelope.pk)


def ballots_mix(*, envelope: Envelope, force: bool = False) -> int:
    """Rewrite the envelope's unmixed ballots, with a random sample of mixed ones, in a shuffled order,
    when at least BALLOT_MIX_BATCH of them wait (any number with `force`). Returns how many were
    rewritten (0: nothing to do). Contents and ids never change; only the rows' physical order does."""
    with transaction.atomic():
        return _mix(envelope, force=force)


def _mix(envelope: Envelope, *, force: bool) -> int:
    """ballots_mix's work, in the caller's transaction (a voter's, the results', or its own)."""
    if not _lock_mixing(envelope, wait=force):
        return 0  # another voter's transaction is mixing this envelope: the next ballot will see
    # Read after the lock: a mixing that committed meanwhile is seen (read committed), never redone.
    pending = list(Ballot.objects.filter(envelope=envelope, mixed=False))
    if not pending or (not force and len(pending) < settings.BALLOT_MIX_BATCH):
        return 0
    rows = pending + _mixed_sample(envelope, max(settings.BALLOT_MIX_BATCH, 1))
    for ballot in rows:
        ballot.mixed = True
    _random.shuffle(rows)
    if connection.vendor == "sqlite":  # deleted rows are overwritten in the file, not left in free pages
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")
    deleted, _by_model = Ballot.objects.filter(pk__in=[ballot.pk for ballot in rows]).delete()
    if deleted != len(rows):
        raise RuntimeError("ballots changed while they were being mixed")  # rolls the mixing back
    Ballot.objects.bulk_create(rows)
    return len(rows)


def _lock_mixing(envelope: Envelope, *, wait: bool) -> bool:
    """On PostgreSQL, one mixing of an envelope at a time (held until commit). A voter's transaction does
    not wait for it (`wait=False`: False when taken), so two ballots in two envelopes never deadlock; SQLite
    writes one transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return True
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_MIX_LOCK_NAMESPACE, envelope.pk])
        (taken,) = cursor.fetchone()
    return wait or bool(taken)


def _mixed_sample(envelope: Envelope, size: int) -> list[Ballot]:
    """About `size` mixed ballots of the envelope, taken at random: the ids are random UUIDs, so the run of
    ids that follows a random UUID (wrapping around) is a random sample, read through the index."""
    pivot = uuid.UUID(int=_random.getrandbits(128))
    mixed = Ballot.objects.filter(envelope=envelope, mixed=True).order_by("id")
    sample = list(mixed.filter(id__gte=pivot)[:size])
    if len(sample) < size:
        sample += list(mixed.filter(id__lt=pivot)[: size - len(sample)])
    return sample


def _check_single_arrondissement(envelope: Envelope, voter: Voter) -> None:
    """Residence is self-declared: a voter who changes their declared arrondissement still votes in one
    arrondissement's envelope only. On PostgreSQL a lock on the voter (held until commit) makes two
    simultaneous ballots in two arrondissements wait for each other; SQLite writes one at a time anyway."""
    if connection.vendor == "postgresql":
        lock = int.from_bytes(bytes.fromhex(voter.key[:16]), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
    elsewhere = VoterRecord.objects.filter(
        envelope__cycle_id=envelope.cycle_id, envelope__arrondissement__isnull=False, voter_key=voter.key
    ).exclude(envelope=envelope)
    if elsewhere.exists():
        raise BallotRejected("other_arrondissement")


def _receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def receipt_hash(code: str) -> str:
    """A keyed hash (server secret) of the code: whoever reads the database alone cannot try every code
    (8 characters of 22 is only ~36 bits) to go from a receipt seen in a message log to its ballot."""
    return keyed_hash(normalise_receipt(code), purpose="budgeting.receipt")


def normalise_receipt(code: str) -> str:
    """The code as stored: upper case, without spaces or dashes."""
    return "".join(character for character in code.upper() if character.isalnum())


def format_receipt(code: str) -> str:
    """K7M3PX4R -> K7M3-PX4R (easier to read aloud and copy)."""
    code = normalise_receipt(code)
    return f"{code[:4]}-{code[4:]}"


def receipt_ballot(*, cycle: Cycle, code: str) -> Ballot | None:
    """The counted ballot of this cycle with this receipt code, or None."""
    if len(normalise_receipt(code)) != RECEIPT_LENGTH:
        return None
    return (
        Ballot.objects.select_related("envelope__arrondissement")
        .filter(envelope__cycle=cycle, receipt_hash=receipt_hash(code))
        .first()
    )


def receipt_lookup(
    *, cycle: Cycle, code: str, ip: str, now: datetime.datetime | None = None
) -> Ballot | None:
    """receipt_ballot for a visitor: each unknown code counts against their (hashed) address; after
    ten in an hour, core's GuessesLimited, even for a right code. 36 random bits are already far out
    of reach of guessing; the limit keeps anyone from trying."""
    return guarded_lookup(
        scope=RECEIPT_SCOPE,
        ip_hash=hash_ip(ip),
        lookup=lambda: receipt_ballot(cycle=cycle, code=code),
        now=now,
    )


def _record_participation(envelope: Envelope, voter: Voter) -> None:
    participation_record(
        commune_id=envelope.cycle.commune_id,
        module=Module.BUDGETING,
        kind="ballot",
        channel=voter.channel,
        gender=voter.gender,
        age_band=voter.age_band,
        arrondissement_id=voter.arrondissement_id,
    )


RECEIPT_SMS_KIND = "budgeting.receipt"


def receipt_sms_key(envelope: Envelope, voter: Voter) -> str:
    """The outbox idempotency key of a voter's receipt SMS in an envelope: one voter, one receipt, and
    nothing in it that leads to the ballot."""
    digest = salted_hmac("palabre.budgeting.receipt-sms", f"{envelope.pk}:{voter.key}").hexdigest()
    return f"{RECEIPT_SMS_KIND}:{digest}"


def _send_receipt(envelope: Envelope, voter: Voter, code: str) -> None:
    body = pgettext(
        "sms",
        "Merci, votre vote au budget participatif de %(commune)s est compté. Code de vérification : %(code)s",
    ) % {
        "commune": envelope.cycle.commune.name,
        "code": format_receipt(code),
    }
    sms_queue(
        to=voter.phone,
        body=body,
        kind=RECEIPT_SMS_KIND,
        commune_id=envelope.cycle.commune_id,
        idempotency_key=receipt_sms_key(envelope, voter),
    )
