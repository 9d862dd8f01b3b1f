"""The voting pages end to end: sign-in required, the ballot of each envelope, every rule refused with the
service's message and the ticks kept, the htmx running total, age and arrondissement questions, the receipt
(page and SMS) and its check with a limit on guesses; wrong commune answers 404."""

import html

import pytest
from django.urls import reverse

from palabre.accounts.tests.factories import UserFactory
from palabre.budgeting.models import Ballot, BallotKind, Envelope, VoterRecord
from palabre.budgeting.services.voters import voter_from_phone
from palabre.budgeting.services.voting import (
    BallotRejected,
    ballot_cast,
    format_receipt,
)
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.choices import Channel
from palabre.core.guesses import MAX_FAILURES
from palabre.core.models import OutboundMessage
from palabre.territory.tests.factories import ArrondissementFactory

from .conftest import OTHER_PHONE, VOTER_PHONE


@pytest.fixture
def envelopes(commune_envelope, passagon_envelope):
    return commune_envelope, passagon_envelope


@pytest.fixture
def voter_client(client, citizen, envelopes):
    client.force_login(citizen)
    return client


def page_of(response) -> str:
    """The page's text as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def url(name, cycle, commune="bohicon"):
    return reverse(f"budgeting:{name}", args=[commune, cycle.pk])


def cast(client, cycle, envelope, numbers=(), **extra):
    data = {"envelope": envelope.pk, f"e{envelope.pk}-projects": [str(n) for n in numbers]}
    data.update(
        {
            key if key in ("arrondissement",) else f"e{envelope.pk}-{key}": value
            for key, value in extra.items()
        }
    )
    return client.post(url("vote", cycle), data)


def set_cycle(cycle, **fields):
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save()


# --- access ---------------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, cycle, envelopes):
    response = client.get(url("vote", cycle))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url('vote', cycle)}"


def test_anonymous_post_casts_nothing(client, cycle, commune_envelope):
    assert cast(client, cycle, commune_envelope, [1]).status_code == 302
    assert not Ballot.objects.exists()


def test_wrong_commune_and_unknown_cycle_answer_404(voter_client, cycle, toffo):
    assert voter_client.get(url("vote", cycle, commune="toffo")).status_code == 404
    assert voter_client.get(url("receipt_check", cycle, commune="toffo")).status_code == 404
    assert voter_client.get(reverse("budgeting:vote", args=["bohicon", 999999])).status_code == 404


def test_unpublished_cycle_answers_404(voter_client, cycle):
    set_cycle(cycle, is_published=False)
    assert voter_client.get(url("vote", cycle)).status_code == 404


def test_envelope_of_another_cycle_answers_404(voter_client, cycle, bohicon):
    other = EnvelopeFactory(cycle__commune=bohicon)
    assert cast(voter_client, cycle, other, [1]).status_code == 404
    assert voter_client.post(url("vote", cycle), {"envelope": "x"}).status_code == 404


# --- the page -------------------------------------------------------------------------------------------


def test_page_shows_the_rule_and_each_envelopes_projects(voter_client, cycle):
    page = page_of(voter_client.get(url("vote", cycle)))
    assert page.count("Choisissez jusqu'à 3 projets.") == 2  # the rule, above each envelope
    assert "Toute la commune" in page and "Passagon" in page
    assert "Projet commune 4" in page and "5\u202f000\u202f000 FCFA" in page
    assert "Puits de Passagon" in page
    passagon_envelope = Envelope.objects.get(arrondissement__isnull=False)
    assert f'name="e{passagon_envelope.pk}-projects" value="11"' in page
    assert "htmx" not in page  # approval ballots need no script


def test_envelope_already_voted_has_no_form(voter_client, cycle, commune_envelope, passagon_envelope):
    ballot_cast(
        envelope=passagon_envelope,
        voter=voter_from_phone(
            VOTER_PHONE, channel=Channel.USSD, arrondissement_id=passagon_envelope.arrondissement_id
        ),
        numbers=[11],
    )
    page = page_of(voter_client.get(url("vote", cycle)))
    assert "Vous avez déjà voté dans cette enveloppe." in page
    assert f'name="envelope" value="{commune_envelope.pk}"' in page
    assert f'name="envelope" value="{passagon_envelope.pk}"' not in page


@pytest.mark.parametrize("phase", ["ideas", "review", "results"])
def test_outside_voting_the_page_says_so_and_refuses(voter_client, cycle, commune_envelope, phase):
    set_cycle(cycle, **phase_dates(phase))
    page = voter_client.get(url("vote", cycle))
    assert "Le vote n'est pas ouvert pour ce budget." in page_of(page)
    assert 'name="envelope"' not in page_of(page)
    response = cast(voter_client, cycle, commune_envelope, [1])
    assert response.status_code == 400
    assert "Le vote n'est pas ouvert pour ce budget." in page_of(response)
    assert not Ballot.objects.exists()


def test_query_count_does_not_grow_with_projects(
    voter_client, cycle, commune_envelope, django_assert_max_num_queries
):
    voter_client.get(url("vote", cycle))  # warm the session
    with django_assert_max_num_queries(9) as few:  # 9: the phone profile is read (one residence rule)
        voter_client.get(url("vote", cycle))
    for number in range(30, 60):
        ProposalFactory(envelope=commune_envelope, number=number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Projet" in page_of(voter_client.get(url("vote", cycle)))


# --- casting a ballot -----------------------------------------------------------------------------------


def test_ballot_is_cast_and_the_receipt_shown(voter_client, cycle, commune_envelope, citizen):
    response = cast(voter_client, cycle, commune_envelope, [1, 3], send_sms="on")
    assert response.status_code == 302 and response["Location"] == url("vote_receipt", cycle)
    ballot = Ballot.objects.get()
    assert ballot.proposal_numbers == [1, 3] and ballot.envelope == commune_envelope
    record = VoterRecord.objects.get()
    assert (record.channel, record.gender, record.arrondissement_id) == (
        "web",
        "f",
        citizen.arrondissement_id,
    )
    page = page_of(voter_client.get(response["Location"]))
    sms = OutboundMessage.objects.get()
    code = sms.body.rsplit(" ", 1)[-1]
    assert code in page and code == format_receipt(code)
    assert "ne montre pas vos choix" in page
    assert "Projet commune" not in page  # the receipt never shows the choices


def test_receipt_page_lists_each_envelope_and_not_for_others(voter_client, client, cycle, envelopes):
    commune_envelope, passagon_envelope = envelopes
    cast(voter_client, cycle, commune_envelope, [1])
    cast(voter_client, cycle, passagon_envelope, [11])
    page = page_of(voter_client.get(url("vote_receipt", cycle)))
    assert page.count("receipt-code") == 2
    assert not OutboundMessage.objects.exists()  # no SMS unless ticked
    voter_client.cookies.clear()
    assert voter_client.get(url("vote_receipt", cycle))["Location"] == url("vote", cycle)


def test_receipt_cookie_cannot_be_forged(voter_client, cycle, commune_envelope):
    voter_client.cookies[f"budgeting_receipts_{cycle.pk}"] = '[[1, "AAAAAAAA"]]'
    assert voter_client.get(url("vote_receipt", cycle)).status_code == 302


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ([], "Choisissez au moins un projet."),
        ([1, 2, 3, 4], "Vous pouvez choisir au plus 3 projets ; vous en avez choisi 4."),
        ([1, 99], "Le projet n° 99 n'est pas sur ce bulletin."),
        ([1, 11], "Le projet n° 11 n'est pas sur ce bulletin."),
        (["1", "1"], "Le projet n° 1 est choisi deux fois."),
        (["x"], "« x » n'est pas un numéro de projet."),
    ],
)
def test_refused_ballot_says_why_and_keeps_the_ticks(voter_client, cycle, commune_envelope, numbers, message):
    response = cast(voter_client, cycle, commune_envelope, numbers)
    page = page_of(response)
    assert response.status_code == 400
    assert message in page
    for number in {n for n in numbers if str(n) in ("1", "2", "3", "4")}:
        assert f'value="{number}" checked' in page
    assert not Ballot.objects.exists()


def test_wrong_envelope_is_refused_with_the_reason(voter_client, cycle, saclo):
    saclo_envelope = EnvelopeFactory(cycle=cycle, arrondissement=saclo)
    ProposalFactory(envelope=saclo_envelope, number=21)
    response = cast(voter_client, cycle, saclo_envelope, [21])
    assert response.status_code == 400
    assert "elle est réservée à un autre arrondissement" in page_of(response)
    assert not Ballot.objects.exists()


def test_second_ballot_is_refused_after_voting_by_ussd(voter_client, cycle, commune_envelope):
    ballot_cast(
        envelope=commune_envelope, voter=voter_from_phone(VOTER_PHONE, channel=Channel.USSD), numbers=[4]
    )
    response = cast(voter_client, cycle, commune_envelope, [1])
    assert response.status_code == 400
    assert "Ce numéro a déjà voté dans cette enveloppe" in page_of(response)
    assert Ballot.objects.get().proposal_numbers == [4]


def test_web_ballot_then_ussd_and_paper_are_refused(voter_client, cycle, commune_envelope):
    cast(voter_client, cycle, commune_envelope, [1])
    for channel in (Channel.USSD, Channel.PAPER):
        with pytest.raises(BallotRejected, match="already_voted"):
            ballot_cast(
                envelope=commune_envelope, voter=voter_from_phone(VOTER_PHONE, channel=channel), numbers=[2]
            )
    assert Ballot.objects.count() == 1


# --- knapsack and points ----------------------------------------------------------------------------------


@pytest.fixture
def knapsack(cycle):
    set_cycle(cycle, ballot_kind=BallotKind.KNAPSACK, max_projects=None)
    return cycle


def test_knapsack_over_budget_keeps_the_ticks_and_names_the_amounts(voter_client, knapsack, commune_envelope):
    response = cast(voter_client, knapsack, commune_envelope, [3, 4, 1])
    page = page_of(response)
    assert response.status_code == 400
    assert "choisis : 11\u202f000\u202f000 FCFA, plus que l'enveloppe de 10\u202f000\u202f000 FCFA" in page
    assert all(f'value="{n}" checked' in page for n in (1, 3, 4))
    total = "Projets choisis : 11 000 000 FCFA sur 10 000 000 FCFA : 1 000 000 FCFA de trop."
    assert total.replace(" 000", "\u202f000") in page


def test_knapsack_page_loads_htmx_and_posts_the_total(voter_client, knapsack, commune_envelope):
    page = page_of(voter_client.get(url("vote", knapsack)))
    assert "vendor/htmx/htmx.min.js" in page
    assert f'hx-post="{url("vote_total", knapsack)}"' in page


def test_running_total_greys_out_what_no_longer_fits(voter_client, knapsack, commune_envelope):
    data = {"envelope": commune_envelope.pk, f"e{commune_envelope.pk}-projects": ["4", "2"]}
    response = voter_client.post(url("vote_total", knapsack), data)
    page = page_of(response)
    assert response.status_code == 200
    assert "<html" not in page  # a fragment
    total = "Projets choisis : 8 000 000 FCFA sur 10 000 000 FCFA (reste 2 000 000 FCFA)"
    assert total.replace(" 000", "\u202f000") in page
    assert 'value="4" checked' in page and 'value="2" checked' in page
    assert 'value="3" disabled' in page  # 4 million no longer fits in 2
    assert 'value="1" disabled' not in page  # 2 million still fits
    assert not Ballot.objects.exists()


def test_running_total_needs_a_signed_in_voter_and_an_open_envelope(
    client, voter_client, knapsack, commune_envelope, citizen
):
    data = {"envelope": commune_envelope.pk}
    assert voter_client.get(url("vote_total", knapsack)).status_code == 405
    ballot_cast(envelope=commune_envelope, voter=voter_from_phone(VOTER_PHONE, channel="sms"), numbers=[1])
    assert voter_client.post(url("vote_total", knapsack), data).status_code == 404
    voter_client.logout()
    assert client.post(url("vote_total", knapsack), data).status_code == 404


def test_cumulative_points(voter_client, cycle, commune_envelope):
    set_cycle(cycle, ballot_kind=BallotKind.CUMULATIVE, points_per_voter=10, max_projects=None)
    prefix = f"e{commune_envelope.pk}"
    page = page_of(voter_client.get(url("vote", cycle)))
    assert f'name="{prefix}-points_1"' in page
    response = voter_client.post(
        url("vote", cycle),
        {"envelope": commune_envelope.pk, f"{prefix}-points_1": "6", f"{prefix}-points_2": "5"},
    )
    assert response.status_code == 400
    assert "Vous avez 10 points à répartir ; vous en avez donné 11." in page_of(response)
    assert 'value="6"' in page_of(response)
    voter_client.post(
        url("vote", cycle),
        {
            "envelope": commune_envelope.pk,
            f"{prefix}-points_1": "6",
            f"{prefix}-points_3": "4",
            f"{prefix}-points_2": "0",
        },
    )
    ballot = Ballot.objects.get()
    assert (ballot.proposal_numbers, ballot.points) == ([1, 3], [6, 4])


def test_negative_points_are_refused_next_to_the_project(voter_client, cycle, commune_envelope):
    set_cycle(cycle, ballot_kind=BallotKind.CUMULATIVE, points_per_voter=10, max_projects=None)
    response = voter_client.post(
        url("vote", cycle), {"envelope": commune_envelope.pk, f"e{commune_envelope.pk}-points_1": "-2"}
    )
    assert response.status_code == 400
    assert "supérieure ou égale à 0" in page_of(response)


# --- age and arrondissement -------------------------------------------------------------------------------


@pytest.fixture
def ageless_client(client, envelopes, passagon):
    client.force_login(UserFactory(phone=OTHER_PHONE, arrondissement=passagon))
    return client


def test_unknown_age_asks_for_a_declaration(ageless_client, cycle, commune_envelope):
    set_cycle(cycle, minimum_age=18)
    page = page_of(ageless_client.get(url("vote", cycle)))
    assert "J'ai au moins 18 ans" in page
    response = cast(ageless_client, cycle, commune_envelope, [1])
    assert response.status_code == 400
    assert "Il faut avoir au moins 18 ans pour voter : confirmez votre âge." in page_of(response)
    assert 'value="1" checked' in page_of(response)
    assert cast(ageless_client, cycle, commune_envelope, [1], old_enough="on").status_code == 302
    assert Ballot.objects.count() == 1


def test_known_age_asks_nothing_and_too_young_gets_no_ballot(voter_client, client, cycle, commune_envelope):
    set_cycle(cycle, minimum_age=18)
    assert "J'ai au moins" not in page_of(voter_client.get(url("vote", cycle)))
    voter_client.logout()
    young = UserFactory(phone="+2290190000001", birth_year=cycle.voting_on.year - 15)
    client.force_login(young)
    page = page_of(client.get(url("vote", cycle)))
    assert "Il faut avoir au moins 18 ans pour voter." in page
    assert 'name="envelope"' not in page
    response = cast(client, cycle, commune_envelope, [1], old_enough="on")
    assert response.status_code == 400 and not Ballot.objects.exists()


@pytest.fixture
def undeclared_client(client, envelopes, toffo):
    # an arrondissement of another commune counts as none here
    client.force_login(UserFactory(phone=OTHER_PHONE, arrondissement=ArrondissementFactory(commune=toffo)))
    return client


def test_voter_without_arrondissement_chooses_one_for_this_vote(undeclared_client, cycle, passagon, saclo):
    page = page_of(undeclared_client.get(url("vote", cycle)))
    assert "Votre arrondissement" in page and "Palabre ne peut pas vérifier où vous habitez" in page
    assert 'name="envelope"' not in page
    page = page_of(undeclared_client.get(url("vote", cycle), {"arrondissement": passagon.pk}))
    passagon_envelope = Envelope.objects.get(arrondissement=passagon)
    assert f'name="envelope" value="{passagon_envelope.pk}"' in page
    assert f'name="arrondissement" value="{passagon.pk}"' in page
    assert (
        cast(undeclared_client, cycle, passagon_envelope, [11], arrondissement=passagon.pk).status_code == 302
    )
    record = VoterRecord.objects.get()
    assert record.arrondissement_id == passagon.pk


def test_choosing_another_arrondissement_after_voting_is_refused(undeclared_client, cycle, passagon, saclo):
    saclo_envelope = EnvelopeFactory(cycle=cycle, arrondissement=saclo)
    ProposalFactory(envelope=saclo_envelope, number=21)
    passagon_envelope = Envelope.objects.get(arrondissement=passagon)
    cast(undeclared_client, cycle, passagon_envelope, [11], arrondissement=passagon.pk)
    response = cast(undeclared_client, cycle, saclo_envelope, [21], arrondissement=saclo.pk)
    assert response.status_code == 400
    assert "déjà voté pour les projets d'un autre arrondissement" in page_of(response)
    assert Ballot.objects.count() == 1


def test_no_arrondissement_question_without_arrondissement_envelopes(
    undeclared_client, cycle, passagon_envelope
):
    passagon_envelope.proposals.all().delete()
    passagon_envelope.delete()
    page = page_of(undeclared_client.get(url("vote", cycle)))
    assert "Votre arrondissement" not in page
    assert 'name="envelope"' in page


# --- receipt check ----------------------------------------------------------------------------------------


@pytest.fixture
def receipt(commune_envelope, voter):
    return ballot_cast(envelope=commune_envelope, voter=voter, numbers=[2])


def test_receipt_check_finds_a_counted_ballot_without_its_content(client, cycle, receipt):
    response = client.get(url("receipt_check", cycle), {"code": format_receipt(receipt.code).lower()})
    page = page_of(response)
    assert response.status_code == 200
    assert "Votre bulletin est compté dans l'enveloppe « Toute la commune »" in page
    assert "Projet commune 2" not in page and "jamais ce qu'il contient" in page


def test_receipt_check_empty_form(client, cycle):
    response = client.get(url("receipt_check", cycle))
    assert response.status_code == 200 and "Code du reçu" in page_of(response)


@pytest.mark.parametrize("code", ["ACDE-FHJK", "ABC"])
def test_receipt_check_wrong_code(client, cycle, receipt, code):
    response = client.get(url("receipt_check", cycle), {"code": code})
    assert response.status_code == 400
    assert "Votre bulletin est compté" not in page_of(response)


def test_receipt_of_another_cycle_is_not_found(client, bohicon, receipt):
    other = CycleFactory(commune=bohicon)
    response = client.get(url("receipt_check", other), {"code": receipt.code})
    assert response.status_code == 400
    assert "Aucun bulletin de ce budget ne porte ce code" in page_of(response)


def test_receipt_guessing_is_limited_per_address(client, cycle, receipt):
    for _ in range(MAX_FAILURES):
        client.get(url("receipt_check", cycle), {"code": "ACDEFHJK"})
    response = client.get(url("receipt_check", cycle), {"code": receipt.code})
    assert response.status_code == 400
    assert "Trop de codes inconnus ont été essayés" in page_of(response)
    other_address = client.get(url("receipt_check", cycle), {"code": receipt.code}, REMOTE_ADDR="10.9.9.9")
    assert other_address.status_code == 200
