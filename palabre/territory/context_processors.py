"""The current commune (when the URL names one) and the languages offered on the page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_info

from palabre.territory.models import Commune


def _platform_languages() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def _current_commune(request: HttpRequest) -> Commune | None:
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("commune_slug") if match else None
    if not slug:
        return None
    known = getattr(request, "commune", None)
    if isinstance(known, Commune) and known.slug == slug:
        return known
    return Commune.objects.active().with_department().filter(slug=slug).first()


def commune(request: HttpRequest) -> dict:
    """`commune` (or None) and `offered_languages`: the commune's languages, else all the platform's.
    At most one query, none when the view already fetched the commune with access_commune(request=...)."""
    current = _current_commune(request)
    languages = current.offered_languages() if current else []
    return {"commune": current, "offered_languages": languages or _platform_languages()}
