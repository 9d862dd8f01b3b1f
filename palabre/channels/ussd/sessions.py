"""The Django side of USSD sessions: their state in the database, resume after a network drop, the caller's
commune and language, and the optional profile declared by phone.

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
from palabre.territory.models import Commune

RESUME_WINDOW = datetime.timedelta(minutes=5)
# What a step may change (the commune and language are set on the first step or by a choice).
SAVED_EACH_STEP = ["state", "is_finished", "last_text", "updated_at", "commune", "language"]


@dataclass(frozen=True)
class UssdContext(InboundContext):
    """The context USSD screen functions receive: the router's context (commune and language of THIS
    session) plus the session itself, for the screens that change them."""

    session: UssdSession | None = field(default=None, compare=False, hash=False)
    language_chosen: bool = False


def session_open(*, gateway: str, session_id: str, phone: str) -> tuple[UssdSession, bool]:
    """The session's row (with its commune, read in the same query), locked for this step;
    (session, True) when this is its first step."""
    return (
        UssdSession.objects.select_for_update(of=("self",))
        .select_related("commune")
        .get_or_create(gateway=gateway, session_id=session_id, defaults={"phone": phone})
    )


def session_resumable(
    *, phone: str, exclude: UssdSession, now: datetime.datetime | None = None
) -> UssdSession | None:
    """The same phone's latest unfinished session, if its last step was less than 5 minutes ago and it
    had gone past the main menu (else there is nothing worth resuming)."""
    since = (now or timezone.now()) - RESUME_WINDOW
    candidate = (
        UssdSession.objects.select_for_update()
        .filter(phone=phone, is_finished=False, updated_at__gte=since)
        .exclude(pk=exclude.pk)
        .order_by("-updated_at")
        .first()
    )
    if candidate is None or len(candidate.state.get("frames") or []) < 2:
        return None
    return candidate


def session_take_over(*, session: UssdSession, previous: UssdSession) -> State:
    """Continue `previous` (dropped by the network) in `session`; `previous` is closed."""
    session.commune_id = previous.commune_id
    session.language = previous.language
    previous.is_finished = True
    previous.save(update_fields=["is_finished"])
    return State.from_json(previous.state)


def session_save(
    *, session: UssdSession, state: State, text: str, now: datetime.datetime | None = None
) -> None:
    session.state = state.to_json()
    session.is_finished = state.finished
    session.last_text = text
    session.updated_at = now or timezone.now()
    session.save(update_fields=SAVED_EACH_STEP)


def session_choose_commune(*, session: UssdSession, commune: Commune) -> None:
    """The caller picked their commune: used by this session and remembered for the phone."""
    session.commune = commune
    session.save(update_fields=["commune"])
    phone_set_commune(phone=session.phone, commune=commune)


def session_choose_language(*, session: UssdSession, language: str) -> None:
    """The caller picked their language: used by this session and remembered for the phone."""
    session.language = language
    session.save(update_fields=["language"])
    phone_set_language(phone=session.phone, language=language)


def new_answer(previous_text: str, text: str) -> str:
    """The answer typed at this step: the gateway sends all answers since the start (`1*2*Pompe`)."""
    if not previous_text:
        return text
    if text.startswith(previous_text + "*"):
        return text[len(previous_text) + 1 :]
    return text.rsplit("*", 1)[-1]


def caller_profile(phone: str) -> CallerProfile | None:
    return CallerProfile.objects.select_related("arrondissement").filter(phone=phone).first()


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
        profile, _created = CallerProfile.objects.select_for_update().get_or_create(phone=phone)
        setattr(profile, trait, value)
        profile.save()
    return profile


def caller_profile_clear(*, phone: str) -> None:
    """Forget every declared trait of this phone."""
    CallerProfile.objects.filter(phone=phone).delete()
