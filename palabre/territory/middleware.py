"""On a commune's pages, speak one of the languages the commune offers."""

from django.utils import translation

from palabre.territory.models import Commune


class CommuneLanguageMiddleware:
    """Keeps the commune of the URL on the request and, when the visitor's language is not one the commune
    offers, answers in the commune's first language (French unless the commune chose otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("commune_slug")
        if not slug:
            return None
        commune = Commune.objects.active().with_department().filter(slug=slug).first()
        request.commune = commune
        if commune and commune.languages and translation.get_language() not in commune.languages:
            translation.activate(commune.languages[0])
            request.LANGUAGE_CODE = commune.languages[0]
        return None
