"""services/voters.py: who votes (the phone and its declared traits), their age, their envelopes."""

import datetime

import pytest

from palabre.accounts.tests.factories import UserFactory
from palabre.budgeting.services.voters import (
    Voter,
    age_eligibility,
    arrondissement_in,
    envelopes_for,
    may_vote_in,
    voter_from_phone,
    voter_from_user,
    voter_key,
)
from palabre.budgeting.tests.factories import EnvelopeFactory
from palabre.channels.ussd.sessions import caller_profile_set
from palabre.core.choices import Channel
from palabre.territory.tests.factories import ArrondissementFactory

from .conftest import OTHER_PHONE, VOTER_PHONE


def test_voter_key_is_a_keyed_hash_of_the_number():
    key = voter_key(VOTER_PHONE)
    assert len(key) == 64 and VOTER_PHONE[1:] not in key
    assert key == voter_key(VOTER_PHONE) != voter_key(OTHER_PHONE)
    assert Voter(phone=VOTER_PHONE, channel=Channel.SMS).key == key


def test_voter_key_depends_on_the_server_secret(settings):
    key = voter_key(VOTER_PHONE)
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    assert voter_key(VOTER_PHONE) != key


def test_voter_from_user_reads_the_profile(citizen, passagon):
    voter = voter_from_user(citizen, channel=Channel.WEB, today=datetime.date(2026, 3, 1))
    assert voter == Voter(
        phone=VOTER_PHONE,
        channel="web",
        gender="f",
        age_band="36-49",
        age=36,
        arrondissement_id=passagon.pk,
    )


def test_voter_from_user_without_profile(db):
    user = UserFactory(phone=OTHER_PHONE)
    voter = voter_from_user(user, channel=Channel.WEB)
    assert (voter.phone, voter.gender, voter.age_band, voter.age, voter.arrondissement_id) == (
        OTHER_PHONE,
        "",
        "",
        None,
        None,
    )


def test_voter_from_phone_uses_the_declared_traits(passagon, saclo):
    assert voter_from_phone(VOTER_PHONE, channel=Channel.USSD) == Voter(phone=VOTER_PHONE, channel="ussd")
    caller_profile_set(phone=VOTER_PHONE, trait="gender", value="m")
    caller_profile_set(phone=VOTER_PHONE, trait="age_band", value="50-64")
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=passagon)
    voter = voter_from_phone(VOTER_PHONE, channel=Channel.SMS)
    assert (voter.gender, voter.age_band, voter.arrondissement_id) == ("m", "50-64", passagon.pk)
    # the arrondissement the channel asked for wins (a paper batch's polling point, a USSD choice)
    assert voter_from_phone(VOTER_PHONE, channel="paper", arrondissement_id=saclo.pk).arrondissement_id == (
        saclo.pk
    )


def test_arrondissement_in_keeps_only_the_communes_own(passagon, toffo):
    elsewhere = ArrondissementFactory(commune=toffo)
    assert arrondissement_in(passagon.commune_id, passagon.pk) == passagon.pk
    assert arrondissement_in(passagon.commune_id, elsewhere.pk) is None
    assert arrondissement_in(passagon.commune_id, None) is None


@pytest.fixture
def cycle_21(cycle):
    cycle.minimum_age = 21
    return cycle


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"age": 21}, True),
        ({"age": 20}, False),
        ({"age_band": "25-35"}, True),
        ({"age_band": "65+"}, True),
        ({"age_band": "u18"}, False),
        ({"age_band": "18-24"}, None),
        ({}, None),
        ({"declared_minimum_age": True}, True),
        ({"age": 16, "declared_minimum_age": True}, True),
    ],
)
def test_age_eligibility(cycle_21, fields, expected):
    assert age_eligibility(cycle_21, Voter(phone=VOTER_PHONE, channel="ussd", **fields)) is expected


def test_no_minimum_age_lets_everyone_vote(cycle):
    assert age_eligibility(cycle, Voter(phone=VOTER_PHONE, channel="ussd", age=12)) is True


def test_envelopes_for_a_resident(cycle, commune_envelope, passagon_envelope, passagon, saclo):
    saclo_envelope = EnvelopeFactory(cycle=cycle, arrondissement=saclo)
    assert envelopes_for(cycle, passagon.pk) == [commune_envelope, passagon_envelope]
    assert envelopes_for(cycle, saclo.pk) == [commune_envelope, saclo_envelope]
    assert envelopes_for(cycle, None) == [commune_envelope]
    voter = Voter(phone=VOTER_PHONE, channel="web", arrondissement_id=saclo.pk)
    assert may_vote_in(commune_envelope, voter) and may_vote_in(saclo_envelope, voter)
    assert not may_vote_in(passagon_envelope, voter)
