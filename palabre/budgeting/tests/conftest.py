"""Fixtures shared by the budgeting tests (Bohicon, Toffo, Passagon and Saclo come from the shared places,
palabre/territory/tests/fixtures.py): a cycle in its voting phase with a commune-wide
envelope and one arrondissement's envelope, projects on both ballots, staff and voters."""

import pytest

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from palabre.budgeting.services.voters import Voter
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.choices import Channel

VOTER_PHONE = "+2290197112233"
OTHER_PHONE = "+2290196445566"


@pytest.fixture
def cycle(bohicon):
    """Bohicon's cycle, today in its voting phase: approval ballots of at most 3 projects."""
    return CycleFactory(commune=bohicon, title="Budget participatif 2026", max_projects=3)


@pytest.fixture
def commune_envelope(cycle):
    """10 million FCFA for the whole commune, projects 1 to 4 (2, 3, 4 and 5 million)."""
    envelope = EnvelopeFactory(cycle=cycle, amount=10_000_000)
    for number, cost in enumerate((2_000_000, 3_000_000, 4_000_000, 5_000_000), start=1):
        ProposalFactory(
            envelope=envelope, number=number, title=f"Projet commune {number}", estimated_cost=cost
        )
    return envelope


@pytest.fixture
def passagon_envelope(cycle, passagon):
    """3 million FCFA for Passagon, projects 11 and 12 (1 and 2.5 million)."""
    envelope = EnvelopeFactory(cycle=cycle, arrondissement=passagon, amount=3_000_000)
    ProposalFactory(envelope=envelope, number=11, title="Puits de Passagon", estimated_cost=1_000_000)
    ProposalFactory(envelope=envelope, number=12, title="Latrines de Passagon", estimated_cost=2_500_000)
    return envelope


@pytest.fixture
def voter(passagon):
    """A USSD caller living in Passagon."""
    return Voter(
        phone=VOTER_PHONE, channel=Channel.USSD, gender="f", age_band="25-35", arrondissement_id=passagon.pk
    )


@pytest.fixture
def citizen(passagon):
    """A signed-up resident of Passagon (web voter)."""
    return UserFactory(phone=VOTER_PHONE, gender="f", birth_year=1990, arrondissement=passagon)


@pytest.fixture
def planner(bohicon):
    """Bohicon's planning officer (password and TOTP device ready)."""
    membership = MembershipFactory(commune=bohicon, role="planning_officer")
    TOTPDeviceFactory(user=membership.user)
    return membership.user


@pytest.fixture
def planner_client(client, planner):
    """A client signed in as Bohicon's planning officer with their second factor."""
    return sign_in_verified(client, planner)
