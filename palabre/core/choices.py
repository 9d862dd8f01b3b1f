"""Vocabularies shared by every module: channels of participation and self-declared inclusion traits."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    SMS = "sms", _("SMS")
    USSD = "ussd", _("USSD")
    VOICE = "voice", _("Appel vocal")
    WHATSAPP = "whatsapp", _("WhatsApp")
    API = "api", _("API")
    PAPER = "paper", _("Formulaire papier")


class Gender(models.TextChoices):
    FEMALE = "f", _("Femme")
    MALE = "m", _("Homme")
    OTHER = "x", _("Autre")


class AgeBand(models.TextChoices):
    UNDER_18 = "u18", _("Moins de 18 ans")
    FROM_18_TO_24 = "18-24", _("18 à 24 ans")
    FROM_25_TO_35 = "25-35", _("25 à 35 ans")
    FROM_36_TO_49 = "36-49", _("36 à 49 ans")
    FROM_50_TO_64 = "50-64", _("50 à 64 ans")
    FROM_65 = "65+", _("65 ans et plus")


_BAND_FLOORS = [
    (65, AgeBand.FROM_65),
    (50, AgeBand.FROM_50_TO_64),
    (36, AgeBand.FROM_36_TO_49),
    (25, AgeBand.FROM_25_TO_35),
    (18, AgeBand.FROM_18_TO_24),
]


def age_band_for(birth_year: int | None, *, on: datetime.date | None = None) -> str:
    """The age band of someone born in `birth_year` (their age this calendar year), or "" if unknown."""
    if not birth_year:
        return ""
    age = (on or datetime.date.today()).year - birth_year
    for floor, band in _BAND_FLOORS:
        if age >= floor:
            return band
    return AgeBand.UNDER_18
