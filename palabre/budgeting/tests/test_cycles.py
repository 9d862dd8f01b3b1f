"""Cycle services (create, update, what voting freezes, publish, envelopes) and cycle queries (the voting
rule in plain words)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from palabre.budgeting.models import BallotKind, Cycle, Envelope
from palabre.budgeting.phases import IDEAS, REVIEW, VOTING
from palabre.budgeting.queries.cycles import (
    ballot_rule_text,
    cycle_envelopes,
    cycles_by_phase,
    idea_counts,
    money,
    office_cycles,
    phase_label,
    public_cycles,
    tally_rule_label,
)
from palabre.budgeting.services.cycles import (
    cycle_create,
    cycle_publish,
    cycle_update,
    envelope_remove,
    envelope_set,
)
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.models import AuditEvent
from palabre.territory.tests.factories import ArrondissementFactory

DAY = datetime.timedelta(days=1)


def settings_for(phase=IDEAS, **overrides):
    return {
        "title": "Budget participatif 2027",
        "year": 2027,
        **phase_dates(phase),
        "ballot_kind": BallotKind.APPROVAL,
        "max_projects": 3,
        "tally_rule": "mes-complete",
        **overrides,
    }


def errors_of(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


# --- cycle_create --------------------------------------------------------------------------------------


def test_create_keeps_settings_unpublished_and_audits(bohicon, planner):
    cycle = cycle_create(commune=bohicon, **settings_for(), description="  Pour 2027.  ", by=planner)
    cycle.refresh_from_db()
    assert (cycle.commune, cycle.title, cycle.max_projects, cycle.description) == (
        bohicon,
        "Budget participatif 2027",
        3,
        "Pour 2027.",
    )
    assert not cycle.is_published
    event = AuditEvent.objects.get(action="budgeting.cycle_created")
    assert (event.actor_id, event.commune_id, event.target_id) == (planner.pk, bohicon.pk, str(cycle.pk))
    assert event.data == {"year": 2027, "ballot_kind": "approval", "tally_rule": "mes-complete"}


@pytest.mark.parametrize(
    ("field", "shift", "message"),
    [
        ("ideas_on", -15, "Cette étape ne peut pas commencer avant l'étape « Information »."),
        ("review_on", -15, "Cette étape ne peut pas commencer avant l'étape « Dépôt des idées »."),
        ("voting_on", -15, "Cette étape ne peut pas commencer avant l'étape « Examen technique »."),
        ("results_on", -10, "Les résultats viennent au moins un jour après le début du vote."),
        ("follow_up_on", -15, "Cette étape ne peut pas commencer avant l'étape « Résultats »."),
    ],
)
def test_create_refuses_phases_out_of_order(bohicon, planner, field, shift, message):
    values = settings_for()
    values[field] = values[field] + shift * DAY
    assert errors_of(cycle_create, commune=bohicon, **values, by=planner) == {field: [message]}
    assert not Cycle.objects.exists()


def test_create_allows_phases_on_the_same_day_except_results(bohicon, planner):
    values = settings_for()
    values["ideas_on"] = values["review_on"] = values["information_on"]
    cycle_create(commune=bohicon, **values, by=planner)


def test_create_requires_every_date(bohicon, planner):
    values = settings_for(voting_on=None)
    assert errors_of(cycle_create, commune=bohicon, **values, by=planner) == {
        "voting_on": ["Indiquez la date de début de cette étape."]
    }


def test_create_names_every_faulty_field_at_once(bohicon, planner):
    values = settings_for(title="  ", year=1999, max_projects=None, minimum_age=5)
    assert errors_of(cycle_create, commune=bohicon, **values, by=planner) == {
        "title": ["Donnez un titre à ce budget."],
        "year": ["Indiquez l'année du budget (par exemple 2026)."],
        "minimum_age": ["L'âge minimum doit être compris entre 10 et 99 ans, ou laissé vide."],
        "max_projects": ["Indiquez combien de projets chaque votant peut choisir au plus."],
    }


def test_approval_clears_points(bohicon, planner):
    cycle = cycle_create(commune=bohicon, **settings_for(points_per_voter=10), by=planner)
    assert cycle.points_per_voter is None


def test_knapsack_max_projects_is_optional(bohicon, planner):
    values = settings_for(ballot_kind=BallotKind.KNAPSACK, max_projects=None, tally_rule="greedy")
    assert cycle_create(commune=bohicon, **values, by=planner).max_projects is None
    values["max_projects"] = 0
    assert errors_of(cycle_create, commune=bohicon, **values, by=planner) == {
        "max_projects": ["Le nombre de projets doit être d'au moins 1."]
    }


def test_cumulative_needs_points_and_a_rule_that_counts_points(bohicon, planner):
    values = settings_for(ballot_kind=BallotKind.CUMULATIVE, points_per_voter=None)
    assert errors_of(cycle_create, commune=bohicon, **values, by=planner) == {
        "points_per_voter": ["Indiquez combien de points chaque votant répartit (au moins 2)."],
        "tally_rule": ["Avec des points à répartir, choisissez une règle qui compte les points."],
    }
    cycle = cycle_create(
        commune=bohicon, **{**values, "points_per_voter": 10, "tally_rule": "greedy"}, by=planner
    )
    assert (cycle.points_per_voter, cycle.max_projects) == (10, None)


def test_unknown_kind_and_rule_refused(bohicon, planner):
    assert errors_of(cycle_create, commune=bohicon, **settings_for(ballot_kind="ranked"), by=planner) == {
        "ballot_kind": ["Choisissez un mode de vote."]
    }
    assert errors_of(cycle_create, commune=bohicon, **settings_for(tally_rule="borda"), by=planner) == {
        "tally_rule": ["Choisissez une règle de calcul des résultats."]
    }


# --- cycle_update and what voting freezes --------------------------------------------------------------


def test_update_changes_fields_and_audits_what_changed(bohicon, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    new_voting = cycle.voting_on + 2 * DAY
    cycle_update(cycle=cycle, title="Budget 2026", voting_on=new_voting, minimum_age=15, by=planner)
    cycle.refresh_from_db()
    assert (cycle.title, cycle.voting_on, cycle.minimum_age) == ("Budget 2026", new_voting, 15)
    event = AuditEvent.objects.get(action="budgeting.cycle_updated")
    assert event.data == {"title": "Budget 2026", "voting_on": new_voting.isoformat(), "minimum_age": 15}


def test_update_without_change_records_nothing(bohicon, planner):
    cycle = CycleFactory(commune=bohicon)
    cycle_update(cycle=cycle, title=cycle.title, by=planner)
    assert not AuditEvent.objects.filter(action="budgeting.cycle_updated").exists()


def test_update_refuses_unknown_fields(bohicon, planner):
    with pytest.raises(TypeError):
        cycle_update(cycle=CycleFactory(commune=bohicon), commune=bohicon, by=planner)


def test_update_checks_order_against_unchanged_dates(bohicon, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(IDEAS))
    errors = errors_of(cycle_update, cycle=cycle, review_on=cycle.ideas_on - DAY, by=planner)
    assert list(errors) == ["review_on"]


@pytest.mark.parametrize(
    "change",
    [
        {"ballot_kind": BallotKind.KNAPSACK},
        {"max_projects": 5},
        {"tally_rule": "greedy"},
        {"minimum_age": 18},
    ],
)
def test_voting_settings_frozen_once_voting_began(bohicon, planner, change):
    cycle = CycleFactory(commune=bohicon)  # voting today
    field = next(iter(change))
    assert errors_of(cycle_update, cycle=cycle, **change, by=planner) == {
        field: ["Le vote a commencé : ce réglage ne peut plus changer."]
    }


def test_passed_dates_frozen_once_voting_began(bohicon, planner):
    cycle = CycleFactory(commune=bohicon)
    assert errors_of(cycle_update, cycle=cycle, ideas_on=cycle.ideas_on + DAY, by=planner) == {
        "ideas_on": ["Cette étape a déjà commencé : sa date ne peut plus changer."]
    }


def test_voting_may_be_extended_but_not_closed_in_the_past(bohicon, planner):
    cycle = CycleFactory(commune=bohicon)
    today = timezone.localdate()
    assert errors_of(cycle_update, cycle=cycle, results_on=today - DAY, by=planner) == {
        "results_on": ["Cette date est passée : choisissez aujourd'hui ou plus tard."]
    }
    cycle_update(cycle=cycle, results_on=cycle.results_on + 3 * DAY, title="Prolongé", by=planner)
    cycle.refresh_from_db()
    assert cycle.title == "Prolongé"


def test_before_voting_everything_may_change(bohicon, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    cycle_update(
        cycle=cycle,
        ballot_kind=BallotKind.CUMULATIVE,
        points_per_voter=10,
        tally_rule="greedy-cost",
        ideas_on=cycle.ideas_on - DAY,
        by=planner,
    )
    cycle.refresh_from_db()
    assert (cycle.ballot_kind, cycle.max_projects, cycle.points_per_voter) == ("cumulative", None, 10)


# --- publish --------------------------------------------------------------------------------------------


def test_publish_needs_an_envelope(bohicon, planner):
    cycle = CycleFactory(commune=bohicon, is_published=False, **phase_dates(IDEAS))
    with pytest.raises(ValidationError) as refused:
        cycle_publish(cycle=cycle, by=planner)
    assert refused.value.messages == ["Ajoutez au moins une enveloppe avant de publier ce budget."]
    EnvelopeFactory(cycle=cycle)
    cycle_publish(cycle=cycle, by=planner)
    cycle_publish(cycle=cycle, by=planner)
    cycle.refresh_from_db()
    assert cycle.is_published
    assert AuditEvent.objects.filter(action="budgeting.cycle_published").count() == 1


# --- envelopes ------------------------------------------------------------------------------------------


def test_envelope_set_creates_then_changes_and_audits(bohicon, passagon, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    commune_wide = envelope_set(cycle=cycle, amount=10_000_000, by=planner)
    local = envelope_set(cycle=cycle, arrondissement=passagon, amount=3_000_000, by=planner)
    again = envelope_set(cycle=cycle, arrondissement=passagon, amount=4_000_000, by=planner)
    assert again.pk == local.pk
    assert commune_wide.is_commune_wide
    assert sorted(Envelope.objects.values_list("amount", flat=True)) == [4_000_000, 10_000_000]
    events = AuditEvent.objects.filter(action="budgeting.envelope_set").order_by("id")
    assert [event.data["previous_amount"] for event in events] == [None, None, 3_000_000]
    envelope_set(cycle=cycle, arrondissement=passagon, amount=4_000_000, by=planner)
    assert events.count() == 3


def test_envelope_set_refuses_other_commune_and_bad_amounts(bohicon, toffo, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    elsewhere = ArrondissementFactory(commune=toffo)
    assert errors_of(envelope_set, cycle=cycle, arrondissement=elsewhere, amount=1, by=planner) == {
        "arrondissement": ["Cet arrondissement n'est pas dans la commune."]
    }
    for amount in (0, -5, None):
        assert errors_of(envelope_set, cycle=cycle, amount=amount, by=planner) == {
            "amount": ["Le montant doit être un nombre positif de francs CFA."]
        }
    assert not Envelope.objects.exists()


def test_envelope_remove_before_voting_only_and_not_with_ideas(bohicon, passagon, planner):
    cycle = CycleFactory(commune=bohicon, **phase_dates(REVIEW))
    empty = EnvelopeFactory(cycle=cycle, arrondissement=passagon)
    used = EnvelopeFactory(cycle=cycle)
    ProposalFactory(envelope=used)
    envelope_remove(envelope=empty, by=planner)
    assert AuditEvent.objects.filter(action="budgeting.envelope_removed").count() == 1
    with pytest.raises(ValidationError) as refused:
        envelope_remove(envelope=used, by=planner)
    assert "Des idées sont rattachées" in refused.value.messages[0]
    assert list(Envelope.objects.all()) == [used]


def test_envelope_remove_refused_once_voting_began(commune_envelope, planner):
    with pytest.raises(ValidationError) as refused:
        envelope_remove(envelope=commune_envelope, by=planner)
    assert refused.value.messages == ["Le vote a commencé : les enveloppes ne peuvent plus changer."]


# --- queries ----------------------------------------------------------------------------------------------


def test_money_uses_thin_spaces():
    assert money(10_000_000) == "10\u202f000\u202f000"
    assert money(500) == "500"


def test_ballot_rule_text_for_each_kind(cycle):
    assert ballot_rule_text(cycle) == "Choisissez jusqu'à 3 projets."
    cycle.max_projects = 1
    assert ballot_rule_text(cycle) == "Choisissez 1 projet."
    cycle.ballot_kind, cycle.max_projects = BallotKind.KNAPSACK, None
    envelope = Envelope(cycle=cycle, amount=10_000_000)
    assert ballot_rule_text(cycle, envelope) == (
        "Choisissez des projets dont le coût total ne dépasse pas l'enveloppe de 10\u202f000\u202f000 FCFA."
    )
    assert ballot_rule_text(cycle) == (
        "Choisissez des projets dont le coût total ne dépasse pas le montant de l'enveloppe."
    )
    cycle.max_projects = 4
    assert ballot_rule_text(cycle, envelope).endswith(" Au plus 4 projets.")
    cycle.ballot_kind, cycle.points_per_voter = BallotKind.CUMULATIVE, 10
    assert ballot_rule_text(cycle).startswith("Répartissez 10 points entre les projets que vous soutenez")


def test_tally_rule_label(cycle):
    cycle.tally_rule = "greedy"
    assert tally_rule_label(cycle) == "Les projets les plus soutenus d'abord, tant que l'argent suffit"


def test_phase_labels():
    assert phase_label(VOTING) == "Vote"
    assert phase_label("upcoming") == "À venir"


def test_public_and_office_lists(bohicon, toffo, django_assert_num_queries):
    shown = CycleFactory(commune=bohicon)
    hidden = CycleFactory(commune=bohicon, is_published=False)
    CycleFactory(commune=toffo)
    ProposalFactory(envelope=EnvelopeFactory(cycle=shown))
    assert list(public_cycles(bohicon)) == [shown]
    with django_assert_num_queries(1):
        assert cycles_by_phase(bohicon) == [(shown, VOTING)]
    with django_assert_num_queries(1):
        counts = {cycle: (cycle.idea_count, cycle.envelope_count) for cycle in office_cycles(bohicon)}
    assert counts == {shown: (1, 1), hidden: (0, 0)}


def test_cycle_envelopes_commune_wide_first(cycle, passagon, saclo):
    saclo_envelope = EnvelopeFactory(cycle=cycle, arrondissement=saclo)
    passagon_envelope = EnvelopeFactory(cycle=cycle, arrondissement=passagon)
    commune_wide = EnvelopeFactory(cycle=cycle)
    assert cycle_envelopes(cycle) == [commune_wide, passagon_envelope, saclo_envelope]


def test_idea_counts(commune_envelope):
    cycle = commune_envelope.cycle
    ProposalFactory(envelope=commune_envelope, status="submitted", estimated_cost=None)
    ProposalFactory(envelope=commune_envelope, status="withdrawn")
    assert idea_counts(cycle) == {"received": 5, "on_ballot": 4}
