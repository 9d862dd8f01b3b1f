"""Demo people (`manage.py seed_demo`): staff for the four pilot communes, an observer, a platform admin,
and a few citizens. Idempotent. Every staff account's password is `palabre-demo`; their TOTP codes are
shown on the demo page (queries.demo_staff_codes) since they share one fixed demo secret."""

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from palabre.accounts.models import Membership, Role, User
from palabre.accounts.queries import DEMO_DEVICE_NAME
from palabre.territory.models import Arrondissement, Commune

DEMO_PASSWORD = "palabre-demo"
# The RFC 6238 test key (hex): the same authenticator key for every demo staff account (demo only).
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
PLATFORM_ADMIN = ("+2290197000000", "Florentin Adjanohoun")
NATIONAL_OBSERVER = ("+2290197090001", "Rachida Soumanou")
# Staff phones read "01 97 0C 00 RR": C the commune's number below (1 to 4), RR the role's number here.
STAFF_ROLES = [
    Role.COMMUNE_ADMIN,
    Role.MAYOR,
    Role.SECRETARY_GENERAL,
    Role.COMPLAINTS_OFFICER,
    Role.FOCAL_POINT,
    Role.PLANNING_OFFICER,
    Role.COUNCIL_MEMBER,
]
STAFF_NAMES = {
    "banikoara": [
        "Sabi Gounou",
        "Bio Orou Yarou",
        "Soulé Gado",
        "Rafiatou Worou",
        "Zénabou Sacca",
        "Adamou Sannou",
        "Mariama Bani",
    ],
    "bohicon": [
        "Codjo Hounkpatin",
        "Afiavi Agossou",
        "Honoré Gbènou",
        "Sènami Dossou",
        "Rosine Kiki",
        "Mahugnon Ahouansou",
        "Gbèssi Zinsou",
    ],
    "toffo": [
        "Dansou Kpadonou",
        "Houéfa Akpovi",
        "Cyriaque Hounsa",
        "Sossa Gbaguidi",
        "Eugénie Fanou",
        "Adjoua Houngbédji",
        "Comlan Tossou",
    ],
    "avrankou": [
        "Kossi Sagbo",
        "Enagnon Adjovi",
        "Gilles Hounkanrin",
        "Dossa Hounsou",
        "Bénédicte Assogba",
        "Fifamè Gandonou",
        "Ayaba Houénou",
    ],
}
# (phone, name, gender, birth year, commune slug of their arrondissement or None without a profile)
CITIZENS = [
    ("+2290196000001", "Bernadette Akplogan", "f", 1998, "bohicon"),
    ("+2290196000002", "Idrissou Chabi", "m", 1975, "banikoara"),
    ("+2290196000003", "Roukayath Lawani", "f", 2004, "avrankou"),
    ("+2290196000004", "Mathias Zannou", "m", 1961, "toffo"),
    ("+2290196000005", "", "", None, None),
    ("+2290196000006", "Yvette Dègbè", "", None, None),
]


def _staff_phone(commune_number: int, role_number: int) -> str:
    return f"+22901970{commune_number}00{role_number:02d}"


def _staff_user(phone: str, name: str, **flags) -> User:
    user, created = User.objects.get_or_create(phone=phone, defaults={"display_name": name, **flags})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return user


def _seed_commune_staff(commune: Commune, commune_number: int) -> int:
    created = 0
    for role_number, (role, name) in enumerate(zip(STAFF_ROLES, STAFF_NAMES[commune.slug], strict=True), 1):
        user = _staff_user(_staff_phone(commune_number, role_number), name)
        _, was_created = Membership.objects.get_or_create(user=user, commune=commune, role=role)
        created += was_created
    return created


def _seed_citizen(phone: str, name: str, gender: str, birth_year: int | None, slug: str | None) -> None:
    user = User.objects.filter(phone=phone).first() or User.objects.create_user(
        phone=phone, display_name=name
    )
    if slug is None or user.profile_consent_at:
        return
    arrondissement = Arrondissement.objects.filter(commune__slug=slug).order_by("name").first()
    user.gender = gender
    user.birth_year = birth_year
    user.arrondissement = arrondissement
    user.village = arrondissement.villages.order_by("name").first() if arrondissement else None
    user.profile_consent_at = timezone.now()
    user.save()


@transaction.atomic
def seed(*, stdout) -> None:
    _staff_user(*PLATFORM_ADMIN, is_staff=True, is_superuser=True)
    observer = _staff_user(*NATIONAL_OBSERVER)
    Membership.objects.get_or_create(user=observer, commune=None, role=Role.NATIONAL_OBSERVER)
    created = 0
    communes = Commune.objects.in_bulk(list(STAFF_NAMES), field_name="slug")
    for commune_number, slug in enumerate(STAFF_NAMES, 1):
        if slug in communes:
            created += _seed_commune_staff(communes[slug], commune_number)
    for citizen in CITIZENS:
        _seed_citizen(*citizen)
    stdout.write(
        f"accounts: {len(communes)} pilot communes staffed ({created} new roles), "
        f"{len(CITIZENS)} citizens; staff password: {DEMO_PASSWORD}"
    )
