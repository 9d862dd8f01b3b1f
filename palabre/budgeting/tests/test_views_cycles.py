"""Cycle pages end to end: the public list and page, and the managers' pages (create, edit, publish,
envelopes), with the wrong-commune and wrong-role cases answering 404."""

import datetime

import pytest
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory
from palabre.budgeting.models import BallotKind, Cycle, Envelope
from palabre.budgeting.phases import IDEAS, REVIEW
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory

DAY = datetime.timedelta(days=1)


def url(name, *args):
    return reverse(f"budgeting:{name}", args=args)


def form_data(phase=IDEAS, **overrides):
    dates = {field: day.isoformat() for field, day in phase_dates(phase).items()}
    return {
        "title": "Budget participatif 2027",
        "year": "2027",
        "description": "",
        **dates,
        "ballot_kind": "approval",
        "max_projects": "3",
        "points_per_voter": "",
        "tally_rule": "mes-complete",
        "minimum_age": "",
        **overrides,
    }


@pytest.fixture
def complaints_officer_client(client, bohicon):
    membership = MembershipFactory(commune=bohicon, role="complaints_officer")
    TOTPDeviceFactory(user=membership.user)
    return sign_in_verified(client, membership.user)


# --- public pages ---------------------------------------------------------------------------------------


def test_public_list_shows_published_cycles_of_the_commune_only(
    client, cycle, toffo, django_assert_max_num_queries
):
    CycleFactory(commune=cycle.commune, is_published=False, title="Brouillon secret")
    CycleFactory(commune=toffo, title="Budget de Toffo")
    with django_assert_max_num_queries(4):
        response = client.get(url("cycle_list", "bohicon"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Budget participatif 2026" in page and "Vote" in page
    assert "Brouillon secret" not in page and "Budget de Toffo" not in page


def test_cycle_page_shows_phases_envelopes_and_rule(client, commune_envelope, passagon_envelope):
    cycle = commune_envelope.cycle
    response = client.get(url("cycle_detail", "bohicon", cycle.pk))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Dépôt des idées",
        "Examen technique",
        "en cours",
        "10\u202f000\u202f000 FCFA",
        "Passagon",
        "Choisissez jusqu&#x27;à 3 projets.",
        "Parts égales, puis le reste",
        "6 projets soumis au vote",
    ):
        assert text in page, text


def test_cycle_page_offers_ideas_during_ideas_phase(client, bohicon):
    cycle = CycleFactory(commune=bohicon, **phase_dates(IDEAS))
    page = client.get(url("cycle_detail", "bohicon", cycle.pk)).content.decode()
    assert url("idea_submit", "bohicon", cycle.pk) in page


def test_knapsack_rule_names_each_envelope_amount(client, commune_envelope, passagon_envelope):
    Cycle.objects.filter(pk=commune_envelope.cycle_id).update(ballot_kind=BallotKind.KNAPSACK)
    page = client.get(url("cycle_detail", "bohicon", commune_envelope.cycle_id)).content.decode()
    assert "ne dépasse pas l&#x27;enveloppe de 3\u202f000\u202f000 FCFA" in page
    assert "ne dépasse pas l&#x27;enveloppe de 10\u202f000\u202f000 FCFA" in page


def test_unpublished_or_other_commune_cycle_is_404(client, bohicon, toffo):
    hidden = CycleFactory(commune=bohicon, is_published=False)
    foreign = CycleFactory(commune=toffo)
    assert client.get(url("cycle_detail", "bohicon", hidden.pk)).status_code == 404
    assert client.get(url("cycle_detail", "bohicon", foreign.pk)).status_code == 404
    assert client.get(url("cycle_detail", "toffo", foreign.pk)).status_code == 200


def test_public_pages_404_when_module_is_off(client, cycle):
    cycle.commune.modules = ["complaints"]
    cycle.commune.save()
    assert client.get(url("cycle_list", "bohicon")).status_code == 404
    assert client.get(url("cycle_detail", "bohicon", cycle.pk)).status_code == 404


# --- managers' pages ----------------------------------------------------------------------------------------


def test_office_list_counts_ideas(planner_client, commune_envelope, django_assert_max_num_queries):
    CycleFactory(commune=commune_envelope.cycle.commune, is_published=False, title="Brouillon 2027")
    with django_assert_max_num_queries(10):
        response = planner_client.get(url("office_cycles", "bohicon"))
    page = response.content.decode()
    assert "Brouillon 2027" in page and "Budget participatif 2026" in page
    assert ">4</a>" in page


def test_create_cycle_then_envelopes_then_publish(planner_client, bohicon, passagon):
    response = planner_client.post(url("office_cycle_create", "bohicon"), form_data())
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("office_envelopes", "bohicon", cycle.pk)
    assert (cycle.commune, cycle.is_published) == (bohicon, False)
    assert client_get_status(planner_client, url("cycle_detail", "bohicon", cycle.pk)) == 404
    response = planner_client.post(url("office_cycle_publish", "bohicon", cycle.pk))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert not cycle.is_published  # no envelope yet
    planner_client.post(
        url("office_envelopes", "bohicon", cycle.pk), {"arrondissement": "", "amount": "9000000"}
    )
    planner_client.post(
        url("office_envelopes", "bohicon", cycle.pk), {"arrondissement": passagon.pk, "amount": "2000000"}
    )
    assert sorted(Envelope.objects.values_list("amount", flat=True)) == [2_000_000, 9_000_000]
    planner_client.post(url("office_cycle_publish", "bohicon", cycle.pk))
    cycle.refresh_from_db()
    assert cycle.is_published


def client_get_status(client, path):
    return client.get(path).status_code


def test_create_bad_input_keeps_values_and_says_what_to_fix(planner_client):
    data = form_data(title="Budget des jeunes", max_projects="")
    data["results_on"] = data["voting_on"]
    response = planner_client.post(url("office_cycle_create", "bohicon"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Budget des jeunes"' in page
    assert "Les résultats viennent au moins un jour après le début du vote." in page
    assert "Indiquez combien de projets chaque votant peut choisir au plus." in page
    assert not Cycle.objects.exists()


def test_edit_cycle_and_frozen_settings(planner_client, cycle):
    page = planner_client.get(url("office_cycle", "bohicon", cycle.pk)).content.decode()
    assert "Le vote a commencé" in page
    data = form_data(title=cycle.title, max_projects="5")
    data.update({field: getattr(cycle, field).isoformat() for field in phase_dates(IDEAS)})
    response = planner_client.post(url("office_cycle", "bohicon", cycle.pk), data)
    assert response.status_code == 400
    assert "Le vote a commencé : ce réglage ne peut plus changer." in response.content.decode()
    data["max_projects"] = "3"
    data["title"] = "Budget 2026 (prolongé)"
    data["results_on"] = (cycle.results_on + 2 * DAY).isoformat()
    response = planner_client.post(url("office_cycle", "bohicon", cycle.pk), data)
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.title, cycle.max_projects) == ("Budget 2026 (prolongé)", 3)


def test_envelope_errors_and_remove(planner_client, bohicon, toffo):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    envelope = EnvelopeFactory(cycle=cycle)
    response = planner_client.post(url("office_envelopes", "bohicon", cycle.pk), {"amount": "0"})
    assert response.status_code == 400
    response = planner_client.post(url("office_envelope_remove", "bohicon", cycle.pk, envelope.pk))
    assert response.status_code == 302
    assert not Envelope.objects.exists()
    foreign = EnvelopeFactory(cycle=CycleFactory(commune=toffo))
    assert (
        planner_client.post(url("office_envelope_remove", "bohicon", cycle.pk, foreign.pk)).status_code == 404
    )


def test_envelopes_frozen_in_voting(planner_client, commune_envelope):
    cycle = commune_envelope.cycle
    page = planner_client.get(url("office_envelopes", "bohicon", cycle.pk)).content.decode()
    assert "les enveloppes ne peuvent plus changer" in page
    response = planner_client.post(url("office_envelopes", "bohicon", cycle.pk), {"amount": "5"})
    assert response.status_code == 400
    commune_envelope.refresh_from_db()
    assert commune_envelope.amount == 10_000_000


@pytest.mark.parametrize("name", ["office_cycles", "office_cycle_create", "office_cycle", "office_envelopes"])
def test_staff_pages_wrong_role_wrong_commune_anonymous_404(
    client, complaints_officer_client, planner, cycle, toffo, name
):
    args = ("bohicon",) if name in ("office_cycles", "office_cycle_create") else ("bohicon", cycle.pk)
    assert complaints_officer_client.get(url(name, *args)).status_code == 404
    client.logout()
    assert client.get(url(name, *args)).status_code in (302, 404)
    sign_in_verified(client, planner)
    assert client.get(url(name, *args)).status_code == 200
    foreign_args = ("toffo",) if len(args) == 1 else ("toffo", CycleFactory(commune=toffo).pk)
    assert client.get(url(name, *foreign_args)).status_code == 404
    if len(args) == 2:
        other = CycleFactory(commune=toffo)
        assert client.get(url(name, "bohicon", other.pk)).status_code == 404


def test_publish_wrong_role_404(complaints_officer_client, bohicon):
    cycle = CycleFactory(commune=bohicon, is_published=False)
    assert complaints_officer_client.post(url("office_cycle_publish", "bohicon", cycle.pk)).status_code == 404
