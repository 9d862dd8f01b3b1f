"""A citizen page, with all the CSS and JavaScript it loads, weighs at most 30 KB compressed.

The test renders the real pages, finds every stylesheet and script they reference, reads those files from the
static finders and compresses everything with gzip (what the reverse proxy does), then adds it up.
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

BUDGET_BYTES = 30 * 1024
ASSET_PATTERN = re.compile(r'<(?:link[^>]+href|script[^>]+src)="/static/([^"?]+)')


def compressed_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def page_weight(html: bytes) -> tuple[int, list[str]]:
    assets = ASSET_PATTERN.findall(html.decode())
    total = compressed_size(html)
    for asset in assets:
        path = finders.find(asset)
        assert path, f"missing static file {asset}"
        with open(path, "rb") as handle:
            total += compressed_size(handle.read())
    return total, assets


@pytest.fixture
def pilot_communes(db):
    from palabre.territory.services import territory_load

    territory_load()


CITIZEN_PAGES = [
    ("territory:national_home", {}),
    ("territory:commune_home", {"commune_slug": "bohicon"}),
    ("territory:commune_home", {"commune_slug": "toffo"}),
    ("accounts:login", {}),
]


@pytest.mark.parametrize(("url_name", "kwargs"), CITIZEN_PAGES)
def test_citizen_page_weighs_at_most_30_kb_compressed(client, pilot_communes, url_name, kwargs):
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    total, assets = page_weight(response.content)
    assert "css/palabre.css" in assets
    assert total <= BUDGET_BYTES, f"{url_name} weighs {total} bytes compressed ({assets})"
