from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palabre.territory.permissions import access_commune
from palabre.territory.queries import commune_overview, national_overview


def national_home(request: HttpRequest) -> HttpResponse:
    return render(request, "territory/national_home.html", {"overview": national_overview()})


def commune_home(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_commune(commune_slug, request=request)
    return render(request, "territory/commune_home.html", {"overview": commune_overview(commune)})
