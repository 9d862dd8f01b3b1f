"""Phase transitions: the phase of each boundary day, and what each phase allows (ideas, paper forms,
review, changes to the voting settings and envelopes)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from palabre.budgeting.phases import (
    FOLLOW_UP,
    IDEAS,
    INFORMATION,
    PHASE_CODES,
    RESULTS,
    REVIEW,
    UPCOMING,
    VOTING,
    phase_of,
    phase_timeline,
    voting_closes_on,
)
from palabre.budgeting.services.cycles import cycle_update, envelope_set, voting_has_begun
from palabre.budgeting.services.proposals import review_open, submission_open
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory
from palabre.core.choices import Channel

DAY = datetime.timedelta(days=1)
START = datetime.date(2026, 1, 10)
DATES = {
    "information_on": START,
    "ideas_on": START + 10 * DAY,
    "review_on": START + 20 * DAY,
    "voting_on": START + 30 * DAY,
    "results_on": START + 40 * DAY,
    "follow_up_on": START + 50 * DAY,
}


@pytest.fixture
def fixed_cycle(bohicon):
    return CycleFactory(commune=bohicon, **DATES)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (START - DAY, UPCOMING),
        (START, INFORMATION),
        (START + 9 * DAY, INFORMATION),
        (START + 10 * DAY, IDEAS),
        (START + 19 * DAY, IDEAS),
        (START + 20 * DAY, REVIEW),
        (START + 29 * DAY, REVIEW),
        (START + 30 * DAY, VOTING),
        (START + 39 * DAY, VOTING),
        (START + 40 * DAY, RESULTS),
        (START + 49 * DAY, RESULTS),
        (START + 50 * DAY, FOLLOW_UP),
        (START + 5000 * DAY, FOLLOW_UP),
    ],
)
def test_phase_of_each_boundary_day(fixed_cycle, day, expected):
    assert phase_of(fixed_cycle, on=day) == expected


def test_voting_closes_the_day_before_results(fixed_cycle):
    assert voting_closes_on(fixed_cycle) == START + 39 * DAY


def test_timeline_marks_past_current_future_with_end_dates(fixed_cycle):
    timeline = phase_timeline(fixed_cycle, on=START + 25 * DAY)
    assert [step["state"] for step in timeline] == ["past", "past", "current", "future", "future", "future"]
    assert timeline[2]["starts_on"] == START + 20 * DAY
    assert timeline[2]["ends_on"] == START + 29 * DAY
    assert timeline[-1]["ends_on"] is None


def test_timeline_before_start_is_all_future(fixed_cycle):
    assert {step["state"] for step in phase_timeline(fixed_cycle, on=START - DAY)} == {"future"}


@pytest.mark.parametrize("phase", [UPCOMING, *PHASE_CODES])
def test_what_each_phase_allows(bohicon, phase):
    cycle = CycleFactory(commune=bohicon, **phase_dates(phase))
    assert phase_of(cycle) == phase
    assert submission_open(cycle, channel=Channel.WEB) is (phase == IDEAS)
    assert submission_open(cycle, channel=Channel.USSD) is (phase == IDEAS)
    assert review_open(cycle) is (phase in (IDEAS, REVIEW))
    assert voting_has_begun(cycle) is (phase in (VOTING, RESULTS, FOLLOW_UP))


def test_submission_open_on_the_boundary_days(fixed_cycle):
    assert not submission_open(fixed_cycle, on=START + 9 * DAY)
    assert submission_open(fixed_cycle, on=START + 10 * DAY)
    assert submission_open(fixed_cycle, on=START + 19 * DAY)
    assert not submission_open(fixed_cycle, on=START + 20 * DAY)


def test_settings_and_envelopes_frozen_from_the_first_day_of_voting(bohicon, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    cycle_update(cycle=cycle, max_projects=4, by=planner)
    envelope_set(cycle=cycle, amount=5_000_000, by=planner)
    cycle.review_on, cycle.voting_on = cycle.review_on - 3 * DAY, cycle.review_on - 2 * DAY
    cycle.save()
    assert phase_of(cycle) == VOTING
    with pytest.raises(ValidationError) as refused:
        cycle_update(cycle=cycle, max_projects=5, by=planner)
    assert refused.value.message_dict == {
        "max_projects": ["Le vote a commencé : ce réglage ne peut plus changer."]
    }
    with pytest.raises(ValidationError):
        envelope_set(cycle=cycle, amount=6_000_000, by=planner)
