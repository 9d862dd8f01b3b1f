"""Review pages end to end: the queue (query count), reviewing and merging an idea, typing a paper idea,
with the wrong-commune and wrong-role cases answering 404 and bad input kept."""

import pytest
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from palabre.budgeting.models import Proposal, ProposalStatus
from palabre.budgeting.phases import REVIEW
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.models import OutboundMessage
from palabre.territory.tests.factories import VillageFactory

DESCRIPTION = "Construire un module de trois classes à l'école primaire de Saclo."


def url(name, *args):
    return reverse(f"budgeting:{name}", args=args)


@pytest.fixture
def review_cycle(bohicon):
    return CycleFactory(commune=bohicon, **phase_dates(REVIEW))


@pytest.fixture
def envelope(review_cycle):
    return EnvelopeFactory(cycle=review_cycle, amount=10_000_000)


@pytest.fixture
def idea(envelope):
    author = UserFactory(phone="+2290197000003")
    return ProposalFactory(
        envelope=envelope, number=5, status=ProposalStatus.SUBMITTED, estimated_cost=None, author=author
    )


def test_queue_lists_submitted_ideas_in_few_queries(
    planner_client, envelope, saclo, django_assert_max_num_queries
):
    for number in range(1, 21):
        ProposalFactory(
            envelope=envelope,
            number=number,
            status=ProposalStatus.SUBMITTED,
            arrondissement=saclo,
            village=VillageFactory(arrondissement=saclo),
        )
    ProposalFactory(envelope=envelope, number=30, status=ProposalStatus.FEASIBLE, title="Déjà examinée")
    with django_assert_max_num_queries(12):
        response = planner_client.get(url("review_queue", "bohicon", envelope.cycle_id))
    page = response.content.decode()
    assert "20 idées" in page and "Déjà examinée" not in page
    page = planner_client.get(
        url("review_queue", "bohicon", envelope.cycle_id), {"status": ""}
    ).content.decode()
    assert "21 idées" in page


def test_review_publishes_the_opinion(planner_client, idea, envelope):
    response = planner_client.post(
        url("review_idea", "bohicon", envelope.cycle_id, 5),
        {
            "feasible": "1",
            "reason": "Terrain de l'école disponible.",
            "estimated_cost": "6000000",
            "envelope": envelope.pk,
        },
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.estimated_cost, idea.review_reason) == (
        "feasible",
        6_000_000,
        "Terrain de l'école disponible.",
    )
    assert OutboundMessage.objects.filter(to="+2290197000003").exists()


def test_review_bad_input_keeps_it_and_says_what_to_fix(planner_client, idea, envelope):
    response = planner_client.post(
        url("review_idea", "bohicon", envelope.cycle_id, 5),
        {"feasible": "1", "reason": "Faisable oui", "estimated_cost": "", "envelope": envelope.pk},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Un projet réalisable a besoin du coût estimé par les services." in page
    assert "Faisable oui</textarea>" in page
    assert 'value="1" required id="id_feasible_0" checked' in page
    idea.refresh_from_db()
    assert idea.status == "submitted"


def test_merge_from_the_review_page(planner_client, idea, envelope):
    kept = ProposalFactory(envelope=envelope, number=2, status=ProposalStatus.SUBMITTED)
    page = planner_client.get(url("review_idea", "bohicon", envelope.cycle_id, 5)).content.decode()
    assert f'<option value="{kept.pk}">2. {kept.title}</option>' in page
    response = planner_client.post(url("review_merge", "bohicon", envelope.cycle_id, 5), {"into": kept.pk})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.merged_into == kept
    response = planner_client.post(url("review_merge", "bohicon", envelope.cycle_id, 2), {"into": ""})
    assert response.status_code == 400


def test_review_page_after_voting_opened_offers_no_form(planner_client, commune_envelope):
    cycle = commune_envelope.cycle
    page = planner_client.get(url("review_idea", "bohicon", cycle.pk, 1)).content.decode()
    assert "L'examen est clos pour ce budget." in page
    response = planner_client.post(
        url("review_idea", "bohicon", cycle.pk, 1),
        {"feasible": "0", "reason": "Changement d'avis tardif.", "estimated_cost": ""},
    )
    assert response.status_code == 400
    assert Proposal.objects.get(cycle=cycle, number=1).status == "feasible"


def test_officer_types_a_paper_idea(planner_client, envelope, saclo, planner):
    response = planner_client.post(
        url("review_paper_idea", "bohicon", envelope.cycle_id),
        {
            "title": "Classes à Saclo",
            "description": DESCRIPTION,
            "arrondissement": saclo.pk,
            "author_name": "Assemblée villageoise de Saclo",
            "author_phone": "01 97 00 00 09",
        },
    )
    assert response.status_code == 302
    idea = Proposal.objects.get()
    assert (idea.channel, idea.author, idea.author_name) == ("paper", None, "Assemblée villageoise de Saclo")
    assert OutboundMessage.objects.get().to == "+2290197000009"


def test_paper_idea_bad_input_kept(planner_client, envelope):
    response = planner_client.post(
        url("review_paper_idea", "bohicon", envelope.cycle_id),
        {"title": "Classes à Saclo", "description": "court", "author_name": "", "author_phone": "12"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Classes à Saclo"' in page and 'value="12"' in page
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("name", ["review_queue", "review_paper_idea", "review_idea"])
def test_review_pages_wrong_role_and_wrong_commune_404(client, bohicon, toffo, idea, envelope, name):
    args = ("bohicon", envelope.cycle_id, 5) if name == "review_idea" else ("bohicon", envelope.cycle_id)
    officer = MembershipFactory(commune=bohicon, role="complaints_officer").user
    TOTPDeviceFactory(user=officer)
    sign_in_verified(client, officer)
    assert client.get(url(name, *args)).status_code == 404
    toffo_planner = MembershipFactory(commune=toffo, role="planning_officer").user
    TOTPDeviceFactory(user=toffo_planner)
    sign_in_verified(client, toffo_planner)
    assert client.get(url(name, *args)).status_code == 404
    assert client.get(url(name, "toffo", *args[1:])).status_code == 404


def test_merge_post_wrong_role_404(client, bohicon, idea, envelope):
    client.force_login(idea.author)
    assert client.post(url("review_merge", "bohicon", envelope.cycle_id, 5), {"into": ""}).status_code == 404
