"""The paper-ballot staff pages end to end: list and open, type both rounds, compare, reconcile."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory
from palabre.budgeting.models import Ballot, PaperBatch, PaperBatchStatus, PaperEntry
from palabre.budgeting.services.paper import paper_batch_finish_round, paper_batch_open, paper_entry_add
from palabre.budgeting.tests.conftest import VOTER_PHONE


def staff(commune, role):
    membership = MembershipFactory(commune=commune, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership.user


@pytest.fixture
def second_client(bohicon):
    """Another manager of Bohicon, in a browser of their own."""
    return sign_in_verified(Client(), staff(bohicon, "secretary_general"))


@pytest.fixture
def batch(cycle, commune_envelope, planner):
    return paper_batch_open(
        cycle=cycle, envelope=commune_envelope, polling_point="EPP Gbanhicon", declared_count=2, by=planner
    )


def url(name, batch, **kwargs):
    return reverse(f"budgeting:{name}", args=["bohicon", batch.cycle_id, batch.pk], **kwargs)


def list_url(cycle, slug="bohicon"):
    return reverse("budgeting:paper_batches", args=[slug, cycle.pk])


def post_entry(client, batch, position, phone, numbers):
    data = {"position": position, "voter_phone": phone, "numbers": numbers}
    return client.post(url("paper_entry_add", batch), data)


# --- list and open -------------------------------------------------------------------------------------


def test_list_shows_batches_and_progress(planner_client, batch, planner):
    paper_entry_add(batch=batch, round=1, position=1, voter_phone=VOTER_PHONE, numbers=[1], by=planner)
    response = planner_client.get(list_url(batch.cycle))
    assert response.status_code == 200
    assert "EPP Gbanhicon" in response.text and "1/2" in response.text
    assert "Ouvrir le lot" in response.text


def test_open_batch(planner_client, cycle, commune_envelope, planner):
    data = {"envelope": commune_envelope.pk, "polling_point": "EPP Zakpo", "declared_count": "40"}
    response = planner_client.post(list_url(cycle), data)
    batch = PaperBatch.objects.get()
    assert response.status_code == 302 and response.url == url("paper_batch", batch)
    assert (batch.polling_point, batch.declared_count, batch.first_clerk) == ("EPP Zakpo", 40, planner)


def test_open_batch_bad_input_keeps_what_was_typed(planner_client, cycle, commune_envelope):
    data = {"envelope": commune_envelope.pk, "polling_point": "EPP Zakpo", "declared_count": "0"}
    response = planner_client.post(list_url(cycle), data)
    assert response.status_code == 400
    assert 'value="EPP Zakpo"' in response.text
    assert not PaperBatch.objects.exists()


def test_batch_list_query_count(planner_client, cycle, commune_envelope, planner, django_assert_num_queries):
    for number in range(3):
        paper_batch_open(
            cycle=cycle,
            envelope=commune_envelope,
            polling_point=f"EPP {number}",
            declared_count=5,
            by=planner,
        )
    planner_client.get(list_url(cycle))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        planner_client.get(list_url(cycle))
    assert len(few) <= 12
    for number in range(3, 13):
        paper_batch_open(
            cycle=cycle,
            envelope=commune_envelope,
            polling_point=f"EPP {number}",
            declared_count=5,
            by=planner,
        )
    with django_assert_num_queries(len(few)):
        response = planner_client.get(list_url(cycle))
    assert response.text.count("EPP ") >= 13


@pytest.mark.parametrize("role", ["complaints_officer", "council_member", "focal_point"])
def test_wrong_role_gets_404(client, batch, bohicon, role):
    sign_in_verified(client, staff(bohicon, role))
    assert client.get(list_url(batch.cycle)).status_code == 404
    assert client.get(url("paper_batch", batch)).status_code == 404
    assert post_entry(client, batch, 1, VOTER_PHONE, "1").status_code == 404
    assert client.post(url("paper_reconcile", batch)).status_code == 404


def test_wrong_commune_gets_404(client, batch, toffo):
    sign_in_verified(client, staff(toffo, "planning_officer"))
    assert client.get(list_url(batch.cycle)).status_code == 404
    assert client.get(list_url(batch.cycle, slug="toffo")).status_code == 404
    other = reverse("budgeting:paper_batch", args=["toffo", batch.cycle_id, batch.pk])
    assert client.get(other).status_code == 404
    assert client.get(url("paper_batch", batch)).status_code == 404


def test_anonymous_gets_404(client, batch):
    assert client.get(list_url(batch.cycle)).status_code == 404


# --- typing --------------------------------------------------------------------------------------------


def test_first_clerk_types_and_the_next_position_is_offered(planner_client, batch):
    response = post_entry(planner_client, batch, 1, "97 11 22 33", "1 3")
    assert response.status_code == 302
    entry = PaperEntry.objects.get()
    assert (entry.round, entry.voter_phone, entry.proposal_numbers) == (1, VOTER_PHONE, [1, 3])
    page = planner_client.get(url("paper_batch", batch))
    assert "Bulletin 1 enregistré" in page.text
    assert 'name="position" value="2"' in page.text and "1/2" in page.text


def test_bad_entry_keeps_what_was_typed(planner_client, batch):
    response = post_entry(planner_client, batch, 1, "97 11 22", "1 x3")
    assert response.status_code == 400
    assert 'value="97 11 22"' in response.text and 'value="1 x3"' in response.text
    assert "séparés par des espaces" in response.text
    response = post_entry(planner_client, batch, 1, "97 11 22", "1 3")
    assert response.status_code == 400 and "10 chiffres" in response.text
    assert not PaperEntry.objects.exists()


def test_spoiled_ballot_is_recorded_with_a_warning(planner_client, batch):
    post_entry(planner_client, batch, 1, VOTER_PHONE, "1 2 3 4")
    page = planner_client.get(url("paper_batch", batch))
    assert "enregistré comme non valable" in page.text and "au plus 3 projets" in page.text
    assert PaperEntry.objects.get().outcome == "invalid"


def test_retype_link_prefills_the_position(planner_client, batch):
    post_entry(planner_client, batch, 1, VOTER_PHONE, "1")
    page = planner_client.get(url("paper_batch", batch) + "?rang=1")
    assert 'name="position" value="1"' in page.text


def test_second_round_by_the_same_officer_is_refused(planner_client, batch, planner):
    post_entry(planner_client, batch, 1, VOTER_PHONE, "1")
    planner_client.post(url("paper_round_finish", batch))
    batch.refresh_from_db()
    assert batch.status == PaperBatchStatus.SECOND_ENTRY
    page = planner_client.get(url("paper_batch", batch))
    assert "autre agent" in page.text and "Enregistrer le bulletin" not in page.text
    response = post_entry(planner_client, batch, 1, VOTER_PHONE, "1")
    assert response.status_code == 400 and "autre agent que la première" in response.text
    assert not PaperEntry.objects.filter(round=2).exists()


def test_second_officer_does_not_see_the_first_round(planner_client, second_client, batch, planner):
    paper_entry_add(batch=batch, round=1, position=1, voter_phone=VOTER_PHONE, numbers=[1], by=planner)
    assert "0197112233" in planner_client.get(url("paper_batch", batch)).text
    page = second_client.get(url("paper_batch", batch))
    assert "première saisie de ce lot" in page.text and "0197112233" not in page.text
    paper_batch_finish_round(batch=batch, by=planner)
    page = second_client.get(url("paper_batch", batch))
    assert "Seconde saisie" in page.text and "0197112233" not in page.text
    assert second_client.get(url("paper_comparison", batch)).status_code == 302


# --- comparing and counting ----------------------------------------------------------------------------


def test_double_entry_with_a_mismatch_then_counted(planner_client, second_client, batch):
    post_entry(planner_client, batch, 1, "97 11 22 33", "1 3")
    post_entry(planner_client, batch, 2, "96 44 55 66", "2")
    planner_client.post(url("paper_round_finish", batch))
    post_entry(second_client, batch, 1, "97 11 22 33", "1 3")
    post_entry(second_client, batch, 2, "96 44 55 66", "4")
    response = second_client.post(url("paper_reconcile", batch))
    assert response.status_code == 302 and response.url == url("paper_comparison", batch)
    page = second_client.get(response.url)
    assert "projets ou points différents" in page.text and "?rang=2" in page.text
    assert not Ballot.objects.exists()
    planner_page = planner_client.get(url("paper_comparison", batch))
    assert "?rang=2" in planner_page.text  # the first clerk may re-type too
    post_entry(second_client, batch, 2, "96 44 55 66", "2")
    response = second_client.post(url("paper_reconcile", batch))
    assert response.url == url("paper_batch", batch)
    page = second_client.get(response.url)
    assert "Comptés : 2" in page.text and "Compté" in page.text
    assert Ballot.objects.count() == 2
    assert not PaperEntry.objects.exclude(voter_phone="").exists()


def test_count_mismatch_asks_for_an_explanation(planner_client, second_client, batch):
    post_entry(planner_client, batch, 1, VOTER_PHONE, "1")
    planner_client.post(url("paper_round_finish", batch))
    post_entry(second_client, batch, 1, VOTER_PHONE, "1")
    response = second_client.post(url("paper_reconcile", batch), {"count_note": ""})
    assert response.status_code == 400 and "1 bulletins saisis pour 2 déclarés" in response.text
    response = second_client.post(url("paper_reconcile", batch), {"count_note": "Un bulletin perdu"})
    assert response.status_code == 302 and Ballot.objects.count() == 1


def test_reconcile_twice_counts_once(planner_client, second_client, batch):
    for client in (planner_client, second_client):
        post_entry(client, batch, 1, VOTER_PHONE, "1")
        post_entry(client, batch, 2, "96 44 55 66", "2")
        if client is planner_client:
            client.post(url("paper_round_finish", batch))
    second_client.post(url("paper_reconcile", batch))
    second_client.post(url("paper_reconcile", batch))
    assert Ballot.objects.count() == 2


def test_abandon_a_batch_needs_a_reason(planner_client, batch):
    response = planner_client.post(url("paper_discard", batch), {"reason": ""})
    assert response.status_code == 302 and PaperBatch.objects.filter(pk=batch.pk).exists()
    response = planner_client.post(url("paper_discard", batch), {"reason": "Pile d'un autre bureau"})
    assert response.url == list_url(batch.cycle)
    assert not PaperBatch.objects.filter(pk=batch.pk).exists()


def test_abandon_from_another_commune_is_404(client, batch, toffo):
    other = MembershipFactory(commune=toffo, role="planning_officer").user
    TOTPDeviceFactory(user=other)
    sign_in_verified(client, other)
    assert client.post(url("paper_discard", batch), {"reason": "x"}).status_code == 404
    assert PaperBatch.objects.filter(pk=batch.pk).exists()
