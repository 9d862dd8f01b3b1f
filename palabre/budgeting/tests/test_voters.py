"""services/voters.py: who votes (the phone and its declared traits), their age, their envelopes."""

import datetime

import pytest

from palabre.accounts.tests.factories import UserFactory
from palabre.budgeting.services.voters import (
    Residence,
    Voter,
    age_eligibility,
    age_stated,
    arrondissement_in,
    envelopes_for,
    may_vote_in,
    residence_declare,
    residence_for,
    residence_of,
    voter_for_phone,
    voter_for_user,
    voter_from_phone,
    voter_from_user,
    voter_key,
    voter_on_register,
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
        # the voter's word counts only when the age is unknown; an officer's check always counts
        ({"age": 16, "declared_minimum_age": True}, False),
        ({"age_band": "u18", "declared_minimum_age": True}, False),
        ({"age_band": "18-24", "declared_minimum_age": True}, True),
        ({"age": 16, "age_checked": True}, True),
        ({"age_band": "u18", "age_checked": True}, True),
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


# One residence and age rule for every channel -------------------------------------------------------------
def test_residence_of_reads_the_phone_profile_then_the_account(bohicon, passagon, saclo, toffo):
    assert residence_of(VOTER_PHONE, commune_id=bohicon.pk) is None
    UserFactory(phone=VOTER_PHONE, arrondissement=saclo)
    assert residence_of(VOTER_PHONE, commune_id=bohicon.pk) == saclo.pk
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=passagon)
    assert residence_of(VOTER_PHONE, commune_id=bohicon.pk) == passagon.pk  # the phone's word wins
    assert residence_of(VOTER_PHONE, commune_id=toffo.pk) is None  # another commune's: none here


def test_a_profile_of_another_commune_falls_back_to_the_account(bohicon, saclo, toffo):
    UserFactory(phone=VOTER_PHONE, arrondissement=saclo)
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=ArrondissementFactory(commune=toffo))
    assert residence_of(VOTER_PHONE, commune_id=bohicon.pk) == saclo.pk


def test_a_declared_residence_wins_over_a_name_given_for_the_vote(bohicon, passagon, saclo):
    assert residence_for(VOTER_PHONE, commune_id=bohicon.pk) == Residence(None)
    named = residence_for(VOTER_PHONE, commune_id=bohicon.pk, named=saclo)
    assert named == Residence(saclo.pk, named=saclo) and not named.is_known
    residence_declare(phone=VOTER_PHONE, arrondissement=passagon)
    known = residence_for(VOTER_PHONE, commune_id=bohicon.pk, named=saclo)
    assert known == Residence(passagon.pk) and known.is_known


def test_a_name_of_another_communes_arrondissement_is_not_taken(bohicon, toffo):
    elsewhere = ArrondissementFactory(commune=toffo)
    assert residence_for(VOTER_PHONE, commune_id=bohicon.pk, named=elsewhere) == Residence(None)


def test_every_channel_builds_its_voter_with_the_same_residence(bohicon, passagon, saclo, citizen):
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=saclo)  # the phone said Saclo
    web = voter_for_user(citizen, residence=residence_for(VOTER_PHONE, commune_id=bohicon.pk, named=passagon))
    phone = voter_for_phone(
        VOTER_PHONE, channel=Channel.SMS, residence=residence_for(VOTER_PHONE, commune_id=bohicon.pk)
    )
    assert web.arrondissement_id == phone.arrondissement_id == saclo.pk
    assert (web.channel, web.declared_minimum_age, phone.channel) == ("web", False, "sms")
    assert voter_for_user(citizen, residence=Residence(None), old_enough=True).declared_minimum_age


def test_a_paper_voter_lives_at_the_polling_point_and_had_their_age_checked(
    cycle, commune_envelope, passagon_envelope, passagon, saclo
):
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=saclo)
    caller_profile_set(phone=VOTER_PHONE, trait="age_band", value="u18")
    voter = voter_on_register(VOTER_PHONE, envelope=passagon_envelope)
    assert (voter.channel, voter.arrondissement_id, voter.age_checked) == ("paper", passagon.pk, True)
    assert voter_on_register(VOTER_PHONE, envelope=commune_envelope).arrondissement_id == saclo.pk
    cycle.minimum_age = 18
    assert age_eligibility(cycle, voter) is True


@pytest.mark.parametrize(("written", "stated"), [(None, False), (17, False), (18, True), (30, True)])
def test_an_age_written_counts_when_it_reaches_the_minimum(cycle, written, stated):
    cycle.minimum_age = 18
    assert age_stated(cycle, written) is stated
