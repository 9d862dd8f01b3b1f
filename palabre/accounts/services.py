"""Writes on people: one-time codes, sign-in, profile, staff memberships, account deletion."""

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import Membership, OneTimeCode, Role, StaffLoginFailure, User
from palabre.core.guesses import TooManyAttempts
from palabre.core.personal_data import phone_erase_everywhere
from palabre.core.services import audit_record, participation_forget, sms_queue
from palabre.territory.models import Arrondissement, Commune, Village

RATE_WINDOW = datetime.timedelta(hours=1)
# Wrong staff passwords allowed per hour, per number and per connection (offices share one address).
STAFF_PASSWORD_TRIES = 10
STAFF_IP_TRIES = 50
CODE_DIGITS = 6


class OtpRateLimited(TooManyAttempts):
    """Too many codes asked for this number or from this connection; `retry_at` says when to try again."""

    @property
    def message(self) -> str:
        return ngettext(
            "Trop de codes ont été demandés. Réessayez dans %(minutes)s minute.",
            "Trop de codes ont été demandés. Réessayez dans %(minutes)s minutes.",
            self.minutes,
        ) % {"minutes": self.minutes}


class StaffLoginLimited(OtpRateLimited):
    """Too many wrong staff passwords for this number or from this connection."""

    @property
    def message(self) -> str:
        return ngettext(
            "Trop d'essais de mot de passe. Réessayez dans %(minutes)s minute.",
            "Trop d'essais de mot de passe. Réessayez dans %(minutes)s minutes.",
            self.minutes,
        ) % {"minutes": self.minutes}


class OtpRejected(Exception):
    """The code typed does not open the account; `reason` is one of REASONS."""

    REASONS = {
        "wrong": _("Ce code n'est pas le bon. Vérifiez le SMS et réessayez."),
        "expired": _("Ce code a expiré. Demandez un nouveau code."),
        "exhausted": _("Trop d'essais avec ce code. Demandez un nouveau code."),
        "missing": _("Aucun code en cours pour ce numéro. Demandez un nouveau code."),
    }

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return str(self.REASONS[self.reason])


def _hash_code(phone: PhoneNumber, code: str) -> str:
    return salted_hmac("palabre.accounts.otp", f"{phone.as_e164}:{code}").hexdigest()


def hash_ip(ip: str) -> str:
    """A salted hash of the client's address: enough to count requests, useless to find the person."""
    return salted_hmac("palabre.accounts.ip", ip or "unknown").hexdigest()


def _retry_at(sends: list[datetime.datetime], limit: int) -> datetime.datetime | None:
    """When the oldest counted send leaves the window, if `sends` already reached `limit`."""
    if len(sends) < limit:
        return None
    return sorted(sends)[-limit] + RATE_WINDOW


def _wait_until(
    recent: QuerySet[Any], *, phone: PhoneNumber, ip_hash: str, per_phone: int, per_ip: int
) -> datetime.datetime | None:
    """When a new attempt is allowed again, if `recent` attempts (within the hour) reached a limit."""
    waits = [
        _retry_at(list(recent.filter(phone=phone).values_list("created_at", flat=True)), per_phone),
        _retry_at(list(recent.filter(ip_hash=ip_hash).values_list("created_at", flat=True)), per_ip),
    ]
    return max((wait for wait in waits if wait), default=None)


def _check_send_limits(*, phone: PhoneNumber, ip_hash: str, now: datetime.datetime) -> None:
    retry_at = _wait_until(
        OneTimeCode.objects.filter(created_at__gt=now - RATE_WINDOW),
        phone=phone,
        ip_hash=ip_hash,
        per_phone=settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR,
        per_ip=settings.OTP_MAX_SENDS_PER_IP_PER_HOUR,
    )
    if retry_at:
        raise OtpRateLimited(retry_at=retry_at, now=now)


def staff_password_check(
    *, phone: PhoneNumber, password: str, ip: str, request: HttpRequest | None = None
) -> User | None:
    """The staff member with this number and password, or None (the failure is counted). After too many
    wrong passwords for this number or from this connection within the hour, raises StaffLoginLimited
    before even checking the password."""
    now = timezone.now()
    ip_hash = hash_ip(ip)
    retry_at = _wait_until(
        StaffLoginFailure.objects.filter(created_at__gt=now - RATE_WINDOW),
        phone=phone,
        ip_hash=ip_hash,
        per_phone=STAFF_PASSWORD_TRIES,
        per_ip=STAFF_IP_TRIES,
    )
    if retry_at:
        raise StaffLoginLimited(retry_at=retry_at, now=now)
    user = authenticate(request, phone=phone, password=password)
    if user is None:
        StaffLoginFailure.objects.create(phone=phone, ip_hash=ip_hash, created_at=now)
    return user


def _otp_sms_body(code: str, language: str) -> str:
    minutes = max(1, settings.OTP_CODE_TTL_SECONDS // 60)
    with translation.override(language or settings.LANGUAGE_CODE):
        return pgettext(
            "sms",
            "Palabre : votre code est %(code)s. Il expire dans %(minutes)s minutes. Ne le donnez à personne.",
        ) % {"code": code, "minutes": minutes}


def otp_request(
    *, phone: PhoneNumber, ip: str, language: str, now: datetime.datetime | None = None
) -> OneTimeCode:
    """Send a fresh login code to `phone`, whether or not an account exists (no enumeration).

    Raises OtpRateLimited when this number or this connection asked for too many codes in the last hour.
    """
    now = now or timezone.now()
    ip_hash = hash_ip(ip)
    with transaction.atomic():
        OneTimeCode.objects.filter(created_at__lte=now - RATE_WINDOW).delete()
        _check_send_limits(phone=phone, ip_hash=ip_hash, now=now)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        otp = OneTimeCode.objects.create(
            phone=phone,
            code_hash=_hash_code(phone, code),
            ip_hash=ip_hash,
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=settings.OTP_CODE_TTL_SECONDS),
        )
        sms_queue(
            to=phone.as_e164, body=_otp_sms_body(code, language), kind="otp", idempotency_key=f"otp:{otp.pk}"
        )
    return otp


def _rejection(otp: OneTimeCode | None, code: str, now: datetime.datetime) -> str | None:
    if otp is None or otp.used_at is not None:
        return "missing"
    if otp.expires_at <= now:
        return "expired"
    if otp.attempts >= settings.OTP_MAX_ATTEMPTS:
        return "exhausted"
    if not constant_time_compare(otp.code_hash, _hash_code(otp.phone, code.strip())):
        return "wrong"
    return None


def otp_verify(
    *, phone: PhoneNumber, code: str, language: str = "", now: datetime.datetime | None = None
) -> User:
    """The account of `phone` if `code` is its latest code; the account is created on first success.

    Raises OtpRejected (every wrong try counts against the code's attempts).
    """
    now = now or timezone.now()
    with transaction.atomic():
        reason = _otp_use(phone=phone, code=code, now=now)
        if reason is None:
            user = _user_signed_in(phone=phone, language=language)
    if reason:
        raise OtpRejected(reason)
    return user


def otp_confirm(*, phone: PhoneNumber, code: str, now: datetime.datetime | None = None) -> None:
    """Use up `phone`'s latest code if `code` is it, without signing anyone in or creating an account: the
    proof that the person holds the number (a complaint's contact number). Raises OtpRejected."""
    now = now or timezone.now()
    with transaction.atomic():
        reason = _otp_use(phone=phone, code=code, now=now)
    if reason:
        raise OtpRejected(reason)


def _otp_use(*, phone: PhoneNumber, code: str, now: datetime.datetime) -> str | None:
    """In the caller's transaction: mark `phone`'s latest code used if `code` is it, else count a wrong try;
    the reason of the refusal (OtpRejected.REASONS) or None."""
    otp = OneTimeCode.objects.select_for_update().filter(phone=phone).order_by("-created_at").first()
    reason = _rejection(otp, code, now)
    if otp is not None and reason == "wrong":
        OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
    if otp is not None and reason is None:
        otp.used_at = now
        otp.save(update_fields=["used_at"])
    return reason


def _user_signed_in(*, phone: PhoneNumber, language: str) -> User:
    user = User.objects.filter(phone=phone).first() or User.objects.create_user(phone=phone)
    if language and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@dataclass(frozen=True)
class Profile:
    gender: str
    birth_year: int | None
    arrondissement: Arrondissement | None
    village: Village | None


EMPTY_PROFILE = Profile(gender="", birth_year=None, arrondissement=None, village=None)


PROFILE_FIELDS = (
    "display_name",
    "gender",
    "birth_year",
    "arrondissement_id",
    "village_id",
    "profile_consent_at",
)


def profile_update(*, user: User, display_name: str, profile: Profile, consent: bool, by: User) -> User:
    """Save the optional profile, kept only with consent: without it every trait is cleared.

    Audited without personal data: the event names the fields that changed and whether consent holds,
    never their values (the log cannot be edited, and "delete my account" must leave nothing of the
    person in it). Saving an unchanged profile records nothing."""
    if profile.village and profile.village.arrondissement_id != getattr(profile.arrondissement, "pk", None):
        raise ValidationError(
            _("Ce village n'est pas dans l'arrondissement choisi."), code="village_mismatch"
        )
    kept = profile if consent else EMPTY_PROFILE
    with transaction.atomic():
        before = {name: getattr(user, name) for name in PROFILE_FIELDS}
        user.display_name = display_name
        user.gender = kept.gender
        user.birth_year = kept.birth_year
        user.arrondissement = kept.arrondissement
        user.village = kept.village
        if not consent:
            user.profile_consent_at = None
        elif user.profile_consent_at is None:
            user.profile_consent_at = timezone.now()
        user.save()
        changed = [name.removesuffix("_id") for name in PROFILE_FIELDS if getattr(user, name) != before[name]]
        if changed:
            audit_record(
                action="accounts.profile_updated",
                actor_id=by.pk,
                target=user,
                data={"user_id": user.pk, "fields": changed, "consent": consent},
            )
    return user


def _membership_sms_body(membership: Membership, commune: Commune, language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return pgettext(
            "sms",
            "Palabre : vous êtes maintenant %(role)s à %(commune)s. "
            "Connectez-vous sur Palabre avec votre numéro pour choisir votre mot de passe.",
        ) % {"role": membership.get_role_display(), "commune": commune.name}


def membership_add(*, commune: Commune, phone: PhoneNumber, role: str, by: User) -> Membership:
    """Give `role` in `commune` to the person using `phone` (their account is created if needed)."""
    if role not in Role.values or role == Role.NATIONAL_OBSERVER:
        raise ValidationError(_("Ce rôle n'existe pas dans une commune."), code="bad_role")
    with transaction.atomic():
        user = User.objects.filter(phone=phone).first() or User.objects.create_user(phone=phone)
        if Membership.objects.filter(user=user, commune=commune, role=role).exists():
            raise ValidationError(_("Cette personne a déjà ce rôle dans la commune."), code="duplicate")
        membership = Membership.objects.create(user=user, commune=commune, role=role)
        sms_queue(
            to=user.phone.as_e164,
            body=_membership_sms_body(membership, commune, user.language),
            kind="staff",
            commune_id=commune.pk,
        )
        audit_record(
            action="accounts.member_added",
            actor_id=by.pk,
            commune_id=commune.pk,
            target=membership,
            data={"user_id": user.pk, "role": role},
        )
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    """Take a role away; a commune always keeps at least one administrator."""
    is_last_admin = (
        membership.role == Role.COMMUNE_ADMIN
        and Membership.objects.filter(commune=membership.commune_id, role=Role.COMMUNE_ADMIN).count() == 1
    )
    if is_last_admin:
        raise ValidationError(_("La commune doit garder au moins un administrateur."), code="last_admin")
    with transaction.atomic():
        audit_record(
            action="accounts.member_removed",
            actor_id=by.pk,
            commune_id=membership.commune_id,
            target=membership,
            data={"user_id": membership.user_id, "role": membership.role},
        )
        membership.delete()


def accounts_forget_phone(phone: str, *, user_id: int | None = None) -> int:
    """The accounts' part of `core.personal_data.phone_erase_everywhere`: login codes and wrong staff
    passwords of the number (the account itself is deleted by `account_delete`)."""
    if not phone:
        return 0
    deleted = OneTimeCode.objects.filter(phone=phone).delete()[0]
    return deleted + StaffLoginFailure.objects.filter(phone=phone).delete()[0]


def account_delete(*, user: User, by: User) -> None:
    """Erase a person: their account, roles and codes go, and every app erases what it keeps of their
    number (`core.personal_data`): sessions, profiles, messages go; complaints, supports and ideas stay,
    anonymous; their participation stays counted, anonymous. The audit event holds no personal data."""
    phone = user.phone.as_e164
    user_id, by_id = user.pk, by.pk
    with transaction.atomic():
        roles = list(user.memberships.values_list("role", flat=True))
        participation_forget(user_id=user_id)
        erased = phone_erase_everywhere(phone, user_id=user_id)
        user.delete()
        audit_record(
            action="accounts.deleted",
            actor_id=by_id,
            data={"user_id": user_id, "roles": roles, "rows_erased": sum(erased.values())},
        )


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The authenticator a staff member is setting up (created unconfirmed on first use)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=str(_("Application d'authentification")), confirmed=False
            )
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str, by: User) -> bool:
    """Confirm the authenticator once the person typed a right code from it; False if the code is wrong."""
    with transaction.atomic():
        if not device.verify_token(token.strip()):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            action="accounts.totp_enrolled", actor_id=by.pk, target=device, data={"user_id": device.user_id}
        )
    return True


def password_set(*, user: User, password: str, by: User) -> None:
    """Give a staff member the password they chose (already checked by the password validators)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="accounts.password_set", actor_id=by.pk, target=user, data={"user_id": user.pk})
