"""Response time and compressed weight of the main citizen pages, on a seeded demo database.

    PALABRE_DATA_DIR=$(mktemp -d) .venv/bin/python bench/pages.py [--requests 300]

It migrates a fresh SQLite database in that folder (or uses DATABASE_URL), loads the territory and the demo
data, then requests each page through Django's full stack (middleware, templates, database) in-process,
and prints the median and 95th percentile times and the gzip weight of the page with its CSS and JS.
"""

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
os.environ.setdefault("PALABRE_DEMO", "1")
os.environ.setdefault("PALABRE_HTTPS", "0")
os.environ.setdefault("PALABRE_BOUNDARIES_DIR", str(ROOT.parent / "shared" / "data" / "benin"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = ["/", "/bohicon/", "/toffo/", "/compte/connexion/"]
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="/static/([^"?]+)')


def weight(html: bytes) -> int:
    total = len(gzip.compress(html))
    for asset in ASSET.findall(html.decode()):
        total += len(gzip.compress(Path(finders.find(asset)).read_bytes()))
    return total


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    client.get(url)  # warm the caches once, as a running server would be
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], weight(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    client = Client()
    print(f"{'page':<22}{'median ms':>10}{'p95 ms':>9}{'gzip bytes':>12}")
    for url in PAGES:
        median, p95, size = measure(client, url, args.requests)
        print(f"{url:<22}{median:>10.1f}{p95:>9.1f}{size:>12}")


if __name__ == "__main__":
    main()
