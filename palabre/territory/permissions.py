"""Access to a commune's pages: unknown and inactive communes answer 404 alike."""

from typing import cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.territory.models import Commune


class _CommuneRequest(HttpRequest):
    """A request carrying its commune: CommuneMiddleware and access_commune add it at run time."""

    commune: Commune | None


def access_commune(slug: str, *, request: HttpRequest | None = None, module: str | None = None) -> Commune:
    """The active commune with this slug, or Http404. Given the request, the commune is kept on it
    (`request.commune`) so that the context processor does not fetch it a second time. Given a module, a
    commune that has not enabled it answers 404 too."""
    known = getattr(request, "commune", None)
    if isinstance(known, Commune) and known.slug == slug:
        commune = known
    else:
        commune = get_object_or_404(Commune.objects.active().with_department(), slug=slug)
    if request is not None:
        cast(_CommuneRequest, request).commune = commune
    if module is not None and module not in commune.modules:
        raise Http404
    return commune
