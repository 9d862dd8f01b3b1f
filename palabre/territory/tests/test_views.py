import datetime
import gzip
import re

import pytest
from django.urls import reverse

from palabre.core import openings
from palabre.core.openings import Opening
from palabre.territory.models import Commune
from palabre.territory.tests.factories import CommuneFactory

PAGE_BUDGET_BYTES = 30 * 1024


def commune_links(html: str) -> list[str]:
    slugs = re.findall(r'href="/([a-z0-9-]+)/"', html)
    return [slug for slug in slugs if slug not in {"compte", "demo", "i18n", "admin"}]


@pytest.fixture
def no_providers(monkeypatch):
    monkeypatch.setattr(openings, "_providers", [])


def test_national_home_lists_the_77_communes_pilots_first(client, territory, no_boundaries):
    response = client.get(reverse("territory:national_home"))
    assert response.status_code == 200
    links = commune_links(response.content.decode())
    assert len(links) == 77
    assert len(set(links)) == 77
    assert links[:4] == ["avrankou", "banikoara", "bohicon", "toffo"]
    assert "<svg" not in response.content.decode()


def test_national_home_groups_other_communes_by_department(client, territory, no_boundaries):
    html = client.get(reverse("territory:national_home")).content.decode()
    zou = html.index("<h3>Zou</h3>")
    assert html.index('href="/abomey/"') > zou
    assert html.index("<h3>Alibori</h3>") < html.index('href="/kandi/"') < html.index("<h3>Atacora</h3>")


def test_national_home_hides_inactive_communes(client, territory):
    Commune.objects.filter(slug="kandi").update(is_active=False)
    html = client.get(reverse("territory:national_home")).content.decode()
    assert 'href="/kandi/"' not in html


def test_national_home_shows_a_linked_map_with_boundaries(client, territory, boundaries_dir):
    html = client.get(reverse("territory:national_home")).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<a ") == 77
    assert '<a href="/bohicon/"><title>Bohicon</title>' in svg
    assert svg.count('class="pilot"') == 4


def test_national_home_fits_the_page_budget(client, territory, boundaries_dir, settings):
    html = client.get(reverse("territory:national_home")).content
    css = (settings.BASE_DIR / "palabre" / "static" / "css" / "palabre.css").read_bytes()
    assert len(gzip.compress(html)) + len(gzip.compress(css)) <= PAGE_BUDGET_BYTES


def test_national_home_query_count(client, territory, boundaries_dir, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(reverse("territory:national_home"))


@pytest.fixture
def bohicon(territory):
    commune = Commune.objects.get(slug="bohicon")
    commune.languages = ["fr", "fon", "en"]
    commune.modules = ["complaints", "budgeting"]
    commune.contact_phone = "+2290122510000"
    commune.ussd_extension = "*123*2#"
    commune.save()
    return commune


def test_commune_home_shows_the_commune(client, bohicon, no_providers, no_boundaries):
    response = client.get(reverse("territory:commune_home", kwargs={"commune_slug": "bohicon"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Commune de Bohicon" in html
    assert "Zou" in html
    assert "+2290122510000" in html
    assert "*123*2#" in html
    assert "Fɔ̀ngbè" in html
    assert "Rien n'est ouvert à la participation pour le moment" in html
    assert "Budget participatif" in html
    assert "Initiatives citoyennes" not in html
    assert "<svg" not in html


def test_commune_home_lists_openings_of_enabled_modules_only(client, bohicon, monkeypatch):
    def provider(commune):
        return [
            Opening(title=f"Budget {commune.name} 2026", url="/bohicon/budget/", module="budgeting"),
            Opening(title="Pétition fermée", url="/bohicon/initiatives/", module="initiatives"),
            Opening(
                title="Plainte en ligne",
                url="/bohicon/plaintes/",
                module="complaints",
                closes_on=datetime.date(2026, 1, 31),
            ),
        ]

    monkeypatch.setattr(openings, "_providers", [provider])
    html = client.get(reverse("territory:commune_home", kwargs={"commune_slug": "bohicon"})).content.decode()
    assert html.index("Plainte en ligne") < html.index("Budget Bohicon 2026")
    assert "31 janvier 2026" in html
    assert "Pétition fermée" not in html
    assert "Rien n'est ouvert" not in html


def test_commune_home_draws_the_outline_with_boundaries(client, bohicon, boundaries_dir, no_providers):
    html = client.get(reverse("territory:commune_home", kwargs={"commune_slug": "bohicon"})).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert 'aria-label="Contour de la commune de Bohicon"' in svg
    assert len(svg) < 1200


def test_commune_home_without_contacts_says_so(client, territory, no_providers):
    html = client.get(reverse("territory:commune_home", kwargs={"commune_slug": "kandi"})).content.decode()
    assert "pas encore publié ses coordonnées" in html


def test_commune_home_query_count(
    client, bohicon, boundaries_dir, no_providers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        client.get(reverse("territory:commune_home", kwargs={"commune_slug": "bohicon"}))


def test_unknown_commune_is_404(client, db):
    assert client.get("/nulle-part/").status_code == 404


def test_inactive_commune_is_404(client, db):
    CommuneFactory(slug="fermee", is_active=False)
    assert client.get("/fermee/").status_code == 404
