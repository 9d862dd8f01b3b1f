"""SMS texts to reporters and staff: short, in the reader's language, never echoing what was reported.

Phones are shared in families: a text names the tracking code and the step reached, nothing else.
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _reporter_texts() -> dict[str, str]:
    """Built inside translation.override so that each text comes out in the reporter's language."""
    return {
        "filed": pgettext(
            "sms",
            "Palabre : plainte %(code)s reçue. Réponse attendue au plus tard le %(date)s. "
            "Gardez ce code pour suivre votre plainte.",
        ),
        "acknowledged": pgettext(
            "sms",
            "Palabre : la mairie a pris en compte votre plainte %(code)s. "
            "Traitement prévu d'ici le %(date)s.",
        ),
        "assigned": pgettext(
            "sms", "Palabre : votre plainte %(code)s a été confiée à un agent de la mairie."
        ),
        "started": pgettext("sms", "Palabre : votre plainte %(code)s est en cours de traitement."),
        "resolved": pgettext(
            "sms",
            "Palabre : votre plainte %(code)s est résolue. Pas d'accord ? Dites-le avec votre code "
            "sur la page de suivi.",
        ),
        "closed": pgettext(
            "sms", "Palabre : votre plainte %(code)s est clôturée. Merci de votre participation."
        ),
        "rejected": pgettext(
            "sms", "Palabre : votre plainte %(code)s n'a pas été retenue. Le motif est sur la page de suivi."
        ),
        "referred": pgettext(
            "sms",
            "Palabre : votre plainte %(code)s a été transmise au service compétent. "
            "Détails sur la page de suivi.",
        ),
        "duplicate": pgettext(
            "sms",
            "Palabre : votre plainte %(code)s rejoint la plainte %(original)s, déjà suivie par la mairie.",
        ),
        "reopened": pgettext(
            "sms", "Palabre : votre plainte %(code)s est rouverte et sera traitée à nouveau."
        ),
        "rating": pgettext(
            "sms",
            "Palabre : êtes-vous satisfait du traitement de votre plainte %(code)s ? "
            "Donnez une note de 1 (pas du tout) à 5 (tout à fait) sur la page de suivi.",
        ),
    }


def reporter_sms(
    kind: str, *, code: str, language: str, date: datetime.date | None = None, original: str = ""
) -> str:
    """The text telling a reporter that their complaint reached step `kind`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _reporter_texts()[kind] % {"code": code, "date": _date(date), "original": original}


def escalation_sms(*, code: str, language: str, level_label: str) -> str:
    """The text telling a responsible person that a late complaint now waits for them."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return pgettext(
            "sms", "Palabre : la plainte %(code)s a dépassé son délai et vous est remontée (%(level)s)."
        ) % {"code": code, "level": level_label}
