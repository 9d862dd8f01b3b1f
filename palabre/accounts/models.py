"""People: the phone-first user, staff memberships per commune and one-time login codes."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from palabre.core.choices import AgeBand, Gender, age_band_for
from palabre.territory.fields import arrondissement_field, village_field


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone, password=None, **extra_fields):
        if not phone:
            raise ValueError("A user needs a phone number.")
        user = self.model(phone=phone, **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, known by their Benin mobile number (E.164). Citizens have no usable password."""

    phone = PhoneNumberField(_("numéro de téléphone"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=120, blank=True)
    language = models.CharField(_("langue préférée"), max_length=8, blank=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    arrondissement = arrondissement_field()
    village = village_field()
    profile_consent_at = models.DateTimeField(_("consentement au profil donné le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.display_name or str(self.phone)

    @property
    def age_band(self) -> str:
        return age_band_for(self.birth_year)

    @property
    def age_band_label(self) -> str:
        band = self.age_band
        return AgeBand(band).label if band else ""

    @property
    def has_profile_consent(self) -> bool:
        return self.profile_consent_at is not None


class Role(models.TextChoices):
    COMPLAINTS_OFFICER = "complaints_officer", _("Chargé des plaintes")
    PLANNING_OFFICER = "planning_officer", _("Chargé de la planification")
    COUNCIL_MEMBER = "council_member", _("Conseiller communal")
    SECRETARY_GENERAL = "secretary_general", _("Secrétaire général")
    MAYOR = "mayor", _("Maire")
    FOCAL_POINT = "focal_point", _("Point focal des plaintes sensibles")
    COMMUNE_ADMIN = "commune_admin", _("Administrateur de la commune")
    NATIONAL_OBSERVER = "national_observer", _("Observateur national")


COMMUNE_ROLES = [
    Role.COMPLAINTS_OFFICER,
    Role.PLANNING_OFFICER,
    Role.COUNCIL_MEMBER,
    Role.SECRETARY_GENERAL,
    Role.MAYOR,
    Role.FOCAL_POINT,
    Role.COMMUNE_ADMIN,
]


class MembershipQuerySet(models.QuerySet):
    def of_commune(self, commune):
        return self.filter(commune=commune)

    def national(self):
        return self.filter(commune__isnull=True)


class Membership(models.Model):
    """A staff role held by a user: in one commune, or national (observer) without a commune."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle dans une commune")
        verbose_name_plural = _("rôles dans les communes")
        constraints = [
            models.UniqueConstraint(fields=["user", "commune", "role"], name="membership_unique_role"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(commune__isnull=True),
                name="membership_unique_national_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role="national_observer", commune__isnull=True)
                | (~models.Q(role="national_observer") & models.Q(commune__isnull=False)),
                name="membership_observer_has_no_commune",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.commune or '—'}"


class OneTimeCode(models.Model):
    """A login code sent by SMS. Only its hash is kept; each send is also the unit the rate limits count."""

    phone = PhoneNumberField(_("numéro de téléphone"), db_index=True)
    code_hash = models.CharField(max_length=128)
    ip_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code à usage unique")
        verbose_name_plural = _("codes à usage unique")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone} · {self.created_at:%Y-%m-%d %H:%M}"


class StaffLoginFailure(models.Model):
    """A wrong staff password, counted to slow down guessing (per number and per connection, one hour)."""

    phone = PhoneNumberField(_("numéro de téléphone"), db_index=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("échec de connexion du personnel")
        verbose_name_plural = _("échecs de connexion du personnel")

    def __str__(self) -> str:
        return f"{self.phone} · {self.created_at:%Y-%m-%d %H:%M}"
