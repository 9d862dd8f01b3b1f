"""Every number a voter or an officer types is read in ASCII digits only: `²`, Arabic-Indic, fullwidth or
other scripts' digits and very long numbers are refused with the usual message on every channel (SMS, USSD,
web, paper entry), never a 500, never read as another project."""

import pytest

from palabre.budgeting.models import Ballot, BallotKind, PaperEntry
from palabre.budgeting.services.paper import paper_batch_open
from palabre.budgeting.tests.test_channels_ussd import caller, open_commune_ballot, set_kind  # noqa: F401
from palabre.budgeting.tests.test_sms_keywords import ballots, send  # noqa: F401
from palabre.budgeting.tests.test_views_paper import post_entry, url
from palabre.budgeting.tests.test_views_voting import cast, envelopes, page_of, voter_client  # noqa: F401
from palabre.budgeting.tests.test_views_voting import url as vote_url
from palabre.core.tests.odd_digits import LONG_DIGITS, ODD_NUMBERS, ODD_PHONES

pytestmark = pytest.mark.django_db
ODD = [*ODD_NUMBERS, "0" * 30 + "1"]
# USSD answers are short (a longer one ends the session, see channels/ussd/service.py): no 5,000 digits.
ODD_USSD = [*(number for number in ODD_NUMBERS if number != LONG_DIGITS), "9" * 25, "0" * 30 + "1"]


@pytest.mark.parametrize("number", ODD)
def test_sms_vote_with_odd_digits_gives_the_example(bohicon, ballots, number):  # noqa: F811
    assert send(f"VOTE 1 {number}", bohicon) == (
        "Palabre : écrivez VOTE puis les numéros des projets. Exemple : VOTE 3 7 12"
    )
    assert send(f"VOTE {number}+ 1", bohicon).startswith("Palabre : écrivez VOTE")
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("points", ODD_USSD)
def test_ussd_points_with_odd_digits_are_asked_again(caller, cycle, points):  # noqa: F811
    set_kind(cycle, BallotKind.CUMULATIVE, max_projects=None, points_per_voter=10)
    open_commune_ballot(caller)
    caller.send("1")
    assert caller.send(points).startswith("Tapez un nombre de points, 1 au moins.")


@pytest.mark.parametrize("number", ODD_USSD)
def test_ussd_project_choice_with_odd_digits_is_not_valid(caller, number):  # noqa: F811
    open_commune_ballot(caller)
    assert caller.send(number).startswith("Choix non valable.")


@pytest.mark.parametrize("number", ODD)
def test_web_ballot_with_odd_project_numbers_is_refused(voter_client, cycle, commune_envelope, number):  # noqa: F811
    response = cast(voter_client, cycle, commune_envelope, [1, number])
    assert response.status_code in (200, 400)
    assert "n'est pas un numéro de projet" in page_of(response)
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("envelope", ODD)
def test_web_ballot_for_an_odd_envelope_id_is_404(voter_client, cycle, envelope):  # noqa: F811
    assert voter_client.post(vote_url("vote", cycle), {"envelope": envelope}).status_code == 404


@pytest.fixture
def batch(cycle, commune_envelope, planner):
    return paper_batch_open(
        cycle=cycle, envelope=commune_envelope, polling_point="EPP Gbanhicon", declared_count=2, by=planner
    )


@pytest.mark.parametrize("number", ODD)
def test_paper_entry_with_odd_project_numbers_is_refused(planner_client, batch, number):
    response = post_entry(planner_client, batch, 1, "97 11 22 33", f"1 {number}")
    assert response.status_code == 400
    assert "séparés par des espaces" in response.text
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize("phone", ODD_PHONES)
def test_paper_entry_with_an_odd_phone_is_refused(planner_client, batch, phone):
    response = post_entry(planner_client, batch, 1, phone[:30], "1")
    assert response.status_code == 400
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize("position", ODD)
def test_paper_entry_at_an_odd_position_is_refused(planner_client, batch, position):
    assert post_entry(planner_client, batch, position, "97 11 22 33", "1").status_code == 400
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize("position", ODD)
def test_the_retype_link_with_an_odd_position_offers_the_next_one(planner_client, batch, position):
    page = planner_client.get(url("paper_batch", batch), {"rang": position})
    assert page.status_code == 200
    assert 'name="position" value="1"' in page.text
