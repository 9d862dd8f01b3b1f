"""services/voting.py: every rule of a ballot, who may vote and when, one ballot per phone and envelope
across channels, receipts, and ballot secrecy."""

import dataclasses
import datetime

import pytest
from django.db import models

from palabre.budgeting.models import Ballot, BallotKind, Envelope, VoterRecord
from palabre.budgeting.services.voters import Voter, voter_from_phone, voter_from_user
from palabre.budgeting.services.voting import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    BallotRejected,
    _send_receipt,
    ballot_cast,
    format_receipt,
    has_voted,
    normalise_receipt,
    receipt_ballot,
    receipt_hash,
    receipt_lookup,
    receipt_sms_key,
    voted_envelope_ids,
    voter_check,
)
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.choices import Channel
from palabre.core.guesses import MAX_FAILURES
from palabre.core.models import CodeGuessFailure, OutboundMessage, ParticipationAct
from palabre.core.services import GuessesLimited
from palabre.territory.models import Module

from .conftest import OTHER_PHONE, VOTER_PHONE


def rejected(**kwargs) -> BallotRejected:
    with pytest.raises(BallotRejected) as caught:
        ballot_cast(**kwargs)
    return caught.value


def set_cycle(cycle, **fields):
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save()


# --- The ballot's rules ---------------------------------------------------------------------------------


def test_approval_ballot_is_counted_in_canonical_order(commune_envelope, voter):
    receipt = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[3, 1])
    ballot = Ballot.objects.get()
    assert ballot.proposal_numbers == [1, 3]
    assert ballot.points is None
    assert [proposal.number for proposal in receipt.proposals] == [3, 1]
    assert ballot.receipt_hash == receipt_hash(receipt.code)


def test_empty_ballot_is_refused(commune_envelope, voter):
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[]).code == "empty"
    assert not VoterRecord.objects.exists()


def test_unknown_project_is_named(commune_envelope, passagon_envelope, voter):
    error = rejected(envelope=commune_envelope, voter=voter, numbers=[1, 11])
    assert error.code == "unknown_project"
    assert "11" in error.message


def test_project_not_yet_feasible_is_not_on_the_ballot(commune_envelope, voter):
    ProposalFactory(envelope=commune_envelope, number=9, status="submitted")
    ProposalFactory(envelope=commune_envelope, number=10, estimated_cost=None)
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[9]).code == "unknown_project"
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[10]).code == "unknown_project"


def test_repeated_project_is_refused(commune_envelope, voter):
    error = rejected(envelope=commune_envelope, voter=voter, numbers=[2, 2])
    assert (error.code, error.params) == ("repeated_project", {"number": 2})


def test_too_many_projects(commune_envelope, voter):
    error = rejected(envelope=commune_envelope, voter=voter, numbers=[1, 2, 3, 4])
    assert (error.code, error.params) == ("too_many", {"max": 3, "count": 4})
    assert "au plus 3 projets" in error.message


def test_knapsack_within_the_envelope_is_counted_exactly_at_the_amount(cycle, commune_envelope, voter):
    set_cycle(cycle, ballot_kind=BallotKind.KNAPSACK, max_projects=None)
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1, 2, 4])  # 2 + 3 + 5 = 10 million
    assert Ballot.objects.get().proposal_numbers == [1, 2, 4]


def test_knapsack_over_budget_says_both_amounts(cycle, commune_envelope, voter):
    set_cycle(cycle, ballot_kind=BallotKind.KNAPSACK, max_projects=None)
    error = rejected(envelope=commune_envelope, voter=voter, numbers=[3, 4, 1])  # 11 million
    assert error.code == "over_budget"
    assert error.params == {"total": "11\u202f000\u202f000", "amount": "10\u202f000\u202f000"}
    assert not Ballot.objects.exists()


def test_knapsack_keeps_its_maximum_number_of_projects(cycle, commune_envelope, voter):
    set_cycle(cycle, ballot_kind=BallotKind.KNAPSACK, max_projects=2)
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[1, 2, 3]).code == "too_many"


@pytest.fixture
def cumulative(cycle):
    set_cycle(cycle, ballot_kind=BallotKind.CUMULATIVE, points_per_voter=10, max_projects=None)
    return cycle


def test_cumulative_points_are_stored_with_the_numbers(cumulative, commune_envelope, voter):
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[4, 1], points=[7, 3])
    ballot = Ballot.objects.get()
    assert (ballot.proposal_numbers, ballot.points) == ([1, 4], [3, 7])


@pytest.mark.parametrize(
    ("points", "code"),
    [(None, "points_missing"), ([5], "points_missing"), ([5, 0], "points_not_positive")],
)
def test_cumulative_points_must_match_the_projects(cumulative, commune_envelope, voter, points, code):
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[1, 2], points=points).code == code


def test_cumulative_points_within_the_allowance(cumulative, commune_envelope, voter):
    error = rejected(envelope=commune_envelope, voter=voter, numbers=[1, 2], points=[6, 5])
    assert (error.code, error.params) == ("too_many_points", {"max": 10, "total": 11})


def test_points_of_an_approval_ballot_are_not_kept(commune_envelope, voter):
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1], points=[4])
    assert Ballot.objects.get().points is None


# --- Who votes, and when --------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["information", "ideas", "review", "results", "follow_up"])
def test_no_ballot_outside_the_voting_phase(cycle, commune_envelope, voter, phase):
    set_cycle(cycle, **phase_dates(phase))
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[1]).code == "not_voting"


def test_no_ballot_in_an_unpublished_cycle(cycle, commune_envelope, voter):
    set_cycle(cycle, is_published=False)
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[1]).code == "not_voting"


def test_no_ballot_when_the_commune_turned_budgets_off(bohicon, commune_envelope, voter):
    bohicon.modules = [Module.COMPLAINTS]
    bohicon.save()
    assert rejected(envelope=commune_envelope, voter=voter, numbers=[1]).code == "not_voting"


def test_paper_piles_are_counted_after_the_close_until_the_results(cycle, commune_envelope, voter):
    set_cycle(cycle, **phase_dates("results"))
    paper = dataclasses.replace(voter, channel=Channel.PAPER)
    ballot_cast(envelope=commune_envelope, voter=paper, numbers=[1], allow_after_close=True)
    cycle.results_published_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cycle.save()
    other = dataclasses.replace(paper, phone=OTHER_PHONE)
    error = rejected(envelope=commune_envelope, voter=other, numbers=[1], allow_after_close=True)
    assert error.code == "not_voting"


def test_wrong_envelope_is_refused(passagon_envelope, saclo):
    outsider = Voter(phone=OTHER_PHONE, channel=Channel.SMS, arrondissement_id=saclo.pk)
    assert rejected(envelope=passagon_envelope, voter=outsider, numbers=[11]).code == "wrong_envelope"
    undeclared = Voter(phone=OTHER_PHONE, channel=Channel.SMS)
    assert rejected(envelope=passagon_envelope, voter=undeclared, numbers=[11]).code == "wrong_envelope"


def test_a_voter_votes_in_one_arrondissement_only(cycle, passagon_envelope, saclo, voter):
    EnvelopeFactory(cycle=cycle, arrondissement=saclo, amount=1_000_000)
    saclo_envelope = Envelope.objects.get(arrondissement=saclo)
    ProposalFactory(envelope=saclo_envelope, number=21, estimated_cost=500_000)
    ballot_cast(envelope=passagon_envelope, voter=voter, numbers=[11])
    moved = dataclasses.replace(voter, arrondissement_id=saclo.pk, channel=Channel.WEB)
    assert rejected(envelope=saclo_envelope, voter=moved, numbers=[21]).code == "other_arrondissement"
    assert Ballot.objects.count() == VoterRecord.objects.count() == 1


def test_commune_wide_and_own_arrondissement_both_count(commune_envelope, passagon_envelope, voter):
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    ballot_cast(envelope=passagon_envelope, voter=voter, numbers=[11])
    assert Ballot.objects.count() == VoterRecord.objects.count() == 2
    assert voted_envelope_ids(cycle=commune_envelope.cycle, voter=voter) == {
        commune_envelope.pk,
        passagon_envelope.pk,
    }


@pytest.mark.parametrize(
    ("voter_fields", "code"),
    [
        ({"age": 15}, "too_young"),
        ({"age_band": "u18"}, "too_young"),
        ({}, "age_unknown"),
        ({"age_band": "18-24"}, "age_unknown"),  # 18 to 24: some of them are under 21
    ],
)
def test_minimum_age_refusals(cycle, commune_envelope, voter_fields, code):
    set_cycle(cycle, minimum_age=21)
    young = Voter(phone=OTHER_PHONE, channel=Channel.USSD, **voter_fields)
    error = rejected(envelope=commune_envelope, voter=young, numbers=[1])
    assert (error.code, error.params) == (code, {"age": 21})
    assert "21 ans" in error.message


@pytest.mark.parametrize("voter_fields", [{"age": 21}, {"age_band": "25-35"}, {"declared_minimum_age": True}])
def test_minimum_age_accepted(cycle, commune_envelope, voter_fields):
    set_cycle(cycle, minimum_age=21)
    ballot_cast(
        envelope=commune_envelope, voter=Voter(phone=OTHER_PHONE, channel="ussd", **voter_fields), numbers=[1]
    )
    assert Ballot.objects.count() == 1


def test_voter_check_alone_writes_nothing(commune_envelope, voter):
    voter_check(envelope=commune_envelope, voter=voter)
    assert not VoterRecord.objects.exists()


# --- One ballot per phone and envelope, across channels --------------------------------------------------


def test_second_ballot_of_the_same_phone_is_refused_on_every_channel(commune_envelope, citizen):
    web = voter_from_user(citizen, channel=Channel.WEB)
    ballot_cast(envelope=commune_envelope, voter=web, numbers=[1])
    for channel in (Channel.USSD, Channel.SMS, Channel.PAPER):
        again = voter_from_phone(VOTER_PHONE, channel=channel)
        assert rejected(envelope=commune_envelope, voter=again, numbers=[2]).code == "already_voted"
    assert Ballot.objects.count() == VoterRecord.objects.count() == 1
    assert VoterRecord.objects.get().channel == Channel.WEB
    assert has_voted(envelope=commune_envelope, voter=voter_from_phone(VOTER_PHONE, channel=Channel.SMS))


def test_paper_then_web_is_refused(commune_envelope, citizen):
    paper = dataclasses.replace(
        voter_from_phone(VOTER_PHONE, channel=Channel.PAPER), declared_minimum_age=True
    )
    ballot_cast(envelope=commune_envelope, voter=paper, numbers=[4])
    web = voter_from_user(citizen, channel=Channel.WEB)
    error = rejected(envelope=commune_envelope, voter=web, numbers=[1])
    assert error.code == "already_voted"
    assert "un seul bulletin" in error.message


def test_a_rejected_ballot_does_not_count_as_a_vote(commune_envelope, voter):
    rejected(envelope=commune_envelope, voter=voter, numbers=[1, 2, 3, 4])
    assert not has_voted(envelope=commune_envelope, voter=voter)
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])


def test_the_same_phone_votes_again_in_another_cycle(commune_envelope, bohicon, voter):
    other = EnvelopeFactory(cycle=CycleFactory(commune=bohicon), amount=1_000_000)
    ProposalFactory(envelope=other, number=1, estimated_cost=10)
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    ballot_cast(envelope=other, voter=voter, numbers=[1])
    assert Ballot.objects.count() == 2


def test_a_colliding_receipt_code_is_drawn_again(commune_envelope, voter, monkeypatch):
    codes = iter(["AAAAAAAA", "AAAAAAAA", "CCCCCCCC"])
    monkeypatch.setattr("palabre.budgeting.services.voting._receipt_code", lambda: next(codes))
    first = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    second = ballot_cast(
        envelope=commune_envelope, voter=dataclasses.replace(voter, phone=OTHER_PHONE), numbers=[2]
    )
    assert (first.code, second.code) == ("AAAAAAAA", "CCCCCCCC")
    assert Ballot.objects.count() == VoterRecord.objects.count() == 2


def test_participation_is_recorded_with_declared_traits(commune_envelope, voter, passagon):
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    act = ParticipationAct.objects.get()
    assert (act.module, act.kind, act.channel, act.gender, act.age_band, act.arrondissement_id) == (
        "budgeting",
        "ballot",
        "ussd",
        "f",
        "25-35",
        passagon.pk,
    )


# --- Receipts -----------------------------------------------------------------------------------------


def test_receipt_code_shape():
    assert format_receipt("k7m3px4r") == "K7M3-PX4R"
    assert normalise_receipt(" k7m3-px4r ") == "K7M3PX4R"


def test_receipt_finds_the_ballot_in_its_cycle_only(commune_envelope, bohicon, voter):
    receipt = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[2])
    assert len(receipt.code) == RECEIPT_LENGTH and set(receipt.code) <= set(RECEIPT_ALPHABET)
    cycle = commune_envelope.cycle
    assert receipt_ballot(cycle=cycle, code=format_receipt(receipt.code).lower()).envelope == commune_envelope
    assert receipt_ballot(cycle=CycleFactory(commune=bohicon), code=receipt.code) is None
    assert receipt_ballot(cycle=cycle, code="ACDEFHJK") is None
    assert receipt_ballot(cycle=cycle, code="ACD") is None


def test_receipt_lookup_limits_guesses_per_address(commune_envelope, voter):
    receipt = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[2])
    cycle = commune_envelope.cycle
    start = datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)
    for _ in range(MAX_FAILURES):
        assert receipt_lookup(cycle=cycle, code="ACDEFHJK", ip="10.0.0.1", now=start) is None
    assert set(CodeGuessFailure.objects.values_list("scope", flat=True)) == {"budgeting.receipt"}
    a_minute_later = start + datetime.timedelta(minutes=1)
    with pytest.raises(GuessesLimited) as limited:
        receipt_lookup(cycle=cycle, code=receipt.code, ip="10.0.0.1", now=a_minute_later)
    assert limited.value.minutes == 59
    assert "59 minutes" in limited.value.message
    assert receipt_lookup(cycle=cycle, code=receipt.code, ip="10.0.0.2", now=a_minute_later) is not None
    an_hour_later = start + datetime.timedelta(hours=1, seconds=1)
    assert receipt_lookup(cycle=cycle, code=receipt.code, ip="10.0.0.1", now=an_hour_later) is not None


def test_right_codes_do_not_count_as_guesses(commune_envelope, voter):
    receipt = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[2])
    for _ in range(MAX_FAILURES + 5):
        assert receipt_lookup(cycle=commune_envelope.cycle, code=receipt.code, ip="10.0.0.1") is not None
    assert not CodeGuessFailure.objects.exists()


def test_receipt_sms_is_sent_once_and_does_not_lead_to_the_ballot(
    commune_envelope, voter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receipt = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1], send_receipt_sms=True)
    message = OutboundMessage.objects.get()
    assert message.to == VOTER_PHONE
    assert format_receipt(receipt.code) in message.body
    assert message.kind == "budgeting.receipt"
    assert message.idempotency_key == receipt_sms_key(commune_envelope, voter)
    assert receipt_hash(receipt.code) not in message.idempotency_key
    # the same voter's receipt in the same envelope is queued once, whatever happens
    _send_receipt(commune_envelope, voter, receipt.code)
    assert OutboundMessage.objects.count() == 1


def test_no_sms_unless_asked_nor_for_a_refused_ballot(commune_envelope, voter):
    ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    rejected(envelope=commune_envelope, voter=voter, numbers=[1], send_receipt_sms=True)
    assert not OutboundMessage.objects.exists()


# --- Secrecy ------------------------------------------------------------------------------------------


def test_ballot_has_no_link_to_its_voter():
    fields = {field.name: field for field in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "envelope", "proposal_numbers", "points", "cast_on", "receipt_hash", "mixed"}
    relations = [field.related_model for field in fields.values() if field.is_relation]
    assert relations == [Envelope]
    assert isinstance(fields["cast_on"], models.DateField)
    assert not isinstance(fields["cast_on"], models.DateTimeField)
    assert isinstance(fields["id"], models.UUIDField)
    voter_fields = {field.name for field in VoterRecord._meta.get_fields()}
    assert not voter_fields & {"ballot", "proposal_numbers", "points", "receipt_hash", "phone"}


def test_stored_rows_hold_neither_the_phone_nor_the_receipt_code(commune_envelope, voter):
    receipt = ballot_cast(envelope=commune_envelope, voter=voter, numbers=[1])
    record = VoterRecord.objects.values().get()
    ballot = Ballot.objects.values().get()
    stored = " ".join(str(value) for value in [*record.values(), *ballot.values()])
    assert VOTER_PHONE not in stored and VOTER_PHONE[1:] not in stored
    assert receipt.code not in stored
    assert record["voter_key"] == voter.key != VOTER_PHONE


# Several envelopes at once (the VOTE SMS) ----------------------------------------------------------------
def test_ballots_cast_counts_every_envelope_and_keeps_the_named_residence(
    commune_envelope, passagon_envelope, passagon
):
    from palabre.budgeting.services.voters import residence_of
    from palabre.budgeting.services.voting import BallotChoice, ballots_cast

    voter = Voter(phone=VOTER_PHONE, channel=Channel.SMS, arrondissement_id=passagon.pk)
    ballots = [BallotChoice(commune_envelope, [1]), BallotChoice(passagon_envelope, [11])]
    receipts = ballots_cast(voter=voter, ballots=ballots, residence_named=passagon)
    assert [receipt.envelope for receipt in receipts] == [commune_envelope, passagon_envelope]
    assert residence_of(VOTER_PHONE, commune_id=passagon.commune_id) == passagon.pk


def test_ballots_cast_is_all_or_nothing_and_names_the_envelope(commune_envelope, passagon_envelope, passagon):
    from palabre.budgeting.services.voters import residence_of
    from palabre.budgeting.services.voting import BallotChoice, ballots_cast

    voter = Voter(phone=VOTER_PHONE, channel=Channel.SMS, arrondissement_id=passagon.pk)
    ballot_cast(envelope=passagon_envelope, voter=voter, numbers=[12])
    ballots = [BallotChoice(commune_envelope, [1]), BallotChoice(passagon_envelope, [11])]
    with pytest.raises(BallotRejected) as refused:
        ballots_cast(voter=voter, ballots=ballots, residence_named=passagon)
    assert (refused.value.code, refused.value.envelope) == ("already_voted", passagon_envelope)
    assert not has_voted(envelope=commune_envelope, voter=voter)
    assert residence_of(VOTER_PHONE, commune_id=passagon.commune_id) is None
