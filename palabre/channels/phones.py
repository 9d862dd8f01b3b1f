"""Per-phone settings shared by every channel: language, commune, STOP (opt-out) and staff blocks.

A phone number gets a `PhoneProfile` the first time a setting is stored for it; reading never creates one.
Profiles are found by the number's keyed hash (`palabre.core.keyed.phone_key`): the number is not stored.
Blocking and unblocking are staff actions and audited; STOP/START are audited too (they decide whether we
may write to someone). The audit log never receives the number itself: the profile is the target.

The phone simulator's numbers (`phone_is_simulated`, `phone_is_training`): outside demo mode nothing they do
counts in a ballot, an idea, a complaint or a support (see the end of this module).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from palabre.channels.models import PhoneProfile
from palabre.core.keyed import phone_key
from palabre.core.services import audit_record

if TYPE_CHECKING:
    from phonenumber_field.phonenumber import PhoneNumber

    from palabre.accounts.models import User
    from palabre.territory.models import Commune


def phone_profile(phone: str) -> PhoneProfile | None:
    """The settings stored for `phone` (E.164), or None."""
    return PhoneProfile.objects.select_related("commune").filter(phone_key=phone_key(phone)).first()


def phone_language(phone: str, default: str = "fr") -> str:
    profile = phone_profile(phone)
    return (profile.language if profile else "") or default


def _profile_for_update(key: str) -> PhoneProfile:
    profile, _created = PhoneProfile.objects.select_for_update().get_or_create(phone_key=key)
    return profile


def phone_set_language(*, phone: str, language: str) -> None:
    """Remember the language the person chose on a phone channel (their own choice: not audited)."""
    _profile_store(phone, language=language)


def phone_set_commune(*, phone: str, commune: "Commune | None") -> None:
    """Remember the commune the person chose or dialled (their own choice: not audited)."""
    _profile_store(phone, commune=commune)


def _profile_store(phone: str, **values: Any) -> None:
    """Set fields of the phone's profile: one UPDATE when it exists, else it is created (a concurrent
    first write is caught by the unique number and becomes an update)."""
    key = phone_key(phone)
    profiles = PhoneProfile.objects.filter(phone_key=key)
    if profiles.update(**values, updated_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            PhoneProfile.objects.create(phone_key=key, **values)
    except IntegrityError:
        profiles.update(**values, updated_at=timezone.now())


def phone_opt_out(*, phone: str, by: "User | None" = None) -> PhoneProfile:
    """STOP: no more notifications or announcements to this number. Idempotent."""
    with transaction.atomic():
        profile = _profile_for_update(phone_key(phone))
        if profile.opted_out_at is None:
            profile.opted_out_at = timezone.now()
            profile.save(update_fields=["opted_out_at", "updated_at"])
            audit_record(action="channels.opted_out", actor_id=getattr(by, "pk", None), target=profile)
    return profile


def phone_opt_in(*, phone: str, by: "User | None" = None) -> PhoneProfile:
    """START: the number accepts notifications again. Idempotent."""
    with transaction.atomic():
        profile = _profile_for_update(phone_key(phone))
        if profile.opted_out_at is not None:
            profile.opted_out_at = None
            profile.save(update_fields=["opted_out_at", "updated_at"])
            audit_record(action="channels.opted_in", actor_id=getattr(by, "pk", None), target=profile)
    return profile


def phone_block(*, key: str, reason: str, commune: "Commune | None", by: "User") -> PhoneProfile:
    """Staff block an abusive number (known to them by its keyed hash `key`, from a request it sent): its
    requests are stored but no longer processed, on every channel."""
    with transaction.atomic():
        profile = _profile_for_update(key)
        profile.blocked_at = timezone.now()
        profile.blocked_reason = reason.strip()[:200]
        profile.blocked_by = by
        profile.blocked_in = commune
        profile.save(update_fields=["blocked_at", "blocked_reason", "blocked_by", "blocked_in", "updated_at"])
        audit_record(
            action="channels.blocked",
            actor_id=by.pk,
            commune_id=getattr(commune, "pk", None),
            target=profile,
            data={"reason": profile.blocked_reason},
        )
    return profile


def phone_unblock(*, profile: PhoneProfile, by: "User") -> PhoneProfile:
    """Lift a block; the number is served again."""
    with transaction.atomic():
        commune_id = profile.blocked_in_id
        PhoneProfile.objects.filter(pk=profile.pk).update(
            blocked_at=None, blocked_reason="", blocked_by=None, blocked_in=None, updated_at=timezone.now()
        )
        profile.refresh_from_db()
        audit_record(action="channels.unblocked", actor_id=by.pk, commune_id=commune_id, target=profile)
    return profile


# The phone simulator's numbers ----------------------------------------------------------------------------
# The simulator (`channels/simulator.py`) gives each browser session a number +229 01 00 0x xx xx. Benin's
# plan assigns none of them (after 01 come the old 8-digit numbers, which began with 2 to 9), so no real
# subscriber is ever taken for the simulator, and nothing we send to it reaches anyone.
SIMULATOR_PREFIX = "+22901000"
SIMULATED_REFUSAL = gettext_lazy("Numéro d'essai du simulateur : rien n'est enregistré hors démonstration.")

_simulating: ContextVar[bool] = ContextVar("palabre_simulating", default=False)


@contextmanager
def simulating() -> Iterator[None]:
    """The scope of one request the simulator hands to the webhook in-process: inside it the caller is the
    simulator, whatever number the request names. Only code can open it: no header, field or URL can."""
    token = _simulating.set(True)
    try:
        yield
    finally:
        _simulating.reset(token)


def phone_is_simulated(phone: "str | PhoneNumber | None" = None) -> bool:
    """True for a number of the simulator's range, and for any request the simulator is making (an
    anonymous complaint passes no number to its service). `phone`: E.164 text or a PhoneNumber."""
    number = getattr(phone, "as_e164", phone) or ""
    return _simulating.get() or str(number).startswith(SIMULATOR_PREFIX)


def phone_is_training(phone: "str | PhoneNumber | None" = None) -> bool:
    """The one rule for simulated phones: outside demo mode (PALABRE_DEMO) nothing they do counts. The
    write services of the domain apps (a ballot, an idea, a complaint, a "me too") call this first and
    refuse with `SIMULATED_REFUSAL`, so menus and keywords can be practised but nothing is recorded."""
    return not settings.DEMO_MODE and phone_is_simulated(phone)
