"""Paper ballots: opening a batch, typing it twice, comparing, reconciling (services/paper.py), and the
`allow_after_close` switch of ballot_cast that paper reconciliation uses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from palabre.accounts.tests.factories import MembershipFactory
from palabre.budgeting.models import (
    Ballot,
    BallotKind,
    PaperBatch,
    PaperBatchStatus,
    PaperEntry,
    PaperEntryOutcome,
    VoterRecord,
)
from palabre.budgeting.services.paper import (
    CHOICES_DIFFER,
    MISSING_FIRST,
    MISSING_SECOND,
    PHONE_DIFFERS,
    paper_batch_compare,
    paper_batch_discard,
    paper_batch_finish_round,
    paper_batch_open,
    paper_batch_reconcile,
    paper_entry_add,
    paper_open_for,
    round_for,
)
from palabre.budgeting.services.voters import voter_key
from palabre.budgeting.services.voting import BallotRejected, ballot_cast
from palabre.budgeting.tests.conftest import OTHER_PHONE, VOTER_PHONE
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory
from palabre.core.choices import Channel
from palabre.core.models import AuditEvent, OutboundMessage

THIRD_PHONE = "+2290166778899"


@pytest.fixture
def clerk(bohicon):
    return MembershipFactory(commune=bohicon, role="planning_officer").user


@pytest.fixture
def second_clerk(bohicon):
    return MembershipFactory(commune=bohicon, role="secretary_general").user


@pytest.fixture
def third_clerk(bohicon):
    return MembershipFactory(commune=bohicon, role="mayor").user


@pytest.fixture
def batch(cycle, commune_envelope, clerk):
    return paper_batch_open(
        cycle=cycle, envelope=commune_envelope, polling_point="EPP Gbanhicon", declared_count=3, by=clerk
    )


BALLOTS = [("97 11 22 33", [1, 3]), ("0196445566", [2]), ("+229 01 66 77 88 99", [4, 1])]


def type_round(batch, round, by, ballots=BALLOTS):
    for position, (phone, numbers) in enumerate(ballots, start=1):
        paper_entry_add(
            batch=batch, round=round, position=position, voter_phone=phone, numbers=numbers, by=by
        )


def type_both(batch, clerk, second_clerk, first=BALLOTS, second=BALLOTS):
    type_round(batch, 1, clerk, first)
    paper_batch_finish_round(batch=batch, by=clerk)
    type_round(batch, 2, second_clerk, second)


def move_to_results_phase(cycle):
    today = timezone.localdate()
    cycle.voting_on = today - datetime.timedelta(days=10)
    cycle.results_on = today - datetime.timedelta(days=2)
    cycle.save()


# --- opening -------------------------------------------------------------------------------------------


def test_open_batch_makes_the_opener_first_clerk_and_audits(batch, clerk):
    assert batch.status == PaperBatchStatus.FIRST_ENTRY
    assert batch.first_clerk == clerk and batch.second_clerk is None
    event = AuditEvent.objects.get(action="budgeting.paper_batch_opened")
    assert event.data == {"cycle": batch.cycle_id, "envelope": batch.envelope_id, "declared_count": 3}


def test_open_batch_checks_envelope_point_and_count(cycle, clerk):
    other_envelope = EnvelopeFactory()
    with pytest.raises(ValidationError) as error:
        paper_batch_open(cycle=cycle, envelope=other_envelope, polling_point=" ", declared_count=0, by=clerk)
    assert set(error.value.error_dict) == {"envelope", "polling_point", "declared_count"}


@pytest.mark.parametrize("voting_offset, results_offset", [(5, 10), (-10, -2)])
def test_paper_open_only_from_voting_until_results_published(bohicon, voting_offset, results_offset):
    today = timezone.localdate()
    cycle = CycleFactory(
        commune=bohicon,
        voting_on=today + datetime.timedelta(days=voting_offset),
        results_on=today + datetime.timedelta(days=results_offset),
        follow_up_on=today + datetime.timedelta(days=40),
    )
    before_voting = voting_offset > 0
    assert paper_open_for(cycle) is not before_voting
    cycle.results_published_at = timezone.now()
    assert paper_open_for(cycle) is False


def test_open_batch_refused_before_voting(bohicon, clerk):
    today = timezone.localdate()
    cycle = CycleFactory(
        commune=bohicon,
        voting_on=today + datetime.timedelta(days=2),
        results_on=today + datetime.timedelta(9),
    )
    envelope = EnvelopeFactory(cycle=cycle)
    with pytest.raises(ValidationError):
        paper_batch_open(cycle=cycle, envelope=envelope, polling_point="EPP", declared_count=5, by=clerk)


def test_unpublished_cycle_takes_no_paper(cycle):
    cycle.is_published = False
    assert paper_open_for(cycle) is False


# --- typing --------------------------------------------------------------------------------------------


def test_entry_reads_the_phone_as_typed_and_keys_it(batch, clerk):
    typed = paper_entry_add(
        batch=batch, round=1, position=1, voter_phone="97 11 22 33", numbers=[1, 3], by=clerk
    )
    entry = typed.entry
    assert typed.problem == ""
    assert entry.voter_phone == VOTER_PHONE
    assert entry.voter_key == voter_key(VOTER_PHONE)
    assert entry.proposal_numbers == [1, 3] and entry.points is None
    assert entry.outcome == PaperEntryOutcome.PENDING
    assert AuditEvent.objects.filter(action="budgeting.paper_entry_typed").count() == 1


def test_retyping_a_position_replaces_the_entry(batch, clerk):
    paper_entry_add(batch=batch, round=1, position=2, voter_phone=VOTER_PHONE, numbers=[1], by=clerk)
    paper_entry_add(batch=batch, round=1, position=2, voter_phone=OTHER_PHONE, numbers=[2], by=clerk)
    entry = PaperEntry.objects.get(batch=batch)
    assert (entry.voter_phone, entry.proposal_numbers) == (OTHER_PHONE, [2])
    assert AuditEvent.objects.filter(action="budgeting.paper_entry_typed").last().data["retyped"] is True


def test_malformed_phone_is_refused_next_to_the_field(batch, clerk):
    with pytest.raises(ValidationError) as error:
        paper_entry_add(batch=batch, round=1, position=1, voter_phone="97 11 22", numbers=[1], by=clerk)
    assert list(error.value.error_dict) == ["voter_phone"]
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize("position", [0, 4])
def test_position_must_be_within_the_declared_count(batch, clerk, position):
    with pytest.raises(ValidationError) as error:
        paper_entry_add(
            batch=batch, round=1, position=position, voter_phone=VOTER_PHONE, numbers=[1], by=clerk
        )
    assert list(error.value.error_dict) == ["position"]


@pytest.mark.parametrize(
    "phone, numbers, problem",
    [
        (VOTER_PHONE, [1, 2, 3, 4], "au plus 3 projets"),
        (VOTER_PHONE, [9], "n° 9"),
        (VOTER_PHONE, [], "au moins un projet"),
        ("", [1], "Sans numéro"),
        (VOTER_PHONE, [11], "n° 11"),  # a project of another envelope
    ],
)
def test_spoiled_ballot_is_recorded_as_invalid(batch, clerk, phone, numbers, problem):
    typed = paper_entry_add(batch=batch, round=1, position=1, voter_phone=phone, numbers=numbers, by=clerk)
    assert problem in typed.problem
    assert typed.entry.outcome == PaperEntryOutcome.INVALID
    assert typed.entry.proposal_numbers == numbers


def test_cumulative_points_are_kept_and_checked(bohicon, clerk):
    cycle = CycleFactory(
        commune=bohicon, ballot_kind=BallotKind.CUMULATIVE, max_projects=None, points_per_voter=5
    )
    envelope = EnvelopeFactory(cycle=cycle)
    from palabre.budgeting.tests.factories import ProposalFactory

    ProposalFactory(envelope=envelope, number=1)
    ProposalFactory(envelope=envelope, number=2)
    batch = paper_batch_open(cycle=cycle, envelope=envelope, polling_point="EPP", declared_count=2, by=clerk)
    good = paper_entry_add(
        batch=batch, round=1, position=1, voter_phone=VOTER_PHONE, numbers=[1, 2], points=[3, 2], by=clerk
    )
    bad = paper_entry_add(
        batch=batch, round=1, position=2, voter_phone=OTHER_PHONE, numbers=[1, 2], points=[4, 2], by=clerk
    )
    assert (good.entry.points, good.problem) == ([3, 2], "")
    assert bad.entry.outcome == PaperEntryOutcome.INVALID and "5 points" in bad.problem


def test_points_are_dropped_on_approval_ballots(batch, clerk):
    typed = paper_entry_add(
        batch=batch, round=1, position=1, voter_phone=VOTER_PHONE, numbers=[1], points=[2], by=clerk
    )
    assert typed.entry.points is None


def test_round_one_belongs_to_the_opener(batch, second_clerk):
    with pytest.raises(ValidationError, match="l'agent qui l'a ouvert"):
        paper_entry_add(
            batch=batch, round=1, position=1, voter_phone=VOTER_PHONE, numbers=[1], by=second_clerk
        )


def test_round_two_waits_for_round_one(batch, second_clerk):
    with pytest.raises(ValidationError, match="pas encore terminée"):
        paper_entry_add(
            batch=batch, round=2, position=1, voter_phone=VOTER_PHONE, numbers=[1], by=second_clerk
        )


def test_same_officer_cannot_type_both_rounds(batch, clerk):
    type_round(batch, 1, clerk)
    paper_batch_finish_round(batch=batch, by=clerk)
    assert round_for(batch, clerk) is None
    with pytest.raises(ValidationError, match="autre agent que la première"):
        paper_entry_add(batch=batch, round=2, position=1, voter_phone=VOTER_PHONE, numbers=[1, 3], by=clerk)
    assert not PaperEntry.objects.filter(round=2).exists()


def test_round_one_is_closed_once_finished(batch, clerk):
    type_round(batch, 1, clerk)
    paper_batch_finish_round(batch=batch, by=clerk)
    with pytest.raises(ValidationError, match="est terminée"):
        paper_entry_add(batch=batch, round=1, position=1, voter_phone=VOTER_PHONE, numbers=[2], by=clerk)


def test_the_first_other_officer_claims_round_two(batch, clerk, second_clerk, third_clerk):
    type_round(batch, 1, clerk)
    paper_batch_finish_round(batch=batch, by=clerk)
    assert round_for(batch, third_clerk) == 2
    paper_entry_add(
        batch=batch, round=2, position=1, voter_phone=VOTER_PHONE, numbers=[1, 3], by=second_clerk
    )
    batch.refresh_from_db()
    assert batch.second_clerk == second_clerk
    assert round_for(batch, third_clerk) is None
    with pytest.raises(ValidationError, match="Un autre agent fait la seconde saisie"):
        paper_entry_add(
            batch=batch, round=2, position=2, voter_phone=OTHER_PHONE, numbers=[2], by=third_clerk
        )


def test_round_must_be_one_or_two(batch, clerk):
    with pytest.raises(ValidationError, match="première ou la seconde"):
        paper_entry_add(batch=batch, round=3, position=1, voter_phone=VOTER_PHONE, numbers=[1], by=clerk)


def test_finish_round_needs_the_first_clerk_and_an_entry(batch, clerk, second_clerk):
    with pytest.raises(ValidationError, match="au moins un bulletin"):
        paper_batch_finish_round(batch=batch, by=clerk)
    type_round(batch, 1, clerk)
    with pytest.raises(ValidationError, match="Seul l'agent"):
        paper_batch_finish_round(batch=batch, by=second_clerk)
    paper_batch_finish_round(batch=batch, by=clerk)
    assert batch.status == PaperBatchStatus.SECOND_ENTRY
    with pytest.raises(ValidationError, match="une seule fois"):
        paper_batch_finish_round(batch=batch, by=clerk)


# --- comparing and reconciling -------------------------------------------------------------------------


def test_matching_rounds_are_counted(batch, clerk, second_clerk, django_capture_on_commit_callbacks):
    type_both(batch, clerk, second_clerk)
    assert paper_batch_compare(batch) == []
    with django_capture_on_commit_callbacks(execute=True):
        result = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert result.is_reconciled and (result.counted, result.already_voted, result.invalid) == (3, 0, 0)
    batch.refresh_from_db()
    assert batch.status == PaperBatchStatus.RECONCILED and batch.reconciled_at is not None
    assert sorted(ballot.proposal_numbers for ballot in Ballot.objects.all()) == [[1, 3], [1, 4], [2]]
    assert set(VoterRecord.objects.values_list("channel", flat=True)) == {Channel.PAPER}
    assert set(PaperEntry.objects.values_list("outcome", flat=True)) == {PaperEntryOutcome.COUNTED}
    assert OutboundMessage.objects.filter(kind="budgeting.receipt").count() == 3
    event = AuditEvent.objects.get(action="budgeting.paper_batch_reconciled")
    assert (event.data["counted"], event.data["typed"], event.data["declared"]) == (3, 3, 3)


def test_phones_and_keys_are_erased_after_reconciliation(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk)
    paper_batch_reconcile(batch=batch, by=second_clerk)
    assert PaperEntry.objects.count() == 6
    assert set(PaperEntry.objects.values_list("voter_phone", "voter_key")) == {("", "")}
    assert not AuditEvent.objects.filter(data__icontains="97112233").exists()


def test_mismatches_are_flagged_then_corrected_then_counted(batch, clerk, second_clerk):
    second = [("97 11 22 34", [1, 3]), ("0196445566", [2, 4])]  # a phone slip, a choice slip, one missing
    type_both(batch, clerk, second_clerk, second=second)
    result = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert [(item.position, item.kinds) for item in result.mismatches] == [
        (1, (PHONE_DIFFERS,)),
        (2, (CHOICES_DIFFER,)),
        (3, (MISSING_SECOND,)),
    ]
    batch.refresh_from_db()
    assert batch.status == PaperBatchStatus.MISMATCHED
    assert not Ballot.objects.exists()
    assert AuditEvent.objects.get(action="budgeting.paper_mismatches_flagged").data["positions"] == [1, 2, 3]
    # each officer re-types their own round from the paper
    assert round_for(batch, clerk) == 1 and round_for(batch, second_clerk) == 2
    paper_entry_add(
        batch=batch, round=2, position=1, voter_phone="97 11 22 33", numbers=[1, 3], by=second_clerk
    )
    paper_entry_add(
        batch=batch, round=2, position=3, voter_phone=THIRD_PHONE, numbers=[4, 1], by=second_clerk
    )
    paper_entry_add(batch=batch, round=1, position=2, voter_phone="0196445566", numbers=[2, 4], by=clerk)
    assert paper_batch_compare(batch) == []
    result = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert result.counted == 3
    assert sorted(ballot.proposal_numbers for ballot in Ballot.objects.all()) == [[1, 3], [1, 4], [2, 4]]


def test_entry_missing_from_the_first_round_is_flagged(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk, first=BALLOTS[:2])
    assert [(item.position, item.kinds) for item in paper_batch_compare(batch)] == [(3, (MISSING_FIRST,))]


def test_reconcile_needs_both_rounds(batch, clerk):
    type_round(batch, 1, clerk)
    with pytest.raises(ValidationError, match="deux saisies"):
        paper_batch_reconcile(batch=batch, by=clerk)
    paper_batch_finish_round(batch=batch, by=clerk)
    with pytest.raises(ValidationError, match="deux saisies"):
        paper_batch_reconcile(batch=batch, by=clerk)


def test_count_mismatch_needs_an_explanation(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk, first=BALLOTS[:2], second=BALLOTS[:2])
    with pytest.raises(ValidationError) as error:
        paper_batch_reconcile(batch=batch, by=second_clerk)
    assert "2 bulletins saisis pour 3 déclarés" in error.value.error_dict["count_note"][0].messages[0]
    batch.refresh_from_db()
    assert batch.status == PaperBatchStatus.SECOND_ENTRY and not Ballot.objects.exists()
    result = paper_batch_reconcile(batch=batch, by=second_clerk, count_note="Un bulletin déchiré, écarté.")
    assert result.counted == 2
    event = AuditEvent.objects.get(action="budgeting.paper_batch_reconciled")
    assert event.data["count_note"] == "Un bulletin déchiré, écarté."


def test_paper_voter_who_voted_online_is_already_voted(batch, clerk, second_clerk, citizen, passagon):
    from palabre.budgeting.services.voters import voter_from_user

    ballot_cast(envelope=batch.envelope, voter=voter_from_user(citizen, channel=Channel.WEB), numbers=[2])
    type_both(batch, clerk, second_clerk)
    result = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert (result.counted, result.already_voted) == (2, 1)
    assert PaperEntry.objects.get(round=1, position=1).outcome == PaperEntryOutcome.ALREADY_VOTED
    assert Ballot.objects.count() == 3


def test_online_vote_refused_after_paper(batch, clerk, second_clerk, citizen):
    from palabre.budgeting.services.voters import voter_from_user

    type_both(batch, clerk, second_clerk)
    paper_batch_reconcile(batch=batch, by=second_clerk)
    with pytest.raises(BallotRejected) as rejected:
        ballot_cast(envelope=batch.envelope, voter=voter_from_user(citizen, channel=Channel.WEB), numbers=[2])
    assert rejected.value.code == "already_voted"


def test_same_phone_twice_in_a_batch_counts_once(batch, clerk, second_clerk):
    twice = [BALLOTS[0], ("0197112233", [2]), BALLOTS[2]]
    type_both(batch, clerk, second_clerk, first=twice, second=twice)
    result = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert (result.counted, result.already_voted) == (2, 1)


def test_invalid_ballot_is_recorded_not_counted(batch, clerk, second_clerk):
    spoiled = [BALLOTS[0], ("0196445566", [1, 2, 3, 4]), ("", [1])]
    type_both(batch, clerk, second_clerk, first=spoiled, second=spoiled)
    result = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert (result.counted, result.invalid) == (1, 2)
    assert Ballot.objects.count() == 1
    # the spoiled ballot's phone did not vote: it may still vote online
    assert not VoterRecord.objects.filter(voter_key=voter_key(OTHER_PHONE)).exists()


def test_reconcile_is_idempotent(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk)
    first = paper_batch_reconcile(batch=batch, by=second_clerk)
    again = paper_batch_reconcile(batch=batch, by=second_clerk)
    assert (again.counted, again.already_voted, again.invalid) == (first.counted, 0, 0) == (3, 0, 0)
    assert Ballot.objects.count() == VoterRecord.objects.count() == 3
    assert AuditEvent.objects.filter(action="budgeting.paper_batch_reconciled").count() == 1


def test_reconciled_batch_takes_no_more_typing(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk)
    paper_batch_reconcile(batch=batch, by=second_clerk)
    with pytest.raises(ValidationError, match="déjà rapproché"):
        paper_entry_add(
            batch=batch, round=2, position=1, voter_phone=VOTER_PHONE, numbers=[2], by=second_clerk
        )


def test_arrondissement_envelope_counts_its_residents(cycle, passagon_envelope, clerk, second_clerk):
    batch = paper_batch_open(
        cycle=cycle, envelope=passagon_envelope, polling_point="Passagon", declared_count=1, by=clerk
    )
    type_both(batch, clerk, second_clerk, first=[(VOTER_PHONE, [11])], second=[(VOTER_PHONE, [11])])
    assert paper_batch_reconcile(batch=batch, by=second_clerk).counted == 1
    record = VoterRecord.objects.get()
    assert record.arrondissement_id == passagon_envelope.arrondissement_id


def test_minimum_age_is_taken_as_checked_by_the_polling_officer(batch, clerk, second_clerk):
    batch.cycle.minimum_age = 18
    batch.cycle.save()
    type_both(batch, clerk, second_clerk)
    assert paper_batch_reconcile(batch=batch, by=second_clerk).counted == 3


def test_reconcile_after_polls_close_until_results_published(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk)
    move_to_results_phase(batch.cycle)
    assert paper_batch_reconcile(batch=batch, by=second_clerk).counted == 3


def test_reconcile_refused_once_results_are_published(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk)
    move_to_results_phase(batch.cycle)
    batch.cycle.results_published_at = timezone.now()
    batch.cycle.save()
    with pytest.raises(ValidationError, match="publication des résultats"):
        paper_batch_reconcile(batch=batch, by=second_clerk)
    assert not Ballot.objects.exists()


# --- ballot_cast(allow_after_close=...) ----------------------------------------------------------------


def test_ballot_cast_after_close_only_when_asked_and_before_publication(commune_envelope, voter):
    move_to_results_phase(commune_envelope.cycle)
    with pytest.raises(BallotRejected) as rejected:
        ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    assert rejected.value.code == "not_voting"
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1], allow_after_close=True)
    commune_envelope.cycle.results_published_at = timezone.now()
    with pytest.raises(BallotRejected):
        ballot_cast(
            envelope=commune_envelope,
            voter=voter.__class__(phone=OTHER_PHONE, channel=Channel.PAPER),
            numbers=[1],
            allow_after_close=True,
        )


def test_an_abandoned_batch_is_deleted_with_its_phones_and_audited(batch, clerk):
    type_round(batch, 1, clerk)
    with pytest.raises(ValidationError, match="pourquoi"):
        paper_batch_discard(batch=batch, reason="  ", by=clerk)
    paper_batch_discard(batch=batch, reason="Lot saisi dans la mauvaise enveloppe", by=clerk)
    assert not PaperBatch.objects.exists() and not PaperEntry.objects.exists()
    event = AuditEvent.objects.get(action="budgeting.paper_batch_discarded")
    assert event.data["reason"] == "Lot saisi dans la mauvaise enveloppe"
    assert event.data["entries"] == len(BALLOTS)
    assert VOTER_PHONE not in str(event.data)


def test_a_counted_batch_cannot_be_abandoned(batch, clerk, second_clerk):
    type_both(batch, clerk, second_clerk)
    paper_batch_reconcile(batch=batch, by=second_clerk)
    with pytest.raises(ValidationError, match="déjà compté"):
        paper_batch_discard(batch=batch, reason="erreur", by=clerk)
    assert PaperBatch.objects.filter(pk=batch.pk).exists()
