"""Reads about people: staff lists, personal data export, traits for the participation ledger, demo codes."""

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import Membership, OneTimeCode, Role, User
from palabre.territory.models import Commune

DEMO_DEVICE_NAME = "demo"


def commune_staff(commune: Commune) -> QuerySet[Membership]:
    """The commune's staff memberships, with their people."""
    return (
        Membership.objects.of_commune(commune).select_related("user").order_by("role", "user__display_name")
    )


def is_commune_admin(user: User, commune: Commune) -> bool:
    return Membership.objects.filter(user=user, commune=commune, role=Role.COMMUNE_ADMIN).exists()


def user_roles_in(user: User, commune: Commune) -> set[str]:
    """The roles `user` holds in `commune`."""
    return set(Membership.objects.filter(user=user, commune=commune).values_list("role", flat=True))


def user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("commune").order_by("commune__name", "role")


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_staff_password(user: User) -> bool:
    """A staff member who signed in by SMS code and has not chosen their password yet."""
    if user.has_usable_password():
        return False
    return user.is_superuser or user.memberships.exists()


def user_by_phone(phone: PhoneNumber | str) -> User | None:
    """The account of this phone number (E.164 text or PhoneNumber), or None: the one lookup every channel
    adapter uses to know whether a caller has an account."""
    return User.objects.filter(phone=phone).first()


def participant_traits(user: User | None) -> dict:
    """Self-declared traits the participation ledger keeps, empty without consent or without a person."""
    if user is None or not user.is_authenticated or not user.has_profile_consent:
        return {"gender": "", "age_band": "", "arrondissement_id": None}
    return {"gender": user.gender, "age_band": user.age_band, "arrondissement_id": user.arrondissement_id}


def personal_data(user: User) -> dict:
    """Everything Palabre's accounts hold about `user`, as plain JSON-ready values."""
    user = User.objects.select_related("arrondissement__commune", "village").get(pk=user.pk)
    return {
        "account": {
            "phone": user.phone.as_e164,
            "display_name": user.display_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "has_password": user.has_usable_password(),
        },
        "profile": {
            "consent_given_at": user.profile_consent_at.isoformat() if user.profile_consent_at else None,
            "gender": user.gender,
            "birth_year": user.birth_year,
            "age_band": user.age_band,
            "commune": user.arrondissement.commune.name if user.arrondissement else None,
            "arrondissement": user.arrondissement.name if user.arrondissement else None,
            "village": user.village.name if user.village else None,
        },
        "memberships": [
            {
                "commune": membership.commune.name if membership.commune else None,
                "role": membership.role,
                "since": membership.created_at.isoformat(),
            }
            for membership in user_memberships(user)
        ],
        "login_codes": [
            {"sent_at": sent_at.isoformat(), "used_at": used_at.isoformat() if used_at else None}
            for sent_at, used_at in OneTimeCode.objects.filter(phone=user.phone).values_list(
                "created_at", "used_at"
            )
        ],
        "authenticators": list(
            TOTPDevice.objects.filter(user=user, confirmed=True).values_list("name", flat=True)
        ),
    }


def _current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_staff_codes() -> list[dict]:
    """The current TOTP code of each demo staff account (only in demo mode): for the demo page."""
    if not settings.DEMO_MODE:
        return []
    devices = (
        TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME, confirmed=True)
        .select_related("user")
        .prefetch_related("user__memberships__commune")
        .order_by("user__phone")
    )
    rows = []
    for device in devices:
        user = device.user
        memberships = list(user.memberships.all())
        rows.append(
            {
                "phone": user.phone.as_e164,
                "name": user.display_name,
                "role": ", ".join(str(m.get_role_display()) for m in memberships) or _platform_role(user),
                "commune": ", ".join(m.commune.name for m in memberships if m.commune),
                "code": _current_token(device),
            }
        )
    return rows


def _platform_role(user: User) -> str:
    return gettext("Administrateur de la plateforme") if user.is_superuser else ""
