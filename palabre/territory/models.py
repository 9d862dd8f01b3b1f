"""Benin's territory: departments, communes (the tenants), arrondissements and villages / quartiers."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

# Top-level routes a commune slug must never shadow (see palabre/urls.py).
# Top-level routes (palabre/urls.py) that a commune slug must never shadow.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "channels", "compte", "demo", "i18n", "media", "national", "simulator", "static"}
)
COMMUNE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
USSD_EXTENSION = re.compile(r"^\*\d{1,4}(\*\d{1,4})*#$")


class Module(models.TextChoices):
    """Participation modules a commune may enable."""

    COMPLAINTS = "complaints", _("Plaintes")
    CONSULTATIONS = "consultations", _("Consultations")
    INITIATIVES = "initiatives", _("Initiatives citoyennes")
    BUDGETING = "budgeting", _("Budget participatif")
    PLANS = "plans", _("Plan de développement communal")


def all_modules() -> list[str]:
    return list(Module.values)


def default_languages() -> list[str]:
    return ["fr"]


def validate_commune_slug(value: str) -> None:
    if not COMMUNE_SLUG.match(value):
        raise ValidationError(
            _("Lettres minuscules sans accent, chiffres et tirets seulement, comme « seme-podji »."),
            code="invalid",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("« %(slug)s » est réservé par la plateforme : choisissez un autre identifiant."),
            params={"slug": value},
            code="reserved",
        )


def validate_modules(value: object) -> None:
    unknown = _unknown_items(value, set(Module.values))
    if unknown:
        raise ValidationError(
            _("Modules inconnus : %(modules)s."), params={"modules": ", ".join(unknown)}, code="unknown"
        )


def validate_languages(value: object) -> None:
    if not value:
        raise ValidationError(_("Proposez au moins une langue."), code="empty")
    unknown = _unknown_items(value, {code for code, _name in settings.LANGUAGES})
    if unknown:
        raise ValidationError(
            _("Langues non prises en charge : %(languages)s."),
            params={"languages": ", ".join(unknown)},
            code="unknown",
        )


def validate_ussd_extension(value: str) -> None:
    if not USSD_EXTENSION.match(value):
        raise ValidationError(_("Écrivez un code USSD comme *123*1#."), code="invalid")


def _unknown_items(value: object, allowed: set[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [str(value)]
    return [item for item in value if item not in allowed]


class Department(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("département")

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def pilots(self):
        return self.filter(is_pilot=True)

    def pilots_first(self):
        return self.order_by("-is_pilot", "name")

    def with_department(self):
        return self.select_related("department")


class Commune(models.Model):
    """The tenant: every object a resident or an officer creates belongs to one commune."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    code = models.CharField(_("code"), max_length=4, unique=True)
    slug = models.SlugField(
        _("identifiant d'adresse"), max_length=60, unique=True, validators=[validate_commune_slug]
    )
    name = models.CharField(_("nom"), max_length=80)
    is_pilot = models.BooleanField(_("commune pilote"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    population_2013 = models.PositiveIntegerField(_("population (RGPH4 2013)"), null=True, blank=True)
    modules = models.JSONField(_("modules activés"), default=all_modules, validators=[validate_modules])
    languages = models.JSONField(
        _("langues proposées"), default=default_languages, validators=[validate_languages]
    )
    contact_phone = models.CharField(
        _("téléphone"), max_length=20, blank=True, help_text=_("Format international : +229 01 XX XX XX XX.")
    )
    contact_email = models.EmailField(_("courriel"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    ussd_extension = models.CharField(
        _("extension USSD"), max_length=16, blank=True, validators=[validate_ussd_extension]
    )
    settings_updated_at = models.DateTimeField(
        _("réglages modifiés le"), null=True, blank=True, editable=False
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")

    def __str__(self) -> str:
        return self.name

    def offered_languages(self) -> list[tuple[str, str]]:
        """(code, name in that language) of the languages this commune offers, in the platform's order."""
        return [
            (code, get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
            if code in self.languages
        ]

    def enabled_modules(self) -> list[tuple[str, str]]:
        """(value, label) of the modules this commune enabled, in the platform's order."""
        return [(value, label) for value, label in Module.choices if value in self.modules]


class Arrondissement(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="arrondissements")
    name = models.CharField(_("nom"), max_length=80)
    population_total = models.PositiveIntegerField(_("population 2013"), null=True, blank=True)
    population_men = models.PositiveIntegerField(_("hommes 2013"), null=True, blank=True)
    population_women = models.PositiveIntegerField(_("femmes 2013"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("arrondissement")
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="arrondissement_unique_name")]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A village (rural) or quartier de ville (urban), per the 2013 law on local administrative units."""

    arrondissement = models.ForeignKey(Arrondissement, on_delete=models.CASCADE, related_name="villages")
    name = models.CharField(_("nom"), max_length=120)
    population_total = models.PositiveIntegerField(_("population 2013"), null=True, blank=True)
    population_men = models.PositiveIntegerField(_("hommes 2013"), null=True, blank=True)
    population_women = models.PositiveIntegerField(_("femmes 2013"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("village ou quartier")
        constraints = [models.UniqueConstraint(fields=["arrondissement", "name"], name="village_unique_name")]

    def __str__(self) -> str:
        return self.name
