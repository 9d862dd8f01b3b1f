"""Who is voting: one verified phone number, its self-declared traits, and the envelopes it may vote in.

The phone is verified by the channel: a one-time code on the web, the mobile network for USSD and SMS,
the polling officer's register for paper ballots. Only a keyed hash of the number (`voter_key`) is stored
with the fact that it voted; the number itself never reaches the budgeting tables.

One rule for every channel (web, USSD, SMS, paper), written here and nowhere else:

- **Residence** (`residence_for`): the arrondissement the phone declared before wins (its phone profile,
  else the account of that number, only if it is the commune's); else the arrondissement the voter names
  for this vote (the web page's list, the USSD menu, a word of the SMS); else none (commune-wide envelope
  only). A paper ballot's residence is its polling point's envelope (the register). A residence named for
  a vote by phone is kept in the phone profile (`residence_declare`; by SMS only once the vote is counted,
  `ballots_cast`), so that the same phone votes in one arrondissement's envelope whatever the channel.
- **Age** (`age_eligibility`): an age the voter declared before (year of birth, age band) decides when it
  is on one side of the minimum; only when it is unknown does the voter's own word count ("I am old
  enough": a box on the web, a screen on USSD, `18+` in the SMS, `age_stated`); the polling officer's
  check against the register (paper, `age_checked`) always counts.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from palabre.accounts.models import User
from palabre.accounts.queries import user_by_phone
from palabre.budgeting.models import Cycle, Envelope
from palabre.channels.ussd.sessions import caller_profile, caller_profile_set
from palabre.core.choices import AgeBand, Channel, age_band_for
from palabre.core.keyed import keyed_hash
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
    # The voter said they are old enough (counts only when their age is not known otherwise).
    declared_minimum_age: bool = False
    # A polling officer checked the minimum age against the register (paper ballots): always counts.
    age_checked: bool = False

    @property
    def key(self) -> str:
        return voter_key(self.phone)


def voter_key(phone: str) -> str:
    """The keyed hash (server secret) of an E.164 number under which its votes are recorded."""
    return keyed_hash(phone, purpose="budgeting.voter")


def voter_from_user(user: User, *, channel: str, today: datetime.date | None = None) -> Voter:
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
    """True if the voter is old enough to vote, False if too young, None if we must ask them. An age
    known from the voter's declarations decides; their word that they are old enough only counts when it
    is unknown (a declared age band below the minimum is not overridden); an officer's check always does."""
    minimum = cycle.minimum_age
    if minimum is None or voter.age_checked:
        return True
    known = _known_age_eligibility(minimum, voter)
    if known is not None:
        return known
    return True if voter.declared_minimum_age else None


def _known_age_eligibility(minimum: int, voter: Voter) -> bool | None:
    if voter.age is not None:
        return voter.age >= minimum
    if voter.age_band in AGE_BAND_RANGES:
        youngest, oldest = AGE_BAND_RANGES[voter.age_band]
        if youngest >= minimum:
            return True
        if oldest is not None and oldest < minimum:
            return False
    return None


def age_stated(cycle: Cycle, written: int | None) -> bool:
    """Whether an age the voter wrote ("18+" in an SMS) says they reach the cycle's minimum age."""
    return written is not None and written >= (cycle.minimum_age or 0)


# Residence ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Residence:
    """Where a voter votes. `arrondissement_id`: None for the commune-wide envelope only. `named`: the
    arrondissement named for this vote when the phone had declared none (to keep once the vote counts)."""

    arrondissement_id: int | None
    named: Arrondissement | None = None

    @property
    def is_known(self) -> bool:
        """The phone declared its arrondissement before this vote (a name given now is not needed)."""
        return self.arrondissement_id is not None and self.named is None


def residence_of(phone: str, *, commune_id: int, user: User | None = None) -> int | None:
    """The arrondissement of this commune a phone declared before: in its phone profile (by USSD, or when
    it voted by SMS), else on the account of that number (`user` when the caller has it already); None
    when it declared none here."""
    profile = caller_profile(phone)
    in_profile = profile.arrondissement if profile is not None else None
    if in_profile is not None and in_profile.commune_id == commune_id:
        return in_profile.pk
    account = user if user is not None else user_by_phone(phone)
    return arrondissement_in(commune_id, account.arrondissement_id) if account is not None else None


def residence_for(
    phone: str, *, commune_id: int, named: Arrondissement | None = None, user: User | None = None
) -> Residence:
    """The one residence rule (module docstring) for this phone and a name given for this vote."""
    return residence_choose(
        residence_of(phone, commune_id=commune_id, user=user), named, commune_id=commune_id
    )


def residence_choose(known: int | None, named: Arrondissement | None, *, commune_id: int) -> Residence:
    """What the phone declared before (`known`, from residence_of) wins over a name given for this vote; a
    name of another commune's arrondissement is not taken."""
    if known is not None:
        return Residence(known)
    if named is not None and named.commune_id == commune_id:
        return Residence(named.pk, named=named)
    return Residence(None)


def residence_declare(*, phone: str, arrondissement: Arrondissement) -> None:
    """Keep the arrondissement a caller said they live in (their phone profile), so that the same phone
    votes in one arrondissement's envelope whatever the channel (self-declared: a documented limit).
    Not audited: a self-declared trait of a phone, personal data the audit log could never forget."""
    with transaction.atomic():
        _residence_keep(phone, arrondissement)


def _residence_keep(phone: str, arrondissement: Arrondissement) -> None:
    caller_profile_set(phone=phone, trait="arrondissement", value=arrondissement)


# The voter of each channel ---------------------------------------------------------------------------------
def voter_for_user(user: User, *, residence: Residence, old_enough: bool = False) -> Voter:
    """The web voter: a signed-in account, living where `residence_for` says, and `old_enough` when they
    ticked that they reach the minimum age."""
    voter = voter_from_user(user, channel=Channel.WEB)
    return dataclasses.replace(
        voter, arrondissement_id=residence.arrondissement_id, declared_minimum_age=old_enough
    )


def voter_for_phone(phone: str, *, channel: str, residence: Residence, old_enough: bool = False) -> Voter:
    """The USSD or SMS voter: the traits the phone declared, the residence decided by `residence_for`, and
    `old_enough` when they confirmed the minimum age (screen, or `age_stated`)."""
    voter = voter_from_phone(phone, channel=channel, arrondissement_id=residence.arrondissement_id)
    return dataclasses.replace(
        voter, arrondissement_id=residence.arrondissement_id, declared_minimum_age=old_enough
    )


def voter_on_register(phone: str, *, envelope: Envelope) -> Voter:
    """The voter of a paper ballot: the phone the polling officer wrote from the register, living in the
    polling point's arrondissement (the envelope's; for the commune-wide one, what the phone declared), its
    minimum age checked by the officer."""
    commune_id = envelope.cycle.commune_id
    arrondissement = envelope.arrondissement_id or residence_of(phone, commune_id=commune_id)
    voter = voter_from_phone(phone, channel=Channel.PAPER, arrondissement_id=arrondissement)
    return dataclasses.replace(voter, arrondissement_id=arrondissement, age_checked=True)


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
