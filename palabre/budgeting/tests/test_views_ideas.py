"""Idea pages end to end: list (filters, paging, query count), detail (review and merge published),
proposing (sign-in offered to visitors, input kept on error), withdrawing one's own idea."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from palabre.accounts.tests.factories import UserFactory
from palabre.budgeting.models import Proposal, ProposalStatus
from palabre.budgeting.phases import IDEAS, REVIEW
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.models import OutboundMessage

DESCRIPTION = "Réhabiliter le marché de Passagon, dont le toit laisse passer la pluie."


def url(name, *args):
    return reverse(f"budgeting:{name}", args=args)


@pytest.fixture
def ideas_cycle(bohicon):
    return CycleFactory(commune=bohicon, **phase_dates(IDEAS))


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


# --- list and detail -------------------------------------------------------------------------------------


def test_list_filters_by_arrondissement_and_status(client, commune_envelope, passagon, saclo):
    cycle = commune_envelope.cycle
    ProposalFactory(envelope=commune_envelope, arrondissement=passagon, title="Marché de Passagon", number=20)
    ProposalFactory(
        envelope=commune_envelope,
        arrondissement=saclo,
        title="Pont de Saclo",
        number=21,
        status=ProposalStatus.INFEASIBLE,
    )
    page = client.get(url("idea_list", "bohicon", cycle.pk)).content.decode()
    assert "Marché de Passagon" in page and "Pont de Saclo" in page and "6 idées" in page
    page = client.get(url("idea_list", "bohicon", cycle.pk), {"arrondissement": passagon.pk}).content.decode()
    assert "Marché de Passagon" in page and "Pont de Saclo" not in page
    page = client.get(url("idea_list", "bohicon", cycle.pk), {"status": "infeasible"}).content.decode()
    assert "Pont de Saclo" in page and "Marché de Passagon" not in page


def test_list_is_paged_with_a_fixed_number_of_queries(
    client, commune_envelope, django_assert_max_num_queries
):
    for number in range(30, 60):
        ProposalFactory(envelope=commune_envelope, number=number)
    with django_assert_max_num_queries(6):
        response = client.get(url("idea_list", "bohicon", commune_envelope.cycle_id), {"page": "2"})
    page = response.content.decode()
    assert "Page 2 sur 2" in page
    assert ">51. " in page and ">59. " in page and ">50. " not in page


def test_list_and_detail_404_for_unpublished_or_foreign_cycle(client, bohicon, toffo):
    hidden = CycleFactory(commune=bohicon, is_published=False)
    ProposalFactory(envelope=EnvelopeFactory(cycle=hidden), number=1)
    foreign = CycleFactory(commune=toffo)
    ProposalFactory(envelope=EnvelopeFactory(cycle=foreign), number=1)
    for cycle in (hidden, foreign):
        assert client.get(url("idea_list", "bohicon", cycle.pk)).status_code == 404
        assert client.get(url("idea_detail", "bohicon", cycle.pk, 1)).status_code == 404
        assert client.get(url("idea_submit", "bohicon", cycle.pk)).status_code == 404


def test_detail_shows_review_reason_and_cost(client, commune_envelope):
    idea = commune_envelope.proposals.get(number=2)
    Proposal.objects.filter(pk=idea.pk).update(review_reason="Terrain communal disponible.")
    page = client.get(url("idea_detail", "bohicon", idea.cycle_id, 2)).content.decode()
    assert "Terrain communal disponible." in page
    assert "3\u202f000\u202f000 FCFA" in page
    assert "Soumise au vote dans l'enveloppe : Toute la commune." in page
    assert client.get(url("idea_detail", "bohicon", idea.cycle_id, 999)).status_code == 404


def test_detail_of_a_merged_idea_links_to_the_one_kept(client, commune_envelope):
    kept = commune_envelope.proposals.get(number=1)
    ProposalFactory(
        envelope=commune_envelope, number=8, status=ProposalStatus.MERGED, merged_into=kept, title="Doublon"
    )
    page = client.get(url("idea_detail", "bohicon", kept.cycle_id, 8)).content.decode()
    assert url("idea_detail", "bohicon", kept.cycle_id, 1) in page
    page = client.get(url("idea_detail", "bohicon", kept.cycle_id, 1)).content.decode()
    assert "8. Doublon" in page


# --- proposing ---------------------------------------------------------------------------------------------


def test_visitor_is_offered_to_sign_in_by_phone_and_come_back(client, ideas_cycle):
    path = url("idea_submit", "bohicon", ideas_cycle.pk)
    page = client.get(path).content.decode()
    assert f"{reverse('accounts:login')}?next={quote(path, safe='')}" in page
    assert '<form method="post" enctype' not in page


def test_citizen_proposes_an_idea(citizen_client, ideas_cycle, passagon, citizen):
    envelope = EnvelopeFactory(cycle=ideas_cycle, arrondissement=passagon)
    response = citizen_client.post(
        url("idea_submit", "bohicon", ideas_cycle.pk),
        {
            "title": "Toit du marché",
            "description": DESCRIPTION,
            "arrondissement": passagon.pk,
            "village": "",
            "rough_cost": "2500000",
            "author_name": "Les femmes du marché",
        },
    )
    idea = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("idea_detail", "bohicon", ideas_cycle.pk, 1)
    assert (idea.author, idea.channel, idea.envelope, idea.rough_cost) == (
        citizen,
        "web",
        envelope,
        2_500_000,
    )
    assert OutboundMessage.objects.get().to == str(citizen.phone)
    page = citizen_client.get(response["Location"]).content.decode()
    assert "Merci ! Votre idée porte le numéro 1." in page
    assert "proposée par Les femmes du marché" in page


def test_bad_input_keeps_what_was_typed(citizen_client, ideas_cycle, passagon):
    response = citizen_client.post(
        url("idea_submit", "bohicon", ideas_cycle.pk),
        {"title": "Toit", "description": "Trop court", "arrondissement": passagon.pk, "rough_cost": "12"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Toit"' in page and "Trop court</textarea>" in page and 'value="12"' in page
    assert f'<option value="{passagon.pk}" selected>' in page
    assert "Le titre compte de 5 à 120 caractères." in page
    assert "Décrivez votre idée en 20 à 3000 caractères" in page
    assert not Proposal.objects.exists()


def test_village_outside_the_arrondissement_is_said_next_to_the_field(
    citizen_client, ideas_cycle, passagon, saclo
):
    from palabre.territory.tests.factories import VillageFactory

    village = VillageFactory(arrondissement=saclo)
    response = citizen_client.post(
        url("idea_submit", "bohicon", ideas_cycle.pk),
        {
            "title": "Toit du marché",
            "description": DESCRIPTION,
            "arrondissement": passagon.pk,
            "village": village.pk,
        },
    )
    assert response.status_code == 400
    assert "Ce village n&#x27;est pas dans cet arrondissement." in response.content.decode()


def test_submission_closed_outside_ideas_phase(citizen_client, commune_envelope):
    cycle = commune_envelope.cycle
    page = citizen_client.get(url("idea_submit", "bohicon", cycle.pk)).content.decode()
    assert "Le dépôt des idées n'est pas ouvert pour ce budget." in page
    citizen_client.post(
        url("idea_submit", "bohicon", cycle.pk), {"title": "Toit du marché", "description": DESCRIPTION}
    )
    assert Proposal.objects.count() == 4


# --- withdrawing -------------------------------------------------------------------------------------------


def test_author_withdraws_own_idea_others_get_404(client, bohicon, citizen):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    idea = ProposalFactory(
        envelope=EnvelopeFactory(cycle=cycle), author=citizen, number=4, status="submitted"
    )
    path = url("idea_withdraw", "bohicon", cycle.pk, 4)
    assert client.post(path).status_code == 404
    client.force_login(UserFactory())
    assert client.post(path).status_code == 404
    client.force_login(citizen)
    assert "Retirer mon idée" in client.get(url("idea_detail", "bohicon", cycle.pk, 4)).content.decode()
    assert client.post(path).status_code == 302
    idea.refresh_from_db()
    assert idea.status == "withdrawn"
    assert client.get(path).status_code == 405
