import io

import pytest

from palabre.accounts import demo as accounts_demo
from palabre.budgeting import demo
from palabre.budgeting.models import Ballot, Cycle, PaperEntryOutcome, ProjectUpdate, Result, VoterRecord
from palabre.budgeting.phases import FOLLOW_UP, VOTING, phase_of
from palabre.core.audit import audit_verify
from palabre.core.choices import Channel
from palabre.territory.services import territory_load


@pytest.fixture
def pilots(db):
    territory_load()
    accounts_demo.seed(stdout=io.StringIO())


def test_demo_gives_each_pilot_a_finished_cycle_and_one_in_voting(pilots):
    demo.seed(stdout=io.StringIO())
    cycles = Cycle.objects.select_related("commune")
    assert cycles.count() == 2 * len(demo.PILOTS)
    phases = sorted(phase_of(cycle) for cycle in cycles)
    assert phases == [FOLLOW_UP] * len(demo.PILOTS) + [VOTING] * len(demo.PILOTS)
    finished = [cycle for cycle in cycles if phase_of(cycle) == FOLLOW_UP]
    assert all(cycle.results_published_at for cycle in finished)
    assert Result.objects.filter(envelope__cycle__in=finished).count() == len(finished)
    assert ProjectUpdate.objects.filter(proposal__cycle__in=finished).exists()
    voting = [cycle for cycle in cycles if phase_of(cycle) == VOTING]
    for cycle in voting:
        assert Ballot.objects.filter(envelope__cycle=cycle).count() >= 300
        channels = set(VoterRecord.objects.filter(envelope__cycle=cycle).values_list("channel", flat=True))
        assert channels == {Channel.WEB, Channel.USSD, Channel.SMS, Channel.PAPER}
        assert cycle.envelopes.count() == 3
    outcomes = {
        outcome
        for cycle in voting
        for outcome in cycle.paper_batches.get().entries.values_list("outcome", flat=True)
    }
    assert outcomes == {PaperEntryOutcome.COUNTED, PaperEntryOutcome.ALREADY_VOTED}
    assert audit_verify().ok


def test_demo_is_idempotent(pilots):
    demo.seed(stdout=io.StringIO())
    ballots = Ballot.objects.count()
    demo.seed(stdout=io.StringIO())
    assert Cycle.objects.count() == 2 * len(demo.PILOTS)
    assert Ballot.objects.count() == ballots
