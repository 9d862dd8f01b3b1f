"""The idea services: submission on every channel (phases, numbers, envelopes, messages, SMS, ledger),
technical review, merge and withdrawal."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from palabre.accounts.tests.factories import UserFactory
from palabre.budgeting.models import Proposal, ProposalStatus
from palabre.budgeting.phases import IDEAS, INFORMATION, RESULTS, REVIEW, UPCOMING, VOTING
from palabre.budgeting.queries.proposals import merge_targets, merged_from, public_ideas, review_queue
from palabre.budgeting.services.proposals import (
    proposal_merge,
    proposal_phones_erase,
    proposal_review,
    proposal_submit,
    proposal_withdraw,
)
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.choices import Channel
from palabre.core.models import AuditEvent, OutboundMessage, ParticipationAct
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory

CALLER = "+2290161001122"
DESCRIPTION = "Un forage pour que les femmes n'aillent plus chercher l'eau au marigot."


@pytest.fixture
def ideas_cycle(bohicon):
    return CycleFactory(commune=bohicon, **phase_dates(IDEAS))


@pytest.fixture
def author(passagon):
    return UserFactory(phone="+2290197000001", language="fr")


def submit(cycle, **overrides):
    values = {"title": "Forage à Passagon", "description": DESCRIPTION, "channel": Channel.WEB}
    return proposal_submit(cycle=cycle, **(values | overrides))


def refused(call, **kwargs):
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value


# --- submission -------------------------------------------------------------------------------------------


def test_submit_numbers_ideas_per_cycle(ideas_cycle, bohicon, author):
    other_cycle = CycleFactory(commune=bohicon, **phase_dates(IDEAS))
    first = submit(ideas_cycle, author=author)
    second = submit(ideas_cycle, author=author)
    elsewhere = submit(other_cycle, author=author)
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.commune == bohicon and first.status == ProposalStatus.SUBMITTED


def test_numbers_are_never_reused_after_withdrawal(ideas_cycle, author):
    first = submit(ideas_cycle, author=author)
    second = submit(ideas_cycle, author=author)
    proposal_withdraw(proposal=second, by=author)
    assert submit(ideas_cycle, author=author).number == 3
    assert first.number == 1


def test_submit_keeps_what_was_given_trimmed(ideas_cycle, passagon, author):
    village = VillageFactory(arrondissement=passagon)
    proposal = submit(
        ideas_cycle,
        title="  Forage à Passagon ",
        description=f"  {DESCRIPTION}  ",
        village=village,
        rough_cost=1_500_000,
        author=author,
        author_name=" Groupement Sèmè ",
    )
    proposal.refresh_from_db()
    assert proposal.title == "Forage à Passagon"
    assert proposal.description == DESCRIPTION
    assert (proposal.arrondissement, proposal.village) == (passagon, village)  # taken from the village
    assert (proposal.rough_cost, proposal.author, proposal.author_name) == (
        1_500_000,
        author,
        "Groupement Sèmè",
    )


def test_envelope_is_the_arrondissement_one_else_commune_wide(ideas_cycle, passagon, saclo, author):
    commune_wide = EnvelopeFactory(cycle=ideas_cycle)
    local = EnvelopeFactory(cycle=ideas_cycle, arrondissement=passagon)
    assert submit(ideas_cycle, arrondissement=passagon).envelope == local
    assert submit(ideas_cycle, arrondissement=saclo).envelope == commune_wide
    assert submit(ideas_cycle).envelope == commune_wide


def test_without_envelopes_the_review_assigns_one(ideas_cycle):
    assert submit(ideas_cycle).envelope is None


def test_submit_records_participation_audit_and_acknowledgement(ideas_cycle, passagon, author):
    author.gender, author.birth_year, author.arrondissement = "f", 1990, passagon
    author.profile_consent_at = author.date_joined
    author.save()
    proposal = submit(ideas_cycle, author=author)
    act = ParticipationAct.objects.get()
    assert (act.module, act.kind, act.channel, act.user_id) == ("budgeting", "idea", "web", author.pk)
    assert (act.gender, act.arrondissement_id) == ("f", passagon.pk)
    event = AuditEvent.objects.get(action="budgeting.proposal_submitted")
    assert event.data == {"cycle": ideas_cycle.pk, "number": 1, "channel": "web"}
    assert event.actor_id is None
    message = OutboundMessage.objects.get()
    assert message.to == "+2290197000001"
    assert message.body == "Merci ! Votre idée n° 1 au budget participatif de Bohicon est enregistrée."
    assert message.idempotency_key == f"budgeting.proposal:{proposal.pk}:submitted"


def test_ussd_caller_without_account_gets_the_sms_and_the_phone_is_kept_only_for_notices(
    ideas_cycle, passagon
):
    proposal = submit(ideas_cycle, channel=Channel.USSD, author_phone=CALLER, arrondissement=passagon)
    assert proposal.author is None
    assert OutboundMessage.objects.get().to == CALLER
    stored = Proposal.objects.filter(pk=proposal.pk).values().get()
    assert [name for name, value in stored.items() if CALLER in str(value)] == ["author_phone"]
    assert proposal_phones_erase(cycle=ideas_cycle) == 1
    proposal.refresh_from_db()
    assert proposal.author_phone == ""
    act = ParticipationAct.objects.get()
    assert (act.channel, act.user_id, act.arrondissement_id) == ("ussd", None, passagon.pk)


def test_sms_caller_with_account_is_linked_as_author(ideas_cycle):
    account = UserFactory(phone=CALLER)
    proposal = submit(ideas_cycle, channel=Channel.SMS, author_phone=CALLER)
    assert proposal.author == account


@pytest.mark.parametrize("phase", [UPCOMING, INFORMATION, REVIEW, VOTING, RESULTS])
def test_web_ussd_sms_only_in_ideas_phase(bohicon, phase):
    cycle = CycleFactory(commune=bohicon, **phase_dates(phase))
    for channel in (Channel.WEB, Channel.USSD, Channel.SMS):
        error = refused(submit, cycle=cycle, channel=channel)
        assert error.messages == ["Le dépôt des idées est fermé pour ce budget."]
    assert not Proposal.objects.exists()


def test_paper_forms_typed_by_staff_in_ideas_and_review_phases(bohicon, planner):
    for phase in (IDEAS, REVIEW):
        cycle = CycleFactory(commune=bohicon, **phase_dates(phase))
        proposal = submit(cycle, channel=Channel.PAPER, author_name="Réunion de Saclo", by=planner)
        assert proposal.channel == "paper"
        assert AuditEvent.objects.filter(target_id=str(proposal.pk)).get().actor_id == planner.pk
    voting = CycleFactory(commune=bohicon, **phase_dates(VOTING))
    error = refused(submit, cycle=voting, channel=Channel.PAPER, by=planner)
    assert error.messages == ["Le dépôt des idées est fermé pour ce budget."]


def test_paper_needs_an_officer(ideas_cycle):
    error = refused(submit, cycle=ideas_cycle, channel=Channel.PAPER)
    assert error.messages == ["Un formulaire papier est saisi par un agent de la mairie."]


def test_unpublished_cycle_or_module_off_refuses_ideas(bohicon):
    hidden = CycleFactory(commune=bohicon, is_published=False, **phase_dates(IDEAS))
    assert refused(submit, cycle=hidden).messages == ["Ce budget participatif n'accepte pas d'idées."]
    bohicon.modules = ["complaints"]
    bohicon.save()
    shown = CycleFactory(commune=bohicon, **phase_dates(IDEAS))
    assert refused(submit, cycle=shown).messages == ["Ce budget participatif n'accepte pas d'idées."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Puit", "Le titre compte de 5 à 120 caractères."),
        ("title", "x" * 121, "Le titre compte de 5 à 120 caractères."),
        (
            "description",
            "Trop court.",
            "Décrivez votre idée en 20 à 3000 caractères : ce qu'il faut faire, où, pour qui.",
        ),
        ("rough_cost", 0, "Le coût estimé doit être un nombre positif de francs CFA."),
        ("author_name", "x" * 121, "Le nom compte au plus 120 caractères."),
        ("author_phone", "0197000001", "Ce numéro de téléphone n'est pas valable."),
        ("channel", "pigeon", "Canal inconnu."),
    ],
)
def test_submit_field_messages(ideas_cycle, field, value, message):
    error = refused(submit, cycle=ideas_cycle, **{field: value})
    assert error.message_dict == {field: [message]}


def test_submit_place_must_be_in_the_commune(ideas_cycle, passagon, saclo, toffo):
    elsewhere = ArrondissementFactory(commune=toffo)
    assert refused(submit, cycle=ideas_cycle, arrondissement=elsewhere).message_dict == {
        "arrondissement": ["Cet arrondissement n'est pas dans la commune."]
    }
    village = VillageFactory(arrondissement=saclo)
    assert refused(submit, cycle=ideas_cycle, arrondissement=passagon, village=village).message_dict == {
        "village": ["Ce village n'est pas dans cet arrondissement."]
    }


def test_submit_checks_the_photo(ideas_cycle):
    not_a_photo = SimpleUploadedFile("idee.jpg", b"not an image", content_type="image/jpeg")
    assert list(refused(submit, cycle=ideas_cycle, photo=not_a_photo).message_dict) == ["photo"]


def test_submit_names_all_faulty_fields_at_once(ideas_cycle):
    error = refused(submit, cycle=ideas_cycle, title="", description="", rough_cost=-1)
    assert set(error.message_dict) == {"title", "description", "rough_cost"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_numbers(bohicon):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL")
    cycle = CycleFactory(commune=bohicon, **phase_dates(IDEAS))
    numbers, errors = [], []

    def worker():
        try:
            numbers.append(submit(cycle, channel=Channel.USSD).number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 13))


# --- review ------------------------------------------------------------------------------------------------


@pytest.fixture
def review_cycle(bohicon):
    return CycleFactory(commune=bohicon, **phase_dates(REVIEW))


@pytest.fixture
def envelope(review_cycle):
    return EnvelopeFactory(cycle=review_cycle, amount=10_000_000)


@pytest.fixture
def idea(envelope, author):
    return ProposalFactory(
        envelope=envelope, status=ProposalStatus.SUBMITTED, estimated_cost=None, author=author, number=7
    )


def test_review_feasible_puts_the_idea_on_the_ballot_and_tells_the_author(idea, envelope, planner):
    proposal_review(
        proposal=idea,
        feasible=True,
        reason="Terrain disponible, forage possible.",
        estimated_cost=4_000_000,
        by=planner,
    )
    idea.refresh_from_db()
    assert (idea.status, idea.estimated_cost, idea.envelope, idea.reviewed_by) == (
        "feasible",
        4_000_000,
        envelope,
        planner,
    )
    assert idea.reviewed_at is not None
    assert list(Proposal.objects.on_ballot()) == [idea]
    event = AuditEvent.objects.get(action="budgeting.proposal_reviewed")
    assert event.data == {"number": 7, "feasible": True, "estimated_cost": 4_000_000, "envelope": envelope.pk}
    message = OutboundMessage.objects.get()
    assert message.to == "+2290197000001"
    assert message.body == "Votre idée n° 7 est retenue pour le vote. Terrain disponible, forage possible."


def test_review_infeasible_needs_no_cost_and_sends_the_reason(idea, planner):
    reason = "Le terrain appartient à un particulier qui refuse de le céder à la commune pour ce projet."
    proposal_review(proposal=idea, feasible=False, reason=reason, by=planner)
    idea.refresh_from_db()
    assert (idea.status, idea.review_reason) == ("infeasible", reason)
    body = OutboundMessage.objects.get().body
    assert body.startswith("Votre idée n° 7 n'est pas retenue : Le terrain appartient")
    assert body.endswith("…") and len(body) < 160


def test_review_again_until_voting_sends_a_new_sms(idea, planner):
    proposal_review(proposal=idea, feasible=False, reason="Pas de terrain disponible.", by=planner)
    proposal_review(
        proposal=idea, feasible=True, reason="Un terrain a été trouvé.", estimated_cost=1_000_000, by=planner
    )
    assert OutboundMessage.objects.count() == 2
    idea.refresh_from_db()
    assert idea.status == "feasible"


def test_review_of_an_idea_without_account_sends_nothing(envelope, planner):
    paper = ProposalFactory(envelope=envelope, status=ProposalStatus.SUBMITTED, author_name="Réunion")
    proposal_review(proposal=paper, feasible=False, reason="Déjà prévu au PAI 2026.", by=planner)
    assert not OutboundMessage.objects.exists()


def test_review_and_merge_reach_an_author_without_account_at_the_phone_kept(envelope, idea, planner):
    caller = ProposalFactory(
        envelope=envelope, status=ProposalStatus.SUBMITTED, author_phone=CALLER, number=8
    )
    proposal_review(proposal=caller, feasible=False, reason="Déjà prévu au PAI 2026.", by=planner)
    assert OutboundMessage.objects.get(kind="budgeting.proposal_reviewed").to == CALLER
    proposal_merge(duplicate=caller, into=idea, by=planner)
    assert OutboundMessage.objects.filter(kind="budgeting.proposal_merged", to=CALLER).exists()


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"feasible": True, "reason": "", "estimated_cost": 1},
            {"reason": ["Expliquez l'avis en une phrase au moins : il est publié avec l'idée."]},
        ),
        (
            {"feasible": True, "reason": "Faisable sans difficulté."},
            {"estimated_cost": ["Un projet réalisable a besoin du coût estimé par les services."]},
        ),
        (
            {"feasible": False, "reason": "Faisable sans difficulté.", "estimated_cost": 0},
            {"estimated_cost": ["Le coût doit être un nombre positif de francs CFA."]},
        ),
        (
            {"feasible": True, "reason": "Faisable sans difficulté.", "estimated_cost": 12_000_000},
            {
                "estimated_cost": [
                    "Ce coût dépasse l'enveloppe (10\u202f000\u202f000 FCFA) : "
                    "le projet ne pourrait pas être financé."
                ]
            },
        ),
    ],
)
def test_review_messages(idea, planner, kwargs, errors):
    assert refused(proposal_review, proposal=idea, by=planner, **kwargs).message_dict == errors
    idea.refresh_from_db()
    assert idea.status == "submitted"


def test_review_envelope_must_be_of_the_cycle_and_is_required_for_feasible(review_cycle, bohicon, planner):
    idea = ProposalFactory(
        envelope=EnvelopeFactory(cycle=review_cycle), status=ProposalStatus.SUBMITTED, estimated_cost=None
    )
    Proposal.objects.filter(pk=idea.pk).update(envelope=None)
    idea.refresh_from_db()
    kwargs = {
        "proposal": idea,
        "feasible": True,
        "reason": "Faisable.  Oui.",
        "estimated_cost": 5,
        "by": planner,
    }
    assert refused(proposal_review, **kwargs).message_dict == {
        "envelope": ["Choisissez l'enveloppe dans laquelle ce projet sera soumis au vote."]
    }
    foreign = EnvelopeFactory(cycle=CycleFactory(commune=bohicon))
    assert refused(proposal_review, **kwargs, envelope=foreign).message_dict == {
        "envelope": ["Choisissez une enveloppe de ce budget."]
    }


@pytest.mark.parametrize("phase", [INFORMATION, VOTING, RESULTS])
def test_review_only_in_ideas_and_review_phases(bohicon, planner, phase):
    cycle = CycleFactory(commune=bohicon, **phase_dates(phase))
    idea = ProposalFactory(envelope=EnvelopeFactory(cycle=cycle), status=ProposalStatus.SUBMITTED)
    error = refused(proposal_review, proposal=idea, feasible=False, reason="Pas possible ici.", by=planner)
    assert error.messages == [
        "Les idées s'examinent pendant le dépôt des idées et l'examen technique, pas après."
    ]


def test_review_during_ideas_phase_is_allowed(ideas_cycle, planner):
    idea = ProposalFactory(envelope=EnvelopeFactory(cycle=ideas_cycle), status=ProposalStatus.SUBMITTED)
    proposal_review(proposal=idea, feasible=False, reason="Hors compétence communale.", by=planner)


def test_merged_or_withdrawn_ideas_cannot_be_reviewed(idea, planner):
    proposal_withdraw(proposal=idea, by=planner)
    error = refused(proposal_review, proposal=idea, feasible=False, reason="Pas possible ici.", by=planner)
    assert error.messages == ["Cette idée est fusionnée ou retirée : elle ne peut plus changer."]


# --- merge -------------------------------------------------------------------------------------------------


def test_merge_notifies_both_authors_and_moves_earlier_merges(idea, envelope, planner):
    other_author = UserFactory(phone="+2290197000002")
    kept = ProposalFactory(envelope=envelope, status=ProposalStatus.SUBMITTED, author=other_author, number=3)
    earlier = ProposalFactory(envelope=envelope, status=ProposalStatus.MERGED, merged_into=idea, number=9)
    proposal_merge(duplicate=idea, into=kept, by=planner)
    idea.refresh_from_db()
    earlier.refresh_from_db()
    assert (idea.status, idea.merged_into, earlier.merged_into) == ("merged", kept, kept)
    assert merged_from(kept) == [idea, earlier]
    bodies = dict(OutboundMessage.objects.values_list("to", "body"))
    assert bodies == {
        "+2290197000001": "Votre idée n° 7 rejoint l'idée n° 3, qui dit la même chose : suivez celle-ci.",
        "+2290197000002": "L'idée n° 7, semblable à la vôtre (n° 3), la rejoint.",
    }
    event = AuditEvent.objects.get(action="budgeting.proposal_merged")
    assert event.data == {"number": 7, "into": 3, "followers": [9]}


def test_merge_refusals(idea, envelope, bohicon, planner):
    assert refused(proposal_merge, duplicate=idea, into=idea, by=planner).message_dict == {
        "into": ["Choisissez une autre idée de ce même budget."]
    }
    foreign = ProposalFactory(
        envelope=EnvelopeFactory(cycle=CycleFactory(commune=bohicon, **phase_dates(REVIEW)))
    )
    assert refused(proposal_merge, duplicate=idea, into=foreign, by=planner).message_dict == {
        "into": ["Choisissez une autre idée de ce même budget."]
    }
    gone = ProposalFactory(envelope=envelope, status=ProposalStatus.WITHDRAWN)
    assert refused(proposal_merge, duplicate=idea, into=gone, by=planner).message_dict == {
        "into": ["Cette idée est elle-même fusionnée ou retirée."]
    }
    assert refused(proposal_merge, duplicate=gone, into=idea, by=planner).messages == [
        "Cette idée est fusionnée ou retirée : elle ne peut plus changer."
    ]


def test_merge_refused_once_voting_opened(commune_envelope, planner):
    first, second = commune_envelope.proposals.order_by("number")[:2]
    error = refused(proposal_merge, duplicate=first, into=second, by=planner)
    assert "pas après" in error.messages[0]


# --- withdraw ----------------------------------------------------------------------------------------------


def test_withdraw_by_author_audited(idea, author):
    proposal_withdraw(proposal=idea, by=author)
    idea.refresh_from_db()
    assert idea.status == "withdrawn"
    event = AuditEvent.objects.get(action="budgeting.proposal_withdrawn")
    assert event.data == {"number": 7, "by_author": True}
    with pytest.raises(ValidationError):
        proposal_withdraw(proposal=idea, by=author)


def test_withdraw_refused_once_voting_opened(commune_envelope, planner):
    with pytest.raises(ValidationError):
        proposal_withdraw(proposal=commune_envelope.proposals.first(), by=planner)


# --- queries -----------------------------------------------------------------------------------------------


def test_public_ideas_filters_and_hides_withdrawn(envelope, passagon, saclo, django_assert_num_queries):
    here = ProposalFactory(envelope=envelope, arrondissement=passagon, status=ProposalStatus.SUBMITTED)
    there = ProposalFactory(envelope=envelope, arrondissement=saclo, status=ProposalStatus.FEASIBLE)
    gone = ProposalFactory(envelope=envelope, arrondissement=saclo, status=ProposalStatus.WITHDRAWN)
    cycle = envelope.cycle
    with django_assert_num_queries(1):
        assert [(idea.number, idea.arrondissement.name) for idea in public_ideas(cycle)] == [
            (here.number, "Passagon"),
            (there.number, "Saclo"),
        ]
    assert list(public_ideas(cycle, arrondissement_id=saclo.pk)) == [there]
    assert list(public_ideas(cycle, status="withdrawn")) == [gone]


def test_review_queue_and_merge_targets(idea, envelope):
    done = ProposalFactory(envelope=envelope, status=ProposalStatus.FEASIBLE)
    merged = ProposalFactory(envelope=envelope, status=ProposalStatus.MERGED)
    assert list(review_queue(envelope.cycle)) == [idea]
    assert set(review_queue(envelope.cycle, status="")) == {idea, done, merged}
    assert list(merge_targets(idea)) == [done]
