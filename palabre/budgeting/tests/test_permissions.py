"""permissions.py: every access helper returns the object, or NotFound on a wrong commune, a wrong role,
a missing id, a cycle not published, a commune without the module (the same error for every channel)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from palabre.accounts.tests.factories import MembershipFactory, UserFactory
from palabre.budgeting.models import PaperBatch
from palabre.budgeting.permissions import (
    access_budgeting_staff,
    access_cycle,
    access_cycle_staff,
    access_envelope,
    access_paper_batch_staff,
    access_proposal,
    access_proposal_staff,
)
from palabre.budgeting.tests.factories import CycleFactory, ProposalFactory
from palabre.core.permissions import NotFound


def verified(user):
    user.is_verified = lambda: True  # what OTPMiddleware adds once the second factor is given
    return user


@pytest.fixture
def manager(bohicon):
    return verified(MembershipFactory(commune=bohicon, role="planning_officer").user)


@pytest.fixture
def hidden(bohicon):
    """A cycle of Bohicon not yet published."""
    return CycleFactory(commune=bohicon, is_published=False)


@pytest.fixture
def batch(cycle, commune_envelope, manager):
    return PaperBatch.objects.create(
        cycle=cycle, envelope=commune_envelope, polling_point="EPP", declared_count=3, first_clerk=manager
    )


ANYONE = [None, AnonymousUser()]


@pytest.mark.parametrize("actor", ANYONE)
def test_public_helpers_serve_anyone(actor, bohicon, cycle, commune_envelope):
    assert access_cycle(actor=actor, commune=bohicon, id=cycle.pk) == cycle
    assert access_envelope(actor=actor, commune=bohicon, id=commune_envelope.pk) == commune_envelope
    assert access_envelope(actor=actor, commune=bohicon, id=commune_envelope.pk, cycle_id=cycle.pk)
    assert access_proposal(actor=actor, commune=bohicon, cycle_id=cycle.pk, number=1).number == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda c: access_cycle(actor=None, commune=c["toffo"], id=c["cycle"].pk),  # wrong commune
        lambda c: access_cycle(actor=None, commune=c["bohicon"], id=c["hidden"].pk),  # not published
        lambda c: access_cycle(actor=None, commune=c["bohicon"], id=999_999),  # missing id
        lambda c: access_envelope(actor=None, commune=c["toffo"], id=c["envelope"].pk),
        lambda c: access_envelope(
            actor=None, commune=c["bohicon"], id=c["envelope"].pk, cycle_id=c["hidden"].pk
        ),
        lambda c: access_envelope(actor=None, commune=c["bohicon"], id=c["hidden_envelope"].pk),
        lambda c: access_envelope(actor=None, commune=c["bohicon"], id=999_999),
        lambda c: access_proposal(actor=None, commune=c["toffo"], cycle_id=c["cycle"].pk, number=1),
        lambda c: access_proposal(actor=None, commune=c["bohicon"], cycle_id=c["cycle"].pk, number=999),
        lambda c: access_proposal(actor=None, commune=c["bohicon"], cycle_id=c["hidden"].pk, number=1),
    ],
)
def test_public_helpers_refuse_every_mismatch(call, bohicon, toffo, cycle, commune_envelope, hidden):
    hidden_envelope = hidden.envelopes.create(amount=1)
    ProposalFactory(envelope=hidden_envelope, number=1)
    places = {"bohicon": bohicon, "toffo": toffo, "cycle": cycle, "hidden": hidden}
    with pytest.raises(NotFound):
        call({**places, "envelope": commune_envelope, "hidden_envelope": hidden_envelope})


def test_a_commune_without_the_module_answers_not_found(bohicon, cycle, manager):
    bohicon.modules = ["complaints"]
    for call in (
        lambda: access_cycle(actor=None, commune=bohicon, id=cycle.pk),
        lambda: access_cycle_staff(actor=manager, commune=bohicon, id=cycle.pk),
    ):
        with pytest.raises(NotFound):
            call()


def test_staff_helpers_serve_a_verified_manager(bohicon, cycle, hidden, commune_envelope, batch, manager):
    assert access_budgeting_staff(actor=manager, commune=bohicon).role == "planning_officer"
    assert access_cycle_staff(actor=manager, commune=bohicon, id=hidden.pk) == hidden  # unpublished too
    assert access_proposal_staff(actor=manager, commune=bohicon, cycle_id=cycle.pk, number=2).number == 2
    assert access_paper_batch_staff(actor=manager, commune=bohicon, cycle_id=cycle.pk, id=batch.pk) == batch


def staff_calls(commune, actor, cycle, batch):
    return [
        lambda: access_budgeting_staff(actor=actor, commune=commune),
        lambda: access_cycle_staff(actor=actor, commune=commune, id=cycle.pk),
        lambda: access_proposal_staff(actor=actor, commune=commune, cycle_id=cycle.pk, number=1),
        lambda: access_paper_batch_staff(actor=actor, commune=commune, cycle_id=cycle.pk, id=batch.pk),
    ]


@pytest.mark.parametrize(
    "who",
    ["nobody", "anonymous", "citizen", "unverified", "inactive", "wrong_role", "other_commune"],
)
def test_staff_helpers_refuse_anyone_else(who, bohicon, toffo, cycle, commune_envelope, batch):
    actor = {
        "nobody": lambda: None,
        "anonymous": AnonymousUser,
        "citizen": lambda: verified(UserFactory()),
        "unverified": lambda: MembershipFactory(commune=bohicon, role="planning_officer").user,
        "inactive": lambda: verified(
            MembershipFactory(
                commune=bohicon, role="planning_officer", user=UserFactory(is_active=False)
            ).user
        ),
        "wrong_role": lambda: verified(MembershipFactory(commune=bohicon, role="complaints_officer").user),
        "other_commune": lambda: verified(MembershipFactory(commune=toffo, role="planning_officer").user),
    }[who]()
    for call in staff_calls(bohicon, actor, cycle, batch):
        with pytest.raises(NotFound):
            call()


def test_staff_helpers_refuse_another_communes_objects_and_missing_ids(
    bohicon, toffo, cycle, commune_envelope, batch, manager
):
    MembershipFactory(commune=toffo, role="planning_officer", user=manager)
    toffo.modules = bohicon.modules
    toffo.save()
    for call in staff_calls(toffo, manager, cycle, batch)[1:]:  # Bohicon's cycle asked for in Toffo
        with pytest.raises(NotFound):
            call()
    for call in (
        lambda: access_cycle_staff(actor=manager, commune=bohicon, id=999_999),
        lambda: access_proposal_staff(actor=manager, commune=bohicon, cycle_id=cycle.pk, number=999),
        lambda: access_paper_batch_staff(actor=manager, commune=bohicon, cycle_id=cycle.pk, id=999_999),
    ):
        with pytest.raises(NotFound):
            call()
