"""Finding a commune or an arrondissement named at the start of an SMS (`START Bohicon Saclo`).

Names are compared folded (no case, accents, spaces or dashes): `seme podji`, `SÈMÈ-PODJI` and
`semepodji` all name Sèmè-Podji. Up to three words are tried, longest first.
"""

from django.db.models import QuerySet

from palabre.channels.sms.keywords import fold
from palabre.territory.models import Arrondissement, Commune

MAX_NAME_WORDS = 3


def _take_name(text: str, names: dict[str, object]):
    """(the object whose folded name the first words of `text` spell, the rest of the text)."""
    words = (text or "").split()
    for count in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        found = names.get(fold("".join(words[:count])))
        if found is not None:
            return found, " ".join(words[count:])
    return None, (text or "").strip()


def take_commune(text: str, communes: QuerySet[Commune] | None = None) -> tuple[Commune | None, str]:
    """The active commune named first in `text` (by name or address slug), and the rest of the text."""
    communes = communes if communes is not None else Commune.objects.active()
    names: dict[str, object] = {}
    for commune in communes.only("id", "name", "slug"):
        names.setdefault(fold(commune.name), commune)
        names.setdefault(fold(commune.slug), commune)
    return _take_name(text, names)


def take_arrondissement(text: str, *, commune: Commune) -> tuple[Arrondissement | None, str]:
    """The arrondissement of `commune` named first in `text`, and the rest of the text."""
    arrondissements = Arrondissement.objects.filter(commune=commune).only("id", "name", "commune_id")
    return _take_name(text, {fold(item.name): item for item in arrondissements})
