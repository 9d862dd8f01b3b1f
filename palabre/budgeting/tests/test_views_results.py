"""Results and follow-up pages end to end: publication gates the public pages, downloads, staff actions,
wrong commune and wrong role answer 404, and the results page's queries do not grow with its size."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory
from palabre.budgeting.models import ProjectUpdate, Proposal, Result
from palabre.budgeting.services.results import results_compute, results_publish
from palabre.budgeting.tally import parse_pabulib
from palabre.budgeting.tests import test_results
from palabre.budgeting.tests.factories import EnvelopeFactory, ProposalFactory
from palabre.budgeting.tests.test_results import cast

voted = test_results.voted  # the fixture: voting closed, ballots in both envelopes


@pytest.fixture
def computed(voted, planner):
    voted.tally_rule = "mes"
    voted.save()
    results_compute(cycle=voted, by=planner)
    return voted


@pytest.fixture
def published(computed, planner):
    results_publish(cycle=computed, by=planner)
    return computed


def _url(name, cycle, *args, commune="bohicon"):
    return reverse(f"budgeting:{name}", args=[commune, cycle.pk, *args])


def _staff(client, commune, role):
    membership = MembershipFactory(commune=commune, role=role)
    TOTPDeviceFactory(user=membership.user)
    return sign_in_verified(client, membership.user)


# --- public pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"), [("results", ()), ("results_csv", ()), ("results_pabulib", ("envelope",))]
)
def test_nothing_public_before_publication(client, computed, commune_envelope, name, args):
    args = [commune_envelope.pk if arg == "envelope" else arg for arg in args]
    assert client.get(_url(name, computed, *args)).status_code == 404


def test_results_page(client, published, commune_envelope):
    response = client.get(_url("results", published))
    assert response.status_code == 200
    page = response.content.decode()
    first, second = page.index("3. Projet commune 3"), page.index("1. Projet commune 1")
    assert first < second < page.index("4. Projet commune 4")  # winners first, in selection order
    assert "6\u202f000\u202f000 FCFA sur 10\u202f000\u202f000 FCFA (60 %)" in page
    assert "(33 % des votants)" in page
    assert "ont payé ensemble son coût de 2\u202f000\u202f000 FCFA" in page
    assert "Cette règle aurait retenu à la place : 4. Projet commune 4" in page
    assert "Retenus ici, mais pas par cette règle : 1. Projet commune 1" in page
    assert _url("results_pabulib", published, commune_envelope.pk) in page
    assert _url("followup", published, 3) in page


def _recompute(cycle, officer):
    """Unpublish (tests only), recompute and publish again."""
    cycle.results_published_at = None
    cycle.save()
    results_compute(cycle=cycle, by=officer)
    results_publish(cycle=cycle, by=officer)


def test_turnout_suppresses_small_counts(client, published, commune_envelope, passagon, planner):
    for gender, count in (("f", 6), ("m", 1), ("x", 5)):
        for _ in range(count):
            cast(commune_envelope, [1], gender=gender, arrondissement=passagon)
    _recompute(published, planner)
    page = client.get(_url("results", published)).content.decode()
    assert "<td>Femme</td><td>6</td>" in page
    assert "<td>Homme</td><td>&lt; 5</td>" in page
    # "Homme" alone hidden could be worked out from the total: the next smallest count is hidden too.
    assert "<td>Autre</td><td>&lt; 5</td>" in page
    assert "<td>Non déclaré</td><td>6</td>" in page  # the fixture's 6 ballots
    assert "<td>Passagon</td><td>12</td>" in page


def test_results_csv(client, published):
    response = client.get(_url("results_csv", published))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:4] == ["Enveloppe", "Montant de l'enveloppe (FCFA)", "Bulletins", "Numéro"]
    by_number = {row[3]: row for row in rows[1:]}
    assert len(rows) == 1 + 4 + 2
    assert by_number["1"][:11] == [
        "Toute la commune",
        "10000000",
        "6",
        "1",
        "Projet commune 1",
        "",
        "2000000",
        "2",
        "",
        "33",
        "oui",
    ]
    assert by_number["4"][10:12] == ["non", "oui"]
    assert by_number["4"][12].startswith("Non retenu : les votants qui l'ont choisi (4)")
    assert by_number["11"][0] == "Passagon"


def test_pabulib_download(client, published, commune_envelope):
    response = client.get(_url("results_pabulib", published, commune_envelope.pk))
    assert response.status_code == 200
    parsed = parse_pabulib(response.content.decode())
    assert parsed.meta["rule"] == "equalshares"
    assert len(parsed.ballots) == 6


def test_pabulib_download_of_another_cycles_envelope_is_404(client, published, bohicon):
    other = EnvelopeFactory(cycle__commune=bohicon)
    assert client.get(_url("results_pabulib", published, other.pk)).status_code == 404


def test_public_pages_of_another_commune_are_404(client, published, toffo):
    assert client.get(_url("results", published, commune="toffo")).status_code == 404
    assert client.get(_url("followup", published, 3, commune="toffo")).status_code == 404


def test_results_page_queries_do_not_grow(client, published, commune_envelope, saclo, planner):
    with CaptureQueriesContext(connection) as small:
        client.get(_url("results", published))
    saclo_envelope = EnvelopeFactory(cycle=published, arrondissement=saclo, amount=5_000_000)
    for number in range(20, 40):
        envelope = commune_envelope if number < 30 else saclo_envelope
        ProposalFactory(envelope=envelope, number=number, estimated_cost=1_000_000)
    for _ in range(30):
        cast(commune_envelope, [20, 21, 22], gender="m", age_band="25-35", arrondissement=saclo)
        cast(saclo_envelope, [30, 31], gender="f", age_band="18-24", arrondissement=saclo)
    _recompute(published, planner)
    with CaptureQueriesContext(connection) as big:
        response = client.get(_url("results", published))
    assert "39. Projet" in response.content.decode()
    assert len(big) == len(small)


def test_followup_page(client, published, planner):
    proposal = Proposal.objects.get(number=3)
    ProjectUpdate.objects.create(
        proposal=proposal, status="in_progress", progress=40, spent=1_000_000, note="Murs"
    )
    page = client.get(_url("followup", published, 3)).content.decode()
    assert "En cours de réalisation" in page
    assert '<progress max="100" value="40">' in page
    assert "Dépensé : 1\u202f000\u202f000 FCFA sur un coût estimé de 4\u202f000\u202f000 FCFA." in page
    assert "Murs" in page


def test_followup_page_of_a_project_not_selected_is_404(client, published):
    assert client.get(_url("followup", published, 4)).status_code == 404


def test_followup_page_before_publication_is_404(client, computed):
    assert client.get(_url("followup", computed, 3)).status_code == 404


# --- staff pages -------------------------------------------------------------------------------------------


def test_staff_compute_then_publish(planner_client, voted):
    page = planner_client.get(_url("results_manage", voted))
    assert "Calculer les résultats" in page.content.decode()
    response = planner_client.post(_url("results_action", voted, "calculer"), follow=True)
    assert "Les résultats sont calculés." in response.content.decode()
    assert Result.objects.filter(envelope__cycle=voted).count() == 2
    planner_client.post(_url("results_action", voted, "publier"))
    voted.refresh_from_db()
    assert voted.results_published_at is not None
    assert "Voir la page publique" in planner_client.get(_url("results_manage", voted)).content.decode()


def test_staff_compute_while_voting_says_why(planner_client, cycle, commune_envelope):
    response = planner_client.post(_url("results_action", cycle, "calculer"), follow=True)
    assert "pas encore terminé : les résultats ne peuvent pas être calculés" in response.content.decode()
    assert not Result.objects.exists()


def test_staff_unknown_action_is_404(planner_client, voted):
    assert planner_client.post(_url("results_action", voted, "effacer")).status_code == 404


def test_staff_actions_need_post(planner_client, voted):
    assert planner_client.get(_url("results_action", voted, "calculer")).status_code == 405


@pytest.mark.parametrize("role", ["complaints_officer", "council_member"])
def test_staff_pages_wrong_role_are_404(client, published, bohicon, role):
    _staff(client, bohicon, role)
    assert client.get(_url("results_manage", published)).status_code == 404
    assert client.post(_url("results_action", published, "calculer")).status_code == 404
    assert client.get(_url("followup_manage", published, 3)).status_code == 404


def test_staff_pages_of_another_commune_are_404(client, published, toffo):
    _staff(client, toffo, "planning_officer")
    assert client.get(_url("results_manage", published)).status_code == 404
    assert client.get(_url("results_manage", published, commune="toffo")).status_code == 404
    assert client.post(_url("results_action", published, "publier", commune="toffo")).status_code == 404
    assert client.get(_url("followup_manage", published, 3, commune="toffo")).status_code == 404


def test_citizen_and_anonymous_get_404_on_staff_pages(client, published, citizen):
    for _ in range(2):
        assert client.get(_url("results_manage", published)).status_code == 404
        assert client.post(_url("results_action", published, "publier")).status_code == 404
        assert client.get(_url("followup_manage", published, 3)).status_code == 404
        client.force_login(citizen)


def test_staff_without_second_factor_gets_404(client, published, planner):
    client.force_login(planner)
    assert client.get(_url("results_manage", published)).status_code == 404


def test_staff_followup_form(planner_client, published):
    url = _url("followup_manage", published, 3)
    assert planner_client.get(url).status_code == 200
    response = planner_client.post(
        url, {"status": "in_progress", "progress": "30", "spent": "500000", "note": "Début"}
    )
    assert response.status_code == 302
    update = ProjectUpdate.objects.get()
    assert (update.progress, update.spent, update.note) == (30, 500_000, "Début")
    assert 'value="30"' in planner_client.get(url).content.decode()  # the next step starts from the last


def test_staff_followup_form_keeps_what_was_typed(planner_client, published):
    url = _url("followup_manage", published, 3)
    response = planner_client.post(url, {"status": "done", "progress": "80", "note": "Presque"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Un projet réalisé est avancé à 100 %." in page
    assert "Presque" in page and 'value="80"' in page
    assert not ProjectUpdate.objects.exists()


def test_staff_followup_of_a_project_not_selected_is_404(planner_client, published):
    assert planner_client.get(_url("followup_manage", published, 4)).status_code == 404
