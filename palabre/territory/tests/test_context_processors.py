from django.test import RequestFactory
from django.urls import resolve

from palabre.territory.context_processors import commune as commune_context
from palabre.territory.permissions import access_commune
from palabre.territory.tests.factories import CommuneFactory

ALL_LANGUAGES = ["fr", "en", "fon", "yo", "bba", "ddn", "guw"]


def request_for(path: str, *, resolved: bool = True):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path) if resolved else None
    return request


def test_on_a_commune_page_offers_the_communes_languages(db, django_assert_num_queries):
    bohicon = CommuneFactory(slug="bohicon", languages=["fr", "fon"])
    with django_assert_num_queries(1):
        context = commune_context(request_for("/bohicon/"))
    assert context["commune"] == bohicon
    assert context["offered_languages"] == [("fr", "français"), ("fon", "Fɔ̀ngbè")]


def test_reuses_the_commune_the_view_fetched(db, django_assert_num_queries):
    CommuneFactory(slug="toffo", languages=["fr"])
    request = request_for("/toffo/")
    access_commune("toffo", request=request)
    with django_assert_num_queries(0):
        context = commune_context(request)
    assert context["commune"].slug == "toffo"


def test_elsewhere_offers_every_platform_language(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        context = commune_context(request_for("/"))
    assert context["commune"] is None
    assert [code for code, _name in context["offered_languages"]] == ALL_LANGUAGES
    assert ("yo", "Èdè Yorùbá") in context["offered_languages"]


def test_unknown_or_inactive_commune_gives_none(db):
    CommuneFactory(slug="fermee", is_active=False)
    for path in ("/fermee/", "/inconnue/"):
        context = commune_context(request_for(path))
        assert context["commune"] is None
        assert len(context["offered_languages"]) == len(ALL_LANGUAGES)


def test_does_not_crash_without_resolver_match(db):
    context = commune_context(request_for("/x/y/z/", resolved=False))
    assert context["commune"] is None


def test_404_pages_render(client, db):
    CommuneFactory(slug="fermee", is_active=False)
    for path in ("/pas/de/page/ici/", "/fermee/", "/inconnue/"):
        assert client.get(path).status_code == 404
