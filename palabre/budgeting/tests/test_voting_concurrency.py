"""One ballot per phone and envelope under simultaneous submissions, enforced by PostgreSQL itself.

Each thread has its own database connection and they all start together (a barrier), as 50 web workers
or USSD requests would. SQLite writes one transaction at a time, so these races only exist on a server
database: on SQLite the tests are skipped.
"""

import dataclasses
import threading
from collections import Counter

import pytest
from django.db import connection

from palabre.budgeting.models import Ballot, Envelope, VoterRecord
from palabre.budgeting.services.voters import Voter
from palabre.budgeting.services.voting import BallotRejected, ballot_cast, ballots_mix
from palabre.budgeting.tests.factories import EnvelopeFactory, ProposalFactory
from palabre.core.choices import Channel

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: concurrent ballots are checked on PostgreSQL "
        "(set DATABASE_URL=postgres://...)",
    ),
]

SUBMISSIONS = 50


def race(attempts: list[tuple[Envelope, Voter, list[int]]]) -> Counter:
    """Cast every ballot at the same instant, one thread and one connection each; count the outcomes
    ("counted" or the BallotRejected code)."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(attempts))

    def work(envelope, voter, numbers):
        try:
            start.wait()
            ballot_cast(envelope=envelope, voter=voter, numbers=numbers)
            outcome = "counted"
        except BallotRejected as rejected:
            outcome = rejected.code
        except Exception as error:
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=work, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def phones(count: int) -> list[str]:
    return [f"+229019700{index:04d}" for index in range(count)]


def test_fifty_simultaneous_ballots_of_one_phone_count_once(commune_envelope, voter):
    channels = [Channel.WEB, Channel.USSD, Channel.SMS, Channel.PAPER]
    attempts = [
        (commune_envelope, dataclasses.replace(voter, channel=channels[index % 4]), [1 + index % 3])
        for index in range(SUBMISSIONS)
    ]
    outcomes = race(attempts)
    assert outcomes == {"counted": 1, "already_voted": SUBMISSIONS - 1}
    assert Ballot.objects.count() == VoterRecord.objects.count() == 1


def test_fifty_distinct_voters_all_count(commune_envelope):
    attempts = [
        (commune_envelope, Voter(phone=phone, channel=Channel.USSD), [1, 2]) for phone in phones(SUBMISSIONS)
    ]
    assert race(attempts) == {"counted": SUBMISSIONS}
    assert Ballot.objects.count() == VoterRecord.objects.count() == SUBMISSIONS
    assert len(set(Ballot.objects.values_list("receipt_hash", flat=True))) == SUBMISSIONS


def test_simultaneous_ballots_in_two_arrondissements_count_once(cycle, passagon_envelope, saclo, voter):
    saclo_envelope = EnvelopeFactory(cycle=cycle, arrondissement=saclo, amount=1_000_000)
    ProposalFactory(envelope=saclo_envelope, number=21, estimated_cost=500_000)
    in_saclo = dataclasses.replace(voter, arrondissement_id=saclo.pk)
    attempts = [
        (passagon_envelope, voter, [11]) if index % 2 else (saclo_envelope, in_saclo, [21])
        for index in range(20)
    ]
    outcomes = race(attempts)
    assert outcomes["counted"] == 1
    assert outcomes["already_voted"] + outcomes["other_arrondissement"] == 19
    assert VoterRecord.objects.count() == Ballot.objects.count() == 1


def test_simultaneous_ballots_with_mixing_keep_one_ballot_per_voter(settings, commune_envelope):
    """Small batches: many voters' transactions fill a batch at once and mix it while others write."""
    settings.BALLOT_MIX_BATCH = 4
    attempts = [
        (commune_envelope, Voter(phone=phone, channel=Channel.USSD), [1 + index % 4])
        for index, phone in enumerate(phones(SUBMISSIONS))
    ]
    assert race(attempts) == {"counted": SUBMISSIONS}
    assert Ballot.objects.count() == VoterRecord.objects.count() == SUBMISSIONS
    assert len(set(Ballot.objects.values_list("receipt_hash", flat=True))) == SUBMISSIONS
    assert Ballot.objects.filter(mixed=True).exists()  # batches were mixed while voters kept writing
    ballots_mix(envelope=commune_envelope, force=True)
    assert Ballot.objects.filter(mixed=True).count() == SUBMISSIONS
    assert Counter(
        tuple(numbers) for numbers in Ballot.objects.values_list("proposal_numbers", flat=True)
    ) == {(number,): SUBMISSIONS // 4 + (1 if number <= SUBMISSIONS % 4 else 0) for number in range(1, 5)}
