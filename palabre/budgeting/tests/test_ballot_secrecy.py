"""What the stored ballots say through their form: never the order a voter picked projects in (a vote buyer
could hand each voter an order to check in the published file), never who voted when through the rows'
physical order (ballots are rewritten in shuffled batches), and the voter records keep the day only."""

import importlib
from collections import Counter

import pytest
from django.db import connection, models

from palabre.budgeting.models import Ballot, BallotKind, VoterRecord
from palabre.budgeting.services.results import envelope_pabulib, results_compute
from palabre.budgeting.services.voters import Voter
from palabre.budgeting.services.voting import ballot_cast, ballots_mix, receipt_hash
from palabre.budgeting.tally import parse_pabulib
from palabre.budgeting.tests.factories import ProposalFactory
from palabre.budgeting.tests.test_results import cast, close_voting
from palabre.core.choices import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def eight_projects(cycle, commune_envelope):
    """Projects 1 to 8 on the commune-wide ballot (4 more at 100,000 FCFA), up to 5 chosen."""
    for number in range(5, 9):
        ProposalFactory(envelope=commune_envelope, number=number, estimated_cost=100_000)
    cycle.max_projects = 5
    cycle.save()
    return commune_envelope


def a_voter(index):
    return Voter(phone=f"+229019800{index:04d}", channel=Channel.WEB)


# --- canonical order ------------------------------------------------------------------------------------


def test_an_approval_ballot_is_stored_and_published_in_ascending_order(cycle, eight_projects, planner):
    ballot_cast(envelope=eight_projects, voter=a_voter(1), numbers=[8, 4, 7, 1, 2])
    assert Ballot.objects.get().proposal_numbers == [1, 2, 4, 7, 8]
    close_voting(cycle)
    results_compute(cycle=cycle, by=planner)
    published = envelope_pabulib(eight_projects)
    assert "1,2,4,7,8" in published and "8,4,7,1,2" not in published
    assert [ballot.projects for ballot in parse_pabulib(published).ballots] == [("1", "2", "4", "7", "8")]


def test_a_cumulative_ballot_keeps_each_projects_points(cycle, eight_projects, planner):
    cycle.ballot_kind, cycle.points_per_voter, cycle.max_projects = BallotKind.CUMULATIVE, 10, None
    cycle.save()
    ballot_cast(envelope=eight_projects, voter=a_voter(1), numbers=[8, 4, 7, 1, 2], points=[1, 2, 3, 1, 3])
    ballot = Ballot.objects.get()
    assert (ballot.proposal_numbers, ballot.points) == ([1, 2, 4, 7, 8], [1, 3, 2, 3, 1])
    close_voting(cycle)
    results_compute(cycle=cycle, by=planner)
    (published,) = parse_pabulib(envelope_pabulib(eight_projects)).ballots
    assert (published.projects, published.points) == (("1", "2", "4", "7", "8"), (1, 3, 2, 3, 1))


def test_the_migration_puts_existing_ballots_in_order_and_mixes_them(commune_envelope, passagon_envelope):
    for numbers, points in [([4, 1, 3], [2, 5, 3]), ([2, 1], None), ([3], [10]), ([2, 1], [1])]:
        cast(commune_envelope, numbers, points)
    cast(passagon_envelope, [12, 11])
    migration = importlib.import_module("palabre.budgeting.migrations.0003_ballots_canonical_and_mixed")
    before = Counter((b.pk, b.receipt_hash, b.cast_on) for b in Ballot.objects.all())
    migration.ballots_canonicalise_and_mix(Ballot, "default")
    assert Counter((b.pk, b.receipt_hash, b.cast_on) for b in Ballot.objects.all()) == before
    stored = Counter(
        (tuple(b.proposal_numbers), tuple(b.points or ()), b.mixed) for b in Ballot.objects.all()
    )
    assert stored == {
        ((1, 3, 4), (5, 3, 2), True): 1,
        ((1, 2), (), True): 1,
        ((3,), (10,), True): 1,
        ((2, 1), (1,), True): 1,  # points that do not match the numbers are left as they were
        ((11, 12), (), True): 1,
    }


# --- mixing ---------------------------------------------------------------------------------------------


def physical_order():
    """The receipt hashes in the order of the rows in the database file: SQLite's rowid, PostgreSQL's
    heap position."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT receipt_hash FROM budgeting_ballot ORDER BY {order}")
        return [row[0] for row in cursor.fetchall()]


def contents():
    return Counter(
        (
            b.pk,
            b.envelope_id,
            tuple(b.proposal_numbers),
            b.points and tuple(b.points),
            b.cast_on,
            b.receipt_hash,
        )
        for b in Ballot.objects.all()
    )


def cast_many(envelope, count, start=0):
    """Cast `count` ballots of distinct voters; their receipt hashes in the order they were cast."""
    hashes = []
    for index in range(start, start + count):
        receipt = ballot_cast(envelope=envelope, voter=a_voter(index), numbers=[1 + index % 4])
        hashes.append(receipt_hash(receipt.code))
    return hashes


def test_physical_order_of_the_ballots_is_not_the_order_they_were_cast_in(settings, commune_envelope):
    settings.BALLOT_MIX_BATCH = 8
    cast_order = cast_many(commune_envelope, 7)
    assert physical_order() == cast_order  # below a batch: written in order, not yet mixed
    cast_order += cast_many(commune_envelope, 13, start=7)
    # the 8th and the 16th ballots each mixed a batch (the second one with 8 ballots of the first)
    assert Ballot.objects.filter(mixed=False).count() == 4
    physical = physical_order()
    assert sorted(physical) == sorted(cast_order)
    assert physical[:16] != cast_order[:16]
    assert set(physical[:16]) == set(cast_order[:16])  # the 4 newest still wait at the end
    assert Ballot.objects.count() == VoterRecord.objects.count() == 20


def test_mixing_keeps_every_ballot_and_its_contents(settings, cycle, commune_envelope, passagon_envelope):
    settings.BALLOT_MIX_BATCH = 5
    cast_many(commune_envelope, 12)
    cast(passagon_envelope, [11])
    before = contents()
    assert ballots_mix(envelope=commune_envelope) == 0  # 2 waiting, fewer than a batch
    assert ballots_mix(envelope=commune_envelope, force=True) == 2 + 5
    assert contents() == before
    assert not Ballot.objects.filter(envelope=commune_envelope, mixed=False).exists()
    assert Ballot.objects.get(envelope=passagon_envelope).mixed is False  # another envelope: untouched


def test_results_are_computed_after_the_last_ballots_are_mixed(settings, cycle, commune_envelope, planner):
    settings.BALLOT_MIX_BATCH = 16
    cast_many(commune_envelope, 3)
    close_voting(cycle)
    results_compute(cycle=cycle, by=planner)
    assert not Ballot.objects.filter(mixed=False).exists()
    assert Ballot.objects.count() == 3


def test_a_mixing_that_fails_loses_nothing(settings, commune_envelope, monkeypatch):
    settings.BALLOT_MIX_BATCH = 4
    cast_many(commune_envelope, 3)
    before, order = contents(), physical_order()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Ballot.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        ballots_mix(envelope=commune_envelope, force=True)
    assert contents() == before and physical_order() == order
    (fourth,) = cast_many(commune_envelope, 1, start=3)  # fills the batch: counted, mixed later
    assert VoterRecord.objects.count() == Ballot.objects.filter(mixed=False).count() == 4
    assert physical_order() == [*order, fourth]
    monkeypatch.undo()
    assert ballots_mix(envelope=commune_envelope) == 4
    assert Ballot.objects.count() == 4


def test_mixing_can_be_turned_off(settings, commune_envelope):
    settings.BALLOT_MIX_BATCH = 0
    cast_many(commune_envelope, 3)
    assert not Ballot.objects.filter(mixed=True).exists()


def test_voter_records_keep_the_day_only():
    field = VoterRecord._meta.get_field("voted_on")
    assert isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    assert not any(isinstance(f, models.DateTimeField) for f in VoterRecord._meta.get_fields())
