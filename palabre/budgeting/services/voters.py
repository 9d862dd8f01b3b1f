"""Who is voting: one verified phone number, its self-declared traits, and the envelopes it may vote in.

The phone is verified by the channel: a one-time code on the web, the mobile network for USSD and SMS,
the polling officer's register for paper ballots. Only a keyed hash of the number (`voter_key`) is stored
with the fact that it voted; the number itself never reaches the budgeting tables.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.crypto import salted_hmac

from palabre.budgeting.models import Cycle, Envelope
from palabre.channels.ussd.sessions import caller_profile
from palabre.core.choices import AgeBand, age_band_for
from palabre.territory.models import Arrondissement

# The youngest and oldest age of each band (None: no upper bound), to compare with a minimum age.
AGE_BAND_RANGES: dict[str, tuple[int, int | None]] = {
    AgeBand.UNDER_18: (0, 17),
    AgeBand.FROM_18_TO_24: (18, 24),
    AgeBand.FROM_25_TO_35: (25, 35),
    AgeBand.FROM_36_TO_49: (36, 49),
    AgeBand.FROM_50_TO_64: (50, 64),
    AgeBand.FROM_65: (65, None),
}


@dataclass(frozen=True)
class Voter:
    """A person about to vote, as the channel knows them. `phone` is E.164."""

    phone: str
    channel: str
    gender: str = ""
    age_band: str = ""
    age: int | None = None
    arrondissement_id: int | None = None
    declared_minimum_age: bool = False

    @property
    def key(self) -> str:
        return voter_key(self.phone)


def voter_key(phone: str) -> str:
    """The keyed hash (server secret) of an E.164 number under which its votes are recorded."""
    return salted_hmac("palabre.budgeting.voter", phone, algorithm="sha256").hexdigest()


def voter_from_user(user, *, channel: str, today: datetime.date | None = None) -> Voter:
    """The voter behind a signed-in account (its phone was verified by a one-time code)."""
    today = today or timezone.localdate()
    return Voter(
        phone=user.phone.as_e164,
        channel=channel,
        gender=user.gender,
        age_band=age_band_for(user.birth_year, on=today),
        age=today.year - user.birth_year if user.birth_year else None,
        arrondissement_id=user.arrondissement_id,
    )


def arrondissement_in(commune_id: int, arrondissement_id: int | None) -> int | None:
    """The arrondissement if it belongs to the commune, else None: a resident who declared an
    arrondissement of another commune has no arrondissement here."""
    if arrondissement_id is None:
        return None
    in_commune = Arrondissement.objects.filter(pk=arrondissement_id, commune_id=commune_id).exists()
    return arrondissement_id if in_commune else None


def voter_from_phone(phone: str, *, channel: str, arrondissement_id: int | None = None) -> Voter:
    """The voter behind a phone (USSD, SMS): the traits it declared by phone, if any."""
    profile = caller_profile(phone)
    if profile is None:
        return Voter(phone=phone, channel=channel, arrondissement_id=arrondissement_id)
    return Voter(
        phone=phone,
        channel=channel,
        gender=profile.gender,
        age_band=profile.age_band,
        arrondissement_id=arrondissement_id or profile.arrondissement_id,
    )


def age_eligibility(cycle: Cycle, voter: Voter) -> bool | None:
    """True if the voter is old enough to vote, False if too young, None if we must ask them."""
    minimum = cycle.minimum_age
    if minimum is None or voter.declared_minimum_age:
        return True
    if voter.age is not None:
        return voter.age >= minimum
    if voter.age_band in AGE_BAND_RANGES:
        youngest, oldest = AGE_BAND_RANGES[voter.age_band]
        if youngest >= minimum:
            return True
        if oldest is not None and oldest < minimum:
            return False
    return None


def envelopes_for(cycle: Cycle, arrondissement_id: int | None) -> list[Envelope]:
    """The envelopes a resident of this arrondissement votes in: the commune-wide one (if the cycle has
    one) and their arrondissement's (if it has one), in that order on every database. Without a declared
    arrondissement: commune-wide only."""
    envelopes = cycle.envelopes.select_related("arrondissement").order_by("arrondissement__name")
    mine = [
        envelope
        for envelope in envelopes
        if envelope.arrondissement_id is None or envelope.arrondissement_id == arrondissement_id
    ]
    return sorted(mine, key=lambda envelope: envelope.arrondissement_id is not None)


def may_vote_in(envelope: Envelope, voter: Voter) -> bool:
    return envelope.arrondissement_id is None or envelope.arrondissement_id == voter.arrondissement_id
