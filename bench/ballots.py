"""Ballot submission throughput through `ballot_cast`, on SQLite and on PostgreSQL.

    .venv/bin/python bench/ballots.py                 # SQLite (WAL), in a fresh directory under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/palabre_bench_ballots .venv/bin/python bench/ballots.py
    options: --ballots N (per scenario, default 2000), --workers 1 2 4 (processes), --seed S

Migrates, then for each scenario and number of worker processes makes a fresh cycle in its voting phase
(10 projects per envelope) and casts N ballots of N distinct phones (approval, 3 projects each), split
between the workers, each a forked process with its own database connection, all started together.
Scenarios: the commune-wide envelope; an arrondissement's envelope (adds the one-arrondissement check and,
on PostgreSQL, a per-voter advisory lock); the commune-wide envelope with the receipt sent by SMS (adds the
outbox row and its task). Prints ballots per second (wall clock, first start to last end), latency per
ballot (p50 / p95 / p99, ms) and the queries one ballot makes; checks that every ballot was stored once.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["PALABRE_DATA_DIR"] = tempfile.mkdtemp(prefix="palabre-bench-ballots-")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from palabre.budgeting.models import Ballot, Envelope, VoterRecord  # noqa: E402
from palabre.budgeting.services.voters import Voter  # noqa: E402
from palabre.budgeting.services.voting import ballot_cast  # noqa: E402
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory  # noqa: E402
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory  # noqa: E402

SCENARIOS = {
    "commune-wide envelope": {"arrondissement": False, "sms": False},
    "arrondissement envelope": {"arrondissement": True, "sms": False},
    "commune-wide + SMS receipt": {"arrondissement": False, "sms": True},
}
PROJECTS = 10
CHOSEN = 3


def make_envelope(run: int, in_arrondissement: bool) -> Envelope:
    """A fresh cycle in its voting phase with one envelope of PROJECTS projects."""
    commune = CommuneFactory(slug=f"bench-ballots-{run}-{time.time_ns()}")
    cycle = CycleFactory(commune=commune, max_projects=CHOSEN)
    arrondissement = ArrondissementFactory(commune=commune) if in_arrondissement else None
    envelope = EnvelopeFactory(cycle=cycle, arrondissement=arrondissement, amount=100_000_000)
    for number in range(1, PROJECTS + 1):
        ProposalFactory(envelope=envelope, number=number, estimated_cost=1_000_000 * number)
    return envelope


def phone(run: int, index: int) -> str:
    return f"+22901{run % 100:02d}{index:06d}"


def cast_share(envelope_pk: int, phones: list[str], sms: bool, seed: int, start_at: float) -> dict:
    """One worker: wait for the common start, then cast its voters' ballots one after the other."""
    rng = random.Random(seed)
    envelope = Envelope.objects.select_related("cycle__commune").get(pk=envelope_pk)
    while time.time() < start_at:
        time.sleep(0.001)
    latencies = []
    started = time.time()
    for number in phones:
        voter = Voter(phone=number, channel="ussd", arrondissement_id=envelope.arrondissement_id)
        numbers = rng.sample(range(1, PROJECTS + 1), CHOSEN)
        began = time.perf_counter()
        ballot_cast(envelope=envelope, voter=voter, numbers=numbers, send_receipt_sms=sms)
        latencies.append(time.perf_counter() - began)
    ended = time.time()
    connection.close()
    return {"started": started, "ended": ended, "latencies": latencies}


def queries_per_ballot(envelope: Envelope, run: int, sms: bool) -> int:
    voter = Voter(phone=phone(run, 999_999), channel="ussd", arrondissement_id=envelope.arrondissement_id)
    envelope = Envelope.objects.select_related("cycle__commune").get(pk=envelope.pk)
    with CaptureQueriesContext(connection) as captured:
        ballot_cast(envelope=envelope, voter=voter, numbers=[1, 2, 3], send_receipt_sms=sms)
    return len(captured.captured_queries)


def run_scenario(run: int, settings: dict, workers: int, ballots: int, seed: int) -> dict:
    envelope = make_envelope(run, settings["arrondissement"])
    queries = queries_per_ballot(envelope, run, settings["sms"])
    phones = [phone(run, index) for index in range(ballots)]
    shares = [phones[index::workers] for index in range(workers)]
    connections.close_all()  # the forked workers open their own connections
    start_at = time.time() + 0.5
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        results = pool.starmap(
            cast_share,
            [
                (envelope.pk, share, settings["sms"], seed + index, start_at)
                for index, share in enumerate(shares)
            ],
        )
    wall = max(result["ended"] for result in results) - min(result["started"] for result in results)
    latencies = sorted(latency for result in results for latency in result["latencies"])
    stored = Ballot.objects.filter(envelope=envelope).count()
    records = VoterRecord.objects.filter(envelope=envelope).count()
    assert stored == records == ballots + 1, (stored, records, ballots)
    return {
        "per_second": ballots / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database += " " + cursor.fetchone()[0].split()[0]
    print(f"database: {database}, {options.ballots} ballots per line, {os.cpu_count()} CPUs\n")
    print("| scenario | workers | ballots/s | p50 / p95 / p99 ms | queries per ballot |")
    print("|---|---|---|---|---|")
    run = int(time.time()) % 100
    for name, settings in SCENARIOS.items():
        for workers in options.workers:
            run += 1
            figures = run_scenario(run, settings, workers, options.ballots, options.seed)
            print(
                f"| {name} | {workers} | {figures['per_second']:.0f} | {figures['p50']:.1f} / "
                f"{figures['p95']:.1f} / {figures['p99']:.1f} | {figures['queries']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
