"""Demo data of the territory: the reference communes, and plausible settings for the four pilots."""

from typing import TextIO

from palabre.territory.models import Commune
from palabre.territory.services import commune_update_settings, territory_load

# Languages follow each area's main national languages (Bariba and Dendi in the north, Fon in Zou and
# Atlantique, Goun and Yoruba in Ouémé); numbers use the 10-digit plan of 30 November 2024.
PILOT_SETTINGS = {
    "banikoara": {
        "languages": ["fr", "bba", "ddn"],
        "contact_phone": "+2290123630000",
        "contact_email": "mairie@banikoara.demo.palabre.bj",
        "address": "Hôtel de ville, Banikoara",
        "ussd_extension": "*123*1#",
    },
    "bohicon": {
        "languages": ["fr", "fon", "en"],
        "contact_phone": "+2290122510000",
        "contact_email": "mairie@bohicon.demo.palabre.bj",
        "address": "Hôtel de ville, Bohicon",
        "ussd_extension": "*123*2#",
    },
    "toffo": {
        "languages": ["fr", "fon"],
        "contact_phone": "+2290121370000",
        "contact_email": "mairie@toffo.demo.palabre.bj",
        "address": "Hôtel de ville, Toffo",
        "ussd_extension": "*123*3#",
    },
    "avrankou": {
        "languages": ["fr", "guw", "yo"],
        "contact_phone": "+2290120240000",
        "contact_email": "mairie@avrankou.demo.palabre.bj",
        "address": "Hôtel de ville, Avrankou",
        "ussd_extension": "*123*4#",
    },
}


def seed(*, stdout: TextIO) -> None:
    """Load the territory, then configure the pilots once: settings an administrator changed are kept."""
    report = territory_load()
    stdout.write(f"Territory: {'loaded' if report.changed else 'already up to date'}.\n")
    for commune in Commune.objects.filter(slug__in=PILOT_SETTINGS, settings_updated_at__isnull=True):
        commune_update_settings(
            commune=commune, modules=commune.modules, **PILOT_SETTINGS[commune.slug], by=None
        )
        stdout.write(f"Demo settings for {commune.name}.\n")
