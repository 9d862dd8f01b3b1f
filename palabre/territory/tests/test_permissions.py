import pytest
from django.http import Http404
from django.test import RequestFactory

from palabre.territory.permissions import access_commune
from palabre.territory.tests.factories import CommuneFactory


def test_returns_the_active_commune(db):
    commune = CommuneFactory(slug="bohicon")
    assert access_commune("bohicon") == commune


def test_keeps_the_commune_on_the_request(db):
    commune = CommuneFactory(slug="bohicon")
    request = RequestFactory().get("/bohicon/")
    access_commune("bohicon", request=request)
    assert request.commune == commune


@pytest.mark.parametrize("slug", ["inconnue", "fermee"])
def test_unknown_or_inactive_is_404(db, slug):
    CommuneFactory(slug="fermee", is_active=False)
    with pytest.raises(Http404):
        access_commune(slug)
