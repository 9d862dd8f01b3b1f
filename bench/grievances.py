"""Benchmark of the complaints with 1,000,000 rows on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres palabre_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palabre_bench .venv/bin/python bench/grievances.py

Migrates, loads the 77 communes, then (once) loads the complaints with COPY: spread over the communes by
population, over three years with more recent ones, realistic statuses (older complaints mostly finished,
open ones past their deadline marked overdue), ~3 % sensitive, ~20 % anonymous, one or two timeline events
each. Then times, with many repetitions (median and 95th percentile, in ms): the officer queue first page,
the public list first page, the statistics page (the view, reading the precomputed snapshot) and the
refresh that precomputes it, GET requests.json (first page, the spec's default
90 days), GET servicerequestupdates.json (one day), and the filing throughput through `complaint_file`.
Options: --complaints N (default 1,000,000), --repeat R (default 30), --explain (EXPLAIN ANALYZE each query).
"""

import argparse
import datetime
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")

import django

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from palabre.grievances import queries, services  # noqa: E402
from palabre.grievances.models import Category, Complaint, Status  # noqa: E402
from palabre.grievances.open311 import views as open311_views  # noqa: E402
from palabre.grievances.services.common import CODE_ALPHABET, code_prefix  # noqa: E402
from palabre.grievances.views import public as public_views  # noqa: E402
from palabre.territory.models import Arrondissement, Commune  # noqa: E402

PAGE = 25
SENSITIVE_SHARE = 0.03
ANONYMOUS_SHARE = 0.2
DAYS = 3 * 365
STATUS_OLD = [  # complaints older than 30 days
    (Status.RESOLVED, 30), (Status.CLOSED, 35), (Status.REJECTED, 5), (Status.REFERRED, 3),
    (Status.DUPLICATE, 2), (Status.RECEIVED, 4), (Status.ACKNOWLEDGED, 6), (Status.ASSIGNED, 6),
    (Status.IN_PROGRESS, 9),
]  # fmt: skip
STATUS_RECENT = [
    (Status.RECEIVED, 25), (Status.ACKNOWLEDGED, 20), (Status.ASSIGNED, 20), (Status.IN_PROGRESS, 20),
    (Status.RESOLVED, 10), (Status.CLOSED, 3), (Status.REJECTED, 2),
]  # fmt: skip
OPEN = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS}
CHANNELS = [("web", 30), ("sms", 25), ("ussd", 25), ("voice", 8), ("paper", 10), ("api", 2)]
COLUMNS = [
    "commune_id",
    "code",
    "category_id",
    "is_sensitive",
    "severity",
    "status",
    "arrondissement_id",
    "latitude",
    "longitude",
    "place_description",
    "description",
    "photo",
    "voice_recording",
    "reporter_name",
    "reporter_phone",
    "language",
    "is_anonymous",
    "name_public",
    "reporter_gender",
    "reporter_age_band",
    "channel",
    "created_at",
    "acknowledged_at",
    "ack_due_on",
    "resolve_due_on",
    "resolved_at",
    "closed_at",
    "status_changed_at",
    "escalation_level",
    "escalation_due_on",
    "is_overdue",
    "referred_to",
    "rejection_reason",
    "reopened_count",
    "supporters_count",
]
EVENT_COLUMNS = [
    "complaint_id",
    "commune_id",
    "kind",
    "from_status",
    "to_status",
    "is_public",
    "message",
    "note",
    "created_at",
]
FINAL_KIND = {
    Status.ACKNOWLEDGED: "acknowledged", Status.ASSIGNED: "assigned", Status.IN_PROGRESS: "started",
    Status.RESOLVED: "resolved", Status.CLOSED: "closed", Status.REJECTED: "rejected",
    Status.REFERRED: "referred", Status.DUPLICATE: "duplicate",
}  # fmt: skip


def _weighted(pairs):
    values, weights = zip(*pairs, strict=True)
    return list(values), list(weights)


def _code(prefix: str, number: int) -> str:
    """A bench-only 6-character code (complaint_file draws 4 or 5 characters: no collision)."""
    chars = []
    for _ in range(6):
        number, digit = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return f"{prefix}-{''.join(chars)}"


def _setup() -> list[Commune]:
    call_command("migrate", verbosity=0)
    call_command("load_territory", verbosity=0)
    communes = list(Commune.objects.active())
    for commune in communes:
        services.categories_ensure_defaults(commune=commune)
    return communes


def _reference(communes: list[Commune]) -> tuple[dict, dict]:
    """Categories and arrondissement ids per commune, read before COPY holds the connection."""
    categories = {commune.pk: list(Category.objects.filter(commune=commune)) for commune in communes}
    arrondissements: dict[int, list[int]] = {}
    for arrondissement in Arrondissement.objects.all():
        arrondissements.setdefault(arrondissement.commune_id, []).append(arrondissement.pk)
    return categories, arrondissements


def _complaint_rows(communes: list[Commune], total: int, rng: random.Random):
    """Yield (complaint columns, final status) tuples in COPY order (no query while COPY runs)."""
    now = timezone.now()
    weights = [commune.population_2013 or 50_000 for commune in communes]
    plan = rng.choices(communes, weights=weights, k=total)
    categories, arrondissements = _reference(communes)
    prefixes = {commune.pk: code_prefix(commune) for commune in communes}
    old_statuses, old_weights = _weighted(STATUS_OLD)
    recent_statuses, recent_weights = _weighted(STATUS_RECENT)
    channels, channel_weights = _weighted(CHANNELS)
    for number, commune in enumerate(plan):
        pool = categories[commune.pk]
        sensitive = rng.random() < SENSITIVE_SHARE
        category = rng.choice([c for c in pool if c.is_sensitive == sensitive])
        age_days = DAYS * (rng.random() ** 1.6)  # more recent complaints than old ones
        created = now - datetime.timedelta(days=age_days)
        if age_days > 30:
            status = rng.choices(old_statuses, old_weights)[0]
        else:
            status = rng.choices(recent_statuses, recent_weights)[0]
        ack_due = (created + datetime.timedelta(days=3)).date()
        resolve_due = (created + datetime.timedelta(days=21)).date()
        acknowledged = (
            created + datetime.timedelta(days=rng.uniform(0.2, 5)) if status != Status.RECEIVED else None
        )
        resolved = (
            created + datetime.timedelta(days=rng.uniform(2, 40))
            if status in (Status.RESOLVED, Status.CLOSED)
            else None
        )
        closed = (
            (resolved or created) + datetime.timedelta(days=rng.uniform(1, 10))
            if status not in OPEN and status != Status.RESOLVED
            else None
        )
        changed = closed or resolved or acknowledged or created
        anonymous = rng.random() < ANONYMOUS_SHARE
        is_open = status in OPEN
        overdue = is_open and (
            resolve_due < now.date() or (status == Status.RECEIVED and ack_due < now.date())
        )
        in_commune = arrondissements.get(commune.pk)
        yield (
            commune.pk, _code(prefixes[commune.pk], number), category.pk, sensitive, "normal", status,
            rng.choice(in_commune) if in_commune else None,
            None, None, "", "Pompe en panne, route dégradée ou service en retard (données de banc d'essai).",
            "", "", "" if anonymous else "Citoyen", "", "fr", anonymous, False,
            rng.choice(["f", "m", ""]), rng.choice(["18-24", "25-34", "35-49", "50-64", "65+", ""]),
            rng.choices(channels, channel_weights)[0], created, acknowledged, ack_due, resolve_due,
            resolved, closed, changed, 0, resolve_due if is_open else None, overdue,
            "Médiateur de la République" if status == Status.REFERRED else "",
            "Hors compétence" if status == Status.REJECTED else "", 0, rng.choice([0, 0, 0, 1, 2]),
        ), status  # fmt: skip


def _load(communes: list[Commune], total: int) -> None:
    rng = random.Random(311)
    started = time.perf_counter()
    statuses = []
    rows = _complaint_rows(communes, total, rng)
    first = next(rows)  # the generator's reference queries run before COPY starts
    with connection.cursor() as cursor:
        copy_sql = f"COPY grievances_complaint ({', '.join(COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for row, status in itertools.chain([first], rows):
                copy.write_row(row)
                statuses.append((row[0], row[21], status, row[27]))
        cursor.execute("SELECT min(id) FROM grievances_complaint")
        first_id = cursor.fetchone()[0]
        copy_sql = f"COPY grievances_complaintevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for offset, (commune_id, created, status, changed) in enumerate(statuses):
                owner = (first_id + offset, commune_id)  # complaint_id, commune_id
                copy.write_row((*owner, "filed", "", Status.RECEIVED, True, "", "", created))
                if status != Status.RECEIVED:
                    final = (FINAL_KIND[status], Status.RECEIVED, status, True, "", "", changed)
                    copy.write_row((*owner, *final))
        cursor.execute("ANALYZE grievances_complaint")
        cursor.execute("ANALYZE grievances_complaintevent")
    print(f"loaded {total:,} complaints and their events in {time.perf_counter() - started:.0f} s")


def _time(label: str, run, repeat: int) -> None:
    run()  # warm the caches once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    print(f"| {label} | {statistics.median(samples):.1f} | {p95:.1f} |")


def _explain(label: str, queryset) -> None:
    print(f"\n--- EXPLAIN ANALYZE: {label}")
    print(queryset.explain(analyze=True, buffers=True))


def _measure(commune: Commune, repeat: int, explain: bool) -> None:
    factory = RequestFactory()
    visitor = factory.get("/")
    visitor.user = AnonymousUser()
    officer = {"complaints_officer"}
    focal = {"complaints_officer", "focal_point"}
    year_ago = timezone.now() - datetime.timedelta(days=365)
    today = timezone.now().strftime("%Y-%m-%dT00:00:00Z")
    checks = {
        "officer queue, first page (open, overdue first)": lambda: list(
            queries.officer_queue(commune=commune, roles=officer)[:PAGE]
        ),
        "officer queue, first page, focal point (with sensitive)": lambda: list(
            queries.officer_queue(commune=commune, roles=focal)[:PAGE]
        ),
        "officer queue, one status (in_progress)": lambda: list(
            queries.officer_queue(commune=commune, roles=officer, status="in_progress")[:PAGE]
        ),
        "public list, first page": lambda: list(queries.public_complaints(commune=commune)[:PAGE]),
        "public list, first page, one status (resolved)": lambda: list(
            queries.public_complaints(commune=commune, status="resolved")[:PAGE]
        ),
        "statistics page (view: snapshot read + template)": lambda: public_views.statistics(
            visitor, commune.slug
        ),
        "GET requests.json (default 90 days, up to 1000)": lambda: open311_views.request_list(
            factory.get("/", {"jurisdiction_id": commune.slug}), fmt="json"
        ),
        "GET servicerequestupdates.json (since today)": lambda: open311_views.update_list(
            factory.get("/", {"jurisdiction_id": commune.slug, "start_date": today}), fmt="json"
        ),
    }
    count = Complaint.objects.filter(commune=commune).count()
    print(f"\n{commune.name} ({count:,} complaints), {repeat} runs each\n")
    print("| query | median ms | p95 ms |\n|---|---|---|")
    services.stats_refresh(commune=commune, force=True)  # the page's first visit (or the task) does this
    for label, run in checks.items():
        _time(label, run, repeat)
    refreshes = {  # background work: the refresh task, queued (debounced) after status changes
        "statistics refresh (commune_statistics, all time)": lambda: services.stats_refresh(
            commune=commune, force=True
        ),
        "commune_statistics, last 12 months": lambda: queries.commune_statistics(
            commune=commune, since=year_ago
        ),
    }
    for label, run in refreshes.items():
        _time(label, run, max(3, repeat // 6))
    if explain:
        _explain("officer queue", queries.officer_queue(commune=commune, roles=officer)[:PAGE])
        _explain("public list", queries.public_complaints(commune=commune)[:PAGE])


def _filing_throughput(commune: Commune, count: int) -> None:
    category = Category.objects.get(commune=commune, code="water")
    started = time.perf_counter()
    for number in range(count):
        services.complaint_file(
            commune=commune,
            category=category,
            description=f"Banc d'essai : dépôt {number}.",
            channel="api",
            reporter_name="Banc d'essai",
            reporter_phone="+2290197000000",
        )
    elapsed = time.perf_counter() - started
    print(f"\nfiling through complaint_file: {count} complaints in {elapsed:.1f} s = {count / elapsed:.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--filings", type=int, default=300)
    parser.add_argument("--explain", action="store_true")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/palabre_bench"
        )
    communes = _setup()
    missing = options.complaints - Complaint.objects.count()
    if missing > 0:
        _load(communes, missing)
    biggest = max(communes, key=lambda commune: commune.population_2013 or 0)
    pilot = next((commune for commune in communes if commune.is_pilot), biggest)
    for commune in dict.fromkeys([biggest, pilot]):
        _measure(commune, options.repeat, options.explain)
    _filing_throughput(pilot, options.filings)


if __name__ == "__main__":
    main()
