"""The Django side of USSD sessions: their state in the database (sealed, deleted when the session ends or
the resume window passes), resume after a network drop, the caller's commune and language, and the optional
profile declared by phone.

A session's row is locked for the step (`select_for_update`) and saved inside the transaction in which the
inbound framework marks the request processed: a step and its effects (a complaint) commit together.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from palabre.channels.models import CallerProfile, UssdSession
from palabre.channels.phones import phone_set_commune, phone_set_language
from palabre.channels.router import InboundContext
from palabre.channels.ussd.engine import State
from palabre.core.keyed import keyed_hash, phone_key, seal, unseal
from palabre.territory.models import Commune

RESUME_WINDOW = datetime.timedelta(minutes=5)
# What a step may change (the commune and language are set on the first step or by a choice).
SAVED_EACH_STEP = ["sealed_state", "depth", "last_text_length", "last_text_digest", "updated_at", "commune",
                   "language"]  # fmt: skip
SEAL_PURPOSE = "channels.ussd.state"
TEXT_PURPOSE = "channels.ussd.text"


@dataclass(frozen=True)
class UssdContext(InboundContext):
    """The context USSD screen functions receive: the router's context (commune and language of THIS
    session) plus the session itself, for the screens that change them."""

    session: UssdSession | None = field(default=None, compare=False, hash=False)
    language_chosen: bool = False


def session_open(
    *, gateway: str, session_id: str, phone: str, now: datetime.datetime | None = None
) -> tuple[UssdSession, bool]:
    """The session's row (with its commune, read in the same query), locked for this step;
    (session, True) when this is its first step. A first step also deletes every session whose last step
    is older than the resume window (of any phone: none is kept beyond it)."""
    session, is_new = (
        UssdSession.objects.select_for_update(of=("self",))
        .select_related("commune")
        .get_or_create(gateway=gateway, session_id=session_id, defaults={"phone_key": phone_key(phone)})
    )
    if is_new:
        sessions_expire(now=now)
    return session, is_new


def sessions_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the sessions nobody can resume any more (last step older than the resume window)."""
    since = (now or timezone.now()) - RESUME_WINDOW
    deleted, _per_model = UssdSession.objects.filter(updated_at__lt=since).delete()
    return deleted


def session_resumable(
    *, phone: str, exclude: UssdSession, now: datetime.datetime | None = None
) -> UssdSession | None:
    """The same phone's latest session, if its last step was less than 5 minutes ago and it had gone
    past the main menu (else there is nothing worth resuming). Sessions that ended are already deleted."""
    since = (now or timezone.now()) - RESUME_WINDOW
    return (
        UssdSession.objects.select_for_update()
        .filter(phone_key=phone_key(phone), updated_at__gte=since, depth__gte=2)
        .exclude(pk=exclude.pk)
        .order_by("-updated_at")
        .first()
    )


def session_state(session: UssdSession) -> State | None:
    """The session's place in the menus (None on its first step, or if its seal cannot be opened)."""
    value = unseal(session.sealed_state, purpose=SEAL_PURPOSE)
    return State.from_json(value) if value else None


def session_take_over(*, session: UssdSession, previous: UssdSession) -> State | None:
    """Continue `previous` (dropped by the network) in `session`; `previous` is deleted."""
    session.commune_id = previous.commune_id
    session.language = previous.language
    state = session_state(previous)
    previous.delete()
    return state


def session_save(
    *, session: UssdSession, state: State, text: str, now: datetime.datetime | None = None
) -> None:
    """Keep the session's place for its next step, sealed; a session that ended is deleted at once."""
    if state.finished:
        session.delete()
        return
    session.sealed_state = seal(state.to_json(), purpose=SEAL_PURPOSE)
    session.depth = state.depth
    session.last_text_length = len(text)
    session.last_text_digest = keyed_hash(text, purpose=TEXT_PURPOSE)
    session.updated_at = now or timezone.now()
    session.save(update_fields=SAVED_EACH_STEP)


def session_choose_commune(*, session: UssdSession, phone: str, commune: Commune) -> None:
    """The caller picked their commune: used by this session and remembered for the phone."""
    session.commune = commune
    session.save(update_fields=["commune"])
    phone_set_commune(phone=phone, commune=commune)


def session_choose_language(*, session: UssdSession, phone: str, language: str) -> None:
    """The caller picked their language: used by this session and remembered for the phone."""
    session.language = language
    session.save(update_fields=["language"])
    phone_set_language(phone=phone, language=language)


def new_answer(session: UssdSession, text: str) -> str:
    """The answer typed at this step: the gateway sends all answers since the start (`1*2*Pompe`); the
    session knows the previous text only by its length and keyed digest."""
    previous_length = session.last_text_length
    if not previous_length:
        return text
    previous = text[:previous_length]
    follows = text[previous_length : previous_length + 1] == "*"
    if follows and keyed_hash(previous, purpose=TEXT_PURPOSE) == session.last_text_digest:
        return text[previous_length + 1 :]
    return text.rsplit("*", 1)[-1]


def caller_profile(phone: str) -> CallerProfile | None:
    return CallerProfile.objects.select_related("arrondissement").filter(phone_key=phone_key(phone)).first()


def caller_traits(phone: str) -> dict:
    """{"gender", "age_band"} the caller declared (empty strings when not), for the participation ledger."""
    profile = caller_profile(phone)
    if profile is None:
        return {"gender": "", "age_band": ""}
    return {"gender": profile.gender, "age_band": profile.age_band}


TRAITS = ("gender", "age_band", "arrondissement")


def caller_profile_set(*, phone: str, trait: str, value) -> CallerProfile:
    """Declare one trait (`gender`, `age_band`, `arrondissement`), or withdraw it with "" / None."""
    if trait not in TRAITS:
        raise ValueError(f"unknown trait {trait!r}")
    with transaction.atomic():
        profile, _created = CallerProfile.objects.select_for_update().get_or_create(
            phone_key=phone_key(phone)
        )
        setattr(profile, trait, value)
        profile.save()
    return profile


def caller_profile_clear(*, phone: str) -> None:
    """Forget every declared trait of this phone."""
    CallerProfile.objects.filter(phone_key=phone_key(phone)).delete()
