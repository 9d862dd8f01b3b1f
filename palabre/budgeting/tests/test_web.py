"""What the commune home and the staff home show of participatory budgets."""

import pytest
from django.urls import reverse

from palabre.budgeting.phases import (
    FOLLOW_UP,
    IDEAS,
    INFORMATION,
    PHASE_CODES,
    RESULTS,
    REVIEW,
    UPCOMING,
    VOTING,
    voting_closes_on,
)
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory
from palabre.budgeting.web import budgeting_openings, budgeting_staff_tools
from palabre.core.openings import openings_for
from palabre.core.staff_tools import tools_for

EXPECTED = {
    INFORMATION: ("Budget 2027 : découvrez l'enveloppe et les règles", "budgeting:cycle_detail"),
    IDEAS: ("Proposer une idée pour Budget 2027", "budgeting:idea_submit"),
    REVIEW: ("Budget 2027 : les idées proposées", "budgeting:idea_list"),
    VOTING: ("Voter pour Budget 2027", "budgeting:vote"),
    RESULTS: ("Résultats de Budget 2027", "budgeting:cycle_detail"),
}


@pytest.mark.parametrize("phase", [UPCOMING, *PHASE_CODES])
def test_one_opening_per_phase_that_invites_to_act(bohicon, phase):
    cycle = CycleFactory(commune=bohicon, title="Budget 2027", **phase_dates(phase))
    openings = budgeting_openings(bohicon)
    if phase not in EXPECTED:
        assert openings == []
        return
    title, url_name = EXPECTED[phase]
    (opening,) = openings
    assert (opening.title, opening.url, opening.module) == (
        title,
        reverse(url_name, args=["bohicon", cycle.pk]),
        "budgeting",
    )
    assert opening.closes_on is not None


def test_voting_opening_closes_the_last_day_of_voting(cycle):
    (opening,) = budgeting_openings(cycle.commune)
    assert opening.closes_on == voting_closes_on(cycle)


def test_unpublished_and_other_communes_cycles_are_not_shown(bohicon, toffo, django_assert_num_queries):
    CycleFactory(commune=bohicon, is_published=False)
    CycleFactory(commune=toffo)
    CycleFactory(commune=bohicon, **phase_dates(FOLLOW_UP))
    with django_assert_num_queries(1):
        assert budgeting_openings(bohicon) == []


def test_openings_registered_and_hidden_when_module_off(cycle):
    commune = cycle.commune
    assert [opening.title for opening in openings_for(commune) if opening.module == "budgeting"] == [
        "Voter pour Budget participatif 2026"
    ]
    commune.modules = ["complaints"]
    assert not [opening for opening in openings_for(commune) if opening.module == "budgeting"]


def test_staff_tools_for_managers_only(bohicon):
    (tool,) = budgeting_staff_tools(bohicon, {"planning_officer"})
    assert tool.url == reverse("budgeting:office_cycles", args=["bohicon"])
    assert budgeting_staff_tools(bohicon, {"complaints_officer"}) == []
    assert any(tool.module == "budgeting" for tool in tools_for(bohicon, {"mayor"}))


def test_commune_home_links_to_the_idea_form(client, bohicon):
    cycle = CycleFactory(commune=bohicon, title="Budget 2027", **phase_dates(IDEAS))
    page = client.get(reverse("territory:commune_home", args=["bohicon"])).content.decode()
    assert reverse("budgeting:idea_submit", args=["bohicon", cycle.pk]) in page
